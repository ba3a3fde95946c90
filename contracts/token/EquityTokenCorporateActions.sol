// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {IScaledUIAmount} from "../interfaces/token/IScaledUIAmount.sol";
import {IBalanceSnapshots} from "../interfaces/token/IBalanceSnapshots.sol";
import {ICorporateActionTarget} from "../interfaces/token/ICorporateActionTarget.sol";
import {IRecoveryRecord} from "../interfaces/token/IRecoveryRecord.sol";
import {BalanceCheckpoints} from "../libraries/BalanceCheckpoints.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {EquityTokenState} from "./EquityTokenState.sol";

/// @title EquityTokenCorporateActions - the token's corporate-action surface (ICorporateActionTarget)
/// @notice Runs only inside an EquityToken, which delegatecalls it from its fallback: it reads and
///         writes the token's storage (EquityTokenState) and the token's owner (OwnableUpgradeable's
///         namespace). Called directly it sees its own empty storage, so every state change reverts
///         (no owner, no corporate-action agent). The ERC-8056 multiplier never touches a raw balance;
///         snapshot scheduling only sets record times, which the token's movements checkpoint lazily.
///         It also serves the token's recovery record (IRecoveryRecord), written by `recoveryAddress`.
contract EquityTokenCorporateActions is EquityTokenState, ICorporateActionTarget, OwnableUpgradeable {
    using BalanceCheckpoints for BalanceCheckpoints.Checkpoint[];


    /// @inheritdoc ICorporateActionTarget
    uint256 public constant MIN_UI_MULTIPLIER = Constants.MIN_UI_MULTIPLIER;
    /// @inheritdoc ICorporateActionTarget
    uint256 public constant MAX_UI_MULTIPLIER = Constants.MAX_UI_MULTIPLIER;
    /// @inheritdoc ICorporateActionTarget
    uint256 public constant MAX_PENDING_SNAPSHOTS = 8;
    /// @inheritdoc IRecoveryRecord
    uint256 public constant MAX_RECOVERY_HOPS = 16;

    constructor() {
        _disableInitializers();
    }

    modifier onlyCorporateActionAgent() {
        if (!_store().corporateActionAgents[msg.sender]) revert CorporateActionTargetNotAgent(msg.sender);
        _;
    }

    /// @inheritdoc ICorporateActionTarget
    function setCorporateActionAgent(address agent, bool enabled) external onlyOwner {
        if (agent == address(0)) revert CorporateActionTargetZeroAddress();
        _store().corporateActionAgents[agent] = enabled;
        emit CorporateActionAgentSet(agent, enabled);
    }

    /// @inheritdoc ICorporateActionTarget
    function isCorporateActionAgent(address account) external view returns (bool) {
        return _store().corporateActionAgents[account];
    }

    /// @inheritdoc ICorporateActionTarget
    function scheduleUIMultiplier(uint256 newMultiplier, uint256 effectiveAt_) external onlyCorporateActionAgent {
        if (newMultiplier < MIN_UI_MULTIPLIER || newMultiplier > MAX_UI_MULTIPLIER) {
            revert ScaledUIAmountInvalidMultiplier(newMultiplier);
        }
        if (effectiveAt_ <= block.timestamp || effectiveAt_ > type(uint40).max) {
            revert ScaledUIAmountInvalidEffectiveAt(effectiveAt_, block.timestamp);
        }
        EquityTokenStorage storage $ = _store();
        UIMultiplier memory m = $.multiplier;
        if (m.effectiveAt > block.timestamp) revert ScaledUIAmountChangePending(m.next, m.effectiveAt);
        uint256 inEffect = _multiplierNow(m);
        // Both multipliers are within [MIN_UI_MULTIPLIER, MAX_UI_MULTIPLIER] (< 2**104) or 1e18.
        $.multiplier = UIMultiplier(uint104(inEffect), uint104(newMultiplier), uint40(effectiveAt_));
        emit UIMultiplierUpdated(inEffect, newMultiplier, effectiveAt_);
        _notifyStateObserver($);
    }

    /// @inheritdoc ICorporateActionTarget
    function cancelUIMultiplier() external onlyCorporateActionAgent {
        EquityTokenStorage storage $ = _store();
        UIMultiplier memory m = $.multiplier;
        if (m.effectiveAt <= block.timestamp) revert ScaledUIAmountNothingPending();
        $.multiplier = UIMultiplier(m.current, m.current, 0);
        emit UIMultiplierCancelled(m.next, m.effectiveAt);
        _notifyStateObserver($);
    }

    /// @inheritdoc ICorporateActionTarget
    function setStateObserver(address observer) external onlyOwner {
        _store().stateObserver = observer;
        emit StateObserverSet(observer);
    }

    /// @inheritdoc ICorporateActionTarget
    function stateObserver() external view returns (address) {
        return _store().stateObserver;
    }

    /// @inheritdoc ICorporateActionTarget
    function observedState() external view returns (ObservedState memory state) {
        EquityTokenStorage storage $ = _store();
        UIMultiplier memory m = $.multiplier;
        state.paused = $.paused;
        state.multiplier = _multiplierNow(m);
        bool pending = m.effectiveAt > block.timestamp;
        state.nextMultiplier = pending ? m.next : state.multiplier;
        state.effectiveAt = pending ? m.effectiveAt : 0;
    }

    /// @inheritdoc IScaledUIAmount
    function uiMultiplier() public view returns (uint256) {
        return _multiplierNow(_store().multiplier);
    }

    /// @inheritdoc IScaledUIAmount
    function newUIMultiplier() external view returns (uint256) {
        UIMultiplier memory m = _store().multiplier;
        return m.effectiveAt == 0 ? _multiplierNow(m) : m.next;
    }

    /// @inheritdoc IScaledUIAmount
    function effectiveAt() external view returns (uint256) {
        return _store().multiplier.effectiveAt;
    }

    /// @inheritdoc IScaledUIAmount
    /// @dev Exact for every raw amount up to 2**156 (the multiplier is below 2**100); larger inputs
    ///      revert with an arithmetic panic rather than wrap.
    function toUIAmount(uint256 rawAmount) public view returns (uint256) {
        return rawAmount * uiMultiplier() / Constants.WAD;
    }

    /// @inheritdoc IScaledUIAmount
    /// @dev Exact for every UI amount up to 2**196; larger inputs revert with an arithmetic panic.
    function fromUIAmount(uint256 uiAmount) external view returns (uint256) {
        return uiAmount * Constants.WAD / uiMultiplier();
    }

    /// @inheritdoc IScaledUIAmount
    function balanceOfUI(address account) external view returns (uint256) {
        return toUIAmount(_store().accounts[account].balance);
    }

    /// @inheritdoc IBalanceSnapshots
    function scheduleSnapshot(uint256 recordTime) external onlyCorporateActionAgent returns (uint256 snapshotId) {
        if (recordTime <= block.timestamp || recordTime > type(uint40).max) {
            revert BalanceSnapshotsInvalidRecordTime(recordTime, block.timestamp);
        }
        EquityTokenStorage storage $ = _store();
        uint256 taken = _syncSnapshots($);
        uint40[] storage times = $.snapshotTimes;
        uint256 count = times.length;
        if (count != 0 && recordTime <= times[count - 1]) revert BalanceSnapshotsOutOfOrder(recordTime, times[count - 1]);
        // Pending ones are bounded (the sync scans them); the ids fit the account slot's 24 bits.
        if (count - taken >= MAX_PENDING_SNAPSHOTS) revert BalanceSnapshotsCapReached(MAX_PENDING_SNAPSHOTS);
        if (count == type(uint24).max) revert BalanceSnapshotsCapReached(type(uint24).max);
        times.push(uint40(recordTime));
        if (count == taken) $.nextRecordTime = uint40(recordTime);
        snapshotId = count + 1;
        emit SnapshotScheduled(snapshotId, recordTime);
    }

    /// @inheritdoc IBalanceSnapshots
    function snapshotTime(uint256 snapshotId) external view returns (uint256) {
        uint40[] storage times = _store().snapshotTimes;
        if (snapshotId == 0 || snapshotId > times.length) revert BalanceSnapshotsUnknown(snapshotId);
        return times[snapshotId - 1];
    }

    /// @inheritdoc IBalanceSnapshots
    function lastTakenSnapshot() external view returns (uint256) {
        return _takenSnapshotView(_store());
    }

    /// @inheritdoc IBalanceSnapshots
    function snapshotCount() external view returns (uint256) {
        return _store().snapshotTimes.length;
    }

    /// @inheritdoc IBalanceSnapshots
    function balanceAt(address account, uint256 snapshotId) external view returns (uint256) {
        EquityTokenStorage storage $ = _store();
        _requireTaken($, snapshotId);
        Account memory a = $.accounts[account];
        return $.balanceHistory[account].balanceAt(a.snapshotSynced, snapshotId, a.balance);
    }

    /// @inheritdoc IBalanceSnapshots
    function totalSupplyAt(uint256 snapshotId) external view returns (uint256) {
        EquityTokenStorage storage $ = _store();
        _requireTaken($, snapshotId);
        return $.supplyHistory.balanceAt($.supplySnapshotSynced, snapshotId, $.totalSupply);
    }

    /// @inheritdoc ICorporateActionTarget
    /// @dev One call for the distributor's claim: the holder's account slot serves both the balance
    ///      and, when the holder was never replaced, the frozen flag; the registry answers identity
    ///      and country with one `transferParties(wallet, 0)` (no verification work for a zero receiver).
    function positionAt(address holder, uint256 snapshotId) external view returns (RecordPosition memory position) {
        EquityTokenStorage storage $ = _store();
        _requireTaken($, snapshotId);
        Account memory a = $.accounts[holder];
        position.balance = $.balanceHistory[holder].balanceAt(a.snapshotSynced, snapshotId, a.balance);
        address wallet = _currentWallet($, holder);
        position.wallet = wallet;
        position.walletFrozen = wallet == holder ? a.walletFrozen : $.accounts[wallet].walletFrozen;
        (position.identity, position.country,,,) = $.identityRegistry.transferParties(wallet, address(0));
    }

    // ------------------------------------------------------------------ recovery record

    /// @inheritdoc IRecoveryRecord
    function recoveredTo(address lostWallet) external view returns (address) {
        return _store().recoveredTo[lostWallet];
    }

    /// @inheritdoc IRecoveryRecord
    function currentWallet(address wallet) external view returns (address) {
        return _currentWallet(_store(), wallet);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Follows `recoveredTo` from `wallet`, at most MAX_RECOVERY_HOPS records (the record cannot
    ///      loop, see IRecoveryRecord; the bound caps the cost of a long chain).
    function _currentWallet(EquityTokenStorage storage $, address wallet) private view returns (address current) {
        current = wallet;
        for (uint256 hops;; ++hops) {
            address next = $.recoveredTo[current];
            if (next == address(0)) return current;
            if (hops == MAX_RECOVERY_HOPS) revert RecoveryRecordChainTooLong(wallet, MAX_RECOVERY_HOPS);
            current = next;
        }
    }

    function _multiplierNow(UIMultiplier memory m) private view returns (uint256) {
        if (m.effectiveAt != 0 && block.timestamp >= m.effectiveAt) return m.next;
        return m.current == 0 ? Constants.UNIT_MULTIPLIER : m.current;
    }

    function _requireTaken(EquityTokenStorage storage $, uint256 snapshotId) private view {
        uint40[] storage times = $.snapshotTimes;
        if (snapshotId == 0 || snapshotId > times.length) revert BalanceSnapshotsUnknown(snapshotId);
        uint256 recordTime = times[snapshotId - 1];
        if (recordTime > block.timestamp) revert BalanceSnapshotsNotTaken(snapshotId, recordTime);
    }
}
