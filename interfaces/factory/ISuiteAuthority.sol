// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISuiteAuthority - the implementation of every suite contract role for one version
/// @notice Every SuiteProxy of a version reads its implementation from that version's authority,
///         so `setImplementation` upgrades every suite of the version together, in one transaction.
interface ISuiteAuthority {
    /// @notice The implementation of `role` changed for every proxy of this authority.
    event ImplementationSet(bytes32 indexed role, address indexed implementation);

    /// @notice The implementation is not a contract.
    error SuiteAuthorityNotContract(address implementation);
    /// @notice No implementation is set for `role`.
    error SuiteAuthorityUnknownRole(bytes32 role);

    /// @notice The version label of this authority, e.g. "1.0.0".
    function version() external view returns (string memory);
    /// @notice The implementation proxies of `role` delegate to (reverts for unknown roles).
    function implementation(bytes32 role) external view returns (address);
    /// @notice Set the implementation of `role` for every proxy of this authority: upgrades every suite of
    ///         this version in one transaction. Restricted by the protocol's AccessManager (UPGRADER, with
    ///         its long delay; `AccessManagedUnauthorized(caller)` otherwise). See docs/upgrades.md.
    function setImplementation(bytes32 role, address implementation) external;
}
