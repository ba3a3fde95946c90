// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPolicySubscriber - a contract that caches a verification policy and re-reads it on demand
/// @notice dualtrack's identity registries cache the required claim topics and the issuers trusted
///         for each of them, so the transfer path does not call the two policy registries. The
///         registries push every change by calling `syncPolicy` on each subscriber.
interface IPolicySubscriber {
    /// @notice Re-read the policy from the claim topics and trusted issuers registries (anyone may call:
    ///         it only mirrors their current state).
    /// @return cached Whether the subscriber now serves verification from its cache (it does only while
    ///         subscribed to both registries; otherwise it reads them live on every verification).
    function syncPolicy() external returns (bool cached);
}

/// @title IPolicyPublisher - a policy registry that pushes its changes to subscribed identity registries
/// @notice Implemented by dualtrack's ClaimTopicsRegistry and TrustedIssuersRegistry. At most 32
///         subscribers (documented cap: every policy change calls each of them). Every change calls
///         `syncPolicy` on every subscriber and reverts if any of those calls fails, so a cached
///         policy is never stale: a removed trusted issuer or a new required topic applies to the
///         very next verification.
interface IPolicyPublisher {
    /// @notice `identityRegistry` now receives every policy change.
    event PolicySubscriberAdded(address indexed identityRegistry);
    /// @notice `identityRegistry` no longer receives policy changes; `synced` tells whether its final
    ///         `syncPolicy` (which switches it back to live reads) succeeded.
    event PolicySubscriberRemoved(address indexed identityRegistry, bool synced);

    /// @notice The subscriber is the zero address or has no code.
    error PolicyPublisherNotContract(address identityRegistry);
    /// @notice The subscriber is already subscribed.
    error PolicyPublisherAlreadySubscribed(address identityRegistry);
    /// @notice The address is not a subscriber.
    error PolicyPublisherNotSubscribed(address identityRegistry);
    /// @notice The publisher already has `cap` subscribers.
    error PolicyPublisherCapReached(uint256 cap);
    /// @notice A subscriber's `syncPolicy` reverted, so the change was not applied.
    error PolicyPublisherSyncFailed(address identityRegistry);
    /// @notice Too little gas is left to give the removed subscriber its full final-sync budget.
    error PolicyPublisherSyncGas(uint256 gasLeft, uint256 required);

    /// @notice Push every future change to `identityRegistry` and sync it now (owner only).
    function addPolicySubscriber(address identityRegistry) external;
    /// @notice Stop pushing changes to `identityRegistry` and sync it one last time, with a fixed gas
    ///         budget, so it reads live (owner only). A subscriber whose final sync reverts or runs out of
    ///         its budget is removed anyway (`synced` false); anyone can call its `syncPolicy` later.
    function removePolicySubscriber(address identityRegistry) external;
    /// @notice The subscribed identity registries.
    function policySubscribers() external view returns (address[] memory);
    /// @notice Whether `identityRegistry` is subscribed.
    function isPolicySubscriber(address identityRegistry) external view returns (bool);
}
