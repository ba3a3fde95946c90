// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ICorporateActions} from "../interfaces/corporate/ICorporateActions.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {ISequencerSentinel} from "../interfaces/oracle/ISequencerSentinel.sol";
import {Bps, Multiplier, UsdPerShare, UsdPerToken} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {IScaledUIAmount} from "../interfaces/token/IScaledUIAmount.sol";
import {ICorporateActionTarget} from "../interfaces/token/ICorporateActionTarget.sol";
import {ITokenStateObserver} from "../interfaces/token/ITokenStateObserver.sol";
import {FeedRules} from "../libraries/FeedRules.sol";
import {ReportChecks} from "../libraries/ReportChecks.sol";
import {SignedReports} from "../libraries/SignedReports.sol";

/// @title EquityPriceOracle - k-of-n signed pull reports with market hours, multipliers and jump holds
/// @notice One oracle serves every feed of the protocol (stocks and crypto). See IEquityPriceOracle for the
///         report layout and the acceptance policy.
/// @dev Storage per feed: the last accepted report in one slot (`FeedState`), its multipliers in a second
///      (`FeedMultipliers`), the read settings with the token-derived guards in a third
///      (`FeedRules.Settings`), and, read only when they change, the bound token and its multiplier
///      schedule, and a pending report while the feed holds. A consumer read is those three slots and one
///      sentinel call; a steady submit reads the global config, the three feed slots and one slot per
///      signer, and writes the state slot (and the multiplier slot only when it changes).
///      Administration is `restricted` by the protocol's AccessManager; the deployment maps `removeReporter`
///      to GUARDIAN (at once: removing a reporter never lets a weaker report pass), `configureFeed` to
///      RISK_ADMIN and the other setters to ORACLE_ADMIN, both delayed (docs/governance.md). The oracle is
///      not upgradeable: a new one is deployed and its consumers re-pointed (docs/upgrades.md).
contract EquityPriceOracle is IEquityPriceOracle, AccessManaged, EIP712 {

    // ---- Constants ----

    /// @inheritdoc IEquityPriceOracle
    uint256 public constant MAX_REPORTERS = 31;
    /// @inheritdoc IEquityPriceOracle
    uint256 public constant MAX_REPORT_AGE = 1 hours;
    /// @inheritdoc IEquityPriceOracle
    uint256 public constant MAX_FUTURE_DRIFT = 60;
    /// @inheritdoc IEquityPriceOracle
    uint256 public constant MAX_JUMP_BAND_BPS = 5_000;
    /// @inheritdoc IEquityPriceOracle
    bytes32 public constant REPORT_TYPEHASH = keccak256(
        "Report(bytes32 feedId,uint32 observedAt,uint32 expiresAt,uint8 marketStatus,uint96 price,"
        "uint96 tokenizedPrice,uint112 currentMultiplier,uint112 newMultiplier,uint32 activationTime)"
    );


    // ---- Storage ----

    /// @dev Oracle-wide settings, one slot. `reporterBits` marks the signer bits in use.
    struct Config {
        uint8 threshold;
        uint8 confirmQuorum;
        uint8 reporterCount;
        uint32 maxReportAge;
        uint32 maxFutureDrift;
        uint32 reporterBits;
    }

    /// @dev The last accepted report (one slot), and whether the feed holds a pending one.
    ///      `reopening`: a closure or halt was accepted since the last open-market report, so the next
    ///      open-market report may gap. Only a closed or halted report sets it and only an open one clears
    ///      it; an unknown-status report leaves it as it was (an in-band unknown report mid-session must
    ///      not let the next open report jump beyond the band).
    struct FeedState {
        uint96 price;
        uint96 tokenizedPrice;
        uint32 observedAt;
        MarketStatus marketStatus;
        HoldReason hold;
        bool reopening;
    }

    /// @dev The last accepted report's multipliers (one slot).
    struct FeedMultipliers {
        uint112 current;
        uint112 announced;
        uint32 activationTime;
    }

    /// @dev The report a holding feed waits to confirm (one slot, written only on a hold).
    struct PendingReport {
        uint224 pricePerToken;
        uint32 observedAt;
    }

    /// @dev A bound token's multiplier schedule as last read: `multiplier` until `effectiveAt`, `next` from
    ///      then on (`effectiveAt` 0: none pending). Multipliers are below 2**104 (the token's bounds).
    struct TokenSchedule {
        uint104 multiplier;
        uint104 next;
        uint40 effectiveAt;
    }

    Config private _config;
    address private _corporateActions;
    address private _sequencerSentinel;
    /// @dev A reporter's signer bit (a power of two below 2^MAX_REPORTERS); zero for non-reporters.
    mapping(address reporter => uint256 bit) private _reporterBits;
    mapping(bytes32 feedId => FeedRules.Settings) private _feedSettings;
    mapping(bytes32 feedId => address token) private _feedTokens;
    mapping(address token => bytes32 feedId) private _tokenFeeds;
    mapping(bytes32 feedId => TokenSchedule) private _tokenSchedules;
    mapping(bytes32 feedId => FeedState) private _feedStates;
    mapping(bytes32 feedId => FeedMultipliers) private _feedMultipliers;
    mapping(bytes32 feedId => PendingReport) private _pendingReports;

    /// @param initialAuthority The protocol's AccessManager (who may change reporters, quorums, feeds).
    /// @param reporters The initial reporters (distinct, non-zero, at most MAX_REPORTERS).
    /// @param threshold_ Signatures a report needs.
    /// @param confirmQuorum_ Signatures that confirm a held move.
    /// @param maxReportAge_ Oldest observation a submitted report may have (seconds).
    /// @param maxFutureDrift_ How far past the block time an observation may be (seconds).
    constructor(
        address initialAuthority,
        address[] memory reporters,
        uint8 threshold_,
        uint8 confirmQuorum_,
        uint32 maxReportAge_,
        uint32 maxFutureDrift_
    ) AccessManaged(initialAuthority) EIP712("dualtrack EquityPriceOracle", "1") {
        // A manager without code would lock every restricted function for good.
        if (initialAuthority.code.length == 0) revert AccessManagedInvalidAuthority(initialAuthority);
        for (uint256 i; i < reporters.length; ++i) {
            _addReporter(reporters[i]);
        }
        _setQuorums(threshold_, confirmQuorum_);
        _setReportTiming(maxReportAge_, maxFutureDrift_);
    }

    // ---- Reports ----

    /// @inheritdoc IEquityPriceOracle
    function submit(bytes calldata signedReport) external returns (Outcome outcome) {
        Config memory config = _config;
        uint256 signatures = SignedReports.signatureCount(signedReport, MAX_REPORTERS);
        (Report memory report, uint256 rawStatus) = SignedReports.decode(signedReport);
        uint256 bandBps = _feedSettings[report.feedId].jumpBandBps;
        if (bandBps == 0) revert OracleUnknownFeed(report.feedId);
        ReportChecks.checkFields(report, rawStatus);
        ReportChecks.checkTiming(report, config.maxReportAge, config.maxFutureDrift);
        FeedState memory last = _feedStates[report.feedId];
        _checkOrder(report, last);
        if (signatures < config.threshold) revert OracleReportUnderSigned(signatures, config.threshold);
        ReportChecks.checkSigners(signedReport, signatures, _digest(report), _reporterBits);

        FeedMultipliers memory multipliers = _feedMultipliers[report.feedId];
        bool byQuorum = signatures >= config.confirmQuorum;
        (bool accept, HoldReason reason) = _classify(report, last, multipliers, bandBps, byQuorum);
        if (accept) {
            _accept(report, last, multipliers, byQuorum);
            return Outcome.Accepted;
        }
        _hold(report, last, multipliers, reason);
        return Outcome.Held;
    }

    /// @inheritdoc IEquityPriceOracle
    function verifyReport(bytes calldata signedReport) external view returns (Report memory report) {
        uint256 signatures = SignedReports.signatureCount(signedReport, MAX_REPORTERS);
        uint256 rawStatus;
        (report, rawStatus) = SignedReports.decode(signedReport);
        if (_feedSettings[report.feedId].jumpBandBps == 0) revert OracleUnknownFeed(report.feedId);
        ReportChecks.checkFields(report, rawStatus);
        uint256 required = _config.threshold;
        if (signatures < required) revert OracleReportUnderSigned(signatures, required);
        ReportChecks.checkSigners(signedReport, signatures, _digest(report), _reporterBits);
    }

    /// @inheritdoc IEquityPriceOracle
    function reportDigest(Report calldata report) external view returns (bytes32) {
        return _digest(report);
    }

    /// @inheritdoc IEquityPriceOracle
    function decodeReport(bytes calldata signedReport) external pure returns (Report memory report) {
        uint256 rawStatus;
        (report, rawStatus) = SignedReports.decode(signedReport);
        if (rawStatus > uint256(type(MarketStatus).max)) revert OracleReportInvalidStatus(rawStatus);
    }

    // ---- Reads ----

    /// @inheritdoc IEquityPriceOracle
    function latestPrice(bytes32 feedId) external view returns (PriceView memory view_) {
        (view_,) = _view(feedId);
    }

    /// @inheritdoc IEquityPriceOracle
    function priceFor(bytes32 feedId, Use use) external view returns (UsdPerToken pricePerToken, uint256 observedAt) {
        ConsumerPrice memory price = _consumerPrice(feedId, _sequencerAllows());
        bool usable = use == Use.OpenRisk
            ? price.usableToOpenRisk
            : use == Use.ValueCollateral
                ? price.usableToValue
                : use == Use.Liquidate ? price.usableToLiquidate : price.usableTokenized;
        if (!usable) revert OraclePriceUnusable(feedId, use);
        return (use == Use.Tokenized ? price.tokenizedPricePerToken : price.pricePerToken, price.observedAt);
    }

    /// @inheritdoc IEquityPriceOracle
    function priceToLiquidate(bytes32 feedId, uint256 healthFactor)
        external
        view
        returns (UsdPerToken pricePerToken, uint256 observedAt)
    {
        // The sentinel is asked once: its deeply-underwater rule is the ordinary rule plus an exception.
        address sentinel = _sequencerSentinel;
        bool allowed = sentinel == address(0) || ISequencerSentinel(sentinel).isLiquidationAllowed(healthFactor);
        ConsumerPrice memory price = _consumerPrice(feedId, true);
        if (!(price.liquidatableIgnoringSequencer && allowed)) revert OraclePriceUnusable(feedId, Use.Liquidate);
        return (price.pricePerToken, price.observedAt);
    }

    /// @inheritdoc IEquityPriceOracle
    function consumerPrice(bytes32 feedId) external view returns (ConsumerPrice memory price) {
        return _consumerPrice(feedId, _sequencerAllows());
    }

    /// @inheritdoc IEquityPriceOracle
    function consumerPrices(bytes32[] calldata feedIds) external view returns (ConsumerPrice[] memory prices) {
        bool sequencerAllows = _sequencerAllows();
        prices = new ConsumerPrice[](feedIds.length);
        for (uint256 i; i < feedIds.length; ++i) {
            prices[i] = _consumerPrice(feedIds[i], sequencerAllows);
        }
    }

    /// @inheritdoc IEquityPriceOracle
    function consumerPriceIgnoringSequencer(bytes32 feedId) external view returns (ConsumerPrice memory price) {
        return _consumerPrice(feedId, true);
    }

    /// @inheritdoc IEquityPriceOracle
    function sequencerAllows() external view returns (bool) {
        return _sequencerAllows();
    }

    // ---- Token state ----

    /// @inheritdoc ITokenStateObserver
    /// @dev Only a bound token may call; it tells, the oracle reads the state back itself.
    function tokenStateChanged() external {
        bytes32 feedId = _tokenFeeds[msg.sender];
        if (feedId == bytes32(0)) revert OracleNotBoundToken(msg.sender);
        _syncToken(feedId, msg.sender);
    }

    /// @inheritdoc IEquityPriceOracle
    function syncToken(bytes32 feedId) external {
        if (_feedSettings[feedId].jumpBandBps == 0) revert OracleUnknownFeed(feedId);
        _syncToken(feedId, _feedTokens[feedId]);
    }

    /// @inheritdoc IEquityPriceOracle
    function feedOfToken(address token) external view returns (bytes32) {
        return _tokenFeeds[token];
    }

    // ---- Corporate actions ----

    /// @inheritdoc IEquityPriceOracle
    function confirmCorporateAction(bytes32 feedId) external returns (uint256 actionId) {
        address token = _feedTokens[feedId];
        address handler = _corporateActions;
        if (token == address(0) || handler == address(0)) revert OracleNoCorporateAction(feedId);
        (,, actionId) = ICorporateActions(handler).maintenance(token);
        if (actionId == 0) revert OracleNoCorporateAction(feedId);
        ICorporateActions.Action memory action = ICorporateActions(handler).getAction(actionId);
        if (action.activationTime > block.timestamp) {
            revert OracleCorporateActionNotActive(actionId, action.activationTime);
        }
        FeedState memory state = _feedStates[feedId];
        FeedMultipliers memory multipliers = _feedMultipliers[feedId];
        // Acceptance already enforced continuity of price x multiplier across the change: what remains is
        // that the accepted price is an exchange price from after activation with the token's multiplier.
        if (
            state.hold != HoldReason.None || state.marketStatus != MarketStatus.Open
                || state.observedAt < action.activationTime
                || multipliers.current != IScaledUIAmount(token).uiMultiplier()
        ) {
            revert OracleNoPostActionPrice(feedId, actionId, state.observedAt, multipliers.current);
        }
        ICorporateActions(handler).confirmPostActionPrice(actionId);
        _syncToken(feedId, token); // the window is closed now
        emit CorporateActionPriceConfirmed(
            feedId, token, actionId, UsdPerShare.wrap(state.price).perToken(Multiplier.wrap(multipliers.current))
        );
    }

    // ---- Administration (restricted) ----

    /// @inheritdoc IEquityPriceOracle
    function addReporter(address reporter) external restricted {
        _addReporter(reporter);
    }

    /// @inheritdoc IEquityPriceOracle
    function removeReporter(address reporter) external restricted {
        uint256 bit = _reporterBits[reporter];
        if (bit == 0) revert OracleReporterUnknown(reporter);
        Config memory config = _config;
        if (config.confirmQuorum > config.reporterCount - 1) {
            revert OracleQuorumsInvalid(config.threshold, config.confirmQuorum, config.reporterCount - 1);
        }
        delete _reporterBits[reporter];
        _config.reporterCount = config.reporterCount - 1;
        _config.reporterBits = uint32(config.reporterBits & ~bit);
        emit ReporterRemoved(reporter);
    }

    /// @inheritdoc IEquityPriceOracle
    function setQuorums(uint8 threshold_, uint8 confirmQuorum_) external restricted {
        _setQuorums(threshold_, confirmQuorum_);
    }

    /// @inheritdoc IEquityPriceOracle
    function setReportTiming(uint32 maxReportAge_, uint32 maxFutureDrift_) external restricted {
        _setReportTiming(maxReportAge_, maxFutureDrift_);
    }

    /// @inheritdoc IEquityPriceOracle
    /// @dev Binds the feed to `config.token` (one feed per token; rebinding releases the old token) and
    ///      reads the token's state at once.
    function configureFeed(bytes32 feedId, FeedConfig calldata config) external restricted {
        if (
            config.maxAgeToOpenRisk == 0 || config.maxAgeToValue == 0 || config.maxAgeToLiquidate == 0
                || config.maxAgeTokenized == 0 || config.jumpBandBps == 0 || config.jumpBandBps > MAX_JUMP_BAND_BPS
        ) revert OracleFeedConfigInvalid(feedId);
        address token = config.token;
        if (token != address(0)) {
            bytes32 bound = _tokenFeeds[token];
            if (bound != bytes32(0) && bound != feedId) revert OracleTokenBoundElsewhere(token, bound);
        }
        address previous = _feedTokens[feedId];
        if (previous != token) {
            if (previous != address(0)) delete _tokenFeeds[previous];
            if (token != address(0)) _tokenFeeds[token] = feedId;
            _feedTokens[feedId] = token;
        }
        FeedRules.Settings storage settings = _feedSettings[feedId];
        settings.maxAgeToOpenRisk = config.maxAgeToOpenRisk;
        settings.maxAgeToValue = config.maxAgeToValue;
        settings.maxAgeToLiquidate = config.maxAgeToLiquidate;
        settings.maxAgeTokenized = config.maxAgeTokenized;
        settings.jumpBandBps = config.jumpBandBps;
        emit FeedConfigured(feedId, config);
        _syncToken(feedId, token);
    }

    /// @inheritdoc IEquityPriceOracle
    function setCorporateActions(address handler) external restricted {
        emit CorporateActionsSet(_corporateActions, handler);
        _corporateActions = handler;
    }

    /// @inheritdoc IEquityPriceOracle
    function setSequencerSentinel(address sentinel) external restricted {
        emit SequencerSentinelSet(_sequencerSentinel, sentinel);
        _sequencerSentinel = sentinel;
    }

    // ---- Views ----

    /// @inheritdoc IEquityPriceOracle
    function isReporter(address account) external view returns (bool) {
        return _reporterBits[account] != 0;
    }

    /// @inheritdoc IEquityPriceOracle
    function reporterCount() external view returns (uint256) {
        return _config.reporterCount;
    }

    /// @inheritdoc IEquityPriceOracle
    function threshold() external view returns (uint256) {
        return _config.threshold;
    }

    /// @inheritdoc IEquityPriceOracle
    function confirmQuorum() external view returns (uint256) {
        return _config.confirmQuorum;
    }

    /// @inheritdoc IEquityPriceOracle
    function maxReportAge() external view returns (uint256) {
        return _config.maxReportAge;
    }

    /// @inheritdoc IEquityPriceOracle
    function maxFutureDrift() external view returns (uint256) {
        return _config.maxFutureDrift;
    }

    /// @inheritdoc IEquityPriceOracle
    function feedConfig(bytes32 feedId) external view returns (FeedConfig memory config) {
        FeedRules.Settings memory settings = _feedSettings[feedId];
        return FeedConfig({
            token: _feedTokens[feedId],
            maxAgeToOpenRisk: settings.maxAgeToOpenRisk,
            maxAgeToValue: settings.maxAgeToValue,
            maxAgeToLiquidate: settings.maxAgeToLiquidate,
            maxAgeTokenized: settings.maxAgeTokenized,
            jumpBandBps: settings.jumpBandBps
        });
    }

    /// @inheritdoc IEquityPriceOracle
    function lastObservedAt(bytes32 feedId) external view returns (uint256) {
        FeedState memory state = _feedStates[feedId];
        if (state.hold != HoldReason.None) return _pendingReports[feedId].observedAt;
        return state.observedAt;
    }

    /// @inheritdoc IEquityPriceOracle
    function announcedMultiplier(bytes32 feedId) external view returns (uint256 newMultiplier, uint256 activationTime) {
        FeedMultipliers memory multipliers = _feedMultipliers[feedId];
        return (multipliers.announced, multipliers.activationTime);
    }

    /// @inheritdoc IEquityPriceOracle
    function corporateActions() external view returns (address) {
        return _corporateActions;
    }

    /// @inheritdoc IEquityPriceOracle
    function sequencerSentinel() external view returns (address) {
        return _sequencerSentinel;
    }

    // ---- Internal: verification ----

    function _digest(Report memory report) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REPORT_TYPEHASH, report)));
    }

    function _checkOrder(Report memory report, FeedState memory last) private view {
        uint256 lastAt = last.observedAt;
        // A holding feed has recorded a newer (pending) report than its accepted one.
        if (last.hold != HoldReason.None) lastAt = _pendingReports[report.feedId].observedAt;
        if (report.observedAt == lastAt) revert OracleReportReplayed(report.feedId, lastAt);
        if (report.observedAt < lastAt) revert OracleReportOutOfOrder(report.feedId, report.observedAt, lastAt);
    }

    // ---- Internal: policy ----

    /// @dev Decide whether a verified report becomes the feed's price or is held pending confirmation.
    function _classify(
        Report memory report,
        FeedState memory last,
        FeedMultipliers memory multipliers,
        uint256 bandBps,
        bool byQuorum
    ) private pure returns (bool accept, HoldReason reason) {
        if (last.observedAt == 0) return (true, HoldReason.None);
        UsdPerToken candidate = UsdPerShare.wrap(report.price).perToken(Multiplier.wrap(report.currentMultiplier));
        UsdPerToken anchor = UsdPerShare.wrap(last.price).perToken(Multiplier.wrap(multipliers.current));
        bool continuous = candidate.withinBand(anchor, Bps.wrap(bandBps));
        if (report.currentMultiplier != multipliers.current) {
            // A split takes effect while the venue is closed and its last close is still pre-split: only an
            // exchange price that is continuous in value (or confirmed) may carry the new multiplier.
            accept = report.marketStatus == MarketStatus.Open && (continuous || byQuorum);
            return (accept, accept ? HoldReason.None : HoldReason.MultiplierChange);
        }
        if (last.hold == HoldReason.None && last.reopening && report.marketStatus == MarketStatus.Open) {
            // The first exchange price after a closure or a halt is news, not noise: accept the gap
            // in one report rather than crawl towards it. An unknown status is not a closure.
            return (true, HoldReason.None);
        }
        accept = continuous || byQuorum;
        return (accept, accept ? HoldReason.None : HoldReason.Jump);
    }

    function _accept(Report memory report, FeedState memory last, FeedMultipliers memory multipliers, bool byQuorum)
        private
    {
        bytes32 feedId = report.feedId;
        _feedStates[feedId] = FeedState({
            price: report.price,
            tokenizedPrice: report.tokenizedPrice,
            observedAt: report.observedAt,
            marketStatus: report.marketStatus,
            hold: HoldReason.None,
            reopening: _reopeningAfter(last.reopening, report.marketStatus)
        });
        if (
            multipliers.current != report.currentMultiplier || multipliers.announced != report.newMultiplier
                || multipliers.activationTime != report.activationTime
        ) {
            _feedMultipliers[feedId] = FeedMultipliers({
                current: report.currentMultiplier,
                announced: report.newMultiplier,
                activationTime: report.activationTime
            });
            if (multipliers.current != report.currentMultiplier) _updateMatchWindow(feedId, report.currentMultiplier);
        }
        emit ReportAccepted(
            feedId,
            report.observedAt,
            report.marketStatus,
            UsdPerShare.wrap(report.price),
            UsdPerShare.wrap(report.tokenizedPrice),
            report.currentMultiplier
        );
        if (last.hold != HoldReason.None) emit HoldReleased(feedId, report.observedAt, byQuorum);
    }

    /// @dev Whether the next open-market report may gap once a report with `status` is accepted.
    function _reopeningAfter(bool reopening, MarketStatus status) private pure returns (bool) {
        if (status == MarketStatus.Closed || status == MarketStatus.Halted) return true;
        if (status == MarketStatus.Open) return false;
        return reopening; // unknown: neither a closure nor a reopening
    }

    function _hold(Report memory report, FeedState memory last, FeedMultipliers memory multipliers, HoldReason reason)
        private
    {
        bytes32 feedId = report.feedId;
        UsdPerToken pending = UsdPerShare.wrap(report.price).perToken(Multiplier.wrap(report.currentMultiplier));
        // A uint96 price x a multiplier <= 1e30, / 1e18, stays below 2^224: the cast cannot truncate.
        _pendingReports[feedId] =
            PendingReport({pricePerToken: uint224(UsdPerToken.unwrap(pending)), observedAt: report.observedAt});
        if (last.hold != reason) _feedStates[feedId].hold = reason;
        emit ReportHeld(
            feedId, report.observedAt, reason, pending, UsdPerShare.wrap(last.price).perToken(Multiplier.wrap(multipliers.current))
        );
    }

    // ---- Internal: reads ----

    /// @dev The consumer read: three storage slots (settings, accepted report, its multiplier).
    function _consumerPrice(bytes32 feedId, bool sequencerAllows) private view returns (ConsumerPrice memory price) {
        FeedRules.Settings memory settings = _feedSettings[feedId];
        if (settings.jumpBandBps == 0) revert OracleUnknownFeed(feedId);
        FeedState memory state = _feedStates[feedId];
        Multiplier multiplier = Multiplier.wrap(_feedMultipliers[feedId].current);
        FeedRules.Usability memory u = FeedRules.usability(
            settings, state.observedAt, state.marketStatus, state.hold != HoldReason.None, block.timestamp, sequencerAllows
        );
        price.pricePerToken = UsdPerShare.wrap(state.price).perToken(multiplier);
        price.tokenizedPricePerToken = UsdPerShare.wrap(state.tokenizedPrice).perToken(multiplier);
        price.observedAt = state.observedAt;
        price.marketStatus = state.marketStatus;
        price.inMaintenance = u.inMaintenance;
        price.tokenPaused = settings.tokenPaused;
        price.usableToOpenRisk = u.openRisk;
        price.usableToValue = u.value;
        price.usableToLiquidate = u.liquidate;
        price.liquidatableIgnoringSequencer = u.liquidatableIgnoringSequencer;
        price.usableTokenized = u.tokenized;
    }

    /// @dev The full view (the consumer read plus the display fields), and whether its price passes every
    ///      liquidation rule but the sequencer's.
    function _view(bytes32 feedId) private view returns (PriceView memory view_, bool priceLiquidatable) {
        ConsumerPrice memory price = _consumerPrice(feedId, _sequencerAllows());
        FeedState memory state = _feedStates[feedId];
        FeedMultipliers memory multipliers = _feedMultipliers[feedId];
        view_.pricePerToken = price.pricePerToken;
        view_.tokenizedPricePerToken = price.tokenizedPricePerToken;
        view_.pricePerShare = UsdPerShare.wrap(state.price);
        view_.multiplier = multipliers.current;
        view_.observedAt = state.observedAt;
        view_.marketStatus = state.marketStatus;
        view_.isExchangePrice = state.marketStatus == MarketStatus.Open;
        view_.hold = state.hold;
        if (state.hold != HoldReason.None) {
            PendingReport memory pending = _pendingReports[feedId];
            view_.pendingPricePerToken = UsdPerToken.wrap(pending.pricePerToken);
            view_.pendingObservedAt = pending.observedAt;
        }
        TokenSchedule memory schedule = _tokenSchedules[feedId];
        bool switched = schedule.effectiveAt != 0 && block.timestamp >= schedule.effectiveAt;
        view_.tokenMultiplier = switched ? schedule.next : schedule.multiplier;
        view_.inMaintenance = price.inMaintenance;
        view_.usableToOpenRisk = price.usableToOpenRisk;
        view_.usableToValue = price.usableToValue;
        view_.usableToLiquidate = price.usableToLiquidate;
        view_.tokenPaused = price.tokenPaused;
        view_.usableTokenized = price.usableTokenized;
        priceLiquidatable = price.liquidatableIgnoringSequencer;
    }

    /// @dev Whether the sequencer sentinel allows new risk and ordinary liquidations (one call; both
    ///      rules are "up and the grace period passed"). No sentinel: allowed.
    function _sequencerAllows() private view returns (bool) {
        address sentinel = _sequencerSentinel;
        return sentinel == address(0) || ISequencerSentinel(sentinel).isUpAndGracePeriodPassed();
    }

    // ---- Internal: token state ----

    /// @dev Read `token`'s pause flag and multiplier schedule, and its maintenance window from
    ///      CorporateActions, into the feed's settings (a token-less feed: 1x forever, never paused).
    function _syncToken(bytes32 feedId, address token) private {
        TokenSchedule memory schedule = TokenSchedule(uint104(Constants.UNIT_MULTIPLIER), uint104(Constants.UNIT_MULTIPLIER), 0);
        bool paused;
        uint40 maintenanceFrom;
        if (token != address(0)) {
            ICorporateActionTarget.ObservedState memory state = ICorporateActionTarget(token).observedState();
            // The token keeps its multipliers within [MIN_UI_MULTIPLIER, MAX_UI_MULTIPLIER] < 2**104 and
            // activation times below 2**40.
            schedule = TokenSchedule(uint104(state.multiplier), uint104(state.nextMultiplier), uint40(state.effectiveAt));
            paused = state.paused;
            address handler = _corporateActions;
            if (handler != address(0)) {
                // An open action's window starts at `since` (perhaps later); none open: 0. A timestamp < 2**40.
                (, uint256 since,) = ICorporateActions(handler).maintenance(token);
                maintenanceFrom = uint40(since);
            }
        }
        _tokenSchedules[feedId] = schedule;
        FeedRules.Settings storage settings = _feedSettings[feedId];
        settings.tokenPaused = paused;
        settings.maintenanceFrom = maintenanceFrom;
        _updateMatchWindow(feedId, _feedMultipliers[feedId].current);
        emit TokenStateSynced(
            feedId, token, paused, schedule.multiplier, schedule.next, schedule.effectiveAt, maintenanceFrom
        );
    }

    /// @dev The window on which the accepted report's multiplier equals the token's, from the schedule.
    function _updateMatchWindow(bytes32 feedId, uint256 reportMultiplier) private {
        TokenSchedule memory schedule = _tokenSchedules[feedId];
        (uint40 from, uint40 until) =
            FeedRules.matchWindow(reportMultiplier, schedule.multiplier, schedule.next, schedule.effectiveAt);
        FeedRules.Settings storage settings = _feedSettings[feedId];
        settings.matchFrom = from;
        settings.matchUntil = until;
    }

    // ---- Internal: administration ----

    function _addReporter(address reporter) private {
        if (reporter == address(0) || _reporterBits[reporter] != 0) revert OracleReporterInvalid(reporter);
        Config memory config = _config;
        if (config.reporterCount >= MAX_REPORTERS) revert OracleReporterSetFull(MAX_REPORTERS);
        // The lowest free bit: at most MAX_REPORTERS iterations.
        uint256 bit = 1;
        while (config.reporterBits & bit != 0) bit <<= 1;
        _reporterBits[reporter] = bit;
        _config.reporterCount = config.reporterCount + 1;
        _config.reporterBits = uint32(config.reporterBits | bit);
        emit ReporterAdded(reporter);
    }

    function _setQuorums(uint8 threshold_, uint8 confirmQuorum_) private {
        uint256 reporters = _config.reporterCount;
        if (threshold_ == 0 || threshold_ > confirmQuorum_ || confirmQuorum_ > reporters) {
            revert OracleQuorumsInvalid(threshold_, confirmQuorum_, reporters);
        }
        _config.threshold = threshold_;
        _config.confirmQuorum = confirmQuorum_;
        emit QuorumsSet(threshold_, confirmQuorum_);
    }

    function _setReportTiming(uint32 maxReportAge_, uint32 maxFutureDrift_) private {
        if (maxReportAge_ == 0 || maxReportAge_ > MAX_REPORT_AGE || maxFutureDrift_ > MAX_FUTURE_DRIFT) {
            revert OracleReportTimingInvalid(maxReportAge_, maxFutureDrift_);
        }
        _config.maxReportAge = maxReportAge_;
        _config.maxFutureDrift = maxFutureDrift_;
        emit ReportTimingSet(maxReportAge_, maxFutureDrift_);
    }
}
