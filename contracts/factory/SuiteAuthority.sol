// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ISuiteAuthority} from "../interfaces/factory/ISuiteAuthority.sol";

/// @title SuiteAuthority - one version's implementations, shared by every suite of that version
/// @notice A beacon keyed by role: the proxies of a token, its registries and its compliance all
///         read from the same authority, so after the first proxy call in a transaction the
///         authority is warm and each further proxy costs one storage read more than a plain
///         delegatecall.
contract SuiteAuthority is ISuiteAuthority, Ownable2Step {
    string private _version;
    mapping(bytes32 role => address implementation) private _implementations;

    /// @param version_ The version label, e.g. "1.0.0".
    /// @param owner_ The account allowed to upgrade.
    constructor(string memory version_, address owner_) Ownable(owner_) {
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
    function setImplementation(bytes32 role, address impl) external onlyOwner {
        if (impl.code.length == 0) revert SuiteAuthorityNotContract(impl);
        _implementations[role] = impl;
        emit ImplementationSet(role, impl);
    }
}
