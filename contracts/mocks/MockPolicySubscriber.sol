// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPolicySubscriber} from "../interfaces/identity/IPolicyPublisher.sol";

/// @title MockPolicySubscriber - a policy subscriber whose `syncPolicy` can be made to fail (tests only)
/// @notice Lets tests prove that a policy registry reverts a change when a subscriber cannot re-sync,
///         and that a failing subscriber can still be removed.
contract MockPolicySubscriber is IPolicySubscriber {
    /// @notice `syncPolicy` was called while failing.
    error MockPolicySubscriberFailed();

    /// @notice Whether `syncPolicy` reverts.
    bool public failing;
    /// @notice Whether `syncPolicy` burns all the gas it is given.
    bool public guzzling;
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

    /// @inheritdoc IPolicySubscriber
    function syncPolicy() external returns (bool cached) {
        if (failing) revert MockPolicySubscriberFailed();
        if (guzzling) {
            assembly ("memory-safe") {
                invalid()
            }
        }
        ++syncCount;
        return false;
    }
}
