// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PerpMath - fill prices, order fees and margin requirements of a skew-priced perp market
/// @notice Sizes and skews are signed base units (positive: long); prices are USD (18 decimals) per 1e18 base
///         units; ratios are WAD fractions; fees are basis points. Every rounding favours the protocol: a buy
///         fills at a price rounded up and a sell at one rounded down; fees and margin requirements round up.
///
///         Fill price (Synthetix v3): the average of the price premium before and after the order,
///         P x (1 + (skew + (skew + size)) / (2 x skewScale)), floored at zero; a premium in the trader's favour
///         is scaled by the market's positive-impact share (GMX v2: not refunded in full).
///         Fees: the part of an order that reduces |skew| pays the maker fee, the rest the taker fee, so an order
///         crossing from reducing the skew to adding to it pays each fee on its own part.
///         Margin (Synthetix v3): IMR = |size| / skewScale x initialMarginRatio + minInitialMarginRatio;
///         initial margin = notional x IMR + minPositionMargin; maintenance = notional x IMR x
///         maintenanceScalar + minPositionMargin.
library PerpMath {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;

    /// @notice A market's pricing and margin parameters.
    struct Params {
        uint256 skewScale;
        uint256 makerFeeBps;
        uint256 takerFeeBps;
        uint256 initialMarginRatio;
        uint256 minInitialMarginRatio;
        uint256 maintenanceScalar;
        uint256 minPositionMargin;
    }

    /// @notice The price `size` fills at on a market of `skewScale` with `skew`, at oracle `price`. A premium in
    ///         the trader's favour (a sell above the price, a buy below it: the order reduces the skew) is paid
    ///         at `positiveImpactBps` of its size (GMX v2's asymmetric impact: 10,000 refunds it whole, as
    ///         Synthetix; less makes every open-and-close round trip lose the rest).
    function fillPrice(uint256 price, int256 skew, int256 size, uint256 skewScale, uint256 positiveImpactBps)
        internal
        pure
        returns (uint256)
    {
        int256 premium = 2 * skew + size; // x price / (2 x skewScale)
        bool up = premium > 0;
        // A buy (size > 0) pays more and a sell receives less: round the premium that way.
        bool roundAway = (size > 0) == up;
        uint256 adjustment = roundAway
            ? Math.mulDiv(price, _abs(premium), 2 * skewScale, Math.Rounding.Ceil)
            : Math.mulDiv(price, _abs(premium) * positiveImpactBps, 2 * skewScale * BPS, Math.Rounding.Floor);
        if (up) return price + adjustment;
        return adjustment >= price ? 0 : price - adjustment;
    }

    /// @notice The fee (USD, 18 decimals) of `size` at `fill` on a market with `skew`.
    function orderFee(int256 skew, int256 size, uint256 fill, uint256 makerFeeBps, uint256 takerFeeBps)
        internal
        pure
        returns (uint256)
    {
        uint256 amount = _abs(size);
        uint256 reducing = (skew > 0 && size < 0) || (skew < 0 && size > 0) ? Math.min(amount, _abs(skew)) : 0;
        return _notionalFee(reducing, fill, makerFeeBps) + _notionalFee(amount - reducing, fill, takerFeeBps);
    }

    /// @notice The initial margin (USD, 18 decimals) of a position of `size` at `price`.
    function initialMargin(int256 size, uint256 price, Params memory params) internal pure returns (uint256) {
        return
            Math.mulDiv(_notional(size, price), _imr(size, params), WAD, Math.Rounding.Ceil) + params.minPositionMargin;
    }

    /// @notice The maintenance margin (USD, 18 decimals) of a position of `size` at `price`.
    function maintenanceMargin(int256 size, uint256 price, Params memory params) internal pure returns (uint256) {
        uint256 ratio = Math.mulDiv(_imr(size, params), params.maintenanceScalar, WAD, Math.Rounding.Ceil);
        return Math.mulDiv(_notional(size, price), ratio, WAD, Math.Rounding.Ceil) + params.minPositionMargin;
    }

    /// @notice The price a stock perp fills at while its venue is closed: the 24/7 `tokenized` price held within
    ///         `band` (WAD: the closed session's 1 / max leverage) of the last exchange price `venue`. Without a
    ///         tokenized price, the exchange price.
    function closedMark(uint256 venue, uint256 tokenized, uint256 band) internal pure returns (uint256) {
        if (tokenized == 0) return venue;
        uint256 width = Math.mulDiv(venue, band, WAD);
        uint256 low = venue > width ? venue - width : 0;
        return Math.min(Math.max(tokenized, low), venue + width);
    }

    function _imr(int256 size, Params memory params) private pure returns (uint256) {
        return Math.mulDiv(_abs(size), params.initialMarginRatio, params.skewScale, Math.Rounding.Ceil)
            + params.minInitialMarginRatio;
    }

    function _notional(int256 size, uint256 price) private pure returns (uint256) {
        return Math.mulDiv(_abs(size), price, WAD, Math.Rounding.Ceil);
    }

    function _notionalFee(uint256 amount, uint256 price, uint256 feeBps) private pure returns (uint256) {
        return Math.mulDiv(amount, price * feeBps, WAD * BPS, Math.Rounding.Ceil);
    }

    function _abs(int256 value) private pure returns (uint256) {
        return value < 0 ? uint256(-value) : uint256(value);
    }
}
