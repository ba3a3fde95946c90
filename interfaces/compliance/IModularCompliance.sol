// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Movement} from "./IComplianceModule.sol";

/// @title IModularCompliance - the rule set of one token (ERC-3643), built from modules
/// @notice Binding is owner-controlled: only the owner binds a token, so no contract can race to
///         bind an unbound compliance. At most 25 modules (documented cap).
interface IModularCompliance {
    /// @notice The owner called a module's configuration function through the compliance.
    event ModuleInteraction(address indexed target, bytes4 selector);
    /// @notice `token` was bound.
    event TokenBound(address token);
    /// @notice `token` was unbound.
    event TokenUnbound(address token);
    /// @notice `module` was added.
    event ModuleAdded(address indexed module);
    /// @notice `module` was removed.
    event ModuleRemoved(address indexed module);

    /// @notice The caller is not the bound token.
    error ModularComplianceNotToken(address caller);
    /// @notice A token is already bound / no token is bound / the token given is not the bound one.
    error ModularComplianceTokenBinding(address token);
    /// @notice The module is already bound.
    error ModularComplianceModuleAlreadyBound(address module);
    /// @notice The module is not bound.
    error ModularComplianceModuleNotBound(address module);
    /// @notice At most `cap` modules.
    error ModularComplianceCapReached(uint256 cap);
    /// @notice Zero address.
    error ModularComplianceZeroAddress();
    /// @notice The token cannot be unbound while `count` modules are bound (their state follows it).
    error ModularComplianceModulesBound(uint256 count);
    /// @notice `callModuleFunction` cannot call a module's binding or recording function.
    error ModularComplianceForbiddenCall(bytes4 selector);

    /// @notice Bind `token` (owner only; one token per compliance).
    function bindToken(address token) external;
    /// @notice Unbind `token` (owner only).
    function unbindToken(address token) external;
    /// @notice Add `module` (owner only).
    function addModule(address module) external;
    /// @notice Remove `module` (owner only).
    function removeModule(address module) external;
    /// @notice Call a configuration function on a bound module (owner only).
    function callModuleFunction(bytes calldata callData, address module) external;
    /// @notice ERC-3643 hook after a transfer (bound token only). Resolves identities itself.
    function transferred(address from, address to, uint256 amount) external;
    /// @notice ERC-3643 hook after a mint (bound token only).
    function created(address to, uint256 amount) external;
    /// @notice ERC-3643 hook after a burn (bound token only).
    function destroyed(address from, uint256 amount) external;
    /// @notice Whether a transfer is allowed by every module (resolves identities itself).
    function canTransfer(address from, address to, uint256 amount) external view returns (bool);
    /// @notice The bound modules.
    function getModules() external view returns (address[] memory);
    /// @notice The bound token.
    function getTokenBound() external view returns (address);
    /// @notice Whether `module` is bound.
    function isModuleBound(address module) external view returns (bool);

    /// @notice Check and record one movement in a single pass over the modules (bound token only;
    ///         dualtrack's token path). Reverts with the rejecting module's error.
    function moved(Movement calldata movement) external;
    /// @notice Whether every module allows `movement` (view).
    function canMove(Movement calldata movement) external view returns (bool);
}
