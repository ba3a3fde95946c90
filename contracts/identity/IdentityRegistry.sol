// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {IClaimIssuer} from "../interfaces/identity/IClaimIssuer.sol";
import {IClaimTopicsRegistry} from "../interfaces/identity/IClaimTopicsRegistry.sol";
import {IIdentity} from "../interfaces/identity/IIdentity.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IIdentityRegistryStorage} from "../interfaces/identity/IIdentityRegistryStorage.sol";
import {IIdentityStorageReader} from "../interfaces/identity/IIdentityStorageReader.sol";
import {IPolicyPublisher, IPolicySubscriber} from "../interfaces/identity/IPolicyPublisher.sol";
import {ITrustedIssuersRegistry} from "../interfaces/identity/ITrustedIssuersRegistry.sol";
import {IStandaloneIdentityRegistry} from "../interfaces/identity/IStandaloneIdentityRegistry.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";

/// @title IdentityRegistry - who may hold a token (ERC-3643), with a push-synced policy cache
/// @notice Verification (`isVerified`, `transferParties`): the wallet has an identity and, for every
///         required topic, some issuer trusted for that topic has a claim on the identity whose topic
///         and issuer fields equal the topic and that issuer (ERC-3643 issue #101) and that the issuer's
///         `isClaimValid` accepts. Identities and issuers that revert or return malformed data count
///         as "not valid" for that issuer; the next trusted issuer is tried. Only canonical 65-byte
///         ECDSA claim signatures (low s, v in {27, 28}) are considered, so no re-encoding of a revoked
///         signature can revive a claim even at an issuer that keys revocation on raw bytes.
///
///         Policy cache: while this registry is a subscriber of both its claim topics registry and its
///         trusted issuers registry (IPolicyPublisher), it keeps a copy of the required topics and of
///         the issuers trusted for each, which the registries refresh through `syncPolicy` in the same
///         transaction as every change. Verification then reads only this contract's storage for the
///         policy instead of calling both registries. When not subscribed to both (or given registries
///         that are not publishers, e.g. T-REX's, or a policy above the cache caps of 15 topics x 50
///         issuers) it reads the registries live. A refresh that fails (it reverts or needs more than
///         the publisher's fixed budget, e.g. for a large policy) does not block the change: the
///         publisher then calls `markPolicyStale`, which drops the cache (mode Stale: live reads,
///         failing closed if the registries cannot answer) until anyone calls `syncPolicy` again.
///         Unsubscribing syncs the registry one last time, which switches it to live reads, so the
///         policy it applies is always the registries' current one.
///
///         Wallet records: initialized (or switched by `setIdentityRegistryStorage`) with no storage,
///         the registry keeps each wallet's identity and country itself, in one slot like
///         IdentityRegistryStorage, and reads and writes them without an external call ("local
///         records"). It is then its own `identityStorage()`: it answers the storage's read functions
///         (IIdentityStorageReader, listing itself as the only linked registry) and emits the storage's
///         events (IdentityStored, IdentityUnstored, IdentityModified, CountryModified) next to its own,
///         with the storage's errors, exactly as a registry writing to a storage of its own. With a
///         shared IdentityRegistryStorage the read functions forward to it. Switching between local
///         records and a storage never migrates records: the registry only sees the records of the
///         storage it uses now (the local ones are kept and reappear on switching back).
///
/// @dev Abstract base shared by the stand-alone `IdentityRegistry` (bottom of this file) and the
///      combined `TransferPolicy`; all state lives in its ERC-7201 namespace.
abstract contract IdentityRegistryBase is IIdentityRegistry, IIdentityStorageReader, OwnableUpgradeable {
    /// @dev Cache caps, equal to the registries' documented caps (15 topics, 50 issuers).
    uint256 private constant MAX_CACHED_TOPICS = 15;
    uint256 private constant MAX_CACHED_ISSUERS = 50;

    /// @dev Largest canonical ECDSA `s` (secp256k1 order / 2): claims with a higher `s` are malleated.
    ///      Inline assembly reads only literal constants, so this is Constants.SECP256K1_HALF_N written out
    ///      (a test checks the two agree).
    uint256 private constant SECP256K1_HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @dev IERC735.getClaim(bytes32) and IIdentity.isClaimValid(address,uint256,bytes,bytes) selectors.
    uint256 private constant GET_CLAIM_SELECTOR = 0xc9100bcb;
    uint256 private constant IS_CLAIM_VALID_SELECTOR = 0xc0969a6e;
    /// @dev IHeldClaimIssuer.isHeldClaimValid(address,uint256) selector.
    uint256 private constant IS_HELD_CLAIM_VALID_SELECTOR = 0x76b86f8e;

    /// @dev Inline topic value meaning "the topic does not fit: read `CachedTopic.topic`".
    uint64 private constant TOPIC_NOT_INLINE = type(uint64).max;

    /// @dev `Config.policyMode`: how verification reads the policy. The byte was `bool policyCached`
    ///      before the stale mode existed: 0 (live) and 1 (cached) keep their meaning, so proxies
    ///      upgrade in place. Plain uint8 constants, not an enum: Solidity range-checks an enum on
    ///      every read, about 200 gas on each transfer.
    uint8 private constant POLICY_LIVE = 0; // not subscribed to both registries, or above the cache caps
    uint8 private constant POLICY_CACHED = 1; // verify from `cachedTopics`
    uint8 private constant POLICY_STALE = 2; // a push failed (`markPolicyStale`): live until the next sync

    /// @dev Slot 0 of the layout: all the configuration the transfer path reads. It packs the head of
    ///      the first cached topic (first trusted issuer, issuer count, the topic itself when it fits in
    ///      64 bits: every topic in use does) with the cache size and both modes, so verifying against a
    ///      cached one-topic, one-issuer policy with local records costs one configuration read, and
    ///      the stale mark costs the transfer path nothing.
    struct Config {
        IClaimIssuer firstIssuer; // cached topic 0's first trusted issuer
        uint8 firstIssuerCount; // cached topic 0's issuer count
        uint64 firstInlineTopic; // cached topic 0, or TOPIC_NOT_INLINE (then cachedTopics[0].topic)
        uint8 cachedTopicCount;
        uint8 policyMode; // POLICY_LIVE, POLICY_CACHED or POLICY_STALE
        bool localRecords; // wallet records live in `records`, not in `identityStorage`
    }

    /// @dev The issuers trusted for one required topic. The first slot packs the first issuer, the
    ///      issuer count and the topic itself when it fits in 64 bits, so a topic with one trusted issuer
    ///      costs a single storage read. Topic 0's first slot is unused: its head lives in `Config`.
    struct CachedTopic {
        IClaimIssuer firstIssuer;
        uint8 issuerCount;
        uint64 inlineTopic;
        uint256 topic; // only when the inline topic is TOPIC_NOT_INLINE
        IClaimIssuer[MAX_CACHED_ISSUERS - 1] moreIssuers;
    }

    /// @dev One wallet's local record in one slot: 20-byte identity + 2-byte country.
    struct Record {
        IIdentity identity;
        uint16 country;
    }

    /// @custom:storage-location erc7201:dualtrack.storage.IdentityRegistry
    struct Layout {
        Config config; // slot 0, the only configuration the transfer path reads
        // The shared storage, or this registry's own address with local records.
        IIdentityRegistryStorage identityStorage;
        IClaimTopicsRegistry topicsRegistry;
        ITrustedIssuersRegistry issuersRegistry;
        mapping(address account => bool isAgent) agents;
        CachedTopic[MAX_CACHED_TOPICS] cachedTopics;
        mapping(address wallet => Record record) records; // local records only
        // appended: the stand-alone IdentityRegistry's bound token (re-keying), unused by TransferPolicy
        address token;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.IdentityRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LAYOUT_SLOT = 0x10db05f7ce4467c3368f6cc4753030817ff0bb91b6758e6ed6e22eebfa813900;

    modifier onlyAgent() {
        if (!_layout().agents[msg.sender]) revert IdentityRegistryNotAgent(msg.sender);
        _;
    }

    /// @dev The registry starts with live policy reads: it caches once the policy registries
    ///      subscribe it (their `addPolicySubscriber` syncs it). `identityRegistryStorage_` is a shared
    ///      identity storage (its owner must bind this registry), or zero for local records.
    function __IdentityRegistry_init(
        address owner_,
        address trustedIssuersRegistry_,
        address claimTopicsRegistry_,
        address identityRegistryStorage_
    ) internal onlyInitializing {
        if (trustedIssuersRegistry_ == address(0) || claimTopicsRegistry_ == address(0)) {
            revert IdentityRegistryZeroAddress();
        }
        __Ownable_init(owner_);
        Layout storage $ = _layout();
        $.issuersRegistry = ITrustedIssuersRegistry(trustedIssuersRegistry_);
        emit TrustedIssuersRegistrySet(trustedIssuersRegistry_);
        $.topicsRegistry = IClaimTopicsRegistry(claimTopicsRegistry_);
        emit ClaimTopicsRegistrySet(claimTopicsRegistry_);
        _setIdentityStorage($, identityRegistryStorage_);
    }

    // ---- Identities (agents) ----

    /// @inheritdoc IIdentityRegistry
    function registerIdentity(address userAddress, IIdentity identity_, uint16 country) external onlyAgent {
        Layout storage $ = _layout();
        if ($.config.localRecords) _addRecord($, userAddress, identity_, country);
        else $.identityStorage.addIdentityToStorage(userAddress, identity_, country);
        emit IdentityRegistered(userAddress, identity_);
        _afterRecordChanged(userAddress, IIdentity(address(0)), 0, identity_, country);
    }

    /// @inheritdoc IIdentityRegistry
    function batchRegisterIdentity(
        address[] calldata userAddresses,
        IIdentity[] calldata identities,
        uint16[] calldata countries
    ) external onlyAgent {
        uint256 count = userAddresses.length;
        if (identities.length != count) revert IdentityRegistryLengthMismatch(count, identities.length);
        if (countries.length != count) revert IdentityRegistryLengthMismatch(count, countries.length);
        Layout storage $ = _layout();
        bool local = $.config.localRecords;
        IIdentityRegistryStorage store = $.identityStorage;
        for (uint256 i; i < count; ++i) {
            if (local) _addRecord($, userAddresses[i], identities[i], countries[i]);
            else store.addIdentityToStorage(userAddresses[i], identities[i], countries[i]);
            emit IdentityRegistered(userAddresses[i], identities[i]);
            _afterRecordChanged(userAddresses[i], IIdentity(address(0)), 0, identities[i], countries[i]);
        }
    }

    /// @inheritdoc IIdentityRegistry
    function updateIdentity(address userAddress, IIdentity identity_) external onlyAgent {
        Layout storage $ = _layout();
        IIdentity oldIdentity;
        uint16 country;
        if ($.config.localRecords) {
            (oldIdentity, country) = _modifyRecordIdentity($, userAddress, identity_);
        } else {
            IIdentityRegistryStorage store = $.identityStorage;
            (oldIdentity, country) = store.storedInvestor(userAddress);
            store.modifyStoredIdentity(userAddress, identity_);
        }
        emit IdentityUpdated(oldIdentity, identity_);
        _afterRecordChanged(userAddress, oldIdentity, country, identity_, country);
    }

    /// @inheritdoc IIdentityRegistry
    function updateCountry(address userAddress, uint16 country) external onlyAgent {
        Layout storage $ = _layout();
        if ($.config.localRecords) _modifyRecordCountry($, userAddress, country);
        else $.identityStorage.modifyStoredInvestorCountry(userAddress, country);
        emit CountryUpdated(userAddress, country);
    }

    /// @inheritdoc IIdentityRegistry
    function deleteIdentity(address userAddress) external onlyAgent {
        Layout storage $ = _layout();
        IIdentity oldIdentity;
        uint16 oldCountry;
        if ($.config.localRecords) {
            (oldIdentity, oldCountry) = _removeRecord($, userAddress);
        } else {
            IIdentityRegistryStorage store = $.identityStorage;
            (oldIdentity, oldCountry) = store.storedInvestor(userAddress);
            store.removeIdentityFromStorage(userAddress);
        }
        emit IdentityRemoved(userAddress, oldIdentity);
        _afterRecordChanged(userAddress, oldIdentity, oldCountry, IIdentity(address(0)), 0);
    }

    /// @dev Called after `wallet`'s record changed through registerIdentity, batchRegisterIdentity,
    ///      updateIdentity or deleteIdentity, with its identity and country before (zero when it was
    ///      not registered) and after (zero when deleted), once the registry's events are emitted.
    ///      Both the stand-alone IdentityRegistry (through its bound token's compliance) and
    ///      TransferPolicy (in its own modules) override it to re-attribute the wallet's balance. Not
    ///      called by updateCountry (no identity changes) nor by setIdentityRegistryStorage (records
    ///      are not migrated).
    function _afterRecordChanged(address, IIdentity, uint16, IIdentity, uint16) internal virtual;

    /// @dev The stand-alone registry's bound token (zero when none; TransferPolicy never sets it).
    function _registryToken() internal view returns (address) {
        return _layout().token;
    }

    /// @dev Set the stand-alone registry's bound token.
    function _setRegistryToken(address token) internal {
        _layout().token = token;
    }

    // ---- Configuration (owner) ----

    /// @inheritdoc IIdentityRegistry
    function addAgent(address agent) external onlyOwner {
        if (agent == address(0)) revert IdentityRegistryZeroAddress();
        Layout storage $ = _layout();
        if ($.agents[agent]) revert IdentityRegistryAlreadyAgent(agent);
        $.agents[agent] = true;
        emit AgentAdded(agent);
    }

    /// @inheritdoc IIdentityRegistry
    function removeAgent(address agent) external onlyOwner {
        Layout storage $ = _layout();
        if (!$.agents[agent]) revert IdentityRegistryUnknownAgent(agent);
        $.agents[agent] = false;
        emit AgentRemoved(agent);
    }

    /// @inheritdoc IIdentityRegistry
    /// @dev Zero or this registry's address: local records. No record is copied either way.
    function setIdentityRegistryStorage(address identityRegistryStorage_) external onlyOwner {
        _setIdentityStorage(_layout(), identityRegistryStorage_);
    }

    /// @inheritdoc IIdentityRegistry
    /// @dev Re-syncs the policy: the new registry decides whether the cache can be used.
    function setClaimTopicsRegistry(address claimTopicsRegistry_) external onlyOwner {
        if (claimTopicsRegistry_ == address(0)) revert IdentityRegistryZeroAddress();
        Layout storage $ = _layout();
        $.topicsRegistry = IClaimTopicsRegistry(claimTopicsRegistry_);
        emit ClaimTopicsRegistrySet(claimTopicsRegistry_);
        _syncPolicy($);
    }

    /// @inheritdoc IIdentityRegistry
    /// @dev Re-syncs the policy: the new registry decides whether the cache can be used.
    function setTrustedIssuersRegistry(address trustedIssuersRegistry_) external onlyOwner {
        if (trustedIssuersRegistry_ == address(0)) revert IdentityRegistryZeroAddress();
        Layout storage $ = _layout();
        $.issuersRegistry = ITrustedIssuersRegistry(trustedIssuersRegistry_);
        emit TrustedIssuersRegistrySet(trustedIssuersRegistry_);
        _syncPolicy($);
    }

    /// @inheritdoc IPolicySubscriber
    function syncPolicy() external returns (bool cached) {
        return _syncPolicy(_layout());
    }

    /// @inheritdoc IPolicySubscriber
    /// @dev The caller must be this registry's claim topics or trusted issuers registry and list this
    ///      registry as a subscriber (so the push it failed was really meant for it). One read of each
    ///      registry address, one call back to the caller, one write of the configuration slot.
    function markPolicyStale() external {
        Layout storage $ = _layout();
        if (
            (msg.sender != address($.topicsRegistry) && msg.sender != address($.issuersRegistry))
                || !_isSubscribed(msg.sender)
        ) revert PolicySubscriberNotPublisher(msg.sender);
        $.config.policyMode = POLICY_STALE;
        emit PolicyMarkedStale(msg.sender);
    }

    // ---- Views ----

    /// @inheritdoc IIdentityRegistry
    /// @dev The token's transfer path: one read of the configuration slot, then the wallets' records
    ///      (local records: one read each; a shared storage: one call for both, or one for mint and burn,
    ///      where the zero wallet is skipped: it is never stored), then verification of `to` from the
    ///      cached policy.
    function transferParties(address from, address to)
        external
        view
        returns (address fromIdentity, uint16 fromCountry, address toIdentity, uint16 toCountry, bool toVerified)
    {
        return _transferParties(from, to);
    }

    /// @dev Body of `transferParties`, also used by TransferPolicy's `settle` without an external call.
    function _transferParties(address from, address to)
        internal
        view
        returns (address fromIdentity, uint16 fromCountry, address toIdentity, uint16 toCountry, bool toVerified)
    {
        Layout storage $ = _layout();
        Config memory config = $.config;
        IIdentity id;
        if (from == address(0)) {
            if (to == address(0)) return (address(0), 0, address(0), 0, false);
            (id, toCountry) = _investor($, config.localRecords, to);
        } else if (to == address(0)) {
            (id, fromCountry) = _investor($, config.localRecords, from);
            return (address(id), fromCountry, address(0), 0, false);
        } else {
            IIdentity fromId;
            (fromId, fromCountry, id, toCountry) = _investors($, config.localRecords, from, to);
            fromIdentity = address(fromId);
        }
        toIdentity = address(id);
        toVerified = toIdentity != address(0) && _verified($, toIdentity, config);
    }

    /// @inheritdoc IIdentityRegistry
    function isVerified(address userAddress) external view returns (bool) {
        Layout storage $ = _layout();
        Config memory config = $.config;
        (IIdentity id,) = _investor($, config.localRecords, userAddress);
        return address(id) != address(0) && _verified($, address(id), config);
    }

    /// @inheritdoc IIdentityRegistry
    function contains(address wallet) external view returns (bool) {
        return address(_identityOf(wallet)) != address(0);
    }

    /// @inheritdoc IIdentityRegistry
    function identity(address userAddress) external view returns (IIdentity) {
        return _identityOf(userAddress);
    }

    /// @inheritdoc IIdentityRegistry
    function investorCountry(address userAddress) external view returns (uint16) {
        return _countryOf(userAddress);
    }

    /// @inheritdoc IIdentityRegistry
    function identityStorage() external view returns (IIdentityRegistryStorage) {
        return _layout().identityStorage;
    }

    /// @inheritdoc IIdentityRegistry
    function issuersRegistry() external view returns (ITrustedIssuersRegistry) {
        return _layout().issuersRegistry;
    }

    /// @inheritdoc IIdentityRegistry
    function topicsRegistry() external view returns (IClaimTopicsRegistry) {
        return _layout().topicsRegistry;
    }

    /// @inheritdoc IIdentityRegistry
    function isAgent(address account) external view returns (bool) {
        return _layout().agents[account];
    }

    /// @inheritdoc IIdentityRegistry
    function policyCached() external view returns (bool) {
        return _layout().config.policyMode == POLICY_CACHED;
    }

    /// @inheritdoc IPolicySubscriber
    function policyStale() external view returns (bool) {
        return _layout().config.policyMode == POLICY_STALE;
    }

    // ---- Storage reads (IIdentityStorageReader: this registry as its own identity storage) ----

    /// @inheritdoc IIdentityStorageReader
    /// @dev Local records: this registry only. A shared storage: that storage's list.
    function linkedIdentityRegistries() external view returns (address[] memory registries) {
        Layout storage $ = _layout();
        if (!$.config.localRecords) return $.identityStorage.linkedIdentityRegistries();
        registries = new address[](1);
        registries[0] = address(this);
    }

    /// @inheritdoc IIdentityStorageReader
    function storedIdentity(address userAddress) external view returns (IIdentity) {
        return _identityOf(userAddress);
    }

    /// @inheritdoc IIdentityStorageReader
    function storedInvestorCountry(address userAddress) external view returns (uint16) {
        return _countryOf(userAddress);
    }

    /// @inheritdoc IIdentityStorageReader
    function storedInvestor(address userAddress) external view returns (IIdentity, uint16) {
        Layout storage $ = _layout();
        return _investor($, $.config.localRecords, userAddress);
    }

    /// @inheritdoc IIdentityStorageReader
    function storedInvestors(address first, address second)
        external
        view
        returns (IIdentity firstIdentity, uint16 firstCountry, IIdentity secondIdentity, uint16 secondCountry)
    {
        Layout storage $ = _layout();
        return _investors($, $.config.localRecords, first, second);
    }

    // ---- Verification ----

    /// @dev Whether `id` (non-zero) satisfies every required topic, from the cache or live.
    function _verified(Layout storage $, address id, Config memory config) private view returns (bool) {
        return config.policyMode == POLICY_CACHED ? _verifiedCached($, id, config) : _verifiedLive($, id);
    }

    function _verifiedCached(Layout storage $, address id, Config memory config) private view returns (bool) {
        uint256 topicCount = config.cachedTopicCount;
        for (uint256 i; i < topicCount; ++i) {
            CachedTopic storage entry = $.cachedTopics[i];
            address firstIssuer;
            uint256 issuerCount;
            uint64 inlineTopic;
            if (i == 0) {
                // topic 0's head was read with the configuration
                (firstIssuer, issuerCount, inlineTopic) =
                (address(config.firstIssuer), config.firstIssuerCount, config.firstInlineTopic);
            } else {
                // one read: first issuer, issuer count and (inline) topic share the slot
                (firstIssuer, issuerCount, inlineTopic) =
                (address(entry.firstIssuer), entry.issuerCount, entry.inlineTopic);
            }
            if (issuerCount == 0) return false;
            uint256 topic = inlineTopic == TOPIC_NOT_INLINE ? entry.topic : inlineTopic;
            if (_hasValidClaim(id, firstIssuer, topic)) continue;
            bool found;
            for (uint256 j = 1; j < issuerCount; ++j) {
                if (_hasValidClaim(id, address(entry.moreIssuers[j - 1]), topic)) {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }

    function _verifiedLive(Layout storage $, address id) private view returns (bool) {
        uint256[] memory topics = $.topicsRegistry.getClaimTopics();
        ITrustedIssuersRegistry issuers_ = $.issuersRegistry;
        uint256 topicCount = topics.length;
        for (uint256 i; i < topicCount; ++i) {
            uint256 topic = topics[i];
            IClaimIssuer[] memory issuers = issuers_.getTrustedIssuersForClaimTopic(topic);
            uint256 issuerCount = issuers.length;
            bool found;
            for (uint256 j; j < issuerCount; ++j) {
                if (_hasValidClaim(id, address(issuers[j]), topic)) {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }

    /// @dev Whether the claim of `issuer` on `topic` held by identity `id` is valid.
    ///      Fast path: `issuer.isHeldClaimValid(id, topic)` (IHeldClaimIssuer) answering exactly `true`,
    ///      i.e. the issuer itself has a current record of that claim (it clears it in the same
    ///      transaction as a revocation, a key change or the claim's removal): one call, two storage reads.
    ///      Otherwise (no record, or an issuer without records such as ONCHAINID's) the live check:
    ///      `id.getClaim(keccak256(abi.encode(issuer, topic)))` must return that topic and that issuer
    ///      (never trust the issuer field: ERC-3643 issue #101), and `issuer.isClaimValid(id, topic,
    ///      signature, data)` must return true. All calls are made raw: a revert, short or out-of-bounds
    ///      return data, or any answer but `true` is "not valid" (Solidity's try/catch would revert on
    ///      malformed data), and only the signature and data are copied back (the URI is never decoded).
    function _hasValidClaim(address id, address issuer, uint256 topic) private view returns (bool valid) {
        assembly ("memory-safe") {
            // Fast path: the issuer's own record of the claim (scratch memory past the free pointer).
            let ptr := mload(0x40)
            mstore(ptr, shl(224, IS_HELD_CLAIM_VALID_SELECTOR))
            mstore(add(ptr, 0x04), and(id, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x24), topic)
            if staticcall(gas(), issuer, ptr, 0x44, 0x00, 0x20) {
                valid := and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1))
            }
        }
        if (valid) return true;
        assembly ("memory-safe") {
            // The length of the `bytes` whose length word is at `offset` in the return data, or
            // 2**256 - 1 when the length word or the content is out of bounds. `size` >= 0xc0, and
            // `size` < 2**64 in practice (return data is paid for), so nothing below overflows.
            function lengthAt(offset, size) -> len {
                len := not(0)
                if lt(offset, sub(size, 0x1f)) {
                    returndatacopy(0x00, offset, 0x20)
                    let candidate := mload(0x00)
                    if iszero(gt(candidate, sub(size, add(offset, 0x20)))) { len := candidate }
                }
            }

            // ABI-encode isClaimValid(id, topic, signature, data) at `buffer`, taking signature and
            // data from the getClaim return data (whose head words are at `buffer`); returns the
            // calldata size, or 0 when either value is out of bounds.
            function encodeIsClaimValid(buffer, identityAddress, claimTopic, size) -> callSize {
                let sigOffset := mload(add(buffer, 0x60))
                let dataOffset := mload(add(buffer, 0x80))
                let sigLength := lengthAt(sigOffset, size)
                let dataLength := lengthAt(dataOffset, size)
                if and(lt(sigLength, size), lt(dataLength, size)) {
                    let sigPadded := and(add(sigLength, 0x1f), not(0x1f))
                    mstore(buffer, shl(224, IS_CLAIM_VALID_SELECTOR))
                    mstore(add(buffer, 0x04), identityAddress)
                    mstore(add(buffer, 0x24), claimTopic)
                    mstore(add(buffer, 0x44), 0x80)
                    mstore(add(buffer, 0x64), add(0xa0, sigPadded))
                    mstore(add(buffer, 0x84), sigLength)
                    // a zero word first, then the content over it: the padding stays zero
                    mstore(add(add(buffer, 0xa4), sigLength), 0)
                    returndatacopy(add(buffer, 0xa4), add(sigOffset, 0x20), sigLength)
                    let dataHead := add(add(buffer, 0xa4), sigPadded)
                    mstore(dataHead, dataLength)
                    mstore(add(add(dataHead, 0x20), dataLength), 0)
                    returndatacopy(add(dataHead, 0x20), add(dataOffset, 0x20), dataLength)
                    callSize := add(0xc4, add(sigPadded, and(add(dataLength, 0x1f), not(0x1f))))
                    // Only canonical 65-byte ECDSA signatures (s <= n/2, v in {27, 28}) are asked about:
                    // an issuer that keys revocation on raw bytes (ONCHAINID 2.2.1) would call a
                    // malleated copy of a revoked signature valid again.
                    let v := byte(0, mload(add(buffer, 0xe4)))
                    if or(
                        iszero(eq(sigLength, 65)),
                        or(gt(mload(add(buffer, 0xc4)), SECP256K1_HALF_ORDER), iszero(or(eq(v, 27), eq(v, 28))))
                    ) { callSize := 0 }
                }
            }

            id := and(id, 0xffffffffffffffffffffffffffffffffffffffff)
            issuer := and(issuer, 0xffffffffffffffffffffffffffffffffffffffff)
            // claimId = keccak256(abi.encode(issuer, topic)), hashed in the scratch space
            mstore(0x00, issuer)
            mstore(0x20, topic)
            // Temporary buffer past the free memory pointer (never allocated: nothing outlives this block).
            let ptr := mload(0x40)
            mstore(ptr, shl(224, GET_CLAIM_SELECTOR))
            mstore(add(ptr, 0x04), keccak256(0x00, 0x40))
            if staticcall(gas(), id, ptr, 0x24, 0, 0) {
                let size := returndatasize()
                // six head words: topic, scheme, issuer, offsets of signature, data and uri
                if gt(size, 0xbf) {
                    returndatacopy(ptr, 0, 0xa0)
                    // ERC-3643 #101: the claim must be about `topic` and carry `issuer` itself.
                    if and(eq(mload(ptr), topic), eq(mload(add(ptr, 0x40)), issuer)) {
                        let callSize := encodeIsClaimValid(ptr, id, topic, size)
                        if callSize {
                            // Only exactly `true` counts: a revert, a short answer or any other word does not.
                            if staticcall(gas(), issuer, ptr, callSize, 0x00, 0x20) {
                                valid := and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1))
                            }
                        }
                    }
                }
            }
        }
    }

    // ---- Policy cache ----

    /// @dev Re-read the policy; cache it when subscribed to both registries and within the caps.
    function _syncPolicy(Layout storage $) private returns (bool cached) {
        IClaimTopicsRegistry topicsRegistry_ = $.topicsRegistry;
        ITrustedIssuersRegistry issuersRegistry_ = $.issuersRegistry;
        uint256 topicCount;
        if (_isSubscribed(address(topicsRegistry_)) && _isSubscribed(address(issuersRegistry_))) {
            (cached, topicCount) = _cachePolicy($, topicsRegistry_, issuersRegistry_);
        }
        Config storage config = $.config;
        config.policyMode = cached ? POLICY_CACHED : POLICY_LIVE;
        // topicCount <= MAX_CACHED_TOPICS (15) when cached, 0 otherwise
        config.cachedTopicCount = uint8(topicCount);
        emit PolicySynced(cached, topicCount);
    }

    /// @dev Copy the topics and their trusted issuers; (false, 0) when the policy exceeds the caps.
    function _cachePolicy(
        Layout storage $,
        IClaimTopicsRegistry topicsRegistry_,
        ITrustedIssuersRegistry issuersRegistry_
    ) private returns (bool, uint256) {
        uint256[] memory topics = topicsRegistry_.getClaimTopics();
        uint256 topicCount = topics.length;
        if (topicCount > MAX_CACHED_TOPICS) return (false, 0);
        for (uint256 i; i < topicCount; ++i) {
            IClaimIssuer[] memory issuers = issuersRegistry_.getTrustedIssuersForClaimTopic(topics[i]);
            uint256 issuerCount = issuers.length;
            if (issuerCount > MAX_CACHED_ISSUERS) return (false, 0);
            CachedTopic storage entry = $.cachedTopics[i];
            uint256 topic = topics[i];
            IClaimIssuer firstIssuer = issuerCount == 0 ? IClaimIssuer(address(0)) : issuers[0];
            // topic < 2**64 - 1 fits uint64
            uint64 inlineTopic = topic < TOPIC_NOT_INLINE ? uint64(topic) : TOPIC_NOT_INLINE;
            if (inlineTopic == TOPIC_NOT_INLINE) entry.topic = topic;
            // issuerCount <= MAX_CACHED_ISSUERS (50) fits uint8
            if (i == 0) {
                Config storage config = $.config;
                (config.firstIssuer, config.firstIssuerCount, config.firstInlineTopic) =
                (firstIssuer, uint8(issuerCount), inlineTopic);
            } else {
                (entry.firstIssuer, entry.issuerCount, entry.inlineTopic) =
                (firstIssuer, uint8(issuerCount), inlineTopic);
            }
            for (uint256 j = 1; j < issuerCount; ++j) {
                entry.moreIssuers[j - 1] = issuers[j];
            }
        }
        return (true, topicCount);
    }

    /// @dev Whether `publisher.isPolicySubscriber(this)` answers exactly `true`; false for anything that
    ///      is not a publisher (no code, reverts, short or malformed answer, e.g. a T-REX registry).
    function _isSubscribed(address publisher) private view returns (bool subscribed) {
        bytes4 selector = IPolicyPublisher.isPolicySubscriber.selector;
        assembly ("memory-safe") {
            mstore(0x00, selector)
            mstore(0x04, address())
            let ok := staticcall(gas(), publisher, 0x00, 0x24, 0x00, 0x20)
            subscribed := and(and(ok, gt(returndatasize(), 0x1f)), eq(mload(0x00), 1))
        }
    }

    // ---- Wallet records ----

    /// @dev Use `identityStorage_` for the wallet records; zero or this registry: local records.
    function _setIdentityStorage(Layout storage $, address identityStorage_) private {
        bool local = identityStorage_ == address(0) || identityStorage_ == address(this);
        if (local) identityStorage_ = address(this);
        $.config.localRecords = local;
        $.identityStorage = IIdentityRegistryStorage(identityStorage_);
        emit IdentityStorageSet(identityStorage_);
    }

    function _identityOf(address wallet) private view returns (IIdentity) {
        Layout storage $ = _layout();
        if ($.config.localRecords) return $.records[wallet].identity;
        return $.identityStorage.storedIdentity(wallet);
    }

    function _countryOf(address wallet) private view returns (uint16) {
        Layout storage $ = _layout();
        if ($.config.localRecords) return $.records[wallet].country;
        return $.identityStorage.storedInvestorCountry(wallet);
    }

    /// @dev One wallet's identity and country: one read of a local record, or one storage call.
    function _investor(Layout storage $, bool local, address wallet) private view returns (IIdentity, uint16) {
        if (!local) return $.identityStorage.storedInvestor(wallet);
        Record memory record = $.records[wallet];
        return (record.identity, record.country);
    }

    /// @dev Two wallets' identities and countries: two reads of local records, or one storage call.
    function _investors(Layout storage $, bool local, address first, address second)
        private
        view
        returns (IIdentity, uint16, IIdentity, uint16)
    {
        if (!local) return $.identityStorage.storedInvestors(first, second);
        Record memory a = $.records[first];
        Record memory b = $.records[second];
        return (a.identity, a.country, b.identity, b.country);
    }

    /// @dev IdentityRegistryStorage.addIdentityToStorage on the local records (same checks and event).
    function _addRecord(Layout storage $, address wallet, IIdentity identity_, uint16 country) private {
        if (wallet == address(0) || address(identity_) == address(0)) {
            revert IIdentityRegistryStorage.IdentityRegistryStorageZeroAddress();
        }
        Record storage record = $.records[wallet];
        if (address(record.identity) != address(0)) {
            revert IIdentityRegistryStorage.IdentityRegistryStorageAlreadyStored(wallet);
        }
        (record.identity, record.country) = (identity_, country);
        emit IIdentityRegistryStorage.IdentityStored(wallet, identity_);
    }

    /// @dev IdentityRegistryStorage.removeIdentityFromStorage on the local records; returns the record.
    function _removeRecord(Layout storage $, address wallet) private returns (IIdentity identity_, uint16 country) {
        Record memory record = $.records[wallet];
        (identity_, country) = (record.identity, record.country);
        if (address(identity_) == address(0)) revert IIdentityRegistryStorage.IdentityRegistryStorageNotStored(wallet);
        delete $.records[wallet];
        emit IIdentityRegistryStorage.IdentityUnstored(wallet, identity_);
    }

    /// @dev IdentityRegistryStorage.modifyStoredInvestorCountry on the local records.
    function _modifyRecordCountry(Layout storage $, address wallet, uint16 country) private {
        Record storage record = $.records[wallet];
        if (address(record.identity) == address(0)) {
            revert IIdentityRegistryStorage.IdentityRegistryStorageNotStored(wallet);
        }
        record.country = country;
        emit IIdentityRegistryStorage.CountryModified(wallet, country);
    }

    /// @dev IdentityRegistryStorage.modifyStoredIdentity on the local records; returns the old identity
    ///      and the (unchanged) country.
    function _modifyRecordIdentity(Layout storage $, address wallet, IIdentity identity_)
        private
        returns (IIdentity oldIdentity, uint16 country)
    {
        if (address(identity_) == address(0)) {
            revert IIdentityRegistryStorage.IdentityRegistryStorageZeroAddress();
        }
        Record storage record = $.records[wallet];
        (oldIdentity, country) = (record.identity, record.country);
        if (address(oldIdentity) == address(0)) {
            revert IIdentityRegistryStorage.IdentityRegistryStorageNotStored(wallet);
        }
        record.identity = identity_;
        emit IIdentityRegistryStorage.IdentityModified(oldIdentity, identity_);
    }

    function _layout() private pure returns (Layout storage $) {
        assembly {
            $.slot := LAYOUT_SLOT
        }
    }
}

/// @title IdentityRegistry - the stand-alone registry behind its own SuiteProxy (see IdentityRegistryBase)
/// @notice Re-keying: once its owner binds the token (IStandaloneIdentityRegistry), registering,
///         updating or deleting the record of a wallet that holds tokens re-attributes its balance in
///         the token's compliance (`IModularCompliance.reattributeHolding`, a `MovementKind.Rekey`
///         movement), exactly as a TransferPolicy does in its own modules.
contract IdentityRegistry is IdentityRegistryBase, IStandaloneIdentityRegistry {
    constructor() {
        _disableInitializers();
    }

    // ---- Token binding (owner) ----

    /// @inheritdoc IStandaloneIdentityRegistry
    /// @dev Owner only, so nobody can bind a token of their own (whose compliance would then hear of
    ///      every re-key) first. The token may not be deployed yet (predicted address).
    function bindToken(address token) external onlyOwner {
        if (token == address(0)) revert IdentityRegistryZeroAddress();
        address bound = _registryToken();
        if (bound != address(0)) revert IdentityRegistryTokenBinding(bound);
        _setRegistryToken(token);
        emit IdentityRegistryTokenBound(token);
    }

    /// @inheritdoc IStandaloneIdentityRegistry
    function unbindToken(address token) external onlyOwner {
        if (token == address(0) || token != _registryToken()) revert IdentityRegistryTokenBinding(token);
        _setRegistryToken(address(0));
        emit IdentityRegistryTokenUnbound(token);
    }

    /// @inheritdoc IStandaloneIdentityRegistry
    function getTokenBound() external view returns (address) {
        return _registryToken();
    }

    // ---- Re-keying ----

    /// @dev Hands `wallet`'s balance to the bound token's compliance when its identity changed. Only
    ///      while this registry is the token's registry (the modules then key balances by its
    ///      identities). Nothing to do when the identity is unchanged, no token is bound or deployed
    ///      yet, or the wallet holds nothing. As in TransferPolicy, the token's own `deleteIdentity`
    ///      (of the lost wallet, in `recoveryAddress`) is skipped: the Recovery movement the token
    ///      reports right after carries that balance, still attributed to the old identity, to the
    ///      new wallet, so moving it here too would count it twice; its `registerIdentity` of the new
    ///      wallet is not skipped (a balance that wallet already held, attributed to the zero
    ///      identity, is not part of the Recovery movement). A compliance that rejects the call
    ///      reverts the record change: module state never drifts silently.
    function _afterRecordChanged(
        address wallet,
        IIdentity oldIdentity,
        uint16 oldCountry,
        IIdentity newIdentity,
        uint16 newCountry
    ) internal override {
        if (oldIdentity == newIdentity) return;
        address token = _registryToken();
        if (token == address(0) || token.code.length == 0) return;
        if (msg.sender == token && address(newIdentity) == address(0)) return;
        uint256 amount = IERC3643(token).balanceOf(wallet);
        if (amount == 0) return;
        if (address(IERC3643(token).identityRegistry()) != address(this)) return;
        IERC3643(token).compliance().reattributeHolding(
            wallet, address(oldIdentity), oldCountry, address(newIdentity), newCountry, amount
        );
    }

    /// @notice Initialize the proxy. The registry starts with live policy reads: it caches once the
    ///         policy registries subscribe it (their `addPolicySubscriber` syncs it).
    /// @param owner_ The account allowed to set the registries and the agents.
    /// @param trustedIssuersRegistry_ The trusted issuers registry.
    /// @param claimTopicsRegistry_ The claim topics registry.
    /// @param identityRegistryStorage_ A shared identity storage (its owner must bind this registry), or
    ///        zero for local records (see the contract notice).
    function initialize(
        address owner_,
        address trustedIssuersRegistry_,
        address claimTopicsRegistry_,
        address identityRegistryStorage_
    ) external initializer {
        __IdentityRegistry_init(owner_, trustedIssuersRegistry_, claimTopicsRegistry_, identityRegistryStorage_);
    }
}
