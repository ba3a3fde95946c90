// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IClaimIssuer} from "../interfaces/identity/IClaimIssuer.sol";
import {ITrustedIssuersRegistry} from "../interfaces/identity/ITrustedIssuersRegistry.sol";
import {PolicyPublisher} from "./PolicyPublisher.sol";

/// @title TrustedIssuersRegistry - which claim issuers are trusted for which topics (ERC-3643)
/// @notice At most 50 issuers, each trusted for 1 to 15 distinct topics. Both directions are kept
///         (issuer -> topics, topic -> issuers) with index maps, so `hasClaimTopic` is one read and
///         removals are O(topics of the issuer), never a scan of the issuer lists. Every change is
///         pushed to the subscribed identity registries (see PolicyPublisher).
contract TrustedIssuersRegistry is ITrustedIssuersRegistry, PolicyPublisher {
    /// @dev Documented cap on trusted issuers (bounds the issuers tried per topic).
    uint256 private constant MAX_ISSUERS = 50;
    /// @dev Documented cap on the topics one issuer is trusted for.
    uint256 private constant MAX_TOPICS_PER_ISSUER = 15;

    /// @custom:storage-location erc7201:dualtrack.storage.TrustedIssuersRegistry
    struct Layout {
        IClaimIssuer[] issuers;
        mapping(address issuer => uint256 indexPlusOne) issuerIndex;
        mapping(address issuer => uint256[] topics) issuerTopics;
        mapping(uint256 topic => IClaimIssuer[] issuers) topicIssuers;
        // position of `issuer` in topicIssuers[topic], plus one (0: not trusted for the topic)
        mapping(address issuer => mapping(uint256 topic => uint256 indexPlusOne)) topicIssuerIndex;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.TrustedIssuersRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LAYOUT_SLOT = 0x1ddcf88bc8c62ce75847ea3d9c1ddaa262a1c0099b89591a32a7a39611deac00;

    constructor() {
        _disableInitializers();
    }

    /// @notice Initialize the proxy.
    /// @param owner_ The account allowed to change trusted issuers and subscribers.
    function initialize(address owner_) external initializer {
        __Ownable_init(owner_);
    }

    // ---- Issuers (owner) ----

    /// @inheritdoc ITrustedIssuersRegistry
    function addTrustedIssuer(IClaimIssuer trustedIssuer, uint256[] calldata claimTopics) external onlyOwner {
        address issuer = address(trustedIssuer);
        if (issuer == address(0)) revert TrustedIssuersRegistryZeroIssuer();
        Layout storage $ = _layout();
        if ($.issuerIndex[issuer] != 0) revert TrustedIssuersRegistryAlreadyTrusted(issuer);
        if ($.issuers.length >= MAX_ISSUERS) revert TrustedIssuersRegistryCapReached(MAX_ISSUERS);
        $.issuers.push(trustedIssuer);
        $.issuerIndex[issuer] = $.issuers.length;
        _setTopics($, trustedIssuer, claimTopics);
        emit TrustedIssuerAdded(trustedIssuer, claimTopics);
        _publish();
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function removeTrustedIssuer(IClaimIssuer trustedIssuer) external onlyOwner {
        address issuer = address(trustedIssuer);
        Layout storage $ = _layout();
        uint256 indexPlusOne = $.issuerIndex[issuer];
        if (indexPlusOne == 0) revert TrustedIssuersRegistryNotTrusted(issuer);
        _clearTopics($, issuer);
        IClaimIssuer[] storage issuers = $.issuers;
        uint256 lastIndex = issuers.length - 1;
        if (indexPlusOne - 1 != lastIndex) {
            IClaimIssuer moved = issuers[lastIndex];
            issuers[indexPlusOne - 1] = moved;
            $.issuerIndex[address(moved)] = indexPlusOne;
        }
        issuers.pop();
        delete $.issuerIndex[issuer];
        emit TrustedIssuerRemoved(trustedIssuer);
        _publish();
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function updateIssuerClaimTopics(IClaimIssuer trustedIssuer, uint256[] calldata claimTopics)
        external
        onlyOwner
    {
        address issuer = address(trustedIssuer);
        Layout storage $ = _layout();
        if ($.issuerIndex[issuer] == 0) revert TrustedIssuersRegistryNotTrusted(issuer);
        _clearTopics($, issuer);
        _setTopics($, trustedIssuer, claimTopics);
        emit ClaimTopicsUpdated(trustedIssuer, claimTopics);
        _publish();
    }

    // ---- Views ----

    /// @inheritdoc ITrustedIssuersRegistry
    function getTrustedIssuers() external view returns (IClaimIssuer[] memory) {
        return _layout().issuers;
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function getTrustedIssuersForClaimTopic(uint256 claimTopic) external view returns (IClaimIssuer[] memory) {
        return _layout().topicIssuers[claimTopic];
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function isTrustedIssuer(address issuer) external view returns (bool) {
        return _layout().issuerIndex[issuer] != 0;
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function getTrustedIssuerClaimTopics(IClaimIssuer trustedIssuer) external view returns (uint256[] memory) {
        Layout storage $ = _layout();
        if ($.issuerIndex[address(trustedIssuer)] == 0) revert TrustedIssuersRegistryNotTrusted(address(trustedIssuer));
        return $.issuerTopics[address(trustedIssuer)];
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function hasClaimTopic(address issuer, uint256 claimTopic) external view returns (bool) {
        return _layout().topicIssuerIndex[issuer][claimTopic] != 0;
    }

    // ---- Internals ----

    /// @dev Trust `trustedIssuer` for `claimTopics` (1..15 distinct topics); the issuer has no topics yet.
    function _setTopics(Layout storage $, IClaimIssuer trustedIssuer, uint256[] calldata claimTopics) private {
        uint256 count = claimTopics.length;
        if (count == 0 || count > MAX_TOPICS_PER_ISSUER) revert TrustedIssuersRegistryInvalidTopics(count);
        address issuer = address(trustedIssuer);
        mapping(uint256 topic => uint256 indexPlusOne) storage index = $.topicIssuerIndex[issuer];
        for (uint256 i; i < count; ++i) {
            uint256 topic = claimTopics[i];
            // A duplicate finds the index written by its first occurrence.
            if (index[topic] != 0) revert TrustedIssuersRegistryInvalidTopics(count);
            IClaimIssuer[] storage topicIssuers = $.topicIssuers[topic];
            topicIssuers.push(trustedIssuer);
            index[topic] = topicIssuers.length;
        }
        $.issuerTopics[issuer] = claimTopics;
    }

    /// @dev Remove `issuer` from the issuer list of each of its topics (swap and pop) and forget its topics.
    function _clearTopics(Layout storage $, address issuer) private {
        uint256[] storage topics = $.issuerTopics[issuer];
        mapping(uint256 topic => uint256 indexPlusOne) storage index = $.topicIssuerIndex[issuer];
        uint256 count = topics.length;
        for (uint256 i; i < count; ++i) {
            uint256 topic = topics[i];
            IClaimIssuer[] storage topicIssuers = $.topicIssuers[topic];
            uint256 indexPlusOne = index[topic];
            uint256 lastIndex = topicIssuers.length - 1;
            if (indexPlusOne - 1 != lastIndex) {
                IClaimIssuer moved = topicIssuers[lastIndex];
                topicIssuers[indexPlusOne - 1] = moved;
                $.topicIssuerIndex[address(moved)][topic] = indexPlusOne;
            }
            topicIssuers.pop();
            delete index[topic];
        }
        delete $.issuerTopics[issuer];
    }

    function _layout() private pure returns (Layout storage $) {
        assembly {
            $.slot := LAYOUT_SLOT
        }
    }
}
