// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIdentity} from "./IIdentity.sol";
import {IHeldClaimIssuer} from "./IHeldClaims.sol";

/// @title IClaimIssuer - an identity that issues and revokes claims (ONCHAINID-compatible)
/// @notice dualtrack's issuer rejects malleable signatures (high s, v not in {27,28}, length != 65)
///         and keys revocation on the signature's canonical (r, s) so no re-encoding revives a
///         revoked claim. It also keeps held-claim records (IHeldClaimIssuer) for the verification fast path.
interface IClaimIssuer is IIdentity, IHeldClaimIssuer {
    /// @notice A claim signature was revoked (the indexed value is the signature as given).
    event ClaimRevoked(bytes indexed signature);

    /// @notice The signature is not a canonical 65-byte ECDSA signature.
    error ClaimIssuerMalformedSignature(uint256 length);
    /// @notice The signature was already revoked.
    error ClaimIssuerAlreadyRevoked(bytes32 canonicalSignatureHash);

    /// @notice Revoke the claim `claimId` held by `identity` (MANAGEMENT key only).
    function revokeClaim(bytes32 claimId, address identity) external returns (bool);
    /// @notice Revoke a claim by its signature (MANAGEMENT key only).
    function revokeClaimBySignature(bytes calldata signature) external;
    /// @notice Whether the claim with this signature (or any re-encoding of it) is revoked.
    function isClaimRevoked(bytes calldata sig) external view returns (bool);
}
