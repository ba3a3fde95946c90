// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IMarginVaultTypes} from "../interfaces/margin/IMarginVaultTypes.sol";
import {Bps, UsdValue, Wad} from "../interfaces/types/Units.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {DebtMath} from "../libraries/DebtMath.sol";
import {LiquidationMath} from "../libraries/LiquidationMath.sol";

/// @title MarginMathHarness - the margin vault's pure libraries, callable, for tests against the Python model
/// @notice Test-only: each function forwards to one library function with raw integers in and out.
contract MarginMathHarness {
    function effectiveWeight(
        uint256 weightBps,
        uint256 balance,
        uint256 maxSizeDiscountBps,
        uint256 depth,
        uint256 closedHaircutBps,
        bool closed
    ) external pure returns (uint256) {
        return Bps.unwrap(
            CollateralMath.effectiveWeight(
                Bps.wrap(weightBps), balance, Bps.wrap(maxSizeDiscountBps), depth, Bps.wrap(closedHaircutBps), closed
            )
        );
    }

    function healthFactor(uint256 backing, uint256 owed) external pure returns (uint256) {
        return Wad.unwrap(CollateralMath.healthFactor(UsdValue.wrap(backing), UsdValue.wrap(owed)));
    }

    function atPar(uint256 raw, uint8 decimals) external pure returns (uint256) {
        return UsdValue.unwrap(CollateralMath.atPar(raw, decimals));
    }

    function toRaw(uint256 value, uint8 decimals) external pure returns (uint256 down, uint256 up) {
        down = CollateralMath.toRawDown(UsdValue.wrap(value), decimals);
        up = CollateralMath.toRawUp(UsdValue.wrap(value), decimals);
    }

    function penalty(uint256 healthFactor_, IMarginVaultTypes.LiquidationConfig calldata config)
        external
        pure
        returns (uint256)
    {
        return Bps.unwrap(LiquidationMath.penalty(Wad.wrap(healthFactor_), config));
    }

    function maxRepay(uint256 debt, uint256 healthFactor_, IMarginVaultTypes.LiquidationConfig calldata config)
        external
        pure
        returns (uint256)
    {
        return LiquidationMath.maxRepay(debt, Wad.wrap(healthFactor_), config);
    }

    function split(uint256 repaid, uint256 penaltyBps, IMarginVaultTypes.LiquidationConfig calldata config)
        external
        pure
        returns (uint256 toBuyer, uint256 toInsurance)
    {
        (UsdValue buyer, UsdValue insurance) = LiquidationMath.split(UsdValue.wrap(repaid), Bps.wrap(penaltyBps), config);
        return (UsdValue.unwrap(buyer), UsdValue.unwrap(insurance));
    }

    function isValid(IMarginVaultTypes.LiquidationConfig calldata config) external pure returns (bool) {
        return LiquidationMath.isValid(config);
    }

    function grow(uint256 index, uint256 aprBps, uint256 elapsed) external pure returns (uint256) {
        return DebtMath.grow(index, aprBps, elapsed);
    }

    function debtRoundTrip(uint256 amount, uint256 index)
        external
        pure
        returns (uint256 shares, uint256 debt, uint256 repayShares)
    {
        shares = DebtMath.sharesForDebt(amount, index);
        debt = DebtMath.debtOf(shares, index);
        repayShares = DebtMath.sharesForRepay(amount, index);
    }
}
