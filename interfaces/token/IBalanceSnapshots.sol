// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IBalanceSnapshots - balances at scheduled record times, in O(log n) per account
/// @notice A corporate-action agent schedules a record time strictly in the future; from then on the
///         token checkpoints each account lazily, on its first balance change after the record time,
///         so transfers pay nothing extra unless a record time has passed since the account last moved,
///         and reading a balance at a record time costs the same whatever the number of holders.
///         Snapshot ids start at 1 and follow the record times, which strictly increase.
interface IBalanceSnapshots {
    /// @notice Snapshot `snapshotId` will record balances as of `recordTime`: as they stand before the
    ///         first block whose timestamp is at or after `recordTime`.
    event SnapshotScheduled(uint256 indexed snapshotId, uint256 recordTime);

    /// @notice A record time must be strictly after the current block (and before 2**40).
    error BalanceSnapshotsInvalidRecordTime(uint256 recordTime, uint256 currentTime);
    /// @notice Record times must strictly increase.
    error BalanceSnapshotsOutOfOrder(uint256 recordTime, uint256 lastRecordTime);
    /// @notice Too many record times are still in the future (documented cap).
    error BalanceSnapshotsCapReached(uint256 cap);
    /// @notice No snapshot has this id.
    error BalanceSnapshotsUnknown(uint256 snapshotId);
    /// @notice The snapshot's record time has not passed yet.
    error BalanceSnapshotsNotTaken(uint256 snapshotId, uint256 recordTime);

    /// @notice Schedule a snapshot at `recordTime` (corporate-action agents only).
    /// @return snapshotId The new snapshot's id.
    function scheduleSnapshot(uint256 recordTime) external returns (uint256 snapshotId);
    /// @notice The record time of `snapshotId`.
    function snapshotTime(uint256 snapshotId) external view returns (uint256);
    /// @notice The id of the last snapshot whose record time has passed (0: none yet). Answered by the token
    ///         itself, not its extension: a custodian (the margin vault) asks it on every booked change.
    function lastTakenSnapshot() external view returns (uint256);
    /// @notice How many snapshots were scheduled (the last id).
    function snapshotCount() external view returns (uint256);
    /// @notice `account`'s raw balance at snapshot `snapshotId` (reverts before its record time).
    function balanceAt(address account, uint256 snapshotId) external view returns (uint256);
    /// @notice The raw total supply at snapshot `snapshotId` (reverts before its record time).
    function totalSupplyAt(uint256 snapshotId) external view returns (uint256);
}
