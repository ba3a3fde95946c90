// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";
import {IModularCompliance} from "./IModularCompliance.sol";
import {MovementKind} from "./IComplianceModule.sol";

/// @title ITransferPolicy - a suite's identity registry and modular compliance in one contract
/// @notice One contract (behind one proxy) that is both the token's `identityRegistry()` and its
///         `compliance()`, with the full IIdentityRegistry and IModularCompliance surfaces, so the
///         token settles each movement with ONE external call (`settle`) instead of two
///         (`transferParties` then `moved`). A token detects it through ERC-165
///         (`supportsInterface(type(ITransferPolicy).interfaceId)`, i.e. the `settle` selector) when
///         its registry and compliance are the same address.
///         Re-keying: when an agent registers, updates or deletes the record of a wallet that holds
///         tokens, and the policy is its bound token's registry and compliance, the policy moves that
///         balance between the old and the new identity in the modules itself (`HoldingReattributed`),
///         so agents need not empty a wallet before re-keying it (a stand-alone IdentityRegistry gives
///         the same guarantee once its token is bound: IStandaloneIdentityRegistry). A country change
///         moves no balance between identities: nothing to do.
interface ITransferPolicy is IIdentityRegistry, IModularCompliance, IERC165 {
    /// @notice `settle` does not take `kind` (Recovery: the token reports it through `moved`,
    ///         with the identity and country it checked itself; Rekey: only the policy makes it).
    error TransferPolicyUnsupportedKind(MovementKind kind);

    /// @notice Resolve a movement's parties and, unless its receiver must be and is not verified,
    ///         check and record it with every module (the token's one call per movement).
    /// @dev Transfer, Mint and Forced need a verified receiver: when `to` is not verified this
    ///      returns false without running the modules (the token then reverts with its own error,
    ///      in today's check order). Otherwise the modules see the Movement with identities and
    ///      countries filled in, exactly what `moved` would get, and it returns true (always for
    ///      Burn). Running the modules is reserved to the bound token (ModularComplianceNotToken).
    /// @param kind Transfer, Mint, Burn or Forced.
    /// @param from The sender (zero for a mint).
    /// @param to The receiver (zero for a burn).
    /// @param amount The amount moved.
    /// @return toVerified False only when the receiver had to be verified and is not.
    function settle(MovementKind kind, address from, address to, uint256 amount) external returns (bool toVerified);
}
