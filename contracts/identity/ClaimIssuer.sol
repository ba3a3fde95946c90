// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIdentity} from "../interfaces/identity/IIdentity.sol";
import {IClaimIssuer} from "../interfaces/identity/IClaimIssuer.sol";
import {IHeldClaimIssuer, IHeldClaimReporter} from "../interfaces/identity/IHeldClaims.sol";
import {ClaimSignatures} from "../libraries/ClaimSignatures.sol";
import {Identity} from "./Identity.sol";

/// @title ClaimIssuer - an Identity that issues claims, with malleability-proof revocation
/// @notice ONCHAINID-compatible (`isClaimValid`, `revokeClaim`, `revokeClaimBySignature`, `isClaimRevoked`,
///         `ClaimRevoked`). Unlike ONCHAINID 2.2.1, which accepts high-s and v in {0, 1} and keys revocation
///         on the raw signature bytes (so a re-encoded copy of a revoked signature is valid again), this
///         issuer accepts only canonical signatures (65 bytes, low s, v in {27, 28}) and keys revocation on
///         `keccak256(abi.encodePacked(r, s_low))`, which every encoding of a signature maps to.
///
///         Held claims (IHeldClaimIssuer): the issuer also keeps a record of the valid claims that
///         reporting identities (dualtrack's Identity) hold from it, so a registry verifies a holder with
///         one call and two storage reads instead of reading the claim and recovering its signature.
///         A record is cleared in the same transaction as its signature is revoked here or the claim
///         is removed or changed on the identity, and all records go stale when a key loses the CLAIM
///         or MANAGEMENT purpose (`keyEpoch` advances; `syncHeldClaim` renews them).
///
///         Revocation by holder and topic: `revokeClaim(claimId, identity)` used to revoke whatever
///         signature the identity's `getClaim` returned, so a hostile identity could answer the issuer
///         (and only it) with another holder's signature: the innocent holder lost its claim and the
///         hostile one kept its own. The issuer now revokes the pair (identity, topic), which it
///         establishes itself (the returned topic must be the one `claimId` commits to), and the
///         returned signature only if it is this issuer's valid signature of that identity's claim.
///         `isClaimValid(identity, topic, ...)` and `isHeldClaimValid(identity, topic)` refuse a
///         revoked pair; the flag shares the held-claim record's first slot, so the fast path reads
///         nothing more and the live check one slot more.
contract ClaimIssuer is IClaimIssuer, Identity {
    /// @dev One record per (identity, topic). The first slot is all `isHeldClaimValid` and the pair
    ///      check of `isClaimValid` read. Clearing a record keeps `pairRevoked`.
    struct HeldClaim {
        uint64 keyEpoch; // the issuer's key epoch when recorded: stale once it moves on
        bool held;
        bool pairRevoked; // every claim of this issuer on (identity, topic) is revoked until lifted
        bytes32 canonicalSignatureHash; // to clear the record when that signature is revoked
    }

    mapping(bytes32 canonicalSignatureHash => bool revoked) private _revoked;
    mapping(bytes32 heldClaimKey => HeldClaim record) private _heldClaims;
    /// @dev Whose record a signature made, to clear it (and name it in the event) on revocation.
    struct HeldClaimOwner {
        address identity;
        uint256 topic;
    }

    mapping(bytes32 canonicalSignatureHash => HeldClaimOwner owner) private _heldClaimOwners;
    uint64 private _keyEpoch;

    /// @param initialManagementKey The address whose key gets the MANAGEMENT purpose.
    constructor(address initialManagementKey) Identity(initialManagementKey) {}

    // ---- Revocation ----

    /// @inheritdoc IClaimIssuer
    /// @dev The identity is the holder's contract and may answer the issuer differently from anyone
    ///      else, so nothing it returns is trusted beyond what the issuer can check: the topic must be
    ///      the one `claimId` commits to (then the pair is exactly the claim the registries look up), and
    ///      the signature is revoked only when `isClaimValid(identity, topic, signature, data)` holds,
    ///      i.e. it signs this identity's claim: a decoy (another holder's signature) is left alone.
    ///      Reverts `ClaimIssuerPairAlreadyRevoked` when the pair is already revoked.
    function revokeClaim(bytes32 claimId, address identity) external returns (bool) {
        _requireKey(MANAGEMENT);
        (uint256 topic,, address claimIssuer, bytes memory signature, bytes memory data,) =
            IIdentity(identity).getClaim(claimId);
        if (claimIssuer != address(this) || claimId != keccak256(abi.encode(address(this), topic))) {
            revert IdentityUnknownClaim(claimId);
        }
        // Asked before the pair is revoked (which would make every claim of the pair invalid).
        bool ownSignature = this.isClaimValid(IIdentity(identity), topic, signature, data);
        _revokePair(identity, topic);
        if (ownSignature) _revoke(signature);
        return true;
    }

    /// @inheritdoc IClaimIssuer
    function revokeClaimPair(address identity, uint256 topic) external {
        _requireKey(MANAGEMENT);
        _revokePair(identity, topic);
    }

    /// @inheritdoc IClaimIssuer
    /// @dev The held-claim record is not restored here: the identity's next claim change, or anyone's
    ///      `syncHeldClaim`, records a valid claim again.
    function liftClaimPairRevocation(address identity, uint256 topic) external {
        _requireKey(MANAGEMENT);
        HeldClaim storage record = _heldClaims[_heldClaimKey(identity, topic)];
        if (!record.pairRevoked) revert ClaimIssuerPairNotRevoked(identity, topic);
        record.pairRevoked = false;
        emit ClaimPairRevocationLifted(identity, topic);
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

    /// @inheritdoc IClaimIssuer
    function isClaimPairRevoked(address identity, uint256 topic) external view returns (bool) {
        return _heldClaims[_heldClaimKey(identity, topic)].pairRevoked;
    }

    // ---- Validation ----

    /// @inheritdoc IIdentity
    /// @dev Valid iff `sig` is canonical, its signer holds CLAIM (or MANAGEMENT) on this issuer, it is
    ///      not revoked and the pair (identity, topic) is not revoked. Never reverts.
    function isClaimValid(IIdentity identity, uint256 claimTopic, bytes calldata sig, bytes calldata data)
        public
        view
        override(IIdentity, Identity)
        returns (bool)
    {
        (address signer, bytes32 canonicalHash) =
            ClaimSignatures.recoverCanonical(ClaimSignatures.claimDigest(address(identity), claimTopic, data), sig);
        return signer != address(0) && keyHasPurpose(_keyOf(signer), CLAIM) && !_revoked[canonicalHash]
            && !_heldClaims[_heldClaimKey(address(identity), claimTopic)].pairRevoked;
    }

    // ---- Held claims ----

    /// @inheritdoc IHeldClaimIssuer
    /// @dev Records only for identities answering `reportsHeldClaims() == true`, whose claim of this
    ///      issuer on `topic` names this issuer and topic and passes `isClaimValid`. Reverts only if the
    ///      identity answers `getClaim` with malformed data.
    function syncHeldClaim(address identity, uint256 topic) external returns (bool held) {
        bytes32 key = _heldClaimKey(identity, topic);
        bytes32 canonicalHash;
        (held, canonicalHash) = _reportsHeldClaims(identity) ? _validClaimOf(identity, topic) : (false, bytes32(0));
        HeldClaim storage record = _heldClaims[key];
        if (held) {
            uint64 epoch = _keyEpoch;
            if (record.held && record.keyEpoch == epoch && record.canonicalSignatureHash == canonicalHash) return true;
            record.keyEpoch = epoch;
            record.held = true;
            record.canonicalSignatureHash = canonicalHash;
            _heldClaimOwners[canonicalHash] = HeldClaimOwner(identity, topic);
            emit HeldClaimRecorded(identity, topic, canonicalHash);
        } else if (record.held) {
            _clearRecord(record);
            emit HeldClaimCleared(identity, topic);
        }
    }

    /// @inheritdoc IHeldClaimIssuer
    /// @dev A revoked pair never has a record (revoking clears it, syncing cannot make one), and the
    ///      flag is checked anyway: it shares the record's first slot.
    function isHeldClaimValid(address identity, uint256 topic) external view returns (bool) {
        HeldClaim storage record = _heldClaims[_heldClaimKey(identity, topic)];
        // Read together, so the optimizer loads the record's first slot once.
        (uint64 recordedEpoch, bool held, bool pairRevoked) = (record.keyEpoch, record.held, record.pairRevoked);
        return held && !pairRevoked && recordedEpoch == _keyEpoch;
    }

    /// @inheritdoc IHeldClaimIssuer
    function heldClaim(address identity, uint256 topic)
        external
        view
        returns (bytes32 canonicalSignatureHash, uint64 recordedKeyEpoch, bool valid)
    {
        HeldClaim storage record = _heldClaims[_heldClaimKey(identity, topic)];
        if (!record.held) return (bytes32(0), 0, false);
        return (record.canonicalSignatureHash, record.keyEpoch, !record.pairRevoked && record.keyEpoch == _keyEpoch);
    }

    /// @inheritdoc IHeldClaimIssuer
    function keyEpoch() external view returns (uint64) {
        return _keyEpoch;
    }

    // ---- Hooks ----

    /// @dev A key that lost CLAIM may have signed recorded claims, and one that lost MANAGEMENT may
    ///      have signed them under that purpose (`keyHasPurpose` accepts either): every record goes stale.
    function _afterKeyRemoved(uint256 purpose) internal override {
        if (purpose != CLAIM && purpose != MANAGEMENT) return;
        uint64 epoch = _keyEpoch + 1;
        _keyEpoch = epoch;
        emit HeldClaimKeyEpochAdvanced(epoch);
    }

    // ---- Private ----

    /// @dev Revoke every claim on (identity, topic) and drop its held-claim record.
    function _revokePair(address identity, uint256 topic) private {
        HeldClaim storage record = _heldClaims[_heldClaimKey(identity, topic)];
        if (record.pairRevoked) revert ClaimIssuerPairAlreadyRevoked(identity, topic);
        record.pairRevoked = true;
        emit ClaimPairRevoked(identity, topic);
        if (record.held) {
            _clearRecord(record);
            emit HeldClaimCleared(identity, topic);
        }
    }

    /// @dev Forget the held claim but keep the pair's revocation flag.
    function _clearRecord(HeldClaim storage record) private {
        (record.keyEpoch, record.held) = (0, false);
        delete record.canonicalSignatureHash;
    }

    function _revoke(bytes memory signature) private {
        (bool ok, bytes32 canonicalHash) = ClaimSignatures.canonicalHash(signature);
        if (!ok) revert ClaimIssuerMalformedSignature(signature.length);
        if (_revoked[canonicalHash]) revert ClaimIssuerAlreadyRevoked(canonicalHash);
        _revoked[canonicalHash] = true;
        emit ClaimRevoked(signature);
        _clearHeldClaimOf(canonicalHash);
    }

    /// @dev Drop the record made from this signature, if it is still the identity's current record.
    function _clearHeldClaimOf(bytes32 canonicalHash) private {
        HeldClaimOwner memory owner = _heldClaimOwners[canonicalHash];
        if (owner.identity == address(0)) return;
        delete _heldClaimOwners[canonicalHash];
        bytes32 key = _heldClaimKey(owner.identity, owner.topic);
        HeldClaim storage record = _heldClaims[key];
        if (!record.held || record.canonicalSignatureHash != canonicalHash) return;
        _clearRecord(record);
        emit HeldClaimCleared(owner.identity, owner.topic);
    }

    /// @dev The identity's claim of this issuer on `topic`: (valid, canonical signature hash).
    function _validClaimOf(address identity, uint256 topic) private view returns (bool, bytes32) {
        try IIdentity(identity).getClaim(keccak256(abi.encode(address(this), topic))) returns (
            uint256 claimTopic, uint256, address claimIssuer, bytes memory signature, bytes memory data, string memory
        ) {
            if (claimTopic != topic || claimIssuer != address(this)) return (false, bytes32(0));
            if (!this.isClaimValid(IIdentity(identity), topic, signature, data)) return (false, bytes32(0));
            (, bytes32 canonicalHash) = ClaimSignatures.canonicalHash(signature);
            return (true, canonicalHash);
        } catch {
            return (false, bytes32(0));
        }
    }

    /// @dev Whether `identity` answers `reportsHeldClaims()` with exactly `true` (anything else: no).
    function _reportsHeldClaims(address identity) private view returns (bool reports) {
        bytes4 selector = IHeldClaimReporter.reportsHeldClaims.selector;
        assembly ("memory-safe") {
            mstore(0x00, selector)
            let ok := staticcall(gas(), identity, 0x00, 0x04, 0x00, 0x20)
            reports := and(and(ok, gt(returndatasize(), 0x1f)), eq(mload(0x00), 1))
        }
    }

    function _heldClaimKey(address identity, uint256 topic) private pure returns (bytes32) {
        return keccak256(abi.encode(identity, topic));
    }
}
