// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Bps, UsdPerToken, UsdValue} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";

/// @title TrancheMath - the share arithmetic of a stock-capital tranche
/// @notice A tranche holds `tokens` raw units and a signed USD balance `balance` (18 decimals) for
///         `totalShares` shares. Each share is worth (tokens + VIRTUAL_TOKENS) / (totalShares +
///         VIRTUAL_SHARES) raw units plus balance / (totalShares + VIRTUAL_SHARES) dollars: the virtual
///         offset of OpenZeppelin 5's ERC4626 (an inflation attack costs the attacker VIRTUAL_SHARES times
///         what it could take). Every rounding favours the shares that stay: a deposit rounds its shares
///         down and the tranche's value up; a redemption rounds its tokens and its gain down and its part
///         of a deficit up; a booked gain rounds down and a booked loss up.
library TrancheMath {
    /// @notice Shares one raw unit of a new tranche receives.
    uint256 internal constant VIRTUAL_SHARES = 1e3;
    /// @notice The raw units the virtual shares own.
    uint256 internal constant VIRTUAL_TOKENS = 1;

    /// @notice The shares `amount` raw units buy. `balance` is converted to raw units at `price` (rounded
    ///         so the tranche is worth more); returns 0 when the tranche is worth nothing in tokens
    ///         (the caller refuses it). `price` is read only when `balance != 0`.
    function sharesForDeposit(
        uint256 amount,
        uint256 tokens,
        uint256 totalShares,
        int256 balance,
        UsdPerToken price,
        uint8 decimals
    ) internal pure returns (uint256) {
        uint256 worth = tokens + VIRTUAL_TOKENS;
        if (balance > 0) {
            worth += _toRaw(uint256(balance), price, decimals, Math.Rounding.Ceil);
        } else if (balance < 0) {
            uint256 deficit = _toRaw(uint256(-balance), price, decimals, Math.Rounding.Floor);
            if (deficit >= worth) return 0;
            worth -= deficit;
        }
        return Math.mulDiv(amount, totalShares + VIRTUAL_SHARES, worth);
    }

    /// @notice What `shares` of the tranche redeem: their raw tokens (down) and their part of the balance,
    ///         a gain rounded down (positive) or a deficit rounded up (negative).
    function redeem(uint256 shares, uint256 tokens, uint256 totalShares, int256 balance)
        internal
        pure
        returns (uint256 tokenShare, int256 balanceShare)
    {
        uint256 denominator = totalShares + VIRTUAL_SHARES;
        tokenShare = Math.mulDiv(shares, tokens + VIRTUAL_TOKENS, denominator);
        if (tokenShare > tokens) tokenShare = tokens; // the virtual unit is never paid out
        if (balance > 0) {
            balanceShare = SafeCast.toInt256(Math.mulDiv(uint256(balance), shares, denominator));
        } else if (balance < 0) {
            balanceShare = -SafeCast.toInt256(Math.mulDiv(uint256(-balance), shares, denominator, Math.Rounding.Ceil));
        }
    }

    /// @notice The raw units worth `deficit` at `price` (rounded up: the tokens kept cover the deficit).
    function tokensForDeficit(UsdValue deficit, UsdPerToken price, uint8 decimals) internal pure returns (uint256) {
        return _toRaw(UsdValue.unwrap(deficit), price, decimals, Math.Rounding.Ceil);
    }

    /// @notice The fair value of the tranche (tokens at `price` plus the balance, floored at zero) and its
    ///         risk value (tokens at `price` x `weight` plus the balance, floored at zero).
    function values(uint256 tokens, int256 balance, UsdPerToken price, uint8 decimals, Bps weight)
        internal
        pure
        returns (UsdValue fair, UsdValue risk)
    {
        UsdValue tokenValue = price.valueOf(tokens, decimals);
        fair = _plus(tokenValue, balance);
        risk = _plus(tokenValue.mulBpsDown(weight), balance);
    }

    /// @notice A tranche's part of `result`, pro rata to its risk `part` of `total` (> 0): a gain rounded
    ///         down, a loss rounded up.
    function spread(int256 result, UsdValue part, UsdValue total) internal pure returns (int256) {
        if (result >= 0) {
            return SafeCast.toInt256(Math.mulDiv(uint256(result), UsdValue.unwrap(part), UsdValue.unwrap(total)));
        }
        uint256 loss =
            Math.mulDiv(uint256(-result), UsdValue.unwrap(part), UsdValue.unwrap(total), Math.Rounding.Ceil);
        return -SafeCast.toInt256(loss);
    }

    /// @notice The auction price: `oracle` x a factor falling linearly from 1 + `premium` at the start to
    ///         1 - `maxDiscount` after `duration` seconds (`elapsed` <= `duration`), rounded up (a sale).
    function auctionPrice(UsdPerToken oracle, Bps premium, Bps maxDiscount, uint256 elapsed, uint256 duration)
        internal
        pure
        returns (UsdPerToken)
    {
        uint256 start = Constants.BPS + Bps.unwrap(premium);
        uint256 drop = Math.mulDiv(Bps.unwrap(premium) + Bps.unwrap(maxDiscount), elapsed, duration);
        // drop <= premium + maxDiscount < start: maxDiscount is below 100%.
        return UsdPerToken.wrap(Math.mulDiv(UsdPerToken.unwrap(oracle), start - drop, Constants.BPS, Math.Rounding.Ceil));
    }

    function _plus(UsdValue value, int256 balance) private pure returns (UsdValue) {
        if (balance >= 0) return value + UsdValue.wrap(uint256(balance));
        uint256 deficit = uint256(-balance);
        return UsdValue.unwrap(value) > deficit ? UsdValue.wrap(UsdValue.unwrap(value) - deficit) : UsdValue.wrap(0);
    }

    function _toRaw(uint256 usd, UsdPerToken price, uint8 decimals, Math.Rounding rounding)
        private
        pure
        returns (uint256)
    {
        return Math.mulDiv(usd, 10 ** decimals, UsdPerToken.unwrap(price), rounding);
    }
}
