// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIdentityRegistry} from "./IIdentityRegistry.sol";

/// @title IStandaloneIdentityRegistry - an identity registry of its own (not a TransferPolicy) that knows its token
/// @notice Compliance modules keyed by identity (MaxBalance, MaxHolders) attribute each wallet's balance
///         to the identity its token's registry returned at each movement. So that this state keeps
///         equalling a recomputation from balances when an agent re-keys a wallet that holds tokens,
///         the registry's owner binds the token (the SuiteFactory does it for the separate layout):
///         then registerIdentity, batchRegisterIdentity, updateIdentity and deleteIdentity of a holding
///         wallet hand its whole balance, from the old identity and country to the new ones (zero when
///         not registered), to the token's compliance (`IModularCompliance.reattributeHolding`), which
///         runs its modules with a `MovementKind.Rekey` movement and emits `HoldingReattributed`: the
///         same guarantee as a TransferPolicy. The token's own deleteIdentity of a lost wallet (in
///         `recoveryAddress`) is skipped: the Recovery movement that follows carries that balance.
///         Only while the bound token's `identityRegistry()` is this registry; a failure of the
///         compliance (e.g. a compliance without `reattributeHolding`) reverts the record change
///         rather than let module state drift. While no token is bound, nothing is re-attributed and
///         agents must empty a wallet before re-keying it, as in T-REX.
interface IStandaloneIdentityRegistry is IIdentityRegistry {
    /// @notice `token` was bound: re-keying a holding wallet now re-attributes its balance.
    event IdentityRegistryTokenBound(address indexed token);
    /// @notice `token` was unbound: re-keying no longer re-attributes balances.
    event IdentityRegistryTokenUnbound(address indexed token);

    /// @notice A token is already bound (binding), or `token` is not the bound one (unbinding).
    error IdentityRegistryTokenBinding(address token);

    /// @notice Bind `token` (owner only; one token per registry). Bind it before any holding wallet
    ///         is re-keyed: balances re-keyed while unbound stay attributed to the old identity.
    function bindToken(address token) external;
    /// @notice Unbind `token` (owner only): later re-keys of holding wallets re-attribute nothing.
    function unbindToken(address token) external;
    /// @notice The bound token (zero when none).
    function getTokenBound() external view returns (address);
}
