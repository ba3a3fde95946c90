// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {Bps, UsdValue, Wad} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";

/// @title LiquidationMath - the protocol's one liquidation fee model
/// @notice The liquidated account pays a penalty on the debt repaid. The penalty grows with how far the
///         account is underwater, as a reverse Dutch auction (Euler): `minPenaltyBps` at health 1, rising
///         linearly to `maxPenaltyBps` at `rampBps` below 1. A bounded part of it (`keeperShareBps`, at most
///         `maxKeeperReward`) is the keeper's: a collateral buyer receives it as its discount; the rest feeds
///         the insurance. One call repays at most `closeFactorBps` of the debt, or all of it below
///         `fullCloseHealth` (deeply underwater: no chunking that leaves bad debt to grow).
///         The perp and options markets use the same model.
library LiquidationMath {
    /// @notice The penalty (basis points of the debt repaid) at `healthFactor`.
    function penalty(Wad healthFactor, IMarginVault.LiquidationConfig memory config) internal pure returns (Bps) {
        uint256 hf = Wad.unwrap(healthFactor);
        if (hf >= Constants.WAD) return Bps.wrap(config.minPenaltyBps);
        // Below 1: the shortfall in basis points of health, capped at the ramp.
        uint256 shortfallBps = (Constants.WAD - hf) * Constants.BPS / Constants.WAD;
        if (shortfallBps >= config.rampBps) return Bps.wrap(config.maxPenaltyBps);
        uint256 span = uint256(config.maxPenaltyBps) - config.minPenaltyBps;
        return Bps.wrap(config.minPenaltyBps + span * shortfallBps / config.rampBps);
    }

    /// @notice The most of `debt` one liquidation may repay at `healthFactor`.
    function maxRepay(uint256 debt, Wad healthFactor, IMarginVault.LiquidationConfig memory config)
        internal
        pure
        returns (uint256)
    {
        if (Wad.unwrap(healthFactor) < config.fullCloseHealth) return debt;
        return Math.mulDiv(debt, config.closeFactorBps, Constants.BPS, Math.Rounding.Ceil);
    }

    /// @notice How `repaid` (USD) and its penalty are split: the buyer's collateral (the debt it repaid plus
    ///         the keeper's share of the penalty) and the insurance's (the rest of the penalty).
    function split(UsdValue repaid, Bps penaltyBps, IMarginVault.LiquidationConfig memory config)
        internal
        pure
        returns (UsdValue toBuyer, UsdValue toInsurance)
    {
        UsdValue fee = repaid.mulBpsUp(penaltyBps);
        UsdValue keeper = fee.mulBpsDown(Bps.wrap(config.keeperShareBps));
        UsdValue cap = UsdValue.wrap(config.maxKeeperReward);
        if (keeper > cap) keeper = cap;
        toBuyer = repaid + keeper;
        toInsurance = fee - keeper;
    }

    /// @notice Whether `config` is coherent: penalties and shares within 100%, min <= max, a ramp, a close factor.
    function isValid(IMarginVault.LiquidationConfig memory config) internal pure returns (bool) {
        return config.minPenaltyBps <= config.maxPenaltyBps && config.maxPenaltyBps <= 5_000 && config.rampBps != 0
            && config.rampBps <= Constants.BPS && config.keeperShareBps <= Constants.BPS && config.closeFactorBps != 0
            && config.closeFactorBps <= Constants.BPS && config.fullCloseHealth <= Constants.WAD;
    }
}
