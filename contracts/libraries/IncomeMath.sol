// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {TrancheMath} from "./TrancheMath.sol";

/// @title IncomeMath - a stock-capital tranche's income index
/// @notice The gains the pool books to a tranche are income of the shares that hold it then: a cumulative index
///         of USD (18 decimals) per share, scaled by PRECISION, and per position a signed debt, the part of
///         shares x index the position is not owed. Pending income = shares x index - debt. A deposit adds
///         its shares' part of the index to the debt (rounded up), a withdrawal takes it off (rounded down),
///         so a change of shares never raises what a position is owed. The virtual shares of TrancheMath take
///         their part of every booking too (it is never paid): an empty-looking tranche cannot be farmed.
library IncomeMath {
    /// @notice The index's scale: USD per share x 1e18 (an 18-decimal token's unit is 1e21 shares).
    uint256 internal constant PRECISION = 1e18;

    /// @notice What `income` (USD, 18 decimals) adds to the index over `totalShares` (rounded down).
    function perShare(uint256 income, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(income, PRECISION, totalShares + TrancheMath.VIRTUAL_SHARES);
    }

    /// @notice `shares`' part of `index`, in USD (18 decimals), rounded as `rounding`.
    function accrued(uint256 shares, uint256 index, Math.Rounding rounding) internal pure returns (uint256) {
        return Math.mulDiv(shares, index, PRECISION, rounding);
    }

    /// @notice The debt after `shares` join the position at `index` (their part rounded up: owed less).
    function debtAfterDeposit(int256 debt, uint256 shares, uint256 index) internal pure returns (int112) {
        if (index == 0) return SafeCast.toInt112(debt);
        return SafeCast.toInt112(debt + SafeCast.toInt256(accrued(shares, index, Math.Rounding.Ceil)));
    }

    /// @notice The debt after `shares` leave the position at `index` (their part rounded down: owed no more).
    function debtAfterWithdrawal(int256 debt, uint256 shares, uint256 index) internal pure returns (int112) {
        if (index == 0) return SafeCast.toInt112(debt);
        return SafeCast.toInt112(debt - SafeCast.toInt256(accrued(shares, index, Math.Rounding.Floor)));
    }

    /// @notice What a position of `shares` with `debt` is owed at `index` (USD, 18 decimals; never negative).
    function pending(uint256 shares, uint256 index, int256 debt) internal pure returns (uint256) {
        int256 owed = SafeCast.toInt256(accrued(shares, index, Math.Rounding.Floor)) - debt;
        return owed > 0 ? uint256(owed) : 0;
    }
}
