// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {UsdPerShare, UsdPerToken} from "../interfaces/oracle/OracleTypes.sol";

/// @title PriceMath - unit-safe conversions between per-share prices and prices per raw token
/// @notice A report prices one share of the underlying; a raw token balance is worth the share price times
///         the token's UI multiplier (shares per token, 18 decimals). The two units are distinct types so
///         that a per-share price cannot be used as a token value by mistake.
library PriceMath {
    /// @dev The multiplier (and every price) has 18 decimals.
    uint256 internal constant WAD = 1e18;
    /// @dev Basis points in one.
    uint256 internal constant BPS = 10_000;

    /// @notice The value of one whole raw token (1e18 raw units) at `price` per share and `multiplier`
    ///         shares per token, rounded down (a collateral value never rounds up).
    function perToken(UsdPerShare price, uint256 multiplier) internal pure returns (UsdPerToken) {
        return UsdPerToken.wrap(Math.mulDiv(UsdPerShare.unwrap(price), multiplier, WAD));
    }

    /// @notice The value in USD (18 decimals) of `rawAmount` raw token units at `price`, rounded down.
    function valueOf(UsdPerToken price, uint256 rawAmount) internal pure returns (uint256) {
        return Math.mulDiv(UsdPerToken.unwrap(price), rawAmount, WAD);
    }

    /// @notice Whether `candidate` is within `bandBps` of `anchor`: |candidate - anchor| <=
    ///         anchor * bandBps / 10,000 (compared exactly, without rounding).
    function withinBand(UsdPerToken candidate, UsdPerToken anchor, uint256 bandBps) internal pure returns (bool) {
        uint256 a = UsdPerToken.unwrap(candidate);
        uint256 b = UsdPerToken.unwrap(anchor);
        uint256 distance = a > b ? a - b : b - a;
        return distance * BPS <= b * bandBps;
    }
}
