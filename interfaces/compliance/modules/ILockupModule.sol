// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IComplianceModule} from "../IComplianceModule.sol";

/// @title ILockupModule - minted tokens stay locked in the receiving wallet for a period
/// @notice Per wallet the module tracks the balance and at most `MAX_LOTS` (4) locked lots sorted
///         by unlock time. A Mint adds a lot unlocking `period` seconds later (none if the period is
///         0); when all lots are still locked the new one merges into the latest lot, whose unlock
///         time becomes the later of the two (locks only ever get longer). A Transfer may only spend
///         the unlocked balance (balance minus still-locked lots). Burn, Forced and Recovery are
///         never rejected: they spend unlocked tokens first, then locked lots soonest-unlocking
///         first; Forced and Recovery carry those locked lots, unlock times kept, to the receiver.
///         Rekey (a wallet's identity changed, its tokens stayed) leaves the wallet's balance and lots
///         exactly as they are.
///         Binding needs a token without supply.
interface ILockupModule is IComplianceModule {
    /// @notice `compliance` set its lock-up period.
    event LockupPeriodSet(address indexed compliance, uint256 period);

    /// @notice `wallet` tried to send `amount` with only `unlocked` unlocked.
    error LockupModuleLocked(address wallet, uint256 amount, uint256 unlocked);
    /// @notice `period` is above the `max` period.
    error LockupModulePeriodTooLong(uint256 period, uint256 max);

    /// @notice Set the caller compliance's lock-up period in seconds (bound compliance only; at most
    ///         10 years). Applies to later mints.
    function setLockupPeriod(uint64 period) external;
    /// @notice The lock-up period of `compliance`.
    function lockupPeriod(address compliance) external view returns (uint256);
    /// @notice The balance of `wallet` tracked for `compliance`.
    function walletBalance(address compliance, address wallet) external view returns (uint256);
    /// @notice The part of `wallet`'s balance still locked now.
    function lockedBalance(address compliance, address wallet) external view returns (uint256);
    /// @notice The stored lots of `wallet` (including expired ones not yet pruned), soonest first.
    function lots(address compliance, address wallet)
        external
        view
        returns (uint256[] memory unlockTimes, uint256[] memory amounts);
}
