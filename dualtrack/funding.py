"""The funding-rate oracle from Python: deploy, configure, and an exact model of its arithmetic.

- :func:`deploy_funding_oracle` deploys the FundingRateOracle implementation and its ``ProtocolProxy``
  (initialised in the same transaction) and returns it at the proxy's address; :func:`configure_market`
  (RISK_ADMIN) sets a market's parameters.
- The model (:func:`premium`, :func:`hourly_rate`, :func:`index_step`, :func:`accrue`, :func:`predicted_rate`) is
  ``FundingMath`` and the oracle's accrual written independently in Python, with the same truncation toward
  zero, so tests and keepers predict every figure to the wei.

Units: skews and sizes in base units (signed: longs minus shorts); premiums and rates signed WAD (1e18 =
100%); prices and the index USD with 18 decimals per 1e18 base units. A position of ``size`` owes
``size * (index_now - index_then) // 1e18`` (negative: it receives).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed
from dualtrack.units import WAD

CONTRACT = "FundingRateOracle"
HOUR = 3_600
INTEREST_CLAMP = 5 * 10**14  # 0.05% per 8 hours
MAX_HOURLY_RATE = 4 * 10**16  # 4% an hour
CRYPTO_INTEREST_PER_8H = 10**14  # Hyperliquid's 0.01% per 8 hours


@dataclass(frozen=True)
class FundingConfig:
    """IFundingRateOracle.FundingConfig."""

    skew_scale: int
    impact_size: int
    interest_per_8h: int
    market: str

    def as_tuple(self) -> tuple[int, int, int, str]:
        return (self.skew_scale, self.impact_size, self.interest_per_8h, self.market)


@dataclass(frozen=True)
class FundingState:
    """IFundingRateOracle.FundingState."""

    skew: int = 0
    last_update: int = 0
    premium_sum: int = 0
    index: int = 0
    last_rate: int = 0
    last_settled_hour: int = 0
    last_price: int = 0

    @classmethod
    def of(cls, raw: tuple[int, ...] | list[int]) -> FundingState:
        return cls(*(int(value) for value in raw))


def deploy_funding_oracle(evm: Chain, admin: str, *, authority: str | None = None) -> Contract:
    """Deploy the FundingRateOracle behind a ``ProtocolProxy`` and return it at the proxy's address.

    ``authority`` is the protocol's AccessManager (None: a new one in which ``admin`` holds every role, see
    :func:`dualtrack.governance.deploy_governed`).
    """

    def deploy(manager: str) -> Contract:
        implementation = evm.deploy(CONTRACT, sender=admin)
        init = implementation.encode_abi("initialize", args=[manager])
        proxy = evm.deploy("ProtocolProxy", implementation.address, init, sender=admin)
        return evm.at(CONTRACT, proxy.address)

    return deploy_governed(evm, admin, CONTRACT, authority, deploy)


def configure_market(
    evm: Chain, oracle: Contract, market_id: bytes, config: FundingConfig, risk_admin: str
) -> TxReceipt:
    """Set ``market_id``'s funding parameters (RISK_ADMIN)."""
    return evm.send(oracle.functions.configureMarket(market_id, config.as_tuple()), risk_admin)


def state_of(oracle: Contract, market_id: bytes) -> FundingState:
    """``market_id``'s funding state as last written."""
    return FundingState.of(oracle.functions.stateOf(market_id).call())


# --------------------------------------------------------------------------- model


def _div(numerator: int, denominator: int) -> int:
    """Integer division truncated toward zero (Solidity's signed ``/``)."""
    quotient = abs(numerator) // abs(denominator)
    return quotient if (numerator >= 0) == (denominator > 0) else -quotient


def premium(skew: int, impact_size: int, skew_scale: int) -> int:
    """Hyperliquid's premium of the impact prices at ``skew`` (signed WAD): zero while |skew| <= impact/2."""
    if 2 * skew > impact_size:
        return _div((2 * skew - impact_size) * WAD, 2 * skew_scale)
    if 2 * skew < -impact_size:
        return _div((2 * skew + impact_size) * WAD, 2 * skew_scale)
    return 0


def hourly_rate(avg_premium: int, interest_per_8h: int) -> int:
    """(avg + clamp(interest - avg, +-0.05%)) / 8, capped at 4% an hour either way (signed WAD)."""
    gap = max(-INTEREST_CLAMP, min(INTEREST_CLAMP, interest_per_8h - avg_premium))
    rate = _div(avg_premium + gap, 8)
    return max(-MAX_HOURLY_RATE, min(MAX_HOURLY_RATE, rate))


def index_step(rate: int, price: int) -> int:
    """What one hour at ``rate`` adds to the index at ``price`` (truncated toward zero)."""
    return _div(rate * price, WAD)


def accrue(config: FundingConfig, state: FundingState, timestamp: int, price: int) -> tuple[FundingState, int]:
    """``state`` accrued to ``timestamp`` (each ended hour paid at ``price``) and the number of hours settled.

    Written from the rule, hour by hour, rather than from the contract's closed form: every hour that ends
    between the last update and ``timestamp`` is settled at the average of its premium-seconds over the hour.
    """
    if state.last_update == 0:
        return replace(state, last_update=timestamp), 0
    if timestamp <= state.last_update:
        return state, 0
    p = premium(state.skew, config.impact_size, config.skew_scale)
    moment, premium_sum, index, rate, settled, last_hour = (
        state.last_update,
        state.premium_sum,
        state.index,
        state.last_rate,
        0,
        state.last_settled_hour,
    )
    while True:
        hour_end = (moment // HOUR + 1) * HOUR
        if timestamp < hour_end:
            premium_sum += p * (timestamp - moment)
            break
        premium_sum += p * (hour_end - moment)
        rate = hourly_rate(_div(premium_sum, HOUR), config.interest_per_8h)
        index += index_step(rate, price)
        settled += 1
        last_hour = hour_end - HOUR
        premium_sum, moment = 0, hour_end
    if settled == 0:
        return replace(state, premium_sum=premium_sum, last_update=timestamp), 0
    new_state = replace(
        state,
        premium_sum=premium_sum,
        index=index,
        last_rate=rate,
        last_settled_hour=last_hour,
        last_update=timestamp,
    )
    return new_state, settled


def update(
    config: FundingConfig, state: FundingState, timestamp: int, skew: int, price: int
) -> tuple[FundingState, int]:
    """The oracle's ``update``: accrue at ``price``, then set the skew; returns the state and hours settled."""
    accrued, settled = accrue(config, state, timestamp, price)
    return replace(accrued, skew=skew, last_price=price), settled


def predicted_rate(config: FundingConfig, state: FundingState, timestamp: int) -> int:
    """The current hour's rate if the skew holds until the hour ends (``predictedRate``)."""
    p = premium(state.skew, config.impact_size, config.skew_scale)
    hour_start = timestamp // HOUR * HOUR
    if state.last_update >= hour_start:
        total = state.premium_sum + p * (hour_start + HOUR - state.last_update)
    else:
        total = p * HOUR
    return hourly_rate(_div(total, HOUR), config.interest_per_8h)


def funding_owed(size: int, index_then: int, index_now: int) -> int:
    """What a position of ``size`` base units owes between two index values (negative: it receives)."""
    return _div(size * (index_now - index_then), WAD)
