// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC734} from "../interfaces/identity/IERC734.sol";
import {IERC735} from "../interfaces/identity/IERC735.sol";
import {IIdentity} from "../interfaces/identity/IIdentity.sol";
import {IHeldClaimIssuer, IHeldClaimReporter} from "../interfaces/identity/IHeldClaims.sol";
import {ClaimSignatures} from "../libraries/ClaimSignatures.sol";

/// @title Identity - an ONCHAINID-compatible identity: ERC-734 keys, ERC-735 claims, ERC-734 executions
/// @notice Same selectors, events, key hashing (`keccak256(abi.encode(address))`), purposes (1 MANAGEMENT,
///         2 ACTION, 3 CLAIM) and claim ids (`keccak256(abi.encode(issuer, topic))`) as ONCHAINID 2.2.1, so
///         registries, tokens and issuers written for ONCHAINID work with it unchanged. Differences, all
///         deliberate:
///         - the last MANAGEMENT key cannot be removed (`IdentityLastManagementKey`);
///         - documented caps: `MAX_KEYS_PER_PURPOSE` keys per purpose, `MAX_PURPOSES_PER_KEY` purposes per
///           key, `MAX_CLAIMS_PER_TOPIC` claims per topic (`IdentityCapReached`);
///         - a key has one type: adding a purpose with another type reverts `IdentityInvalidKey`;
///         - an execution is decided once: approving runs it (success or failure), rejecting drops it; both
///           are final (`IdentityExecutionAlreadyDone`), and the request is cleared before the call goes out;
///         - a third-party claim is checked with a bounded static call: a revert, a non-contract issuer or
///           malformed return data all count as invalid (`IdentityInvalidClaim`);
///         - claims of topic 0 can be removed; `isClaimValid` only accepts canonical signatures;
///         - it reports claim changes (IHeldClaimReporter): adding, changing or removing a third-party
///           claim asks its issuer to re-sync its held-claim record (`IHeldClaimIssuer.syncHeldClaim`),
///           which lets registries verify the holder with one call to the issuer. The call gets a fixed
///           `ISSUER_SYNC_GAS`; its outcome is ignored (issuers without records, such as ONCHAINID's, revert).
/// @dev Claims are stored compactly because tokens read them on every transfer: one head word packs the
///      issuer, the signature's `v`, presence flags and (when they fit) the scheme and the topic; a 65-byte
///      signature is kept as `r` and `s` words. A typical claim (65-byte signature, empty data and uri) is
///      read back by `getClaim` with three storage reads (ONCHAINID: nine).
contract Identity is IIdentity, IHeldClaimReporter {
    // ---- Constants ----

    /// @notice The most keys one purpose can hold.
    uint256 public constant MAX_KEYS_PER_PURPOSE = 32;
    /// @notice The most purposes one key can hold.
    uint256 public constant MAX_PURPOSES_PER_KEY = 32;
    /// @notice The most claims (one per issuer) one topic can hold.
    uint256 public constant MAX_CLAIMS_PER_TOPIC = 32;

    /// @notice Gas given to the issuer's `syncHeldClaim` when a claim changes (dualtrack's issuer needs
    ///         about 90k for a new record); the claim change reverts `IdentityIssuerSyncGas` unless that
    ///         much is left, so a caller cannot starve the sync and leave a stale record behind.
    uint256 public constant ISSUER_SYNC_GAS = 200_000;

    uint256 internal constant MANAGEMENT = 1;
    uint256 internal constant ACTION = 2;
    uint256 internal constant CLAIM = 3;
    uint256 internal constant ECDSA_KEY_TYPE = 1;

    // Claim head word: issuer (bits 0-159) | v (160-167) | flags (168-175) | scheme (176-199) | topic (200-255).
    uint256 private constant V_SHIFT = 160;
    uint256 private constant FLAGS_SHIFT = 168;
    uint256 private constant SCHEME_SHIFT = 176;
    uint256 private constant TOPIC_SHIFT = 200;
    uint256 private constant INLINE_SCHEME_LIMIT = 1 << 24;
    uint256 private constant INLINE_TOPIC_LIMIT = 1 << 56;
    uint256 private constant FLAG_EXISTS = 1;
    uint256 private constant FLAG_SIG_RSV = 2; // a 65-byte signature, kept as r, s and v
    uint256 private constant FLAG_SIG_RAW = 4; // a signature of another non-zero length, kept as bytes
    uint256 private constant FLAG_DATA = 8;
    uint256 private constant FLAG_URI = 16;
    uint256 private constant FLAG_WIDE_SCHEME = 32; // scheme >= 2**24, kept in its own word
    uint256 private constant FLAG_WIDE_TOPIC = 64; // topic >= 2**56, kept in its own word

    /// @dev Low half of a key position word: index in `_keysByPurpose[purpose]` + 1.
    uint256 private constant LOW_HALF = type(uint128).max;

    // ---- Storage ----

    struct KeyRecord {
        uint256 keyType;
        uint256[] purposes;
    }

    struct StoredClaim {
        uint256 head;
        uint256 wideTopic;
        uint256 wideScheme;
        bytes32 r;
        bytes32 s;
        bytes rawSignature;
        bytes data;
        string uri;
    }

    struct Execution {
        address to;
        bool pending;
        uint256 value;
        bytes data;
    }

    mapping(bytes32 key => KeyRecord record) private _keys;
    /// @dev (index in `_keysByPurpose[purpose]` + 1) | (index in `_keys[key].purposes` + 1) << 128; 0 = absent.
    mapping(bytes32 key => mapping(uint256 purpose => uint256 positions)) private _keyPositions;
    mapping(uint256 purpose => bytes32[] keys) private _keysByPurpose;

    mapping(bytes32 claimId => StoredClaim claim) private _claims;
    mapping(uint256 topic => bytes32[] claimIds) private _claimsByTopic;

    mapping(uint256 executionId => Execution execution) private _executions;
    uint256 private _executionNonce;

    /// @param initialManagementKey The address whose key gets the MANAGEMENT purpose (ECDSA type).
    /// @dev Reverts `IdentityInvalidKey(1, 1)` for the zero address: nobody could ever manage the identity.
    constructor(address initialManagementKey) {
        if (initialManagementKey == address(0)) revert IdentityInvalidKey(MANAGEMENT, ECDSA_KEY_TYPE);
        _addKey(_keyOf(initialManagementKey), MANAGEMENT, ECDSA_KEY_TYPE);
    }

    // ---- ERC-734 keys ----

    /// @inheritdoc IERC734
    /// @dev Reverts `IdentityInvalidKey` for purpose 0, key type 0, or a key type other than the key's own.
    function addKey(bytes32 key, uint256 purpose, uint256 keyType) external returns (bool success) {
        _requireKey(MANAGEMENT);
        _addKey(key, purpose, keyType);
        return true;
    }

    /// @inheritdoc IERC734
    /// @dev Reverts `IdentityLastManagementKey` rather than leave the identity without a MANAGEMENT key.
    function removeKey(bytes32 key, uint256 purpose) external returns (bool success) {
        _requireKey(MANAGEMENT);
        mapping(uint256 purpose => uint256 positions) storage positions = _keyPositions[key];
        uint256 position = positions[purpose];
        if (position == 0) revert IdentityKeyMissingPurpose(key, purpose);

        bytes32[] storage holders = _keysByPurpose[purpose];
        uint256 lastHolder = holders.length - 1;
        if (purpose == MANAGEMENT && lastHolder == 0) revert IdentityLastManagementKey(key);
        uint256 holderIndex = (position & LOW_HALF) - 1;
        if (holderIndex != lastHolder) {
            bytes32 moved = holders[lastHolder];
            holders[holderIndex] = moved;
            uint256 movedPosition = _keyPositions[moved][purpose];
            _keyPositions[moved][purpose] = (movedPosition & ~LOW_HALF) | (holderIndex + 1);
        }
        holders.pop();

        KeyRecord storage record = _keys[key];
        uint256[] storage purposes = record.purposes;
        uint256 lastPurpose = purposes.length - 1;
        uint256 purposeIndex = (position >> 128) - 1;
        if (purposeIndex != lastPurpose) {
            uint256 movedPurpose = purposes[lastPurpose];
            purposes[purposeIndex] = movedPurpose;
            uint256 movedPosition = positions[movedPurpose];
            positions[movedPurpose] = (movedPosition & LOW_HALF) | ((purposeIndex + 1) << 128);
        }
        purposes.pop();
        delete positions[purpose];

        uint256 keyType = record.keyType;
        if (lastPurpose == 0) delete record.keyType;
        emit KeyRemoved(key, purpose, keyType);
        _afterKeyRemoved(purpose);
        return true;
    }

    /// @inheritdoc IERC734
    function getKey(bytes32 key) external view returns (uint256[] memory purposes, uint256 keyType, bytes32 keyOut) {
        KeyRecord storage record = _keys[key];
        purposes = record.purposes;
        if (purposes.length != 0) (keyType, keyOut) = (record.keyType, key);
    }

    /// @inheritdoc IERC734
    function getKeyPurposes(bytes32 key) external view returns (uint256[] memory purposes) {
        return _keys[key].purposes;
    }

    /// @inheritdoc IERC734
    function getKeysByPurpose(uint256 purpose) external view returns (bytes32[] memory keys) {
        return _keysByPurpose[purpose];
    }

    /// @inheritdoc IERC734
    function keyHasPurpose(bytes32 key, uint256 purpose) public view returns (bool exists) {
        mapping(uint256 purpose => uint256 positions) storage positions = _keyPositions[key];
        return positions[purpose] != 0 || positions[MANAGEMENT] != 0;
    }

    // ---- ERC-734 executions ----

    /// @inheritdoc IERC734
    /// @dev Runs at once (emitting `Approved` and `Executed`/`ExecutionFailed`) when the caller's key may
    ///      approve it: MANAGEMENT for calls to the identity itself, ACTION (or MANAGEMENT) for other targets.
    function execute(address to, uint256 value, bytes calldata data) external payable returns (uint256 executionId) {
        executionId = _executionNonce++;
        if (keyHasPurpose(_keyOf(msg.sender), _approverPurpose(to))) {
            emit ExecutionRequested(executionId, to, value, data);
            emit Approved(executionId, true);
            _perform(executionId, to, value, data);
        } else {
            Execution storage execution = _executions[executionId];
            execution.to = to;
            execution.pending = true;
            execution.value = value;
            execution.data = data;
            emit ExecutionRequested(executionId, to, value, data);
        }
    }

    /// @inheritdoc IERC734
    /// @dev The request is cleared before the call goes out, so it can neither run twice nor be re-entered;
    ///      `success` is false when rejected or when the call reverted.
    function approve(uint256 id, bool approval) external returns (bool success) {
        if (id >= _executionNonce) revert IdentityUnknownExecution(id);
        Execution storage execution = _executions[id];
        if (!execution.pending) revert IdentityExecutionAlreadyDone(id);
        address to = execution.to;
        uint256 purpose = _approverPurpose(to);
        if (!keyHasPurpose(_keyOf(msg.sender), purpose)) revert IdentityUnauthorizedKey(msg.sender, purpose);
        uint256 value = execution.value;
        bytes memory data = execution.data;
        delete _executions[id];
        emit Approved(id, approval);
        if (approval) success = _perform(id, to, value, data);
    }

    // ---- ERC-735 claims ----

    /// @inheritdoc IHeldClaimReporter
    function reportsHeldClaims() external pure returns (bool) {
        return true;
    }

    /// @inheritdoc IERC735
    /// @dev CLAIM key (or the identity itself) only. A claim by another issuer must pass
    ///      `issuer.isClaimValid(this, topic, signature, data)`. Re-adding an (issuer, topic) replaces the claim.
    function addClaim(
        uint256 topic,
        uint256 scheme,
        address issuer,
        bytes calldata signature,
        bytes calldata data,
        string calldata uri
    ) external returns (bytes32 claimRequestId) {
        _requireKey(CLAIM);
        if (issuer != address(this) && !_issuerAccepts(issuer, topic, signature, data)) {
            revert IdentityInvalidClaim(issuer, topic);
        }
        claimRequestId = keccak256(abi.encode(issuer, topic));
        if (_storeClaim(claimRequestId, topic, scheme, issuer, signature, data, uri)) {
            emit ClaimChanged(claimRequestId, topic, scheme, issuer, signature, data, uri);
        } else {
            emit ClaimAdded(claimRequestId, topic, scheme, issuer, signature, data, uri);
        }
        if (issuer != address(this)) _syncIssuer(issuer, topic);
    }

    /// @inheritdoc IERC735
    /// @dev CLAIM key (or the identity itself) only; reverts `IdentityUnknownClaim` when absent.
    function removeClaim(bytes32 claimId) external returns (bool success) {
        _requireKey(CLAIM);
        StoredClaim storage claim = _claims[claimId];
        uint256 head = claim.head;
        if (head == 0) revert IdentityUnknownClaim(claimId);
        (uint256 topic, uint256 scheme, address issuer, bytes memory signature, bytes memory data, string memory uri)
        = _readClaim(claim, head);

        // Bounded by MAX_CLAIMS_PER_TOPIC; scanning is cheaper than storing each claim's index on every add.
        bytes32[] storage ids = _claimsByTopic[topic];
        uint256 last = ids.length - 1;
        for (uint256 i = 0; i <= last; ++i) {
            if (ids[i] == claimId) {
                if (i != last) ids[i] = ids[last];
                ids.pop();
                break;
            }
        }
        _clearClaimFields(claim, head >> FLAGS_SHIFT);
        delete claim.head;
        emit ClaimRemoved(claimId, topic, scheme, issuer, signature, data, uri);
        if (issuer != address(this)) _syncIssuer(issuer, topic);
        return true;
    }

    /// @inheritdoc IERC735
    function getClaim(bytes32 claimId)
        external
        view
        returns (
            uint256 topic,
            uint256 scheme,
            address issuer,
            bytes memory signature,
            bytes memory data,
            string memory uri
        )
    {
        StoredClaim storage claim = _claims[claimId];
        uint256 head = claim.head;
        if (head != 0) return _readClaim(claim, head);
    }

    /// @inheritdoc IERC735
    function getClaimIdsByTopic(uint256 topic) external view returns (bytes32[] memory claimIds) {
        return _claimsByTopic[topic];
    }

    /// @inheritdoc IIdentity
    /// @dev Valid when `sig` is canonical and signed by a key of this identity holding CLAIM (or MANAGEMENT).
    function isClaimValid(IIdentity identity, uint256 claimTopic, bytes calldata sig, bytes calldata data)
        public
        view
        virtual
        returns (bool)
    {
        (address signer,) =
            ClaimSignatures.recoverCanonical(ClaimSignatures.claimDigest(address(identity), claimTopic, data), sig);
        return signer != address(0) && keyHasPurpose(_keyOf(signer), CLAIM);
    }

    // ---- Internal ----

    /// @dev Hook run after a key lost `purpose` (ClaimIssuer invalidates its held-claim records).
    function _afterKeyRemoved(uint256 purpose) internal virtual {}

    /// @dev Revert unless the caller is the identity itself or holds a key with `purpose` (or MANAGEMENT).
    function _requireKey(uint256 purpose) internal view {
        if (msg.sender != address(this) && !keyHasPurpose(_keyOf(msg.sender), purpose)) {
            revert IdentityUnauthorizedKey(msg.sender, purpose);
        }
    }

    /// @dev `keccak256(abi.encode(account))`, the ERC-734 key of an address.
    function _keyOf(address account) internal pure returns (bytes32 key) {
        assembly ("memory-safe") {
            mstore(0x00, account)
            key := keccak256(0x00, 0x20)
        }
    }

    // ---- Private ----

    /// @dev Ask `issuer` to re-read this identity's claim on `topic` (IHeldClaimIssuer.syncHeldClaim).
    ///      The call gets exactly ISSUER_SYNC_GAS and its outcome is ignored: issuers that keep no
    ///      records revert, and dualtrack's issuer never reverts for a well-formed identity.
    function _syncIssuer(address issuer, uint256 topic) private {
        // EIP-150 forwards at most 63/64 of what is left: keep enough for the full budget and the return.
        uint256 required = ISSUER_SYNC_GAS + ISSUER_SYNC_GAS / 63 + 5_000;
        uint256 left = gasleft();
        if (left < required) revert IdentityIssuerSyncGas(left, required);
        bytes memory request = abi.encodeCall(IHeldClaimIssuer.syncHeldClaim, (address(this), topic));
        assembly ("memory-safe") {
            pop(call(ISSUER_SYNC_GAS, issuer, 0, add(request, 0x20), mload(request), 0, 0))
        }
    }

    function _addKey(bytes32 key, uint256 purpose, uint256 keyType) private {
        if (purpose == 0 || keyType == 0) revert IdentityInvalidKey(purpose, keyType);
        mapping(uint256 purpose => uint256 positions) storage positions = _keyPositions[key];
        if (positions[purpose] != 0) revert IdentityKeyAlreadyHasPurpose(key, purpose);
        bytes32[] storage holders = _keysByPurpose[purpose];
        if (holders.length >= MAX_KEYS_PER_PURPOSE) revert IdentityCapReached(MAX_KEYS_PER_PURPOSE);
        KeyRecord storage record = _keys[key];
        uint256[] storage purposes = record.purposes;
        uint256 purposeCount = purposes.length;
        if (purposeCount == 0) {
            record.keyType = keyType;
        } else {
            if (purposeCount >= MAX_PURPOSES_PER_KEY) revert IdentityCapReached(MAX_PURPOSES_PER_KEY);
            if (record.keyType != keyType) revert IdentityInvalidKey(purpose, keyType);
        }
        holders.push(key);
        purposes.push(purpose);
        positions[purpose] = holders.length | (purposes.length << 128);
        emit KeyAdded(key, purpose, keyType);
    }

    /// @dev The purpose a key needs to approve a call to `to`: MANAGEMENT for the identity itself, else ACTION.
    function _approverPurpose(address to) private view returns (uint256) {
        return to == address(this) ? MANAGEMENT : ACTION;
    }

    /// @dev Make the call; return data is not copied (nothing reads it).
    function _perform(uint256 executionId, address to, uint256 value, bytes memory data)
        private
        returns (bool success)
    {
        assembly ("memory-safe") {
            success := call(gas(), to, value, add(data, 0x20), mload(data), 0, 0)
        }
        if (success) emit Executed(executionId, to, value, data);
        else emit ExecutionFailed(executionId, to, value, data);
    }

    /// @dev `issuer.isClaimValid(this, topic, signature, data)` as a static call reading at most one word:
    ///      a revert, an issuer without code or anything but `true` is a rejection.
    function _issuerAccepts(address issuer, uint256 topic, bytes calldata signature, bytes calldata data)
        private
        view
        returns (bool valid)
    {
        bytes memory request =
            abi.encodeCall(IIdentity.isClaimValid, (IIdentity(address(this)), topic, signature, data));
        assembly ("memory-safe") {
            let ok := staticcall(gas(), issuer, add(request, 0x20), mload(request), 0x00, 0x20)
            valid := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
        }
    }

    /// @dev Write a claim in its compact form; returns whether it replaced an existing one.
    function _storeClaim(
        bytes32 claimId,
        uint256 topic,
        uint256 scheme,
        address issuer,
        bytes calldata signature,
        bytes calldata data,
        string calldata uri
    ) private returns (bool replaced) {
        StoredClaim storage claim = _claims[claimId];
        uint256 oldFlags = (claim.head >> FLAGS_SHIFT) & 0xff;
        replaced = oldFlags != 0;
        if (!replaced) {
            bytes32[] storage ids = _claimsByTopic[topic];
            if (ids.length >= MAX_CLAIMS_PER_TOPIC) revert IdentityCapReached(MAX_CLAIMS_PER_TOPIC);
            ids.push(claimId);
        }
        // Flags are accumulated directly in the head word.
        uint256 head = uint256(uint160(issuer)) | (FLAG_EXISTS << FLAGS_SHIFT);
        if (topic < INLINE_TOPIC_LIMIT) {
            head |= topic << TOPIC_SHIFT;
        } else {
            head |= FLAG_WIDE_TOPIC << FLAGS_SHIFT;
            claim.wideTopic = topic;
        }
        if (scheme < INLINE_SCHEME_LIMIT) {
            head |= scheme << SCHEME_SHIFT;
        } else {
            head |= FLAG_WIDE_SCHEME << FLAGS_SHIFT;
            claim.wideScheme = scheme;
        }
        if (signature.length == 65) {
            head |= (FLAG_SIG_RSV << FLAGS_SHIFT) | (uint256(uint8(signature[64])) << V_SHIFT);
            claim.r = bytes32(signature[0:32]);
            claim.s = bytes32(signature[32:64]);
        } else if (signature.length != 0) {
            head |= FLAG_SIG_RAW << FLAGS_SHIFT;
            claim.rawSignature = signature;
        }
        if (data.length != 0) {
            head |= FLAG_DATA << FLAGS_SHIFT;
            claim.data = data;
        }
        if (bytes(uri).length != 0) {
            head |= FLAG_URI << FLAGS_SHIFT;
            claim.uri = uri;
        }
        // A replaced claim may leave words the new one does not use: clear them (and get the refund).
        _clearClaimFields(claim, oldFlags & ~(head >> FLAGS_SHIFT));
        claim.head = head;
    }

    function _readClaim(StoredClaim storage claim, uint256 head)
        private
        view
        returns (
            uint256 topic,
            uint256 scheme,
            address issuer,
            bytes memory signature,
            bytes memory data,
            string memory uri
        )
    {
        uint256 flags = head >> FLAGS_SHIFT;
        issuer = address(uint160(head));
        topic = flags & FLAG_WIDE_TOPIC != 0 ? claim.wideTopic : head >> TOPIC_SHIFT;
        scheme = flags & FLAG_WIDE_SCHEME != 0 ? claim.wideScheme : (head >> SCHEME_SHIFT) & (INLINE_SCHEME_LIMIT - 1);
        if (flags & FLAG_SIG_RSV != 0) {
            signature = abi.encodePacked(claim.r, claim.s, uint8(head >> V_SHIFT));
        } else if (flags & FLAG_SIG_RAW != 0) {
            signature = claim.rawSignature;
        }
        if (flags & FLAG_DATA != 0) data = claim.data;
        if (flags & FLAG_URI != 0) uri = claim.uri;
    }

    /// @dev Delete the claim words `flags` says are in use (the head word is the caller's business).
    function _clearClaimFields(StoredClaim storage claim, uint256 flags) private {
        if (flags & FLAG_WIDE_TOPIC != 0) delete claim.wideTopic;
        if (flags & FLAG_WIDE_SCHEME != 0) delete claim.wideScheme;
        if (flags & FLAG_SIG_RSV != 0) {
            delete claim.r;
            delete claim.s;
        }
        if (flags & FLAG_SIG_RAW != 0) delete claim.rawSignature;
        if (flags & FLAG_DATA != 0) delete claim.data;
        if (flags & FLAG_URI != 0) delete claim.uri;
    }
}
