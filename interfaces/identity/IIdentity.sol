// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC734} from "./IERC734.sol";
import {IERC735} from "./IERC735.sol";

/// @title IIdentity - an ONCHAINID-compatible identity (ERC-734 keys + ERC-735 claims)
interface IIdentity is IERC734, IERC735 {
    /// @notice The caller lacks a key with the required purpose.
    error IdentityUnauthorizedKey(address caller, uint256 purpose);
    /// @notice `key` already holds `purpose`.
    error IdentityKeyAlreadyHasPurpose(bytes32 key, uint256 purpose);
    /// @notice `key` does not hold `purpose`.
    error IdentityKeyMissingPurpose(bytes32 key, uint256 purpose);
    /// @notice Removing the key would leave the identity without any MANAGEMENT key.
    error IdentityLastManagementKey(bytes32 key);
    /// @notice Purpose 0 or key type 0 is not a key.
    error IdentityInvalidKey(uint256 purpose, uint256 keyType);
    /// @notice No pending execution has this id.
    error IdentityUnknownExecution(uint256 executionId);
    /// @notice The execution was already approved or executed.
    error IdentityExecutionAlreadyDone(uint256 executionId);
    /// @notice A third-party claim failed `issuer.isClaimValid` when added.
    error IdentityInvalidClaim(address issuer, uint256 topic);
    /// @notice No claim has this id.
    error IdentityUnknownClaim(bytes32 claimId);
    /// @notice The identity already holds the documented maximum of keys for a purpose or claims for a topic.
    error IdentityCapReached(uint256 cap);
    /// @notice Too little gas is left to give the claim's issuer its `ISSUER_SYNC_GAS` held-claim sync.
    error IdentityIssuerSyncGas(uint256 gasLeft, uint256 required);
    /// @notice The implementation was initialized twice or used directly.
    error IdentityAlreadyInitialized();

    /// @notice Whether a self-issued claim (issuer == this identity) is valid: signed by a CLAIM key of
    ///         this identity with a canonical (low-s, v in {27,28}, 65-byte) signature.
    function isClaimValid(IIdentity identity, uint256 claimTopic, bytes calldata sig, bytes calldata data)
        external
        view
        returns (bool);
}
