// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Constants} from "./Constants.sol";

/// @title Units - typed values that cannot be confused, and the one rule that values any token
/// @notice Every amount the protocol reasons about has its own type, with its operations bound
///         `global`:
///         - `UsdValue`: US dollars, 18 decimals (what collateral, debt and PnL are worth);
///         - `UsdPerShare`: dollars per share of the underlying stock (a report's venue price);
///         - `UsdPerToken`: dollars per WHOLE token, 18 decimals, whatever the token's decimals: one
///           whole token is 10**decimals raw units (1 USDC = 1e6 raw, 1 WBTC = 1e8, 1 TSLA token =
///           1e18); for a stock token it is the share price x the token's multiplier;
///         - `Multiplier`: an ERC-8056 UI multiplier, shares per token, 1e18 = 1x;
///         - `Wad`: an 18-decimal fixed-point factor (a weight, a health factor);
///         - `Bps`: basis points, 10,000 = 100%.
///         Raw token amounts stay plain `uint256` in their token's own units: they only become a
///         value through `UsdPerToken.valueOf(rawAmount, decimals)`.
///
///         The unit rule: value = price x rawAmount / 10**decimals, computed with a 512-bit
///         intermediate (no overflow for any realistic price and supply), rounded DOWN for what the
///         protocol credits (collateral) and UP (`valueOfUp`) for what it is owed (debt). The same
///         1,000 USD of a 6-, 8- or 18-decimal token is worth 1,000 USD exactly.

/// @dev US dollars, 18 decimals.
type UsdValue is uint256;

/// @dev US dollars per share of the underlying stock, 18 decimals. Knows nothing of the multiplier.
type UsdPerShare is uint256;

/// @dev US dollars per whole token (10**decimals raw units), 18 decimals.
type UsdPerToken is uint256;

/// @dev An ERC-8056 UI multiplier: shares per token, 18 decimals (1e18 = 1x).
type Multiplier is uint256;

/// @dev An 18-decimal fixed-point factor (1e18 = 1).
type Wad is uint256;

/// @dev Basis points (10,000 = 100%).
type Bps is uint256;

using {addUsd as +, subUsd as -, eqUsd as ==, neqUsd as !=, ltUsd as <, lteUsd as <=, gtUsd as >, gteUsd as >=}
    for UsdValue global;
using {mulWadDown, mulBpsDown, mulBpsUp} for UsdValue global;
using {perToken} for UsdPerShare global;
using {valueOf, valueOfUp, rawAmountOf, withinBand, eqPrice as ==} for UsdPerToken global;
using {eqMultiplier as ==, neqMultiplier as !=} for Multiplier global;

// ------------------------------------------------------------------------ UsdValue

function addUsd(UsdValue a, UsdValue b) pure returns (UsdValue) {
    return UsdValue.wrap(UsdValue.unwrap(a) + UsdValue.unwrap(b));
}

function subUsd(UsdValue a, UsdValue b) pure returns (UsdValue) {
    return UsdValue.wrap(UsdValue.unwrap(a) - UsdValue.unwrap(b));
}

function eqUsd(UsdValue a, UsdValue b) pure returns (bool) {
    return UsdValue.unwrap(a) == UsdValue.unwrap(b);
}

function neqUsd(UsdValue a, UsdValue b) pure returns (bool) {
    return UsdValue.unwrap(a) != UsdValue.unwrap(b);
}

function ltUsd(UsdValue a, UsdValue b) pure returns (bool) {
    return UsdValue.unwrap(a) < UsdValue.unwrap(b);
}

function lteUsd(UsdValue a, UsdValue b) pure returns (bool) {
    return UsdValue.unwrap(a) <= UsdValue.unwrap(b);
}

function gtUsd(UsdValue a, UsdValue b) pure returns (bool) {
    return UsdValue.unwrap(a) > UsdValue.unwrap(b);
}

function gteUsd(UsdValue a, UsdValue b) pure returns (bool) {
    return UsdValue.unwrap(a) >= UsdValue.unwrap(b);
}

/// @notice `value x factor`, rounded down (a weight applied to collateral).
function mulWadDown(UsdValue value, Wad factor) pure returns (UsdValue) {
    return UsdValue.wrap(Math.mulDiv(UsdValue.unwrap(value), Wad.unwrap(factor), Constants.WAD));
}

/// @notice `value x bps / 10,000`, rounded down (what the protocol pays or credits).
function mulBpsDown(UsdValue value, Bps bps) pure returns (UsdValue) {
    return UsdValue.wrap(Math.mulDiv(UsdValue.unwrap(value), Bps.unwrap(bps), Constants.BPS));
}

/// @notice `value x bps / 10,000`, rounded up (what the protocol charges or requires).
function mulBpsUp(UsdValue value, Bps bps) pure returns (UsdValue) {
    return UsdValue.wrap(Math.mulDiv(UsdValue.unwrap(value), Bps.unwrap(bps), Constants.BPS, Math.Rounding.Ceil));
}

// ------------------------------------------------------------------------ prices

/// @notice The price of one whole token at `price` per share and `multiplier` shares per token,
///         rounded down (a value never rounds up).
function perToken(UsdPerShare price, Multiplier multiplier) pure returns (UsdPerToken) {
    return UsdPerToken.wrap(Math.mulDiv(UsdPerShare.unwrap(price), Multiplier.unwrap(multiplier), Constants.WAD));
}

/// @notice What `rawAmount` raw units of a token with `decimals` decimals are worth at `price`,
///         rounded down (collateral, credits).
function valueOf(UsdPerToken price, uint256 rawAmount, uint8 decimals) pure returns (UsdValue) {
    return UsdValue.wrap(Math.mulDiv(UsdPerToken.unwrap(price), rawAmount, 10 ** decimals));
}

/// @notice The same, rounded up (debts, requirements).
function valueOfUp(UsdPerToken price, uint256 rawAmount, uint8 decimals) pure returns (UsdValue) {
    return UsdValue.wrap(Math.mulDiv(UsdPerToken.unwrap(price), rawAmount, 10 ** decimals, Math.Rounding.Ceil));
}

/// @notice How many raw units of a token with `decimals` decimals `value` buys at `price`, rounded
///         down (what the protocol hands out for a value). Reverts on a zero price.
function rawAmountOf(UsdPerToken price, UsdValue value, uint8 decimals) pure returns (uint256) {
    return Math.mulDiv(UsdValue.unwrap(value), 10 ** decimals, UsdPerToken.unwrap(price));
}

/// @notice Whether `candidate` is within `band` of `anchor`: |candidate - anchor| <= anchor x band,
///         compared exactly (no rounding).
function withinBand(UsdPerToken candidate, UsdPerToken anchor, Bps band) pure returns (bool) {
    uint256 a = UsdPerToken.unwrap(candidate);
    uint256 b = UsdPerToken.unwrap(anchor);
    uint256 distance = a > b ? a - b : b - a;
    return distance * Constants.BPS <= b * Bps.unwrap(band);
}

function eqPrice(UsdPerToken a, UsdPerToken b) pure returns (bool) {
    return UsdPerToken.unwrap(a) == UsdPerToken.unwrap(b);
}

function eqMultiplier(Multiplier a, Multiplier b) pure returns (bool) {
    return Multiplier.unwrap(a) == Multiplier.unwrap(b);
}

function neqMultiplier(Multiplier a, Multiplier b) pure returns (bool) {
    return Multiplier.unwrap(a) != Multiplier.unwrap(b);
}
