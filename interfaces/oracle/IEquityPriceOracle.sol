// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {UsdPerShare, UsdPerToken} from "../types/Units.sol";
import {ITokenStateObserver} from "../token/ITokenStateObserver.sol";

/// @title IEquityPriceOracle - signed pull reports for tokenized equities and crypto, with market status,
///        the token multiplier, gap-safe reopening, jump pauses and a sequencer guard
/// @notice Reports follow Chainlink Data Streams v10 (tokenized assets): the venue `price`, a 24/7
///         `tokenizedPrice`, the `marketStatus`, the `currentMultiplier`, an announced `newMultiplier` with
///         its `activationTime`, and an expiry. Off-chain reporters sign a report (EIP-712, type
///         `Report`); anyone submits it with at least `threshold()` distinct reporter signatures.
///
///         Signed report layout (`submit` calldata, packed big-endian, 97 bytes then 64 per signature):
///         feedId bytes32 | observedAt uint32 | expiresAt uint32 | marketStatus uint8 | price uint96 |
///         tokenizedPrice uint96 | currentMultiplier uint112 | newMultiplier uint112 |
///         activationTime uint32 | signatures: (r bytes32, yParityAndS bytes32) x n (EIP-2098 compact).
///
///         Acceptance policy, comparing prices per token (price x multiplier) with the last accepted report:
///         - the first exchange price after a closure or a halt is accepted whatever the gap (no crawl);
///           only an accepted closed or halted report grants that gap: an unknown-status report neither
///           grants it (mid-session it must not let the next open report jump) nor withdraws it;
///         - any other move beyond the feed's `jumpBandBps` holds the feed: the report is recorded as
///           pending and nothing is usable until a report carrying `confirmQuorum()` signatures arrives
///           (or a report back within the band of the last accepted price);
///         - a change of `currentMultiplier` (a split, reverse split or stock dividend) is accepted only
///           from an open-market report whose price x multiplier is continuous with the last accepted
///           one (or carries the confirmation quorum); until then the feed holds its last price.
///
///         Reads return prices per whole token (`UsdPerToken`: see interfaces/types/Units.sol) and say
///         whether each is usable to open risk, to value collateral, to liquidate and, for markets that
///         trade while the venue is closed, whether the 24/7 tokenized price is fresh; given the
///         staleness bounds, the token's own multiplier, its corporate-action maintenance window, its
///         issuer's pause and the L2 sequencer sentinel.
///
///         The token's state (its pause flag, its multiplier schedule and its maintenance window) is
///         kept in the oracle's own storage, so a consumer read costs a few storage reads and one call
///         to the sentinel: the token tells the oracle when its state changes (ITokenStateObserver,
///         `tokenStateChanged`), the oracle reads it back from the token and CorporateActions, and
///         anyone may re-read it (`syncToken`). The multiplier switches at `effectiveAt` without a
///         transaction: the oracle stores the schedule, not the value.
interface IEquityPriceOracle is ITokenStateObserver {
    // ---- Types ----

    /// @notice The listing venue's status (Data Streams codes: 0 unknown, 1 closed, 2 open, 3 halted).
    enum MarketStatus {
        Unknown,
        Closed,
        Open,
        Halted
    }

    /// @notice What a consumer wants a price for; each use has its own staleness bound and rules.
    ///         `Tokenized` asks for the 24/7 tokenized price (never an exchange price), for markets that
    ///         trade while the venue is closed.
    enum Use {
        OpenRisk,
        ValueCollateral,
        Liquidate,
        Tokenized
    }

    /// @notice What `submit` did with a verified report.
    enum Outcome {
        Accepted,
        Held
    }

    /// @notice Why a feed is holding its last accepted price.
    enum HoldReason {
        None,
        Jump,
        MultiplierChange
    }

    /// @notice A report's fields (decoded from the packed layout; see the contract NatSpec).
    struct Report {
        bytes32 feedId;
        uint32 observedAt;
        uint32 expiresAt;
        MarketStatus marketStatus;
        uint96 price;
        uint96 tokenizedPrice;
        uint112 currentMultiplier;
        uint112 newMultiplier;
        uint32 activationTime;
    }

    /// @notice A feed's configuration.
    /// @param token The EquityToken whose `uiMultiplier()` the reports' multiplier must equal, or the zero
    ///        address for a token-less feed (crypto), whose multiplier must be 1e18.
    /// @param maxAgeToOpenRisk Oldest observation (seconds) usable to open or increase risk.
    /// @param maxAgeToValue Oldest observation (seconds) usable to value collateral.
    /// @param maxAgeToLiquidate Oldest observation (seconds) usable to liquidate.
    /// @param maxAgeTokenized Oldest observation (seconds) whose 24/7 tokenized price is usable (`Use.Tokenized`).
    /// @param jumpBandBps Largest move of the price per token between accepted reports (basis points)
    ///        taken without the confirmation quorum, except across a closure or halt.
    struct FeedConfig {
        address token;
        uint24 maxAgeToOpenRisk;
        uint24 maxAgeToValue;
        uint24 maxAgeToLiquidate;
        uint24 maxAgeTokenized;
        uint16 jumpBandBps;
    }

    /// @notice What a consumer reads.
    /// @param pricePerToken The last accepted venue price x its multiplier: the last trade while open, the
    ///        last close while closed, the halt price while halted. While the feed holds, still the last
    ///        accepted one.
    /// @param tokenizedPricePerToken The last accepted 24/7 tokenized price x multiplier (not an exchange
    ///        price).
    /// @param pricePerShare The last accepted venue price per share (before the multiplier).
    /// @param multiplier The last accepted report's `currentMultiplier`.
    /// @param observedAt The last accepted report's observation time (0: no report yet).
    /// @param marketStatus The last accepted report's market status.
    /// @param isExchangePrice Whether `pricePerToken` is a live exchange price (market open).
    /// @param hold Why the feed holds (None when not holding).
    /// @param pendingPricePerToken While holding, the pending report's price x multiplier.
    /// @param pendingObservedAt While holding, the pending report's observation time.
    /// @param tokenMultiplier The token's `uiMultiplier()` now (1e18 for a token-less feed).
    /// @param inMaintenance Whether the token is in a corporate-action maintenance window.
    /// @param usableToOpenRisk Usable to open or increase risk now.
    /// @param usableToValue Usable to value collateral now.
    /// @param usableToLiquidate Usable to liquidate now (the sequencer sentinel's ordinary rule applies;
    ///        `priceToLiquidate` also applies its deeply-underwater exception).
    /// @param tokenPaused The token's issuer paused it: it can neither move nor be sold (weigh it at zero).
    /// @param usableTokenized The 24/7 `tokenizedPricePerToken` is usable (`Use.Tokenized`).
    struct PriceView {
        UsdPerToken pricePerToken;
        UsdPerToken tokenizedPricePerToken;
        UsdPerShare pricePerShare;
        uint256 multiplier;
        uint256 observedAt;
        MarketStatus marketStatus;
        bool isExchangePrice;
        HoldReason hold;
        UsdPerToken pendingPricePerToken;
        uint256 pendingObservedAt;
        uint256 tokenMultiplier;
        bool inMaintenance;
        bool usableToOpenRisk;
        bool usableToValue;
        bool usableToLiquidate;
        bool tokenPaused;
        bool usableTokenized;
    }

    /// @notice What a consumer contract reads, cheaply (`consumerPrice`, `consumerPrices`): the prices per
    ///         whole token and their usability with every rule of `latestPrice` applied.
    /// @param pricePerToken The last trade while open, the last close while closed, the halt price.
    /// @param tokenizedPricePerToken The 24/7 tokenized price (never an exchange price).
    /// @param observedAt The accepted report's observation time (0: no report yet).
    /// @param marketStatus The accepted report's market status (`isExchangePrice` iff Open).
    /// @param inMaintenance The token is in a corporate-action maintenance window (no new risk).
    /// @param tokenPaused The issuer paused the token: weigh it at zero, make markets on it reduce-only.
    /// @param usableToOpenRisk Usable to open or increase risk (sequencer rule applied).
    /// @param usableToValue Usable to value collateral.
    /// @param usableToLiquidate Usable to liquidate an ordinary account (sequencer rule applied).
    /// @param liquidatableIgnoringSequencer The price passes every liquidation rule but the sequencer's:
    ///        a consumer applies the sentinel's `isLiquidationAllowed(healthFactor)` (its 0.95 exception)
    ///        once per transaction, after computing the account's health with these prices.
    /// @param usableTokenized The 24/7 price is fresh within `maxAgeTokenized` (and the feed does not hold,
    ///        its multiplier is the token's, the token is not paused): usable to price trading while the
    ///        venue is closed, flagged as not an exchange price.
    struct ConsumerPrice {
        UsdPerToken pricePerToken;
        UsdPerToken tokenizedPricePerToken;
        uint40 observedAt;
        MarketStatus marketStatus;
        bool inMaintenance;
        bool tokenPaused;
        bool usableToOpenRisk;
        bool usableToValue;
        bool usableToLiquidate;
        bool liquidatableIgnoringSequencer;
        bool usableTokenized;
    }

    // ---- Events ----

    /// @notice A report for `feedId` observed at `observedAt` was accepted: the feed's new price.
    event ReportAccepted(
        bytes32 indexed feedId,
        uint256 observedAt,
        MarketStatus marketStatus,
        UsdPerShare price,
        UsdPerShare tokenizedPrice,
        uint256 currentMultiplier
    );
    /// @notice A report for `feedId` was verified but held for `reason`: the feed keeps its last accepted
    ///         price (`referencePricePerToken`) and is unusable until a confirmation.
    event ReportHeld(
        bytes32 indexed feedId,
        uint256 observedAt,
        HoldReason reason,
        UsdPerToken pendingPricePerToken,
        UsdPerToken referencePricePerToken
    );
    /// @notice `feedId` stopped holding: a report was confirmed by quorum or came back within the band.
    event HoldReleased(bytes32 indexed feedId, uint256 observedAt, bool byQuorum);
    /// @notice `reporter` may sign reports.
    event ReporterAdded(address indexed reporter);
    /// @notice `reporter` may no longer sign reports.
    event ReporterRemoved(address indexed reporter);
    /// @notice The signatures a report needs, and those that confirm a held move, changed.
    event QuorumsSet(uint256 threshold, uint256 confirmQuorum);
    /// @notice How old (`maxReportAge`) or how far ahead (`maxFutureDrift`) a submitted report may be.
    event ReportTimingSet(uint256 maxReportAge, uint256 maxFutureDrift);
    /// @notice `feedId` was configured (or reconfigured).
    event FeedConfigured(bytes32 indexed feedId, FeedConfig config);
    /// @notice The CorporateActions handler whose maintenance windows the oracle honours changed.
    event CorporateActionsSet(address indexed previousHandler, address indexed newHandler);
    /// @notice The sequencer sentinel the oracle consults changed.
    event SequencerSentinelSet(address indexed previousSentinel, address indexed newSentinel);
    /// @notice `feedId` now knows `token`'s state: the pause flag, the multiplier in effect, the next one
    ///         from `effectiveAt` (0: none pending) and its maintenance window from `maintenanceFrom` (0: none).
    event TokenStateSynced(
        bytes32 indexed feedId,
        address indexed token,
        bool paused,
        uint256 multiplier,
        uint256 nextMultiplier,
        uint256 effectiveAt,
        uint256 maintenanceFrom
    );
    /// @notice The oracle confirmed a post-action price for `token`'s action `actionId`.
    event CorporateActionPriceConfirmed(
        bytes32 indexed feedId, address indexed token, uint256 indexed actionId, UsdPerToken pricePerToken
    );

    // ---- Errors: reports ----

    /// @notice The signed report's length is not 97 + 64 n bytes with 1 <= n <= MAX_REPORTERS.
    error OracleReportMalformed(uint256 length);
    /// @notice `feedId` is not configured.
    error OracleUnknownFeed(bytes32 feedId);
    /// @notice The report's market status code is not one of MarketStatus.
    error OracleReportInvalidStatus(uint256 status);
    /// @notice The report's price or multiplier is zero, or its multiplier is out of the token range.
    error OracleReportInvalidValue(bytes32 feedId, uint256 price, uint256 currentMultiplier);
    /// @notice The report was observed at `observedAt`, after `now` plus the allowed drift.
    error OracleReportFromFuture(uint256 observedAt, uint256 now);
    /// @notice The report was observed at `observedAt`, more than `maxReportAge` before `now`.
    error OracleReportStale(uint256 observedAt, uint256 now, uint256 maxReportAge);
    /// @notice The report expired at `expiresAt`, before `now`.
    error OracleReportExpired(uint256 expiresAt, uint256 now);
    /// @notice A report for `feedId` at `observedAt` was already recorded (the same report again, or a
    ///         conflicting one for the same time).
    error OracleReportReplayed(bytes32 feedId, uint256 observedAt);
    /// @notice The report is older (`observedAt`) than the feed's last recorded report (`lastObservedAt`).
    error OracleReportOutOfOrder(bytes32 feedId, uint256 observedAt, uint256 lastObservedAt);
    /// @notice The report carries `signatures` signatures; `required` are needed.
    error OracleReportUnderSigned(uint256 signatures, uint256 required);
    /// @notice Signature `index` recovers to `signer`, who is not an authorised reporter (or is invalid).
    error OracleReportWrongSigner(uint256 index, address signer);
    /// @notice Signature `index` is from `signer`, who already signed this report.
    error OracleReportDuplicateSigner(uint256 index, address signer);
    /// @notice Signature `index` is not in canonical (low-s) form.
    error OracleReportNonCanonicalSignature(uint256 index);

    // ---- Errors: reads and corporate actions ----

    /// @notice `feedId`'s price is not usable for `use` now (stale, holding, multiplier mismatch, market
    ///         status, maintenance window or sequencer).
    error OraclePriceUnusable(bytes32 feedId, Use use);
    /// @notice `feedId`'s token has no open corporate action (or the feed has no token / no handler).
    error OracleNoCorporateAction(bytes32 feedId);
    /// @notice Action `actionId` takes effect at `activationTime`, after now.
    error OracleCorporateActionNotActive(uint256 actionId, uint256 activationTime);
    /// @notice The feed has no accepted open-market report observed at or after the action's activation
    ///         with the token's new multiplier (last accepted: `observedAt`, `multiplier`).
    error OracleNoPostActionPrice(bytes32 feedId, uint256 actionId, uint256 observedAt, uint256 multiplier);

    // ---- Errors: administration ----

    /// @notice `reporter` is the zero address or already a reporter.
    error OracleReporterInvalid(address reporter);
    /// @notice `reporter` is not a reporter.
    error OracleReporterUnknown(address reporter);
    /// @notice The reporter set is full (MAX_REPORTERS).
    error OracleReporterSetFull(uint256 maxReporters);
    /// @notice Quorums must satisfy 1 <= threshold <= confirmQuorum <= reporters.
    error OracleQuorumsInvalid(uint256 threshold, uint256 confirmQuorum, uint256 reporters);
    /// @notice Report timing bounds out of range (maxReportAge in 1..MAX_REPORT_AGE, drift <= MAX_FUTURE_DRIFT).
    error OracleReportTimingInvalid(uint256 maxReportAge, uint256 maxFutureDrift);
    /// @notice A feed configuration is out of range (ages > 0, 1 <= jumpBandBps <= MAX_JUMP_BAND_BPS).
    error OracleFeedConfigInvalid(bytes32 feedId);
    /// @notice `token` is already bound to feed `feedId` (one feed per token).
    error OracleTokenBoundElsewhere(address token, bytes32 feedId);
    /// @notice `caller` is not a token any feed is bound to.
    error OracleNotBoundToken(address caller);

    // ---- Constants ----

    /// @notice The most reporters (and signatures per report): 31.
    function MAX_REPORTERS() external view returns (uint256);
    /// @notice The largest `maxReportAge` that may be set: 1 hour.
    function MAX_REPORT_AGE() external view returns (uint256);
    /// @notice The largest clock drift ahead of the chain a report may have: 60 seconds.
    function MAX_FUTURE_DRIFT() external view returns (uint256);
    /// @notice The widest jump band: 5,000 bps (50%).
    function MAX_JUMP_BAND_BPS() external view returns (uint256);
    /// @notice The EIP-712 type hash of `Report(bytes32 feedId,uint32 observedAt,uint32 expiresAt,
    ///         uint8 marketStatus,uint96 price,uint96 tokenizedPrice,uint112 currentMultiplier,
    ///         uint112 newMultiplier,uint32 activationTime)`.
    function REPORT_TYPEHASH() external view returns (bytes32);

    // ---- Reports ----

    /// @notice Verify a signed report (layout in the contract NatSpec) and record it; anyone may submit.
    /// @return outcome Accepted (the feed's new price) or Held (recorded as pending; the feed holds).
    function submit(bytes calldata signedReport) external returns (Outcome outcome);

    /// @notice The EIP-712 digest reporters sign for `report`.
    function reportDigest(Report calldata report) external view returns (bytes32);

    /// @notice Verify a signed report without storing it: a configured feed, well-formed fields and at least
    ///         `threshold` distinct reporters' signatures. Neither its age nor its order against the feed's last
    ///         report is checked: a consumer that settles at a past observation (the perp market's orders) applies
    ///         its own time rule to `report.observedAt`.
    function verifyReport(bytes calldata signedReport) external view returns (Report memory report);

    /// @notice Decode the report part of a signed report (no verification).
    function decodeReport(bytes calldata signedReport) external pure returns (Report memory report);

    // ---- Reads ----

    /// @notice Everything about `feedId`'s price now, with its usability for each use.
    function latestPrice(bytes32 feedId) external view returns (PriceView memory view_);

    /// @notice The price per token usable for `use` now and its observation time; reverts
    ///         `OraclePriceUnusable` otherwise.
    function priceFor(bytes32 feedId, Use use) external view returns (UsdPerToken pricePerToken, uint256 observedAt);

    /// @notice The price per token to liquidate an account with `healthFactor` (18 decimals): as
    ///         `priceFor(feedId, Liquidate)`, except that during the sequencer's grace period an account below
    ///         the sentinel's deeply-underwater health may still be liquidated (Aave's rule).
    function priceToLiquidate(bytes32 feedId, uint256 healthFactor)
        external
        view
        returns (UsdPerToken pricePerToken, uint256 observedAt);

    /// @notice The consumer read of `feedId` (few storage reads, the sentinel called once): every rule of
    ///         `latestPrice`, without the display fields. Reverts `OracleUnknownFeed` for an unknown feed.
    function consumerPrice(bytes32 feedId) external view returns (ConsumerPrice memory price);

    /// @notice `consumerPrice` of each of `feedIds`, with the sentinel called once for all of them (one
    ///         price per feed per transaction: a consumer valuing several assets reads them together).
    function consumerPrices(bytes32[] calldata feedIds) external view returns (ConsumerPrice[] memory prices);

    /// @notice The cheapest consumer read (three storage slots, no call out): `consumerPrice` with the
    ///         sequencer taken as allowing. A consumer that uses it applies the sentinel's rule itself, once
    ///         per transaction: `usableToOpenRisk`, `usableToLiquidate` and `usableTokenized` hold only if
    ///         `sequencerAllows()` (read once) is true too, and a liquidation of an account with health
    ///         below 0.95 may go ahead on `liquidatableIgnoringSequencer` when the sentinel's
    ///         `isLiquidationAllowed(health)` says so.
    function consumerPriceIgnoringSequencer(bytes32 feedId) external view returns (ConsumerPrice memory price);

    /// @notice Whether the sequencer sentinel allows new risk and ordinary liquidations now (up, and its
    ///         grace period after a restart passed); true without a sentinel. One call to the sentinel.
    function sequencerAllows() external view returns (bool);

    // ---- Token state ----

    /// @notice Re-read `feedId`'s token state (pause flag, multiplier schedule, maintenance window) from the
    ///         token and CorporateActions. Anyone may call: it only copies what those contracts say.
    function syncToken(bytes32 feedId) external;

    /// @notice The feed bound to `token` (zero: none).
    function feedOfToken(address token) external view returns (bytes32 feedId);

    // ---- Corporate actions ----

    /// @notice Close `feedId`'s token's maintenance window: confirms to the CorporateActions handler that
    ///         an open-market price with the token's new multiplier, continuous with the price before the
    ///         action, was accepted after activation. Anyone may call.
    function confirmCorporateAction(bytes32 feedId) external returns (uint256 actionId);

    // ---- Administration ----
    // Each is restricted by the protocol's AccessManager (`AccessManagedUnauthorized(caller)` otherwise); the
    // role each needs is wired at deployment (docs/governance.md), a delayed holder schedules the call first.

    /// @notice Authorise `reporter` to sign reports (ORACLE_ADMIN, delayed).
    function addReporter(address reporter) external;
    /// @notice Withdraw `reporter`'s authorisation; the quorums must stay reachable (GUARDIAN, at once: a
    ///         removal never lets a report with fewer valid signatures pass).
    function removeReporter(address reporter) external;
    /// @notice Set the signatures a report needs and those that confirm a held move (ORACLE_ADMIN, delayed).
    function setQuorums(uint8 threshold, uint8 confirmQuorum) external;
    /// @notice Set how old and how far ahead a submitted report may be (ORACLE_ADMIN, delayed).
    function setReportTiming(uint32 maxReportAge, uint32 maxFutureDrift) external;
    /// @notice Configure `feedId`: its token, staleness bound per use and jump band (RISK_ADMIN, delayed).
    function configureFeed(bytes32 feedId, FeedConfig calldata config) external;
    /// @notice Set the CorporateActions handler (zero: none) whose windows reads honour (ORACLE_ADMIN,
    ///         delayed).
    function setCorporateActions(address handler) external;
    /// @notice Set the sequencer sentinel (zero: none, for chains without a sequencer) (ORACLE_ADMIN,
    ///         delayed).
    function setSequencerSentinel(address sentinel) external;

    // ---- Views ----

    /// @notice Whether `account` is an authorised reporter.
    function isReporter(address account) external view returns (bool);
    /// @notice How many reporters there are.
    function reporterCount() external view returns (uint256);
    /// @notice Signatures a report needs.
    function threshold() external view returns (uint256);
    /// @notice Signatures that confirm a held move (>= threshold).
    function confirmQuorum() external view returns (uint256);
    /// @notice Oldest observation a submitted report may have, in seconds before now.
    function maxReportAge() external view returns (uint256);
    /// @notice How far past now a report's observation time may be (reporter clocks run ahead of blocks).
    function maxFutureDrift() external view returns (uint256);
    /// @notice `feedId`'s configuration (all zero if unknown).
    function feedConfig(bytes32 feedId) external view returns (FeedConfig memory);
    /// @notice The last recorded observation time of `feedId` (accepted or pending): the next report must
    ///         be newer.
    function lastObservedAt(bytes32 feedId) external view returns (uint256);
    /// @notice The announced multiplier change carried by `feedId`'s last accepted report.
    function announcedMultiplier(bytes32 feedId) external view returns (uint256 newMultiplier, uint256 activationTime);
    /// @notice The CorporateActions handler (zero: none).
    function corporateActions() external view returns (address);
    /// @notice The sequencer sentinel (zero: none).
    function sequencerSentinel() external view returns (address);
}
