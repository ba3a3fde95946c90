// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ICorporateActions} from "../interfaces/corporate/ICorporateActions.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {ISequencerSentinel} from "../interfaces/oracle/ISequencerSentinel.sol";
import {UsdPerShare, UsdPerToken} from "../interfaces/oracle/OracleTypes.sol";
import {IScaledUIAmount} from "../interfaces/token/IScaledUIAmount.sol";
import {PriceMath} from "../libraries/PriceMath.sol";
import {SignedReports} from "../libraries/SignedReports.sol";

/// @title EquityPriceOracle - k-of-n signed pull reports with market hours, multipliers and jump holds
/// @notice One oracle serves every feed of the protocol (stocks and crypto). See IEquityPriceOracle for the
///         report layout and the acceptance policy.
/// @dev Storage per feed: the last accepted report in one slot (`FeedState`), its multipliers in a second
///      (`FeedMultipliers`), and a pending report only while the feed holds (`PendingReport`). A steady
///      submit reads the global config, the feed config, both feed slots and one slot per signer, and
///      writes the state slot (and the multiplier slot only when it changes).
///      Administration is `restricted` by the protocol's AccessManager; the deployment maps `removeReporter`
///      to GUARDIAN (at once: removing a reporter never lets a weaker report pass), `configureFeed` to
///      RISK_ADMIN and the other setters to ORACLE_ADMIN, both delayed (docs/governance.md). The oracle is
///      not upgradeable: a new one is deployed and its consumers re-pointed (docs/upgrades.md).
contract EquityPriceOracle is IEquityPriceOracle, AccessManaged, EIP712 {
    using PriceMath for UsdPerShare;
    using PriceMath for UsdPerToken;

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

    /// @dev The multiplier range an EquityToken accepts (its MIN_UI_MULTIPLIER and MAX_UI_MULTIPLIER).
    uint256 private constant MIN_MULTIPLIER = 1e6;
    uint256 private constant MAX_MULTIPLIER = 1e30;
    /// @dev A token-less feed's multiplier.
    uint256 private constant UNIT_MULTIPLIER = 1e18;

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

    Config private _config;
    address private _corporateActions;
    address private _sequencerSentinel;
    /// @dev A reporter's signer bit (a power of two below 2^MAX_REPORTERS); zero for non-reporters.
    mapping(address reporter => uint256 bit) private _reporterBits;
    mapping(bytes32 feedId => FeedConfig) private _feedConfigs;
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
        FeedConfig memory feed = _feedConfigs[report.feedId];
        if (feed.jumpBandBps == 0) revert OracleUnknownFeed(report.feedId);
        _checkFields(report, rawStatus);
        _checkTiming(report, config);
        FeedState memory last = _feedStates[report.feedId];
        _checkOrder(report, last);
        if (signatures < config.threshold) revert OracleReportUnderSigned(signatures, config.threshold);
        _verifySignatures(signedReport, signatures, _digest(report));

        FeedMultipliers memory multipliers = _feedMultipliers[report.feedId];
        bool byQuorum = signatures >= config.confirmQuorum;
        (bool accept, HoldReason reason) = _classify(report, last, multipliers, feed.jumpBandBps, byQuorum);
        if (accept) {
            _accept(report, last, multipliers, byQuorum);
            return Outcome.Accepted;
        }
        _hold(report, last, multipliers, reason);
        return Outcome.Held;
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
        (view_,) = _read(feedId);
    }

    /// @inheritdoc IEquityPriceOracle
    function priceFor(bytes32 feedId, Use use) external view returns (UsdPerToken pricePerToken, uint256 observedAt) {
        (PriceView memory view_,) = _read(feedId);
        bool usable = use == Use.OpenRisk
            ? view_.usableToOpenRisk
            : use == Use.ValueCollateral ? view_.usableToValue : view_.usableToLiquidate;
        if (!usable) revert OraclePriceUnusable(feedId, use);
        return (view_.pricePerToken, view_.observedAt);
    }

    /// @inheritdoc IEquityPriceOracle
    function priceToLiquidate(bytes32 feedId, uint256 healthFactor)
        external
        view
        returns (UsdPerToken pricePerToken, uint256 observedAt)
    {
        (PriceView memory view_, bool priceLiquidatable) = _read(feedId);
        // The sentinel lets a deeply underwater account go during the grace period; the price itself must
        // still pass every other liquidation rule. (Without a sentinel the two flags are equal, so the
        // sentinel is only called when there is one.)
        bool usable = view_.usableToLiquidate
            || (priceLiquidatable && ISequencerSentinel(_sequencerSentinel).isLiquidationAllowed(healthFactor));
        if (!usable) revert OraclePriceUnusable(feedId, Use.Liquidate);
        return (view_.pricePerToken, view_.observedAt);
    }

    // ---- Corporate actions ----

    /// @inheritdoc IEquityPriceOracle
    function confirmCorporateAction(bytes32 feedId) external returns (uint256 actionId) {
        FeedConfig memory feed = _feedConfigs[feedId];
        address handler = _corporateActions;
        if (feed.token == address(0) || handler == address(0)) revert OracleNoCorporateAction(feedId);
        (,, actionId) = ICorporateActions(handler).maintenance(feed.token);
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
                || multipliers.current != IScaledUIAmount(feed.token).uiMultiplier()
        ) {
            revert OracleNoPostActionPrice(feedId, actionId, state.observedAt, multipliers.current);
        }
        ICorporateActions(handler).confirmPostActionPrice(actionId);
        emit CorporateActionPriceConfirmed(
            feedId, feed.token, actionId, UsdPerShare.wrap(state.price).perToken(multipliers.current)
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
    function configureFeed(bytes32 feedId, FeedConfig calldata config) external restricted {
        if (
            config.maxAgeToOpenRisk == 0 || config.maxAgeToValue == 0 || config.maxAgeToLiquidate == 0
                || config.jumpBandBps == 0 || config.jumpBandBps > MAX_JUMP_BAND_BPS
        ) revert OracleFeedConfigInvalid(feedId);
        _feedConfigs[feedId] = config;
        emit FeedConfigured(feedId, config);
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
    function feedConfig(bytes32 feedId) external view returns (FeedConfig memory) {
        return _feedConfigs[feedId];
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

    function _checkFields(Report memory report, uint256 rawStatus) private pure {
        if (rawStatus > uint256(type(MarketStatus).max)) revert OracleReportInvalidStatus(rawStatus);
        uint256 multiplier = report.currentMultiplier;
        uint256 announced = report.newMultiplier;
        if (
            report.price == 0 || multiplier < MIN_MULTIPLIER || multiplier > MAX_MULTIPLIER
                || (announced != 0 && (announced < MIN_MULTIPLIER || announced > MAX_MULTIPLIER))
        ) revert OracleReportInvalidValue(report.feedId, report.price, multiplier);
    }

    function _checkTiming(Report memory report, Config memory config) private view {
        uint256 observedAt = report.observedAt;
        if (observedAt > block.timestamp + config.maxFutureDrift) {
            revert OracleReportFromFuture(observedAt, block.timestamp);
        }
        if (observedAt + config.maxReportAge < block.timestamp) {
            revert OracleReportStale(observedAt, block.timestamp, config.maxReportAge);
        }
        if (report.expiresAt < block.timestamp) revert OracleReportExpired(report.expiresAt, block.timestamp);
    }

    function _checkOrder(Report memory report, FeedState memory last) private view {
        uint256 lastAt = last.observedAt;
        // A holding feed has recorded a newer (pending) report than its accepted one.
        if (last.hold != HoldReason.None) lastAt = _pendingReports[report.feedId].observedAt;
        if (report.observedAt == lastAt) revert OracleReportReplayed(report.feedId, lastAt);
        if (report.observedAt < lastAt) revert OracleReportOutOfOrder(report.feedId, report.observedAt, lastAt);
    }

    function _verifySignatures(bytes calldata signedReport, uint256 signatures, bytes32 digest) private view {
        uint256 seen;
        for (uint256 i; i < signatures; ++i) {
            address signer = SignedReports.signerAt(signedReport, i, digest);
            // ecrecover's zero address has no bit: an unrecoverable signature is a wrong signer.
            uint256 bit = _reporterBits[signer];
            if (bit == 0) revert OracleReportWrongSigner(i, signer);
            if (seen & bit != 0) revert OracleReportDuplicateSigner(i, signer);
            seen |= bit;
        }
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
        UsdPerToken candidate = UsdPerShare.wrap(report.price).perToken(report.currentMultiplier);
        UsdPerToken anchor = UsdPerShare.wrap(last.price).perToken(multipliers.current);
        bool continuous = candidate.withinBand(anchor, bandBps);
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
        UsdPerToken pending = UsdPerShare.wrap(report.price).perToken(report.currentMultiplier);
        // A uint96 price x a multiplier <= 1e30, / 1e18, stays below 2^224: the cast cannot truncate.
        _pendingReports[feedId] =
            PendingReport({pricePerToken: uint224(UsdPerToken.unwrap(pending)), observedAt: report.observedAt});
        if (last.hold != reason) _feedStates[feedId].hold = reason;
        emit ReportHeld(
            feedId, report.observedAt, reason, pending, UsdPerShare.wrap(last.price).perToken(multipliers.current)
        );
    }

    // ---- Internal: reads ----

    /// @dev The consumer view of `feedId`, and whether its price passes every liquidation rule but the
    ///      sequencer sentinel's (for the deeply-underwater exception).
    function _read(bytes32 feedId) private view returns (PriceView memory view_, bool priceLiquidatable) {
        FeedConfig memory feed = _feedConfigs[feedId];
        if (feed.jumpBandBps == 0) revert OracleUnknownFeed(feedId);
        FeedState memory state = _feedStates[feedId];
        FeedMultipliers memory multipliers = _feedMultipliers[feedId];

        view_.pricePerShare = UsdPerShare.wrap(state.price);
        view_.multiplier = multipliers.current;
        view_.pricePerToken = view_.pricePerShare.perToken(multipliers.current);
        view_.tokenizedPricePerToken = UsdPerShare.wrap(state.tokenizedPrice).perToken(multipliers.current);
        view_.observedAt = state.observedAt;
        view_.marketStatus = state.marketStatus;
        view_.isExchangePrice = state.marketStatus == MarketStatus.Open;
        view_.hold = state.hold;
        if (state.hold != HoldReason.None) {
            PendingReport memory pending = _pendingReports[feedId];
            view_.pendingPricePerToken = UsdPerToken.wrap(pending.pricePerToken);
            view_.pendingObservedAt = pending.observedAt;
        }
        view_.tokenMultiplier = feed.token == address(0) ? UNIT_MULTIPLIER : IScaledUIAmount(feed.token).uiMultiplier();
        address handler = _corporateActions;
        view_.inMaintenance =
            feed.token != address(0) && handler != address(0) && ICorporateActions(handler).isInMaintenance(feed.token);

        // A price is usable only if it exists, the feed does not hold, and its multiplier is the token's.
        if (state.observedAt == 0 || state.hold != HoldReason.None || multipliers.current != view_.tokenMultiplier) {
            return (view_, false);
        }
        // Reporter clocks may run up to maxFutureDrift ahead of the block: such a report has age zero.
        uint256 age = block.timestamp > state.observedAt ? block.timestamp - state.observedAt : 0;
        MarketStatus status = state.marketStatus;
        // A halted venue has no price to liquidate at; a closed one has its last close (flagged).
        priceLiquidatable =
            (status == MarketStatus.Open || status == MarketStatus.Closed) && age <= feed.maxAgeToLiquidate;
        (bool riskAllowed, bool liquidationAllowed) = _sequencerAllows();
        view_.usableToOpenRisk =
            status == MarketStatus.Open && age <= feed.maxAgeToOpenRisk && !view_.inMaintenance && riskAllowed;
        view_.usableToValue = status != MarketStatus.Unknown && age <= feed.maxAgeToValue;
        view_.usableToLiquidate = priceLiquidatable && liquidationAllowed;
    }

    /// @dev (new risk allowed, ordinary liquidations allowed) by the sequencer sentinel (both without one).
    function _sequencerAllows() private view returns (bool riskAllowed, bool liquidationAllowed) {
        address sentinel = _sequencerSentinel;
        if (sentinel == address(0)) return (true, true);
        riskAllowed = ISequencerSentinel(sentinel).isNewRiskAllowed();
        liquidationAllowed = ISequencerSentinel(sentinel).isUpAndGracePeriodPassed();
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
