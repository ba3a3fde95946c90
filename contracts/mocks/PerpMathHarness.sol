// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PerpMath} from "../libraries/PerpMath.sol";

/// @title PerpMathHarness - exposes PerpMath so tests can check it against dualtrack.perp's model
contract PerpMathHarness {
    /// @notice PerpMath.fillPrice.
    function fillPrice(uint256 price, int256 skew, int256 size, uint256 skewScale, uint256 positiveImpactBps)
        external
        pure
        returns (uint256)
    {
        return PerpMath.fillPrice(price, skew, size, skewScale, positiveImpactBps);
    }

    /// @notice PerpMath.orderFee.
    function orderFee(int256 skew, int256 size, uint256 fill, uint256 makerFeeBps, uint256 takerFeeBps)
        external
        pure
        returns (uint256)
    {
        return PerpMath.orderFee(skew, size, fill, makerFeeBps, takerFeeBps);
    }

    /// @notice PerpMath.initialMargin and PerpMath.maintenanceMargin.
    function margins(int256 size, uint256 price, PerpMath.Params calldata params)
        external
        pure
        returns (uint256 initial, uint256 maintenance)
    {
        return (PerpMath.initialMargin(size, price, params), PerpMath.maintenanceMargin(size, price, params));
    }
}
