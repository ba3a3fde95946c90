"""Dividends on stock collateral: the vault, a registered custodian, passes them through to its depositors."""

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
from tests.margin.conftest import TSLA_UNIT, USDC_UNIT, Desk
from tests.suite_fixtures import Actors

AMOUNT_PER_SHARE = 250_000  # $0.25 a share, 6-decimal stablecoin
CLAIM_PERIOD = 30 * 86_400
RATES = {US: 3_000, DE: 1_500}


@dataclass(frozen=True)
class Payouts:
    distributor: Contract
    tax: str


@pytest.fixture(scope="session")
def payouts(desk: Desk, protocol: Protocol, issuer: str) -> Payouts:
    tax = desk.evm.new_account()
    distributor = deploy_dividend_distributor(
        desk.evm,
        desk.admin,
        tax,
        factories=(protocol.factory.address,),
        rates=RATES,
        custodians=(desk.vault.address,),
    )
    enable_distributor(desk.evm, desk.tsla, distributor, issuer)
    desk.evm.send(desk.vault.functions.setDistributor(distributor.address), desk.admin)
    desk.fund(issuer, desk.usdc, 1_000_000 * USDC_UNIT)
    return Payouts(distributor, tax)


def test_dividend__us_and_de_depositors__each_paid_its_share_net_of_its_own_rate(
    desk: Desk, payouts: Payouts, holders: Actors, issuer: str
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    alice_account, bob_account = desk.open(alice), desk.open(bob)
    desk.deposit(alice_account, desk.tsla, 40 * TSLA_UNIT, alice)
    desk.deposit(bob_account, desk.tsla, 10 * TSLA_UNIT, bob)
    record_time = desk.evm.timestamp() + 100
    receipt = desk.evm.send(
        payouts.distributor.functions.announce(
            desk.tsla.address, desk.usdc.address, record_time, AMOUNT_PER_SHARE, CLAIM_PERIOD
        ),
        issuer,
    )
    distribution_id = desk.evm.events(receipt, payouts.distributor, "DividendAnnounced")[0]["distributionId"]
    desk.evm.mine(record_time + 1)
    # After the record time: a deposit changes nothing of this distribution.
    desk.deposit(bob_account, desk.tsla, 5 * TSLA_UNIT, bob)
    fund_dividend(desk.evm, payouts.distributor, desk.tsla, desk.usdc, distribution_id, issuer)

    receipt = desk.evm.send(payouts.distributor.functions.claimFor(distribution_id, desk.vault.address), bob)

    (received,) = desk.evm.events(receipt, desk.vault, "VaultDividendReceived")
    gross = gross_entitlement(50 * TSLA_UNIT, AMOUNT_PER_SHARE)
    assert received["gross"] == gross  # paid gross: the vault is a custodian
    vault_id = received["vaultDistributionId"]
    tax_before = desk.usdc.functions.balanceOf(payouts.tax).call()
    for wallet, account, position, country in ((alice, alice_account, 40, US), (bob, bob_account, 10, DE)):
        share = gross * position // 50
        assert desk.vault.functions.dividendOf(vault_id, account).call() == share
        before = desk.usdc.functions.balanceOf(wallet).call()
        desk.evm.send(desk.vault.functions.claimDividend(vault_id, account), desk.submitter)
        withheld = withheld_amount(share, RATES[country])
        assert desk.usdc.functions.balanceOf(wallet).call() == before + share - withheld
    assert desk.usdc.functions.balanceOf(payouts.tax).call() == tax_before + withheld_amount(
        gross * 40 // 50, RATES[US]
    ) + withheld_amount(gross * 10 // 50, RATES[DE])
    with desk.evm.reverts("MarginDividendsAlreadyClaimed", vault_id, alice_account):
        desk.evm.send(desk.vault.functions.claimDividend(vault_id, alice_account), alice)


def test_on_dividend_received__not_the_distributor__refused(desk: Desk, payouts: Payouts, holders: Actors) -> None:
    with desk.evm.reverts("MarginDividendsNotDistributor", holders.alice.wallet):
        desk.evm.send(
            desk.vault.functions.onDividendReceived(1, desk.tsla.address, desk.usdc.address, 1, 1), holders.alice.wallet
        )
