"""Fixtures for the oracle tests: an EquityPriceOracle with five reporters (3 sign, 4 confirm).

``desk`` owns the oracle (admin), a TSLA feed bound to the session TSLA token with the protocol's
CorporateActions handler (whose price confirmer is the oracle), and a token-less BTC feed. ``desk.post``
places one signed report at an explicit block time, so every test reads the clock it set.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.corporate import deploy_corporate_actions, enable_corporate_actions
from dualtrack.keepers.reporter import Multipliers, Reporter
from dualtrack.market import MarketStatus
from dualtrack.oracle import (
    FeedConfig,
    PriceView,
    Report,
    configure_feed,
    deploy_oracle,
    feed_id,
    latest_price,
    observe_token,
    reporter_accounts,
    submit_at,
)
from dualtrack.suite import Suite

THRESHOLD = 3
CONFIRM_QUORUM = 4
REPORTERS = 5
MAX_REPORT_AGE = 300
MAX_FUTURE_DRIFT = 10
TSLA = feed_id("TSLA")
BTC = feed_id("BTC")
TSLA_CONFIG_AGES = (60, 600, 120, 300)  # open risk, value, liquidate, tokenized (seconds)
JUMP_BAND_BPS = 1_000  # 10%
UNIT = Multipliers()  # 1x, nothing announced


def usd(amount: float | int) -> int:
    """A USD amount in 18 decimals (exact for the round figures tests use)."""
    return round(amount * 10**6) * 10**12


@dataclass
class Desk:
    """The oracle with its reporters, feeds and the accounts that drive it."""

    evm: Chain
    oracle: Contract
    admin: str
    submitter: str
    tsla: Reporter
    btc: Reporter
    token: Contract
    handler: Contract
    token_owner: str

    def post(
        self,
        at: int,
        status: MarketStatus,
        price: int,
        *,
        tokenized: int | None = None,
        multipliers: Multipliers = UNIT,
        signatures: int = THRESHOLD,
        delay: int = 1,
        reporter: Reporter | None = None,
    ) -> TxReceipt:
        """Sign a report observed at ``at`` and submit it in a block at ``at + delay``."""
        source = reporter or self.tsla
        return self.post_report(
            source.report(at, status, price, tokenized, multipliers),
            signatures=signatures,
            at=at + delay,
            reporter=source,
        )

    def post_report(
        self, report: Report, *, signatures: int = THRESHOLD, at: int | None = None, reporter: Reporter | None = None
    ) -> TxReceipt:
        """Submit ``report`` signed by the first ``signatures`` reporters in a block at ``at``."""
        payload = (reporter or self.tsla).sign(report, signatures)
        return self.submit_at(payload, report.observed_at + 1 if at is None else at)

    def submit_at(self, payload: bytes, at: int) -> TxReceipt:
        """Submit ``payload`` in a block at time ``at``: a revert raises the oracle's decoded error."""
        return submit_at(self.evm, self.oracle, payload, self.submitter, at)

    def read(self, feed: bytes = TSLA) -> PriceView:
        return latest_price(self.oracle, feed)


@pytest.fixture(scope="session")
def desk(evm: Chain, tsla: Suite, issuer: str, keeper: str) -> Desk:
    admin = evm.new_account()
    signers = reporter_accounts(REPORTERS)
    oracle = deploy_oracle(
        evm,
        admin,
        [s.address for s in signers],
        THRESHOLD,
        CONFIRM_QUORUM,
        max_report_age=MAX_REPORT_AGE,
        max_future_drift=MAX_FUTURE_DRIFT,
    )
    handler = deploy_corporate_actions(evm, admin, oracle.address)
    enable_corporate_actions(evm, tsla.token, handler, issuer)
    evm.send(oracle.functions.setCorporateActions(handler.address), admin)
    open_age, value_age, liquidate_age, tokenized_age = TSLA_CONFIG_AGES
    configure_feed(
        evm,
        oracle,
        TSLA,
        FeedConfig(tsla.token.address, open_age, value_age, liquidate_age, JUMP_BAND_BPS, tokenized_age),
        admin,
    )
    observe_token(evm, tsla.token, oracle, issuer)  # the token tells the oracle of pauses and schedules
    zero = "0x" + "00" * 20
    configure_feed(evm, oracle, BTC, FeedConfig(zero, open_age, value_age, liquidate_age, 1_500), admin)
    chain_id = evm.w3.eth.chain_id
    return Desk(
        evm=evm,
        oracle=oracle,
        admin=admin,
        submitter=keeper,
        tsla=Reporter(signers, chain_id, oracle.address, TSLA),
        btc=Reporter(signers, chain_id, oracle.address, BTC),
        token=tsla.token,
        handler=handler,
        token_owner=issuer,
    )
