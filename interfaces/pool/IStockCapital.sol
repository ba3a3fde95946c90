// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDividendCustodian} from "../corporate/IDividendCustodian.sol";
import {UsdPerToken, UsdValue} from "../types/Units.sol";

/// @title IStockCapitalPool - what StockCapital calls on the main liquidity pool
/// @notice The part of the LiquidityPool that StockCapital uses: the pool holds the stablecoin that backs a
///         positive tranche USD balance and pays a withdrawing stock LP its share of it.
/// @title IStockCapitalHooks - what the liquidity pool calls on its stock capital (part of IStockCapital)
interface IStockCapitalHooks {
    /// @notice Book the stock capital's share of the pool's trading result since the last settlement (USD,
    ///         18 decimals; a loss is negative), spread over the tranches pro rata to their risk values
    ///         (a gain rounded down, a loss rounded up). Only the pool.
    function bookResult(int256 resultUsd) external;

    /// @notice Every tranche at fair value (tokens at the last accepted oracle price plus the USD balance,
    ///         each tranche floored at zero) and at its risk value (tokens at the haircut weight plus the
    ///         USD balance, floored at zero; tokens count zero while paused or the price is unusable).
    function capitalValue() external view returns (UsdValue fair, UsdValue risk);
}

/// @title IStockCapitalPool - what StockCapital calls on the liquidity pool (part of ILiquidityPool)
interface IStockCapitalPool {
    /// @notice Pay `amount` raw units of the settlement stablecoin to `to` (only the pool's StockCapital).
    function payStockCapital(address to, uint256 amount) external;

    /// @notice Take `amount` raw units of the settlement stablecoin from StockCapital (it approved them): an
    ///         auction's proceeds, which raise the stock capital's balance with the pool (only StockCapital).
    function receiveStockProceeds(uint256 amount) external;
}

/// @title IStockCapitalTypes - the types, errors and events of StockCapital (see IStockCapital)
interface IStockCapitalTypes {
    // ---- Types ----

    /// @notice A stock's settings.
    /// @param feedId The oracle feed of the token (must be the oracle's feed of that token).
    /// @param openWeightBps The share of the tranche's fair token value that may back risk while the venue
    ///        is open.
    /// @param closedWeightBps The same while the venue is closed or halted or the token in maintenance
    ///        (at most `openWeightBps`).
    /// @param cap The most raw units the tranche may hold (below 2**96).
    struct StockConfig {
        bytes32 feedId;
        uint16 openWeightBps;
        uint16 closedWeightBps;
        uint96 cap;
    }

    /// @notice The Dutch auction's settings (every stock).
    /// @param premiumBps The auction starts at the oracle price x (1 + premium).
    /// @param maxDiscountBps It ends at the oracle price x (1 - maxDiscount) (below 100%).
    /// @param duration Seconds from start to end; after that the auction must be started again.
    struct AuctionConfig {
        uint16 premiumBps;
        uint16 maxDiscountBps;
        uint32 duration;
    }

    /// @notice One tranche as a whole.
    struct TrancheView {
        address token;
        uint8 decimals;
        bool depositsPaused;
        StockConfig config;
        uint256 tokens;
        uint256 totalShares;
        int256 usdBalance;
        uint256 auctionStart;
        uint256 incomePerShare;
    }

    /// @notice One LP's position in one tranche: its shares, the part its issuer froze, when its last deposit
    ///         unlocks, and the income (USD, 18 decimals) it may collect.
    struct Position {
        uint256 shares;
        uint256 frozen;
        uint256 unlockAt;
        uint256 pendingIncome;
    }

    /// @notice One dividend distribution StockCapital received.
    struct CapitalDistribution {
        address token;
        address paymentToken;
        uint64 snapshotId;
        uint256 gross;
        uint256 sharesAtRecord;
        uint256 paid;
    }

    // ---- Errors ----

    error StockCapitalZeroAddress();
    error StockCapitalZeroAmount();
    error StockCapitalStockNotListed(address token);
    error StockCapitalStockAlreadyListed(address token);
    error StockCapitalTooManyStocks(uint256 max);
    error StockCapitalStockConfigInvalid(address token);
    error StockCapitalAuctionConfigInvalid();
    error StockCapitalLockPeriodInvalid(uint256 lockPeriod, uint256 max);
    error StockCapitalDepositsPaused(address token);
    /// @notice `wallet` has no verified identity in `token`'s identity registry.
    error StockCapitalNotVerified(address token, address wallet);
    /// @notice `token`'s issuer froze `wallet`.
    error StockCapitalWalletFrozen(address token, address wallet);
    error StockCapitalTokenPaused(address token);
    /// @notice `token`'s compliance refuses `amount` from `from` to `to`.
    error StockCapitalTransferNotCompliant(address token, address from, address to, uint256 amount);
    error StockCapitalCapExceeded(address token, uint256 total, uint256 cap);
    /// @notice The books of `token` (`booked`) exceed what this contract holds (`held`).
    error StockCapitalBooksExceedHoldings(address token, uint256 booked, uint256 held);
    error StockCapitalInsufficientShares(address token, address lp, uint256 available, uint256 requested);
    /// @notice `lp`'s position in `token`'s tranche is locked until `unlockAt`.
    error StockCapitalLocked(address token, address lp, uint256 unlockAt);
    error StockCapitalPriceUnusable(address token, bytes32 feedId);
    /// @notice The tranche's deficit `usdBalance` exceeds its tokens' value: it takes no deposit.
    error StockCapitalTrancheInsolvent(address token, int256 usdBalance);
    error StockCapitalNotPool(address caller);
    error StockCapitalNotAgent(address token, address caller);
    /// @notice No deficit to auction for: the tranche's balance is `usdBalance` (not negative).
    error StockCapitalNoDeficit(address token, int256 usdBalance);
    error StockCapitalAuctionActive(address token, uint256 endsAt);
    error StockCapitalAuctionNotActive(address token);
    error StockCapitalCostAboveLimit(uint256 cost, uint256 maxCost);
    /// @notice A result of `resultUsd` cannot be spread: no tranche has risk value.
    error StockCapitalNoRiskCapital(int256 resultUsd);
    error StockCapitalNotDistributor(address caller);
    error StockCapitalUnknownDistribution(uint256 capitalDistributionId);
    error StockCapitalAlreadyClaimed(uint256 capitalDistributionId, address lp);
    error StockCapitalNothingToClaim(uint256 capitalDistributionId, address lp);
    /// @notice `lp` has less than one stablecoin unit of `token`'s tranche income to collect.
    error StockCapitalNothingToCollect(address token, address lp);
    error StockCapitalExceedsGross(uint256 capitalDistributionId, uint256 requested, uint256 available);

    // ---- Events ----

    event StockListed(address indexed token, uint8 decimals, StockConfig config);
    event StockConfigured(address indexed token, StockConfig config);
    event DepositsPausedSet(address indexed token, bool paused);
    event AuctionConfigSet(AuctionConfig config);
    event LockPeriodSet(uint256 lockPeriod);
    event PoolSet(address pool);
    event DistributorSet(address distributor);
    event Deposited(address indexed token, address indexed lp, uint256 amount, uint256 shares);
    /// @param tokensOut Raw units sent to `to`.
    /// @param stablePaid Raw stablecoin units the pool paid to `to` (a positive balance's share).
    /// @param tokensKept Raw units kept in the tranche against the position's share of a deficit.
    event Withdrawn(
        address indexed token,
        address indexed lp,
        address to,
        uint256 shares,
        uint256 tokensOut,
        uint256 stablePaid,
        uint256 tokensKept
    );
    event ResultBooked(int256 resultUsd, UsdValue totalRisk);
    /// @param usdBalance The tranche's balance after it (a deficit, or a gain booked while it had no shares).
    /// @param incomePerShare The tranche's income index after it (IncomeMath.PRECISION scale).
    event TrancheResultBooked(address indexed token, int256 resultUsd, int256 usdBalance, uint256 incomePerShare);
    /// @param paid Raw stablecoin units the pool paid to `lp`.
    event IncomeCollected(address indexed token, address indexed lp, uint256 paid);
    event AuctionStarted(address indexed token, int256 usdBalance, uint256 endsAt);
    event AuctionBid(
        address indexed token, address indexed bidder, uint256 amount, UsdPerToken price, uint256 cost, int256 usdBalance
    );
    event PositionFrozen(address indexed token, address indexed lp, address indexed agent, uint256 shares);
    event PositionSeized(address indexed token, address indexed lp, address indexed agent, address to, uint256 shares);
    event CapitalDividendReceived(
        uint256 indexed capitalDistributionId,
        uint256 indexed distributionId,
        address indexed token,
        address paymentToken,
        uint256 gross,
        uint256 snapshotId
    );
    event CapitalDividendClaimed(
        uint256 indexed capitalDistributionId, address indexed lp, uint256 gross, uint256 withheld
    );
}

/// @title IStockCapitalDividends - StockCapital passes stock dividends through to its LPs (see IStockCapital)
/// @notice StockCapital is a custodian registered on the DividendDistributor: its claim for the tokens it
///         holds is paid gross, then `onDividendReceived` records a capital distribution. Each LP is entitled
///         to gross x its shares of the token's tranche at the record time / the tranche's shares then
///         (rounded down); a claim pays the LP withheld at its country rate (rounded up) for the
///         distributor's `taxAccount()`. Record-time shares come from checkpoints written lazily (only when
///         a position changes after a snapshot was taken), as the margin vault's.
interface IStockCapitalDividends is IStockCapitalTypes, IDividendCustodian {
    // ---- Dividends ----

    /// @notice Pay `lp`'s share of capital distribution `capitalDistributionId` to `lp`, net of the
    ///         withholding at `lp`'s country rate. Anyone may call it.
    function claimDividend(uint256 capitalDistributionId, address lp) external returns (uint256 net);

    /// @notice `lp`'s gross entitlement in `capitalDistributionId` (zero once claimed).
    function dividendOf(uint256 capitalDistributionId, address lp) external view returns (uint256 gross);

    /// @notice A distribution StockCapital received.
    function capitalDistribution(uint256 capitalDistributionId) external view returns (CapitalDistribution memory);

    /// @notice How many distributions StockCapital received.
    function capitalDistributionCount() external view returns (uint256);

    /// @notice `lp`'s shares of `token`'s tranche at the token's snapshot `snapshotId`.
    function sharesAt(address token, address lp, uint256 snapshotId) external view returns (uint256);

    /// @notice Set the DividendDistributor whose payments StockCapital accepts (RISK_ADMIN; zero: none).
    function setDistributor(address distributor) external;

    /// @notice The DividendDistributor whose payments StockCapital accepts (zero: none).
    function dividendDistributor() external view returns (address);
}

/// @title IStockCapital - stock-token seller capital of the main pool, one tranche per stock
/// @notice Verified holders of a listed EquityToken deposit it into that stock's tranche as seller capital
///         (as Panoptic keeps one collateral tracker per token) and receive tranche shares. Shares cannot be
///         transferred at all (there is no transfer function): a share moved to another wallet would bypass
///         the token's compliance state (max balance, max holders, country rules). Only the token's own
///         agents move a position (`seize`).
///
///         Books: each tranche keeps `tokens` (raw units credited by balance deltas; a donation is never
///         credited), `totalShares`, a signed `usdBalance` (18 decimals) and an income index. The tranche's
///         share of the pool's trading results (`bookResult`): a gain is income of the shares that hold it
///         (it first settles a deficit), added to the index, which each position collects in the stablecoin
///         when it likes (`collect`, paid by the pool); a loss is a deficit in `usdBalance`, borne in kind
///         by the shares. The pool holds the stablecoin of every gain until it is collected and subtracts
///         what StockCapital is owed, `usdBalance()` (balances plus income not yet collected), from its
///         own NAV. A share is worth (tokens + 1) / (totalShares + 1e3) raw tokens plus usdBalance /
///         (totalShares + 1e3) dollars (a virtual offset, as OpenZeppelin 5's ERC4626: an inflation
///         attack costs the attacker a thousand times what it could take); income booked before a deposit
///         is never the depositor's, so a deposit prices without the oracle unless the tranche has a balance.
///
///         Valuation: shares price at FAIR value (the oracle's price per token, which follows the token's
///         multiplier, so a split changes no share's value); haircuts only limit `risk`, the part of the
///         capital that may back open risk: the stock's open weight, a wider closed weight while the venue
///         is closed or halted or the token in a corporate-action maintenance window, zero while the token
///         is paused or its price is not usable to value collateral. A weekend deposit and a Monday
///         withdrawal so release no haircut; a deposit is also locked for `lockPeriod` (at least an epoch
///         of the pool) so that no LP can buy into a result the pool is about to book and leave at once.
///
///         Withdrawal in kind: the position's share of the tranche's tokens, to the LP's own wallet (which
///         the token's rules must allow to receive them), plus its share of a positive USD balance paid in
///         the stablecoin by the pool (`IStockCapitalPool.payStockCapital`; a balance is positive only when
///         a gain was booked while the tranche had no shares); its income stays collectable; with a negative balance its
///         tokens are reduced by its share of the deficit at the oracle price, and those tokens stay in the
///         tranche for the Dutch auction that settles the deficit.
///
///         Dutch auction: while a tranche's USD balance is negative anyone may start an auction; verified
///         bidders buy tranche tokens for the stablecoin at the oracle price x a factor falling linearly from
///         1 + premium to 1 - maxDiscount over the auction's duration; the proceeds go to the pool and settle
///         the deficit. A bidder the token would refuse is refused with a custom error before anything moves.
///
///         Every stock-token unit leaves this contract only by the token's own `transfer`, which enforces
///         the token's identity registry, compliance modules, freezes and pause: no unit is ever credited to
///         a wallet that may not hold it.
///
///         Dividends: StockCapital is a custodian registered on the DividendDistributor (paid gross). Each LP
///         is entitled to gross x its shares at the record time / the tranche's shares then (rounded down),
///         paid to it withheld at its own country's rate of the paying distributor (rounded up).
///
///         Roles (the protocol's AccessManager): RISK_ADMIN lists and configures stocks, the auction, the
///         lock period, the pool and the distributor; GUARDIAN pauses a stock's deposits; UPGRADER upgrades.
///         The token's own agents (`isAgent`) freeze and seize positions in that token's tranche.
interface IStockCapital is IStockCapitalDividends, IStockCapitalHooks {
    // ---- LPs ----

    /// @notice Deposit `amount` raw units of `token` from the caller (a verified, unfrozen holder) into the
    ///         token's tranche, at the tranche's fair value; the position is locked for `lockPeriod`.
    /// @return shares The shares credited (for what this contract received, measured by its balance delta).
    function deposit(address token, uint256 amount) external returns (uint256 shares);

    /// @notice Redeem `shares` of the caller's unlocked, unfrozen position in kind to the caller (see the
    ///         contract NatSpec: tokens, plus the pool's stablecoin for a positive balance, less a deficit).
    ///         The shares' income stays the caller's to `collect`.
    /// @return tokensOut Raw units of `token` sent to the caller.
    /// @return stablePaid Raw stablecoin units the pool paid to the caller.
    function withdraw(address token, uint256 shares) external returns (uint256 tokensOut, uint256 stablePaid);

    /// @notice Pay the caller its income from `token`'s tranche (the gains booked while it held shares, in
    ///         whole stablecoin units, rounded down; the rest stays owed), through the pool.
    /// @return paid Raw stablecoin units paid to the caller.
    function collect(address token) external returns (uint256 paid);

    // ---- The pool ----

    /// @notice The sum of the tranches' signed USD balances (positive: the pool owes the stock capital).
    function usdBalance() external view returns (int256);

    // ---- Dutch auction ----

    /// @notice Start the auction of `token`'s tranche tokens. Anyone, while its USD balance is negative and
    ///         no auction of it is running.
    function startAuction(address token) external;

    /// @notice Buy up to `amount` raw units of `token` from its running auction at the current auction
    ///         price, paying at most `maxCost` raw stablecoin units (sent to the pool). The amount is cut to
    ///         what covers the deficit and to the tranche's tokens. The caller must be a wallet the token
    ///         may be transferred to.
    /// @return bought The raw units received.
    /// @return cost The raw stablecoin units paid.
    function bid(address token, uint256 amount, uint256 maxCost) external returns (uint256 bought, uint256 cost);

    /// @notice The running auction's price per whole token now and how many raw units it still sells
    ///         (zero, zero: none running).
    function auctionPrice(address token) external view returns (UsdPerToken price, uint256 forSale);

    // ---- Issuer powers ----

    /// @notice Freeze `shares` of `lp`'s position in `token`'s tranche (replacing the frozen amount; zero
    ///         unfreezes). Only `token`'s agents.
    function setFrozen(address token, address lp, uint256 shares) external;

    /// @notice Redeem `shares` of `lp`'s position (its frozen part first, ignoring the lock) in kind to `to`.
    ///         Only `token`'s agents; `to` must be allowed to receive the tokens.
    function seize(address token, address lp, uint256 shares, address to) external;

    // ---- Settings (restricted) ----

    /// @notice List `token` with its feed, weights and cap (RISK_ADMIN); at most `MAX_STOCKS` stocks.
    function listStock(address token, StockConfig calldata config) external;

    /// @notice Change a listed stock's feed, weights and cap (RISK_ADMIN).
    function configureStock(address token, StockConfig calldata config) external;

    /// @notice Pause or resume deposits into `token`'s tranche (GUARDIAN). Withdrawals are never paused.
    function setDepositsPaused(address token, bool paused) external;

    /// @notice Set the Dutch auction's settings (RISK_ADMIN).
    function setAuctionConfig(AuctionConfig calldata config) external;

    /// @notice Set how long a deposit locks its position (RISK_ADMIN; at most 30 days).
    function setLockPeriod(uint256 lockPeriod) external;

    /// @notice Set the liquidity pool: the only caller of `bookResult` and the payer of positive balances
    ///         (RISK_ADMIN).
    function setPool(address pool) external;


    // ---- Views ----

    /// @notice The listed stocks, in listing order.
    function stocks() external view returns (address[] memory);

    /// @notice `token`'s tranche.
    function tranche(address token) external view returns (TrancheView memory);

    /// @notice `lp`'s position in `token`'s tranche.
    function positionOf(address token, address lp) external view returns (Position memory);

    /// @notice The income (USD, 18 decimals) `lp` may collect from `token`'s tranche.
    function pendingIncome(address token, address lp) external view returns (UsdValue);

    /// @notice What redeeming `shares` of `token`'s tranche would give now: raw tokens out, raw stablecoin
    ///         paid by the pool, raw tokens kept against a deficit. Reverts on an unusable price only with a
    ///         deficit.
    function previewRedeem(address token, uint256 shares)
        external
        view
        returns (uint256 tokensOut, uint256 stablePaid, uint256 tokensKept);

    /// @notice The shares a deposit of `amount` raw units of `token` would receive now.
    function previewDeposit(address token, uint256 amount) external view returns (uint256 shares);

    /// @notice `lp`'s position in `token`'s tranche at fair value (its share of the tokens at the last
    ///         accepted price plus its share of the USD balance, floored at zero, plus its pending income).
    function positionValue(address token, address lp) external view returns (UsdValue);

    /// @notice `token`'s tranche at fair value and at risk value (as `capitalValue`, for one tranche).
    function trancheValue(address token) external view returns (UsdValue fair, UsdValue risk);

    /// @notice The oracle, the settlement stablecoin and the pool.
    function wiring() external view returns (address oracle, address settlement, address pool);

    /// @notice The auction settings and the lock period.
    function settings() external view returns (AuctionConfig memory auction, uint256 lockPeriod);
}
