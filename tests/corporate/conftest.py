"""Fixtures for the corporate-action tests.

- ``corporate``: the protocol's CorporateActions handler on the TSLA suite, owned by a fresh
  protocol-admin account, its price confirmer ``keeper`` (standing in for the oracle), and the TSLA
  token's owner (``issuer``) has made it a corporate-action agent.
- ``dividend_env``: a DividendDistributor trusting the protocol's SuiteFactory, on a TSLA suite of its
  own with exact supply figures; ``dividend_market`` adds a second issuer's NVDA suite with the same
  holders, a second stablecoin, and an attacker's MockFakeEquityToken (review finding 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from dualtrack.corporate import deploy_corporate_actions, enable_corporate_actions
from dualtrack.dividends import (
    SHARE,
    announce_dividend,
    deploy_dividend_distributor,
    enable_distributor,
    fund_dividend,
)
from dualtrack.suite import (
    DE,
    JP,
    UNIT,
    US,
    Holder,
    Protocol,
    Suite,
    deploy_suite,
    onboard_holder,
    salt_of,
    standard_suite_params,
)
from tests.suite_fixtures import Actors, KycIssuer


@dataclass(frozen=True)
class Corporate:
    """The handler on TSLA, with the accounts that drive it."""

    handler: Contract
    token: Contract
    admin: str  # the handler's owner (protocol admin)
    token_owner: str  # TSLA's owner: announces, amends, cancels
    confirmer: str  # the price confirmer (the oracle)


@pytest.fixture(scope="session")
def corporate(evm: Chain, tsla: Suite, holders: Actors, issuer: str, keeper: str) -> Corporate:
    admin = evm.new_account()
    handler = deploy_corporate_actions(evm, admin, keeper)
    enable_corporate_actions(evm, tsla.token, handler, issuer)
    return Corporate(handler=handler, token=tsla.token, admin=admin, token_owner=issuer, confirmer=keeper)


class Clock:
    """Explicit block times: every transaction or read is placed at a known timestamp."""

    def __init__(self, evm: Chain) -> None:
        self.evm = evm

    def next(self, seconds: int = 1) -> int:
        """Set the next block's timestamp ``seconds`` after the latest block and return it."""
        t = self.evm.timestamp() + seconds
        self.evm.set_next_timestamp(t)
        return t

    def mine_at(self, timestamp: int) -> None:
        """Mine an empty block at ``timestamp`` (views then read at that time)."""
        self.evm.mine(timestamp)


@pytest.fixture(scope="session")
def clock(evm: Chain) -> Clock:
    return Clock(evm)


# ---------------------------------------------------------------------------- cash dividends

ZERO_RATE_COUNTRY = 702  # Singapore: a treaty rate of 0% set explicitly
DIVIDEND_RATES = {DE: 1_500, JP: 1_000, ZERO_RATE_COUNTRY: 0}
APS = 250_000  # $0.25 (6-decimal stablecoin) per share (1e18 raw units)
PERIOD = 30 * 86_400
DELAY = 1_000
JP_BALANCE = 33_333_333_333_333_333_333  # 33.3... TSLA: entitlements that round


@dataclass(frozen=True)
class DividendEnv:
    """The distributor on a TSLA suite of its own, with the accounts that drive it."""

    evm: Chain
    protocol: Protocol
    suite: Suite
    token: Contract
    registry: Contract
    usdc: Contract
    distributor: Contract
    admin: str  # the distributor's owner (protocol admin)
    issuer: str  # the token's owner
    agent: str
    tax: str
    alice: str  # US, 100 TSLA
    bob: str  # DE, 100 TSLA
    carol: str  # US, 0 TSLA
    jp: str  # JP, JP_BALANCE
    sg: str  # ZERO_RATE_COUNTRY, 10 TSLA
    kyc: KycIssuer
    identities: dict[str, Contract]  # wallet -> its identity (MANAGEMENT key: the wallet itself)


def onboard_new_holder(evm: Chain, suite: Suite, kyc: KycIssuer, agent: str, country: int) -> Holder:
    """A fresh wallet with a new identity, a KYC claim and a registration in ``suite``."""
    wallet = evm.new_account()
    return onboard_holder(
        evm, suite, wallet, country, claim_issuer=kyc.contract, signer_key=kyc.signer_key, registrar=agent
    )


def register_holder(evm: Chain, suite: Suite, kyc: KycIssuer, agent: str, holder: Holder) -> None:
    """Register an existing ``holder`` (wallet and identity) in ``suite`` too."""
    onboard_holder(
        evm,
        suite,
        holder.wallet,
        holder.country,
        claim_issuer=kyc.contract,
        signer_key=kyc.signer_key,
        registrar=agent,
        identity=holder.identity,
    )


@pytest.fixture(scope="session")
def dividend_env(
    evm: Chain,
    protocol: Protocol,
    holders: Actors,
    kyc: KycIssuer,
    issuer: str,
    agent: str,
    keeper: str,
    lp: str,
) -> DividendEnv:
    # A suite of its own: the session's TSLA may hold other tests' holders, and the supply figures
    # here must be exact. Alice (US) and bob (DE) hold 100 each, carol (US) none.
    params = standard_suite_params(
        protocol, name="Tesla", symbol="TSLA", owner=issuer, claim_issuer=kyc.contract.address, agents=[agent]
    )
    tsla = deploy_suite(evm, protocol, params, salt=salt_of("TSLA-dividends"), sender=issuer)
    for holder in (holders.alice, holders.bob, holders.carol):
        register_holder(evm, tsla, kyc, agent, holder)
    evm.send(tsla.token.functions.batchMint([holders.alice.wallet, holders.bob.wallet], [100 * UNIT] * 2), agent)
    usdc = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", issuer, sender=issuer)
    evm.send(usdc.functions.mint(issuer, 10**15), issuer)
    # The protocol's distributor trusts the protocol's factory: TSLA may be announced.
    distributor = deploy_dividend_distributor(
        evm, keeper, lp, factories=(protocol.factory.address,), rates=DIVIDEND_RATES
    )
    enable_distributor(evm, tsla.token, distributor, issuer)
    jp = onboard_new_holder(evm, tsla, kyc, agent, JP)
    sg = onboard_new_holder(evm, tsla, kyc, agent, ZERO_RATE_COUNTRY)
    evm.send(tsla.token.functions.batchMint([jp.wallet, sg.wallet], [JP_BALANCE, 10 * UNIT]), agent)
    everyone = (holders.alice, holders.bob, holders.carol, jp, sg)
    return DividendEnv(
        evm=evm,
        protocol=protocol,
        suite=tsla,
        token=tsla.token,
        registry=tsla.identity_registry,
        usdc=usdc,
        distributor=distributor,
        admin=keeper,
        issuer=issuer,
        agent=agent,
        tax=lp,
        alice=holders.alice.wallet,
        bob=holders.bob.wallet,
        carol=holders.carol.wallet,
        jp=jp.wallet,
        sg=sg.wallet,
        kyc=kyc,
        identities={h.wallet: h.identity for h in everyone},
    )


def announce(
    e: DividendEnv, *, token: Contract | None = None, issuer: str | None = None, aps: int = APS, delay: int = DELAY
) -> tuple[int, int]:
    """Announce a USDC distribution of ``token`` (TSLA) by its owner; returns (id, record time)."""
    record_time = e.evm.timestamp() + delay
    distribution_id = announce_dividend(
        e.evm,
        e.distributor,
        token or e.token,
        e.usdc,
        record_time=record_time,
        amount_per_share=aps,
        claim_period=PERIOD,
        sender=issuer or e.issuer,
    )
    return distribution_id, record_time


def funded(e: DividendEnv, *, aps: int = APS) -> tuple[int, int]:
    """An announced, recorded and funded TSLA distribution; returns (id, expiry)."""
    distribution_id, record_time = announce(e, aps=aps)
    e.evm.mine(record_time)
    fund_dividend(e.evm, e.distributor, e.token, e.usdc, distribution_id, e.issuer)
    return distribution_id, int(e.distributor.functions.expiry(distribution_id).call())


def usdc_of(e: DividendEnv, account: str) -> int:
    return int(e.usdc.functions.balanceOf(account).call())


def deploy_fake_token(e: DividendEnv, attacker: str) -> Contract:
    """The attacker's MockFakeEquityToken: a supply of one raw unit, every holder in a 0%-rate country."""
    fake = e.evm.deploy("MockFakeEquityToken", attacker, sender=attacker)
    e.evm.send(fake.functions.setFakeSupply(1), attacker)
    e.evm.send(fake.functions.setCountry(ZERO_RATE_COUNTRY), attacker)
    return fake


def fake_announce_call(e: DividendEnv, fake: Contract) -> Any:
    """The attacker's announce: 1 USDC unit per raw unit, so one unit funds it and a claim asks for anything."""
    return e.distributor.functions.announce(fake.address, e.usdc.address, e.evm.timestamp() + 10, SHARE, PERIOD)


@dataclass(frozen=True)
class DrainAttempt:
    """What the fake-token attack achieved against the distributor's USDC."""

    refused: Reverted | None  # the revert that stopped it, None if every step went through
    pool_before: int
    pool_after: int
    attacker_gain: int


def attempt_fake_token_drain(e: DividendEnv, fake: Contract, attacker: str) -> DrainAttempt:
    """Review finding 1, the attack: announce with the fake token, fund it with one unit, then claim a
    fake balance worth the distributor's whole USDC balance (other issuers' dividends and the tax)."""
    evm, usdc, distributor = e.evm, e.usdc, e.distributor
    evm.send(usdc.functions.transfer(attacker, 1), e.issuer)  # the attacker's one unit of funding
    pool_before, attacker_before = usdc_of(e, distributor.address), usdc_of(e, attacker)
    try:
        receipt = evm.send(fake_announce_call(e, fake), attacker)
        (event,) = evm.events(receipt, distributor, "DividendAnnounced")
        distribution_id = int(event["distributionId"])
        evm.mine(evm.timestamp() + 10)
        evm.send(usdc.functions.approve(distributor.address, 1), attacker)
        evm.send(distributor.functions.fund(distribution_id), attacker)
        evm.send(fake.functions.setFakeBalance(attacker, pool_before + 1), attacker)
        evm.send(distributor.functions.claim(distribution_id), attacker)
        refused = None
    except Reverted as failure:
        refused = failure
    pool_after = usdc_of(e, distributor.address)
    return DrainAttempt(refused, pool_before, pool_after, usdc_of(e, attacker) - attacker_before)


@dataclass(frozen=True)
class ListedToken:
    """An eligible token in the dividend market, with its owner and registry."""

    symbol: str
    token: Contract
    registry: Contract
    issuer: str


@dataclass(frozen=True)
class DividendMarket:
    """Two issuers' real tokens on one distributor, two stablecoins, and an attacker's fake token."""

    env: DividendEnv
    tokens: tuple[ListedToken, ...]
    payment_tokens: tuple[Contract, ...]
    fake: Contract
    attacker: str


@pytest.fixture(scope="session")
def dividend_market(dividend_env: DividendEnv, holders: Actors, kyc: KycIssuer, agent: str) -> DividendMarket:
    """TSLA and a second issuer's NVDA (same five holders, each registered with its own identity),
    USDC and EURC funding both issuers, and the attacker's MockFakeEquityToken."""
    e = dividend_env
    evm = e.evm
    nvda_issuer = evm.new_account()
    params = standard_suite_params(
        e.protocol, name="NVIDIA", symbol="NVDA", owner=nvda_issuer, claim_issuer=kyc.contract.address, agents=[agent]
    )
    nvda = deploy_suite(evm, e.protocol, params, salt=salt_of("NVDA-dividends"), sender=nvda_issuer)
    countries = {e.alice: US, e.bob: DE, e.carol: US, e.jp: JP, e.sg: ZERO_RATE_COUNTRY}
    for wallet, country in countries.items():
        register_holder(evm, nvda, kyc, agent, Holder(wallet, e.identities[wallet], country))
    evm.send(nvda.token.functions.batchMint([e.alice, e.bob, e.jp], [50 * UNIT, 70 * UNIT, 20 * UNIT]), agent)
    enable_distributor(evm, nvda.token, e.distributor, nvda_issuer)
    eurc = evm.deploy("MockStablecoin", "Euro Coin (mock)", "EURC", e.issuer, sender=e.issuer)
    for coin in (e.usdc, eurc):
        evm.send(coin.functions.mint(e.issuer, 10**15), e.issuer)
        evm.send(coin.functions.mint(nvda_issuer, 10**15), e.issuer)
    attacker = evm.new_account()
    return DividendMarket(
        env=e,
        tokens=(
            ListedToken("TSLA", e.token, e.registry, e.issuer),
            ListedToken("NVDA", nvda.token, nvda.identity_registry, nvda_issuer),
        ),
        payment_tokens=(e.usdc, eurc),
        fake=deploy_fake_token(e, attacker),
        attacker=attacker,
    )
