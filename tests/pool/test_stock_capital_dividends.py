"""Dividends on stock capital: StockCapital, a registered custodian, passes them to each LP at its own rate."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract

from dualtrack.dividends import (
    deploy_dividend_distributor,
    enable_distributor,
    fund_dividend,
    gross_entitlement,
    withheld_amount,
)
from dualtrack.suite import DE, US, Protocol
from tests.margin.conftest import TSLA_UNIT, USDC_UNIT
from tests.pool.stock_capital_fixtures import StockDesk
from tests.suite_fixtures import Actors

AMOUNT_PER_SHARE = 250_000  # $0.25 a share, 6-decimal stablecoin
CLAIM_PERIOD = 30 * 86_400
RATES = {US: 3_000, DE: 1_500}


@dataclass(frozen=True)
class Payouts:
    distributor: Contract
    tax: str


@pytest.fixture(scope="session")
def capital_payouts(stock_desk: StockDesk, protocol: Protocol, issuer: str) -> Payouts:
    sd = stock_desk
    tax = sd.evm.new_account()
    distributor = deploy_dividend_distributor(
        sd.evm,
        sd.admin,
        tax,
        factories=(protocol.factory.address,),
        rates=RATES,
        custodians=(sd.capital.address,),
    )
    enable_distributor(sd.evm, sd.tsla, distributor, issuer)
    sd.evm.send(sd.capital.functions.setDistributor(distributor.address), sd.admin)
    sd.desk.fund(issuer, sd.usdc, 1_000_000 * USDC_UNIT)
    return Payouts(distributor, tax)


def _announce(sd: StockDesk, payouts: Payouts, issuer: str) -> tuple[int, int]:
    record_time = sd.evm.timestamp() + 100
    receipt = sd.evm.send(
        payouts.distributor.functions.announce(
            sd.tsla.address, sd.usdc.address, record_time, AMOUNT_PER_SHARE, CLAIM_PERIOD
        ),
        issuer,
    )
    return int(sd.evm.events(receipt, payouts.distributor, "DividendAnnounced")[0]["distributionId"]), record_time


def test_dividend__us_and_de_lps__each_paid_its_share_net_of_its_own_rate(
    stock_desk: StockDesk, capital_payouts: Payouts, holders: Actors, issuer: str
) -> None:
    sd, payouts = stock_desk, capital_payouts
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 40 * TSLA_UNIT)
    sd.deposit(bob, 10 * TSLA_UNIT)
    distribution_id, record_time = _announce(sd, payouts, issuer)
    sd.evm.mine(record_time + 1)
    # After the record time: a deposit and a withdrawal change nothing of this distribution.
    sd.deposit(bob, 5 * TSLA_UNIT)
    sd.withdraw(alice, sd.shares(alice) // 4)
    fund_dividend(sd.evm, payouts.distributor, sd.tsla, sd.usdc, distribution_id, issuer)

    receipt = sd.evm.send(payouts.distributor.functions.claimFor(distribution_id, sd.capital.address), bob)

    (received,) = sd.evm.events(receipt, sd.capital, "CapitalDividendReceived")
    gross = gross_entitlement(50 * TSLA_UNIT, AMOUNT_PER_SHARE)
    assert received["gross"] == gross  # paid gross: StockCapital is a custodian
    capital_id = received["capitalDistributionId"]
    snapshot = received["snapshotId"]
    total = sd.capital.functions.capitalDistribution(capital_id).call()[4]
    alice_shares = sd.capital.functions.sharesAt(sd.tsla.address, alice, snapshot).call()
    bob_shares = sd.capital.functions.sharesAt(sd.tsla.address, bob, snapshot).call()
    assert alice_shares == 40 * TSLA_UNIT * 1_000 and total == alice_shares + bob_shares
    tax_before = sd.usdc_of(payouts.tax)
    withheld_total = 0
    for wallet, shares, country in ((alice, alice_shares, US), (bob, bob_shares, DE)):
        share = gross * shares // total
        assert abs(share - gross * (40 if wallet == alice else 10) // 50) <= 1
        assert sd.capital.functions.dividendOf(capital_id, wallet).call() == share
        before = sd.usdc_of(wallet)
        sd.evm.send(sd.capital.functions.claimDividend(capital_id, wallet), sd.desk.submitter)  # anyone
        withheld = withheld_amount(share, RATES[country])
        withheld_total += withheld
        assert sd.usdc_of(wallet) == before + share - withheld
    assert sd.usdc_of(payouts.tax) == tax_before + withheld_total
    paid = sd.capital.functions.capitalDistribution(capital_id).call()[5]
    assert paid <= gross
    with sd.evm.reverts("StockCapitalAlreadyClaimed", capital_id, alice):
        sd.evm.send(sd.capital.functions.claimDividend(capital_id, alice), alice)


def test_dividend__lp_joined_after_the_record_time__nothing_to_claim(
    stock_desk: StockDesk, capital_payouts: Payouts, holders: Actors, issuer: str
) -> None:
    sd, payouts = stock_desk, capital_payouts
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    distribution_id, record_time = _announce(sd, payouts, issuer)
    sd.evm.mine(record_time + 1)
    sd.deposit(bob, 10 * TSLA_UNIT)
    fund_dividend(sd.evm, payouts.distributor, sd.tsla, sd.usdc, distribution_id, issuer)
    sd.evm.send(payouts.distributor.functions.claimFor(distribution_id, sd.capital.address), bob)
    capital_id = sd.capital.functions.capitalDistributionCount().call()

    assert sd.capital.functions.dividendOf(capital_id, bob).call() == 0
    with sd.evm.reverts("StockCapitalNothingToClaim", capital_id, bob):
        sd.evm.send(sd.capital.functions.claimDividend(capital_id, bob), bob)
    assert sd.capital.functions.dividendOf(capital_id, alice).call() == gross_entitlement(
        10 * TSLA_UNIT, AMOUNT_PER_SHARE
    )


def test_on_dividend_received__not_the_distributor__refused(stock_desk: StockDesk, holders: Actors) -> None:
    sd = stock_desk
    with sd.evm.reverts("StockCapitalNotDistributor", holders.alice.wallet):
        sd.evm.send(
            sd.capital.functions.onDividendReceived(1, sd.tsla.address, sd.usdc.address, 1, 1), holders.alice.wallet
        )
