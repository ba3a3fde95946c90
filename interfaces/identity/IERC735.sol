// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IERC735 - claim holder (ONCHAINID-compatible signatures and events)
/// @notice Claim id is `keccak256(abi.encode(issuer, topic))`; the issuer signs the Ethereum
///         signed-message hash of `keccak256(abi.encode(identity, topic, data))`.
interface IERC735 {
    /// @notice A claim was added.
    event ClaimAdded(
        bytes32 indexed claimId, uint256 indexed topic, uint256 scheme, address indexed issuer, bytes signature, bytes data, string uri
    );
    /// @notice A claim was removed.
    event ClaimRemoved(
        bytes32 indexed claimId, uint256 indexed topic, uint256 scheme, address indexed issuer, bytes signature, bytes data, string uri
    );
    /// @notice A claim with an existing id was replaced.
    event ClaimChanged(
        bytes32 indexed claimId, uint256 indexed topic, uint256 scheme, address indexed issuer, bytes signature, bytes data, string uri
    );

    /// @notice Add or replace the claim of `issuer` on `topic`.
    function addClaim(
        uint256 topic,
        uint256 scheme,
        address issuer,
        bytes calldata signature,
        bytes calldata data,
        string calldata uri
    ) external returns (bytes32 claimRequestId);
    /// @notice Remove a claim by id.
    function removeClaim(bytes32 claimId) external returns (bool success);
    /// @notice A claim's fields (all zero when absent).
    function getClaim(bytes32 claimId)
        external
        view
        returns (uint256 topic, uint256 scheme, address issuer, bytes memory signature, bytes memory data, string memory uri);
    /// @notice The ids of every claim on `topic`.
    function getClaimIdsByTopic(uint256 topic) external view returns (bytes32[] memory claimIds);
}
