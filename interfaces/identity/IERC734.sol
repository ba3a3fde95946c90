// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IERC734 - key holder (ONCHAINID-compatible signatures and events)
/// @notice Keys are `keccak256(abi.encode(address))`; purposes 1 MANAGEMENT, 2 ACTION, 3 CLAIM;
///         key type 1 is ECDSA.
interface IERC734 {
    /// @notice An execution request was approved or rejected.
    event Approved(uint256 indexed executionId, bool approved);
    /// @notice An approved execution was performed successfully.
    event Executed(uint256 indexed executionId, address indexed to, uint256 indexed value, bytes data);
    /// @notice An execution was requested and waits for approval.
    event ExecutionRequested(uint256 indexed executionId, address indexed to, uint256 indexed value, bytes data);
    /// @notice An approved execution's call reverted.
    event ExecutionFailed(uint256 indexed executionId, address indexed to, uint256 indexed value, bytes data);
    /// @notice `key` gained `purpose`.
    event KeyAdded(bytes32 indexed key, uint256 indexed purpose, uint256 indexed keyType);
    /// @notice `key` lost `purpose`.
    event KeyRemoved(bytes32 indexed key, uint256 indexed purpose, uint256 indexed keyType);

    /// @notice Give `key` the `purpose` (MANAGEMENT key, or the identity itself, only).
    function addKey(bytes32 key, uint256 purpose, uint256 keyType) external returns (bool success);
    /// @notice Approve or reject a pending execution.
    function approve(uint256 id, bool approve) external returns (bool success);
    /// @notice Remove `purpose` from `key` (MANAGEMENT key, or the identity itself, only).
    function removeKey(bytes32 key, uint256 purpose) external returns (bool success);
    /// @notice Request a call from the identity; executed at once when the caller's key suffices.
    function execute(address to, uint256 value, bytes calldata data) external payable returns (uint256 executionId);
    /// @notice A key's purposes and type.
    function getKey(bytes32 key) external view returns (uint256[] memory purposes, uint256 keyType, bytes32 keyOut);
    /// @notice A key's purposes.
    function getKeyPurposes(bytes32 key) external view returns (uint256[] memory purposes);
    /// @notice Every key holding `purpose`.
    function getKeysByPurpose(uint256 purpose) external view returns (bytes32[] memory keys);
    /// @notice Whether `key` holds `purpose` (a MANAGEMENT key holds every purpose).
    function keyHasPurpose(bytes32 key, uint256 purpose) external view returns (bool exists);
}
