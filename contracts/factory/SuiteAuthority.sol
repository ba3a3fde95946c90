// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ISuiteAuthority} from "../interfaces/factory/ISuiteAuthority.sol";

/// @title SuiteAuthority - one version's implementations, shared by every suite of that version
/// @notice A beacon keyed by role: the proxies of a token, its registries and its compliance all
///         read from the same authority, so after the first proxy call in a transaction the
///         authority is warm and each further proxy costs one storage read more than a plain
///         delegatecall.
///         Upgrades: `setImplementation` is `restricted` by the protocol's AccessManager (the deployment maps
///         it to UPGRADER, granted with the longest delay but ADMIN's), and it upgrades every suite of this
///         version at once. See docs/upgrades.md.
contract SuiteAuthority is ISuiteAuthority, AccessManaged {
    string private _version;
    mapping(bytes32 role => address implementation) private _implementations;

    /// @param version_ The version label, e.g. "1.0.0".
    /// @param initialAuthority The protocol's AccessManager (who may upgrade: UPGRADER).
    constructor(string memory version_, address initialAuthority) AccessManaged(initialAuthority) {
        // A manager without code would lock every restricted function for good.
        if (initialAuthority.code.length == 0) revert AccessManagedInvalidAuthority(initialAuthority);
        _version = version_;
    }

    /// @inheritdoc ISuiteAuthority
    function version() external view returns (string memory) {
        return _version;
    }

    /// @inheritdoc ISuiteAuthority
    function implementation(bytes32 role) external view returns (address impl) {
        impl = _implementations[role];
        if (impl == address(0)) revert SuiteAuthorityUnknownRole(role);
    }

    /// @inheritdoc ISuiteAuthority
    function setImplementation(bytes32 role, address impl) external restricted {
        if (impl.code.length == 0) revert SuiteAuthorityNotContract(impl);
        _implementations[role] = impl;
        emit ImplementationSet(role, impl);
    }
}
