// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Constants} from "../interfaces/types/Constants.sol";

/// @title EpochMath - what one settlement of the liquidity pool accepts, fills and books
/// @notice Pure rules of the epoch settlement (Ostium's epoch vault): the daily growth allowance, the part of
///         the requested redemptions the utilisation cap and the pool's liquidity let through, and the stock
///         capital's share of the pool's trading result. Each rounds in the stable LPs' favour.
library EpochMath {
    /// @notice The length of a growth window.
    uint256 internal constant GROWTH_WINDOW = 1 days;

    /// @notice What a window may still accept: `max(base x capBps / 10,000, floor) - used` (zero when used up).
    function growthAllowance(uint256 base, uint256 capBps, uint256 floor, uint256 used)
        internal
        pure
        returns (uint256)
    {
        uint256 cap = Math.max(Math.mulDiv(base, capBps, Constants.BPS), floor);
        return cap > used ? cap - used : 0;
    }

    /// @notice The raw value the backing may release to redemptions while still carrying `openInterest` at
    ///         `maxUtilisationBps`: `backing - ceil(openInterest x 10,000 / maxUtilisationBps)`, floored at zero.
    function releasable(uint256 backing, uint256 openInterest, uint256 maxUtilisationBps)
        internal
        pure
        returns (uint256)
    {
        uint256 required = Math.mulDiv(openInterest, Constants.BPS, maxUtilisationBps, Math.Rounding.Ceil);
        return backing > required ? backing - required : 0;
    }

    /// @notice The shares of a redemption of `shares` worth `value` that a `limit` lets through: all of them when
    ///         the value fits, else `shares x limit / value` rounded down (pro rata for every request).
    function fillShares(uint256 shares, uint256 value, uint256 limit) internal pure returns (uint256) {
        if (value <= limit) return shares;
        return Math.mulDiv(shares, limit, value);
    }

    /// @notice The stock capital's share of `result`: `result x risk / (stableBase + risk)`, rounded toward zero
    ///         (a loss and a gain alike); zero when neither side has capital.
    function stockShare(int256 result, uint256 stableBase, uint256 risk) internal pure returns (int256) {
        uint256 total = stableBase + risk;
        if (total == 0 || risk == 0 || result == 0) return 0;
        uint256 magnitude = Math.mulDiv(result > 0 ? uint256(result) : uint256(-result), risk, total);
        return result > 0 ? int256(magnitude) : -int256(magnitude);
    }

    /// @notice `part / whole` in bps, rounded down; the maximum when `whole` is zero and `part` is not.
    function ratioBps(uint256 part, uint256 whole) internal pure returns (uint256) {
        if (whole == 0) return part == 0 ? 0 : type(uint256).max;
        return Math.mulDiv(part, Constants.BPS, whole);
    }

    /// @notice `value x bps / 10,000` rounded down (a haircut's remaining part, an allowance).
    function bpsOf(uint256 value, uint256 bps) internal pure returns (uint256) {
        return Math.mulDiv(value, bps, Constants.BPS);
    }
}
