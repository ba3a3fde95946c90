// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIdentity} from "../interfaces/identity/IIdentity.sol";
import {IClaimIssuer} from "../interfaces/identity/IClaimIssuer.sol";
import {ClaimSignatures} from "../libraries/ClaimSignatures.sol";
import {Identity} from "./Identity.sol";

/// @title ClaimIssuer - an Identity that issues claims, with malleability-proof revocation
/// @notice ONCHAINID-compatible (`isClaimValid`, `revokeClaim`, `revokeClaimBySignature`, `isClaimRevoked`,
///         `ClaimRevoked`). Unlike ONCHAINID 2.2.1, which accepts high-s and v in {0, 1} and keys revocation
///         on the raw signature bytes (so a re-encoded copy of a revoked signature is valid again), this
///         issuer accepts only canonical signatures (65 bytes, low s, v in {27, 28}) and keys revocation on
///         `keccak256(abi.encodePacked(r, s_low))`, which every encoding of a signature maps to.
contract ClaimIssuer is IClaimIssuer, Identity {
    mapping(bytes32 canonicalSignatureHash => bool revoked) private _revoked;

    /// @param initialManagementKey The address whose key gets the MANAGEMENT purpose.
    constructor(address initialManagementKey) Identity(initialManagementKey) {}

    // ---- Revocation ----

    /// @inheritdoc IClaimIssuer
    /// @dev Reads the signature from `IIdentity(identity).getClaim(claimId)`; reverts `IdentityUnknownClaim`
    ///      unless that claim exists and was issued by this issuer.
    function revokeClaim(bytes32 claimId, address identity) external returns (bool) {
        _requireKey(MANAGEMENT);
        (,, address claimIssuer, bytes memory signature,,) = IIdentity(identity).getClaim(claimId);
        if (claimIssuer != address(this)) revert IdentityUnknownClaim(claimId);
        _revoke(signature);
        return true;
    }

    /// @inheritdoc IClaimIssuer
    /// @dev Accepts any encoding (65-byte with either s and any v, or 64-byte EIP-2098); reverts
    ///      `ClaimIssuerMalformedSignature` for other lengths or r/s outside [1, n - 1].
    function revokeClaimBySignature(bytes calldata signature) external {
        _requireKey(MANAGEMENT);
        _revoke(signature);
    }

    /// @inheritdoc IClaimIssuer
    function isClaimRevoked(bytes calldata sig) external view returns (bool) {
        (bool ok, bytes32 canonicalHash) = ClaimSignatures.canonicalHash(sig);
        return ok && _revoked[canonicalHash];
    }

    // ---- Validation ----

    /// @inheritdoc IIdentity
    /// @dev Valid iff `sig` is canonical, its signer holds CLAIM (or MANAGEMENT) on this issuer and it is
    ///      not revoked. Never reverts.
    function isClaimValid(IIdentity identity, uint256 claimTopic, bytes calldata sig, bytes calldata data)
        public
        view
        override(IIdentity, Identity)
        returns (bool)
    {
        (address signer, bytes32 canonicalHash) =
            ClaimSignatures.recoverCanonical(ClaimSignatures.claimDigest(address(identity), claimTopic, data), sig);
        return signer != address(0) && keyHasPurpose(_keyOf(signer), CLAIM) && !_revoked[canonicalHash];
    }

    // ---- Private ----

    function _revoke(bytes memory signature) private {
        (bool ok, bytes32 canonicalHash) = ClaimSignatures.canonicalHash(signature);
        if (!ok) revert ClaimIssuerMalformedSignature(signature.length);
        if (_revoked[canonicalHash]) revert ClaimIssuerAlreadyRevoked(canonicalHash);
        _revoked[canonicalHash] = true;
        emit ClaimRevoked(signature);
    }
}
