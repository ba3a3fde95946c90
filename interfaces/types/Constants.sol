// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Constants - the protocol's shared numeric constants, each defined once
/// @notice Fixed-point scales, the basis-point unit, the ERC-8056 multiplier bounds every EquityToken
///         enforces, and the secp256k1 half order that tells canonical (low-s) signatures apart.
library Constants {
    /// @notice One in 18-decimal fixed point (WAD): prices, USD values, multipliers, health factors.
    uint256 internal constant WAD = 1e18;
    /// @notice One in basis points (100%).
    uint256 internal constant BPS = 10_000;
    /// @notice The 1x ERC-8056 UI multiplier (one share per token).
    uint256 internal constant UNIT_MULTIPLIER = 1e18;
    /// @notice The smallest UI multiplier an EquityToken accepts (1e-12x).
    uint256 internal constant MIN_UI_MULTIPLIER = 1e6;
    /// @notice The largest UI multiplier an EquityToken accepts (1e12x).
    uint256 internal constant MAX_UI_MULTIPLIER = 1e30;
    /// @notice The most decimals a token may have for the unit rule (10**decimals fits comfortably).
    uint8 internal constant MAX_DECIMALS = 36;
    /// @notice The secp256k1 group order n.
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    /// @notice n / 2: an ECDSA signature with s above it is the malleable twin of a canonical one.
    uint256 internal constant SECP256K1_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;
}
