// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {Bps, Multiplier, UsdPerShare, UsdPerToken, UsdValue, Wad} from "../interfaces/types/Units.sol";
import {ClaimSignatures} from "../libraries/ClaimSignatures.sol";
import {FeedRules} from "../libraries/FeedRules.sol";
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

    /// @notice Units: UsdPerShare.perToken.
    function perToken(uint256 pricePerShare, uint256 multiplier) external pure returns (uint256) {
        return UsdPerToken.unwrap(UsdPerShare.wrap(pricePerShare).perToken(Multiplier.wrap(multiplier)));
    }

    /// @notice Units: UsdPerToken.valueOf (rounded down).
    function valueOf(uint256 pricePerToken, uint256 rawAmount, uint8 decimals) external pure returns (uint256) {
        return UsdValue.unwrap(UsdPerToken.wrap(pricePerToken).valueOf(rawAmount, decimals));
    }

    /// @notice Units: UsdPerToken.valueOfUp (rounded up).
    function valueOfUp(uint256 pricePerToken, uint256 rawAmount, uint8 decimals) external pure returns (uint256) {
        return UsdValue.unwrap(UsdPerToken.wrap(pricePerToken).valueOfUp(rawAmount, decimals));
    }

    /// @notice Units: UsdPerToken.rawAmountOf (rounded down).
    function rawAmountOf(uint256 pricePerToken, uint256 value, uint8 decimals) external pure returns (uint256) {
        return UsdPerToken.wrap(pricePerToken).rawAmountOf(UsdValue.wrap(value), decimals);
    }

    /// @notice Units: UsdPerToken.withinBand.
    function withinBand(uint256 candidate, uint256 anchor, uint256 bandBps) external pure returns (bool) {
        return UsdPerToken.wrap(candidate).withinBand(UsdPerToken.wrap(anchor), Bps.wrap(bandBps));
    }

    /// @notice Units: UsdValue.mulWadDown, mulBpsDown and mulBpsUp.
    function scale(uint256 value, uint256 wad, uint256 bps) external pure returns (uint256, uint256, uint256) {
        UsdValue v = UsdValue.wrap(value);
        return (
            UsdValue.unwrap(v.mulWadDown(Wad.wrap(wad))),
            UsdValue.unwrap(v.mulBpsDown(Bps.wrap(bps))),
            UsdValue.unwrap(v.mulBpsUp(Bps.wrap(bps)))
        );
    }

    /// @notice FeedRules.matchWindow.
    function matchWindow(uint256 reportMultiplier, uint256 tokenMultiplier, uint256 next, uint256 effectiveAt)
        external
        pure
        returns (uint40 from, uint40 until)
    {
        return FeedRules.matchWindow(reportMultiplier, tokenMultiplier, next, effectiveAt);
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
