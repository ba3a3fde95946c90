// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ISequencerSentinel, ISequencerUptimeFeed} from "../interfaces/oracle/ISequencerSentinel.sol";

/// @title SequencerSentinel - Base's sequencer guard for the price oracle (Aave's PriceOracleSentinel rule)
/// @notice Reads a Chainlink-shaped L2 sequencer uptime feed. The sequencer is up when the latest round says
///         `answer == 0` and has a start time (`startedAt != 0`); no round yet, or any other answer, counts as
///         down. New risk needs the sequencer up for at least `gracePeriod()`; liquidations need the same,
///         except for accounts whose health factor is below `DEEPLY_UNDERWATER_HEALTH`, which are liquidatable
///         at once (during an outage users could not top up, so only the hopeless are liquidated early).
/// @dev A feed that reverts or returns fewer than five words reads as "no round yet" (down): a broken
///      source then blocks new risk and ordinary liquidations like an outage, while deeply underwater
///      accounts stay liquidatable, instead of making every consumer read revert. A `startedAt` in the
///      future (clock skew between the feed and this chain) never counts as passed. `graceEndsAt`
///      saturates at `type(uint256).max` rather than overflowing.
///      Administration is `restricted` by the protocol's AccessManager: the deployment maps `setUptimeFeed`
///      to ORACLE_ADMIN and `setGracePeriod` to RISK_ADMIN, both delayed (docs/governance.md). The sentinel
///      is not upgradeable: a new one is deployed and the oracle re-pointed (docs/upgrades.md).
contract SequencerSentinel is ISequencerSentinel, AccessManaged {
    // ---- Constants ----

    /// @inheritdoc ISequencerSentinel
    uint256 public constant MAX_GRACE_PERIOD = 4 hours;
    /// @inheritdoc ISequencerSentinel
    uint256 public constant DEEPLY_UNDERWATER_HEALTH = 0.95e18;

    /// @dev `latestRoundData()` returns five static words (roundId, answer, startedAt, updatedAt, answeredInRound).
    uint256 private constant ROUND_DATA_LENGTH = 5 * 32;

    // ---- Storage ----

    ISequencerUptimeFeed private _uptimeFeed;
    uint256 private _gracePeriod;

    /// @param initialAuthority The protocol's AccessManager (who may set the feed and the grace period).
    /// @param feed The sequencer uptime source (non-zero).
    /// @param gracePeriod_ Seconds after a restart during which new risk and ordinary liquidations stay
    ///        blocked, at most `MAX_GRACE_PERIOD`.
    constructor(address initialAuthority, address feed, uint256 gracePeriod_) AccessManaged(initialAuthority) {
        // A manager without code would lock every restricted function for good.
        if (initialAuthority.code.length == 0) revert AccessManagedInvalidAuthority(initialAuthority);
        _setUptimeFeed(feed);
        _setGracePeriod(gracePeriod_);
    }

    // ---- Administration (restricted) ----

    /// @inheritdoc ISequencerSentinel
    function setUptimeFeed(address feed) external restricted {
        _setUptimeFeed(feed);
    }

    /// @inheritdoc ISequencerSentinel
    function setGracePeriod(uint256 gracePeriod_) external restricted {
        _setGracePeriod(gracePeriod_);
    }

    // ---- Views ----

    /// @inheritdoc ISequencerSentinel
    function uptimeFeed() external view returns (address) {
        return address(_uptimeFeed);
    }

    /// @inheritdoc ISequencerSentinel
    function gracePeriod() external view returns (uint256) {
        return _gracePeriod;
    }

    /// @inheritdoc ISequencerSentinel
    function sequencerStatus() external view returns (bool up, uint256 since, uint256 graceEndsAt) {
        (up, since) = _readFeed();
        if (up) graceEndsAt = Math.saturatingAdd(since, _gracePeriod);
    }

    /// @inheritdoc ISequencerSentinel
    function isUpAndGracePeriodPassed() external view returns (bool) {
        return _isUpAndGracePeriodPassed();
    }

    /// @inheritdoc ISequencerSentinel
    function isNewRiskAllowed() external view returns (bool) {
        return _isUpAndGracePeriodPassed();
    }

    /// @inheritdoc ISequencerSentinel
    function isLiquidationAllowed(uint256 healthFactor) external view returns (bool) {
        return healthFactor < DEEPLY_UNDERWATER_HEALTH || _isUpAndGracePeriodPassed();
    }

    // ---- Internal ----

    /// @dev Up and at least `_gracePeriod` seconds since it came back; a future `startedAt` is not passed.
    function _isUpAndGracePeriodPassed() private view returns (bool) {
        (bool up, uint256 startedAt) = _readFeed();
        return up && block.timestamp >= startedAt && block.timestamp - startedAt >= _gracePeriod;
    }

    /// @dev The feed's latest status: up iff `answer == 0 && startedAt != 0`; `since` is the round's
    ///      `startedAt` (0 with no round yet). A reverting feed or short return data reads as (false, 0).
    ///      The words are decoded as uint256/int256 so dirty high bits in the uint80 fields cannot revert.
    function _readFeed() private view returns (bool up, uint256 since) {
        (bool ok, bytes memory data) =
            address(_uptimeFeed).staticcall(abi.encodeCall(ISequencerUptimeFeed.latestRoundData, ()));
        if (!ok || data.length < ROUND_DATA_LENGTH) return (false, 0);
        (, int256 answer, uint256 startedAt,,) = abi.decode(data, (uint256, int256, uint256, uint256, uint256));
        return (answer == 0 && startedAt != 0, startedAt);
    }

    function _setUptimeFeed(address feed) private {
        if (feed == address(0)) revert SequencerSentinelZeroFeed();
        address previous = address(_uptimeFeed);
        _uptimeFeed = ISequencerUptimeFeed(feed);
        emit SequencerUptimeFeedSet(previous, feed);
    }

    function _setGracePeriod(uint256 gracePeriod_) private {
        if (gracePeriod_ > MAX_GRACE_PERIOD) revert SequencerSentinelGracePeriodTooLong(gracePeriod_, MAX_GRACE_PERIOD);
        uint256 previous = _gracePeriod;
        _gracePeriod = gracePeriod_;
        emit SequencerGracePeriodSet(previous, gracePeriod_);
    }
}
