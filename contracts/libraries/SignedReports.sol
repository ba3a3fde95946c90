// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {Constants} from "../interfaces/types/Constants.sol";

/// @title SignedReports - the packed calldata layout of an oracle report and its compact signatures
/// @notice Layout (big-endian, no padding), 97 bytes then 64 bytes per signature:
///         | offset | bytes | field             |
///         |      0 |    32 | feedId            |
///         |     32 |     4 | observedAt        |
///         |     36 |     4 | expiresAt         |
///         |     40 |     1 | marketStatus      |
///         |     41 |    12 | price             |
///         |     53 |    12 | tokenizedPrice    |
///         |     65 |    14 | currentMultiplier |
///         |     79 |    14 | newMultiplier     |
///         |     93 |     4 | activationTime    |
///         |     97 |  64 n | (r, yParityAndS)  |  EIP-2098 compact signatures
///         Packing saves about 60% of the calldata of an ABI-encoded report, which Base bills as L1 data.
library SignedReports {
    /// @dev Length of the report part.
    uint256 internal constant REPORT_LENGTH = 97;
    /// @dev Length of one EIP-2098 compact signature.
    uint256 internal constant SIGNATURE_LENGTH = 64;
    /// @dev The s part of a compact `yParityAndS` word.
    uint256 private constant S_MASK = (1 << 255) - 1;

    /// @notice How many signatures `signed` carries; reverts `OracleReportMalformed` unless its length is
    ///         97 + 64 n with 1 <= n <= `maxSignatures`.
    function signatureCount(bytes calldata signed, uint256 maxSignatures) internal pure returns (uint256 count) {
        uint256 length = signed.length;
        if (length <= REPORT_LENGTH || (length - REPORT_LENGTH) % SIGNATURE_LENGTH != 0) {
            revert IEquityPriceOracle.OracleReportMalformed(length);
        }
        count = (length - REPORT_LENGTH) / SIGNATURE_LENGTH;
        if (count > maxSignatures) revert IEquityPriceOracle.OracleReportMalformed(length);
    }

    /// @notice Decode the report part of `signed` (which must be at least REPORT_LENGTH long). The market
    ///         status is returned raw so the caller can reject unknown codes with a clear error.
    function decode(bytes calldata signed)
        internal
        pure
        returns (IEquityPriceOracle.Report memory report, uint256 rawStatus)
    {
        if (signed.length < REPORT_LENGTH) revert IEquityPriceOracle.OracleReportMalformed(signed.length);
        bytes32 feedId;
        uint256 observedAt;
        uint256 expiresAt;
        uint256 price;
        uint256 tokenizedPrice;
        uint256 currentMultiplier;
        uint256 newMultiplier;
        uint256 activationTime;
        assembly ("memory-safe") {
            let base := signed.offset
            feedId := calldataload(base)
            // Each field is read from its own offset and shifted right to its width (256 - 8 * bytes).
            observedAt := shr(224, calldataload(add(base, 32)))
            expiresAt := shr(224, calldataload(add(base, 36)))
            rawStatus := shr(248, calldataload(add(base, 40)))
            price := shr(160, calldataload(add(base, 41)))
            tokenizedPrice := shr(160, calldataload(add(base, 53)))
            currentMultiplier := shr(144, calldataload(add(base, 65)))
            newMultiplier := shr(144, calldataload(add(base, 79)))
            activationTime := shr(224, calldataload(add(base, 93)))
        }
        report.feedId = feedId;
        // The shifts above leave each value within its field's width: the casts cannot truncate.
        report.observedAt = uint32(observedAt);
        report.expiresAt = uint32(expiresAt);
        report.price = uint96(price);
        report.tokenizedPrice = uint96(tokenizedPrice);
        report.currentMultiplier = uint112(currentMultiplier);
        report.newMultiplier = uint112(newMultiplier);
        report.activationTime = uint32(activationTime);
        if (rawStatus <= uint256(type(IEquityPriceOracle.MarketStatus).max)) {
            report.marketStatus = IEquityPriceOracle.MarketStatus(rawStatus);
        }
    }

    /// @notice The signer of compact signature `index` of `signed` over `digest` (zero if unrecoverable);
    ///         reverts `OracleReportNonCanonicalSignature` for a high-s signature.
    function signerAt(bytes calldata signed, uint256 index, bytes32 digest) internal pure returns (address) {
        bytes32 r;
        uint256 yParityAndS;
        assembly ("memory-safe") {
            let at := add(signed.offset, add(REPORT_LENGTH, mul(index, SIGNATURE_LENGTH)))
            r := calldataload(at)
            yParityAndS := calldataload(add(at, 32))
        }
        uint256 s = yParityAndS & S_MASK;
        if (s > Constants.SECP256K1_HALF_N) revert IEquityPriceOracle.OracleReportNonCanonicalSignature(index);
        // The top bit is the y parity: v is 27 or 28.
        uint8 v = uint8(27 + (yParityAndS >> 255));
        return ecrecover(digest, v, r, bytes32(s));
    }
}
