// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IClaimTopicsRegistry - the claim topics a token requires (ERC-3643)
/// @notice At most 15 topics (documented cap: bounds the verification loop).
interface IClaimTopicsRegistry {
    /// @notice `claimTopic` became required.
    event ClaimTopicAdded(uint256 indexed claimTopic);
    /// @notice `claimTopic` is no longer required.
    event ClaimTopicRemoved(uint256 indexed claimTopic);

    /// @notice The topic is already required.
    error ClaimTopicsRegistryDuplicateTopic(uint256 claimTopic);
    /// @notice The topic is not required.
    error ClaimTopicsRegistryUnknownTopic(uint256 claimTopic);
    /// @notice The registry already holds `cap` topics.
    error ClaimTopicsRegistryCapReached(uint256 cap);

    /// @notice Require `claimTopic` (owner only).
    function addClaimTopic(uint256 claimTopic) external;
    /// @notice Stop requiring `claimTopic` (owner only).
    function removeClaimTopic(uint256 claimTopic) external;
    /// @notice The required topics.
    function getClaimTopics() external view returns (uint256[] memory);
}
