// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarket} from "../margin/IMarket.sol";
import {IPoolMarket} from "../pool/IPoolMarket.sol";

/// @title IPerpMarket - dualtrack's perpetual futures on stocks and crypto, margined by the margin vault
/// @notice Every listed perp (a `marketId`, the same id as on the FundingRateOracle) prices fills from one
///         EquityPriceOracle feed with Synthetix v3's skew impact (PerpMath) and takes its funding from the
///         FundingRateOracle. The liquidity pool (the vault's counterparty) takes the other side of the skew:
///         realised PnL, funding and fees settle in the settlement asset through the vault.
///
///         Sizes are signed base units (1e18 = one token or one coin; positive: long). A stock perp's size is in
///         raw token units and priced per raw token (the oracle's `pricePerToken`, continuous across splits),
///         so a split changes no position's value, margin or PnL. Perps are cash-settled: no stock token moves.
///
///         Market hours (stock perps). While the venue is closed, market orders fill at the report's 24/7
///         tokenized price held within the closed session's band (`closedMinInitialMarginRatio`) of the last
///         exchange price, under the closed session's open-interest cap, if the market allows weekend trading
///         (`closedMaxOpenInterest`) and the tokenized price is live. Positions are always VALUED (margins,
///         liquidation, the pool's PnL) at the oracle's exchange price: the last close while closed, so a
///         weekend print moves fills only and liquidates nobody, and the first open price after the reopen
///         is used at once. While closed or halted or in maintenance, the margins use the closed IMR floor.
///         A halt or a maintenance window makes the market reduce-only.
///
///         Delisting (RISK_ADMIN), in two steps: the market is made reduce-only (`configureMarket`), so traders
///         close at their own pace; `delistMarket` then fixes a final price (the oracle's last accepted exchange
///         price) and a final carry index (funding stops there), and every position left is settled at them,
///         with no fee and no skew impact, by anyone (`settleDelisted`, one position a call) or by a
///         liquidation. A delisted position keeps its final value in its account's margin, with no margin
///         requirement; no order fills on a delisted market and anyone may cancel its orders.
///
///         Dividends: a stock perp is a total-return swap. A scheduled distribution (`scheduleDividend`) adds its
///         dividend per token (times the market's pass-through share) to the market's dividend index at its
///         record time; a position's carry is size x (funding index change - dividend index change), so a long
///         held at the record time receives the dividend and a short pays it, as the ex-dividend price drop
///         takes it from the long's PnL and gives it to the short's: nobody's equity moves.
///
///         Orders. The trader commits; anyone (a keeper) settles, with a signed oracle report:
///         - a market order fills at the report observed exactly `settlementDelay` seconds after its
///           commitment (the first report of its window: the reporting network signs one per second), settled
///           no later than `settlementWindow` seconds after that, so neither the keeper nor the trader picks
///           the price. The report is submitted to the EquityPriceOracle when newer than its last one; an older
///           report is verified (`verifyReport`) and used without being stored;
///         - a limit, stop-loss or take-profit order fills at the oracle's latest report, observed at least
///           `settlementDelay` after the commitment, once that price meets the trigger;
///         - a reduce-only order never increases |size| nor flips it.
///         Each order reserves the keeper fee the trader chose within the market's bounds; a keeper cannot bid
///         it up. A trader settling their own order pays none. An expired market order is cancelled by anyone.
///
///         Settlement: the existing position's PnL (at the fill price) and its funding are realised, the fee
///         charged, and the position restarts at the fill price; the vault then checks initial margin if the
///         order added risk, and the pool its open-interest cap.
///
///         Roles (the protocol's AccessManager): RISK_ADMIN lists and configures markets (under its delay);
///         UPGRADER upgrades.
interface IPerpMarket is IMarket, IPoolMarket {
    // ---- Types ----

    enum OrderKind {
        Market,
        Limit,
        StopLoss,
        TakeProfit
    }

    /// @notice A market's parameters.
    /// @param feedId The EquityPriceOracle feed that prices it.
    /// @param skewScale Skew (base units) at which the skew impact is 100% (Synthetix's `skewScale`).
    /// @param maxOpenInterest The largest open interest on either side (base units).
    /// @param makerFeeBps Fee on the part of an order that reduces |skew|.
    /// @param takerFeeBps Fee on the part that adds to it.
    /// @param initialMarginRatio WAD: IMR = |size| / skewScale x initialMarginRatio + minInitialMarginRatio.
    /// @param minInitialMarginRatio WAD: the IMR floor (1 / max leverage).
    /// @param maintenanceScalar WAD: maintenance margin = initial ratio x this (below 1).
    /// @param minPositionMargin USD (18 decimals) added to both margins of any open position.
    /// @param settlementDelay Seconds between a commitment and the report that fills it.
    /// @param settlementWindow Seconds after that in which a market order may still be settled.
    /// @param minKeeperFee Smallest keeper fee an order may reserve (settlement units).
    /// @param maxKeeperFee Largest keeper fee an order may reserve (settlement units).
    /// @param reduceOnly Only orders that reduce positions are accepted (halted or delisting markets).
    /// @param closedMinInitialMarginRatio WAD: the IMR floor while the venue is closed or halted or the token in
    ///        maintenance (lower leverage, and the margin step-up that covers a reopening gap); also the band
    ///        that holds a closed-session fill within the last exchange price. Zero: the open session's.
    /// @param closedMaxOpenInterest The open-interest cap per side while the venue is closed; zero: no new risk
    ///        while closed.
    /// @param positiveImpactBps The share of a skew impact in the trader's favour that a fill pays out (10,000:
    ///        all of it; GMX v2 caps positive impact below negative so that a round trip loses the rest).
    /// @param delisted Set by `delistMarket` only (listing or configuring a delisted market is refused).
    struct MarketConfig {
        bytes32 feedId;
        uint128 skewScale;
        uint128 maxOpenInterest;
        uint16 makerFeeBps;
        uint16 takerFeeBps;
        uint64 initialMarginRatio;
        uint64 minInitialMarginRatio;
        uint64 maintenanceScalar;
        uint128 minPositionMargin;
        uint32 settlementDelay;
        uint32 settlementWindow;
        uint64 minKeeperFee;
        uint64 maxKeeperFee;
        bool reduceOnly;
        uint64 closedMinInitialMarginRatio;
        uint96 closedMaxOpenInterest;
        uint16 positiveImpactBps;
        bool delisted;
    }

    /// @notice What a trader commits.
    /// @param sizeDelta Signed change of the position (base units; positive buys).
    /// @param acceptablePrice The worst fill price: the highest for a buy, the lowest for a sell (a limit
    ///        order's limit).
    /// @param triggerPrice The oracle price that arms a stop-loss or take-profit order, or a limit order (zero
    ///        for a market order).
    /// @param keeperFee The fee (settlement units) reserved for whoever settles the order, within the bounds.
    struct OrderRequest {
        bytes32 marketId;
        uint256 accountId;
        int128 sizeDelta;
        uint128 acceptablePrice;
        uint128 triggerPrice;
        OrderKind kind;
        bool reduceOnly;
        uint64 keeperFee;
    }

    /// @notice A committed order (`committedAt` zero: the slot is free).
    struct Order {
        int128 sizeDelta;
        uint128 acceptablePrice;
        uint40 committedAt;
        OrderKind kind;
        bool reduceOnly;
        uint64 keeperFee;
        uint128 triggerPrice;
    }

    /// @notice A position (`size` zero: none). Entry values restart at every fill (PnL is realised then).
    ///         `entryFundingIndex` is the market's carry index at the fill: the funding index less the dividend
    ///         index, so a position's funding and dividends are one O(1) difference.
    struct Position {
        int128 size;
        uint128 entryPrice;
        int128 entryFundingIndex;
    }

    /// @notice A market's aggregates: open interest per side and the sums that value every position in O(1).
    /// @param longSize Sum of long sizes; @param shortSize Sum of |short sizes|.
    /// @param longEntryValue Sum of long size x entry price (USD); @param shortEntryValue likewise for shorts.
    /// @param longEntryFunding Sum of long size x entry index; @param shortEntryFunding likewise, |size|.
    struct MarketTotals {
        uint128 longSize;
        uint128 shortSize;
        uint128 longEntryValue;
        uint128 shortEntryValue;
        int128 longEntryFunding;
        int128 shortEntryFunding;
    }

    /// @notice Where a stock perp's cash dividends come from: `distributor` (a DividendDistributor) announces
    ///         `token`'s distributions; `passThroughBps` of each (10,000: gross) passes through to positions.
    ///         All zero: none.
    struct DividendSource {
        address distributor;
        address token;
        uint16 passThroughBps;
    }

    /// @notice A market's dividends: `paidIndex` (USD, 18 decimals, per 1e18 base units, cumulative), the
    ///         scheduled `pendingPerToken` that joins it at `recordTime`, and the last distribution scheduled.
    struct DividendState {
        uint96 paidIndex;
        uint80 pendingPerToken;
        uint40 recordTime;
        uint40 lastDistributionId;
    }

    /// @notice A market's current liquidation window: when it started and the size liquidated in it.
    struct LiquidationWindow {
        uint40 startedAt;
        uint128 liquidated;
    }

    /// @notice A delisted market's final price (USD per token, 18 decimals) and carry index, at which its
    ///         positions settle. Zero price: not delisted.
    struct Delisting {
        uint128 price;
        int128 index;
    }

    /// @notice What a settled order did: `pnl` and `funding` realised on the previous position (USD, 18
    ///         decimals; pnl positive to the trader, funding positive when paid, dividends included), `fee` charged (USD) and
    ///         `keeperFee` (settlement units) paid to `keeper` (zero when the trader settled their own order).
    struct Settlement {
        int256 sizeDelta;
        int256 newSize;
        uint256 fillPrice;
        int256 pnl;
        int256 funding;
        uint256 fee;
        address keeper;
        uint256 keeperFee;
    }

    // ---- Errors ----

    error PerpMarketZeroAddress();
    /// @notice `marketId` is not listed.
    error PerpMarketUnknownMarket(bytes32 marketId);
    /// @notice `marketId` is already listed.
    error PerpMarketAlreadyListed(bytes32 marketId);
    /// @notice The configuration is out of bounds (see `configureMarket`).
    error PerpMarketConfigInvalid(bytes32 marketId);
    /// @notice MAX_MARKETS markets are listed.
    error PerpMarketTooManyMarkets(uint256 maxMarkets);
    /// @notice `caller` does not own `accountId` on the vault.
    error PerpMarketNotAccountOwner(uint256 accountId, address caller);
    /// @notice Only the vault calls this.
    error PerpMarketNotVault(address caller);
    /// @notice A zero size, or one beyond the bound (base units).
    error PerpMarketSizeInvalid(int256 sizeDelta);
    /// @notice The keeper fee is outside the market's bounds.
    error PerpMarketKeeperFeeOutOfBounds(uint256 keeperFee, uint256 minFee, uint256 maxFee);
    /// @notice A conditional order without a trigger price, or a market order with one.
    error PerpMarketTriggerInvalid(OrderKind kind, uint256 triggerPrice);
    /// @notice Every order slot of the account in this market is in use.
    error PerpMarketTooManyOrders(uint256 accountId, bytes32 marketId, uint256 maxOrders);
    /// @notice The account holds MAX_POSITIONS positions already.
    error PerpMarketTooManyPositions(uint256 accountId, uint256 maxPositions);
    /// @notice No order in that slot.
    error PerpMarketNoOrder(uint256 accountId, bytes32 marketId, uint256 slot);
    /// @notice The market order can no longer be settled (`expiredAt`), or cannot be yet (`settlableAt`).
    error PerpMarketOrderExpired(uint256 expiredAt, uint256 now_);
    error PerpMarketOrderNotReady(uint256 settlableAt, uint256 now_);
    /// @notice The report is for another feed.
    error PerpMarketReportWrongFeed(bytes32 feedId, bytes32 expected);
    /// @notice A market order needs the report observed at `required`; the one given was observed at `observedAt`.
    error PerpMarketReportNotFirst(uint256 observedAt, uint256 required);
    /// @notice A conditional order fills at the oracle's latest report only, observed after the delay.
    error PerpMarketReportNotLatest(uint256 observedAt, uint256 latest);
    error PerpMarketReportTooEarly(uint256 observedAt, uint256 earliest);
    /// @notice The oracle holds the report (a jump awaiting confirmation): no fill at it.
    error PerpMarketReportHeld(bytes32 feedId, uint256 observedAt);
    /// @notice The trigger is not met at `price`.
    error PerpMarketNotTriggered(uint256 price, uint256 triggerPrice);
    /// @notice The fill price is worse than the order's acceptable price.
    error PerpMarketPriceNotAcceptable(uint256 fillPrice, uint256 acceptablePrice);
    /// @notice The order would increase |size| or flip the position on a reduce-only order or market.
    error PerpMarketReduceOnly(bytes32 marketId, int256 size, int256 sizeDelta);
    /// @notice The oracle's price cannot open risk now (stale, halted, maintenance, sequencer) and the order adds risk.
    error PerpMarketPriceUnusable(bytes32 feedId);
    /// @notice The side's open interest would exceed the market's cap (base units).
    error PerpMarketOpenInterestExceeded(bytes32 marketId, uint256 openInterest, uint256 maxOpenInterest);
    /// @notice Only the account's owner may cancel its pending market order before it expires.
    error PerpMarketCancelNotAllowed(uint256 accountId, address caller);
    /// @notice The pool's ADL trigger is not active (or no pool is set): no position may be auto-deleveraged.
    error PerpMarketAdlNotTriggered(bytes32 marketId);
    /// @notice Only a position in profit at the oracle's price (net of its carry) is auto-deleveraged.
    error PerpMarketAdlNotProfitable(uint256 accountId, bytes32 marketId, int256 pnl);
    /// @notice `marketId` has no dividend source.
    error PerpMarketNoDividendSource(bytes32 marketId);
    /// @notice The distribution is of `token`, not of the market's `expected` stock token.
    error PerpMarketDividendWrongToken(uint256 distributionId, address token, address expected);
    /// @notice The distribution pays in `paymentToken`, not in the vault's settlement asset.
    error PerpMarketDividendWrongCurrency(uint256 distributionId, address paymentToken, address settlementAsset);
    /// @notice Distributions are scheduled once each, in increasing ids (`lastScheduled` so far).
    error PerpMarketDividendAlreadyScheduled(uint256 distributionId, uint256 lastScheduled);
    /// @notice The distribution's record time has passed: a dividend joins positions held at it only if
    ///         scheduled before it.
    error PerpMarketDividendRecordTimePassed(uint256 distributionId, uint256 recordTime, uint256 now_);
    /// @notice The market's scheduled dividend (record time `recordTime`) is still ahead: one at a time.
    error PerpMarketDividendPending(bytes32 marketId, uint256 recordTime);
    /// @notice The dividend per token (USD, 18 decimals) is beyond what the market holds.
    error PerpMarketDividendTooLarge(uint256 distributionId, uint256 amountPerShare);
    /// @notice `marketId` is delisted: its positions settle at the final price only.
    error PerpMarketDelisted(bytes32 marketId);
    /// @notice `marketId` is not delisted (settling at a final price), or not reduce-only (delisting).
    error PerpMarketNotDelisted(bytes32 marketId);
    error PerpMarketNotReduceOnly(bytes32 marketId);
    /// @notice `accountId` holds no position on `marketId`.
    error PerpMarketNoPosition(uint256 accountId, bytes32 marketId);

    // ---- Events ----

    event MarketListed(bytes32 indexed marketId, MarketConfig config);
    event MarketConfigured(bytes32 indexed marketId, MarketConfig config);
    event PoolSet(address indexed pool);
    /// @notice ADL reduced `accountId`'s position by `sizeDelta` at the oracle's `price`, realising `pnl` and
    ///         `funding` on the reduced position (no fee, no skew impact).
    event PositionAutoDeleveraged(
        uint256 indexed accountId, bytes32 indexed marketId, int256 sizeDelta, uint256 price, int256 pnl, int256 funding
    );
    event DividendSourceSet(bytes32 indexed marketId, DividendSource source);
    /// @notice Distribution `distributionId` passes `perToken` (USD, 18 decimals, per 1e18 base units) to the
    ///         market's positions held at `recordTime`: longs receive it, shorts pay it.
    event DividendScheduled(
        bytes32 indexed marketId, uint256 indexed distributionId, uint256 recordTime, uint256 perToken
    );
    /// @notice `marketId` is delisted: its positions settle at `price` (USD per token) and carry index `index`;
    ///         `longSize` and `shortSize` were still open.
    event MarketDelisted(bytes32 indexed marketId, uint256 price, int256 index, uint256 longSize, uint256 shortSize);
    /// @notice `accountId`'s position of `size` on delisted `marketId` settled at the final `price`, realising
    ///         `pnl` and `funding` (USD, 18 decimals; funding positive when paid, dividends included).
    event DelistedPositionSettled(
        uint256 indexed accountId, bytes32 indexed marketId, int256 size, uint256 price, int256 pnl, int256 funding
    );
    event OrderCommitted(uint256 indexed accountId, bytes32 indexed marketId, uint256 slot, OrderRequest request);
    event OrderCancelled(uint256 indexed accountId, bytes32 indexed marketId, uint256 slot, address by);
    /// @notice An order in `slot` filled (see `Settlement`).
    event OrderSettled(uint256 indexed accountId, bytes32 indexed marketId, uint256 slot, Settlement settlement);
    /// @notice The vault liquidated `accountId`: `size` of its position in `marketId` (signed as the position; all
    ///         of it, or the window's chunk) closed at `fillPrice`.
    event PositionLiquidated(
        uint256 indexed accountId, bytes32 indexed marketId, int256 size, uint256 fillPrice, int256 pnl, int256 funding
    );

    // ---- Trading ----

    /// @notice Commit an order for `request.accountId` (its owner only). Nothing is charged until it fills.
    /// @return slot The order's slot in the account's orders on this market (0 to MAX_ORDERS - 1).
    function commitOrder(OrderRequest calldata request) external returns (uint256 slot);

    /// @notice Settle an order with `signedReport` (see the contract notice for which report fills which order).
    function settleOrder(uint256 accountId, bytes32 marketId, uint256 slot, bytes calldata signedReport) external;

    /// @notice Cancel an order: the owner at any time; anyone once a market order has expired, or once the market
    ///         is delisted.
    function cancelOrder(uint256 accountId, bytes32 marketId, uint256 slot) external;

    /// @notice Auto-deleverage (anyone: the keeper): while the pool's ADL trigger is active (`checkAdl`, refreshed
    ///         by this call), reduce a position that is in profit at the oracle's exchange price by `amount` base
    ///         units (at most its size), at that price with no fee and no skew impact. Both conditions are checked
    ///         when the call executes, whatever the keeper saw when it chose the position. Which positions go
    ///         first is the keeper's choice: the most profitable (return on entry notional) until the trigger
    ///         clears; ranking on-chain would loop over positions.
    function autoDeleverage(uint256 accountId, bytes32 marketId, uint256 amount) external;

    /// @notice Schedule distribution `distributionId` of the market's stock token (anyone; the keeper does it on
    ///         announcement): at its record time, each position receives (long) or pays (short) the dividend
    ///         per share, times the source's pass-through share, on its size, through the market's dividend
    ///         index (O(1) per position). It must pay in the vault's settlement asset, be scheduled before its
    ///         record time and after the previous one's, once.
    function scheduleDividend(bytes32 marketId, uint256 distributionId) external;

    /// @notice Settle `accountId`'s position on delisted `marketId` at the final price and carry index (anyone: the
    ///         keeper sweeps them), with no fee and no skew impact: its PnL and funding are realised in the vault.
    function settleDelisted(uint256 accountId, bytes32 marketId) external;

    // ---- Settings (restricted) ----

    /// @notice List `marketId` (RISK_ADMIN); its funding must be configured on the FundingRateOracle with this
    ///         contract as its market.
    function listMarket(bytes32 marketId, MarketConfig calldata config) external;

    /// @notice Reconfigure a listed market (RISK_ADMIN). The feed cannot change.
    function configureMarket(bytes32 marketId, MarketConfig calldata config) external;

    /// @notice Delist reduce-only `marketId` (RISK_ADMIN): fix its final price, the oracle's last accepted exchange
    ///         price (it must be usable to liquidate), and its final carry index (funding accrued to now, dividends
    ///         whose record time has come); from then on no order fills and its positions settle at them. A
    ///         dividend scheduled with a later record time does not reach them.
    function delistMarket(bytes32 marketId) external;

    /// @notice Set the liquidity pool asked before open interest grows (zero: none) (RISK_ADMIN).
    function setPool(address pool) external;

    /// @notice Set where `marketId`'s dividends come from (RISK_ADMIN): `source.token` must be the market feed's
    ///         stock token, 0 < passThroughBps <= 10,000; all zero: none (a scheduled dividend stays scheduled).
    function setDividendSource(bytes32 marketId, DividendSource calldata source) external;

    // ---- Views ----

    /// @notice The vault, the price oracle, the funding-rate oracle and the pool.
    function wiring() external view returns (address vault, address priceOracle, address fundingOracle, address pool);

    /// @notice The listed markets.
    function markets() external view returns (bytes32[] memory);

    /// @notice `marketId`'s configuration.
    function configOf(bytes32 marketId) external view returns (MarketConfig memory);

    /// @notice `marketId`'s aggregates.
    function totalsOf(bytes32 marketId) external view returns (MarketTotals memory);

    /// @notice The order in `slot` of `accountId` on `marketId`.
    function orderOf(uint256 accountId, bytes32 marketId, uint256 slot) external view returns (Order memory);

    /// @notice `accountId`'s position on `marketId` as stored.
    function positionOf(uint256 accountId, bytes32 marketId) external view returns (Position memory);

    /// @notice The markets in which `accountId` holds a position.
    function positionMarketsOf(uint256 accountId) external view returns (bytes32[] memory);

    /// @notice The size (base units) `marketId`'s liquidations may still close in the current window, and when that
    ///         window ends (0: none running, the whole capacity is free). Capacity per 30-second window: skew
    ///         scale x (maker + taker fee), at least 10 bps of the skew scale; an account whose maintenance health
    ///         factor is below 0.95 (the vault's default full-close level) bypasses it: its positions close whole.
    function liquidationRoomOf(bytes32 marketId) external view returns (uint256 room, uint256 windowEndsAt);

    /// @notice `marketId`'s final price and carry index once delisted (zero price: not delisted).
    function delistingOf(bytes32 marketId) external view returns (Delisting memory);

    /// @notice `marketId`'s dividend source.
    function dividendSourceOf(bytes32 marketId) external view returns (DividendSource memory);

    /// @notice `marketId`'s dividend state, and its dividend index now (with the scheduled dividend once its record
    ///         time has come).
    function dividendsOf(bytes32 marketId) external view returns (DividendState memory state, uint256 index);
}
