// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRecoveryRecord - which wallet replaced a lost one: the token's on-chain recovery record
/// @notice `recoveryAddress(lostWallet, newWallet, identity)` (IERC3643) moves a lost wallet's tokens to
///         a new wallet of the same identity and emits `RecoverySuccess`. The token also records
///         `recoveredTo(lostWallet) = newWallet`, so a contract that keyed a position by the lost wallet
///         (a dividend entitlement at a past record time, a margin account) can follow the investor to
///         the wallet they control now, with `currentWallet`.
///
///         Chains: after A->B then B->C, `recoveredTo(A) == B`, `recoveredTo(B) == C` and
///         `currentWallet(A) == currentWallet(B) == C`. A recovery INTO a wallet clears that wallet's
///         own record, because it is live again: after A->B then B->A, `recoveredTo(A) == 0` and
///         `recoveredTo(B) == A`. So the record never loops; `currentWallet` still follows at most
///         `MAX_RECOVERY_HOPS` records and reverts beyond, so its cost is bounded.
///
///         The record follows recoveries only: a wallet that receives tokens again after it was
///         replaced still points at its replacement (both belong to the identity the recovery
///         checked). Recoveries made by an implementation without this record (an upgraded token's
///         earlier history) are not in it.
interface IRecoveryRecord {
    /// @notice `wallet`'s chain of recoveries is longer than `maxHops` records.
    error RecoveryRecordChainTooLong(address wallet, uint256 maxHops);

    /// @notice The most recovery records `currentWallet` follows (16).
    function MAX_RECOVERY_HOPS() external view returns (uint256);
    /// @notice The wallet that replaced `lostWallet` in its last recovery, or zero if `lostWallet` was
    ///         never recovered or has since been the new wallet of a recovery (it is live again).
    function recoveredTo(address lostWallet) external view returns (address newWallet);
    /// @notice The wallet that stands for `wallet` now: `wallet` itself if it was never replaced, else
    ///         the end of its chain of recoveries. Reverts with `RecoveryRecordChainTooLong` if the
    ///         chain has more than `MAX_RECOVERY_HOPS` records.
    function currentWallet(address wallet) external view returns (address current);
}
