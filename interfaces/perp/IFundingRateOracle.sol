// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IFundingRateOracle - per-market funding rates and the cumulative funding index of dualtrack's perps
/// @notice Hyperliquid's rule on a skew-priced perp (FundingMath): the premium is the deviation of the impact
///         prices (fills of a fixed `impactSize` each way, priced with the market's skew impact) from the oracle
///         price, a function of the skew alone; its average over each hour is exact (premium x seconds, summed
///         between skew changes, no sampling loop); the 8-hour rate is avg + clamp(interest - avg, +-0.05%),
///         paid each hour at 1/8 of it, capped at 4% an hour. Hours in which the skew did not change settle in
///         closed form (their average is the premium at that skew), so an update costs the same after one hour
///         as after a month.
///
///         Index: each settled hour adds rate x price (USD, 18 decimals, per 1e18 base units of size) to the
///         market's cumulative `index`. A position of `size` base units (positive long, negative short) owes
///         size x (index now - index at its last settlement) / 1e18 (negative: it receives), so funding costs
///         O(1) per position whatever their number. The pool takes the skew's other side: when longs exceed
///         shorts by `skew` the pool is short `skew` and receives what the excess longs pay (pays, when the rate
///         is negative); longs + shorts + pool always sum to zero. A positive rate: longs pay.
///
///         Price: the market passes the oracle price it used with each `update`; settled hours are paid at that
///         price (the idle ones too: no price between two updates is known). The last one is kept, and used when
///         the configuration changes (the time before it accrues under the old parameters).
///
///         Roles (the protocol's AccessManager): RISK_ADMIN configures markets (under its delay); UPGRADER
///         upgrades. Only a market's own contract (`FundingConfig.market`) updates its skew.
interface IFundingRateOracle {
    // ---- Types ----

    /// @notice A market's funding parameters.
    /// @param skewScale The skew (base units) at which the skew impact is 100% (Synthetix's `skewScale`).
    /// @param impactSize The size (base units) of the impact orders that define the premium.
    /// @param interestPer8h The interest term per 8 hours, signed WAD (Hyperliquid: 1e14 = 0.01%).
    /// @param market The contract that reports the market's skew (the perp market).
    struct FundingConfig {
        uint128 skewScale;
        uint128 impactSize;
        int64 interestPer8h;
        address market;
    }

    /// @notice A market's funding state.
    /// @param skew Longs minus shorts, base units, since `lastUpdate`.
    /// @param lastUpdate When the state was last accrued (0: never).
    /// @param premiumSum Premium x seconds accrued in the hour `lastUpdate` is in (signed WAD-seconds).
    /// @param index Cumulative funding, USD (18 decimals) per 1e18 base units; a long owes its rise.
    /// @param lastRate The last settled hourly rate, signed WAD.
    /// @param lastSettledHour The start (unix seconds) of the last settled hour (0: none yet).
    /// @param lastPrice The price passed with the last update (USD, 18 decimals, per 1e18 base units).
    struct FundingState {
        int256 skew;
        uint256 lastUpdate;
        int256 premiumSum;
        int256 index;
        int256 lastRate;
        uint256 lastSettledHour;
        uint256 lastPrice;
    }

    // ---- Errors ----

    error FundingOracleZeroAddress();
    /// @notice `marketId` has no configuration.
    error FundingOracleUnknownMarket(bytes32 marketId);
    /// @notice `caller` is not `marketId`'s market contract.
    error FundingOracleNotMarket(bytes32 marketId, address caller);
    /// @notice The configuration is out of bounds (zero scale or impact, impact above the scale, interest
    ///         beyond MAX_INTEREST_PER_8H either way, no market).
    error FundingOracleConfigInvalid(bytes32 marketId);
    /// @notice `skew` is beyond MAX_SKEW_SCALES skew scales either way (`bound`).
    error FundingOracleSkewOutOfRange(bytes32 marketId, int256 skew, uint256 bound);
    /// @notice `price` is zero or above MAX_PRICE.
    error FundingOraclePriceOutOfRange(bytes32 marketId, uint256 price);

    // ---- Events ----

    event MarketConfigured(bytes32 indexed marketId, FundingConfig config);
    /// @notice `count` hours were settled, the last one starting at `hourStart`, paid at `rate`; the index after them.
    event FundingSettled(bytes32 indexed marketId, uint256 hourStart, uint256 count, int256 rate, int256 index);
    event SkewUpdated(bytes32 indexed marketId, int256 skew, uint256 price, int256 index);

    // ---- The markets ----

    /// @notice Accrue `marketId`'s funding to now under its current skew, paying each hour that ended at `price`,
    ///         then set its skew. Only the market's contract, with the oracle price it uses.
    /// @param skew The market's skew from now on (longs minus shorts, base units).
    /// @param price The oracle price, USD (18 decimals) per 1e18 base units.
    /// @return index The cumulative funding index after the accrual.
    function update(bytes32 marketId, int256 skew, uint256 price) external returns (int256 index);

    // ---- Settings (restricted) ----

    /// @notice Configure `marketId` (RISK_ADMIN). A configured market first accrues to now at its last price
    ///         under the old parameters.
    function configureMarket(bytes32 marketId, FundingConfig calldata config) external;

    // ---- Views ----

    /// @notice `marketId`'s configuration.
    function configOf(bytes32 marketId) external view returns (FundingConfig memory);

    /// @notice `marketId`'s state as last written.
    function stateOf(bytes32 marketId) external view returns (FundingState memory);

    /// @notice `marketId`'s state if it were updated now at `price` (its skew unchanged).
    function previewState(bytes32 marketId, uint256 price) external view returns (FundingState memory);

    /// @notice The premium (signed WAD) at `skew` under `marketId`'s configuration.
    function premiumAt(bytes32 marketId, int256 skew) external view returns (int256);

    /// @notice The current hour's rate if the skew does not change before it ends (signed WAD per hour).
    function predictedRate(bytes32 marketId) external view returns (int256);
}
