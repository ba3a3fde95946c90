"""The L2 sequencer guard from Python: the uptime feed, the SequencerSentinel and its rules as a model.

- :func:`deploy_uptime_feed` deploys the MockSequencerUptimeFeed test double (Chainlink's L2 sequencer
  uptime feed shape: answer 0 = up, 1 = down, ``startedAt`` = when the status began, 0 = no round yet).
- :func:`deploy_sentinel` deploys a SequencerSentinel reading that feed; :func:`set_sequencer` writes a
  status round to the mock; :func:`sequencer_status` reads ``(up, since, grace_ends_at)``.
- :func:`expected_sentinel` is the sentinel's rule set (Aave's PriceOracleSentinel) in Python, for models,
  checks and keepers that want to know when liquidations resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed

HOUR = 3_600
MAX_GRACE_PERIOD = 4 * HOUR  # SequencerSentinel.MAX_GRACE_PERIOD (Aave's cap on a reserve unpause grace)
DEEPLY_UNDERWATER_HEALTH = 95 * 10**16  # SequencerSentinel.DEEPLY_UNDERWATER_HEALTH: 0.95 in 18 decimals
ANSWER_UP = 0  # the uptime feed's answer while the sequencer is up
ANSWER_DOWN = 1  # the uptime feed's answer while the sequencer is down
UINT256_MAX = 2**256 - 1


class SequencerStatus(NamedTuple):
    """``sequencerStatus()``: ``since`` is 0 when unknown, ``grace_ends_at`` is 0 while down."""

    up: bool
    since: int
    grace_ends_at: int


@dataclass(frozen=True)
class SentinelView:
    """What the sentinel's views answer for one feed round, clock, grace period and health factor."""

    status: SequencerStatus
    up_and_grace_passed: bool
    new_risk_allowed: bool
    liquidation_allowed: bool


def expected_sentinel(answer: int, started_at: int, now: int, grace_period: int, health_factor: int) -> SentinelView:
    """The sentinel's views for a feed round ``(answer, started_at)`` read at block time ``now``.

    Up iff ``answer == 0 and started_at != 0``; the grace has passed once ``now - started_at >= grace_period``
    (a ``started_at`` in the future has not passed); a health factor below 0.95e18 is liquidatable regardless.
    """
    up = answer == ANSWER_UP and started_at != 0
    grace_ends_at = min(started_at + grace_period, UINT256_MAX) if up else 0
    passed = up and now >= started_at and now - started_at >= grace_period
    return SentinelView(
        status=SequencerStatus(up, started_at, grace_ends_at),
        up_and_grace_passed=passed,
        new_risk_allowed=passed,
        liquidation_allowed=health_factor < DEEPLY_UNDERWATER_HEALTH or passed,
    )


def deploy_uptime_feed(evm: Chain, sender: str) -> Contract:
    """Deploy a MockSequencerUptimeFeed with no round yet (the sentinel reads it as down)."""
    return evm.deploy("MockSequencerUptimeFeed", sender=sender)


def deploy_sentinel(
    evm: Chain, admin: str, feed: Contract | str, grace_period: int, *, authority: str | None = None
) -> Contract:
    """Deploy a SequencerSentinel from ``admin`` reading ``feed``, governed by ``authority`` (the protocol's
    AccessManager; None: a new one in which ``admin`` holds every role, see
    :func:`dualtrack.governance.deploy_governed`)."""
    address = feed if isinstance(feed, str) else feed.address
    return deploy_governed(
        evm,
        admin,
        "SequencerSentinel",
        authority,
        lambda manager: evm.deploy("SequencerSentinel", manager, address, grace_period, sender=admin),
    )


def set_sequencer(evm: Chain, feed: Contract, up: bool, started_at: int, sender: str) -> None:
    """Write a status round to the mock feed: the sequencer is ``up`` (or down) since ``started_at``."""
    evm.send(feed.functions.setStatus(up, started_at), sender)


def sequencer_status(sentinel: Contract) -> SequencerStatus:
    """Read the sentinel's ``sequencerStatus()`` at the latest block."""
    up, since, grace_ends_at = sentinel.functions.sequencerStatus().call()
    return SequencerStatus(bool(up), int(since), int(grace_ends_at))
