// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BalanceCheckpoints} from "../libraries/BalanceCheckpoints.sol";

/// @title CheckpointsHarness - drives BalanceCheckpoints for one account so tests can check it (tests only)
/// @notice `takeSnapshot` stands for a record time passing; `setBalance` for a movement.
contract CheckpointsHarness {
    using BalanceCheckpoints for BalanceCheckpoints.Checkpoint[];

    BalanceCheckpoints.Checkpoint[] private _history;
    uint24 private _synced;
    uint24 private _taken;
    uint112 private _balance;

    /// @notice One more snapshot is taken.
    function takeSnapshot() external {
        ++_taken;
    }

    /// @notice The account's balance changes to `balance` (checkpointing the old one if needed).
    function setBalance(uint112 balance) external {
        _synced = _history.record(_synced, _taken, _balance);
        _balance = balance;
    }

    /// @notice The balance at snapshot `snapshotId` (1 <= id <= taken).
    function balanceAt(uint256 snapshotId) external view returns (uint256) {
        return _history.balanceAt(_synced, snapshotId, _balance);
    }

    /// @notice How many checkpoints were written.
    function checkpointCount() external view returns (uint256) {
        return _history.length;
    }
}
