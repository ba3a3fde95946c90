// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {UsdPerShare, UsdPerToken} from "../interfaces/oracle/OracleTypes.sol";
import {ClaimSignatures} from "../libraries/ClaimSignatures.sol";
import {PriceMath} from "../libraries/PriceMath.sol";
import {SignedReports} from "../libraries/SignedReports.sol";
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

    /// @notice PriceMath.perToken.
    function perToken(uint256 pricePerShare, uint256 multiplier) external pure returns (uint256) {
        return UsdPerToken.unwrap(PriceMath.perToken(UsdPerShare.wrap(pricePerShare), multiplier));
    }

    /// @notice PriceMath.valueOf.
    function valueOf(uint256 pricePerToken, uint256 rawAmount) external pure returns (uint256) {
        return PriceMath.valueOf(UsdPerToken.wrap(pricePerToken), rawAmount);
    }

    /// @notice PriceMath.withinBand.
    function withinBand(uint256 candidate, uint256 anchor, uint256 bandBps) external pure returns (bool) {
        return PriceMath.withinBand(UsdPerToken.wrap(candidate), UsdPerToken.wrap(anchor), bandBps);
    }

    /// @notice SignedReports.signatureCount.
    function signatureCount(bytes calldata signed, uint256 maxSignatures) external pure returns (uint256) {
        return SignedReports.signatureCount(signed, maxSignatures);
    }

    /// @notice SignedReports.decode.
    function decodeSignedReport(bytes calldata signed)
        external
        pure
        returns (IEquityPriceOracle.Report memory report, uint256 rawStatus)
    {
        return SignedReports.decode(signed);
    }

    /// @notice SignedReports.signerAt.
    function signerAt(bytes calldata signed, uint256 index, bytes32 digest) external pure returns (address) {
        return SignedReports.signerAt(signed, index, digest);
    }
}
