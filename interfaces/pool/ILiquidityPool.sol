// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {UsdValue} from "../types/Units.sol";
import {IStockCapitalPool} from "./IStockCapital.sol";

/// @title ILiquidityPool - the main pool: stablecoin capital, the counterparty of every registered market
/// @notice LPs deposit the settlement stablecoin for ERC-20 shares. Deposits and redemptions are requests
///         (shaped like ERC-7540) settled once per epoch, by anyone after the epoch ends, at the epoch's net
///         asset value: an LP can neither buy into nor run from a loss that is already known. Settlement is
///         O(markets), never O(users): it books per-epoch totals and each controller claims its pro-rata part
///         in O(1).
///
///         Net asset value (stable NAV, settlement raw units) = the pool's credit in the margin vault + the
///         vault's receivables (`totalDebt`, debts of accounts with a shortfall) at a haircut - the registered
///         markets' net trader PnL (`IPoolMarket.traderPnl`, rounded against the pool) - the stock capital's
///         balance with the pool (its booked share of past results, plus its share of the result since the last
///         settlement). The pool holds no free stablecoin: what it receives goes into its vault credit (where
///         the vault pays winners from and books losers' losses and fees into), and its own token balance only
///         backs pending deposits and unclaimed refunds and payouts. Tokens sent to the pool, or credit funded
///         for it, are not deposits: the NAV never reads `balanceOf`, and a credit donation benefits the LPs of
///         record (part of it is locked by the virtual shares), so neither profits the donor.
///
///         Shares: `shares = assets x (supply + 10^offset) / (nav + 1)` and
///         `assets = shares x (nav + 1) / (supply + 10^offset)`, both rounded down (OpenZeppelin 5's ERC4626
///         virtual shares, `offset = max(6, 18 - decimals)`): every rounding favours the pool.
///
///         Caps: the utilisation cap (open interest <= `maxUtilisationBps` of the backing capital: stable NAV +
///         the stock capital's risk value) fills redemptions that would break it only partly, pro rata, the rest
///         returned claimable; the growth cap (`growthCapBps` of the stable NAV at the start of a day window,
///         at least `growthFloor`) accepts deposits only partly, pro rata, the rest refunded claimable (never
///         carried to the next epoch: a refunded depositor may request again).
interface ILiquidityPool is IStockCapitalPool {
    // ---- Types ----

    /// @notice The pool's risk settings (RISK_ADMIN).
    /// @param epochDuration Seconds from one settlement to the next epoch's end (60 s to 7 days).
    /// @param maxUtilisationBps The most open interest the backing capital may carry, in bps of it (1 to 10,000).
    /// @param receivablesHaircutBps The part of the vault's receivables the NAV leaves out (0 to 10,000).
    /// @param adlPnlFactorBps Traders' unrealised profit above this share of the pool's value triggers ADL.
    /// @param growthCapBps Deposits accepted per day window, in bps of the window's starting NAV (30,000 = 300%).
    /// @param growthFloor Raw settlement units accepted per day window whatever the NAV (the bootstrap).
    struct RiskConfig {
        uint32 epochDuration;
        uint16 maxUtilisationBps;
        uint16 receivablesHaircutBps;
        uint16 adlPnlFactorBps;
        uint32 growthCapBps;
        uint128 growthFloor;
    }

    /// @notice One epoch's totals: what was requested, and once settled, what was filled (raw units, shares).
    struct EpochTotals {
        uint128 depositAssets;
        uint128 redeemShares;
        uint128 acceptedAssets;
        uint128 mintedShares;
        uint128 filledShares;
        uint128 paidAssets;
    }

    /// @notice The pool's value now, as a settlement would book it. Raw amounts in settlement units.
    /// @param credit The pool's credit in the margin vault.
    /// @param receivables The vault's receivables after the haircut.
    /// @param traderPnl The markets' net trader PnL (positive: owed to traders), rounded against the pool.
    /// @param stockBalance The stock capital's balance with the pool, with its share of the unbooked result.
    /// @param stockShare The part of `stockBalance` not booked yet (the result since the last settlement).
    /// @param nav The stable NAV: credit + receivables - traderPnl - stockBalance (may be negative).
    /// @param traderProfit The winning traders' unrealised profit (USD, 18 decimals).
    /// @param openInterest The registered markets' open interest (USD, 18 decimals).
    /// @param stockRisk The stock capital's risk value (USD, 18 decimals; zero without stock capital).
    struct Valuation {
        uint256 credit;
        uint256 receivables;
        int256 traderPnl;
        int256 stockBalance;
        int256 stockShare;
        int256 nav;
        UsdValue traderProfit;
        UsdValue openInterest;
        UsdValue stockRisk;
    }

    // ---- Errors ----

    /// @notice An amount of zero (or one that claims nothing).
    error LiquidityPoolZeroAmount();
    /// @notice A zero (or code-less) address where a contract or wallet is needed.
    error LiquidityPoolZeroAddress();
    /// @notice Deposit requests are paused (GUARDIAN); redemptions never are.
    error LiquidityPoolDepositsPaused();
    /// @notice `epoch` ends at `endsAt`; it cannot be settled at `timestamp`.
    error LiquidityPoolEpochNotEnded(uint256 epoch, uint256 endsAt, uint256 timestamp);
    /// @notice `controller` has no settled request to claim.
    error LiquidityPoolNothingToClaim(address controller);
    /// @notice Open interest would reach `openInterest`, above the most the pool backs, `maxOpenInterest`.
    error LiquidityPoolUtilisationExceeded(UsdValue openInterest, UsdValue maxOpenInterest);
    /// @notice A risk setting out of its range.
    error LiquidityPoolRiskConfigInvalid(RiskConfig config);
    /// @notice At most `max` markets may be registered.
    error LiquidityPoolTooManyMarkets(uint256 max);
    /// @notice `market` is already registered.
    error LiquidityPoolMarketKnown(address market);
    /// @notice `market` is not registered.
    error LiquidityPoolMarketUnknown(address market);
    /// @notice `market` still has `openInterest` open against the pool.
    error LiquidityPoolMarketOpen(address market, UsdValue openInterest);
    /// @notice Only the stock capital contract may call this; `caller` is not it.
    error LiquidityPoolNotStockCapital(address caller);
    /// @notice The stock capital's balance with the pool, `balance`, does not cover `amount`.
    error LiquidityPoolStockBalanceExceeded(int256 balance, uint256 amount);

    // ---- Events ----

    /// @notice `sender` paid `assets` into a deposit request of `controller` for `epoch`.
    event DepositRequested(address indexed controller, address indexed sender, uint256 indexed epoch, uint256 assets);
    /// @notice `owner`'s `shares` were escrowed in a redemption request of `controller` for `epoch`.
    event RedeemRequested(address indexed controller, address indexed owner, uint256 indexed epoch, uint256 shares);
    /// @notice `epoch` settled at stable NAV `nav` (raw, before its flows) and share supply `supply`; the next
    ///         epoch ends at `nextEndsAt`.
    event EpochSettled(uint256 indexed epoch, int256 nav, uint256 supply, EpochTotals totals, uint256 nextEndsAt);
    /// @notice The stock capital was booked `resultUsd` (USD, 18 decimals) at settlement of `epoch`; its balance
    ///         with the pool is now `stockBalance` (raw settlement units).
    event StockResultBooked(uint256 indexed epoch, int256 resultUsd, int256 stockBalance);
    /// @notice `controller` received `shares` and a refund of `refund` assets for its `epoch` deposit request.
    event DepositClaimed(address indexed controller, uint256 indexed epoch, uint256 shares, uint256 refund);
    /// @notice `controller` received `assets` and `sharesReturned` unfilled shares for its `epoch` redemption.
    event RedeemClaimed(address indexed controller, uint256 indexed epoch, uint256 assets, uint256 sharesReturned);
    /// @notice A keeper found the ADL trigger flipped to `active`, with `traderProfit` against `poolValue`.
    event AdlStateChanged(bool active, UsdValue traderProfit, UsdValue poolValue);
    /// @notice The risk settings became `config`.
    event RiskConfigSet(RiskConfig config);
    /// @notice `market` was registered.
    event MarketAdded(address indexed market);
    /// @notice `market` was deregistered.
    event MarketRemoved(address indexed market);
    /// @notice The stock capital contract became `stockCapital` (zero: none).
    event StockCapitalSet(address indexed stockCapital);
    /// @notice Deposit requests were paused (`paused`) or resumed.
    event DepositsPausedSet(bool paused);
    /// @notice The stock capital had `amount` paid to `to` from its balance, now `stockBalance`.
    event StockCapitalPaid(address indexed to, uint256 amount, int256 stockBalance);
    /// @notice The stock capital paid `amount` (auction proceeds) into the pool; its balance is now `stockBalance`.
    event StockProceedsReceived(uint256 amount, int256 stockBalance);
    /// @notice `amount` of stablecoin the pool held beyond its books was moved into its credit (for its LPs).
    event SurplusSwept(uint256 amount);

    // ---- Requests (ERC-7540 shape) ----

    /// @notice Pay `assets` from the caller into a deposit request of `controller` for the current epoch. A
    ///         settled request of `controller` not claimed yet is claimed first (its shares and refund go to it).
    /// @return epoch The epoch the request settles in.
    function requestDeposit(uint256 assets, address controller) external returns (uint256 epoch);

    /// @notice Escrow `shares` of `owner` (the caller, or a spender of its allowance) in a redemption request of
    ///         `controller` for the current epoch. A settled request not claimed yet is claimed first.
    /// @return epoch The epoch the request settles in.
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 epoch);

    /// @notice Settle the current epoch at the pool's value now, once it has ended: price its deposits and
    ///         redemptions (capped), move the net into or out of the vault credit, open the next epoch. Anyone.
    function settleEpoch() external;

    /// @notice Give `controller` the shares and the refund of its settled deposit request. Anyone may call it.
    function claimDeposit(address controller) external returns (uint256 shares, uint256 refund);

    /// @notice Give `controller` the assets and the unfilled shares of its settled redemption. Anyone may call it.
    function claimRedeem(address controller) external returns (uint256 assets, uint256 sharesReturned);

    // ---- Stock capital ----

    // `payStockCapital` and `receiveStockProceeds`: IStockCapitalPool.

    /// @notice Move the stablecoin the pool holds beyond its books (a token donation) into its credit. Anyone.
    function sweepSurplus() external returns (uint256 amount);

    // ---- Views ----

    /// @notice The settlement stablecoin.
    function asset() external view returns (IERC20);

    /// @notice The margin vault the pool is the counterparty of.
    function vault() external view returns (address);

    /// @notice The pool's value now, as a settlement would book it.
    function valuation() external view returns (Valuation memory);

    /// @notice The stable NAV now (raw settlement units, may be negative).
    function netAssetValue() external view returns (int256);

    /// @notice The value of `shares` at the NAV now, rounded down (zero while the pool is bankrupt).
    function convertToAssets(uint256 shares) external view returns (uint256);

    /// @notice The shares `assets` would buy at the NAV now, rounded down.
    function convertToShares(uint256 assets) external view returns (uint256);

    /// @notice The current epoch, when it ends, and its totals so far.
    function currentEpoch() external view returns (uint256 epoch, uint256 endsAt, EpochTotals memory totals);

    /// @notice The totals of `epoch` (settled once `epoch` < the current epoch).
    function epochTotals(uint256 epoch) external view returns (EpochTotals memory);

    /// @notice `controller`'s deposit request: its epoch, its assets, whether it is settled (claimable).
    function depositRequest(address controller) external view returns (uint256 epoch, uint256 assets, bool claimable);

    /// @notice `controller`'s redemption request: its epoch, its shares, whether it is settled (claimable).
    function redeemRequest(address controller) external view returns (uint256 epoch, uint256 shares, bool claimable);

    /// @notice What `claimDeposit(controller)` would give now.
    function previewClaimDeposit(address controller) external view returns (uint256 shares, uint256 refund);

    /// @notice What `claimRedeem(controller)` would give now.
    function previewClaimRedeem(address controller) external view returns (uint256 assets, uint256 sharesReturned);

    /// @notice Open interest against the pool, its backing capital (stable NAV + stock risk value), the most
    ///         open interest it may back, and utilisation (open interest / backing, bps; max when no backing).
    function utilisation()
        external
        view
        returns (UsdValue openInterest, UsdValue backing, UsdValue maxOpenInterest, uint256 utilisationBps);

    /// @notice Revert with `LiquidityPoolUtilisationExceeded` unless the pool may back `additional` more open
    ///         interest. Markets call it before adding open interest.
    function requireOpenInterest(UsdValue additional) external view;

    /// @notice Whether traders' unrealised profit exceeds `adlPnlFactorBps` of the pool's value (stable NAV
    ///         before traders' PnL + stock risk value): the perp market's auto-deleveraging should run.
    function adlState() external view returns (bool triggered, UsdValue traderProfit, UsdValue poolValue, uint256 pnlToPoolBps);

    /// @notice Refresh the recorded ADL state, emitting `AdlStateChanged` when it flipped. Anyone (keepers).
    function checkAdl() external returns (bool triggered);

    /// @notice Whether the pool is bankrupt (stable NAV <= 0 with shares outstanding), and its NAV: the perp
    ///         market's socialised haircut on winners starts there.
    function bankruptcy() external view returns (bool bankrupt, int256 nav);

    /// @notice The registered markets.
    function markets() external view returns (address[] memory);

    /// @notice The risk settings, the stock capital contract, whether deposits are paused, the recorded ADL state.
    function settings()
        external
        view
        returns (RiskConfig memory config, address stockCapital, bool depositsPaused, bool adlActive);

    /// @notice The growth window: when it started, its base NAV (raw) and the deposits accepted in it.
    function growthWindow() external view returns (uint256 startedAt, uint256 baseNav, uint256 accepted);

    /// @notice Raw stablecoin the pool holds for requesters (pending deposits, unclaimed refunds and payouts).
    function reservedAssets() external view returns (uint256);

    // ---- Settings (restricted) ----

    /// @notice Set the risk settings (RISK_ADMIN). Takes effect from the next settlement (the epoch duration
    ///         from the next epoch).
    function setRiskConfig(RiskConfig calldata config) external;

    /// @notice Register `market` (RISK_ADMIN); at most `MAX_MARKETS`.
    function addMarket(address market) external;

    /// @notice Deregister `market` (RISK_ADMIN); refused while it has open interest.
    function removeMarket(address market) external;

    /// @notice Set the stock capital contract (RISK_ADMIN; zero: none). Its balance with the pool is kept.
    function setStockCapital(address stockCapital) external;

    /// @notice Pause or resume deposit requests (GUARDIAN, at once). Redemptions are never paused.
    function setDepositsPaused(bool paused) external;
}
