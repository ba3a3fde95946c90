// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title FundingMath - Hyperliquid's funding rule on a skew-priced perp, with an exact hourly average
/// @notice All rates and premiums are signed WAD fractions (1e18 = 100%); skew and sizes are signed base units.
///
///         Premium: the impact prices are the fill prices of an order of the fixed `impactSize` on each side
///         (Synthetix's skew impact: ask = P(1 + (skew + s/2)/K), bid = P(1 + (skew - s/2)/K)), so Hyperliquid's
///         `[max(bid - P, 0) - max(P - ask, 0)] / P` is a function of the skew alone:
///         (skew - s/2)/K above s/2, (skew + s/2)/K below -s/2, zero in between. The skew only changes when a
///         trade fills, so the time-weighted average over an hour is exact: premium x seconds, summed.
///
///         Rate: F8h = avg + clamp(interest - avg, -0.05%, +0.05%); paid each hour at F8h / 8, capped at 4% an
///         hour either way. A positive rate: longs pay, shorts receive.
///
///         Every division truncates toward zero (Solidity's signed division), so a premium, an average or a
///         rate never exceeds its exact value in size, whichever side pays; dualtrack.funding models it.
library FundingMath {
    /// @notice One funding period, seconds.
    uint256 internal constant HOUR = 3600;
    /// @notice The bound on `interest - avg` in the 8-hour rate (Hyperliquid: 0.05%).
    int256 internal constant INTEREST_CLAMP = 5e14;
    /// @notice The largest hourly rate either way (Hyperliquid: 4%).
    int256 internal constant MAX_HOURLY_RATE = 4e16;
    int256 private constant WAD = 1e18;

    /// @notice The premium (signed WAD) at `skew` for impact orders of `impactSize` on a market of `skewScale`.
    function premium(int256 skew, uint256 impactSize, uint256 skewScale) internal pure returns (int256) {
        int256 twiceSkew = 2 * skew;
        int256 size = int256(impactSize); // < 2^128: checked by the oracle's configuration
        int256 denominator = 2 * int256(skewScale);
        if (twiceSkew > size) return (twiceSkew - size) * WAD / denominator;
        if (twiceSkew < -size) return (twiceSkew + size) * WAD / denominator;
        return 0;
    }

    /// @notice The hourly rate (signed WAD) for an hour whose average premium was `avgPremium`, with `interest`
    ///         per 8 hours.
    function hourlyRate(int256 avgPremium, int256 interest) internal pure returns (int256 rate) {
        int256 gap = interest - avgPremium;
        if (gap > INTEREST_CLAMP) gap = INTEREST_CLAMP;
        else if (gap < -INTEREST_CLAMP) gap = -INTEREST_CLAMP;
        rate = (avgPremium + gap) / 8;
        if (rate > MAX_HOURLY_RATE) rate = MAX_HOURLY_RATE;
        else if (rate < -MAX_HOURLY_RATE) rate = -MAX_HOURLY_RATE;
    }

    /// @notice What `rate` (signed WAD) of `price` (USD, 18 decimals, per 1e18 base units) adds to the funding
    ///         index (USD per 1e18 base units), truncated toward zero.
    function indexStep(int256 rate, uint256 price) internal pure returns (int256) {
        return rate * int256(price) / WAD; // price < 2^128: checked by the oracle
    }
}
