// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIdentity} from "./IIdentity.sol";

/// @title IIdentityStorageReader - the read side of an identity storage: wallet -> (identity, country)
/// @notice Answered by every IdentityRegistryStorage, and by a dualtrack IdentityRegistry that keeps its
///         wallet records itself (no shared storage): such a registry is its own `identityStorage()`.
interface IIdentityStorageReader {
    /// @notice The identity registries writing these records.
    function linkedIdentityRegistries() external view returns (address[] memory);
    /// @notice The identity of `userAddress` (zero when none).
    function storedIdentity(address userAddress) external view returns (IIdentity);
    /// @notice The ISO-3166 numeric country of `userAddress` (zero when none).
    function storedInvestorCountry(address userAddress) external view returns (uint16);
    /// @notice Identity and country in one read (dualtrack extension for the transfer path).
    function storedInvestor(address userAddress) external view returns (IIdentity identity, uint16 country);
    /// @notice Identities and countries of two wallets in one call (dualtrack extension: a transfer's
    ///         sender and receiver).
    function storedInvestors(address first, address second)
        external
        view
        returns (IIdentity firstIdentity, uint16 firstCountry, IIdentity secondIdentity, uint16 secondCountry);
}
