// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EpochMath} from "../libraries/EpochMath.sol";

/// @title EpochMathHarness - exposes EpochMath so tests can check it against dualtrack.liquidity_pool's model
contract EpochMathHarness {
    /// @notice EpochMath.growthAllowance.
    function growthAllowance(uint256 base, uint256 capBps, uint256 floor, uint256 used)
        external
        pure
        returns (uint256)
    {
        return EpochMath.growthAllowance(base, capBps, floor, used);
    }

    /// @notice EpochMath.releasable.
    function releasable(uint256 backing, uint256 openInterest, uint256 maxUtilisationBps)
        external
        pure
        returns (uint256)
    {
        return EpochMath.releasable(backing, openInterest, maxUtilisationBps);
    }

    /// @notice EpochMath.fillShares.
    function fillShares(uint256 shares, uint256 value, uint256 limit) external pure returns (uint256) {
        return EpochMath.fillShares(shares, value, limit);
    }

    /// @notice EpochMath.stockShare.
    function stockShare(int256 result, uint256 stableBase, uint256 risk) external pure returns (int256) {
        return EpochMath.stockShare(result, stableBase, risk);
    }
}
