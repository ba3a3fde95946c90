// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Delegation - run the current call in a module's code, in this contract's context
/// @notice The margin vault keeps each of its external functions but runs some in modules (its code would
///         not fit one contract): a forwarder hands the whole calldata to the module by DELEGATECALL and
///         returns or reverts with exactly what the module returned, so the module sees the same caller,
///         value, storage and calldata, and its custom errors reach the caller unchanged.
library Delegation {
    /// @dev Never returns to the caller's code: it ends the call with the module's return or revert data.
    function delegateAndReturn(address module) internal {
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), module, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if ok { return(0, returndatasize()) }
            revert(0, returndatasize())
        }
    }
}
