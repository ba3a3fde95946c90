// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PoolShareMath - the liquidity pool's share price, with virtual shares, and its pro-rata claims
/// @notice OpenZeppelin 5's ERC4626 conversion: `virtualShares = 10^offset` shares and one virtual raw unit of
///         assets sit in the pool forever, so a first depositor cannot set the price by donating (a donation is
///         shared with the virtual shares, and rounding costs a depositor less than one share's worth, which is
///         `10^-offset` of a raw unit on a fresh pool). Both directions round down: the pool keeps the dust.
///         Settlement raw units stand for US dollars at par; USD values (18 decimals) convert with `scale`
///         = 10^(18 - decimals).
library PoolShareMath {
    /// @notice The shares `assets` buy at NAV `nav` (raw, > 0, or 0 on an empty pool) and `supply`, rounded down.
    function sharesFor(uint256 assets, uint256 supply, uint256 nav, uint256 virtualShares)
        internal
        pure
        returns (uint256)
    {
        return Math.mulDiv(assets, supply + virtualShares, nav + 1);
    }

    /// @notice The raw assets `shares` are worth at NAV `nav` and `supply`, rounded down.
    function assetsFor(uint256 shares, uint256 supply, uint256 nav, uint256 virtualShares)
        internal
        pure
        returns (uint256)
    {
        return Math.mulDiv(shares, nav + 1, supply + virtualShares);
    }

    /// @notice One request's part `amount x part / total` of an epoch total, rounded down (so the parts of all
    ///         requests never exceed `part`). Zero when `total` is zero.
    function proRata(uint256 amount, uint256 part, uint256 total) internal pure returns (uint256) {
        if (total == 0) return 0;
        return Math.mulDiv(amount, part, total);
    }

    /// @notice One request's claim on its settled epoch: of a request of `amount` out of `requested`, of which
    ///         `filled` went through for `proceeds` (shares minted for a deposit, assets paid for a redemption),
    ///         its part of the proceeds and of the unfilled rest (refunded assets, returned shares), both rounded
    ///         down so the parts of all requests never exceed the totals.
    function claimOf(uint256 amount, uint256 requested, uint256 filled, uint256 proceeds)
        internal
        pure
        returns (uint256 got, uint256 back)
    {
        return (proRata(amount, proceeds, requested), proRata(amount, requested - filled, requested));
    }

    /// @notice A USD value (18 decimals, signed) in raw settlement units, rounded against the pool: a liability
    ///         (positive) up, an asset (negative) toward zero.
    function liabilityToRaw(int256 usd, uint256 scale) internal pure returns (int256) {
        if (usd >= 0) return int256(Math.ceilDiv(uint256(usd), scale));
        return -int256(uint256(-usd) / scale);
    }

    /// @notice A USD value (18 decimals) in raw settlement units, rounded down.
    function usdToRaw(uint256 usd, uint256 scale) internal pure returns (uint256) {
        return usd / scale;
    }
}
