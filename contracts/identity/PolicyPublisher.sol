// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {IPolicyPublisher, IPolicySubscriber} from "../interfaces/identity/IPolicyPublisher.sol";

/// @title PolicyPublisher - the subscriber list of a policy registry and the push of every change
/// @notice Subscribers are identity registries caching this registry's policy. The owner manages the
///         list (at most 32); `_publish` must be called after each policy change. It calls every
///         subscriber's `syncPolicy` with a fixed budget (`POLICY_SYNC_GAS`) and never reverts the
///         change because of a subscriber: one whose sync reverts or exceeds its budget is recorded as
///         stale (`isPolicySubscriberStale`, `PolicySubscriberStale`) and asked, with its own fixed
///         budget (`POLICY_STALE_GAS`), to drop its cache (`markPolicyStale`). A dualtrack registry
///         then verifies from live reads (failing closed) until anyone re-syncs it on its own
///         transaction (its `syncPolicy`, or `resyncPolicySubscriber` here, which also clears this
///         record). A foreign subscriber that fails even `markPolicyStale` keeps whatever it cached
///         before the change: this publisher cannot reach into it, so its stale record and the event
///         (`marked` false) are the only signal, and its owner should re-sync or remove it.
///
///         Publication bound: per subscriber a change costs at most its two budgets plus about 30k of
///         bookkeeping (cold call, stale record, event); the caller must leave
///         `PUBLISH_GAS_PER_SUBSCRIBER` (about 243k) before each subscriber, so no caller can starve
///         one into failing. With the cap of 32 subscribers that is at most about 7.5M, plus the
///         change itself (below 1.4M within the registries' caps of 15 topics and 50 issuers trusted
///         for up to 15 topics each): a single change stays below 10M gas whatever the policy's size
///         (`make bench`: `registry.publish_worst_case`). A subscriber whose sync needs more than its
///         budget (a large cached policy: the budget covers a re-sync of about 3 topics x 5 issuers)
///         becomes stale on such changes and re-syncs on its own transaction.
///         Permissionless subscription would let anyone make changes expensive, hence owner only.
abstract contract PolicyPublisher is IPolicyPublisher, OwnableUpgradeable {
    /// @inheritdoc IPolicyPublisher
    uint256 public constant MAX_POLICY_SUBSCRIBERS = 32;
    /// @inheritdoc IPolicyPublisher
    /// @dev Enough for dualtrack's registry to re-cache a few topics with a few issuers each (one topic
    ///      and one issuer: about 55k; 3 topics x 5 issuers: about 140k; every cache slot written for
    ///      the first time about 22k more). Sized with the subscriber cap for the 10M publication bound.
    uint256 public constant POLICY_SYNC_GAS = 175_000;
    /// @inheritdoc IPolicyPublisher
    /// @dev dualtrack's registry needs about 20k (two reads, a call back here, one write).
    uint256 public constant POLICY_STALE_GAS = 30_000;
    /// @dev Gas for a removed subscriber's final `syncPolicy`. Unsubscribed, dualtrack's registry only
    ///      checks its subscriptions and switches to live reads (about 30k), so this is ample.
    uint256 private constant REMOVAL_SYNC_GAS = 150_000;
    /// @dev What the caller must leave before each subscriber: both budgets, the 1/64 that EIP-150
    ///      keeps back from each call, and the bookkeeping of a failed push (cold call, stale record,
    ///      event: about 28k).
    uint256 private constant PUBLISH_GAS_PER_SUBSCRIBER =
        POLICY_SYNC_GAS + POLICY_SYNC_GAS / 63 + POLICY_STALE_GAS + POLICY_STALE_GAS / 63 + 35_000;

    /// @custom:storage-location erc7201:dualtrack.storage.PolicyPublisher
    struct PublisherLayout {
        address[] subscribers;
        mapping(address subscriber => uint256 indexPlusOne) subscriberIndex;
        // appended: subscribers whose last push failed and that were not re-synced through here since
        mapping(address subscriber => bool stale) staleSubscribers;
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
        if (!_call(identityRegistry, IPolicySubscriber.syncPolicy.selector, gasleft())) {
            revert PolicyPublisherSyncFailed(identityRegistry);
        }
    }

    /// @inheritdoc IPolicyPublisher
    /// @dev The final sync may fail (a broken subscriber must not block its own removal); the event
    ///      says so, and anyone can call the subscriber's `syncPolicy` later. Its stale record goes.
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
        delete $.staleSubscribers[identityRegistry];
        // The final sync gets a fixed budget, and the caller must leave enough for all of it: a
        // subscriber that reverts or burns its budget is still removed (it cannot block the policy),
        // but a caller cannot make a sound registry's final sync fail by sending too little gas and
        // leave it serving a cache that no longer receives changes.
        _requireGas(REMOVAL_SYNC_GAS + REMOVAL_SYNC_GAS / 63 + 5_000);
        bool synced = _call(identityRegistry, IPolicySubscriber.syncPolicy.selector, REMOVAL_SYNC_GAS);
        emit PolicySubscriberRemoved(identityRegistry, synced);
    }

    /// @inheritdoc IPolicyPublisher
    function resyncPolicySubscriber(address identityRegistry) external {
        PublisherLayout storage $ = _publisherLayout();
        if ($.subscriberIndex[identityRegistry] == 0) revert PolicyPublisherNotSubscribed(identityRegistry);
        if (!_call(identityRegistry, IPolicySubscriber.syncPolicy.selector, gasleft())) {
            revert PolicyPublisherSyncFailed(identityRegistry);
        }
        if ($.staleSubscribers[identityRegistry]) {
            $.staleSubscribers[identityRegistry] = false;
            emit PolicySubscriberResynced(identityRegistry);
        }
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

    /// @inheritdoc IPolicyPublisher
    function isPolicySubscriberStale(address identityRegistry) external view returns (bool) {
        return _publisherLayout().staleSubscribers[identityRegistry];
    }

    // ---- Internals ----

    /// @dev Push the current policy to every subscriber (see the contract notice). Bounded: at most
    ///      MAX_POLICY_SUBSCRIBERS iterations of at most PUBLISH_GAS_PER_SUBSCRIBER each.
    function _publish() internal {
        PublisherLayout storage $ = _publisherLayout();
        address[] storage subscribers = $.subscribers;
        uint256 count = subscribers.length;
        for (uint256 i; i < count; ++i) {
            address subscriber = subscribers[i];
            _requireGas(PUBLISH_GAS_PER_SUBSCRIBER);
            if (_call(subscriber, IPolicySubscriber.syncPolicy.selector, POLICY_SYNC_GAS)) {
                if ($.staleSubscribers[subscriber]) {
                    $.staleSubscribers[subscriber] = false;
                    emit PolicySubscriberResynced(subscriber);
                }
            } else {
                bool marked = _call(subscriber, IPolicySubscriber.markPolicyStale.selector, POLICY_STALE_GAS);
                $.staleSubscribers[subscriber] = true;
                emit PolicySubscriberStale(subscriber, marked);
            }
        }
    }

    /// @dev Revert unless `required` gas is left (see `PUBLISH_GAS_PER_SUBSCRIBER`).
    function _requireGas(uint256 required) private view {
        uint256 left = gasleft();
        if (left < required) revert PolicyPublisherSyncGas(left, required);
    }

    /// @dev Call a no-argument function of `subscriber` without copying its return data (no return bomb).
    function _call(address subscriber, bytes4 selector, uint256 gasBudget) private returns (bool ok) {
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
