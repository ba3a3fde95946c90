// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {SignedReports} from "./SignedReports.sol";

/// @title ReportChecks - what a submitted report must satisfy before the oracle's policy sees it
/// @notice Each failure reverts with the oracle's own custom error, naming the offending value: a status
///         code out of range, a zero price or a multiplier outside the token bounds, a report from the
///         future, stale or expired, and any signature from a non-reporter or a reporter signing twice.
library ReportChecks {
    /// @notice Reverts unless the status code is a MarketStatus and the price and multipliers are in range.
    function checkFields(IEquityPriceOracle.Report memory report, uint256 rawStatus) internal pure {
        if (rawStatus > uint256(type(IEquityPriceOracle.MarketStatus).max)) {
            revert IEquityPriceOracle.OracleReportInvalidStatus(rawStatus);
        }
        uint256 multiplier = report.currentMultiplier;
        uint256 announced = report.newMultiplier;
        if (
            report.price == 0 || !_inBounds(multiplier) || (announced != 0 && !_inBounds(announced))
        ) revert IEquityPriceOracle.OracleReportInvalidValue(report.feedId, report.price, multiplier);
    }

    /// @notice Reverts if the report was observed more than `maxFutureDrift` ahead of the block, more than
    ///         `maxReportAge` before it, or has expired.
    function checkTiming(IEquityPriceOracle.Report memory report, uint256 maxReportAge, uint256 maxFutureDrift)
        internal
        view
    {
        uint256 observedAt = report.observedAt;
        if (observedAt > block.timestamp + maxFutureDrift) {
            revert IEquityPriceOracle.OracleReportFromFuture(observedAt, block.timestamp);
        }
        if (observedAt + maxReportAge < block.timestamp) {
            revert IEquityPriceOracle.OracleReportStale(observedAt, block.timestamp, maxReportAge);
        }
        if (report.expiresAt < block.timestamp) {
            revert IEquityPriceOracle.OracleReportExpired(report.expiresAt, block.timestamp);
        }
    }

    /// @notice Reverts unless each of the `signatures` signatures over `digest` is from a distinct
    ///         reporter (`reporterBits` gives each reporter its own bit; zero for everyone else).
    function checkSigners(
        bytes calldata signedReport,
        uint256 signatures,
        bytes32 digest,
        mapping(address => uint256) storage reporterBits
    ) internal view {
        uint256 seen;
        for (uint256 i; i < signatures; ++i) {
            address signer = SignedReports.signerAt(signedReport, i, digest);
            // ecrecover's zero address has no bit: an unrecoverable signature is a wrong signer.
            uint256 bit = reporterBits[signer];
            if (bit == 0) revert IEquityPriceOracle.OracleReportWrongSigner(i, signer);
            if (seen & bit != 0) revert IEquityPriceOracle.OracleReportDuplicateSigner(i, signer);
            seen |= bit;
        }
    }

    function _inBounds(uint256 multiplier) private pure returns (bool) {
        return multiplier >= Constants.MIN_UI_MULTIPLIER && multiplier <= Constants.MAX_UI_MULTIPLIER;
    }
}
