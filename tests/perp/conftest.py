"""Fixtures for the perp market (issue 15): the margin ``desk`` (tests/margin/conftest.py) plus a FundingRateOracle
and a PerpMarket registered on the desk's vault, with a BTC perp and a TSLA perp priced by the desk's oracle.

``perp.settle(...)`` signs the report an order fills at (observed exactly ``settlementDelay`` after its
commitment) and sends the settlement a second later, as a keeper would. The vault's counterparty is the desk's
``lp`` wallet (funded credit), so realised profit, loss and fees move between the trader's account and it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.funding import (
    CRYPTO_INTEREST_PER_8H,
    FundingConfig,
    FundingState,
    configure_market,
    deploy_funding_oracle,
)
from dualtrack.keepers.perp_keeper import PerpKeeper
from dualtrack.keepers.reporter import Multipliers
from dualtrack.market import MarketStatus
from dualtrack.oracle import feed_id
from dualtrack.perp import (
    MarketConfig,
    MarketModel,
    OrderKind,
    OrderRequest,
    Position,
    Settlement,
    deploy_perp_market,
    list_market,
    position_of,
    settlement_of,
)
from dualtrack.units import WAD
from tests.margin.conftest import (
    BTC_FEED,
    THRESHOLD,
    TSLA_FEED,
    TSLA_UNIT,
    UNIT_MULTIPLIERS,
    USDC_UNIT,
    Desk,
    usd,
)

# `desk` is the fixture the perp desk builds on (re-exported for pytest).
from tests.margin.conftest import desk as desk

BTC_PERP = feed_id("BTC-PERP")
TSLA_PERP = feed_id("TSLA-PERP")
DELAY = 2
WINDOW = 60
KEEPER_FEE = 2 * USDC_UNIT
SETTLE_GAS = 2_000_000  # sent at a set time, so not estimated

BTC_MARKET = MarketConfig(
    feed_id=BTC_FEED,
    skew_scale=10_000 * WAD,
    max_open_interest=500 * WAD,
    maker_fee_bps=2,
    taker_fee_bps=6,
    initial_margin_ratio=WAD // 2,
    min_initial_margin_ratio=WAD // 50,  # 50x
    maintenance_scalar=WAD // 2,
    min_position_margin=usd(50),
    settlement_delay=DELAY,
    settlement_window=WINDOW,
    min_keeper_fee=USDC_UNIT,
    max_keeper_fee=5 * USDC_UNIT,
)
TSLA_MARKET = MarketConfig(
    feed_id=TSLA_FEED,
    skew_scale=2_000_000 * WAD,
    max_open_interest=100_000 * WAD,
    maker_fee_bps=3,
    taker_fee_bps=8,
    initial_margin_ratio=WAD,
    min_initial_margin_ratio=WAD // 10,  # 10x
    maintenance_scalar=WAD // 2,
    min_position_margin=usd(20),
    settlement_delay=DELAY,
    settlement_window=WINDOW,
    min_keeper_fee=USDC_UNIT,
    max_keeper_fee=5 * USDC_UNIT,
)
FUNDING_IMPACT = {BTC_PERP: 10 * WAD, TSLA_PERP: 1_000 * WAD}
PERP_FEEDS = {BTC_PERP: BTC_FEED, TSLA_PERP: TSLA_FEED}


class NoReports:
    """A report source that has none: the keeper's passes that need no report."""

    def report_at(self, feed: bytes, observed_at: int) -> bytes | None:
        return None


@dataclass
class PerpDesk:
    """The desk's vault and oracle with a funding oracle and the perp market on them."""

    desk: Desk
    market: Contract
    funding: Contract
    keeper: str
    module: str

    @property
    def evm(self) -> Chain:
        return self.desk.evm

    def account(self, owner: str, *, tsla: int = 0, usdc: int = 0) -> int:
        """A new vault account of ``owner`` with ``tsla`` whole TSLA tokens and ``usdc`` whole USDC."""
        account = self.desk.open(owner)
        if tsla:
            self.desk.deposit(account, self.desk.tsla, tsla * TSLA_UNIT, owner)
        if usdc:
            self.desk.fund(owner, self.desk.usdc, usdc * USDC_UNIT)
            self.desk.deposit(account, self.desk.usdc, usdc * USDC_UNIT, owner)
        return account

    def commit(
        self,
        account: int,
        owner: str,
        size: int,
        *,
        market_id: bytes = BTC_PERP,
        acceptable: int | None = None,
        kind: OrderKind = OrderKind.MARKET,
        trigger: int = 0,
        reduce_only: bool = False,
        keeper_fee: int = KEEPER_FEE,
    ) -> tuple[int, int]:
        """Commit an order; returns (slot, commitment time). ``acceptable`` defaults to any price."""
        if acceptable is None:
            acceptable = 2**128 - 1 if size > 0 else 0
        request = OrderRequest(market_id, account, size, acceptable, trigger, kind, reduce_only, keeper_fee)
        receipt = self.evm.send(self.market.functions.commitOrder(request.as_tuple()), owner)
        event = self.evm.events(receipt, self.market, "OrderCommitted")[0]
        return int(event["slot"]), int(self.evm.w3.eth.get_block(receipt["blockNumber"])["timestamp"])

    def report(
        self,
        market_id: bytes,
        observed_at: int,
        price: float,
        multipliers: Multipliers = UNIT_MULTIPLIERS,
        *,
        status: MarketStatus = MarketStatus.OPEN,
        tokenized: float | None = None,
    ) -> bytes:
        """A report of ``price`` (whole USD a share; the venue's, the last close while ``status`` is closed) and
        the 24/7 ``tokenized`` price (default: the same) for ``market_id``'s feed observed at ``observed_at``."""
        feed = PERP_FEEDS.get(market_id, market_id)
        reporter = self.desk.reporters[feed]
        tokenized_wad = None if tokenized is None else usd(tokenized)
        report = reporter.report(observed_at, status, usd(price), tokenized_wad, multipliers)
        return reporter.sign(report, THRESHOLD)

    def settle_tx(
        self,
        account: int,
        slot: int,
        committed_at: int,
        price: float,
        *,
        market_id: bytes = BTC_PERP,
        keeper: str | None = None,
        observed_at: int | None = None,
        at: int | None = None,
        feed: bytes | None = None,
        multipliers: Multipliers = UNIT_MULTIPLIERS,
        status: MarketStatus = MarketStatus.OPEN,
        tokenized: float | None = None,
    ) -> TxReceipt:
        """Settle with a report of ``price`` observed at ``observed_at`` (default: the order's fill time) on
        ``feed`` (default: the market's), with the venue's ``status`` and the ``tokenized`` price."""
        fill_time = committed_at + DELAY
        observed = fill_time if observed_at is None else observed_at
        payload = self.report(feed or market_id, observed, price, multipliers, status=status, tokenized=tokenized)
        call = self.market.functions.settleOrder(account, market_id, slot, payload)
        when = max(fill_time, observed) + 1 if at is None else at
        return self.evm.send_at(call, keeper or self.keeper, when, gas=SETTLE_GAS)

    def trade(
        self, account: int, owner: str, size: int, price: float, *, market_id: bytes = BTC_PERP, **commit: object
    ) -> Settlement:
        """Commit a market order and have the keeper settle it at ``price``."""
        slot, committed_at = self.commit(account, owner, size, market_id=market_id, **commit)  # type: ignore[arg-type]
        return settlement_of(
            self.evm, self.market, self.settle_tx(account, slot, committed_at, price, market_id=market_id)
        )

    def list_modelled(self, market_id: bytes, config: MarketConfig, impact_size: int) -> MarketModel:
        """List a fresh perp ``market_id`` with ``config`` and its funding (crypto interest, ``impact_size``), so
        that ``dualtrack.perp.MarketModel`` starts with it; returns the model."""
        admin = self.desk.admin
        funding_config = FundingConfig(config.skew_scale, impact_size, CRYPTO_INTEREST_PER_8H, self.market.address)
        configure_market(self.evm, self.funding, market_id, funding_config, admin)
        list_market(self.evm, self.market, market_id, config, admin)
        return MarketModel(config, funding_config, FundingState())

    def fill_modelled(
        self, model: MarketModel, market_id: bytes, feed: bytes, account: int, owner: str, size: int, price: float
    ) -> Settlement:
        """A market order on ``market_id`` (priced by ``feed``) settled by the keeper at ``price``, checked against
        ``model`` to the wei."""
        slot, committed_at = self.commit(account, owner, size, market_id=market_id)
        receipt = self.settle_tx(account, slot, committed_at, price, market_id=market_id, feed=feed)
        settled = settlement_of(self.evm, self.market, receipt)
        at = int(self.evm.w3.eth.get_block(receipt["blockNumber"])["timestamp"])
        assert settled.figures == model.fill(account, size, usd(price), at)
        return settled

    def keeper_bot(self) -> PerpKeeper:
        """The perp keeper as the desk's keeper, with no report source (for its dividend, liquidation and ADL
        passes; market orders are settled by the tests)."""
        return PerpKeeper(self.evm, self.market, self.desk.vault, self.desk.usdc, NoReports(), self.keeper)

    def position(self, account: int, market_id: bytes = BTC_PERP) -> Position:
        return position_of(self.market, account, market_id)

    def cash(self, account: int) -> int:
        return self.desk.balance(account, self.desk.usdc)

    def debt(self, account: int) -> int:
        return int(self.desk.vault.functions.debtOf(account).call())

    def lp_credit(self) -> int:
        return int(self.desk.vault.functions.creditOf(self.desk.lp).call())


@pytest.fixture(scope="session")
def perp(desk: Desk, keeper: str) -> PerpDesk:
    evm = desk.evm
    funding = deploy_funding_oracle(evm, desk.admin)
    market = deploy_perp_market(
        evm,
        desk.admin,
        vault=desk.vault.address,
        price_oracle=desk.oracle.address,
        funding_oracle=funding.address,
        settlement_decimals=6,
    )
    for market_id, config in ((BTC_PERP, BTC_MARKET), (TSLA_PERP, TSLA_MARKET)):
        funding_config = FundingConfig(
            config.skew_scale, FUNDING_IMPACT[market_id], CRYPTO_INTEREST_PER_8H, market.address
        )
        configure_market(evm, funding, market_id, funding_config, desk.admin)
        list_market(evm, market, market_id, config, desk.admin)
    evm.send(desk.vault.functions.registerMarket(market.address), desk.admin)
    module = str(market.functions.module().call())
    return PerpDesk(desk=desk, market=market, funding=funding, keeper=keeper, module=module)
