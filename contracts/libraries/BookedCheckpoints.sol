// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BalanceCheckpoints} from "./BalanceCheckpoints.sol";

/// @title BookedCheckpoints - a custodian's books at a token's record times, written lazily
/// @notice BalanceCheckpoints (checkpoint the amount before its first change after a snapshot was taken)
///         plus a zero prefix: an amount that was zero at every snapshot so far writes no checkpoint, it
///         only moves `zeroThrough`, in the slot the change reads anyway. A new account's first deposit
///         after a record time so writes one slot instead of three.
library BookedCheckpoints {
    using BalanceCheckpoints for BalanceCheckpoints.Checkpoint[];

    /// @dev `synced`: the newest snapshot taken at the last change. The amount was zero at every snapshot
    ///      up to `zeroThrough`; `history` holds the checkpoints after it (every id above `zeroThrough`).
    struct Track {
        uint24 synced;
        uint24 zeroThrough;
        BalanceCheckpoints.Checkpoint[] history;
    }

    /// @dev Before the amount changes from `before`, snapshot `taken` being the newest taken (the token
    ///      keeps snapshot ids below 2**24 and balances below 2**112; checked anyway).
    function record(Track storage track, uint256 taken, uint256 before) internal {
        uint24 synced = track.synced;
        if (synced >= taken) return;
        uint24 current = SafeCast.toUint24(taken);
        if (before == 0 && track.zeroThrough == synced) {
            // Zero at every snapshot so far and no checkpoint yet: the zero prefix grows, nothing else.
            (track.synced, track.zeroThrough) = (current, current);
        } else {
            track.synced = track.history.record(synced, current, SafeCast.toUint112(before));
        }
    }

    /// @dev The amount at the taken snapshot `snapshotId`, the amount now being `current`. Between
    ///      `zeroThrough` and `synced` the last checkpoint's id is `synced`: the search finds one.
    function valueAt(Track storage track, uint256 snapshotId, uint256 current) internal view returns (uint256) {
        if (snapshotId <= track.zeroThrough) return 0;
        return track.history.balanceAt(track.synced, snapshotId, current);
    }
}
