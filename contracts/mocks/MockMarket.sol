// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IMarket} from "../interfaces/margin/IMarket.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {UsdValue} from "../interfaces/types/Units.sol";

/// @title MockMarket - a market whose margin state tests set directly, to drive a MarginVault
/// @notice Answers `accountMargin` with per-account values the test set (`setMargin`), and passes the
///         calls a market makes through to the vault given at construction: `enter` / `leave`
///         (`enterMarket` / `leaveMarket`), `openRisk` (sets the values, then `requireInitialMargin`),
///         `realize` (`creditProfit` / `chargeLoss` / `chargeFee` in raw settlement units).
///         `closeForLiquidation` (vault only) realises the account's net unrealised PnL through the
///         vault, converted from USD 18 decimals to the 6-decimal settlement asset at par (a net loss
///         rounded up, a net profit down: the market never under-charges nor over-pays), clears the
///         account's values and returns true. Failure switches: `setCloseMode` makes it return false
///         (settling nothing) or revert; `setMarginReverts` makes `accountMargin` revert.
/// @dev A test double, not a market: no positions, no access control on the pass-through functions
///      (the vault checks that the caller is a registered market).
contract MockMarket is IMarket {
    /// @notice What `closeForLiquidation` does.
    enum CloseMode {
        Close, // realise the net PnL, clear the values, return true
        ReturnFalse, // settle nothing, keep the values, return false
        Revert // revert with MockMarketCloseFailed
    }

    /// @notice One account's margin state.
    struct Margin {
        UsdValue profit;
        UsdValue loss;
        UsdValue initialMargin;
        UsdValue maintenanceMargin;
    }

    /// @notice Decimals of the vault's settlement asset (a USDC-like stablecoin).
    uint8 public constant SETTLEMENT_DECIMALS = 6;
    /// @dev USD 18-decimal units per raw settlement unit (10**(18 - 6)).
    uint256 private constant USD_PER_RAW = 1e12;

    /// @notice The vault this market settles through.
    IMarginVault public immutable vault;

    mapping(uint256 accountId => Margin) private _margins;

    /// @notice What `closeForLiquidation` does (Close by default).
    CloseMode public closeMode;
    /// @notice Whether `accountMargin` reverts.
    bool public marginReverts;
    /// @notice How many times `closeForLiquidation` was called (a reverting call is not counted).
    uint256 public closeCalls;
    /// @notice The account of the last counted `closeForLiquidation`.
    uint256 public lastClosedAccount;

    /// @notice `accountId`'s values were set.
    event MarginSet(
        uint256 indexed accountId, UsdValue profit, UsdValue loss, UsdValue initialMargin, UsdValue maintenanceMargin
    );
    /// @notice `closeForLiquidation(accountId)` realised `pnlRaw` (positive: profit credited; negative: loss
    ///         charged) and answered `closedAll`.
    event ClosedForLiquidation(uint256 indexed accountId, int256 pnlRaw, bool closedAll);

    /// @notice Only the vault calls `closeForLiquidation` (`caller` did).
    error MockMarketNotVault(address caller);
    /// @notice `closeForLiquidation(accountId)` was set to revert.
    error MockMarketCloseFailed(uint256 accountId);
    /// @notice `accountMargin(accountId)` was set to revert.
    error MockMarketMarginUnavailable(uint256 accountId);

    /// @param vault_ The MarginVault that registers this market.
    constructor(IMarginVault vault_) {
        vault = vault_;
    }

    // ---- Test controls ----

    /// @notice Set `accountId`'s unrealised PnL and requirements (USD, 18 decimals).
    function setMargin(
        uint256 accountId,
        UsdValue profit,
        UsdValue loss,
        UsdValue initialMargin,
        UsdValue maintenanceMargin
    ) public {
        _margins[accountId] = Margin(profit, loss, initialMargin, maintenanceMargin);
        emit MarginSet(accountId, profit, loss, initialMargin, maintenanceMargin);
    }

    /// @notice Choose what `closeForLiquidation` does.
    function setCloseMode(CloseMode mode) external {
        closeMode = mode;
    }

    /// @notice Make `accountMargin` revert (a broken market).
    function setMarginReverts(bool reverts) external {
        marginReverts = reverts;
    }

    // ---- Pass-through to the vault (what a market does) ----

    /// @notice `accountId` opens its first position here: `vault.enterMarket(accountId)`.
    function enter(uint256 accountId) external {
        vault.enterMarket(accountId);
    }

    /// @notice `accountId` holds nothing here any more: `vault.leaveMarket(accountId)`.
    function leave(uint256 accountId) external {
        vault.leaveMarket(accountId);
    }

    /// @notice `accountId` adds risk: set its values, then `vault.requireInitialMargin(accountId)`.
    function openRisk(
        uint256 accountId,
        UsdValue profit,
        UsdValue loss,
        UsdValue initialMargin,
        UsdValue maintenanceMargin
    ) external {
        setMargin(accountId, profit, loss, initialMargin, maintenanceMargin);
        vault.requireInitialMargin(accountId);
    }

    /// @notice Settle realised PnL and a fee in raw settlement units: a positive `pnlRaw` is credited
    ///         (`creditProfit`), a negative one charged (`chargeLoss`), then a non-zero `feeRaw` charged
    ///         for `feeRecipient` (`chargeFee`). Zero amounts make no call.
    function realize(uint256 accountId, int256 pnlRaw, uint256 feeRaw, address feeRecipient) external {
        _settle(accountId, pnlRaw);
        if (feeRaw != 0) vault.chargeFee(accountId, feeRaw, feeRecipient);
    }

    // ---- IMarket ----

    /// @inheritdoc IMarket
    /// @dev Zero for an account never set; reverts with MockMarketMarginUnavailable while `marginReverts`.
    function accountMargin(uint256 accountId)
        external
        view
        returns (UsdValue profit, UsdValue loss, UsdValue initialMargin, UsdValue maintenanceMargin)
    {
        if (marginReverts) revert MockMarketMarginUnavailable(accountId);
        Margin memory margin = _margins[accountId];
        return (margin.profit, margin.loss, margin.initialMargin, margin.maintenanceMargin);
    }

    /// @inheritdoc IMarket
    /// @dev See the contract notice for the modes; in Close mode the values are cleared before the vault
    ///      is called, so a re-entrant valuation sees the account flat here.
    function closeForLiquidation(uint256 accountId) external returns (bool closedAll) {
        if (msg.sender != address(vault)) revert MockMarketNotVault(msg.sender);
        CloseMode mode = closeMode;
        if (mode == CloseMode.Revert) revert MockMarketCloseFailed(accountId);
        ++closeCalls;
        lastClosedAccount = accountId;
        if (mode == CloseMode.ReturnFalse) {
            emit ClosedForLiquidation(accountId, 0, false);
            return false;
        }
        int256 pnlRaw = settlementOf(accountId);
        delete _margins[accountId];
        _settle(accountId, pnlRaw);
        emit ClosedForLiquidation(accountId, pnlRaw, true);
        return true;
    }

    // ---- Views ----

    /// @notice What `closeForLiquidation` would realise for `accountId` in raw settlement units: the net
    ///         unrealised PnL, a loss rounded up (negative), a profit rounded down (positive).
    function settlementOf(uint256 accountId) public view returns (int256 pnlRaw) {
        Margin memory margin = _margins[accountId];
        uint256 profit = UsdValue.unwrap(margin.profit);
        uint256 loss = UsdValue.unwrap(margin.loss);
        if (loss > profit) return -SafeCast.toInt256(Math.ceilDiv(loss - profit, USD_PER_RAW));
        return SafeCast.toInt256((profit - loss) / USD_PER_RAW);
    }

    // ---- Internals ----

    function _settle(uint256 accountId, int256 pnlRaw) private {
        if (pnlRaw > 0) vault.creditProfit(accountId, uint256(pnlRaw));
        else if (pnlRaw < 0) vault.chargeLoss(accountId, uint256(-pnlRaw));
    }
}
