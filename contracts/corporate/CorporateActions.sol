// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC5313} from "@openzeppelin/contracts/interfaces/IERC5313.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICorporateActions} from "../interfaces/corporate/ICorporateActions.sol";
import {ICorporateActionTarget} from "../interfaces/token/ICorporateActionTarget.sol";

/// @title CorporateActions - one handler per protocol for splits, reverse splits and stock dividends
/// @notice Runs the staged playbook (announce at T-2, amend or cancel before T0, the multiplier switches at
///         T0 with no transaction, the oracle confirms the post-action price) for every EquityToken whose
///         owner made this contract a corporate-action agent, keeps the history of every action, and
///         exposes each token's maintenance window to the vault and the perp market.
/// @dev Multiplier rounding: `newMultiplier = oldMultiplier * num / den` rounded down, so UI amounts (and
///      anything valued as `price * multiplier`) are never overstated by the handler; a ratio whose rounded
///      result equals the old multiplier is rejected. The handler must be the token's only agent that
///      schedules multipliers for its history to describe the token (the token's owner decides who its
///      agents are). State changes are written before the token is called, so a token calling back sees
///      them (a token can only reach its own records).
///      Two kinds of power: a token's OWNER (ERC-173 `owner()`, the issuer) runs its own actions; the
///      protocol settings are `restricted` by the protocol's AccessManager (the deployment maps the notice
///      and the maintenance lead to RISK_ADMIN and the price confirmer to ORACLE_ADMIN, both delayed: see
///      docs/governance.md). Not upgradeable: see docs/upgrades.md for how it is replaced.
contract CorporateActions is ICorporateActions, AccessManaged {
    // ---- Constants ----

    /// @inheritdoc ICorporateActions
    uint256 public constant MAX_RATIO_TERM = 1e18;
    /// @inheritdoc ICorporateActions
    uint256 public constant MAX_MINIMUM_NOTICE = 30 days;
    /// @inheritdoc ICorporateActions
    uint256 public constant MAX_MAINTENANCE_LEAD = 3 days;
    /// @inheritdoc ICorporateActions
    uint256 public constant MAX_ANNOUNCEMENT_HORIZON = 365 days;
    /// @inheritdoc ICorporateActions
    uint256 public constant MAX_PAGE_SIZE = 100;

    /// @notice Minimum notice until RISK_ADMIN changes it: one day (the playbook announces at T-2 days).
    uint256 public constant DEFAULT_MINIMUM_NOTICE = 1 days;
    /// @notice Maintenance lead until RISK_ADMIN changes it: the window opens one hour before activation.
    uint256 public constant DEFAULT_MAINTENANCE_LEAD = 1 hours;

    // ---- Storage ----

    /// @dev Three slots per action. `status` is stored as Scheduled, Cancelled or PriceConfirmed; Activated
    ///      is derived from the clock. Times fit 40 bits, ratio terms 64 bits (<= 1e18), multipliers 128.
    struct StoredAction {
        address token;
        ActionKind kind;
        ActionStatus status;
        uint40 activationTime;
        uint40 maintenanceFrom;
        uint64 ratioNumerator;
        uint64 ratioDenominator;
        uint40 announcedAt;
        uint40 confirmedAt;
        uint128 oldMultiplier;
        uint128 newMultiplier;
    }

    /// @dev `openActionId`: the Scheduled or Activated-unconfirmed action (0 if none); `count`: actions so far.
    struct TokenRecord {
        uint64 openActionId;
        uint64 count;
    }

    uint256 private _actionCount;
    uint256 private _minimumNotice;
    uint256 private _maintenanceLead;
    address private _priceConfirmer;
    mapping(uint256 actionId => StoredAction action) private _actions;
    mapping(address token => TokenRecord record) private _tokens;
    mapping(address token => mapping(uint256 index => uint256 actionId)) private _tokenActionIds;

    /// @param initialAuthority The protocol's AccessManager (who may set notice, lead and confirmer).
    /// @param confirmer The account allowed to confirm post-action prices (the oracle).
    constructor(address initialAuthority, address confirmer) AccessManaged(initialAuthority) {
        // A manager without code would lock every restricted function for good.
        if (initialAuthority.code.length == 0) revert AccessManagedInvalidAuthority(initialAuthority);
        if (confirmer == address(0)) revert CorporateActionsZeroAddress();
        _minimumNotice = DEFAULT_MINIMUM_NOTICE;
        _maintenanceLead = DEFAULT_MAINTENANCE_LEAD;
        _priceConfirmer = confirmer;
        emit MinimumNoticeSet(0, DEFAULT_MINIMUM_NOTICE);
        emit MaintenanceLeadSet(0, DEFAULT_MAINTENANCE_LEAD);
        emit PriceConfirmerSet(address(0), confirmer);
    }

    // ---- Token owner: the playbook ----

    /// @inheritdoc ICorporateActions
    function announce(
        address token,
        ActionKind kind,
        uint256 ratioNumerator,
        uint256 ratioDenominator,
        uint256 activationTime
    ) external returns (uint256 actionId) {
        _requireTokenOwner(token);
        TokenRecord memory record = _tokens[token];
        if (record.openActionId != 0) {
            uint256 openId = record.openActionId;
            uint256 openActivation = _actions[openId].activationTime;
            if (block.timestamp < openActivation) revert CorporateActionsActionPending(token, openId, openActivation);
            revert CorporateActionsAwaitingPriceConfirmation(token, openId);
        }
        uint256 oldMultiplier = ICorporateActionTarget(token).uiMultiplier();
        uint256 newMultiplier = _newMultiplier(token, kind, oldMultiplier, ratioNumerator, ratioDenominator);
        uint256 maintenanceFrom = _checkActivationTime(activationTime);

        actionId = ++_actionCount;
        _actions[actionId] = StoredAction({
            token: token,
            kind: kind,
            status: ActionStatus.Scheduled,
            activationTime: uint40(activationTime), // checked <= now + horizon
            maintenanceFrom: uint40(maintenanceFrom),
            ratioNumerator: uint64(ratioNumerator), // checked <= MAX_RATIO_TERM < 2**64
            ratioDenominator: uint64(ratioDenominator),
            announcedAt: uint40(block.timestamp),
            confirmedAt: 0,
            oldMultiplier: SafeCast.toUint128(oldMultiplier),
            newMultiplier: SafeCast.toUint128(newMultiplier)
        });
        _tokenActionIds[token][record.count] = actionId;
        // Ids grow by one per announcement: neither the id nor a token's count can reach 2**64.
        _tokens[token] = TokenRecord(uint64(actionId), record.count + 1);
        emit CorporateActionAnnounced(
            actionId,
            token,
            kind,
            ratioNumerator,
            ratioDenominator,
            activationTime,
            oldMultiplier,
            newMultiplier,
            maintenanceFrom
        );
        ICorporateActionTarget(token).scheduleUIMultiplier(newMultiplier, activationTime);
    }

    /// @inheritdoc ICorporateActions
    function amend(uint256 actionId, uint256 ratioNumerator, uint256 ratioDenominator, uint256 activationTime)
        external
    {
        StoredAction storage action = _changeableAction(actionId);
        address token = action.token;
        uint256 newMultiplier =
            _newMultiplier(token, action.kind, action.oldMultiplier, ratioNumerator, ratioDenominator);
        uint256 maintenanceFrom = _checkActivationTime(activationTime);

        action.activationTime = uint40(activationTime); // checked <= now + horizon
        action.maintenanceFrom = uint40(maintenanceFrom);
        action.ratioNumerator = uint64(ratioNumerator); // checked <= MAX_RATIO_TERM < 2**64
        action.ratioDenominator = uint64(ratioDenominator);
        action.newMultiplier = SafeCast.toUint128(newMultiplier);
        emit CorporateActionAmended(
            actionId, token, ratioNumerator, ratioDenominator, activationTime, newMultiplier, maintenanceFrom
        );
        ICorporateActionTarget(token).cancelUIMultiplier();
        ICorporateActionTarget(token).scheduleUIMultiplier(newMultiplier, activationTime);
    }

    /// @inheritdoc ICorporateActions
    function cancel(uint256 actionId) external {
        StoredAction storage action = _changeableAction(actionId);
        address token = action.token;
        action.status = ActionStatus.Cancelled;
        _tokens[token].openActionId = 0;
        emit CorporateActionCancelled(actionId, token);
        ICorporateActionTarget(token).cancelUIMultiplier();
    }

    // ---- Price confirmer ----

    /// @inheritdoc ICorporateActions
    function confirmPostActionPrice(uint256 actionId) external {
        if (msg.sender != _priceConfirmer) revert CorporateActionsNotPriceConfirmer(msg.sender);
        StoredAction storage action = _knownAction(actionId);
        ActionStatus stored = action.status;
        if (stored != ActionStatus.Scheduled) revert CorporateActionsNotScheduled(actionId, stored);
        uint256 activationTime = action.activationTime;
        if (block.timestamp < activationTime) revert CorporateActionsNotYetActivated(actionId, activationTime);
        address token = action.token;
        action.status = ActionStatus.PriceConfirmed;
        action.confirmedAt = uint40(block.timestamp);
        _tokens[token].openActionId = 0;
        emit PostActionPriceConfirmed(actionId, token, msg.sender);
    }

    // ---- Protocol settings (restricted) ----

    /// @inheritdoc ICorporateActions
    function setMinimumNotice(uint256 notice) external restricted {
        if (notice > MAX_MINIMUM_NOTICE) revert CorporateActionsSettingTooLarge(notice, MAX_MINIMUM_NOTICE);
        uint256 previous = _minimumNotice;
        _minimumNotice = notice;
        emit MinimumNoticeSet(previous, notice);
    }

    /// @inheritdoc ICorporateActions
    function setMaintenanceLead(uint256 lead) external restricted {
        if (lead > MAX_MAINTENANCE_LEAD) revert CorporateActionsSettingTooLarge(lead, MAX_MAINTENANCE_LEAD);
        uint256 previous = _maintenanceLead;
        _maintenanceLead = lead;
        emit MaintenanceLeadSet(previous, lead);
    }

    /// @inheritdoc ICorporateActions
    function setPriceConfirmer(address confirmer) external restricted {
        if (confirmer == address(0)) revert CorporateActionsZeroAddress();
        address previous = _priceConfirmer;
        _priceConfirmer = confirmer;
        emit PriceConfirmerSet(previous, confirmer);
    }

    // ---- Views ----

    /// @inheritdoc ICorporateActions
    function minimumNotice() external view returns (uint256) {
        return _minimumNotice;
    }

    /// @inheritdoc ICorporateActions
    function maintenanceLead() external view returns (uint256) {
        return _maintenanceLead;
    }

    /// @inheritdoc ICorporateActions
    function priceConfirmer() external view returns (address) {
        return _priceConfirmer;
    }

    /// @inheritdoc ICorporateActions
    function actionCount() external view returns (uint256) {
        return _actionCount;
    }

    /// @inheritdoc ICorporateActions
    function getAction(uint256 actionId) external view returns (Action memory action) {
        StoredAction storage stored = _knownAction(actionId);
        action = Action({
            token: stored.token,
            kind: stored.kind,
            status: _statusOf(stored),
            ratioNumerator: stored.ratioNumerator,
            ratioDenominator: stored.ratioDenominator,
            announcedAt: stored.announcedAt,
            activationTime: stored.activationTime,
            maintenanceFrom: stored.maintenanceFrom,
            confirmedAt: stored.confirmedAt,
            oldMultiplier: stored.oldMultiplier,
            newMultiplier: stored.newMultiplier
        });
    }

    /// @inheritdoc ICorporateActions
    function actionStatus(uint256 actionId) external view returns (ActionStatus) {
        return _statusOf(_actions[actionId]);
    }

    /// @inheritdoc ICorporateActions
    function openAction(address token) external view returns (uint256 actionId) {
        return _tokens[token].openActionId;
    }

    /// @inheritdoc ICorporateActions
    function tokenActionCount(address token) external view returns (uint256) {
        return _tokens[token].count;
    }

    /// @inheritdoc ICorporateActions
    function tokenActions(address token, uint256 offset, uint256 limit) external view returns (uint256[] memory ids) {
        uint256 count = _tokens[token].count;
        if (offset >= count) return new uint256[](0);
        uint256 size = count - offset;
        if (size > limit) size = limit;
        if (size > MAX_PAGE_SIZE) size = MAX_PAGE_SIZE;
        ids = new uint256[](size);
        mapping(uint256 index => uint256 actionId) storage tokenIds = _tokenActionIds[token];
        for (uint256 i = 0; i < size; ++i) {
            ids[i] = tokenIds[offset + i];
        }
    }

    /// @inheritdoc ICorporateActions
    function maintenance(address token) external view returns (bool active, uint256 since, uint256 actionId) {
        actionId = _tokens[token].openActionId;
        if (actionId == 0) return (false, 0, 0);
        since = _actions[actionId].maintenanceFrom;
        active = block.timestamp >= since;
    }

    /// @inheritdoc ICorporateActions
    function isInMaintenance(address token) external view returns (bool) {
        uint256 actionId = _tokens[token].openActionId;
        return actionId != 0 && block.timestamp >= _actions[actionId].maintenanceFrom;
    }

    // ---- Internals ----

    /// @dev Reverts unless the caller is `token`'s owner (a token without owner() cannot be served).
    function _requireTokenOwner(address token) private view {
        address tokenOwner;
        if (token.code.length != 0) {
            try IERC5313(token).owner() returns (address reported) {
                tokenOwner = reported;
            } catch {}
        }
        if (tokenOwner != msg.sender) revert CorporateActionsNotTokenOwner(token, msg.sender);
    }

    function _knownAction(uint256 actionId) private view returns (StoredAction storage action) {
        action = _actions[actionId];
        if (action.status == ActionStatus.None) revert CorporateActionsUnknownAction(actionId);
    }

    /// @dev The action `actionId`, checked to be amendable or cancellable by the caller now.
    function _changeableAction(uint256 actionId) private view returns (StoredAction storage action) {
        action = _knownAction(actionId);
        _requireTokenOwner(action.token);
        ActionStatus stored = action.status;
        if (stored == ActionStatus.Cancelled) revert CorporateActionsNotScheduled(actionId, stored);
        uint256 activationTime = action.activationTime;
        if (stored == ActionStatus.PriceConfirmed || block.timestamp >= activationTime) {
            revert CorporateActionsAlreadyActivated(actionId, activationTime);
        }
    }

    function _statusOf(StoredAction storage action) private view returns (ActionStatus) {
        ActionStatus stored = action.status;
        if (stored == ActionStatus.Scheduled && block.timestamp >= action.activationTime) return ActionStatus.Activated;
        return stored;
    }

    /// @dev Checks the ratio against the kind and returns `oldMultiplier * num / den` (rounded down), checked
    ///      against the token's multiplier range and to differ from `oldMultiplier`.
    function _newMultiplier(address token, ActionKind kind, uint256 oldMultiplier, uint256 num, uint256 den)
        private
        view
        returns (uint256 newMultiplier)
    {
        bool termsValid = num != 0 && den != 0 && num <= MAX_RATIO_TERM && den <= MAX_RATIO_TERM;
        bool kindValid = kind == ActionKind.ReverseSplit ? num < den : num > den;
        if (kind == ActionKind.StockDividend && num > 2 * den) kindValid = false;
        if (!termsValid || !kindValid) revert CorporateActionsInvalidRatio(kind, num, den);
        // oldMultiplier < 2**128 and num <= 1e18 < 2**60: the product cannot overflow.
        newMultiplier = oldMultiplier * num / den;
        uint256 minMultiplier = ICorporateActionTarget(token).MIN_UI_MULTIPLIER();
        uint256 maxMultiplier = ICorporateActionTarget(token).MAX_UI_MULTIPLIER();
        if (newMultiplier < minMultiplier || newMultiplier > maxMultiplier) {
            revert CorporateActionsMultiplierOutOfRange(newMultiplier, minMultiplier, maxMultiplier);
        }
        if (newMultiplier == oldMultiplier) revert CorporateActionsMultiplierUnchanged(oldMultiplier);
    }

    /// @dev Checks `activationTime` against the notice and horizon; returns when its window opens.
    function _checkActivationTime(uint256 activationTime) private view returns (uint256 maintenanceFrom) {
        uint256 earliest = block.timestamp + (_minimumNotice == 0 ? 1 : _minimumNotice);
        uint256 latest = block.timestamp + MAX_ANNOUNCEMENT_HORIZON;
        if (activationTime < earliest || activationTime > latest) {
            revert CorporateActionsInvalidActivationTime(activationTime, earliest, latest);
        }
        uint256 lead = _maintenanceLead;
        // activationTime > block.timestamp >= 0; a lead longer than the notice opens the window at once.
        maintenanceFrom = activationTime - block.timestamp > lead ? activationTime - lead : block.timestamp;
    }
}
