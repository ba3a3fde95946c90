"""Fixtures for the dividend module alone, driven through MarginDividendsHarness (no vault).

- ``margin_dividends``: a TSLA suite of its own (exact supply figures), a DividendDistributor trusting the
  protocol's factory (DE 15%, everyone else the 30% default), and the harness standing for the vault:
  a verified TSLA holder, a custodian of the distributor, which it accepts payments from. Alice (US) and
  bob (DE) hold 100 TSLA each and own vault accounts 1 and 2, empty; carol (US) holds none.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.claims import ClaimTopic
from dualtrack.dividends import deploy_dividend_distributor, enable_distributor, fund_dividend
from dualtrack.governance import manager_of
from dualtrack.identity import add_claim, deploy_identity
from dualtrack.suite import DE, UNIT, US, Protocol, deploy_suite, salt_of, standard_suite_params
from tests.corporate.conftest import register_holder
from tests.suite_fixtures import Actors, KycIssuer

APS = 250_000  # $0.25 (6-decimal stablecoin) per share
PERIOD = 30 * 86_400
DELAY = 1_000  # announce to record time, seconds
RATES = {US: 3_000, DE: 1_500}  # US: the distributor's default rate


@dataclass(frozen=True)
class MarginDividends:
    """The harness vault on a TSLA suite with its distributor, and the accounts that drive them."""

    evm: Chain
    token: Contract
    usdc: Contract
    distributor: Contract
    vault: Contract  # MarginDividendsHarness
    admin: str  # ADMIN of the distributor's and the vault's manager (TREASURY too)
    issuer: str  # TSLA's owner
    agent: str  # TSLA's agent
    tax: str  # the distributor's tax account
    alice: str  # US, 100 TSLA, vault account 1
    bob: str  # DE, 100 TSLA, vault account 2
    carol: str  # US, no TSLA
    identities: dict[str, Contract]  # wallet -> its identity (MANAGEMENT key: the wallet itself)

    def deposit(self, wallet: str, account_id: int, amount: int) -> None:
        self.evm.send(self.token.functions.approve(self.vault.address, amount), wallet)
        self.evm.send(self.vault.functions.deposit(account_id, self.token.address, amount), wallet)

    def withdraw(self, wallet: str, account_id: int, amount: int) -> None:
        self.evm.send(self.vault.functions.withdraw(account_id, self.token.address, amount), wallet)

    def open_account(self, owner: str) -> int:
        receipt = self.evm.send(self.vault.functions.openAccount(owner), owner)
        (event,) = self.evm.events(receipt, self.vault, "AccountOpened")
        return int(event["accountId"])

    def announce(self, *, delay: int = DELAY) -> tuple[int, int]:
        """Announce a USDC distribution of TSLA; returns (distribution id, record time)."""
        record_time = self.evm.timestamp() + delay
        call = self.distributor.functions.announce(self.token.address, self.usdc.address, record_time, APS, PERIOD)
        receipt = self.evm.send(call, self.issuer)
        (event,) = self.evm.events(receipt, self.distributor, "DividendAnnounced")
        return int(event["distributionId"]), record_time

    def pay_vault(self, distribution_id: int) -> dict[str, int]:
        """Fund ``distribution_id`` (its record time passed) and have carol claim it for the vault; returns
        the vault's ``VaultDividendReceived`` event."""
        fund_dividend(self.evm, self.distributor, self.token, self.usdc, distribution_id, self.issuer)
        receipt = self.evm.send(self.distributor.functions.claimFor(distribution_id, self.vault.address), self.carol)
        (event,) = self.evm.events(receipt, self.vault, "VaultDividendReceived")
        return event

    def usdc_of(self, wallet: str) -> int:
        return int(self.usdc.functions.balanceOf(wallet).call())

    def booked_at(self, account_id: int, snapshot_id: int) -> int:
        return int(self.evm.call(self.vault.functions.bookedAt(account_id, self.token.address, snapshot_id)))


@pytest.fixture(scope="session")
def margin_dividends(
    evm: Chain, protocol: Protocol, holders: Actors, kyc: KycIssuer, issuer: str, agent: str, keeper: str, lp: str
) -> MarginDividends:
    params = standard_suite_params(
        protocol, name="Tesla", symbol="TSLA", owner=issuer, claim_issuer=kyc.contract.address, agents=[agent]
    )
    tsla = deploy_suite(evm, protocol, params, salt=salt_of("TSLA-margin-dividends"), sender=issuer)
    for holder in (holders.alice, holders.bob, holders.carol):
        register_holder(evm, tsla, kyc, agent, holder)
    evm.send(tsla.token.functions.batchMint([holders.alice.wallet, holders.bob.wallet], [100 * UNIT] * 2), agent)
    usdc = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", issuer, sender=issuer)
    evm.send(usdc.functions.mint(issuer, 10**15), issuer)
    distributor = deploy_dividend_distributor(
        evm, keeper, lp, factories=(protocol.factory.address,), rates={DE: RATES[DE]}
    )
    enable_distributor(evm, tsla.token, distributor, issuer)
    # The vault: governed by the distributor's manager (keeper is its ADMIN), a verified TSLA holder.
    manager = manager_of(evm, distributor)
    vault = evm.deploy("MarginDividendsHarness", manager.address, distributor.address, sender=keeper)
    identity = deploy_identity(evm, issuer)
    add_claim(evm, identity, kyc.contract, kyc.signer_key, int(ClaimTopic.KYC), issuer)
    evm.send(tsla.identity_registry.functions.registerIdentity(vault.address, identity.address, US), agent)
    evm.send(distributor.functions.setCustodian(vault.address, True), keeper)
    m = MarginDividends(
        evm=evm,
        token=tsla.token,
        usdc=usdc,
        distributor=distributor,
        vault=vault,
        admin=keeper,
        issuer=issuer,
        agent=agent,
        tax=lp,
        alice=holders.alice.wallet,
        bob=holders.bob.wallet,
        carol=holders.carol.wallet,
        identities={h.wallet: h.identity for h in (holders.alice, holders.bob, holders.carol)},
    )
    assert (m.open_account(m.alice), m.open_account(m.bob)) == (1, 2)
    return m
