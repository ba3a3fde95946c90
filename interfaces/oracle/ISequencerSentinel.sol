// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISequencerUptimeFeed - the L2 sequencer uptime source (Chainlink's L2 sequencer uptime feed shape)
/// @notice `answer` is 0 while the sequencer is up and 1 while it is down; `startedAt` is when the
///         current status began (0 if the feed has no round yet, which counts as down).
interface ISequencerUptimeFeed {
    /// @notice The latest status round.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}

/// @title ISequencerSentinel - blocks new risk and liquidations while Base's sequencer is down and for a
///        grace period after it comes back (Aave's PriceOracleSentinel rule)
/// @notice While the sequencer is down, or less than `gracePeriod()` after it came back up, users could
///         not top up or repay, and prices may have moved unseen: opening risk is blocked, and
///         liquidations are blocked except for deeply underwater accounts (health factor below
///         `DEEPLY_UNDERWATER_HEALTH`, 0.95 in 18 decimals), which Aave also liquidates at once.
interface ISequencerSentinel {
    // ---- Events ----

    /// @notice The sequencer uptime source changed.
    event SequencerUptimeFeedSet(address indexed previousFeed, address indexed newFeed);
    /// @notice The grace period after a sequencer restart changed.
    event SequencerGracePeriodSet(uint256 previousGracePeriod, uint256 newGracePeriod);

    // ---- Errors ----

    /// @notice The uptime source cannot be the zero address.
    error SequencerSentinelZeroFeed();
    /// @notice `gracePeriod` is above `MAX_GRACE_PERIOD`.
    error SequencerSentinelGracePeriodTooLong(uint256 gracePeriod, uint256 maxGracePeriod);

    // ---- Constants ----

    /// @notice The longest grace period that may be set (4 hours, Aave's cap on a reserve unpause grace).
    function MAX_GRACE_PERIOD() external view returns (uint256);
    /// @notice Health factor (18 decimals) below which an account is liquidatable even during the grace
    ///         period: 0.95e18.
    function DEEPLY_UNDERWATER_HEALTH() external view returns (uint256);

    // ---- Administration ----
    // Restricted by the protocol's AccessManager (`AccessManagedUnauthorized(caller)` otherwise; roles wired at
    // deployment, docs/governance.md).

    /// @notice Set the sequencer uptime source (ORACLE_ADMIN, delayed).
    function setUptimeFeed(address feed) external;
    /// @notice Set the grace period after a restart, at most `MAX_GRACE_PERIOD` (RISK_ADMIN, delayed).
    function setGracePeriod(uint256 gracePeriod) external;

    // ---- Views ----

    /// @notice The sequencer uptime source.
    function uptimeFeed() external view returns (address);
    /// @notice How long after the sequencer comes back new risk and ordinary liquidations stay blocked.
    function gracePeriod() external view returns (uint256);
    /// @notice The sequencer's status now: `up`, since when (`since`, 0 if unknown), and when the grace
    ///         period ends (`graceEndsAt` = since + gracePeriod while up; 0 while down).
    function sequencerStatus() external view returns (bool up, uint256 since, uint256 graceEndsAt);
    /// @notice Whether the sequencer is up and its grace period has passed.
    function isUpAndGracePeriodPassed() external view returns (bool);
    /// @notice Whether new risk (opening or increasing a position, borrowing, withdrawing margin) is allowed.
    function isNewRiskAllowed() external view returns (bool);
    /// @notice Whether an account with `healthFactor` (18 decimals) may be liquidated now: always when it
    ///         is below `DEEPLY_UNDERWATER_HEALTH`, otherwise only once the sequencer is up past its grace.
    function isLiquidationAllowed(uint256 healthFactor) external view returns (bool);
}
