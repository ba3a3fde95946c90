// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IScaledUIAmount} from "./IScaledUIAmount.sol";
import {IBalanceSnapshots} from "./IBalanceSnapshots.sol";
import {IRecoveryRecord} from "./IRecoveryRecord.sol";

/// @title ICorporateActionTarget - what corporate-action contracts may do to a token, and read from it
/// @notice The token's owner names corporate-action agents (dualtrack's CorporateActions handler and
///         DividendDistributor): they alone schedule or cancel UI multiplier changes and schedule
///         record-time snapshots. Nothing here moves a raw balance. `positionAt` gives a cash
///         distributor, in one call, a holder's record-time balance and the wallet to pay for it now
///         (following the recovery record, IRecoveryRecord) with that wallet's standing.
interface ICorporateActionTarget is IScaledUIAmount, IBalanceSnapshots, IRecoveryRecord {
    /// @notice A holder's position at a record time and the wallet that stands for it now.
    struct RecordPosition {
        uint256 balance; // balanceAt(holder, snapshotId)
        address wallet; // currentWallet(holder): the holder, or the end of its chain of recoveries
        bool walletFrozen; // isFrozen(wallet): the whole wallet is frozen (partial freezes do not count)
        address identity; // wallet's identity in the token's identity registry now (zero: not registered)
        uint16 country; // wallet's country there (0 when not registered)
    }

    /// @notice What a price oracle needs of the token's state, read in one call (`observedState`).
    struct ObservedState {
        bool paused; // the issuer paused the token: nothing moves
        uint256 multiplier; // the UI multiplier in effect now
        uint256 nextMultiplier; // the multiplier from `effectiveAt` on (equal to `multiplier` if none pending)
        uint256 effectiveAt; // when the pending change takes effect; 0 when none is pending
    }

    /// @notice `agent` may (or may no longer) schedule multipliers and snapshots.
    event CorporateActionAgentSet(address indexed agent, bool enabled);
    /// @notice `observer` (or nobody, the zero address) is told of pause and multiplier changes from now on.
    event StateObserverSet(address indexed observer);
    /// @notice `observer` was told of a change; `ok` is false if its call failed (it did not block the change).
    event StateObserverNotified(address indexed observer, bool ok);

    /// @notice The caller is not a corporate-action agent of this token.
    error CorporateActionTargetNotAgent(address caller);
    /// @notice The zero address cannot be an agent.
    error CorporateActionTargetZeroAddress();

    /// @notice The smallest multiplier a change may set (1e6, i.e. 1e-12x).
    function MIN_UI_MULTIPLIER() external view returns (uint256);
    /// @notice The largest multiplier a change may set (1e30, i.e. 1e12x).
    function MAX_UI_MULTIPLIER() external view returns (uint256);
    /// @notice The most snapshots whose record time is still in the future at once.
    function MAX_PENDING_SNAPSHOTS() external view returns (uint256);

    /// @notice Allow or disallow `agent` to act on the multiplier and snapshots (owner only).
    function setCorporateActionAgent(address agent, bool enabled) external;
    /// @notice Whether `account` is a corporate-action agent.
    function isCorporateActionAgent(address account) external view returns (bool);
    /// @notice Schedule `newMultiplier` to take effect at `effectiveAt` (> now), when no other change
    ///         is pending (corporate-action agents only).
    function scheduleUIMultiplier(uint256 newMultiplier, uint256 effectiveAt) external;
    /// @notice Withdraw the pending change before it takes effect (corporate-action agents only).
    function cancelUIMultiplier() external;
    /// @notice Tell `observer` (an ITokenStateObserver, or zero for none) of every pause, unpause and
    ///         multiplier schedule change from now on (owner only).
    function setStateObserver(address observer) external;
    /// @notice The contract told of this token's state changes (zero: none).
    function stateObserver() external view returns (address);
    /// @notice The pause flag and the multiplier schedule, in one call.
    function observedState() external view returns (ObservedState memory state);
    /// @notice `holder`'s balance at snapshot `snapshotId` (which must be taken), and the wallet that
    ///         stands for it now (`currentWallet(holder)`) with its frozen flag and its identity and
    ///         country in the token's identity registry, in one call: what a distributor paying
    ///         record-time entitlements needs. Reverts as `balanceAt` and `currentWallet` do.
    function positionAt(address holder, uint256 snapshotId) external view returns (RecordPosition memory position);
}
