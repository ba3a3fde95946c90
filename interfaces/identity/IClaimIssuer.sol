// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIdentity} from "./IIdentity.sol";
import {IHeldClaimIssuer} from "./IHeldClaims.sol";

/// @title IClaimIssuer - an identity that issues and revokes claims (ONCHAINID-compatible)
/// @notice dualtrack's issuer rejects malleable signatures (high s, v not in {27,28}, length != 65)
///         and keys revocation on the signature's canonical (r, s) so no re-encoding revives a
///         revoked claim. It also keeps held-claim records (IHeldClaimIssuer) for the verification fast path.
///
///         Two kinds of revocation:
///         - by signature (`revokeClaimBySignature`): that signature, in any encoding, is dead for good;
///         - by holder and topic (`revokeClaimPair`, and `revokeClaim`, which derives the pair from the
///           claim id): every claim of this issuer on `topic` held by `identity` is invalid, whatever its
///           signature, until the issuer lifts the revocation (`liftClaimPairRevocation`). The issuer
///           establishes the pair without trusting the holder's identity contract, so a hostile identity
///           cannot steer the revocation onto another holder's claim.
interface IClaimIssuer is IIdentity, IHeldClaimIssuer {
    /// @notice A claim signature was revoked (the indexed value is the signature as given).
    event ClaimRevoked(bytes indexed signature);
    /// @notice Every claim of this issuer on `topic` held by `identity` is revoked, whatever its signature.
    event ClaimPairRevoked(address indexed identity, uint256 indexed topic);
    /// @notice The revocation of (`identity`, `topic`) was lifted: its claims are judged by their
    ///         signatures again.
    event ClaimPairRevocationLifted(address indexed identity, uint256 indexed topic);

    /// @notice The signature is not a canonical 65-byte ECDSA signature.
    error ClaimIssuerMalformedSignature(uint256 length);
    /// @notice The signature was already revoked.
    error ClaimIssuerAlreadyRevoked(bytes32 canonicalSignatureHash);
    /// @notice The claims of this issuer on `topic` held by `identity` are already revoked.
    error ClaimIssuerPairAlreadyRevoked(address identity, uint256 topic);
    /// @notice The claims of this issuer on `topic` held by `identity` are not revoked.
    error ClaimIssuerPairNotRevoked(address identity, uint256 topic);

    /// @notice Revoke the claim `claimId` held by `identity` (MANAGEMENT key only): the pair (`identity`,
    ///         topic) where the topic is the one `identity.getClaim(claimId)` names, accepted only if it
    ///         names this issuer and `claimId == keccak256(abi.encode(this, topic))`; and the returned
    ///         signature too, but only if it is this issuer's valid signature of that identity's claim
    ///         (so whatever the identity answers, no other holder's claim is touched).
    /// @dev Reverts `IdentityUnknownClaim(claimId)` when the answer does not name this issuer and a
    ///      topic of that id (or the identity reverts): use `revokeClaimPair`, which needs no answer.
    function revokeClaim(bytes32 claimId, address identity) external returns (bool);
    /// @notice Revoke every claim of this issuer on `topic` held by `identity`, whatever its signature,
    ///         without calling the identity (MANAGEMENT key only).
    function revokeClaimPair(address identity, uint256 topic) external;
    /// @notice Lift the revocation of (`identity`, `topic`) so that a re-issued claim can be valid
    ///         (MANAGEMENT key only). Lifting revives every claim of this issuer on that pair whose own
    ///         signature is not revoked, including the claim held when the pair was revoked if its
    ///         signature could not be revoked with it (see `revokeClaim`): revoke such signatures with
    ///         `revokeClaimBySignature` first, and re-issue with new data (hence a new signature).
    function liftClaimPairRevocation(address identity, uint256 topic) external;
    /// @notice Revoke a claim by its signature (MANAGEMENT key only).
    function revokeClaimBySignature(bytes calldata signature) external;
    /// @notice Whether the claim with this signature (or any re-encoding of it) is revoked.
    function isClaimRevoked(bytes calldata sig) external view returns (bool);
    /// @notice Whether the claims of this issuer on `topic` held by `identity` are revoked as a pair.
    function isClaimPairRevoked(address identity, uint256 topic) external view returns (bool);
}
