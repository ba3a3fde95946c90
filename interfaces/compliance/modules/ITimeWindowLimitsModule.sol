// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICustodianModule} from "./ICustodianModule.sol";

/// @title ITimeWindowLimitsModule - cap on what an identity sends by Transfer per time window
/// @notice A compliance sets up to 4 (window seconds, limit) pairs. For each pair and each sender
///         identity the module keeps a counter: the first counted Transfer after the counter's
///         window ended opens a new window [now, now + window) with a count of 0. A Transfer to
///         another identity is rejected if any counter would exceed its limit. Only Transfers
///         between different identities count (Mint, Burn, Forced, Recovery and same-identity
///         transfers are neither checked nor counted). Counters start empty when binding.
///
///         Custodians (ICustodianModule; e.g. the margin vault's identity): a custodian's own
///         Transfers are never rejected (else one counter would throttle every depositor's
///         withdrawals and the vault's liquidations together); a Transfer INTO a custodian counts
///         against its sender like any other, so what later leaves the custodian was counted when it
///         came in. A custodian's counters are not meaningful (they stop at the limit).
interface ITimeWindowLimitsModule is ICustodianModule {
    /// @notice One limit: at most `limit` per `window` seconds.
    struct WindowLimit {
        uint32 window;
        uint192 limit;
    }

    /// @notice `compliance` set the limit of `window`.
    event TimeWindowLimitSet(address indexed compliance, uint32 window, uint256 limit);
    /// @notice `compliance` removed the limit of `window`.
    event TimeWindowLimitRemoved(address indexed compliance, uint32 window);

    /// @notice `identity` would have sent `spentAfter` in its current `window`, above `limit`.
    error TimeWindowLimitsModuleExceeded(address identity, uint32 window, uint256 spentAfter, uint256 limit);
    /// @notice At most `cap` limits per compliance.
    error TimeWindowLimitsModuleTooManyLimits(uint256 cap);
    /// @notice A window of 0 seconds.
    error TimeWindowLimitsModuleInvalidWindow(uint32 window);
    /// @notice No limit is set for `window`.
    error TimeWindowLimitsModuleLimitNotFound(uint32 window);

    /// @notice Add or update the limit of `window` (bound compliance only).
    function setTimeWindowLimit(uint32 window, uint192 limit) external;
    /// @notice Remove the limit of `window` (bound compliance only).
    function removeTimeWindowLimit(uint32 window) external;
    /// @notice The limits of `compliance`.
    function getTimeWindowLimits(address compliance) external view returns (WindowLimit[] memory);
    /// @notice The stored counter of `identity` for `window`: the amount counted and when that
    ///         window ends (a counter whose window ended counts as 0 at the next Transfer).
    function windowCounter(address compliance, address identity, uint32 window)
        external
        view
        returns (uint256 spent, uint256 windowEnd);
}
