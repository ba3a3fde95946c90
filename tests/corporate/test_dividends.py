"""DividendDistributor end to end on the TSLA suite: announce, fund, claim with per-country
withholding, sweep, reclaim after expiry, custodians (MockDividendCustodian), and a hypothesis
stateful suite checking every payout against a Python model and ``claimed + reclaimed <= funded``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from dualtrack.claims import ClaimTopic
from dualtrack.dividends import (
    DEFAULT_WITHHOLDING_BPS,
    announce_dividend,
    deploy_dividend_distributor,
    enable_distributor,
    fund_dividend,
    funding_amount,
    gross_entitlement,
    withheld_amount,
)
from dualtrack.identity import add_claim, deploy_identity
from dualtrack.suite import (
    DE,
    JP,
    UNIT,
    US,
    Protocol,
    Suite,
    deploy_suite,
    onboard_holder,
    salt_of,
    standard_suite_params,
)
from tests.suite_fixtures import Actors, KycIssuer

ZERO_RATE_COUNTRY = 702  # Singapore: a treaty rate of 0% set explicitly
RATES = {DE: 1_500, JP: 1_000, ZERO_RATE_COUNTRY: 0}
APS = 250_000  # $0.25 (6-decimal stablecoin) per share (1e18 raw units)
PERIOD = 30 * 86_400
DELAY = 1_000
JP_BALANCE = 33_333_333_333_333_333_333  # 33.3... TSLA: entitlements that round


@dataclass(frozen=True)
class Env:
    evm: Chain
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


def _onboard(evm: Chain, suite: Suite, kyc: KycIssuer, agent: str, country: int) -> str:
    wallet = evm.new_account()
    onboard_holder(evm, suite, wallet, country, claim_issuer=kyc.contract, signer_key=kyc.signer_key, registrar=agent)
    return wallet


@pytest.fixture(scope="module")
def env(
    evm: Chain,
    protocol: Protocol,
    holders: Actors,
    kyc: KycIssuer,
    issuer: str,
    agent: str,
    keeper: str,
    lp: str,
) -> Env:
    # A suite of its own: the session's TSLA may hold other tests' holders, and this module's
    # supply figures must be exact. Alice (US) and bob (DE) hold 100 each, carol (US) none.
    params = standard_suite_params(
        protocol, name="Tesla", symbol="TSLA", owner=issuer, claim_issuer=kyc.contract.address, agents=[agent]
    )
    tsla = deploy_suite(evm, protocol, params, salt=salt_of("TSLA-dividends"), sender=issuer)
    for holder in (holders.alice, holders.bob, holders.carol):
        onboard_holder(
            evm,
            tsla,
            holder.wallet,
            holder.country,
            claim_issuer=kyc.contract,
            signer_key=kyc.signer_key,
            registrar=agent,
            identity=holder.identity,
        )
    evm.send(tsla.token.functions.batchMint([holders.alice.wallet, holders.bob.wallet], [100 * UNIT] * 2), agent)
    usdc = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", issuer, sender=issuer)
    evm.send(usdc.functions.mint(issuer, 10**15), issuer)
    distributor = deploy_dividend_distributor(evm, keeper, lp, rates=RATES)
    enable_distributor(evm, tsla.token, distributor, issuer)
    jp = _onboard(evm, tsla, kyc, agent, JP)
    sg = _onboard(evm, tsla, kyc, agent, ZERO_RATE_COUNTRY)
    evm.send(tsla.token.functions.batchMint([jp, sg], [JP_BALANCE, 10 * UNIT]), agent)
    return Env(
        evm=evm,
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
        jp=jp,
        sg=sg,
        kyc=kyc,
    )


def _announce(e: Env, *, aps: int = APS, period: int = PERIOD, delay: int = DELAY) -> tuple[int, int]:
    record_time = e.evm.timestamp() + delay
    distribution_id = announce_dividend(
        e.evm,
        e.distributor,
        e.token,
        e.usdc,
        record_time=record_time,
        amount_per_share=aps,
        claim_period=period,
        sender=e.issuer,
    )
    return distribution_id, record_time


def _funded(e: Env, *, aps: int = APS) -> tuple[int, int]:
    """An announced, recorded and funded distribution; returns (id, expiry)."""
    distribution_id, record_time = _announce(e, aps=aps)
    e.evm.mine(record_time)
    fund_dividend(e.evm, e.distributor, e.token, e.usdc, distribution_id, e.issuer)
    return distribution_id, int(e.distributor.functions.expiry(distribution_id).call())


def _usdc(e: Env, account: str) -> int:
    return int(e.usdc.functions.balanceOf(account).call())


def _distribution(e: Env, distribution_id: int) -> dict[str, Any]:
    fields = ("token", "recordTime", "fundedAt", "paymentToken", "claimPeriod", "snapshotId", "amountPerShare")
    values = e.distributor.functions.distribution(distribution_id).call()
    named = dict(zip((*fields, "funded", "claimed", "reclaimed"), values, strict=True))
    return named


# ---- Model ----


def test_rounding_model__entitlement_funding_withholding__round_in_protocols_favour() -> None:
    assert gross_entitlement(JP_BALANCE, APS) == 8_333_333
    assert funding_amount(200 * UNIT + 1, APS) == 50_000_001
    assert withheld_amount(7, 3_000) == 3
    assert withheld_amount(8_333_333, 1_000) == 833_334
    assert withheld_amount(5, 0) == 0


# ---- Withholding table ----


def test_withholding_rate__defaults_and_treaties__returns_table(env: Env) -> None:
    d = env.distributor.functions
    assert d.withholdingRate(US).call() == DEFAULT_WITHHOLDING_BPS
    assert d.withholdingRate(DE).call() == 1_500
    assert d.withholdingRate(JP).call() == 1_000
    assert d.withholdingRate(ZERO_RATE_COUNTRY).call() == 0
    assert d.hasOwnWithholdingRate(ZERO_RATE_COUNTRY).call() is True
    assert d.hasOwnWithholdingRate(US).call() is False
    assert d.taxAccount().call() == env.tax
    assert d.owner().call() == env.admin


def test_set_withholding_rate__zero_then_cleared__explicit_zero_then_default(env: Env) -> None:
    e, d = env, env.distributor
    receipt = e.evm.send(d.functions.setWithholdingRate(US, 0), e.admin)
    assert e.evm.events(receipt, d, "WithholdingRateSet") == [{"country": US, "rateBps": 0}]
    assert d.functions.withholdingRate(US).call() == 0
    receipt = e.evm.send(d.functions.clearWithholdingRate(US), e.admin)
    assert e.evm.events(receipt, d, "WithholdingRateCleared") == [{"country": US}]
    assert d.functions.withholdingRate(US).call() == DEFAULT_WITHHOLDING_BPS
    receipt = e.evm.send(d.functions.setDefaultWithholdingRate(2_500), e.admin)
    assert e.evm.events(receipt, d, "DefaultWithholdingRateSet") == [{"rateBps": 2_500}]
    assert d.functions.withholdingRate(US).call() == 2_500
    assert d.functions.withholdingRate(DE).call() == 1_500


def test_set_withholding_rate__above_100_percent__reverts(env: Env) -> None:
    with env.evm.reverts("DividendDistributorInvalidRate", 10_001):
        env.evm.send(env.distributor.functions.setWithholdingRate(US, 10_001), env.admin)
    with env.evm.reverts("DividendDistributorInvalidRate", 10_001):
        env.evm.send(env.distributor.functions.setDefaultWithholdingRate(10_001), env.admin)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: d.functions.setWithholdingRate(US, 0),
        lambda d: d.functions.clearWithholdingRate(DE),
        lambda d: d.functions.setDefaultWithholdingRate(0),
        lambda d: d.functions.setTaxAccount("0x000000000000000000000000000000000000dEaD"),
        lambda d: d.functions.setCustodian(d.address, True),
    ],
)
def test_admin_functions__not_owner__revert(env: Env, call: Any) -> None:
    with env.evm.reverts("OwnableUnauthorizedAccount", env.issuer):
        env.evm.send(call(env.distributor), env.issuer)


def test_set_tax_account__zero_address__reverts(env: Env) -> None:
    with env.evm.reverts("DividendDistributorZeroAddress"):
        env.evm.send(env.distributor.functions.setTaxAccount("0x" + "00" * 20), env.admin)
    with env.evm.reverts("DividendDistributorZeroAddress"):
        env.evm.deploy("DividendDistributor", env.admin, "0x" + "00" * 20, sender=env.admin)


# ---- Announce ----


def test_announce__by_token_owner__schedules_snapshot_and_records_distribution(env: Env) -> None:
    e = env
    record_time = e.evm.timestamp() + DELAY
    call = e.distributor.functions.announce(e.token.address, e.usdc.address, record_time, APS, PERIOD)
    receipt = e.evm.send(call, e.issuer)
    snapshot_id = e.token.functions.snapshotCount().call()
    assert e.token.functions.snapshotTime(snapshot_id).call() == record_time
    (event,) = e.evm.events(receipt, e.distributor, "DividendAnnounced")
    assert event == {
        "distributionId": 1,
        "token": e.token.address,
        "paymentToken": e.usdc.address,
        "snapshotId": snapshot_id,
        "recordTime": record_time,
        "amountPerShare": APS,
        "claimPeriod": PERIOD,
    }
    assert _distribution(e, 1) == {
        "token": e.token.address,
        "recordTime": record_time,
        "fundedAt": 0,
        "paymentToken": e.usdc.address,
        "claimPeriod": PERIOD,
        "snapshotId": snapshot_id,
        "amountPerShare": APS,
        "funded": 0,
        "claimed": 0,
        "reclaimed": 0,
    }
    assert e.distributor.functions.distributionCount().call() == 1
    assert e.distributor.functions.expiry(1).call() == 0


def test_announce__not_token_owner__reverts(env: Env) -> None:
    call = env.distributor.functions.announce(env.token.address, env.usdc.address, env.evm.timestamp() + 9, APS, 9)
    with env.evm.reverts("DividendDistributorNotTokenOwner", env.token.address, env.alice):
        env.evm.send(call, env.alice)


@pytest.mark.parametrize(
    ("aps", "period", "error"),
    [
        (0, PERIOD, "DividendDistributorZeroAmountPerShare"),
        (APS, 0, "DividendDistributorInvalidClaimPeriod"),
        (APS, 3650 * 86_400 + 1, "DividendDistributorInvalidClaimPeriod"),
    ],
)
def test_announce__bad_parameters__reverts(env: Env, aps: int, period: int, error: str) -> None:
    call = env.distributor.functions.announce(env.token.address, env.usdc.address, env.evm.timestamp() + 9, aps, period)
    with env.evm.reverts(error):
        env.evm.send(call, env.issuer)


def test_announce__zero_payment_token__reverts(env: Env) -> None:
    call = env.distributor.functions.announce(env.token.address, "0x" + "00" * 20, env.evm.timestamp() + 9, APS, 9)
    with env.evm.reverts("DividendDistributorZeroAddress"):
        env.evm.send(call, env.issuer)


def test_announce__record_time_not_in_future__reverts_on_token(env: Env) -> None:
    now = env.evm.timestamp()
    call = env.distributor.functions.announce(env.token.address, env.usdc.address, now, APS, PERIOD)
    with env.evm.reverts("BalanceSnapshotsInvalidRecordTime"):
        env.evm.send(call, env.issuer)


def test_announce__distributor_not_agent__reverts_on_token(env: Env) -> None:
    other = deploy_dividend_distributor(env.evm, env.admin, env.tax)
    call = other.functions.announce(env.token.address, env.usdc.address, env.evm.timestamp() + 9, APS, PERIOD)
    with env.evm.reverts("CorporateActionTargetNotAgent", other.address):
        env.evm.send(call, env.issuer)


# ---- Fund ----


def test_fund__after_record_time__pulls_ceil_of_supply_times_rate(env: Env) -> None:
    e = env
    e.evm.send(e.token.functions.mint(e.carol, 1), e.agent)  # one raw unit: the funding rounds up
    distribution_id, record_time = _announce(e)
    e.evm.mine(record_time)
    supply = 200 * UNIT + JP_BALANCE + 10 * UNIT + 1
    expected = funding_amount(supply, APS)
    assert expected * UNIT != supply * APS  # the division is inexact
    e.evm.send(e.usdc.functions.approve(e.distributor.address, expected), e.issuer)
    before = _usdc(e, e.issuer)
    receipt = e.evm.send(e.distributor.functions.fund(distribution_id), e.issuer)
    assert before - _usdc(e, e.issuer) == expected
    assert _usdc(e, e.distributor.address) == expected
    fund_time = int(e.evm.w3.eth.get_block(receipt["blockNumber"])["timestamp"])
    assert e.evm.events(receipt, e.distributor, "DividendFunded") == [
        {"distributionId": distribution_id, "funder": e.issuer, "amount": expected, "expiry": fund_time + PERIOD}
    ]
    d = _distribution(e, distribution_id)
    assert (d["funded"], d["fundedAt"]) == (expected, fund_time)
    assert e.distributor.functions.expiry(distribution_id).call() == fund_time + PERIOD


def test_fund__before_record_time__reverts(env: Env) -> None:
    distribution_id, record_time = _announce(env)
    with env.evm.reverts("DividendDistributorRecordTimeNotReached") as failure:
        env.evm.send(env.distributor.functions.fund(distribution_id), env.issuer)
    assert failure.args_[:2] == (distribution_id, record_time)


def test_fund__twice__reverts(env: Env) -> None:
    distribution_id, _ = _funded(env)
    with env.evm.reverts("DividendDistributorAlreadyFunded", distribution_id):
        env.evm.send(env.distributor.functions.fund(distribution_id), env.issuer)


def test_fund__not_token_owner_or_unknown__reverts(env: Env) -> None:
    distribution_id, record_time = _announce(env)
    env.evm.mine(record_time)
    with env.evm.reverts("DividendDistributorNotTokenOwner", env.token.address, env.alice):
        env.evm.send(env.distributor.functions.fund(distribution_id), env.alice)
    with env.evm.reverts("DividendDistributorUnknownDistribution", 99):
        env.evm.send(env.distributor.functions.fund(99), env.issuer)


def test_fund__no_supply_at_record_time__reverts(env: Env) -> None:
    e = env
    for wallet, amount in ((e.alice, 100 * UNIT), (e.bob, 100 * UNIT), (e.jp, JP_BALANCE), (e.sg, 10 * UNIT)):
        e.evm.send(e.token.functions.burn(wallet, amount), e.agent)
    distribution_id, record_time = _announce(e)
    e.evm.mine(record_time)
    with e.evm.reverts("DividendDistributorNothingToFund", distribution_id):
        e.evm.send(e.distributor.functions.fund(distribution_id), e.issuer)


def test_fund__fee_on_transfer_payment_token__reverts_with_shortfall(env: Env) -> None:
    e = env
    fee_token = e.evm.deploy("MockFeeOnTransferToken", e.issuer, 10**15, sender=e.issuer)
    record_time = e.evm.timestamp() + DELAY
    call = e.distributor.functions.announce(e.token.address, fee_token.address, record_time, APS, PERIOD)
    e.evm.send(call, e.issuer)
    e.evm.mine(record_time)
    expected = funding_amount(int(e.token.functions.totalSupply().call()), APS)
    e.evm.send(fee_token.functions.approve(e.distributor.address, expected), e.issuer)
    received = expected - expected * 100 // 10_000
    with e.evm.reverts("DividendDistributorFundingShortfall", 1, expected, received):
        e.evm.send(e.distributor.functions.fund(1), e.issuer)
    assert fee_token.functions.balanceOf(e.distributor.address).call() == 0


# ---- Claim ----


@pytest.mark.parametrize(
    ("holder", "balance", "rate"),
    [
        ("alice", 100 * UNIT, 3_000),
        ("bob", 100 * UNIT, 1_500),
        ("jp", JP_BALANCE, 1_000),
        ("sg", 10 * UNIT, 0),
    ],
)
def test_claim__holder_country__pays_net_and_accrues_withheld(env: Env, holder: str, balance: int, rate: int) -> None:
    e = env
    wallet = getattr(e, holder)
    distribution_id, _ = _funded(e)
    gross = gross_entitlement(balance, APS)
    withheld = withheld_amount(gross, rate)
    assert e.distributor.functions.previewClaim(distribution_id, wallet).call() == [gross, withheld, gross - withheld]
    before = _usdc(e, wallet)
    receipt = e.evm.send(e.distributor.functions.claim(distribution_id), wallet)
    assert _usdc(e, wallet) - before == gross - withheld
    assert e.distributor.functions.accruedTax(e.usdc.address).call() == withheld
    assert e.distributor.functions.isClaimed(distribution_id, wallet).call() is True
    country = int(e.registry.functions.investorCountry(wallet).call())
    assert e.evm.events(receipt, e.distributor, "DividendClaimed") == [
        {
            "distributionId": distribution_id,
            "holder": wallet,
            "caller": wallet,
            "country": country,
            "gross": gross,
            "withheld": withheld,
            "net": gross - withheld,
        }
    ]
    assert _distribution(e, distribution_id)["claimed"] == gross


def test_claim_for__by_anyone__pays_the_holder(env: Env) -> None:
    e = env
    distribution_id, _ = _funded(e)
    keeper_before, bob_before = _usdc(e, e.admin), _usdc(e, e.bob)
    receipt = e.evm.send(e.distributor.functions.claimFor(distribution_id, e.bob), e.admin)
    gross = gross_entitlement(100 * UNIT, APS)
    assert _usdc(e, e.bob) - bob_before == gross - withheld_amount(gross, 1_500)
    assert _usdc(e, e.admin) == keeper_before
    (event,) = e.evm.events(receipt, e.distributor, "DividendClaimed")
    assert (event["holder"], event["caller"]) == (e.bob, e.admin)


def test_claim__twice__reverts(env: Env) -> None:
    e = env
    distribution_id, _ = _funded(e)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    with e.evm.reverts("DividendDistributorAlreadyClaimed", distribution_id, e.alice):
        e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    with e.evm.reverts("DividendDistributorAlreadyClaimed", distribution_id, e.alice):
        e.evm.send(e.distributor.functions.claimFor(distribution_id, e.alice), e.bob)


def test_claim__zero_entitlement__reverts(env: Env) -> None:
    distribution_id, _ = _funded(env)
    with env.evm.reverts("DividendDistributorNothingToClaim", distribution_id, env.carol):
        env.evm.send(env.distributor.functions.claim(distribution_id), env.carol)


def test_claim__dust_balance_rounding_to_zero__reverts(env: Env) -> None:
    env.evm.send(env.token.functions.mint(env.carol, 10**11), env.agent)  # 1e11 * 250_000 / 1e18 < 1
    distribution_id, _ = _funded(env)
    with env.evm.reverts("DividendDistributorNothingToClaim", distribution_id, env.carol):
        env.evm.send(env.distributor.functions.claim(distribution_id), env.carol)


def test_claim__not_funded_or_unknown__reverts(env: Env) -> None:
    distribution_id, record_time = _announce(env)
    with env.evm.reverts("DividendDistributorNotFunded", distribution_id):
        env.evm.send(env.distributor.functions.claim(distribution_id), env.alice)
    env.evm.mine(record_time)
    with env.evm.reverts("DividendDistributorNotFunded", distribution_id):
        env.evm.send(env.distributor.functions.claim(distribution_id), env.alice)
    with env.evm.reverts("DividendDistributorUnknownDistribution", 7):
        env.evm.send(env.distributor.functions.claim(7), env.alice)


def test_claim__last_second_then_at_expiry__pays_then_reverts(env: Env) -> None:
    e = env
    distribution_id, expiry = _funded(e)
    e.evm.set_next_timestamp(expiry - 1)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    e.evm.mine(expiry)  # the claim lands in a later block (gas is estimated on the latest one)
    with e.evm.reverts("DividendDistributorExpired", distribution_id, expiry):
        e.evm.send(e.distributor.functions.claim(distribution_id), e.bob)


def test_claim__transfer_after_record_time__entitlement_stays_with_record_holder(env: Env) -> None:
    e = env
    distribution_id, record_time = _announce(e)
    e.evm.mine(record_time)
    e.evm.send(e.token.functions.transfer(e.carol, 100 * UNIT), e.alice)
    fund_dividend(e.evm, e.distributor, e.token, e.usdc, distribution_id, e.issuer)
    gross = gross_entitlement(100 * UNIT, APS)
    assert e.distributor.functions.previewClaim(distribution_id, e.alice).call()[0] == gross
    before = _usdc(e, e.alice)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    assert _usdc(e, e.alice) - before == gross - withheld_amount(gross, 3_000)
    with e.evm.reverts("DividendDistributorNothingToClaim", distribution_id, e.carol):
        e.evm.send(e.distributor.functions.claim(distribution_id), e.carol)


def test_claim__transfer_before_record_time__entitlement_moves(env: Env) -> None:
    e = env
    distribution_id, record_time = _announce(e)
    e.evm.send(e.token.functions.transfer(e.carol, 40 * UNIT), e.alice)
    e.evm.mine(record_time)
    fund_dividend(e.evm, e.distributor, e.token, e.usdc, distribution_id, e.issuer)
    assert e.distributor.functions.previewClaim(distribution_id, e.alice).call()[0] == gross_entitlement(60 * UNIT, APS)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.carol)
    assert _usdc(e, e.carol) == gross_entitlement(40 * UNIT, APS) - withheld_amount(
        gross_entitlement(40 * UNIT, APS), 3_000
    )


def test_claim__country_changed_after_record_time__uses_country_at_claim_time(env: Env) -> None:
    e = env
    distribution_id, _ = _funded(e)
    e.evm.send(e.registry.functions.updateCountry(e.alice, JP), e.agent)
    gross = gross_entitlement(100 * UNIT, APS)
    before = _usdc(e, e.alice)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    assert _usdc(e, e.alice) - before == gross - withheld_amount(gross, 1_000)


# ---- Sweep ----


def test_sweep_tax__accrued__anyone_sends_it_to_tax_account(env: Env) -> None:
    e = env
    distribution_id, _ = _funded(e)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.bob)
    gross = gross_entitlement(100 * UNIT, APS)
    accrued = withheld_amount(gross, 3_000) + withheld_amount(gross, 1_500)
    new_tax = e.evm.accounts[9]
    e.evm.send(e.distributor.functions.setTaxAccount(new_tax), e.admin)
    before = _usdc(e, new_tax)
    receipt = e.evm.send(e.distributor.functions.sweepTax(e.usdc.address), e.carol)
    assert _usdc(e, new_tax) - before == accrued
    assert e.distributor.functions.accruedTax(e.usdc.address).call() == 0
    assert e.evm.events(receipt, e.distributor, "TaxSwept") == [
        {"paymentToken": e.usdc.address, "taxAccount": new_tax, "amount": accrued}
    ]
    with e.evm.reverts("DividendDistributorNothingToSweep", e.usdc.address):
        e.evm.send(e.distributor.functions.sweepTax(e.usdc.address), e.carol)


# ---- Reclaim ----


def test_reclaim__after_expiry__returns_unclaimed_once(env: Env) -> None:
    e = env
    distribution_id, expiry = _funded(e)
    funded = _distribution(e, distribution_id)["funded"]
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    claimed = gross_entitlement(100 * UNIT, APS)
    with e.evm.reverts("DividendDistributorNotExpired", distribution_id, expiry):
        e.evm.send(e.distributor.functions.reclaim(distribution_id), e.issuer)
    e.evm.mine(expiry)
    with e.evm.reverts("DividendDistributorNotTokenOwner", e.token.address, e.alice):
        e.evm.send(e.distributor.functions.reclaim(distribution_id), e.alice)
    before = _usdc(e, e.issuer)
    receipt = e.evm.send(e.distributor.functions.reclaim(distribution_id), e.issuer)
    assert _usdc(e, e.issuer) - before == funded - claimed
    assert e.evm.events(receipt, e.distributor, "DividendReclaimed") == [
        {"distributionId": distribution_id, "to": e.issuer, "amount": funded - claimed}
    ]
    with e.evm.reverts("DividendDistributorNothingToReclaim", distribution_id):
        e.evm.send(e.distributor.functions.reclaim(distribution_id), e.issuer)
    # Only the withheld part of alice's claim is left, for the tax account.
    assert _usdc(e, e.distributor.address) == withheld_amount(claimed, 3_000)


def test_reclaim__not_funded__reverts(env: Env) -> None:
    distribution_id, _ = _announce(env)
    with env.evm.reverts("DividendDistributorNotFunded", distribution_id):
        env.evm.send(env.distributor.functions.reclaim(distribution_id), env.issuer)


# ---- Custodians ----


@pytest.fixture
def custodian(env: Env) -> Contract:
    """A MockDividendCustodian registered in TSLA's registry (US) and with the distributor; alice
    (US) deposited 40 TSLA and bob (DE) 60 TSLA."""
    e = env
    contract = e.evm.deploy("MockDividendCustodian", e.token.address, e.distributor.address, sender=e.issuer)
    identity = deploy_identity(e.evm, e.issuer)
    add_claim(e.evm, identity, e.kyc.contract, e.kyc.signer_key, int(ClaimTopic.KYC), e.issuer)
    e.evm.send(e.registry.functions.registerIdentity(contract.address, identity.address, US), e.agent)
    receipt = e.evm.send(e.distributor.functions.setCustodian(contract.address, True), e.admin)
    assert e.evm.events(receipt, e.distributor, "CustodianSet") == [{"custodian": contract.address, "enabled": True}]
    for wallet, amount in ((e.alice, 40 * UNIT), (e.bob, 60 * UNIT)):
        e.evm.send(e.token.functions.approve(contract.address, amount), wallet)
        e.evm.send(contract.functions.deposit(amount), wallet)
    return contract


def test_custodian_claim__two_depositors__each_withheld_at_own_rate(env: Env, custodian: Contract) -> None:
    e = env
    distribution_id, _ = _funded(e)
    gross = gross_entitlement(100 * UNIT, APS)
    assert e.distributor.functions.previewClaim(distribution_id, custodian.address).call() == [gross, 0, gross]
    alice_before, bob_before, tax_before = _usdc(e, e.alice), _usdc(e, e.bob), _usdc(e, e.tax)
    receipt = e.evm.send(e.distributor.functions.claimFor(distribution_id, custodian.address), e.carol)
    assert e.evm.events(receipt, e.distributor, "DividendPaidToCustodian") == [
        {"distributionId": distribution_id, "custodian": custodian.address, "caller": e.carol, "gross": gross}
    ]
    alice_share, bob_share = gross * 40 // 100, gross * 60 // 100
    alice_tax, bob_tax = withheld_amount(alice_share, 3_000), withheld_amount(bob_share, 1_500)
    assert _usdc(e, e.alice) - alice_before == alice_share - alice_tax
    assert _usdc(e, e.bob) - bob_before == bob_share - bob_tax
    assert _usdc(e, e.tax) - tax_before == alice_tax + bob_tax
    assert e.distributor.functions.accruedTax(e.usdc.address).call() == 0
    assert _distribution(e, distribution_id)["claimed"] == gross
    passed = e.evm.events(receipt, custodian, "DividendPassedThrough")
    assert [(p["depositor"], p["country"], p["withheld"]) for p in passed] == [
        (e.alice, US, alice_tax),
        (e.bob, DE, bob_tax),
    ]
    with e.evm.reverts("DividendDistributorAlreadyClaimed", distribution_id, custodian.address):
        e.evm.send(e.distributor.functions.claimFor(distribution_id, custodian.address), e.carol)


def test_custodian_claim__hook_answers_wrong_selector__reverts_and_pays_nothing(env: Env, custodian: Contract) -> None:
    e = env
    distribution_id, _ = _funded(e)
    e.evm.send(custodian.functions.setRefusing(True), e.issuer)
    balance = _usdc(e, e.distributor.address)
    with e.evm.reverts("DividendDistributorCustodianRejected", custodian.address, bytes.fromhex("deadbeef")):
        e.evm.send(e.distributor.functions.claimFor(distribution_id, custodian.address), e.carol)
    assert _usdc(e, e.distributor.address) == balance
    assert e.distributor.functions.isClaimed(distribution_id, custodian.address).call() is False


def test_custodian_hook__called_by_stranger__reverts(env: Env, custodian: Contract) -> None:
    call = custodian.functions.onDividendReceived(1, env.token.address, env.usdc.address, 1, 1)
    with env.evm.reverts("MockDividendCustodianNotDistributor", env.alice):
        env.evm.send(call, env.alice)


def test_custodian_unregistered__claims_like_a_holder_with_withholding(env: Env, custodian: Contract) -> None:
    e = env
    e.evm.send(e.distributor.functions.setCustodian(custodian.address, False), e.admin)
    distribution_id, _ = _funded(e)
    e.evm.send(e.distributor.functions.claimFor(distribution_id, custodian.address), e.carol)
    gross = gross_entitlement(100 * UNIT, APS)
    assert e.distributor.functions.accruedTax(e.usdc.address).call() == withheld_amount(gross, 3_000)


def test_set_custodian__not_a_contract_or_zero__reverts(env: Env) -> None:
    with env.evm.reverts("DividendDistributorNotAContract", env.alice):
        env.evm.send(env.distributor.functions.setCustodian(env.alice, True), env.admin)
    with env.evm.reverts("DividendDistributorZeroAddress"):
        env.evm.send(env.distributor.functions.setCustodian("0x" + "00" * 20, True), env.admin)


# ---- Stateful ----

COUNTRIES = (US, DE, JP, ZERO_RATE_COUNTRY)
RATE_OF = {US: DEFAULT_WITHHOLDING_BPS, **RATES}


class DividendMachine(RuleBasedStateMachine):
    """Random transfers, mints, burns and country changes around the record time, claims, claimFor,
    sweeps, expiry and reclaim; every payout equals the model's and the books never exceed funding."""

    env: ClassVar[Env]
    seen: ClassVar[Counter[str]] = Counter()  # successful funds, claims and reclaims over the run

    def __init__(self) -> None:
        super().__init__()
        e = type(self).env
        self.e = e
        self.snapshot = e.evm.snapshot()
        self.wallets = [e.alice, e.bob, e.carol, e.jp, e.sg]
        self.balances = {w: int(e.token.functions.balanceOf(w).call()) for w in self.wallets}
        self.countries = {w: int(e.registry.functions.investorCountry(w).call()) for w in self.wallets}
        self.record_balances: dict[str, int] | None = None
        self.claimed_by: set[str] = set()
        self.funded = self.claimed = self.reclaimed = self.accrued = 0
        self.expired = False
        self.distribution_id = 0
        self.record_time = 0

    def teardown(self) -> None:
        self.e.evm.revert_to(self.snapshot)

    def _expect(self, error: str | None, call: Any, sender: str) -> Any:
        if error is None:
            return self.e.evm.send(call, sender)
        try:
            self.e.evm.send(call, sender)
        except Reverted as failure:
            assert failure.name == error, f"expected {error}, got {failure}"
            return None
        raise AssertionError(f"expected {error}, the call succeeded")

    @initialize(
        aps=st.sampled_from([APS, 1, 1_234_567]),
        before=st.lists(
            st.tuples(
                st.sampled_from(["transfer", "mint", "burn"]), st.integers(0, 4), st.integers(0, 4), st.integers(1, 100)
            ),
            max_size=8,
        ),
    )
    def announce_move_and_record(self, aps: int, before: list[tuple[str, int, int, int]]) -> None:
        """Announce, move balances before the record time, then reach it and fund."""
        self.aps = aps
        self.distribution_id, self.record_time = _announce(self.e, aps=aps, delay=100_000)
        for action, i, j, percent in before:
            if action == "transfer":
                self.transfer(i, j, percent)
            elif action == "mint":
                self.mint(j, percent * UNIT // 3)
            else:
                self.burn(i, percent)
        self.fund()  # before the record time: reverts
        self.e.evm.mine(self.record_time)
        self.record_balances = dict(self.balances)
        self.fund()

    @rule(i=st.integers(0, 4), j=st.integers(0, 4), percent=st.integers(1, 100))
    def transfer(self, i: int, j: int, percent: int) -> None:
        source, target = self.wallets[i], self.wallets[j]
        amount = self.balances[source] * percent // 100
        if amount == 0:
            return
        self.e.evm.send(self.e.token.functions.transfer(target, amount), source)
        self.balances[source] -= amount
        self.balances[target] += amount

    @rule(j=st.integers(0, 4), amount=st.integers(1, 50 * UNIT))
    def mint(self, j: int, amount: int) -> None:
        self.e.evm.send(self.e.token.functions.mint(self.wallets[j], amount), self.e.agent)
        self.balances[self.wallets[j]] += amount

    @rule(i=st.integers(0, 4), percent=st.integers(1, 100))
    def burn(self, i: int, percent: int) -> None:
        amount = self.balances[self.wallets[i]] * percent // 100
        if amount == 0:
            return
        self.e.evm.send(self.e.token.functions.burn(self.wallets[i], amount), self.e.agent)
        self.balances[self.wallets[i]] -= amount

    @rule(i=st.integers(0, 4), country=st.sampled_from(COUNTRIES))
    def change_country(self, i: int, country: int) -> None:
        self.e.evm.send(self.e.registry.functions.updateCountry(self.wallets[i], country), self.e.agent)
        self.countries[self.wallets[i]] = country

    @rule()
    def fund(self) -> None:
        e = self.e
        if self.record_balances is None:
            self._expect(
                "DividendDistributorRecordTimeNotReached", e.distributor.functions.fund(self.distribution_id), e.issuer
            )
            return
        if self.funded:
            self._expect(
                "DividendDistributorAlreadyFunded", e.distributor.functions.fund(self.distribution_id), e.issuer
            )
            return
        expected = funding_amount(sum(self.record_balances.values()), self.aps)
        if expected == 0:
            self._expect(
                "DividendDistributorNothingToFund", e.distributor.functions.fund(self.distribution_id), e.issuer
            )
            return
        assert fund_dividend(e.evm, e.distributor, e.token, e.usdc, self.distribution_id, e.issuer) == expected
        self.funded = expected
        type(self).seen["fund"] += 1

    @rule(i=st.integers(0, 4), by_other=st.booleans())
    def claim(self, i: int, by_other: bool) -> None:
        e, holder = self.e, self.wallets[i]
        functions = e.distributor.functions
        call = functions.claimFor(self.distribution_id, holder) if by_other else functions.claim(self.distribution_id)
        sender = e.admin if by_other else holder
        gross = gross_entitlement(self.record_balances[holder], self.aps) if self.record_balances else 0
        if not self.funded:
            error: str | None = "DividendDistributorNotFunded"
        elif self.expired:
            error = "DividendDistributorExpired"
        elif holder in self.claimed_by:
            error = "DividendDistributorAlreadyClaimed"
        elif gross == 0:
            error = "DividendDistributorNothingToClaim"
        else:
            error = None
        before = _usdc(e, holder)
        if self._expect(error, call, sender) is None:
            return
        withheld = withheld_amount(gross, RATE_OF[self.countries[holder]])
        assert _usdc(e, holder) - before == gross - withheld
        self.claimed_by.add(holder)
        type(self).seen["claim"] += 1
        self.claimed += gross
        self.accrued += withheld

    @rule()
    def sweep(self) -> None:
        e = self.e
        before = _usdc(e, e.tax)
        error = None if self.accrued else "DividendDistributorNothingToSweep"
        if self._expect(error, e.distributor.functions.sweepTax(e.usdc.address), e.carol) is not None:
            assert _usdc(e, e.tax) - before == self.accrued
            self.accrued = 0

    @precondition(lambda self: self.funded and not self.expired)
    @rule()
    def reach_expiry(self) -> None:
        self.e.evm.mine(int(self.e.distributor.functions.expiry(self.distribution_id).call()))
        self.expired = True

    @rule()
    def reclaim(self) -> None:
        e = self.e
        remaining = self.funded - self.claimed - self.reclaimed
        if not self.funded:
            error: str | None = "DividendDistributorNotFunded"
        elif not self.expired:
            error = "DividendDistributorNotExpired"
        elif remaining == 0:
            error = "DividendDistributorNothingToReclaim"
        else:
            error = None
        before = _usdc(e, e.issuer)
        if self._expect(error, e.distributor.functions.reclaim(self.distribution_id), e.issuer) is not None:
            assert _usdc(e, e.issuer) - before == remaining
            self.reclaimed += remaining
            type(self).seen["reclaim"] += 1

    @invariant()
    def books_never_exceed_funding(self) -> None:
        if not self.distribution_id:
            return
        d = _distribution(self.e, self.distribution_id)
        assert (d["funded"], d["claimed"], d["reclaimed"]) == (self.funded, self.claimed, self.reclaimed)
        assert self.claimed + self.reclaimed <= self.funded
        held = _usdc(self.e, self.e.distributor.address)
        assert held == self.funded - self.claimed - self.reclaimed + self.accrued


def test_dividend_state_machine__random_actions__payouts_match_model(env: Env) -> None:
    DividendMachine.env = env
    machine_settings = settings(
        settings.default, max_examples=max(10, settings.default.max_examples // 2), stateful_step_count=40
    )
    DividendMachine.seen = Counter()
    run_state_machine_as_test(DividendMachine, settings=machine_settings)
    # The run reached every phase: funded distributions, paid claims, reclaims after expiry.
    assert min(DividendMachine.seen[k] for k in ("fund", "claim", "reclaim")) > 0, DividendMachine.seen
