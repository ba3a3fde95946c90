// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Bps} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";

/// @title InsuranceMath - the insurance pool's share price, claim value and per-event draw
/// @notice Shares are priced as OpenZeppelin 5's ERC4626 prices them with a decimals offset: `VIRTUAL_SHARES`
///         shares and one raw unit of assets that nobody owns sit in the pool from the start, so
///         shares = assets x (supply + VIRTUAL_SHARES) / (assets in pool + 1) and back. A first depositor who
///         inflates the price with a donation gives most of it to the virtual shares: the attack costs about
///         VIRTUAL_SHARES times what it could take. Every conversion rounds down (the pool's favour: fewer
///         shares for a deposit, fewer assets for a claim).
library InsuranceMath {
    /// @notice Extra share decimals over the stablecoin's (the offset); shares have 6 + 6 = 12 decimals.
    uint8 internal constant DECIMALS_OFFSET = 6;
    /// @notice 10 ** DECIMALS_OFFSET virtual shares.
    uint256 internal constant VIRTUAL_SHARES = 10 ** DECIMALS_OFFSET;

    /// @notice Shares that `assets` buy when the pool has `totalAssets` and `supply` shares, rounded down.
    function toShares(uint256 assets, uint256 totalAssets, uint256 supply) internal pure returns (uint256) {
        return Math.mulDiv(assets, supply + VIRTUAL_SHARES, totalAssets + 1);
    }

    /// @notice What `shares` are worth when the pool has `totalAssets` and `supply` shares, rounded down.
    function toAssets(uint256 shares, uint256 totalAssets, uint256 supply) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets + 1, supply + VIRTUAL_SHARES);
    }

    /// @notice What a claim of `shares` requested at `assetsAtRequest` pays now: their value now, at most the
    ///         value at request (losses during the delay are borne, gains are not earned).
    function claimValue(uint256 shares, uint256 assetsAtRequest, uint256 totalAssets, uint256 supply)
        internal
        pure
        returns (uint256)
    {
        uint256 now_ = toAssets(shares, totalAssets, supply);
        return now_ < assetsAtRequest ? now_ : assetsAtRequest;
    }

    /// @notice How many of `shares` a cancelled request keeps: all of them if they are worth at most
    ///         `assetsAtRequest` now; otherwise as many as are worth `assetsAtRequest` once the rest (the gains
    ///         of the delay) are burnt, rounded down: kept x (totalAssets + 1) / (supply - shares + kept +
    ///         VIRTUAL_SHARES) <= assetsAtRequest.
    function sharesKept(uint256 shares, uint256 assetsAtRequest, uint256 totalAssets, uint256 supply)
        internal
        pure
        returns (uint256)
    {
        if (toAssets(shares, totalAssets, supply) <= assetsAtRequest) return shares;
        // Here totalAssets + 1 > assetsAtRequest: the shares are worth more than it and at most everything.
        uint256 kept = Math.mulDiv(assetsAtRequest, supply - shares + VIRTUAL_SHARES, totalAssets + 1 - assetsAtRequest);
        return kept < shares ? kept : shares;
    }

    /// @notice The most one event may draw: `maxDrawBps` of `totalAssets` (rounded down), at most `maxDrawAmount`.
    function cap(uint256 totalAssets, Bps maxDrawBps, uint256 maxDrawAmount) internal pure returns (uint256) {
        uint256 share = Math.mulDiv(totalAssets, Bps.unwrap(maxDrawBps), Constants.BPS);
        return share < maxDrawAmount ? share : maxDrawAmount;
    }

    /// @notice What a draw of `requested` pays: min(requested, cap, free).
    function draw(uint256 requested, uint256 cap_, uint256 free) internal pure returns (uint256) {
        return Math.min(requested, Math.min(cap_, free));
    }
}
