"""The unit rule of ``interfaces/types/Units.sol``, in exact Python integers (a model for tests and SDKs).

Prices are US dollars per WHOLE token with 18 decimals, whatever the token's decimals; a whole token is
``10**decimals`` raw units. ``value = price x raw / 10**decimals``, rounded down for what the protocol
credits and up for what it is owed.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

WAD = 10**18  # Constants.WAD: prices, values, multipliers, factors
BPS = 10_000  # Constants.BPS
UINT256_DIGITS = 78  # decimal digits of the largest uint256


def per_token(price_per_share: int, multiplier: int) -> int:
    """UsdPerShare.perToken: the price of a whole token, share price x multiplier / 1e18, rounded down."""
    return price_per_share * multiplier // WAD


def value_of(price_per_token: int, raw_amount: int, decimals: int) -> int:
    """UsdPerToken.valueOf: what ``raw_amount`` raw units are worth in USD (18 decimals), rounded down."""
    return price_per_token * raw_amount // 10**decimals


def value_of_up(price_per_token: int, raw_amount: int, decimals: int) -> int:
    """UsdPerToken.valueOfUp: the same, rounded up."""
    return -(-price_per_token * raw_amount // 10**decimals)


def raw_amount_of(price_per_token: int, value: int, decimals: int) -> int:
    """UsdPerToken.rawAmountOf: the raw units ``value`` buys, rounded down."""
    return value * 10**decimals // price_per_token


def usd(amount: float | int) -> int:
    """``amount`` US dollars as an 18-decimal value (``usd(1_000)`` is 1,000 USD)."""
    return round(amount * WAD) if isinstance(amount, float) else amount * WAD


def raw_units(amount: Decimal, decimals: int) -> int:
    """``amount`` whole tokens as raw units of a token with ``decimals``; ValueError if it is negative or
    finer than one raw unit (nothing is rounded away)."""
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{amount} is not a positive amount")
    _sign, digits, exponent = amount.as_tuple()
    coefficient = int("".join(str(digit) for digit in digits) or "0")
    shift = int(exponent) + decimals
    if shift >= 0:
        return coefficient * 10**shift
    unit = 10**-shift
    if coefficient % unit:
        raise ValueError(f"{amount} has more than {decimals} decimals")
    return coefficient // unit


def whole_tokens(raw: int, decimals: int) -> Decimal:
    """``raw`` units of a token with ``decimals`` as whole tokens (exact for any uint256)."""
    with localcontext() as context:
        context.prec = UINT256_DIGITS
        return Decimal(raw).scaleb(-decimals)
