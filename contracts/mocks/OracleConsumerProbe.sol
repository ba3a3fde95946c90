// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";

/// @title OracleConsumerProbe - measures what a consumer contract pays for the oracle's consumer reads
/// @notice Each figure is `gasleft()` around one call inside the probe's own transaction (no transaction
///         base). Cold: the first touch of the oracle and its slots (and the sentinel and uptime feed) in
///         the transaction; warm: the same read again. Benchmarks and tests only.
contract OracleConsumerProbe {
    /// @notice What a consumer pays: the per-feed read (sequencer applied once per transaction by the
    ///         consumer), the sequencer check itself, and the read with the sentinel inside.
    event Measured(
        uint256 readCold, uint256 readWarm, uint256 sequencerCold, uint256 withSequencerCold, uint256 withSequencerWarm
    );

    /// @notice Measure the reads of `feedId` (two transactions' worth of first touches: see the notice).
    function measure(IEquityPriceOracle oracle, bytes32 feedId)
        external
        returns (uint256 readCold, uint256 readWarm, uint256 sequencerCold)
    {
        uint256 before = gasleft();
        oracle.consumerPriceIgnoringSequencer(feedId);
        readCold = before - gasleft();
        before = gasleft();
        oracle.consumerPriceIgnoringSequencer(feedId);
        readWarm = before - gasleft();
        before = gasleft();
        oracle.sequencerAllows();
        sequencerCold = before - gasleft();
        emit Measured(readCold, readWarm, sequencerCold, 0, 0);
    }

    /// @notice Measure `consumerPrice` (the sentinel called inside) cold, then warm.
    function measureWithSequencer(IEquityPriceOracle oracle, bytes32 feedId)
        external
        returns (uint256 cold, uint256 warm)
    {
        uint256 before = gasleft();
        oracle.consumerPrice(feedId);
        cold = before - gasleft();
        before = gasleft();
        oracle.consumerPrice(feedId);
        warm = before - gasleft();
        emit Measured(0, 0, 0, cold, warm);
    }
}
