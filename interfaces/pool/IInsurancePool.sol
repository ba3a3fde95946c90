// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ILossAbsorber} from "../margin/ILossAbsorber.sol";

/// @title IInsurancePool - first-loss capital of the trading track, in the settlement stablecoin
/// @notice Stakers deposit the margin vault's settlement stablecoin and receive the pool's own ERC-20 shares
///         (6 more decimals than the stablecoin: a virtual-share offset, as OpenZeppelin 5's ERC4626
///         `_decimalsOffset`, so a first depositor's inflation or a donation cannot profit). The pool is the
///         margin vault's `lossAbsorber` and its `insurance`: it absorbs bad debt first, before the
///         liquidity pool's LPs, up to a per-event cap, and is fed by trading fees (the vault's `chargeFee`
///         with the pool as recipient: its vault credit), by anyone's `fund`, and by liquidation penalties
///         (collateral the vault books in the pool's vault account).
///
///         Assets (`totalAssets`): the stablecoin the pool holds on its books, plus its vault credit, minus
///         what it already owes the counterparty for covered losses not yet paid. Liquidation penalties in
///         other assets (BTC, ETH, stock tokens) count for NOTHING until they are sold for stablecoin and
///         funded back: first-loss capital must pay in the stablecoin, and pricing them would let stakers
///         enter and leave on oracle moves of an asset the pool cannot use. Tokens sent to the pool by a
///         plain transfer are not on its books and count for nothing either.
///
///         Unstaking: `requestUnstake` escrows shares in the pool and starts the delay (13 days by default,
///         Drift's insurance fund); `claimUnstake` after the delay pays min(value at request, value at claim),
///         rounded down, and burns the shares. Requested shares keep bearing every loss until claimed and
///         earn nothing extra: their gains during the delay stay with the other stakers.
///
///         Draws: `onBadDebt` (only the vault) and `cover` (registered claimants: markets, the liquidity
///         pool) pay min(requested, per-event cap, free stablecoin) into the vault counterparty's credit;
///         the cap is min(`maxDrawBps` of `totalAssets`, `maxDrawAmount`). A draw reported by the vault
///         arrives inside the vault's reentrancy lock, where the vault refuses `fundCredit`: the amount is
///         then booked as owed to the counterparty at once (out of the stakers' assets) and paid by anyone's
///         `payOwed` right after (a keeper's job). Free stablecoin is what the pool holds less what it owes:
///         its vault credit counts in `totalAssets` (and so in the cap) but a draw does not reach it, so
///         keepers `collect` fees regularly.
///
///         Roles (the protocol's AccessManager): RISK_ADMIN sets the unstaking delay, the draw cap and the
///         claimants (under its delay); TREASURY releases penalty collateral for sale; UPGRADER upgrades.
interface IInsurancePool is IERC20Metadata, ILossAbsorber {
    // ---- Types ----

    /// @notice A staker's pending unstake (one storage slot).
    /// @param shares Shares escrowed in the pool, still bearing losses.
    /// @param assetsAtRequest Their value when requested (the most the claim can pay), stablecoin raw units.
    /// @param claimableAt When the claim opens (unix seconds; 32 bits last until 2106).
    struct UnstakeRequest {
        uint128 shares;
        uint96 assetsAtRequest;
        uint32 claimableAt;
    }

    // ---- Errors ----

    error InsurancePoolZeroAmount();
    error InsurancePoolZeroAddress();
    error InsurancePoolZeroShares(uint256 assets);
    error InsurancePoolNotVault(address caller);
    error InsurancePoolNotClaimant(address caller);
    error InsurancePoolSettlementMismatch(address reported, address expected);
    error InsurancePoolRequestPending(address staker, uint256 shares, uint64 claimableAt);
    error InsurancePoolNoRequest(address staker);
    error InsurancePoolClaimTooEarly(address staker, uint64 claimableAt, uint256 now_);
    error InsurancePoolInsufficientShares(address staker, uint256 available, uint256 requested);
    error InsurancePoolInsufficientLiquidity(uint256 available, uint256 requested);
    error InsurancePoolUnstakeDelayInvalid(uint256 delay, uint256 min, uint256 max);
    error InsurancePoolDrawCapInvalid(uint256 maxDrawBps);
    error InsurancePoolSharesToPool();
    error InsurancePoolNotInsurance(address vaultInsurance);
    error InsurancePoolSettlementAsset(address asset);

    // ---- Events ----

    /// @notice `staker` paid `assets` and `receiver` got `shares`.
    event Staked(address indexed staker, address indexed receiver, uint256 assets, uint256 shares);
    /// @notice `staker` escrowed `shares` worth `assetsAtRequest`, claimable from `claimableAt`.
    event UnstakeRequested(address indexed staker, uint256 shares, uint256 assetsAtRequest, uint64 claimableAt);
    /// @notice `staker` cancelled its request: `returned` shares back, `forfeited` burnt (its gains).
    event UnstakeCancelled(address indexed staker, uint256 returned, uint256 forfeited);
    /// @notice `staker` claimed: `shares` burnt, `assets` paid to `to`.
    event UnstakeClaimed(address indexed staker, address indexed to, uint256 shares, uint256 assets);
    /// @notice `from` added `amount` to the pool's assets (fees, sale proceeds, a gift).
    event Funded(address indexed from, uint256 amount);
    /// @notice The pool moved its vault credit (`credit`) and its vault account's cash (`cash`) to its books.
    event Collected(uint256 credit, uint256 cash);
    /// @notice A draw: `reporter` (the vault or a claimant) reported a loss of `requested` for `cause`
    ///         (`accountId` for bad debt, 0 otherwise); the pool covered `paid` (at most `cap`, at most the
    ///         `free` stablecoin) for `counterparty` (zero: none set, nothing paid).
    event LossCovered(
        address indexed reporter,
        bytes32 indexed cause,
        uint256 indexed accountId,
        address asset,
        uint256 requested,
        uint256 paid,
        uint256 cap,
        uint256 free,
        address counterparty
    );
    /// @notice `amount` of a covered loss could not be paid into the vault now and is owed (total `owed`).
    event CoverDeferred(address indexed counterparty, uint256 amount, uint256 owed);
    /// @notice `amount` owed was paid into `counterparty`'s vault credit.
    event OwedPaid(address indexed counterparty, uint256 amount);
    /// @notice TREASURY moved `amount` of penalty collateral `asset` out of the pool's vault account to `to`.
    event CollateralReleased(address indexed asset, address indexed to, uint256 amount);
    /// @notice New requests wait `delay` seconds.
    event UnstakeDelaySet(uint64 delay);
    /// @notice One event may now draw at most `maxDrawBps` of the assets and at most `maxDrawAmount`.
    event DrawCapSet(uint16 maxDrawBps, uint128 maxDrawAmount);
    /// @notice `claimant` may (or may no longer) call `cover`.
    event ClaimantSet(address indexed claimant, bool allowed);

    // ---- Staking ----

    /// @notice Pay `assets` stablecoin from the caller and mint shares to `receiver`, priced at
    ///         `totalAssets` now (rounded down, in the pool's favour).
    /// @return shares The shares minted.
    function stake(uint256 assets, address receiver) external returns (uint256 shares);

    /// @notice Escrow `shares` of the caller's and start the unstaking delay. One request per staker.
    /// @return claimableAt When `claimUnstake` opens.
    function requestUnstake(uint256 shares) external returns (uint64 claimableAt);

    /// @notice Cancel the caller's request: the escrowed shares come back, less those whose value grew
    ///         beyond the value at request (burnt: the gains stay with the pool).
    function cancelUnstake() external returns (uint256 returned);

    /// @notice After the delay, burn the caller's escrowed shares and pay min(value at request, value now)
    ///         (rounded down) to `to`.
    function claimUnstake(address to) external returns (uint256 assets);

    /// @notice Add `amount` stablecoin from the caller to the pool's assets (anyone: fee sharing, sale
    ///         proceeds of penalty collateral). No shares are minted.
    function fund(uint256 amount) external;

    /// @notice Move the pool's vault credit and its vault account's settlement cash into the pool (anyone).
    function collect() external returns (uint256 credit, uint256 cash);

    /// @notice Pay what the pool owes the vault's counterparty for covered losses into its vault credit
    ///         (anyone).
    function payOwed() external returns (uint256 paid);

    // ---- Draws ----

    /// @notice A loss of `amount` reported outside the vault by a registered claimant (a market, the
    ///         liquidity pool): pays min(amount, cap, free stablecoin) into the vault counterparty's credit.
    /// @return paid What the pool covered.
    function cover(uint256 amount, bytes32 cause) external returns (uint256 paid);

    // ---- Views ----

    /// @notice The vault the pool insures.
    function vault() external view returns (address);

    /// @notice The stablecoin (the vault's settlement asset).
    function asset() external view returns (address);

    /// @notice Held + vault credit - owed, in stablecoin raw units.
    function totalAssets() external view returns (uint256);

    /// @notice The stablecoin on the pool's books (its held balance, owed amounts included) and what it owes.
    function books() external view returns (uint256 held, uint256 owed);

    /// @notice Shares `assets` would buy now (rounded down).
    function convertToShares(uint256 assets) external view returns (uint256);

    /// @notice What `shares` are worth now (rounded down).
    function convertToAssets(uint256 shares) external view returns (uint256);

    /// @notice `staker`'s pending request and what claiming it now would pay (before the delay too).
    function requestOf(address staker) external view returns (UnstakeRequest memory request, uint256 payable_);

    /// @notice Shares escrowed by every pending request.
    function escrowedShares() external view returns (uint256);

    /// @notice The most one event may draw now: min(`maxDrawBps` of `totalAssets`, `maxDrawAmount`).
    function drawCap() external view returns (uint256);

    /// @notice The unstaking delay (seconds), the cap in bps of assets and the absolute cap (raw units).
    function settings() external view returns (uint64 unstakeDelay, uint16 maxDrawBps, uint128 maxDrawAmount);

    /// @notice Whether `claimant` may call `cover`.
    function isClaimant(address claimant) external view returns (bool);

    // ---- Settings (restricted) ----

    /// @notice Set the unstaking delay for new requests (RISK_ADMIN), within [MIN, MAX]_UNSTAKE_DELAY.
    function setUnstakeDelay(uint64 delay) external;

    /// @notice Set the per-event cap: `maxDrawBps` (<= 10,000) of assets and `maxDrawAmount` (RISK_ADMIN).
    function setDrawCap(uint16 maxDrawBps, uint128 maxDrawAmount) external;

    /// @notice Allow or refuse `claimant` to call `cover` (RISK_ADMIN).
    function setClaimant(address claimant, bool allowed) external;

    /// @notice Withdraw `amount` of penalty collateral `asset` (not the stablecoin) from the pool's vault
    ///         account and send it to `to`, a seller who funds the proceeds back (TREASURY). A stock token
    ///         leaves only if the pool and `to` may hold it (the token's own rules).
    function releaseCollateral(address asset, uint256 amount, address to) external;
}
