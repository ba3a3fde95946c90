"""An oracle reporter: turns price points into signed reports and submits them.

A :class:`Reporter` holds the signing keys of (some of) the oracle's reporters and builds
:class:`~dualtrack.oracle.Report` objects from a price source: a generated path
(:mod:`dualtrack.pricepaths`), a CSV replay, or explicit values. :func:`replay` feeds a whole path to
a node, moving the chain's clock with it, and counts what the oracle accepted, held and rejected.

The multiplier fields follow Data Streams v10: ``currentMultiplier`` is the multiplier in force at the
observation time and ``newMultiplier``/``activationTime`` announce a scheduled change.
:func:`token_multipliers` reads them from an EquityToken (ERC-8056), which is what a reporter that
watches the issuer's schedule would publish.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from eth_account.signers.local import LocalAccount
from rich.progress import Progress
from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from dualtrack.market import MarketStatus
from dualtrack.oracle import ONE, Outcome, Report, outcome_of, sign_report, signed_report, submit_at

DEFAULT_VALIDITY = 300  # seconds a report stays valid after its observation (its expiresAt)


class PricePointLike(Protocol):
    """What a reporter needs from a price point (:class:`dualtrack.pricepaths.PricePoint` has it)."""

    @property
    def timestamp(self) -> int: ...

    @property
    def price_wad(self) -> int: ...

    @property
    def tokenized_wad(self) -> int: ...

    @property
    def status(self) -> MarketStatus: ...


@dataclass(frozen=True)
class Multipliers:
    """A report's multiplier fields: the one in force, and an announced change (0, 0 if none)."""

    current: int = ONE
    announced: int = 0
    activation_time: int = 0


def token_multipliers(token: Contract, at: int) -> Multipliers:
    """The multiplier fields for an observation at ``at`` (about now) from ``token``'s ERC-8056 schedule."""
    current = int(token.functions.uiMultiplier().call())
    scheduled = int(token.functions.newUIMultiplier().call())
    effective_at = int(token.functions.effectiveAt().call())
    if effective_at > at:
        return Multipliers(current=current, announced=scheduled, activation_time=effective_at)
    if effective_at != 0:
        return Multipliers(current=scheduled)
    return Multipliers(current=current)


@dataclass
class Reporter:
    """Builds and signs reports for one feed of one oracle."""

    signers: Sequence[LocalAccount]
    chain_id: int
    oracle: str
    feed: bytes
    validity: int = DEFAULT_VALIDITY

    def report(
        self,
        observed_at: int,
        status: MarketStatus,
        price: int,
        tokenized_price: int | None = None,
        multipliers: Multipliers = Multipliers(),
    ) -> Report:
        """A report observed at ``observed_at`` (prices per share, 18 decimals)."""
        return Report(
            feed_id=self.feed,
            observed_at=observed_at,
            expires_at=observed_at + self.validity,
            market_status=status,
            price=price,
            tokenized_price=price if tokenized_price is None else tokenized_price,
            current_multiplier=multipliers.current,
            new_multiplier=multipliers.announced,
            activation_time=multipliers.activation_time,
        )

    def from_point(self, point: PricePointLike, multipliers: Multipliers = Multipliers(), offset: int = 0) -> Report:
        """The report of a price point, its time shifted by ``offset`` seconds."""
        return self.report(point.timestamp + offset, point.status, point.price_wad, point.tokenized_wad, multipliers)

    def sign(self, report: Report, signatures: int | None = None) -> bytes:
        """``submit``'s calldata for ``report`` signed by the first ``signatures`` signers (all by default)."""
        count = len(self.signers) if signatures is None else signatures
        return signed_report(report, sign_report(report, self.signers[:count], self.chain_id, self.oracle))


@dataclass
class ReplaySummary:
    """What the oracle did with each point of a replay."""

    outcomes: Counter[str] = field(default_factory=Counter)
    rejections: Counter[str] = field(default_factory=Counter)
    gas_used: int = 0
    seconds: float = 0.0
    offset: int = 0

    @property
    def submitted(self) -> int:
        return sum(self.outcomes.values()) + sum(self.rejections.values())

    @property
    def reports_per_second(self) -> float:
        return self.submitted / self.seconds if self.seconds else 0.0


def replay(
    evm: Chain,
    oracle: Contract,
    reporter: Reporter,
    points: Iterable[PricePointLike],
    sender: str,
    *,
    multipliers: Callable[[int], Multipliers] | None = None,
    signatures: int | None = None,
    confirm_signatures: int | None = None,
    latency: int = 1,
    progress: bool = False,
    total: int | None = None,
    on_result: Callable[[PricePointLike, str], None] | None = None,
) -> ReplaySummary:
    """Submit one report per point, moving the chain clock to each observation time plus ``latency``.

    Points are shifted forward by one offset so that the first lands just after the chain's clock (a
    CSV from the past replays as if it happened now). ``multipliers(t)`` gives the multiplier fields for
    an observation at chain time ``t`` (default: 1x). A rejected report is counted by its error name
    and the replay goes on, as a real reporter would.

    With ``confirm_signatures``, the reporters confirm a held move the way the oracle expects: the report
    after a held one (the move persisted in their data) carries that many signatures.
    """
    summary = ReplaySummary()
    started = time.perf_counter()
    iterator = iter(points)
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("replaying reports", total=total)
        offset: int | None = None
        held = False
        for point in iterator:
            if offset is None:
                offset = max(0, evm.timestamp() + 1 - point.timestamp)
                summary.offset = offset
            observed_at = point.timestamp + offset
            fields = multipliers(observed_at) if multipliers else Multipliers()
            count = confirm_signatures if held and confirm_signatures else signatures
            payload = reporter.sign(reporter.from_point(point, fields, offset), count)
            block_time = max(observed_at + latency, evm.timestamp() + 1)
            try:
                receipt = submit_at(evm, oracle, payload, sender, block_time)
            except Reverted as error:
                label = error.name or "reverted"
                summary.rejections[label] += 1
            else:
                outcome = outcome_of(evm, oracle, receipt)
                held = outcome is Outcome.HELD
                label = outcome.name.lower()
                summary.outcomes[label] += 1
                summary.gas_used += int(receipt["gasUsed"])
            if on_result:
                on_result(point, label)
            bar.advance(task)
    summary.seconds = time.perf_counter() - started
    return summary


__all__ = [
    "DEFAULT_VALIDITY",
    "Multipliers",
    "Outcome",
    "PricePointLike",
    "ReplaySummary",
    "Reporter",
    "replay",
    "token_multipliers",
]
