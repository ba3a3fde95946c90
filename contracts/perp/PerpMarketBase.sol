// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    AccessManagedUpgradeable
} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IFundingRateOracle} from "../interfaces/perp/IFundingRateOracle.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {ILiquidityPool} from "../interfaces/pool/ILiquidityPool.sol";
import {PerpMath} from "../libraries/PerpMath.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {UsdPerToken} from "../interfaces/types/Units.sol";

/// @title PerpMarketBase - the perp market's storage, wiring, market settings and valuation helpers
/// @notice Everything PerpMarket's trading paths share: the ERC-7201 namespace, the immutable wiring (vault,
///         price oracle, funding-rate oracle), the listing and configuration of markets with their bounds, and
///         the valuation of a position at the oracle's price and the funding index now.
/// @dev A UUPS proxy's implementation (`ProtocolProxy`; upgrades: UPGRADER), `AccessManaged` by the protocol's
///      manager. The wiring is immutable: an upgrade that rewires deploys a new implementation.
abstract contract PerpMarketBase is IPerpMarket, AccessManagedUpgradeable, UUPSUpgradeable {
    // ---- Constants ----

    /// @notice The most markets listed (traderPnl loops over them).
    uint256 public constant MAX_MARKETS = 16;
    /// @notice The most markets in which one account holds a position (accountMargin loops over them).
    uint256 public constant MAX_POSITIONS = 8;
    /// @notice The order slots per account and market.
    uint256 public constant MAX_ORDERS = 4;
    /// @notice The highest maker or taker fee (1%).
    uint256 public constant MAX_FEE_BPS = 100;
    /// @notice The longest settlement delay and window (seconds).
    uint256 public constant MAX_SETTLEMENT_TIME = 1 hours;
    /// @notice The largest keeper fee an order may reserve, in USD (18 decimals): $100.
    uint256 public constant MAX_KEEPER_FEE_USD = 100e18;
    uint256 internal constant WAD = 1e18;
    /// @dev The initial margin reported for a position whose price cannot value it: withdrawals and new risk fail
    ///      closed while maintenance keeps the last price.
    uint256 internal constant UNPRICED_MARGIN = type(uint128).max;

    // ---- Wiring (immutable) ----

    IMarginVault internal immutable _vault;
    IEquityPriceOracle internal immutable _priceOracle;
    IFundingRateOracle internal immutable _fundingOracle;
    /// @dev USD (18 decimals) per settlement unit: 1e12 for a 6-decimal stablecoin.
    uint256 internal immutable _usdPerUnit;

    // ---- Storage ----

    /// @custom:storage-location erc7201:dualtrack.storage.PerpMarket
    struct PerpMarketStorage {
        ILiquidityPool pool;
        bytes32[] marketIds;
        mapping(bytes32 marketId => MarketConfig) configs;
        mapping(bytes32 marketId => MarketTotals) totals;
        mapping(uint256 accountId => mapping(bytes32 marketId => Position)) positions;
        mapping(uint256 accountId => mapping(bytes32 marketId => Order[MAX_ORDERS])) orders;
        mapping(uint256 accountId => bytes32[]) positionMarkets;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.PerpMarket")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PERP_MARKET_STORAGE = 0x90c1faff53a64dee9002f7b1bff5a4aef78001122f78dd7abce857fc75edb500;

    function _getPerpMarketStorage() internal pure returns (PerpMarketStorage storage $) {
        assembly {
            $.slot := PERP_MARKET_STORAGE
        }
    }

    // ---- Construction ----

    /// @param vault_ The margin vault. @param priceOracle_ The EquityPriceOracle. @param fundingOracle_ The
    /// FundingRateOracle. @param settlementDecimals The vault's settlement asset's decimals (at most 18).
    constructor(
        IMarginVault vault_,
        IEquityPriceOracle priceOracle_,
        IFundingRateOracle fundingOracle_,
        uint8 settlementDecimals
    ) {
        if (
            address(vault_) == address(0) || address(priceOracle_) == address(0)
                || address(fundingOracle_) == address(0)
        ) {
            revert PerpMarketZeroAddress();
        }
        if (settlementDecimals > 18) revert PerpMarketConfigInvalid(bytes32(0));
        _vault = vault_;
        _priceOracle = priceOracle_;
        _fundingOracle = fundingOracle_;
        _usdPerUnit = 10 ** (18 - settlementDecimals);
        _disableInitializers();
    }

    /// @notice Set up the market behind its proxy.
    /// @param authority The protocol's AccessManager.
    function initialize(address authority) external initializer {
        if (authority.code.length == 0) revert PerpMarketZeroAddress();
        __AccessManaged_init(authority);
    }

    // ---- Settings (restricted) ----

    /// @inheritdoc IPerpMarket
    function listMarket(bytes32 marketId, MarketConfig calldata config) external restricted {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        if ($.configs[marketId].skewScale != 0) revert PerpMarketAlreadyListed(marketId);
        if ($.marketIds.length == MAX_MARKETS) revert PerpMarketTooManyMarkets(MAX_MARKETS);
        if (_priceOracle.feedConfig(config.feedId).jumpBandBps == 0) revert PerpMarketConfigInvalid(marketId);
        _checkConfig(marketId, config);
        $.configs[marketId] = config;
        $.marketIds.push(marketId);
        emit MarketListed(marketId, config);
    }

    /// @inheritdoc IPerpMarket
    function configureMarket(bytes32 marketId, MarketConfig calldata config) external restricted {
        MarketConfig storage current = _listed(marketId);
        if (config.feedId != current.feedId) revert PerpMarketConfigInvalid(marketId);
        _checkConfig(marketId, config);
        _getPerpMarketStorage().configs[marketId] = config;
        emit MarketConfigured(marketId, config);
    }

    /// @inheritdoc IPerpMarket
    function setPool(address pool) external restricted {
        _getPerpMarketStorage().pool = ILiquidityPool(pool);
        emit PoolSet(pool);
    }

    // ---- Views ----

    /// @inheritdoc IPerpMarket
    function wiring() external view returns (address vault, address priceOracle, address fundingOracle, address pool) {
        return (address(_vault), address(_priceOracle), address(_fundingOracle), address(_getPerpMarketStorage().pool));
    }

    /// @inheritdoc IPerpMarket
    function markets() external view returns (bytes32[] memory) {
        return _getPerpMarketStorage().marketIds;
    }

    /// @inheritdoc IPerpMarket
    function configOf(bytes32 marketId) external view returns (MarketConfig memory) {
        return _getPerpMarketStorage().configs[marketId];
    }

    /// @inheritdoc IPerpMarket
    function totalsOf(bytes32 marketId) external view returns (MarketTotals memory) {
        return _getPerpMarketStorage().totals[marketId];
    }

    /// @inheritdoc IPerpMarket
    function orderOf(uint256 accountId, bytes32 marketId, uint256 slot) external view returns (Order memory) {
        if (slot >= MAX_ORDERS) revert PerpMarketNoOrder(accountId, marketId, slot);
        return _getPerpMarketStorage().orders[accountId][marketId][slot];
    }

    /// @inheritdoc IPerpMarket
    function positionOf(uint256 accountId, bytes32 marketId) external view returns (Position memory) {
        return _getPerpMarketStorage().positions[accountId][marketId];
    }

    /// @inheritdoc IPerpMarket
    function positionMarketsOf(uint256 accountId) external view returns (bytes32[] memory) {
        return _getPerpMarketStorage().positionMarkets[accountId];
    }

    // ---- Internal ----

    function _listed(bytes32 marketId) internal view returns (MarketConfig storage config) {
        config = _getPerpMarketStorage().configs[marketId];
        if (config.skewScale == 0) revert PerpMarketUnknownMarket(marketId);
    }

    /// @dev The oracle's last accepted price per token (continuous across splits) and whether it may value
    ///      collateral and liquidate.
    function _markPrice(bytes32 feedId)
        internal
        view
        returns (uint256 price, bool usableToValue, bool usableToLiquidate)
    {
        IEquityPriceOracle.ConsumerPrice memory read = _priceOracle.consumerPrice(feedId);
        return (UsdPerToken.unwrap(read.pricePerToken), read.usableToValue, read.usableToLiquidate);
    }

    /// @dev The funding index `marketId` would have if updated now at `price` (0 before any price).
    function _indexAt(bytes32 marketId, uint256 price) internal view returns (int256) {
        if (price == 0) return _fundingOracle.stateOf(marketId).index;
        return _fundingOracle.previewState(marketId, price).index;
    }

    /// @dev `position`'s PnL net of its funding (USD, signed) and its initial and maintenance margins at `price`.
    function _value(Position memory position, MarketConfig memory config, uint256 price, int256 index)
        internal
        pure
        returns (int256 net, uint256 initial, uint256 maintenance)
    {
        int256 size = position.size;
        if (size == 0) return (0, 0, 0);
        net = PositionMath.pnl(size, position.entryPrice, price)
            - PositionMath.fundingOwed(size, position.entryFundingIndex, index);
        PerpMath.Params memory params = _params(config);
        initial = PerpMath.initialMargin(size, price, params);
        maintenance = PerpMath.maintenanceMargin(size, price, params);
    }

    function _params(MarketConfig memory config) internal pure returns (PerpMath.Params memory) {
        return PerpMath.Params({
            skewScale: config.skewScale,
            makerFeeBps: config.makerFeeBps,
            takerFeeBps: config.takerFeeBps,
            initialMarginRatio: config.initialMarginRatio,
            minInitialMarginRatio: config.minInitialMarginRatio,
            maintenanceScalar: config.maintenanceScalar,
            minPositionMargin: config.minPositionMargin
        });
    }

    /// @dev Bounds: a skew scale within the funding oracle's (int128 / 10), open interest at most 10 skew scales,
    ///      fees at most MAX_FEE_BPS, 0 < minimum IMR <= 1, IMR slope at most 10, 0 < maintenance scalar < 1, a
    ///      minimum position margin at most $1M, 0 < delay and window <= MAX_SETTLEMENT_TIME, keeper fees ordered
    ///      and at most MAX_KEEPER_FEE_USD; the market's funding must name this contract as its market.
    function _checkConfig(bytes32 marketId, MarketConfig calldata c) private view {
        bool valid = c.skewScale != 0 && uint256(c.skewScale) * 10 <= uint256(uint128(type(int128).max))
            && c.maxOpenInterest != 0 && uint256(c.maxOpenInterest) <= uint256(c.skewScale) * 10
            && c.makerFeeBps <= MAX_FEE_BPS && c.takerFeeBps <= MAX_FEE_BPS && c.minInitialMarginRatio != 0
            && c.minInitialMarginRatio <= WAD && c.initialMarginRatio <= 10 * WAD && c.maintenanceScalar != 0
            && c.maintenanceScalar < WAD && c.minPositionMargin <= 1e24 && c.settlementDelay != 0
            && c.settlementDelay <= MAX_SETTLEMENT_TIME && c.settlementWindow != 0
            && c.settlementWindow <= MAX_SETTLEMENT_TIME && c.minKeeperFee <= c.maxKeeperFee
            && uint256(c.maxKeeperFee) * _usdPerUnit <= MAX_KEEPER_FEE_USD;
        if (!valid || _fundingOracle.configOf(marketId).market != address(this)) {
            revert PerpMarketConfigInvalid(marketId);
        }
    }

    function _authorizeUpgrade(address) internal override restricted {}
}
