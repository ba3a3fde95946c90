// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IDividendDistributor} from "../interfaces/corporate/IDividendDistributor.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IFundingRateOracle} from "../interfaces/perp/IFundingRateOracle.sol";
import {ILiquidityPool} from "../interfaces/pool/ILiquidityPool.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {PerpMarketPositions} from "./PerpMarketPositions.sol";
import {PerpMarketStore} from "./PerpMarketStore.sol";

/// @title PerpMarketModule - the perp market's paths besides settlement, run by DELEGATECALL from PerpMarket
/// @notice Listing, configuring and delisting markets, the pool the market asks and the markets' dividend sources
///         (RISK_ADMIN's functions); committing and cancelling an order, scheduling a dividend, auto-deleveraging
///         and settling a delisted position. Moved out of PerpMarket so that the code keepers, the vault and the
///         pool call on every trade (settlement, margins, liquidation, the pool's PnL) fits one contract; a
///         commitment pays the DELEGATECALL's few thousand gas. It has no state of its own (it acts on the
///         market's storage) and refuses a direct call. Rules: IPerpMarket.
/// @dev Constructed with the same wiring as the PerpMarket implementation that delegates to it.
contract PerpMarketModule is PerpMarketPositions {
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
        IPerpMarket.MarketConfig storage current = _listed(marketId);
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
        _listed(marketId);
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

    /// @notice See IPerpMarket.commitOrder (the account's owner).
    function commitOrder(IPerpMarket.OrderRequest calldata request) external onlyDelegated returns (uint256 slot) {
        IPerpMarket.MarketConfig storage config = _listed(request.marketId);
        address owner = _vault.accountOwner(request.accountId);
        if (owner != msg.sender) revert IPerpMarket.PerpMarketNotAccountOwner(request.accountId, msg.sender);
        int256 delta = request.sizeDelta;
        if (delta == 0 || (delta < 0 ? uint256(-delta) : uint256(delta)) > config.maxOpenInterest) {
            revert IPerpMarket.PerpMarketSizeInvalid(delta);
        }
        (uint64 minFee, uint64 maxFee) = (config.minKeeperFee, config.maxKeeperFee);
        if (request.keeperFee < minFee || request.keeperFee > maxFee) {
            revert IPerpMarket.PerpMarketKeeperFeeOutOfBounds(request.keeperFee, minFee, maxFee);
        }
        if ((request.kind == IPerpMarket.OrderKind.Market) != (request.triggerPrice == 0)) {
            revert IPerpMarket.PerpMarketTriggerInvalid(request.kind, request.triggerPrice);
        }
        if (config.reduceOnly && !request.reduceOnly) {
            revert IPerpMarket.PerpMarketReduceOnly(request.marketId, 0, delta);
        }
        IPerpMarket.Order[MAX_ORDERS] storage slots =
            _getPerpMarketStorage().orders[request.accountId][request.marketId];
        while (slots[slot].committedAt != 0) {
            if (++slot == MAX_ORDERS) {
                revert IPerpMarket.PerpMarketTooManyOrders(request.accountId, request.marketId, MAX_ORDERS);
            }
        }
        // Settled and cancelled orders keep their fields (only `committedAt` is cleared), so a reused slot is
        // rewritten (5k gas a slot) rather than created (22k).
        slots[slot] = IPerpMarket.Order({
            sizeDelta: request.sizeDelta,
            acceptablePrice: request.acceptablePrice,
            committedAt: uint40(block.timestamp),
            kind: request.kind,
            reduceOnly: request.reduceOnly,
            keeperFee: request.keeperFee,
            triggerPrice: request.triggerPrice
        });
        emit IPerpMarket.OrderCommitted(request.accountId, request.marketId, slot, request);
    }

    /// @notice See IPerpMarket.cancelOrder (the owner; anyone once a market order has expired or the market is
    ///         delisted).
    function cancelOrder(uint256 accountId, bytes32 marketId, uint256 slot) external onlyDelegated {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        IPerpMarket.Order storage stored = _order($, accountId, marketId, slot);
        if (_vault.accountOwner(accountId) != msg.sender) {
            IPerpMarket.MarketConfig storage config = $.configs[marketId];
            uint256 expiresAt = uint256(stored.committedAt) + config.settlementDelay + config.settlementWindow;
            bool pending = stored.kind != IPerpMarket.OrderKind.Market || block.timestamp <= expiresAt;
            if (pending && !config.delisted) {
                revert IPerpMarket.PerpMarketCancelNotAllowed(accountId, msg.sender);
            }
        }
        stored.committedAt = 0;
        emit IPerpMarket.OrderCancelled(accountId, marketId, slot, msg.sender);
    }

    /// @notice See IPerpMarket.autoDeleverage (anyone: the keeper).
    function autoDeleverage(uint256 accountId, bytes32 marketId, uint256 amount) external onlyDelegated {
        _listed(marketId);
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        if (address($.pool) == address(0) || !$.pool.checkAdl()) {
            revert IPerpMarket.PerpMarketAdlNotTriggered(marketId);
        }
        IPerpMarket.MarketConfig memory config = _configOf($, marketId);
        IPerpMarket.Position memory position = _positionOf($, accountId, marketId);
        Fill memory fill = _adlFill(accountId, marketId, config, position, amount);
        _fill($, accountId, marketId, config, position, _totalsOf($, marketId), fill);
        if ($.positionMarkets[accountId].length == 0) _vault.leaveMarket(accountId);
        emit IPerpMarket.PositionAutoDeleveraged(
            accountId, marketId, fill.newSize - fill.size, fill.price, fill.pnl, fill.funding
        );
    }

    /// @notice See IPerpMarket.delistMarket.
    function delistMarket(bytes32 marketId) external onlyDelegated restricted {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        IPerpMarket.MarketConfig storage config = _listed(marketId);
        // The reduce-only step comes first, so that traders could close at their own pace and price.
        if (!config.reduceOnly) revert IPerpMarket.PerpMarketNotReduceOnly(marketId);
        (uint256 price,, bool usable,) = _markPrice(config.feedId);
        if (!usable) revert IPerpMarket.PerpMarketPriceUnusable(config.feedId);
        IPerpMarket.MarketTotals memory totals = $.totals[marketId];
        // The funding index accrued to now at the current skew (the last update funding ever gets), less the
        // dividends whose record time has come: the carry index every position left settles at.
        int256 index =
            _fundingOracle.update(marketId, PositionMath.skew(totals), price) - int256(_dividendIndex(marketId));
        config.delisted = true;
        $.delistings[marketId] = IPerpMarket.Delisting(SafeCast.toUint128(price), SafeCast.toInt128(index));
        emit IPerpMarket.MarketDelisted(marketId, price, index, totals.longSize, totals.shortSize);
    }

    /// @notice See IPerpMarket.settleDelisted (anyone).
    function settleDelisted(uint256 accountId, bytes32 marketId) external onlyDelegated {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        if (!$.configs[marketId].delisted) revert IPerpMarket.PerpMarketNotDelisted(marketId);
        IPerpMarket.Position memory position = $.positions[accountId][marketId];
        if (position.size == 0) revert IPerpMarket.PerpMarketNoPosition(accountId, marketId);
        _settleDelisted($, accountId, marketId, position);
        if ($.positionMarkets[accountId].length == 0) _vault.leaveMarket(accountId);
    }

    // ---- Internal ----

    /// @dev ADL's fill: `amount` of the position at the oracle's exchange price, if the position is in profit there.
    function _adlFill(
        uint256 accountId,
        bytes32 marketId,
        IPerpMarket.MarketConfig memory config,
        IPerpMarket.Position memory position,
        uint256 amount
    ) private view returns (Fill memory fill) {
        if (amount == 0 || amount > _abs(position.size)) {
            revert IPerpMarket.PerpMarketSizeInvalid(position.size);
        }
        bool usable;
        (fill.price,, usable,) = _markPrice(config.feedId);
        if (!usable) revert IPerpMarket.PerpMarketPriceUnusable(config.feedId);
        (int256 net,,) = _value(position, config, fill.price, _indexAt(marketId, fill.price), false);
        if (net <= 0) revert IPerpMarket.PerpMarketAdlNotProfitable(accountId, marketId, net);
        fill.size = position.size;
        fill.newSize = _reduced(position.size, amount);
        fill.fillPrice = fill.price;
    }

    /// @dev Bounds: a skew scale within the funding oracle's (int128 / 10), open interest at most 10 skew scales,
    ///      fees at most MAX_FEE_BPS, 0 < minimum IMR <= 1, IMR slope at most 10, 0 < maintenance scalar < 1, a
    ///      minimum position margin at most $1M, 0 < delay and window <= MAX_SETTLEMENT_TIME, keeper fees ordered
    ///      and at most MAX_KEEPER_FEE_USD, a closed IMR floor zero or between the open one and 1, a closed
    ///      open-interest cap at most the open one, a positive-impact share at most 10,000, not delisted (only
    ///      delistMarket delists); the market's funding
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
            && c.closedMaxOpenInterest <= c.maxOpenInterest && c.positiveImpactBps <= BPS && !c.delisted;
        if (!valid || _fundingOracle.configOf(marketId).market != address(this)) {
            revert IPerpMarket.PerpMarketConfigInvalid(marketId);
        }
    }
}
