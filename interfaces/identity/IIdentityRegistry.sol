// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIdentity} from "./IIdentity.sol";
import {IIdentityRegistryStorage} from "./IIdentityRegistryStorage.sol";
import {IClaimTopicsRegistry} from "./IClaimTopicsRegistry.sol";
import {ITrustedIssuersRegistry} from "./ITrustedIssuersRegistry.sol";
import {IPolicySubscriber} from "./IPolicyPublisher.sol";

/// @title IIdentityRegistry - who may hold a token (ERC-3643)
/// @notice `isVerified(wallet)`: the wallet has an identity and, for every required topic, some
///         issuer trusted for that topic has a claim on the identity that it says is valid. The
///         claim's issuer field must equal the trusted issuer being checked (ERC-3643 issue #101).
///         An issuer whose `isClaimValid` reverts counts as "not valid", so another trusted issuer
///         can still verify the holder.
///         Agents (set by the owner) register, update and delete identities. The registry caches the
///         policy (required topics, issuers trusted per topic) while it is subscribed to both policy
///         registries, which push every change through `syncPolicy`; otherwise, or once a push failed
///         (`markPolicyStale`) until the next sync, it reads them live.
interface IIdentityRegistry is IPolicySubscriber {
    /// @notice The claim topics registry was set.
    event ClaimTopicsRegistrySet(address indexed claimTopicsRegistry);
    /// @notice The identity storage was set (this registry's own address: it keeps the records itself).
    event IdentityStorageSet(address indexed identityStorage);
    /// @notice The trusted issuers registry was set.
    event TrustedIssuersRegistrySet(address indexed trustedIssuersRegistry);
    /// @notice `investorAddress` was registered with `identity`.
    event IdentityRegistered(address indexed investorAddress, IIdentity indexed identity);
    /// @notice `investorAddress` was removed.
    event IdentityRemoved(address indexed investorAddress, IIdentity indexed identity);
    /// @notice A wallet's identity was replaced.
    event IdentityUpdated(IIdentity indexed oldIdentity, IIdentity indexed newIdentity);
    /// @notice A wallet's country was changed.
    event CountryUpdated(address indexed investorAddress, uint16 indexed country);
    /// @notice `agent` may now register, update and delete identities.
    event AgentAdded(address indexed agent);
    /// @notice `agent` may no longer register, update and delete identities.
    event AgentRemoved(address indexed agent);
    /// @notice The policy was re-read: `cached` tells whether verification is served from the cache
    ///         (`topicCount` required topics) or reads the policy registries live.
    event PolicySynced(bool indexed cached, uint256 topicCount);

    /// @notice The caller is not an agent of the registry.
    error IdentityRegistryNotAgent(address caller);
    /// @notice Zero address given where a contract is required.
    error IdentityRegistryZeroAddress();
    /// @notice Batch arrays differ in length.
    error IdentityRegistryLengthMismatch(uint256 wallets, uint256 others);
    /// @notice `account` is already an agent.
    error IdentityRegistryAlreadyAgent(address account);
    /// @notice `account` is not an agent (removal of a non-agent).
    error IdentityRegistryUnknownAgent(address account);

    /// @notice Register `userAddress` with `identity` and `country` (agent only).
    /// @dev Compliance modules keyed by identity (MaxBalance, MaxHolders) attribute a wallet's balance
    ///      to the identity the registry returned at each movement. When a wallet holding tokens is
    ///      registered, re-keyed or deleted, a TransferPolicy re-attributes its balance in its modules,
    ///      and so does a stand-alone registry whose token is bound (IStandaloneIdentityRegistry), through
    ///      the token's compliance: `IModularCompliance.HoldingReattributed`. A registry without that
    ///      link (a stand-alone registry with no bound token, T-REX's) leaves the balance attributed to
    ///      the identity it had before: agents must then move it out first and back after.
    function registerIdentity(address userAddress, IIdentity identity, uint16 country) external;
    /// @notice Remove `userAddress` (agent only).
    /// @dev The wallet's balance moves to "no identity" (zero) in the modules (see `registerIdentity`).
    function deleteIdentity(address userAddress) external;
    /// @notice Point at another identity storage (owner only); zero (or this registry's own address)
    ///         makes the registry keep the wallet records itself. Records are not migrated: the
    ///         registry reads and writes only the records of the storage it now uses.
    function setIdentityRegistryStorage(address identityRegistryStorage) external;
    /// @notice Point at another claim topics registry (owner only).
    function setClaimTopicsRegistry(address claimTopicsRegistry) external;
    /// @notice Point at another trusted issuers registry (owner only).
    function setTrustedIssuersRegistry(address trustedIssuersRegistry) external;
    /// @notice Change the country of `userAddress` (agent only).
    function updateCountry(address userAddress, uint16 country) external;
    /// @notice Change the identity of `userAddress` (agent only).
    /// @dev The wallet's balance moves to the new identity in the modules (see `registerIdentity`).
    function updateIdentity(address userAddress, IIdentity identity) external;
    /// @notice Register many wallets (agent only); arrays must have equal lengths.
    function batchRegisterIdentity(
        address[] calldata userAddresses,
        IIdentity[] calldata identities,
        uint16[] calldata countries
    ) external;
    /// @notice Let `agent` register, update and delete identities (owner only).
    function addAgent(address agent) external;
    /// @notice Revoke `agent` (owner only).
    function removeAgent(address agent) external;
    /// @notice Whether `account` is an agent.
    function isAgent(address account) external view returns (bool);
    /// @notice Whether verification is served from the cached policy (true) or reads the registries live.
    function policyCached() external view returns (bool);
    /// @notice Whether `wallet` has an identity.
    function contains(address wallet) external view returns (bool);
    /// @notice Whether `userAddress` is verified (see the contract notice).
    function isVerified(address userAddress) external view returns (bool);
    /// @notice The identity of `userAddress`.
    function identity(address userAddress) external view returns (IIdentity);
    /// @notice The ISO-3166 numeric country of `userAddress`.
    function investorCountry(address userAddress) external view returns (uint16);
    /// @notice The identity storage. A registry keeping its wallet records itself returns its own
    ///         address: it answers the storage's read functions (IIdentityStorageReader, with itself as
    ///         the only linked registry) and takes writes through its agent functions only.
    function identityStorage() external view returns (IIdentityRegistryStorage);
    /// @notice The trusted issuers registry.
    function issuersRegistry() external view returns (ITrustedIssuersRegistry);
    /// @notice The claim topics registry.
    function topicsRegistry() external view returns (IClaimTopicsRegistry);

    /// @notice The sender's and receiver's identities and countries, and whether the receiver is
    ///         verified, in one call (dualtrack extension used by the token's transfer path).
    function transferParties(address from, address to)
        external
        view
        returns (address fromIdentity, uint16 fromCountry, address toIdentity, uint16 toCountry, bool toVerified);
}
