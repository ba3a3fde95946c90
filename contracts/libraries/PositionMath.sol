// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";

/// @title PositionMath - a perp position's PnL and funding, and the market aggregates that value all positions in O(1)
/// @notice Sizes are signed base units, prices USD (18 decimals) per 1e18 base units, funding indices USD per 1e18
///         base units (FundingRateOracle). A position's PnL rounds down and its funding owed up (toward +inf), so
///         each position's result is never above its exact value: the rounding stays with the pool.
///
///         Aggregates (Synthetix's debt correction): per side, the sum of |size|, of |size| x entry price and of
///         |size| x entry index, each term rounded down on its own so that removing a position subtracts
///         exactly what adding it added. A side's PnL at (price, index) is then
///         longs: L x price - sum(entry value) - (L x index - sum(entry funding)), shorts the opposite, in O(1).
library PositionMath {
    int256 private constant WAD = 1e18;

    /// @notice The PnL (USD, signed) of `size` entered at `entryPrice`, at `price`, rounded down.
    function pnl(int256 size, uint256 entryPrice, uint256 price) internal pure returns (int256) {
        return _floorDiv(size * (int256(price) - int256(entryPrice)), WAD); // prices < 2^128, |size| < 2^127
    }

    /// @notice The funding (USD, signed; positive: the position pays) owed by `size` since `entryIndex`, rounded up.
    function fundingOwed(int256 size, int256 entryIndex, int256 index) internal pure returns (int256) {
        return -_floorDiv(-size * (index - entryIndex), WAD);
    }

    /// @notice Add (`sign` 1) or remove (`sign` -1) a position from its side's aggregates.
    function apply_(IPerpMarket.MarketTotals memory totals, IPerpMarket.Position memory position, bool add)
        internal
        pure
    {
        int256 size = position.size;
        if (size == 0) return;
        uint256 amount = size > 0 ? uint256(size) : uint256(-size);
        uint128 value = uint128(amount * position.entryPrice / uint256(WAD)); // < 2^128: entry value bound
        int128 funding = int128(int256(amount) * position.entryFundingIndex / WAD);
        if (size > 0) {
            totals.longSize = add ? totals.longSize + uint128(amount) : totals.longSize - uint128(amount);
            totals.longEntryValue = add ? totals.longEntryValue + value : totals.longEntryValue - value;
            totals.longEntryFunding = add ? totals.longEntryFunding + funding : totals.longEntryFunding - funding;
        } else {
            totals.shortSize = add ? totals.shortSize + uint128(amount) : totals.shortSize - uint128(amount);
            totals.shortEntryValue = add ? totals.shortEntryValue + value : totals.shortEntryValue - value;
            totals.shortEntryFunding = add ? totals.shortEntryFunding + funding : totals.shortEntryFunding - funding;
        }
    }

    /// @notice Longs' and shorts' aggregate PnL net of funding (USD, signed) at `price` and `index`.
    function sidePnl(IPerpMarket.MarketTotals memory totals, uint256 price, int256 index)
        internal
        pure
        returns (int256 longs, int256 shorts)
    {
        int256 longSize = int256(uint256(totals.longSize));
        int256 shortSize = int256(uint256(totals.shortSize));
        int256 p = int256(price);
        longs = longSize * p / WAD - int256(uint256(totals.longEntryValue))
            - (longSize * index / WAD - totals.longEntryFunding);
        shorts = int256(uint256(totals.shortEntryValue)) - shortSize * p / WAD
            + (shortSize * index / WAD - totals.shortEntryFunding);
    }

    /// @notice The skew (longs minus shorts, base units).
    function skew(IPerpMarket.MarketTotals memory totals) internal pure returns (int256) {
        return int256(uint256(totals.longSize)) - int256(uint256(totals.shortSize));
    }

    function _floorDiv(int256 numerator, int256 denominator) private pure returns (int256 quotient) {
        quotient = numerator / denominator;
        if (numerator % denominator != 0 && (numerator < 0) != (denominator < 0)) quotient -= 1;
    }
}
