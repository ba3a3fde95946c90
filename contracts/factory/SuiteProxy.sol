// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISuiteAuthority} from "../interfaces/factory/ISuiteAuthority.sol";

/// @title SuiteProxy - delegates to the implementation its authority holds for its role
/// @notice Authority and role are immutable (in code, not storage), so a call costs one warm-able
///         external read plus the delegatecall; state lives in ERC-7201 namespaces of the
///         implementation, so upgrades never collide with proxy storage (the proxy has none).
contract SuiteProxy {
    /// @notice Emitted once, at deployment.
    event SuiteProxyDeployed(address indexed authority, bytes32 indexed role);

    /// @notice The initializer call reverted (its revert data is bubbled up instead when present).
    error SuiteProxyInitializationFailed();

    address private immutable _AUTHORITY;
    bytes32 private immutable _ROLE;

    /// @param authority The SuiteAuthority of this proxy's version.
    /// @param role The role id (see SuiteRoles).
    /// @param initData Initializer calldata, delegatecalled once (empty to skip).
    constructor(address authority, bytes32 role, bytes memory initData) payable {
        _AUTHORITY = authority;
        _ROLE = role;
        emit SuiteProxyDeployed(authority, role);
        if (initData.length > 0) {
            (bool ok, bytes memory ret) = ISuiteAuthority(authority).implementation(role).delegatecall(initData);
            if (!ok) {
                if (ret.length == 0) revert SuiteProxyInitializationFailed();
                assembly ("memory-safe") {
                    revert(add(ret, 0x20), mload(ret))
                }
            }
        }
    }

    fallback() external payable {
        address impl = ISuiteAuthority(_AUTHORITY).implementation(_ROLE);
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), impl, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 { revert(0, returndatasize()) }
            default { return(0, returndatasize()) }
        }
    }
}
