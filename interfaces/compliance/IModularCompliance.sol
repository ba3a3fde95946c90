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
    /// @notice The token's identity registry changed the record of `wallet`, which holds `amount`
    ///         tokens of the bound token: the modules moved that balance from `oldIdentity` to
    ///         `newIdentity` (zero when the wallet was not registered, or is no longer) with a
    ///         `MovementKind.Rekey` movement, so identity-keyed module state keeps equalling a
    ///         recomputation from balances. Emitted by a TransferPolicy for its own records, and by a
    ///         compliance the stand-alone registry reports to (`reattributeHolding`).
    event HoldingReattributed(
        address indexed wallet, address indexed oldIdentity, address indexed newIdentity, uint256 amount
    );

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
    /// @notice The caller is not the bound token's identity registry (or no token is bound).
    error ModularComplianceNotIdentityRegistry(address caller);

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
    /// @notice Re-attribute `wallet`'s whole balance (`amount`) from (`oldIdentity`, `oldCountry`) to
    ///         (`newIdentity`, `newCountry`) in every module with a `MovementKind.Rekey` movement (never
    ///         rejected) and emit `HoldingReattributed`. Only the bound token's identity registry may
    ///         call it, right after it changed the wallet's record (IStandaloneIdentityRegistry); the
    ///         compliance trusts its identities and amount as it trusts the parties the token resolves
    ///         through that registry.
    function reattributeHolding(
        address wallet,
        address oldIdentity,
        uint16 oldCountry,
        address newIdentity,
        uint16 newCountry,
        uint256 amount
    ) external;
}
