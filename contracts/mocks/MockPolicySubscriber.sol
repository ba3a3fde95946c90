// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPolicySubscriber} from "../interfaces/identity/IPolicyPublisher.sol";

/// @title MockPolicySubscriber - a policy subscriber whose `syncPolicy` and `markPolicyStale` can be made to fail (tests only)
/// @notice Lets tests prove that a policy change goes through whatever a subscriber does (revert, burn
///         its whole budget), that the publisher records it as stale, and that a failing subscriber
///         can still be removed. With `markFailing`/`markGuzzling` it stands for a foreign subscriber
///         that does not accept `markPolicyStale` either.
contract MockPolicySubscriber is IPolicySubscriber {
    /// @notice `syncPolicy` or `markPolicyStale` was called while failing.
    error MockPolicySubscriberFailed();

    /// @notice Whether `syncPolicy` reverts.
    bool public failing;
    /// @notice Whether `syncPolicy` burns all the gas it is given.
    bool public guzzling;
    /// @notice Whether `markPolicyStale` reverts.
    bool public markFailing;
    /// @notice Whether `markPolicyStale` burns all the gas it is given.
    bool public markGuzzling;
    /// @inheritdoc IPolicySubscriber
    bool public policyStale;
    /// @notice How many times `markPolicyStale` succeeded (packed with the flags: a mark fits the
    ///         publisher's small budget, as dualtrack's registry does).
    uint64 public markCount;
    /// @notice How many times `syncPolicy` succeeded.
    uint256 public syncCount;

    /// @notice Make `syncPolicy` burn all its gas (or stop doing so).
    function setGuzzling(bool guzzling_) external {
        guzzling = guzzling_;
    }

    /// @notice Make `syncPolicy` revert (or succeed again).
    function setFailing(bool failing_) external {
        failing = failing_;
    }

    /// @notice Make `markPolicyStale` revert and/or burn all its gas.
    function setMarkFailure(bool reverts, bool guzzles) external {
        (markFailing, markGuzzling) = (reverts, guzzles);
    }

    /// @inheritdoc IPolicySubscriber
    function syncPolicy() external returns (bool cached) {
        if (failing) revert MockPolicySubscriberFailed();
        if (guzzling) _burnAllGas();
        ++syncCount;
        policyStale = false;
        return false;
    }

    /// @inheritdoc IPolicySubscriber
    /// @dev Accepts any caller: this mock only counts.
    function markPolicyStale() external {
        if (markFailing) revert MockPolicySubscriberFailed();
        if (markGuzzling) _burnAllGas();
        ++markCount;
        policyStale = true;
        emit PolicyMarkedStale(msg.sender);
    }

    function _burnAllGas() private pure {
        assembly ("memory-safe") {
            invalid()
        }
    }
}
