// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IdentityRegistryBase} from "../identity/IdentityRegistry.sol";
import {ModularComplianceBase} from "./ModularCompliance.sol";
import {ITransferPolicy} from "../interfaces/compliance/ITransferPolicy.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IModularCompliance} from "../interfaces/compliance/IModularCompliance.sol";
import {Movement, MovementKind} from "../interfaces/compliance/IComplianceModule.sol";

/// @title TransferPolicy - a suite's identity registry and modular compliance behind ONE proxy
/// @notice Everything an IdentityRegistry does (agents, identities, live verification with the
///         push-synced policy cache) and everything a ModularCompliance does (owner-bound token,
///         up to 25 modules, `moved`, the ERC-3643 hooks), with one owner for both. A token whose
///         `identityRegistry()` and `compliance()` are this contract settles each movement with one
///         call: `settle` resolves the parties and verifies the receiver in-process (no second
///         proxy hop) and runs the modules with the resulting Movement.
/// @dev The name says what the token asks it: whether a movement may settle under the suite's
///      policy (who may hold, and the compliance rules). No state of its own: the two bases keep
///      theirs in their ERC-7201 namespaces (`dualtrack.storage.IdentityRegistry` and
///      `dualtrack.storage.ModularCompliance`), and OwnableUpgradeable's is shared.
contract TransferPolicy is IdentityRegistryBase, ModularComplianceBase, ITransferPolicy {
    constructor() {
        _disableInitializers();
    }

    /// @notice Initialize the proxy. Verification starts with live policy reads: it caches once the
    ///         policy registries subscribe it (their `addPolicySubscriber` syncs it).
    /// @param owner_ The account allowed to set the registries, the agents, the token and the modules.
    /// @param trustedIssuersRegistry_ The trusted issuers registry.
    /// @param claimTopicsRegistry_ The claim topics registry.
    /// @param identityRegistryStorage_ The identity storage (its owner must bind this contract).
    function initialize(
        address owner_,
        address trustedIssuersRegistry_,
        address claimTopicsRegistry_,
        address identityRegistryStorage_
    ) external initializer {
        __IdentityRegistry_init(owner_, trustedIssuersRegistry_, claimTopicsRegistry_, identityRegistryStorage_);
    }

    // ---- Token path ----

    /// @inheritdoc ITransferPolicy
    /// @dev The receiver check comes before the caller check so that, as with the separate
    ///      contracts (registry first, compliance second), an unverified receiver is reported as such
    ///      even when the caller would not be allowed to record; returning false reveals nothing
    ///      `isVerified` does not and changes no state.
    function settle(MovementKind kind, address from, address to, uint256 amount) external returns (bool) {
        if (kind == MovementKind.Recovery) revert TransferPolicyUnsupportedKind(kind);
        Movement memory movement;
        bool toVerified;
        (movement.fromIdentity, movement.fromCountry, movement.toIdentity, movement.toCountry, toVerified) =
            _transferParties(from, to);
        if (!toVerified && kind != MovementKind.Burn) return false;
        movement.kind = kind;
        movement.from = from;
        movement.to = to;
        movement.amount = amount;
        _moved(movement);
        return true;
    }

    // ---- Views ----

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(ITransferPolicy).interfaceId || interfaceId == type(IIdentityRegistry).interfaceId
            || interfaceId == type(IModularCompliance).interfaceId || interfaceId == type(IERC165).interfaceId;
    }
}
