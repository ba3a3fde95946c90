// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ICorporateActions - the staged playbook for splits, reverse splits and stock dividends
/// @notice One handler per protocol serves every EquityToken whose owner made it a corporate-action agent
///         (`token.setCorporateActionAgent(handler, true)`). The token's owner announces an action with
///         its ratio and an activation time at least `minimumNotice()` ahead; the handler schedules the
///         token's ERC-8056 multiplier change (`old * num / den`, rounded down), which takes effect at the
///         activation time with no transaction. Before activation the token's owner may amend or cancel
///         it. Each token has a maintenance window, read by the vault and the perp market to block new
///         risk: it opens `maintenanceLead()` before activation (or at the announcement, if later) and
///         closes when the price confirmer (the oracle) confirms a post-action price after activation.
///         A cancelled action leaves no window. Every action is kept in a history with an id.
/// @dev Statuses: an action is Scheduled until its activation time, Activated from then on (derived from
///      the clock, no transaction), PriceConfirmed once the confirmer confirmed it, or Cancelled. A token
///      has at most one open action (Scheduled, or Activated and not yet confirmed): a new announcement
///      waits until the open one is confirmed or cancelled.
interface ICorporateActions {
    // ---- Types ----

    /// @notice What the action does to the multiplier.
    /// @dev Split: num > den (e.g. 10/1). ReverseSplit: num < den (e.g. 1/10). StockDividend:
    ///      den < num <= 2 * den (e.g. 102/100).
    enum ActionKind {
        Split,
        ReverseSplit,
        StockDividend
    }

    /// @notice Where an action is in its life. `None` is only returned for ids never issued.
    enum ActionStatus {
        None,
        Scheduled,
        Cancelled,
        Activated,
        PriceConfirmed
    }

    /// @notice One action as recorded (with its status derived at the time of the read).
    /// @param token The EquityToken the action applies to.
    /// @param kind Split, ReverseSplit or StockDividend.
    /// @param status Scheduled, Cancelled, Activated (by time) or PriceConfirmed.
    /// @param ratioNumerator Multiplier ratio numerator (as last amended).
    /// @param ratioDenominator Multiplier ratio denominator (as last amended).
    /// @param announcedAt When the action was announced.
    /// @param activationTime When the new multiplier takes (took) effect.
    /// @param maintenanceFrom When the token's maintenance window opens (opened) for this action.
    /// @param confirmedAt When the post-action price was confirmed; 0 until then.
    /// @param oldMultiplier The token's multiplier when the action was announced.
    /// @param newMultiplier `oldMultiplier * ratioNumerator / ratioDenominator`, rounded down.
    struct Action {
        address token;
        ActionKind kind;
        ActionStatus status;
        uint256 ratioNumerator;
        uint256 ratioDenominator;
        uint256 announcedAt;
        uint256 activationTime;
        uint256 maintenanceFrom;
        uint256 confirmedAt;
        uint256 oldMultiplier;
        uint256 newMultiplier;
    }

    // ---- Events ----

    /// @notice Action `actionId` on `token` was announced: the token's multiplier goes from
    ///         `oldMultiplier` to `newMultiplier` at `activationTime`; maintenance from `maintenanceFrom`.
    event CorporateActionAnnounced(
        uint256 indexed actionId,
        address indexed token,
        ActionKind kind,
        uint256 ratioNumerator,
        uint256 ratioDenominator,
        uint256 activationTime,
        uint256 oldMultiplier,
        uint256 newMultiplier,
        uint256 maintenanceFrom
    );
    /// @notice Action `actionId` on `token` was amended to these terms (the token's change was rescheduled).
    event CorporateActionAmended(
        uint256 indexed actionId,
        address indexed token,
        uint256 ratioNumerator,
        uint256 ratioDenominator,
        uint256 activationTime,
        uint256 newMultiplier,
        uint256 maintenanceFrom
    );
    /// @notice Action `actionId` on `token` was cancelled before activation (its window is gone).
    event CorporateActionCancelled(uint256 indexed actionId, address indexed token);
    /// @notice `confirmer` confirmed a post-action price for `actionId`: `token`'s maintenance window closed.
    event PostActionPriceConfirmed(uint256 indexed actionId, address indexed token, address confirmer);
    /// @notice The minimum notice between an announcement (or amendment) and activation changed.
    event MinimumNoticeSet(uint256 previousNotice, uint256 newNotice);
    /// @notice How long before activation the maintenance window opens changed (for later announcements).
    event MaintenanceLeadSet(uint256 previousLead, uint256 newLead);
    /// @notice The account allowed to confirm post-action prices changed.
    event PriceConfirmerSet(address indexed previousConfirmer, address indexed newConfirmer);

    // ---- Errors ----

    /// @notice `caller` is not the owner of `token` (or `token` has no owner()).
    error CorporateActionsNotTokenOwner(address token, address caller);
    /// @notice The ratio does not fit the kind, or a term is zero or above `MAX_RATIO_TERM`.
    error CorporateActionsInvalidRatio(ActionKind kind, uint256 ratioNumerator, uint256 ratioDenominator);
    /// @notice The resulting multiplier is outside the token's [min, max].
    error CorporateActionsMultiplierOutOfRange(uint256 newMultiplier, uint256 minMultiplier, uint256 maxMultiplier);
    /// @notice After rounding down the ratio leaves the multiplier unchanged.
    error CorporateActionsMultiplierUnchanged(uint256 multiplier);
    /// @notice The activation time is not within [earliest, latest].
    error CorporateActionsInvalidActivationTime(uint256 activationTime, uint256 earliest, uint256 latest);
    /// @notice `token` already has action `actionId` scheduled for `activationTime` (cancel or amend it).
    error CorporateActionsActionPending(address token, uint256 actionId, uint256 activationTime);
    /// @notice `token`'s action `actionId` took effect and awaits its post-action price confirmation.
    error CorporateActionsAwaitingPriceConfirmation(address token, uint256 actionId);
    /// @notice No action has this id.
    error CorporateActionsUnknownAction(uint256 actionId);
    /// @notice The action is not open in the way the call needs (`status` is its current status).
    error CorporateActionsNotScheduled(uint256 actionId, ActionStatus status);
    /// @notice The action took effect at `activationTime`: it can no longer be amended or cancelled.
    error CorporateActionsAlreadyActivated(uint256 actionId, uint256 activationTime);
    /// @notice The action takes effect only at `activationTime`: there is no post-action price yet.
    error CorporateActionsNotYetActivated(uint256 actionId, uint256 activationTime);
    /// @notice `caller` is not the price confirmer.
    error CorporateActionsNotPriceConfirmer(address caller);
    /// @notice The zero address cannot be the price confirmer.
    error CorporateActionsZeroAddress();
    /// @notice The setting `value` is above its cap `max`.
    error CorporateActionsSettingTooLarge(uint256 value, uint256 max);

    // ---- Constants ----

    /// @notice The largest ratio numerator or denominator.
    function MAX_RATIO_TERM() external view returns (uint256);
    /// @notice The largest minimum notice that may be set.
    function MAX_MINIMUM_NOTICE() external view returns (uint256);
    /// @notice The largest maintenance lead that may be set.
    function MAX_MAINTENANCE_LEAD() external view returns (uint256);
    /// @notice How far ahead of the announcement an activation may be, at most.
    function MAX_ANNOUNCEMENT_HORIZON() external view returns (uint256);
    /// @notice The most ids `tokenActions` returns per page.
    function MAX_PAGE_SIZE() external view returns (uint256);

    // ---- Token owner: the playbook ----

    /// @notice Announce an action on `token` (its owner only) and schedule the token's multiplier change.
    /// @param token An EquityToken that made this handler a corporate-action agent.
    /// @param kind Split (num > den), ReverseSplit (num < den) or StockDividend (den < num <= 2 den).
    /// @param ratioNumerator Ratio numerator, 1..MAX_RATIO_TERM.
    /// @param ratioDenominator Ratio denominator, 1..MAX_RATIO_TERM.
    /// @param activationTime When the change takes effect: >= now + minimumNotice (and > now), at most
    ///        MAX_ANNOUNCEMENT_HORIZON ahead.
    /// @return actionId The new action's id (ids start at 1, shared by all tokens).
    function announce(
        address token,
        ActionKind kind,
        uint256 ratioNumerator,
        uint256 ratioDenominator,
        uint256 activationTime
    ) external returns (uint256 actionId);

    /// @notice Change the ratio and activation time of a scheduled action before it takes effect (the
    ///         token's owner only). The kind stays; the new terms need the same notice as an announcement.
    function amend(uint256 actionId, uint256 ratioNumerator, uint256 ratioDenominator, uint256 activationTime)
        external;

    /// @notice Withdraw a scheduled action before it takes effect (the token's owner only).
    function cancel(uint256 actionId) external;

    // ---- Price confirmer ----

    /// @notice Confirm that a post-action price consistent with the new multiplier is available for an
    ///         activated action: closes its token's maintenance window (price confirmer only).
    function confirmPostActionPrice(uint256 actionId) external;

    // ---- Protocol settings ----
    // Restricted by the protocol's AccessManager, not by any token's owner (`AccessManagedUnauthorized(caller)`
    // otherwise; roles wired at deployment, docs/governance.md).

    /// @notice Set the minimum notice for announcements and amendments (<= MAX_MINIMUM_NOTICE) (RISK_ADMIN,
    ///         delayed).
    function setMinimumNotice(uint256 notice) external;
    /// @notice Set how long before activation later announcements' windows open (<= MAX_MAINTENANCE_LEAD)
    ///         (RISK_ADMIN, delayed).
    function setMaintenanceLead(uint256 lead) external;
    /// @notice Set the account allowed to confirm post-action prices (the oracle) (ORACLE_ADMIN, delayed).
    function setPriceConfirmer(address confirmer) external;

    // ---- Views ----

    /// @notice The minimum time between an announcement (or amendment) and activation.
    function minimumNotice() external view returns (uint256);
    /// @notice How long before activation a maintenance window opens (applied when announced or amended).
    function maintenanceLead() external view returns (uint256);
    /// @notice The account allowed to confirm post-action prices.
    function priceConfirmer() external view returns (address);
    /// @notice How many actions were ever announced (the last id).
    function actionCount() external view returns (uint256);
    /// @notice Action `actionId` with its status now; reverts for unknown ids.
    function getAction(uint256 actionId) external view returns (Action memory action);
    /// @notice The status of `actionId` now (None for unknown ids).
    function actionStatus(uint256 actionId) external view returns (ActionStatus);
    /// @notice `token`'s open action (Scheduled, or Activated and unconfirmed); 0 if none.
    function openAction(address token) external view returns (uint256 actionId);
    /// @notice How many actions were announced for `token`.
    function tokenActionCount(address token) external view returns (uint256);
    /// @notice Ids of `token`'s actions in announcement order from index `offset`, at most
    ///         min(`limit`, MAX_PAGE_SIZE) of them (empty past the end).
    function tokenActions(address token, uint256 offset, uint256 limit) external view returns (uint256[] memory ids);
    /// @notice `token`'s maintenance window: `active` from `since` (the window's opening) until the open
    ///         action's post-action price is confirmed. When an action is scheduled but its window has not
    ///         opened yet, `active` is false and `since`/`actionId` tell when and for which action it will.
    ///         All zero when the token has no open action.
    function maintenance(address token) external view returns (bool active, uint256 since, uint256 actionId);
    /// @notice Whether `token` is in a maintenance window now (new risk must be blocked).
    function isInMaintenance(address token) external view returns (bool);
}
