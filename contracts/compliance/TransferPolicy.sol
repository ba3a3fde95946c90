// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IdentityRegistryBase} from "../identity/IdentityRegistry.sol";
import {ModularComplianceBase} from "./ModularCompliance.sol";
import {ITransferPolicy} from "../interfaces/compliance/ITransferPolicy.sol";
import {IIdentity} from "../interfaces/identity/IIdentity.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IModularCompliance} from "../interfaces/compliance/IModularCompliance.sol";
import {Movement, MovementKind} from "../interfaces/compliance/IComplianceModule.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";

/// @title TransferPolicy - a suite's identity registry and modular compliance behind ONE proxy
/// @notice Everything an IdentityRegistry does (agents, identities, live verification with the
///         push-synced policy cache) and everything a ModularCompliance does (owner-bound token,
///         up to 25 modules, `moved`, the ERC-3643 hooks), with one owner for both. A token whose
///         `identityRegistry()` and `compliance()` are this contract settles each movement with one
///         call: `settle` resolves the parties and verifies the receiver in-process (no second
///         proxy hop) and runs the modules with the resulting Movement.
///
///         Re-keying: because it knows its token, the policy keeps identity-keyed module state
///         (MaxBalance, MaxHolders) equal to a recomputation from balances when an agent changes a
///         holding wallet's identity: registerIdentity, batchRegisterIdentity, updateIdentity and
///         deleteIdentity run the modules with a `MovementKind.Rekey` movement of the wallet's whole
///         balance (from == to == wallet) from its old identity and country to its new ones (zero
///         when not registered), never rejected, and emit `HoldingReattributed`. Balances of wallets
///         without an identity are the zero identity's. `updateCountry` moves nothing: no module
///         keeps state per country (country modules only check a Transfer's or Mint's receiver), so
///         the next movement simply sees the new country. Not covered (documented limits):
///         `setIdentityRegistryStorage` (switches every record at once, records are not migrated),
///         and records changed in a shared IdentityRegistryStorage by another registry.
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
    /// @param identityRegistryStorage_ A shared identity storage (its owner must bind this contract), or
    ///        zero for local records (the factory's default).
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
        // Recovery and Rekey: the token reports the one through `moved`, only the policy makes the other.
        if (kind > MovementKind.Forced) revert TransferPolicyUnsupportedKind(kind);
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

    // ---- Re-keying (agent path) ----

    /// @dev Re-attributes `wallet`'s balance in the modules when its record changed. Only while the
    ///      policy is both the bound token's registry and its compliance (the modules then key
    ///      balances by this registry's identities). Nothing to do when the identity is unchanged, no
    ///      token is bound or deployed yet, or the wallet holds nothing. The token's own
    ///      `deleteIdentity` (of the lost wallet, in `recoveryAddress`) is skipped: the Recovery
    ///      movement the token reports right after carries that balance, still attributed to the old
    ///      identity, to the new wallet, so moving it here too would count it twice. The token's
    ///      `registerIdentity` of the new wallet is not skipped: a balance that wallet already held
    ///      (attributed to the zero identity) is not part of the Recovery movement.
    function _afterRecordChanged(
        address wallet,
        IIdentity oldIdentity,
        uint16 oldCountry,
        IIdentity newIdentity,
        uint16 newCountry
    ) internal override {
        if (oldIdentity == newIdentity) return;
        address token = _boundToken();
        if (token == address(0) || token.code.length == 0) return;
        if (msg.sender == token && address(newIdentity) == address(0)) return;
        uint256 amount = IERC20(token).balanceOf(wallet);
        if (amount == 0) return;
        if (
            address(IERC3643(token).identityRegistry()) != address(this)
                || address(IERC3643(token).compliance()) != address(this)
        ) return;
        _reattribute(wallet, address(oldIdentity), oldCountry, address(newIdentity), newCountry, amount);
    }

    // ---- Views ----

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(ITransferPolicy).interfaceId || interfaceId == type(IIdentityRegistry).interfaceId
            || interfaceId == type(IModularCompliance).interfaceId || interfaceId == type(IERC165).interfaceId;
    }
}
