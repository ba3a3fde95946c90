// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Constants} from "../interfaces/types/Constants.sol";

/// @title DebtMath - account debt as shares of a growing index
/// @notice An account's debt (what it owes the counterparty after a loss its cash could not pay) is kept as
///         shares of a global index that grows at a yearly simple rate between accruals, so interest accrues
///         to every debtor without touching each one. Shares are minted rounded up and burned rounded down,
///         and a debt is read rounded up: every rounding favours the protocol.
library DebtMath {
    uint256 internal constant YEAR = 365 days;

    /// @notice The index after `elapsed` seconds at `aprBps` a year (18 decimals).
    function grow(uint256 index, uint256 aprBps, uint256 elapsed) internal pure returns (uint256) {
        return index + Math.mulDiv(index, aprBps * elapsed, Constants.BPS * YEAR);
    }

    /// @notice The shares that stand for `amount` of new debt at `index`, rounded up.
    function sharesForDebt(uint256 amount, uint256 index) internal pure returns (uint256) {
        return Math.mulDiv(amount, Constants.WAD, index, Math.Rounding.Ceil);
    }

    /// @notice The shares a repayment of `amount` burns at `index`, rounded down.
    function sharesForRepay(uint256 amount, uint256 index) internal pure returns (uint256) {
        return Math.mulDiv(amount, Constants.WAD, index);
    }

    /// @notice The debt `shares` stand for at `index`, rounded up.
    function debtOf(uint256 shares, uint256 index) internal pure returns (uint256) {
        return Math.mulDiv(shares, index, Constants.WAD, Math.Rounding.Ceil);
    }
}
