// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IComplianceModule} from "../IComplianceModule.sol";

/// @title ISupplyLimitModule - cap on the total supply after a mint
/// @notice Tracks the supply from Mint and Burn movements, starting from the token's
///         `totalSupply()` when the compliance binds the module (so it can be bound at any time).
///         A Mint is rejected if the supply after it exceeds the limit. The limit is 0 after binding.
interface ISupplyLimitModule is IComplianceModule {
    /// @notice `compliance` set its supply limit.
    event SupplyLimitSet(address indexed compliance, uint256 limit);

    /// @notice The supply would be `supplyAfter`, above `limit`.
    error SupplyLimitModuleExceeded(uint256 supplyAfter, uint256 limit);

    /// @notice Set the caller compliance's supply limit (bound compliance only).
    function setSupplyLimit(uint120 limit) external;
    /// @notice The supply limit of `compliance`.
    function supplyLimit(address compliance) external view returns (uint256);
    /// @notice The supply tracked for `compliance`.
    function trackedSupply(address compliance) external view returns (uint256);
}
