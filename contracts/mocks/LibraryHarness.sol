// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ClaimSignatures} from "../libraries/ClaimSignatures.sol";
import {SuiteRoles} from "../libraries/SuiteRoles.sol";

/// @title LibraryHarness - exposes internal library functions so tests can check them directly
contract LibraryHarness {
    /// @notice ClaimSignatures.claimDigest.
    function claimDigest(address identity, uint256 topic, bytes calldata data) external pure returns (bytes32) {
        return ClaimSignatures.claimDigest(identity, topic, data);
    }

    /// @notice ClaimSignatures.recoverCanonical.
    function recoverCanonical(bytes32 digest, bytes calldata sig) external pure returns (address, bytes32) {
        return ClaimSignatures.recoverCanonical(digest, sig);
    }

    /// @notice ClaimSignatures.canonicalHash.
    function canonicalHash(bytes calldata sig) external pure returns (bool, bytes32) {
        return ClaimSignatures.canonicalHash(sig);
    }

    /// @notice Every SuiteRoles id, in SuiteFactory.Suite order.
    function roles() external pure returns (bytes32[6] memory) {
        return [
            SuiteRoles.TOKEN,
            SuiteRoles.IDENTITY_REGISTRY,
            SuiteRoles.IDENTITY_REGISTRY_STORAGE,
            SuiteRoles.CLAIM_TOPICS_REGISTRY,
            SuiteRoles.TRUSTED_ISSUERS_REGISTRY,
            SuiteRoles.MODULAR_COMPLIANCE
        ];
    }
}
