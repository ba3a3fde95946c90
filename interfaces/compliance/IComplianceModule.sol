// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice What kind of balance movement compliance is told about. Modules check only
///         `Transfer` and `Mint`; every kind is recorded so module state never drifts. Tokens report
///         the first five; `Rekey` comes from the compliance itself (never from a token): a
///         TransferPolicy for its own records, or a ModularCompliance told by its token's stand-alone
///         identity registry (`IModularCompliance.reattributeHolding`).
enum MovementKind {
    Transfer, // holder-initiated transfer / transferFrom
    Mint, // agent mint (from = 0)
    Burn, // agent burn (to = 0)
    Forced, // agent forced transfer (bypasses checks, still recorded)
    Recovery, // agent recovery to a new wallet of the same identity (bypasses checks, still recorded)
    // A holding wallet's registry record changed (an agent registered, updated or deleted it in the
    // token's registry): from == to == the wallet, its whole balance moves from (fromIdentity, fromCountry)
    // to (toIdentity, toCountry), zero when the wallet has no identity. Never rejected; only
    // identity-keyed state changes (per-wallet and supply state stay as they are).
    Rekey
}

/// @notice One balance movement with the parties' identities and countries, resolved once by the
///         token through its identity registry so modules never call back into the registry.
///         For mints `from`, `fromIdentity` and `fromCountry` are zero; for burns the `to` side is.
struct Movement {
    MovementKind kind;
    address from;
    address to;
    address fromIdentity;
    address toIdentity;
    uint16 fromCountry;
    uint16 toCountry;
    uint256 amount;
}

/// @title IComplianceModule - one compliance rule, shared by many ModularCompliance contracts
/// @notice Module state is kept per compliance (`msg.sender` of `moved`).
interface IComplianceModule {
    /// @notice `compliance` bound this module.
    event ComplianceBound(address indexed compliance);
    /// @notice `compliance` unbound this module.
    event ComplianceUnbound(address indexed compliance);

    /// @notice The caller is not a compliance bound to this module.
    error ComplianceModuleNotBound(address compliance);
    /// @notice The compliance is already bound.
    error ComplianceModuleAlreadyBound(address compliance);
    /// @notice Only `compliance` itself may bind or unbind itself (`caller` tried to).
    error ComplianceModuleOnlyCompliance(address caller, address compliance);
    /// @notice The caller is not the owner of the compliance whose configuration it changes.
    error ComplianceModuleNotComplianceOwner(address caller, address compliance);
    /// @notice A stateful module can only be bound while the token has no supply (its state starts
    ///         empty and then follows every movement, so it equals a recomputation from balances).
    error ComplianceModuleTokenNotEmpty(address compliance, uint256 totalSupply);

    /// @notice Human-readable module name.
    function name() external pure returns (string memory);
    /// @notice Called by a ModularCompliance when its owner adds this module.
    function bindCompliance(address compliance) external;
    /// @notice Called by a ModularCompliance when its owner removes this module (state is cleared lazily).
    function unbindCompliance(address compliance) external;
    /// @notice Whether `compliance` is bound.
    function isComplianceBound(address compliance) external view returns (bool);
    /// @notice Whether the movement is allowed for `compliance` (view, for `canTransfer`).
    function moduleCheck(Movement calldata movement, address compliance) external view returns (bool);
    /// @notice Check (Transfer and Mint only: revert with the module's own error) and record a
    ///         movement. `msg.sender` is the compliance.
    function moved(Movement calldata movement) external;
}
