// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IScaledUIAmount - ERC-8056 UI multiplier with one scheduled change
/// @notice Raw balances and every ERC-20 / ERC-3643 function stay in raw units: allowances, transfers
///         and integrators never see the multiplier. The UI amount of a raw amount is
///         `raw * uiMultiplier() / 1e18` (rounded down) and the raw amount of a UI amount is
///         `ui * 1e18 / uiMultiplier()` (rounded down), so `fromUIAmount(toUIAmount(x)) <= x`: the UI
///         never creates value. A scheduled multiplier takes effect at `effectiveAt()` with no
///         transaction: every read at `effectiveAt() - 1` sees the old one, every read from
///         `effectiveAt()` on sees the new one. At most one change is pending at a time.
interface IScaledUIAmount {
    /// @notice ERC-8056: the multiplier will be `newMultiplier` from `effectiveAtTimestamp` on (it was
    ///         `oldMultiplier` when scheduled).
    event UIMultiplierUpdated(uint256 oldMultiplier, uint256 newMultiplier, uint256 effectiveAtTimestamp);
    /// @notice The pending change to `cancelledMultiplier` at `effectiveAtTimestamp` was withdrawn.
    event UIMultiplierCancelled(uint256 cancelledMultiplier, uint256 effectiveAtTimestamp);

    /// @notice The multiplier is zero or above `MAX_UI_MULTIPLIER`.
    error ScaledUIAmountInvalidMultiplier(uint256 multiplier);
    /// @notice A change must take effect strictly after the current block (and before 2**40).
    error ScaledUIAmountInvalidEffectiveAt(uint256 effectiveAt, uint256 currentTime);
    /// @notice Another change is pending (cancel it first).
    error ScaledUIAmountChangePending(uint256 newMultiplier, uint256 effectiveAt);
    /// @notice No change is pending (none scheduled, or it already took effect).
    error ScaledUIAmountNothingPending();

    /// @notice The multiplier in effect now (18 decimals, 1e18 = 1x).
    function uiMultiplier() external view returns (uint256);
    /// @notice The last scheduled multiplier (equal to `uiMultiplier()` once in effect, or if none).
    function newUIMultiplier() external view returns (uint256);
    /// @notice When the last scheduled multiplier takes (or took) effect; 0 if none was ever scheduled.
    function effectiveAt() external view returns (uint256);
    /// @notice `rawAmount` in UI units at the current multiplier (rounded down).
    function toUIAmount(uint256 rawAmount) external view returns (uint256);
    /// @notice `uiAmount` in raw units at the current multiplier (rounded down).
    function fromUIAmount(uint256 uiAmount) external view returns (uint256);
    /// @notice `balanceOf(account)` in UI units.
    function balanceOfUI(address account) external view returns (uint256);
}
