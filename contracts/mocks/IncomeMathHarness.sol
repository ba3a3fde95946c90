// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IncomeMath} from "../libraries/IncomeMath.sol";

/// @title IncomeMathHarness - exposes IncomeMath so tests can check it against dualtrack.stock_capital's model
contract IncomeMathHarness {
    /// @notice IncomeMath.perShare.
    function perShare(uint256 income, uint256 totalShares) external pure returns (uint256) {
        return IncomeMath.perShare(income, totalShares);
    }

    /// @notice IncomeMath.accrued, rounded up when `up`.
    function accrued(uint256 shares, uint256 index, bool up) external pure returns (uint256) {
        return IncomeMath.accrued(shares, index, up ? Math.Rounding.Ceil : Math.Rounding.Floor);
    }

    /// @notice IncomeMath.debtAfterDeposit.
    function debtAfterDeposit(int256 debt, uint256 shares, uint256 index) external pure returns (int112) {
        return IncomeMath.debtAfterDeposit(debt, shares, index);
    }

    /// @notice IncomeMath.debtAfterWithdrawal.
    function debtAfterWithdrawal(int256 debt, uint256 shares, uint256 index) external pure returns (int112) {
        return IncomeMath.debtAfterWithdrawal(debt, shares, index);
    }

    /// @notice IncomeMath.pending.
    function pending(uint256 shares, uint256 index, int256 debt) external pure returns (uint256) {
        return IncomeMath.pending(shares, index, debt);
    }
}
