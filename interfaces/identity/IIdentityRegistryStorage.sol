// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIdentity} from "./IIdentity.sol";
import {IIdentityStorageReader} from "./IIdentityStorageReader.sol";

/// @title IIdentityRegistryStorage - wallet -> (identity, country), shared by several registries (ERC-3643)
/// @notice Only bound identity registries write; at most 300 registries bind (documented cap). The
///         read functions (IIdentityStorageReader) list the bound registries and the records.
interface IIdentityRegistryStorage is IIdentityStorageReader {
    /// @notice `investorAddress` now maps to `identity`.
    event IdentityStored(address indexed investorAddress, IIdentity indexed identity);
    /// @notice `investorAddress` no longer maps to an identity.
    event IdentityUnstored(address indexed investorAddress, IIdentity indexed identity);
    /// @notice A wallet's identity changed from `oldIdentity` to `newIdentity`.
    event IdentityModified(IIdentity indexed oldIdentity, IIdentity indexed newIdentity);
    /// @notice A wallet's country changed.
    event CountryModified(address indexed investorAddress, uint16 indexed country);
    /// @notice `identityRegistry` may now write.
    event IdentityRegistryBound(address indexed identityRegistry);
    /// @notice `identityRegistry` may no longer write.
    event IdentityRegistryUnbound(address indexed identityRegistry);

    /// @notice The caller is not a bound identity registry.
    error IdentityRegistryStorageNotBound(address caller);
    /// @notice Zero wallet or zero identity.
    error IdentityRegistryStorageZeroAddress();
    /// @notice The wallet already has an identity.
    error IdentityRegistryStorageAlreadyStored(address wallet);
    /// @notice The wallet has no identity.
    error IdentityRegistryStorageNotStored(address wallet);
    /// @notice The registry is already bound.
    error IdentityRegistryStorageAlreadyBound(address registry);
    /// @notice At most `cap` registries may bind.
    error IdentityRegistryStorageCapReached(uint256 cap);

    /// @notice Store `identity` and `country` for `userAddress` (bound registries only).
    function addIdentityToStorage(address userAddress, IIdentity identity, uint16 country) external;
    /// @notice Remove `userAddress` (bound registries only).
    function removeIdentityFromStorage(address userAddress) external;
    /// @notice Change the country of `userAddress` (bound registries only).
    function modifyStoredInvestorCountry(address userAddress, uint16 country) external;
    /// @notice Change the identity of `userAddress` (bound registries only).
    function modifyStoredIdentity(address userAddress, IIdentity identity) external;
    /// @notice Let `identityRegistry` write (owner only).
    function bindIdentityRegistry(address identityRegistry) external;
    /// @notice Stop `identityRegistry` from writing (owner only).
    function unbindIdentityRegistry(address identityRegistry) external;
}
