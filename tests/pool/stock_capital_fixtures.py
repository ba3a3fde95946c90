"""StockCapital fixtures (the stock-capital helper's part of ``tests/pool``).

``stock_desk`` builds on the margin ``desk`` (oracle with the TSLA feed bound to the session token, USDC,
CorporateActions): a StockCapital behind its proxy with TSLA listed, a verified custodian of the TSLA suite
(as the vault is), wired to a ``MockStockCapitalPool`` that holds 1M USDC, with no deposit lock (tests of
the lock set one). alice (US) and bob (DE) hold 100 TSLA each; carol (US) is verified with none.
``nvda`` lists a second stock (an NVDA suite, its feed on the same oracle) for tests across tranches.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.keepers.reporter import Multipliers, Reporter
from dualtrack.market import MarketStatus
from dualtrack.oracle import FeedConfig, configure_feed, feed_id, observe_token, reporter_accounts, submit_at
from dualtrack.stock_capital import StockConfig, deploy_stock_capital, list_stock
from dualtrack.stock_capital import deposit as deposit_stock
from dualtrack.suite import US, Protocol, Suite, deploy_suite, register_custodian, salt_of, standard_suite_params
from tests.margin.conftest import AGES, BAND_BPS, REPORTERS, THRESHOLD, TSLA_FEED, USDC_UNIT, Desk, usd
from tests.suite_fixtures import KycIssuer, _onboard_actors

TSLA_STOCK = StockConfig(TSLA_FEED, open_weight_bps=6_000, closed_weight_bps=3_000)
POOL_FUNDS = 1_000_000 * USDC_UNIT


@dataclass(frozen=True)
class StockDesk:
    """StockCapital, its mock pool and the margin desk it shares the oracle and tokens with."""

    desk: Desk
    capital: Contract
    pool: Contract

    @property
    def evm(self) -> Chain:
        return self.desk.evm

    @property
    def tsla(self) -> Contract:
        return self.desk.tsla

    @property
    def usdc(self) -> Contract:
        return self.desk.usdc

    @property
    def admin(self) -> str:
        return self.desk.admin

    def deposit(self, lp: str, amount: int) -> TxReceipt:
        return deposit_stock(self.evm, self.capital, self.tsla, amount, lp)

    def withdraw(self, lp: str, shares: int) -> TxReceipt:
        return self.evm.send(self.capital.functions.withdraw(self.tsla.address, shares), lp)

    def shares(self, lp: str) -> int:
        return int(self.capital.functions.positionOf(self.tsla.address, lp).call()[0])

    def tranche(self) -> tuple[int, int, int]:
        """(tokens, total shares, USD balance) of the TSLA tranche."""
        view = self.capital.functions.tranche(self.tsla.address).call()
        return int(view[4]), int(view[5]), int(view[6])

    def income_index(self) -> int:
        """The TSLA tranche's income index (USD per share x IncomeMath.PRECISION)."""
        return int(self.capital.functions.tranche(self.tsla.address).call()[8])

    def pending_income(self, lp: str) -> int:
        return int(self.capital.functions.pendingIncome(self.tsla.address, lp).call())

    def collect(self, lp: str) -> TxReceipt:
        return self.evm.send(self.capital.functions.collect(self.tsla.address), lp)

    def book(self, result_usd: int) -> TxReceipt:
        return self.evm.send(self.pool.functions.bookResult(result_usd), self.admin)

    def tsla_of(self, wallet: str) -> int:
        return int(self.tsla.functions.balanceOf(wallet).call())

    def usdc_of(self, wallet: str) -> int:
        return int(self.usdc.functions.balanceOf(wallet).call())


@pytest.fixture(scope="session")
def stock_desk(desk: Desk, tsla: Suite, kyc: KycIssuer, agent: str, issuer: str) -> StockDesk:
    evm = desk.evm
    pool = evm.deploy("MockStockCapitalPool", desk.usdc.address, sender=desk.admin)
    capital = deploy_stock_capital(
        evm, desk.admin, desk.oracle.address, desk.usdc.address, pool=pool.address, lock_period=0
    )
    evm.send(pool.functions.setStockCapital(capital.address), desk.admin)
    list_stock(evm, capital, desk.tsla.address, TSLA_STOCK, desk.admin)
    # StockCapital holds for others: a verified holder and custodian of TSLA, as the margin vault is.
    register_custodian(
        evm,
        tsla,
        capital.address,
        country=US,
        claim_issuer=kyc.contract,
        signer_key=kyc.signer_key,
        registrar=agent,
        issuer=issuer,
    )
    desk.fund(pool.address, desk.usdc, POOL_FUNDS)
    return StockDesk(desk=desk, capital=capital, pool=pool)


NVDA_FEED = feed_id("NVDA")
NVDA_PRICE = 100
NVDA_STOCK = StockConfig(NVDA_FEED, open_weight_bps=5_000, closed_weight_bps=2_500)


@dataclass(frozen=True)
class SecondStock:
    """An NVDA suite listed as a second tranche: alice and bob hold 100 NVDA each (verified in its registry)."""

    token: Contract
    reporter: Reporter

    def price(self, sd: StockDesk, at: int, price: float = NVDA_PRICE) -> None:
        """Post one open-market NVDA report observed at ``at``; the chain's clock ends at ``at + 1``."""
        report = self.reporter.report(at, MarketStatus.OPEN, usd(price), None, Multipliers())
        submit_at(sd.evm, sd.desk.oracle, self.reporter.sign(report, THRESHOLD), sd.desk.submitter, at + 1)


@pytest.fixture(scope="session")
def nvda(
    stock_desk: StockDesk, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, alice: str, bob: str
) -> SecondStock:
    sd = stock_desk
    evm = sd.evm
    params = standard_suite_params(
        protocol, name="NVIDIA", symbol="NVDA", owner=issuer, claim_issuer=kyc.contract.address, agents=[agent]
    )
    suite = deploy_suite(evm, protocol, params, salt=salt_of("NVDA-stock-capital"), sender=issuer)
    _onboard_actors(evm, suite, kyc, agent, alice, bob)
    open_age, value_age, liquidate_age, tokenized_age = AGES
    config = FeedConfig(suite.token.address, open_age, value_age, liquidate_age, BAND_BPS, tokenized_age)
    configure_feed(evm, sd.desk.oracle, NVDA_FEED, config, sd.admin)
    observe_token(evm, suite.token, sd.desk.oracle, issuer)
    register_custodian(
        evm,
        suite,
        sd.capital.address,
        country=US,
        claim_issuer=kyc.contract,
        signer_key=kyc.signer_key,
        registrar=agent,
        issuer=issuer,
    )
    list_stock(evm, sd.capital, suite.token.address, NVDA_STOCK, sd.admin)
    signers = reporter_accounts(REPORTERS, "margin-reporter")
    reporter = Reporter(signers, evm.w3.eth.chain_id, sd.desk.oracle.address, NVDA_FEED)
    return SecondStock(token=suite.token, reporter=reporter)
