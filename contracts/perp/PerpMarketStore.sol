// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    AccessManagedUpgradeable
} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IFundingRateOracle} from "../interfaces/perp/IFundingRateOracle.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {ILiquidityPool} from "../interfaces/pool/ILiquidityPool.sol";

/// @title PerpMarketStore - the perp market's constants, immutable wiring and ERC-7201 storage
/// @notice Shared by PerpMarket and the module it runs by DELEGATECALL (PerpMarketModule), so both read and
///         write the same namespace (`PerpMarketStorage`) with the same wiring: the vault, the price oracle, the
///         funding-rate oracle and the settlement asset's scale, fixed at construction. How positions are valued
///         and filled: PerpMarketPositions.
abstract contract PerpMarketStore is AccessManagedUpgradeable {
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
    /// @notice The window over which a market's liquidations are capped (Synthetix v3's
    ///         `maxSecondsInLiquidationWindow`).
    uint256 internal constant LIQUIDATION_WINDOW = 30 seconds;
    /// @notice The least liquidation capacity per window, in basis points of the skew scale.
    uint256 internal constant MIN_LIQUIDATION_CAPACITY_BPS = 10;
    /// @notice Below this maintenance health factor an account's positions are liquidated whole, whatever the
    ///         window's capacity (the deeply-underwater bypass): 0.95, the vault's default `fullCloseHealth`
    ///         below which its own close factor stops chunking too.
    uint256 internal constant DEEP_UNDERWATER_HEALTH = 0.95e18;
    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;
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
        mapping(bytes32 marketId => IPerpMarket.MarketConfig) configs;
        mapping(bytes32 marketId => IPerpMarket.MarketTotals) totals;
        mapping(uint256 accountId => mapping(bytes32 marketId => IPerpMarket.Position)) positions;
        mapping(uint256 accountId => mapping(bytes32 marketId => IPerpMarket.Order[MAX_ORDERS])) orders;
        mapping(uint256 accountId => bytes32[]) positionMarkets;
        mapping(bytes32 marketId => IPerpMarket.DividendSource) dividendSources;
        mapping(bytes32 marketId => IPerpMarket.DividendState) dividends;
        mapping(bytes32 marketId => IPerpMarket.LiquidationWindow) liquidationWindows;
        mapping(bytes32 marketId => IPerpMarket.Delisting) delistings;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.PerpMarket")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PERP_MARKET_STORAGE = 0x90c1faff53a64dee9002f7b1bff5a4aef78001122f78dd7abce857fc75edb500;

    function _getPerpMarketStorage() internal pure returns (PerpMarketStorage storage $) {
        assembly {
            $.slot := PERP_MARKET_STORAGE
        }
    }

    /// @dev The committed order in `slot` of `accountId` on `marketId`, or PerpMarketNoOrder.
    function _order(PerpMarketStorage storage $, uint256 accountId, bytes32 marketId, uint256 slot)
        internal
        view
        returns (IPerpMarket.Order storage stored)
    {
        if (slot >= MAX_ORDERS) revert IPerpMarket.PerpMarketNoOrder(accountId, marketId, slot);
        stored = $.orders[accountId][marketId][slot];
        if (stored.committedAt == 0) revert IPerpMarket.PerpMarketNoOrder(accountId, marketId, slot);
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
            revert IPerpMarket.PerpMarketZeroAddress();
        }
        if (settlementDecimals > 18) revert IPerpMarket.PerpMarketConfigInvalid(bytes32(0));
        _vault = vault_;
        _priceOracle = priceOracle_;
        _fundingOracle = fundingOracle_;
        _usdPerUnit = 10 ** (18 - settlementDecimals);
        _disableInitializers();
    }
}
