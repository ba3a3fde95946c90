// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IHeldClaimIssuer - a claim issuer's on-chain record of the claims identities hold from it
/// @notice The fast path of identity verification. An identity that reports its claim changes
///         (IHeldClaimReporter) asks each issuer to re-read its claim whenever it adds, changes or
///         removes one; the issuer then records "identity X holds a valid claim of mine on topic T"
///         (checked exactly as `isClaimValid` checks it: issuer field, topic, canonical signature by a
///         current CLAIM key, not revoked) or clears the record. The issuer clears the record in the
///         same transaction as it revokes the claim's signature, and every record goes stale at once
///         when a signing key loses its purpose (the key epoch moves on), so a record never outlives
///         the claim's validity: registries may trust `isHeldClaimValid` instead of reading the claim
///         and recovering its signature, and fall back to that live check when it answers false.
///         Records rest on the identity's own report, which is exactly the trust the live check puts
///         in the identity's `getClaim` answer.
interface IHeldClaimIssuer {
    /// @notice `identity` holds a valid claim of this issuer on `topic`, signed with the signature
    ///         whose canonical (r, s_low) hash is `canonicalSignatureHash`.
    event HeldClaimRecorded(address indexed identity, uint256 indexed topic, bytes32 canonicalSignatureHash);
    /// @notice The record of `identity`'s claim on `topic` was removed (claim removed, changed to an
    ///         invalid one, or its signature revoked).
    event HeldClaimCleared(address indexed identity, uint256 indexed topic);
    /// @notice A signing key lost its purpose: every record made before is stale until re-synced.
    event HeldClaimKeyEpochAdvanced(uint64 keyEpoch);

    /// @notice Re-read `identity`'s claim of this issuer on `topic` and record it if it is valid and
    ///         the identity reports its claim changes, or clear the record otherwise. Anyone may call
    ///         it (the answer only depends on the identity's and this issuer's current state).
    /// @return held Whether a valid record exists afterwards.
    function syncHeldClaim(address identity, uint256 topic) external returns (bool held);

    /// @notice Whether `identity` holds a valid claim of this issuer on `topic` according to a
    ///         current record (false without a record: the caller must then check the claim itself).
    function isHeldClaimValid(address identity, uint256 topic) external view returns (bool);

    /// @notice The record of `identity`'s claim on `topic`.
    /// @return canonicalSignatureHash The recorded signature's canonical hash (zero without a record).
    /// @return recordedKeyEpoch The key epoch when it was recorded.
    /// @return valid Whether the record exists and is current.
    function heldClaim(address identity, uint256 topic)
        external
        view
        returns (bytes32 canonicalSignatureHash, uint64 recordedKeyEpoch, bool valid);

    /// @notice The current key epoch (advanced whenever a key loses the CLAIM or MANAGEMENT purpose).
    function keyEpoch() external view returns (uint64);
}

/// @title IHeldClaimReporter - an identity that keeps its issuers' held-claim records current
interface IHeldClaimReporter {
    /// @notice Always true for an identity that calls `IHeldClaimIssuer.syncHeldClaim` on the claim's
    ///         issuer in the same transaction as it adds, changes or removes a claim. Issuers only
    ///         keep records for identities answering true: an identity that does not report removals
    ///         (e.g. ONCHAINID 2.2.1) would leave a record behind after removing its claim.
    function reportsHeldClaims() external view returns (bool);
}
