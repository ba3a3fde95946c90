// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Bps, UsdValue, Wad} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";

/// @title CollateralMath - how much of a collateral's value counts toward margin, and an account's health
/// @notice Pure rules of the margin vault, kept apart so they can be read, tested and reused alone:
///         - the effective weight of a holding: its weight, less a size discount that grows linearly with
///           the holding up to the asset's configured depth (Synthetix v3's collateral discount), less a
///           closed-market haircut while the stock's venue is not open or the token is in maintenance;
///         - the health factor: what backs the account over what it owes and requires.
///         Every result rounds against the account (down for what counts, up for what is owed).
library CollateralMath {
    /// @notice The weight (basis points) of a holding of `balance` raw units.
    /// @param weight The asset's weight for the check (initial or liquidation).
    /// @param maxSizeDiscount The discount of a holding of `depth` raw units or more.
    /// @param depth The holding at which the discount is at its maximum (0: no size discount).
    /// @param closedHaircut The extra haircut applied while `closed`.
    function effectiveWeight(
        Bps weight,
        uint256 balance,
        Bps maxSizeDiscount,
        uint256 depth,
        Bps closedHaircut,
        bool closed
    ) internal pure returns (Bps) {
        uint256 discount;
        if (depth != 0) {
            discount = balance >= depth ? Bps.unwrap(maxSizeDiscount) : Bps.unwrap(maxSizeDiscount) * balance / depth;
        }
        uint256 haircut = closed ? Bps.unwrap(closedHaircut) : 0;
        // Each factor <= 10,000 (checked when the asset is configured): no underflow, product < 2^256.
        uint256 scaled = Bps.unwrap(weight) * (Constants.BPS - discount) * (Constants.BPS - haircut);
        return Bps.wrap(scaled / (Constants.BPS * Constants.BPS));
    }

    /// @notice (backing) / (owed), 18 decimals, rounded down; `type(uint256).max` when nothing is owed.
    /// @param backing Weighted collateral + cash + counted unrealised profit.
    /// @param owed Debt + unrealised loss + the requirement.
    function healthFactor(UsdValue backing, UsdValue owed) internal pure returns (Wad) {
        if (UsdValue.unwrap(owed) == 0) return Wad.wrap(type(uint256).max);
        return Wad.wrap(Math.mulDiv(UsdValue.unwrap(backing), Constants.WAD, UsdValue.unwrap(owed)));
    }

    /// @notice Equity minus what it must cover, floored at zero on each side: (equity, required) for
    ///         `MarginVaultInsufficientMargin`, where equity = backing - debt - loss (0 if negative).
    function equityAndRequired(UsdValue backing, UsdValue debtAndLoss, UsdValue requirement)
        internal
        pure
        returns (UsdValue equity, UsdValue required)
    {
        equity = backing > debtAndLoss ? backing - debtAndLoss : UsdValue.wrap(0);
        required = requirement;
    }

    /// @notice The settlement asset's raw units as a USD value at par: `raw x 10^(18 - decimals)`.
    function atPar(uint256 raw, uint8 decimals) internal pure returns (UsdValue) {
        return UsdValue.wrap(raw * 10 ** (18 - decimals));
    }

    /// @notice A USD value in the settlement asset's raw units at par, rounded up (what an account owes).
    function toRawUp(UsdValue value, uint8 decimals) internal pure returns (uint256) {
        return Math.ceilDiv(UsdValue.unwrap(value), 10 ** (18 - decimals));
    }

    /// @notice The same, rounded down (what an account is credited).
    function toRawDown(UsdValue value, uint8 decimals) internal pure returns (uint256) {
        return UsdValue.unwrap(value) / 10 ** (18 - decimals);
    }
}
