// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IDividendDistributor} from "../interfaces/corporate/IDividendDistributor.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IFundingRateOracle} from "../interfaces/perp/IFundingRateOracle.sol";
import {ILiquidityPool} from "../interfaces/pool/ILiquidityPool.sol";
import {PerpMarketStore} from "./PerpMarketStore.sol";

/// @title PerpMarketAdminModule - the perp market's settings, run by DELEGATECALL from PerpMarket
/// @notice Listing and configuring markets within their bounds, the pool the market asks and the markets' dividend
///         sources (RISK_ADMIN's functions), scheduling a dividend and cancelling an order: the paths that run
///         seldom, moved out of PerpMarket so that its trading code fits one contract. It has no state of its own
///         (it acts on the market's storage) and refuses a direct call. Rules: IPerpMarket.
/// @dev Constructed with the same wiring as the PerpMarket implementation that delegates to it.
contract PerpMarketAdminModule is PerpMarketStore {
    /// @notice The module was called directly instead of through the market.
    error PerpMarketModuleNotDelegated();

    address private immutable _self = address(this);

    modifier onlyDelegated() {
        if (address(this) == _self) revert PerpMarketModuleNotDelegated();
        _;
    }

    /// @param vault_ The margin vault. @param priceOracle_ The EquityPriceOracle. @param fundingOracle_ The
    /// FundingRateOracle. @param settlementDecimals The vault's settlement asset's decimals.
    constructor(
        IMarginVault vault_,
        IEquityPriceOracle priceOracle_,
        IFundingRateOracle fundingOracle_,
        uint8 settlementDecimals
    ) PerpMarketStore(vault_, priceOracle_, fundingOracle_, settlementDecimals) {}

    /// @notice See IPerpMarket.listMarket.
    function listMarket(bytes32 marketId, IPerpMarket.MarketConfig calldata config) external onlyDelegated restricted {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        if ($.configs[marketId].skewScale != 0) revert IPerpMarket.PerpMarketAlreadyListed(marketId);
        if ($.marketIds.length == MAX_MARKETS) revert IPerpMarket.PerpMarketTooManyMarkets(MAX_MARKETS);
        if (_priceOracle.feedConfig(config.feedId).jumpBandBps == 0) {
            revert IPerpMarket.PerpMarketConfigInvalid(marketId);
        }
        _checkConfig(marketId, config);
        $.configs[marketId] = config;
        $.marketIds.push(marketId);
        emit IPerpMarket.MarketListed(marketId, config);
    }

    /// @notice See IPerpMarket.configureMarket.
    function configureMarket(bytes32 marketId, IPerpMarket.MarketConfig calldata config)
        external
        onlyDelegated
        restricted
    {
        IPerpMarket.MarketConfig storage current = _getPerpMarketStorage().configs[marketId];
        if (current.skewScale == 0) revert IPerpMarket.PerpMarketUnknownMarket(marketId);
        if (config.feedId != current.feedId) revert IPerpMarket.PerpMarketConfigInvalid(marketId);
        _checkConfig(marketId, config);
        _getPerpMarketStorage().configs[marketId] = config;
        emit IPerpMarket.MarketConfigured(marketId, config);
    }

    /// @notice See IPerpMarket.setPool.
    function setPool(address pool) external onlyDelegated restricted {
        _getPerpMarketStorage().pool = ILiquidityPool(pool);
        emit IPerpMarket.PoolSet(pool);
    }

    /// @notice See IPerpMarket.setDividendSource.
    function setDividendSource(bytes32 marketId, IPerpMarket.DividendSource calldata source)
        external
        onlyDelegated
        restricted
    {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        IPerpMarket.MarketConfig storage config = $.configs[marketId];
        if (config.skewScale == 0) revert IPerpMarket.PerpMarketUnknownMarket(marketId);
        bool valid = source.distributor == address(0)
            ? source.token == address(0) && source.passThroughBps == 0
            : source.distributor.code.length != 0 && source.passThroughBps != 0 && source.passThroughBps <= BPS
                && source.token != address(0) && source.token == _priceOracle.feedConfig(config.feedId).token;
        if (!valid) revert IPerpMarket.PerpMarketConfigInvalid(marketId);
        // Distribution ids count per distributor: a new one starts its own sequence.
        if ($.dividendSources[marketId].distributor != source.distributor) {
            $.dividends[marketId].lastDistributionId = 0;
        }
        $.dividendSources[marketId] = source;
        emit IPerpMarket.DividendSourceSet(marketId, source);
    }

    /// @notice See IPerpMarket.scheduleDividend (anyone).
    function scheduleDividend(bytes32 marketId, uint256 distributionId) external onlyDelegated {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        if ($.configs[marketId].skewScale == 0) revert IPerpMarket.PerpMarketUnknownMarket(marketId);
        IPerpMarket.DividendSource memory source = $.dividendSources[marketId];
        if (source.distributor == address(0)) revert IPerpMarket.PerpMarketNoDividendSource(marketId);
        IPerpMarket.DividendState memory state = $.dividends[marketId];
        if (distributionId <= state.lastDistributionId || distributionId > type(uint40).max) {
            revert IPerpMarket.PerpMarketDividendAlreadyScheduled(distributionId, state.lastDistributionId);
        }
        if (block.timestamp < state.recordTime) {
            revert IPerpMarket.PerpMarketDividendPending(marketId, state.recordTime);
        }
        IDividendDistributor.Distribution memory d =
            IDividendDistributor(source.distributor).distribution(distributionId);
        if (d.token != source.token) {
            revert IPerpMarket.PerpMarketDividendWrongToken(distributionId, d.token, source.token);
        }
        (, address settlement,,,,) = _vault.wiring();
        if (d.paymentToken != settlement) {
            revert IPerpMarket.PerpMarketDividendWrongCurrency(distributionId, d.paymentToken, settlement);
        }
        if (d.recordTime <= block.timestamp) {
            revert IPerpMarket.PerpMarketDividendRecordTimePassed(distributionId, d.recordTime, block.timestamp);
        }
        // Rounded down: longs receive at most the dividend, and the pool's side never pays more than its share.
        if (d.amountPerShare > type(uint80).max) {
            revert IPerpMarket.PerpMarketDividendTooLarge(distributionId, d.amountPerShare);
        }
        uint256 perToken = d.amountPerShare * _usdPerUnit * source.passThroughBps / BPS;
        uint256 paid = uint256(state.paidIndex) + state.pendingPerToken; // the previous one's record time has come
        if (perToken > type(uint80).max || paid > type(uint96).max) {
            revert IPerpMarket.PerpMarketDividendTooLarge(distributionId, d.amountPerShare);
        }
        $.dividends[marketId] = IPerpMarket.DividendState({
            paidIndex: uint96(paid),
            pendingPerToken: uint80(perToken),
            recordTime: d.recordTime,
            lastDistributionId: uint40(distributionId)
        });
        emit IPerpMarket.DividendScheduled(marketId, distributionId, d.recordTime, perToken);
    }

    /// @notice See IPerpMarket.cancelOrder (the owner; anyone once a market order has expired).
    function cancelOrder(uint256 accountId, bytes32 marketId, uint256 slot) external onlyDelegated {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        IPerpMarket.Order storage stored = _order($, accountId, marketId, slot);
        if (_vault.accountOwner(accountId) != msg.sender) {
            IPerpMarket.MarketConfig storage config = $.configs[marketId];
            uint256 expiresAt = uint256(stored.committedAt) + config.settlementDelay + config.settlementWindow;
            if (stored.kind != IPerpMarket.OrderKind.Market || block.timestamp <= expiresAt) {
                revert IPerpMarket.PerpMarketCancelNotAllowed(accountId, msg.sender);
            }
        }
        stored.committedAt = 0;
        emit IPerpMarket.OrderCancelled(accountId, marketId, slot, msg.sender);
    }

    // ---- Internal ----

    /// @dev Bounds: a skew scale within the funding oracle's (int128 / 10), open interest at most 10 skew scales,
    ///      fees at most MAX_FEE_BPS, 0 < minimum IMR <= 1, IMR slope at most 10, 0 < maintenance scalar < 1, a
    ///      minimum position margin at most $1M, 0 < delay and window <= MAX_SETTLEMENT_TIME, keeper fees ordered
    ///      and at most MAX_KEEPER_FEE_USD, a closed IMR floor zero or between the open one and 1, a closed
    ///      open-interest cap at most the open one, a positive-impact share at most 10,000; the market's funding
    ///      must name this contract as its market.
    function _checkConfig(bytes32 marketId, IPerpMarket.MarketConfig calldata c) private view {
        bool valid = c.skewScale != 0 && uint256(c.skewScale) * 10 <= uint256(uint128(type(int128).max))
            && c.maxOpenInterest != 0 && uint256(c.maxOpenInterest) <= uint256(c.skewScale) * 10
            && c.makerFeeBps <= MAX_FEE_BPS && c.takerFeeBps <= MAX_FEE_BPS && c.minInitialMarginRatio != 0
            && c.minInitialMarginRatio <= WAD && c.initialMarginRatio <= 10 * WAD && c.maintenanceScalar != 0
            && c.maintenanceScalar < WAD && c.minPositionMargin <= 1e24 && c.settlementDelay != 0
            && c.settlementDelay <= MAX_SETTLEMENT_TIME && c.settlementWindow != 0
            && c.settlementWindow <= MAX_SETTLEMENT_TIME && c.minKeeperFee <= c.maxKeeperFee
            && uint256(c.maxKeeperFee) * _usdPerUnit <= MAX_KEEPER_FEE_USD
            && (c.closedMinInitialMarginRatio == 0
                || (c.closedMinInitialMarginRatio >= c.minInitialMarginRatio && c.closedMinInitialMarginRatio <= WAD))
            && c.closedMaxOpenInterest <= c.maxOpenInterest && c.positiveImpactBps <= BPS;
        if (!valid || _fundingOracle.configOf(marketId).market != address(this)) {
            revert IPerpMarket.PerpMarketConfigInvalid(marketId);
        }
    }
}
