// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IClaimTopicsRegistry} from "../interfaces/identity/IClaimTopicsRegistry.sol";
import {PolicyPublisher} from "./PolicyPublisher.sol";

/// @title ClaimTopicsRegistry - the claim topics a token's holders must have (ERC-3643)
/// @notice At most 15 topics, no duplicates; removal is O(1) through an index map (the order of the
///         remaining topics may change). Every change is pushed to the subscribed identity registries
///         (see PolicyPublisher) so their cached policy applies it at once.
contract ClaimTopicsRegistry is IClaimTopicsRegistry, PolicyPublisher {
    /// @dev Documented cap on required topics (bounds the verification loop).
    uint256 private constant MAX_TOPICS = 15;

    /// @custom:storage-location erc7201:dualtrack.storage.ClaimTopicsRegistry
    struct Layout {
        uint256[] topics;
        mapping(uint256 topic => uint256 indexPlusOne) topicIndex;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.ClaimTopicsRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LAYOUT_SLOT = 0x751402dbe98ff8086fbbc98ca647b6e89e3cf2527bf72414be04f9db6d69f100;

    constructor() {
        _disableInitializers();
    }

    /// @notice Initialize the proxy.
    /// @param owner_ The account allowed to change topics and subscribers.
    function initialize(address owner_) external initializer {
        __Ownable_init(owner_);
    }

    // ---- Topics (owner) ----

    /// @inheritdoc IClaimTopicsRegistry
    function addClaimTopic(uint256 claimTopic) external onlyOwner {
        Layout storage $ = _layout();
        if ($.topicIndex[claimTopic] != 0) revert ClaimTopicsRegistryDuplicateTopic(claimTopic);
        if ($.topics.length >= MAX_TOPICS) revert ClaimTopicsRegistryCapReached(MAX_TOPICS);
        $.topics.push(claimTopic);
        $.topicIndex[claimTopic] = $.topics.length;
        emit ClaimTopicAdded(claimTopic);
        _publish();
    }

    /// @inheritdoc IClaimTopicsRegistry
    function removeClaimTopic(uint256 claimTopic) external onlyOwner {
        Layout storage $ = _layout();
        uint256 indexPlusOne = $.topicIndex[claimTopic];
        if (indexPlusOne == 0) revert ClaimTopicsRegistryUnknownTopic(claimTopic);
        uint256[] storage topics = $.topics;
        uint256 lastIndex = topics.length - 1;
        if (indexPlusOne - 1 != lastIndex) {
            uint256 moved = topics[lastIndex];
            topics[indexPlusOne - 1] = moved;
            $.topicIndex[moved] = indexPlusOne;
        }
        topics.pop();
        delete $.topicIndex[claimTopic];
        emit ClaimTopicRemoved(claimTopic);
        _publish();
    }

    // ---- Views ----

    /// @inheritdoc IClaimTopicsRegistry
    function getClaimTopics() external view returns (uint256[] memory) {
        return _layout().topics;
    }

    function _layout() private pure returns (Layout storage $) {
        assembly {
            $.slot := LAYOUT_SLOT
        }
    }
}
