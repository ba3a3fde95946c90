// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPolicySubscriber - a contract that caches a verification policy and re-reads it on demand
/// @notice dualtrack's identity registries cache the required claim topics and the issuers trusted
///         for each of them, so the transfer path does not call the two policy registries. The
///         registries push every change by calling `syncPolicy` on each subscriber with a fixed gas
///         budget; when that fails they call `markPolicyStale`, after which the subscriber verifies
///         from live reads of the registries until someone re-syncs it.
interface IPolicySubscriber {
    /// @notice A policy registry (`publisher`) could not push a change: the cache is dropped and
    ///         verification reads the registries live until the next successful `syncPolicy`.
    event PolicyMarkedStale(address indexed publisher);

    /// @notice `caller` is not a policy registry this subscriber reads and is subscribed to.
    error PolicySubscriberNotPublisher(address caller);

    /// @notice Re-read the policy from the claim topics and trusted issuers registries (anyone may call:
    ///         it only mirrors their current state). Clears a stale mark.
    /// @return cached Whether the subscriber now serves verification from its cache (it does only while
    ///         subscribed to both registries; otherwise it reads them live on every verification).
    function syncPolicy() external returns (bool cached);

    /// @notice Drop the cached policy after a failed push: verification reads the registries live
    ///         (failing closed if they cannot answer) until the next successful `syncPolicy`. Only a
    ///         policy registry this subscriber reads and is subscribed to may call it.
    function markPolicyStale() external;

    /// @notice Whether a push failed since the last successful `syncPolicy` (verification is then live).
    function policyStale() external view returns (bool);
}

/// @title IPolicyPublisher - a policy registry that pushes its changes to subscribed identity registries
/// @notice Implemented by dualtrack's ClaimTopicsRegistry and TrustedIssuersRegistry. At most 32
///         subscribers. Every change calls `syncPolicy` on every subscriber with a fixed budget of
///         `POLICY_SYNC_GAS`, and the change goes through whatever the subscribers do: a subscriber
///         whose sync reverts or needs more than its budget is recorded as stale here
///         (`isPolicySubscriberStale`, `PolicySubscriberStale`) and asked, with a budget of
///         `POLICY_STALE_GAS`, to drop its cache (`IPolicySubscriber.markPolicyStale`), so it verifies
///         from live reads until re-synced on its own transaction. One broken subscriber can thus
///         neither block a change (e.g. the emergency removal of a compromised claim issuer) nor keep
///         serving the old policy, and any single change costs at most about 10M gas whatever the
///         number of subscribers, topics and issuers. The caller must leave enough gas for every
///         subscriber's full budgets (`PolicyPublisherSyncGas` otherwise), so nobody can make a sound
///         subscriber fail by sending too little gas.
interface IPolicyPublisher {
    /// @notice `identityRegistry` now receives every policy change.
    event PolicySubscriberAdded(address indexed identityRegistry);
    /// @notice `identityRegistry` no longer receives policy changes; `synced` tells whether its final
    ///         `syncPolicy` (which switches it back to live reads) succeeded.
    event PolicySubscriberRemoved(address indexed identityRegistry, bool synced);
    /// @notice A push to `identityRegistry` failed: it is stale until re-synced. `marked` tells whether
    ///         it accepted `markPolicyStale` (dualtrack's registries do: they then verify live); a
    ///         subscriber that did not may still serve the policy it cached before this change.
    event PolicySubscriberStale(address indexed identityRegistry, bool marked);
    /// @notice A push to `identityRegistry`, recorded as stale, succeeded again.
    event PolicySubscriberResynced(address indexed identityRegistry);

    /// @notice The subscriber is the zero address or has no code.
    error PolicyPublisherNotContract(address identityRegistry);
    /// @notice The subscriber is already subscribed.
    error PolicyPublisherAlreadySubscribed(address identityRegistry);
    /// @notice The address is not a subscriber.
    error PolicyPublisherNotSubscribed(address identityRegistry);
    /// @notice The publisher already has `cap` subscribers.
    error PolicyPublisherCapReached(uint256 cap);
    /// @notice A subscriber's `syncPolicy` reverted where it must succeed (subscribing it, or an
    ///         explicit `resyncPolicySubscriber`).
    error PolicyPublisherSyncFailed(address identityRegistry);
    /// @notice Too little gas is left to give a subscriber its full budgets.
    error PolicyPublisherSyncGas(uint256 gasLeft, uint256 required);

    /// @notice Push every future change to `identityRegistry` and sync it now (owner only). The first
    ///         sync gets all the gas the caller gives and must succeed.
    function addPolicySubscriber(address identityRegistry) external;
    /// @notice Stop pushing changes to `identityRegistry` and sync it one last time, with a fixed gas
    ///         budget, so it reads live (owner only). A subscriber whose final sync reverts or runs out of
    ///         its budget is removed anyway (`synced` false); anyone can call its `syncPolicy` later.
    function removePolicySubscriber(address identityRegistry) external;
    /// @notice Sync a stale subscriber with all the gas the caller gives (anyone) and, on success,
    ///         clear this publisher's stale record of it. Reverts `PolicyPublisherSyncFailed` if the
    ///         sync fails, `PolicyPublisherNotSubscribed` for a non-subscriber.
    function resyncPolicySubscriber(address identityRegistry) external;
    /// @notice The documented cap on subscribers (32).
    function MAX_POLICY_SUBSCRIBERS() external view returns (uint256);
    /// @notice The gas each subscriber's `syncPolicy` gets on every change.
    function POLICY_SYNC_GAS() external view returns (uint256);
    /// @notice The gas a subscriber's `markPolicyStale` gets after its sync failed.
    function POLICY_STALE_GAS() external view returns (uint256);
    /// @notice The subscribed identity registries.
    function policySubscribers() external view returns (address[] memory);
    /// @notice Whether `identityRegistry` is subscribed.
    function isPolicySubscriber(address identityRegistry) external view returns (bool);
    /// @notice Whether the last push to `identityRegistry` failed and it was not re-synced through this
    ///         publisher since (the next successful push or `resyncPolicySubscriber` clears it).
    function isPolicySubscriberStale(address identityRegistry) external view returns (bool);
}
