// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev US dollars per share of the underlying stock (the listing venue's price), 18 decimals. A report's
///      `price` and `tokenizedPrice` are in this unit: they know nothing of the token's multiplier.
type UsdPerShare is uint256;

/// @dev US dollars per raw token unit scaled to a whole token (1e18 raw units), 18 decimals: what a
///      raw token balance is worth. `UsdPerShare x multiplier / 1e18`. Every consumer-facing price of the
///      oracle is in this unit, so a collateral value is `rawBalance * UsdPerToken / 1e18`.
type UsdPerToken is uint256;
