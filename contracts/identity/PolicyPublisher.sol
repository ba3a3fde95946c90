// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {IPolicyPublisher, IPolicySubscriber} from "../interfaces/identity/IPolicyPublisher.sol";

/// @title PolicyPublisher - the subscriber list of a policy registry and the push of every change
/// @notice Subscribers are identity registries caching this registry's policy. The owner manages the
///         list (at most 32: each change calls every subscriber); `_publish` must be called after each
///         policy change and reverts the change if any subscriber fails to re-sync, so no cache is
///         ever stale. Permissionless subscription would let anyone make policy changes expensive or
///         revert them, hence owner only.
abstract contract PolicyPublisher is IPolicyPublisher, OwnableUpgradeable {
    /// @dev Documented cap on subscribers.
    uint256 private constant MAX_POLICY_SUBSCRIBERS = 32;
    /// @dev Gas for a removed subscriber's final `syncPolicy`. Unsubscribed, dualtrack's registry only
    ///      checks its subscriptions and switches to live reads (about 30k), so this is ample.
    uint256 private constant REMOVAL_SYNC_GAS = 150_000;

    /// @custom:storage-location erc7201:dualtrack.storage.PolicyPublisher
    struct PublisherLayout {
        address[] subscribers;
        mapping(address subscriber => uint256 indexPlusOne) subscriberIndex;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.PolicyPublisher")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PUBLISHER_SLOT = 0x4a4686a769cea86a1680e930b2a9869c0b9a84c002d31c232f748923804fa300;

    // ---- Subscribers (owner) ----

    /// @inheritdoc IPolicyPublisher
    function addPolicySubscriber(address identityRegistry) external onlyOwner {
        if (identityRegistry.code.length == 0) revert PolicyPublisherNotContract(identityRegistry);
        PublisherLayout storage $ = _publisherLayout();
        if ($.subscriberIndex[identityRegistry] != 0) revert PolicyPublisherAlreadySubscribed(identityRegistry);
        if ($.subscribers.length >= MAX_POLICY_SUBSCRIBERS) revert PolicyPublisherCapReached(MAX_POLICY_SUBSCRIBERS);
        $.subscribers.push(identityRegistry);
        $.subscriberIndex[identityRegistry] = $.subscribers.length;
        emit PolicySubscriberAdded(identityRegistry);
        if (!_sync(identityRegistry, gasleft())) revert PolicyPublisherSyncFailed(identityRegistry);
    }

    /// @inheritdoc IPolicyPublisher
    /// @dev The final sync may fail (a broken subscriber must not block its own removal); the event
    ///      says so, and anyone can call the subscriber's `syncPolicy` later.
    function removePolicySubscriber(address identityRegistry) external onlyOwner {
        PublisherLayout storage $ = _publisherLayout();
        uint256 indexPlusOne = $.subscriberIndex[identityRegistry];
        if (indexPlusOne == 0) revert PolicyPublisherNotSubscribed(identityRegistry);
        address[] storage subscribers = $.subscribers;
        uint256 lastIndex = subscribers.length - 1;
        if (indexPlusOne - 1 != lastIndex) {
            address moved = subscribers[lastIndex];
            subscribers[indexPlusOne - 1] = moved;
            $.subscriberIndex[moved] = indexPlusOne;
        }
        subscribers.pop();
        delete $.subscriberIndex[identityRegistry];
        // The final sync gets a fixed budget, and the caller must leave enough for all of it: a
        // subscriber that reverts or burns its budget is still removed (it cannot block the policy),
        // but a caller cannot make a sound registry's final sync fail by sending too little gas and
        // leave it serving a cache that no longer receives changes.
        uint256 required = REMOVAL_SYNC_GAS + REMOVAL_SYNC_GAS / 63 + 5_000;
        uint256 left = gasleft();
        if (left < required) revert PolicyPublisherSyncGas(left, required);
        emit PolicySubscriberRemoved(identityRegistry, _sync(identityRegistry, REMOVAL_SYNC_GAS));
    }

    // ---- Views ----

    /// @inheritdoc IPolicyPublisher
    function policySubscribers() external view returns (address[] memory) {
        return _publisherLayout().subscribers;
    }

    /// @inheritdoc IPolicyPublisher
    function isPolicySubscriber(address identityRegistry) external view returns (bool) {
        return _publisherLayout().subscriberIndex[identityRegistry] != 0;
    }

    // ---- Internals ----

    /// @dev Push the current policy to every subscriber; reverts the caller's change if one fails.
    function _publish() internal {
        address[] storage subscribers = _publisherLayout().subscribers;
        uint256 count = subscribers.length;
        for (uint256 i; i < count; ++i) {
            address subscriber = subscribers[i];
            if (!_sync(subscriber, gasleft())) revert PolicyPublisherSyncFailed(subscriber);
        }
    }

    /// @dev Call `syncPolicy()` on `subscriber` without copying its return data (no return bomb).
    function _sync(address subscriber, uint256 gasBudget) private returns (bool ok) {
        bytes4 selector = IPolicySubscriber.syncPolicy.selector;
        assembly ("memory-safe") {
            mstore(0, selector)
            ok := call(gasBudget, subscriber, 0, 0, 4, 0, 0)
        }
    }

    function _publisherLayout() private pure returns (PublisherLayout storage $) {
        assembly {
            $.slot := PUBLISHER_SLOT
        }
    }
}
