// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ITokenStateObserver - told when a token's collateral state changes
/// @notice An EquityToken calls its observer (the protocol's EquityPriceOracle) right after the issuer
///         pauses or unpauses it and after its UI multiplier schedule changes, with a fixed gas budget
///         and ignoring any failure: an issuer's power never depends on the observer. The observer reads
///         the token's state back itself (`observedState`), so it trusts nothing but the token.
interface ITokenStateObserver {
    /// @notice The calling token's pause flag or multiplier schedule changed.
    function tokenStateChanged() external;
}
