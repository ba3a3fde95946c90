// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISequencerUptimeFeed} from "../interfaces/oracle/ISequencerSentinel.sol";

/// @title MockSequencerUptimeFeed - a test double of Chainlink's L2 sequencer uptime feed
/// @notice Starts with no round (every field 0, which the sentinel reads as down). `setStatus` writes a new
///         round: answer 0 (up) or 1 (down) since `startedAt`; `setRound` writes any answer, for tests of
///         malformed feeds. Each write increments the round id and stamps `updatedAt` with the block time.
///         `startedAt` 0 keeps the "no round yet" meaning whatever the answer. Anyone may write: test use only.
contract MockSequencerUptimeFeed is ISequencerUptimeFeed {
    /// @notice A new status round was written.
    /// @param roundId The new round id (1 for the first write).
    /// @param answer 0 = up, 1 = down (any other value is malformed).
    /// @param startedAt When the status began (0 = unknown).
    event SequencerStatusRoundSet(uint80 indexed roundId, int256 answer, uint256 startedAt);

    /// @notice The answer Chainlink's feed reports while the sequencer is up.
    int256 public constant ANSWER_UP = 0;
    /// @notice The answer Chainlink's feed reports while the sequencer is down.
    int256 public constant ANSWER_DOWN = 1;

    uint80 private _roundId;
    int256 private _answer;
    uint256 private _startedAt;
    uint256 private _updatedAt;

    /// @notice Write a new round: the sequencer is `up` (answer 0) or down (answer 1) since `startedAt`.
    /// @param up Whether the sequencer is up.
    /// @param startedAt When this status began (0 represents a feed with no round yet).
    function setStatus(bool up, uint256 startedAt) external {
        _setRound(up ? ANSWER_UP : ANSWER_DOWN, startedAt);
    }

    /// @notice Write a new round with any `answer` (values other than 0 and 1 model a malformed feed).
    /// @param answer The raw answer.
    /// @param startedAt When this status began (0 = unknown).
    function setRound(int256 answer, uint256 startedAt) external {
        _setRound(answer, startedAt);
    }

    /// @inheritdoc ISequencerUptimeFeed
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return (_roundId, _answer, _startedAt, _updatedAt, _roundId);
    }

    function _setRound(int256 answer, uint256 startedAt) private {
        uint80 roundId = _roundId + 1;
        _roundId = roundId;
        _answer = answer;
        _startedAt = startedAt;
        _updatedAt = block.timestamp;
        emit SequencerStatusRoundSet(roundId, answer, startedAt);
    }
}
