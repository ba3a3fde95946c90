// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title BalanceCheckpoints - lazily written balances at scheduled record times
/// @notice A balance that changes for the first time after snapshot `id` was taken is recorded as
///         `Checkpoint(id, balanceBefore)`: that value held at every snapshot after the previous
///         checkpoint's id, up to and including `id`. So the balance at snapshot `s` is the value of
///         the first checkpoint whose id is >= `s`, or the current balance when none is (nothing
///         changed since). Writing costs nothing unless a snapshot was taken since the last change,
///         and reading is a binary search over one account's own checkpoints.
library BalanceCheckpoints {
    /// @dev One slot: the snapshot id and the balance that held up to it.
    struct Checkpoint {
        uint24 snapshotId;
        uint112 balance;
    }

    /// @dev Record `balanceBefore` for snapshot `current` if the history's last id is older
    ///      (`synced`: the snapshot id current at the account's previous change).
    /// @return The id to store as the account's new `synced`.
    function record(Checkpoint[] storage history, uint24 synced, uint24 current, uint112 balanceBefore)
        internal
        returns (uint24)
    {
        if (synced < current) history.push(Checkpoint(current, balanceBefore));
        return current;
    }

    /// @dev The balance at snapshot `snapshotId` (already taken), given the account's `synced` id and
    ///      its `currentBalance`.
    function balanceAt(Checkpoint[] storage history, uint24 synced, uint256 snapshotId, uint256 currentBalance)
        internal
        view
        returns (uint256)
    {
        if (snapshotId > synced) return currentBalance;
        // synced >= snapshotId > 0, so the last checkpoint's id is synced >= snapshotId: the search
        // always finds one. Lower bound over ids, which strictly increase.
        uint256 low;
        uint256 high = history.length;
        while (low < high) {
            // unchecked: low < high <= length, the average cannot overflow.
            uint256 mid;
            unchecked {
                mid = (low + high) >> 1;
            }
            if (history[mid].snapshotId < snapshotId) low = mid + 1;
            else high = mid;
        }
        return history[low].balance;
    }
}
