// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarginVaultBase} from "./MarginVaultBase.sol";

/// @title MarginVaultModule - the base of code the margin vault runs by DELEGATECALL
/// @notice A module has no state of its own: it acts on the vault's storage when the vault delegates to it,
///         and refuses a direct call (which would act on the module's own, empty, storage).
abstract contract MarginVaultModule is MarginVaultBase {
    /// @notice The module was called directly instead of through the vault.
    error MarginVaultModuleNotDelegated();

    address private immutable _self = address(this);

    modifier onlyDelegated() {
        if (address(this) == _self) revert MarginVaultModuleNotDelegated();
        _;
    }

    constructor() {
        _disableInitializers();
    }
}
