"""DividendDistributor end to end on the TSLA suite: announce, fund, claim with per-country
withholding, sweep, reclaim after expiry, custodians (MockDividendCustodian); and the review findings:
only eligible tokens are announced and no distribution pays beyond its funding (finding 1), a recovered
wallet collects its lost wallet's dividend (finding 2), frozen and unregistered wallets' dividends are
held, then released (finding 7). The stateful suite is in ``test_dividends_stateful.py``."""

from __future__ import annotations

from typing import Any

import pytest
from web3.contract import Contract

from dualtrack.claims import ClaimTopic
from dualtrack.deployment import deploy_protocol
from dualtrack.dividends import (
    DEFAULT_WITHHOLDING_BPS,
    MAX_TRUSTED_FACTORIES,
    Distribution,
    HoldReason,
    deploy_dividend_distributor,
    fund_dividend,
    funding_amount,
    gross_entitlement,
    read_distribution,
    release_held,
    withheld_amount,
)
from dualtrack.governance import Role, has_role, manager_of
from dualtrack.identity import add_claim, deploy_identity
from dualtrack.suite import DE, JP, UNIT, US, deploy_suite, salt_of, standard_suite_params
from tests.corporate.conftest import (
    APS,
    DELAY,
    JP_BALANCE,
    PERIOD,
    ZERO_RATE_COUNTRY,
    DividendEnv,
    announce,
    attempt_fake_token_drain,
    deploy_fake_token,
    funded,
    onboard_new_holder,
    usdc_of,
)
from tests.suite_fixtures import recover_to_new_wallet


@pytest.fixture(scope="module")
def env(dividend_env: DividendEnv) -> DividendEnv:
    return dividend_env


def _distribution(e: DividendEnv, distribution_id: int) -> Distribution:
    return read_distribution(e.evm, e.distributor, distribution_id)


# ---- Model ----


def test_rounding_model__entitlement_funding_withholding__round_in_protocols_favour() -> None:
    assert gross_entitlement(JP_BALANCE, APS) == 8_333_333
    assert funding_amount(200 * UNIT + 1, APS) == 50_000_001
    assert withheld_amount(7, 3_000) == 3
    assert withheld_amount(8_333_333, 1_000) == 833_334
    assert withheld_amount(5, 0) == 0


# ---- Withholding table ----


def test_withholding_rate__defaults_and_treaties__returns_table(env: DividendEnv) -> None:
    d = env.distributor.functions
    assert d.withholdingRate(US).call() == DEFAULT_WITHHOLDING_BPS
    assert d.withholdingRate(DE).call() == 1_500
    assert d.withholdingRate(JP).call() == 1_000
    assert d.withholdingRate(ZERO_RATE_COUNTRY).call() == 0
    assert d.hasOwnWithholdingRate(ZERO_RATE_COUNTRY).call() is True
    assert d.hasOwnWithholdingRate(US).call() is False
    assert d.taxAccount().call() == env.tax
    manager = manager_of(env.evm, env.distributor)
    assert has_role(manager, Role.TREASURY, env.admin) == (True, 0)


def test_set_withholding_rate__zero_then_cleared__explicit_zero_then_default(env: DividendEnv) -> None:
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


def test_set_withholding_rate__above_100_percent__reverts(env: DividendEnv) -> None:
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
        lambda d: d.functions.addTrustedFactory(d.address),
        lambda d: d.functions.removeTrustedFactory(d.address),
        lambda d: d.functions.setTokenAllowed(d.address, True),
    ],
)
def test_settings__token_owner_without_treasury_role__revert_access_managed_unauthorized(
    env: DividendEnv, call: Any
) -> None:
    """Issuing a token gives no power over the protocol's settings: those need TREASURY."""
    assert env.token.functions.owner().call() == env.issuer
    with env.evm.reverts("AccessManagedUnauthorized", env.issuer):
        env.evm.send(call(env.distributor), env.issuer)


def test_set_tax_account__zero_address__reverts(env: DividendEnv) -> None:
    with env.evm.reverts("DividendDistributorZeroAddress"):
        env.evm.send(env.distributor.functions.setTaxAccount("0x" + "00" * 20), env.admin)
    with env.evm.reverts("DividendDistributorZeroAddress"):
        env.evm.deploy("DividendDistributor", env.protocol.access_manager.address, "0x" + "00" * 20, sender=env.admin)


# ---- Announce ----


def test_announce__by_token_owner__schedules_snapshot_and_records_distribution(env: DividendEnv) -> None:
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
    assert _distribution(e, 1) == Distribution(
        token=e.token.address,
        record_time=record_time,
        funded_at=0,
        payment_token=e.usdc.address,
        claim_period=PERIOD,
        snapshot_id=snapshot_id,
        amount_per_share=APS,
        funded=0,
        claimed=0,
        held=0,
        reclaimed=0,
    )
    assert e.distributor.functions.distributionCount().call() == 1
    assert e.distributor.functions.expiry(1).call() == 0


def test_announce__not_token_owner__reverts(env: DividendEnv) -> None:
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
def test_announce__bad_parameters__reverts(env: DividendEnv, aps: int, period: int, error: str) -> None:
    call = env.distributor.functions.announce(env.token.address, env.usdc.address, env.evm.timestamp() + 9, aps, period)
    with env.evm.reverts(error):
        env.evm.send(call, env.issuer)


def test_announce__zero_payment_token__reverts(env: DividendEnv) -> None:
    call = env.distributor.functions.announce(env.token.address, "0x" + "00" * 20, env.evm.timestamp() + 9, APS, 9)
    with env.evm.reverts("DividendDistributorZeroAddress"):
        env.evm.send(call, env.issuer)


def test_announce__record_time_not_in_future__reverts_on_token(env: DividendEnv) -> None:
    now = env.evm.timestamp()
    call = env.distributor.functions.announce(env.token.address, env.usdc.address, now, APS, PERIOD)
    with env.evm.reverts("BalanceSnapshotsInvalidRecordTime"):
        env.evm.send(call, env.issuer)


def test_announce__distributor_not_agent__reverts_on_token(env: DividendEnv) -> None:
    other = deploy_dividend_distributor(env.evm, env.admin, env.tax, factories=(env.protocol.factory.address,))
    call = other.functions.announce(env.token.address, env.usdc.address, env.evm.timestamp() + 9, APS, PERIOD)
    with env.evm.reverts("CorporateActionTargetNotAgent", other.address):
        env.evm.send(call, env.issuer)


# ---- Fund ----


def test_fund__after_record_time__pulls_ceil_of_supply_times_rate(env: DividendEnv) -> None:
    e = env
    e.evm.send(e.token.functions.mint(e.carol, 1), e.agent)  # one raw unit: the funding rounds up
    distribution_id, record_time = announce(e)
    e.evm.mine(record_time)
    supply = 200 * UNIT + JP_BALANCE + 10 * UNIT + 1
    expected = funding_amount(supply, APS)
    assert expected * UNIT != supply * APS  # the division is inexact
    e.evm.send(e.usdc.functions.approve(e.distributor.address, expected), e.issuer)
    before = usdc_of(e, e.issuer)
    receipt = e.evm.send(e.distributor.functions.fund(distribution_id), e.issuer)
    assert before - usdc_of(e, e.issuer) == expected
    assert usdc_of(e, e.distributor.address) == expected
    fund_time = int(e.evm.w3.eth.get_block(receipt["blockNumber"])["timestamp"])
    assert e.evm.events(receipt, e.distributor, "DividendFunded") == [
        {"distributionId": distribution_id, "funder": e.issuer, "amount": expected, "expiry": fund_time + PERIOD}
    ]
    d = _distribution(e, distribution_id)
    assert (d.funded, d.funded_at) == (expected, fund_time)
    assert e.distributor.functions.expiry(distribution_id).call() == fund_time + PERIOD


def test_fund__before_record_time__reverts(env: DividendEnv) -> None:
    distribution_id, record_time = announce(env)
    with env.evm.reverts("DividendDistributorRecordTimeNotReached") as failure:
        env.evm.send(env.distributor.functions.fund(distribution_id), env.issuer)
    assert failure.args_[:2] == (distribution_id, record_time)


def test_fund__twice__reverts(env: DividendEnv) -> None:
    distribution_id, _ = funded(env)
    with env.evm.reverts("DividendDistributorAlreadyFunded", distribution_id):
        env.evm.send(env.distributor.functions.fund(distribution_id), env.issuer)


def test_fund__not_token_owner_or_unknown__reverts(env: DividendEnv) -> None:
    distribution_id, record_time = announce(env)
    env.evm.mine(record_time)
    with env.evm.reverts("DividendDistributorNotTokenOwner", env.token.address, env.alice):
        env.evm.send(env.distributor.functions.fund(distribution_id), env.alice)
    with env.evm.reverts("DividendDistributorUnknownDistribution", 99):
        env.evm.send(env.distributor.functions.fund(99), env.issuer)


def test_fund__no_supply_at_record_time__reverts(env: DividendEnv) -> None:
    e = env
    for wallet, amount in ((e.alice, 100 * UNIT), (e.bob, 100 * UNIT), (e.jp, JP_BALANCE), (e.sg, 10 * UNIT)):
        e.evm.send(e.token.functions.burn(wallet, amount), e.agent)
    distribution_id, record_time = announce(e)
    e.evm.mine(record_time)
    with e.evm.reverts("DividendDistributorNothingToFund", distribution_id):
        e.evm.send(e.distributor.functions.fund(distribution_id), e.issuer)


def test_fund__fee_on_transfer_payment_token__reverts_with_shortfall(env: DividendEnv) -> None:
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
def test_claim__holder_country__pays_net_and_accrues_withheld(
    env: DividendEnv, holder: str, balance: int, rate: int
) -> None:
    e = env
    wallet = getattr(e, holder)
    distribution_id, _ = funded(e)
    gross = gross_entitlement(balance, APS)
    withheld = withheld_amount(gross, rate)
    preview = e.distributor.functions.previewClaim(distribution_id, wallet).call()
    assert preview == [gross, withheld, gross - withheld, wallet, False]
    before = usdc_of(e, wallet)
    receipt = e.evm.send(e.distributor.functions.claim(distribution_id), wallet)
    assert usdc_of(e, wallet) - before == gross - withheld
    assert e.distributor.functions.accruedTax(e.usdc.address).call() == withheld
    assert e.distributor.functions.isClaimed(distribution_id, wallet).call() is True
    country = int(e.registry.functions.investorCountry(wallet).call())
    assert e.evm.events(receipt, e.distributor, "DividendClaimed") == [
        {
            "distributionId": distribution_id,
            "holder": wallet,
            "wallet": wallet,
            "caller": wallet,
            "country": country,
            "gross": gross,
            "withheld": withheld,
            "net": gross - withheld,
        }
    ]
    assert _distribution(e, distribution_id).claimed == gross


def test_claim_for__by_anyone__pays_the_holder(env: DividendEnv) -> None:
    e = env
    distribution_id, _ = funded(e)
    keeper_before, bob_before = usdc_of(e, e.admin), usdc_of(e, e.bob)
    receipt = e.evm.send(e.distributor.functions.claimFor(distribution_id, e.bob), e.admin)
    gross = gross_entitlement(100 * UNIT, APS)
    assert usdc_of(e, e.bob) - bob_before == gross - withheld_amount(gross, 1_500)
    assert usdc_of(e, e.admin) == keeper_before
    (event,) = e.evm.events(receipt, e.distributor, "DividendClaimed")
    assert (event["holder"], event["wallet"], event["caller"]) == (e.bob, e.bob, e.admin)


def test_claim__twice__reverts(env: DividendEnv) -> None:
    e = env
    distribution_id, _ = funded(e)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    with e.evm.reverts("DividendDistributorAlreadyClaimed", distribution_id, e.alice):
        e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    with e.evm.reverts("DividendDistributorAlreadyClaimed", distribution_id, e.alice):
        e.evm.send(e.distributor.functions.claimFor(distribution_id, e.alice), e.bob)


def test_claim__zero_entitlement__reverts(env: DividendEnv) -> None:
    distribution_id, _ = funded(env)
    with env.evm.reverts("DividendDistributorNothingToClaim", distribution_id, env.carol):
        env.evm.send(env.distributor.functions.claim(distribution_id), env.carol)


def test_claim__dust_balance_rounding_to_zero__reverts(env: DividendEnv) -> None:
    env.evm.send(env.token.functions.mint(env.carol, 10**11), env.agent)  # 1e11 * 250_000 / 1e18 < 1
    distribution_id, _ = funded(env)
    with env.evm.reverts("DividendDistributorNothingToClaim", distribution_id, env.carol):
        env.evm.send(env.distributor.functions.claim(distribution_id), env.carol)


def test_claim__not_funded_or_unknown__reverts(env: DividendEnv) -> None:
    distribution_id, record_time = announce(env)
    with env.evm.reverts("DividendDistributorNotFunded", distribution_id):
        env.evm.send(env.distributor.functions.claim(distribution_id), env.alice)
    env.evm.mine(record_time)
    with env.evm.reverts("DividendDistributorNotFunded", distribution_id):
        env.evm.send(env.distributor.functions.claim(distribution_id), env.alice)
    with env.evm.reverts("DividendDistributorUnknownDistribution", 7):
        env.evm.send(env.distributor.functions.claim(7), env.alice)


def test_claim__last_second_then_at_expiry__pays_then_reverts(env: DividendEnv) -> None:
    e = env
    distribution_id, expiry = funded(e)
    e.evm.set_next_timestamp(expiry - 1)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    e.evm.mine(expiry)  # the claim lands in a later block (gas is estimated on the latest one)
    with e.evm.reverts("DividendDistributorExpired", distribution_id, expiry):
        e.evm.send(e.distributor.functions.claim(distribution_id), e.bob)


def test_claim__transfer_after_record_time__entitlement_stays_with_record_holder(env: DividendEnv) -> None:
    e = env
    distribution_id, record_time = announce(e)
    e.evm.mine(record_time)
    e.evm.send(e.token.functions.transfer(e.carol, 100 * UNIT), e.alice)
    fund_dividend(e.evm, e.distributor, e.token, e.usdc, distribution_id, e.issuer)
    gross = gross_entitlement(100 * UNIT, APS)
    assert e.distributor.functions.previewClaim(distribution_id, e.alice).call()[0] == gross
    before = usdc_of(e, e.alice)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    assert usdc_of(e, e.alice) - before == gross - withheld_amount(gross, 3_000)
    with e.evm.reverts("DividendDistributorNothingToClaim", distribution_id, e.carol):
        e.evm.send(e.distributor.functions.claim(distribution_id), e.carol)


def test_claim__transfer_before_record_time__entitlement_moves(env: DividendEnv) -> None:
    e = env
    distribution_id, record_time = announce(e)
    e.evm.send(e.token.functions.transfer(e.carol, 40 * UNIT), e.alice)
    e.evm.mine(record_time)
    fund_dividend(e.evm, e.distributor, e.token, e.usdc, distribution_id, e.issuer)
    assert e.distributor.functions.previewClaim(distribution_id, e.alice).call()[0] == gross_entitlement(60 * UNIT, APS)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.carol)
    assert usdc_of(e, e.carol) == gross_entitlement(40 * UNIT, APS) - withheld_amount(
        gross_entitlement(40 * UNIT, APS), 3_000
    )


def test_claim__country_changed_after_record_time__uses_country_at_claim_time(env: DividendEnv) -> None:
    e = env
    distribution_id, _ = funded(e)
    e.evm.send(e.registry.functions.updateCountry(e.alice, JP), e.agent)
    gross = gross_entitlement(100 * UNIT, APS)
    before = usdc_of(e, e.alice)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    assert usdc_of(e, e.alice) - before == gross - withheld_amount(gross, 1_000)


# ---- Sweep ----


def test_sweep_tax__accrued__anyone_sends_it_to_tax_account(env: DividendEnv) -> None:
    e = env
    distribution_id, _ = funded(e)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.bob)
    gross = gross_entitlement(100 * UNIT, APS)
    accrued = withheld_amount(gross, 3_000) + withheld_amount(gross, 1_500)
    new_tax = e.evm.accounts[9]
    e.evm.send(e.distributor.functions.setTaxAccount(new_tax), e.admin)
    before = usdc_of(e, new_tax)
    receipt = e.evm.send(e.distributor.functions.sweepTax(e.usdc.address), e.carol)
    assert usdc_of(e, new_tax) - before == accrued
    assert e.distributor.functions.accruedTax(e.usdc.address).call() == 0
    assert e.evm.events(receipt, e.distributor, "TaxSwept") == [
        {"paymentToken": e.usdc.address, "taxAccount": new_tax, "amount": accrued}
    ]
    with e.evm.reverts("DividendDistributorNothingToSweep", e.usdc.address):
        e.evm.send(e.distributor.functions.sweepTax(e.usdc.address), e.carol)


# ---- Reclaim ----


def test_reclaim__after_expiry__returns_unclaimed_once(env: DividendEnv) -> None:
    e = env
    distribution_id, expiry = funded(e)
    amount = _distribution(e, distribution_id).funded
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    claimed = gross_entitlement(100 * UNIT, APS)
    with e.evm.reverts("DividendDistributorNotExpired", distribution_id, expiry):
        e.evm.send(e.distributor.functions.reclaim(distribution_id), e.issuer)
    e.evm.mine(expiry)
    with e.evm.reverts("DividendDistributorNotTokenOwner", e.token.address, e.alice):
        e.evm.send(e.distributor.functions.reclaim(distribution_id), e.alice)
    before = usdc_of(e, e.issuer)
    receipt = e.evm.send(e.distributor.functions.reclaim(distribution_id), e.issuer)
    assert usdc_of(e, e.issuer) - before == amount - claimed
    assert e.evm.events(receipt, e.distributor, "DividendReclaimed") == [
        {"distributionId": distribution_id, "to": e.issuer, "amount": amount - claimed}
    ]
    with e.evm.reverts("DividendDistributorNothingToReclaim", distribution_id):
        e.evm.send(e.distributor.functions.reclaim(distribution_id), e.issuer)
    # Only the withheld part of alice's claim is left, for the tax account.
    assert usdc_of(e, e.distributor.address) == withheld_amount(claimed, 3_000)


def test_reclaim__not_funded__reverts(env: DividendEnv) -> None:
    distribution_id, _ = announce(env)
    with env.evm.reverts("DividendDistributorNotFunded", distribution_id):
        env.evm.send(env.distributor.functions.reclaim(distribution_id), env.issuer)


# ---- Custodians ----


@pytest.fixture
def custodian(env: DividendEnv) -> Contract:
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


def test_custodian_claim__two_depositors__each_withheld_at_own_rate(env: DividendEnv, custodian: Contract) -> None:
    e = env
    distribution_id, _ = funded(e)
    gross = gross_entitlement(100 * UNIT, APS)
    preview = e.distributor.functions.previewClaim(distribution_id, custodian.address).call()
    assert preview == [gross, 0, gross, custodian.address, False]
    alice_before, bob_before, tax_before = usdc_of(e, e.alice), usdc_of(e, e.bob), usdc_of(e, e.tax)
    receipt = e.evm.send(e.distributor.functions.claimFor(distribution_id, custodian.address), e.carol)
    assert e.evm.events(receipt, e.distributor, "DividendPaidToCustodian") == [
        {"distributionId": distribution_id, "custodian": custodian.address, "caller": e.carol, "gross": gross}
    ]
    alice_share, bob_share = gross * 40 // 100, gross * 60 // 100
    alice_tax, bob_tax = withheld_amount(alice_share, 3_000), withheld_amount(bob_share, 1_500)
    assert usdc_of(e, e.alice) - alice_before == alice_share - alice_tax
    assert usdc_of(e, e.bob) - bob_before == bob_share - bob_tax
    assert usdc_of(e, e.tax) - tax_before == alice_tax + bob_tax
    assert e.distributor.functions.accruedTax(e.usdc.address).call() == 0
    assert _distribution(e, distribution_id).claimed == gross
    passed = e.evm.events(receipt, custodian, "DividendPassedThrough")
    assert [(p["depositor"], p["country"], p["withheld"]) for p in passed] == [
        (e.alice, US, alice_tax),
        (e.bob, DE, bob_tax),
    ]
    with e.evm.reverts("DividendDistributorAlreadyClaimed", distribution_id, custodian.address):
        e.evm.send(e.distributor.functions.claimFor(distribution_id, custodian.address), e.carol)


def test_custodian_claim__hook_answers_wrong_selector__reverts_and_pays_nothing(
    env: DividendEnv, custodian: Contract
) -> None:
    e = env
    distribution_id, _ = funded(e)
    e.evm.send(custodian.functions.setRefusing(True), e.issuer)
    balance = usdc_of(e, e.distributor.address)
    with e.evm.reverts("DividendDistributorCustodianRejected", custodian.address, bytes.fromhex("deadbeef")):
        e.evm.send(e.distributor.functions.claimFor(distribution_id, custodian.address), e.carol)
    assert usdc_of(e, e.distributor.address) == balance
    assert e.distributor.functions.isClaimed(distribution_id, custodian.address).call() is False


def test_custodian_hook__called_by_stranger__reverts(env: DividendEnv, custodian: Contract) -> None:
    call = custodian.functions.onDividendReceived(1, env.token.address, env.usdc.address, 1, 1)
    with env.evm.reverts("MockDividendCustodianNotDistributor", env.alice):
        env.evm.send(call, env.alice)


def test_custodian_unregistered__claims_like_a_holder_with_withholding(env: DividendEnv, custodian: Contract) -> None:
    e = env
    e.evm.send(e.distributor.functions.setCustodian(custodian.address, False), e.admin)
    distribution_id, _ = funded(e)
    e.evm.send(e.distributor.functions.claimFor(distribution_id, custodian.address), e.carol)
    gross = gross_entitlement(100 * UNIT, APS)
    assert e.distributor.functions.accruedTax(e.usdc.address).call() == withheld_amount(gross, 3_000)


def test_set_custodian__not_a_contract_or_zero__reverts(env: DividendEnv) -> None:
    with env.evm.reverts("DividendDistributorNotAContract", env.alice):
        env.evm.send(env.distributor.functions.setCustodian(env.alice, True), env.admin)
    with env.evm.reverts("DividendDistributorZeroAddress"):
        env.evm.send(env.distributor.functions.setCustodian("0x" + "00" * 20, True), env.admin)


# ---- Review finding 1: only eligible tokens, and no distribution pays beyond its funding ----


def test_announce__fake_equity_token_drains_pool__refused_and_pool_intact(env: DividendEnv) -> None:
    """Review finding 1: a contract posing as an equity token cannot announce, so it cannot drain the pool."""
    e = env
    # Another issuer's money sits in the distributor: a funded TSLA distribution, alice's tax accrued.
    distribution_id, _ = funded(e)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    accrued = int(e.distributor.functions.accruedTax(e.usdc.address).call())
    attacker = e.evm.new_account()
    fake = deploy_fake_token(e, attacker)
    attempt = attempt_fake_token_drain(e, fake, attacker)
    assert (attempt.attacker_gain, attempt.pool_after) == (0, attempt.pool_before), attempt
    assert attempt.refused is not None
    assert (attempt.refused.name, attempt.refused.args_) == ("DividendDistributorIneligibleToken", (fake.address,))
    assert e.distributor.functions.isEligibleToken(fake.address).call() is False
    # The victims are whole: bob is paid in full and the tax is swept in full.
    gross = gross_entitlement(100 * UNIT, APS)
    before = usdc_of(e, e.bob)
    e.evm.send(e.distributor.functions.claim(distribution_id), e.bob)
    assert usdc_of(e, e.bob) - before == gross - withheld_amount(gross, 1_500)
    tax_before = usdc_of(e, e.tax)
    e.evm.send(e.distributor.functions.sweepTax(e.usdc.address), e.carol)
    assert usdc_of(e, e.tax) - tax_before == accrued + withheld_amount(gross, 1_500)


def test_claim__allow_listed_token_lies_about_balances__capped_at_its_funding(env: DividendEnv) -> None:
    """Review finding 1: a distribution never pays more than it was funded, even for a token that lies."""
    e = env
    victim_id, _ = funded(e)  # TSLA holders' money, unclaimed
    liar_owner = e.evm.new_account()
    liar = deploy_fake_token(e, liar_owner)  # supply of 1 raw unit, every holder in a 0%-rate country
    receipt = e.evm.send(e.distributor.functions.setTokenAllowed(liar.address, True), e.admin)
    assert e.evm.events(receipt, e.distributor, "TokenAllowedSet") == [{"token": liar.address, "allowed": True}]
    e.evm.send(liar.functions.setFakeSupply(4 * UNIT), liar_owner)  # funding: 4 shares at $0.25
    funding = funding_amount(4 * UNIT, APS)
    e.evm.send(e.usdc.functions.transfer(liar_owner, funding), e.issuer)
    call = e.distributor.functions.announce(liar.address, e.usdc.address, e.evm.timestamp() + DELAY, APS, PERIOD)
    (event,) = e.evm.events(e.evm.send(call, liar_owner), e.distributor, "DividendAnnounced")
    liar_id = int(event["distributionId"])
    e.evm.mine(e.evm.timestamp() + DELAY)
    e.evm.send(e.usdc.functions.approve(e.distributor.address, funding), liar_owner)
    e.evm.send(e.distributor.functions.fund(liar_id), liar_owner)
    # Two "holders" of 4 shares each: twice the supply it was funded for.
    first, second = e.evm.new_account(), e.evm.new_account()
    for holder in (first, second):
        e.evm.send(liar.functions.setFakeBalance(holder, 4 * UNIT), liar_owner)
    pool = usdc_of(e, e.distributor.address)
    e.evm.send(e.distributor.functions.claim(liar_id), first)
    assert usdc_of(e, first) == funding
    with e.evm.reverts("DividendDistributorFundingExceeded", liar_id, funding, 0):
        e.evm.send(e.distributor.functions.claim(liar_id), second)
    assert usdc_of(e, e.distributor.address) == pool - funding
    d = _distribution(e, liar_id)
    assert (d.funded, d.claimed, d.held, d.reclaimed) == (funding, funding, 0, 0)
    # The TSLA distribution still pays its holders in full.
    gross = gross_entitlement(100 * UNIT, APS)
    e.evm.send(e.distributor.functions.claim(victim_id), e.alice)
    assert _distribution(e, victim_id).claimed == gross


def test_announce__token_of_another_factory__eligible_only_while_trusted(env: DividendEnv, issuer: str) -> None:
    e = env
    other = deploy_protocol(e.evm, issuer)  # a second factory (and authority) the distributor does not trust
    params = standard_suite_params(
        other, name="Rivian", symbol="RIVN", owner=issuer, claim_issuer=e.kyc.contract.address, agents=[e.agent]
    )
    rivn = deploy_suite(e.evm, other, params, salt=salt_of("RIVN-dividends"), sender=issuer)
    assert other.factory.functions.isSuiteToken(rivn.token.address).call() is True
    assert e.protocol.factory.functions.isSuiteToken(rivn.token.address).call() is False
    e.evm.send(rivn.token.functions.setCorporateActionAgent(e.distributor.address, True), issuer)
    call = e.distributor.functions.announce(rivn.token.address, e.usdc.address, e.evm.timestamp() + DELAY, APS, PERIOD)
    with e.evm.reverts("DividendDistributorIneligibleToken", rivn.token.address):
        e.evm.send(call, issuer)
    receipt = e.evm.send(e.distributor.functions.addTrustedFactory(other.factory.address), e.admin)
    assert e.evm.events(receipt, e.distributor, "TrustedFactoryAdded") == [{"factory": other.factory.address}]
    assert e.distributor.functions.trustedFactories().call() == [e.protocol.factory.address, other.factory.address]
    assert e.distributor.functions.isEligibleToken(rivn.token.address).call() is True
    distribution_id = int(
        e.evm.events(e.evm.send(call, issuer), e.distributor, "DividendAnnounced")[0]["distributionId"]
    )
    receipt = e.evm.send(e.distributor.functions.removeTrustedFactory(other.factory.address), e.admin)
    assert e.evm.events(receipt, e.distributor, "TrustedFactoryRemoved") == [{"factory": other.factory.address}]
    assert e.distributor.functions.isTrustedFactory(other.factory.address).call() is False
    with e.evm.reverts("DividendDistributorIneligibleToken", rivn.token.address):
        e.evm.send(
            e.distributor.functions.announce(rivn.token.address, e.usdc.address, e.evm.timestamp() + 2 * DELAY, 1, 9),
            issuer,
        )
    # Announced while trusted: it stays fundable (eligibility is checked at announce only).
    e.evm.mine(int(_distribution(e, distribution_id).record_time))
    with e.evm.reverts("DividendDistributorNothingToFund", distribution_id):  # RIVN has no supply
        e.evm.send(e.distributor.functions.fund(distribution_id), issuer)
    # The owner may allow-list it directly instead.
    e.evm.send(e.distributor.functions.setTokenAllowed(rivn.token.address, True), e.admin)
    assert e.distributor.functions.isTokenAllowed(rivn.token.address).call() is True
    assert e.distributor.functions.isEligibleToken(rivn.token.address).call() is True


def test_trusted_factories__bounded_and_checked__revert_with_reasons(env: DividendEnv) -> None:
    e = env
    d = e.distributor.functions
    assert d.MAX_TRUSTED_FACTORIES().call() == MAX_TRUSTED_FACTORIES
    with e.evm.reverts("DividendDistributorFactoryAlreadyTrusted", e.protocol.factory.address):
        e.evm.send(d.addTrustedFactory(e.protocol.factory.address), e.admin)
    with e.evm.reverts("DividendDistributorZeroAddress"):
        e.evm.send(d.addTrustedFactory("0x" + "00" * 20), e.admin)
    with e.evm.reverts("DividendDistributorNotAContract", e.alice):
        e.evm.send(d.addTrustedFactory(e.alice), e.admin)
    with e.evm.reverts("DividendDistributorFactoryNotTrusted", e.usdc.address):
        e.evm.send(d.removeTrustedFactory(e.usdc.address), e.admin)
    with e.evm.reverts("DividendDistributorNotAContract", e.alice):
        e.evm.send(d.setTokenAllowed(e.alice, True), e.admin)
    with e.evm.reverts("DividendDistributorZeroAddress"):
        e.evm.send(d.setTokenAllowed("0x" + "00" * 20, False), e.admin)
    with e.evm.reverts("DividendDistributorNotAFactory", e.usdc.address):
        e.evm.send(d.addTrustedFactory(e.usdc.address), e.admin)
    # The list is capped (the announce check loops over it).
    manager, authority = e.protocol.access_manager.address, e.protocol.authority.address
    extra = [e.evm.deploy("SuiteFactory", manager, authority, sender=e.admin) for _ in range(MAX_TRUSTED_FACTORIES)]
    for factory in extra[: MAX_TRUSTED_FACTORIES - 1]:
        e.evm.send(d.addTrustedFactory(factory.address), e.admin)
    with e.evm.reverts("DividendDistributorTooManyFactories", MAX_TRUSTED_FACTORIES):
        e.evm.send(d.addTrustedFactory(extra[-1].address), e.admin)
    e.evm.send(d.removeTrustedFactory(e.protocol.factory.address), e.admin)  # swap-and-pop
    assert d.trustedFactories().call() == [extra[-2].address] + [f.address for f in extra[: MAX_TRUSTED_FACTORIES - 2]]


# ---- Review finding 2: a recovered wallet collects its lost wallet's dividend ----


def test_claim_for__holder_recovered_after_record__pays_new_wallet_not_lost(env: DividendEnv) -> None:
    """Review finding 2: after a recovery past the record time, the new wallet is paid, the lost one never."""
    e = env
    dave = onboard_new_holder(e.evm, e.suite, e.kyc, e.agent, US)
    e.evm.send(e.token.functions.mint(dave.wallet, 10 * UNIT), e.agent)
    distribution_id, record_time = announce(e)
    e.evm.mine(record_time)
    new_wallet = recover_to_new_wallet(e.evm, e.token, dave.wallet, dave.identity, dave.wallet, e.agent)
    fund_dividend(e.evm, e.distributor, e.token, e.usdc, distribution_id, e.issuer)
    gross = gross_entitlement(10 * UNIT, APS)
    withheld = withheld_amount(gross, DEFAULT_WITHHOLDING_BPS)
    receipt = e.evm.send(e.distributor.functions.claimFor(distribution_id, dave.wallet), new_wallet)
    assert (usdc_of(e, dave.wallet), usdc_of(e, new_wallet)) == (0, gross - withheld)
    assert e.evm.events(receipt, e.distributor, "DividendClaimed") == [
        {
            "distributionId": distribution_id,
            "holder": dave.wallet,
            "wallet": new_wallet,
            "caller": new_wallet,
            "country": US,
            "gross": gross,
            "withheld": withheld,
            "net": gross - withheld,
        }
    ]
    assert e.distributor.functions.isClaimed(distribution_id, dave.wallet).call() is True
    with e.evm.reverts("DividendDistributorAlreadyClaimed", distribution_id, dave.wallet):
        e.evm.send(e.distributor.functions.claim(distribution_id), dave.wallet)
    # The new wallet held nothing at the record time: nothing of its own to claim.
    with e.evm.reverts("DividendDistributorNothingToClaim", distribution_id, new_wallet):
        e.evm.send(e.distributor.functions.claim(distribution_id), new_wallet)


def test_claim__chain_of_recoveries__pays_latest_wallet_at_its_country(env: DividendEnv) -> None:
    e = env
    dave = onboard_new_holder(e.evm, e.suite, e.kyc, e.agent, US)
    e.evm.send(e.token.functions.mint(dave.wallet, 10 * UNIT), e.agent)
    distribution_id, _ = announce(e)
    e.evm.mine(int(_distribution(e, distribution_id).record_time))
    second = recover_to_new_wallet(e.evm, e.token, dave.wallet, dave.identity, dave.wallet, e.agent)
    third = recover_to_new_wallet(e.evm, e.token, second, dave.identity, dave.wallet, e.agent)
    e.evm.send(e.registry.functions.updateCountry(third, JP), e.agent)  # dave moved: JP's 10% applies
    fund_dividend(e.evm, e.distributor, e.token, e.usdc, distribution_id, e.issuer)
    gross = gross_entitlement(10 * UNIT, APS)
    preview = e.distributor.functions.previewClaim(distribution_id, dave.wallet).call()
    assert preview == [gross, withheld_amount(gross, 1_000), gross - withheld_amount(gross, 1_000), third, False]
    e.evm.send(e.distributor.functions.claim(distribution_id), dave.wallet)  # the lost key still signs here
    assert [usdc_of(e, w) for w in (dave.wallet, second, third)] == [0, 0, gross - withheld_amount(gross, 1_000)]


def test_claim__recovered_before_record__new_wallet_claims_its_own(env: DividendEnv) -> None:
    e = env
    dave = onboard_new_holder(e.evm, e.suite, e.kyc, e.agent, US)
    e.evm.send(e.token.functions.mint(dave.wallet, 10 * UNIT), e.agent)
    new_wallet = recover_to_new_wallet(e.evm, e.token, dave.wallet, dave.identity, dave.wallet, e.agent)
    distribution_id, _ = funded(e)
    with e.evm.reverts("DividendDistributorNothingToClaim", distribution_id, dave.wallet):
        e.evm.send(e.distributor.functions.claimFor(distribution_id, dave.wallet), e.carol)
    e.evm.send(e.distributor.functions.claim(distribution_id), new_wallet)
    gross = gross_entitlement(10 * UNIT, APS)
    assert usdc_of(e, new_wallet) == gross - withheld_amount(gross, DEFAULT_WITHHOLDING_BPS)


# ---- Review finding 7: frozen and unregistered wallets' dividends are held, then released ----


def test_claim_for__frozen_wallet__held_not_paid_until_unfrozen(env: DividendEnv) -> None:
    """Review finding 7: a dividend due to a frozen wallet is held, not paid, and released once unfrozen."""
    e = env
    distribution_id, _ = funded(e)
    e.evm.send(e.token.functions.setAddressFrozen(e.bob, True), e.agent)
    gross = gross_entitlement(100 * UNIT, APS)
    before = usdc_of(e, e.bob)
    receipt = e.evm.send(e.distributor.functions.claimFor(distribution_id, e.bob), e.carol)
    assert usdc_of(e, e.bob) == before
    assert e.evm.events(receipt, e.distributor, "DividendHeld") == [
        {
            "distributionId": distribution_id,
            "holder": e.bob,
            "wallet": e.bob,
            "caller": e.carol,
            "reason": HoldReason.WALLET_FROZEN,
            "gross": gross,
        }
    ]
    assert e.evm.events(receipt, e.distributor, "DividendClaimed") == []
    assert e.distributor.functions.heldAmount(distribution_id, e.bob).call() == gross
    assert e.distributor.functions.isClaimed(distribution_id, e.bob).call() is True
    d = _distribution(e, distribution_id)
    assert (d.claimed, d.held) == (0, gross)
    with e.evm.reverts("DividendDistributorAlreadyClaimed", distribution_id, e.bob):
        e.evm.send(e.distributor.functions.claim(distribution_id), e.bob)
    with e.evm.reverts("DividendDistributorStillHeld", distribution_id, e.bob, e.bob, HoldReason.WALLET_FROZEN):
        e.evm.send(e.distributor.functions.releaseHeld(distribution_id, e.bob), e.carol)
    e.evm.send(e.token.functions.setAddressFrozen(e.bob, False), e.agent)
    withheld = withheld_amount(gross, 1_500)
    receipt = e.evm.send(e.distributor.functions.releaseHeld(distribution_id, e.bob), e.carol)
    assert usdc_of(e, e.bob) - before == gross - withheld
    assert e.evm.events(receipt, e.distributor, "DividendReleased") == [
        {"distributionId": distribution_id, "holder": e.bob, "wallet": e.bob, "caller": e.carol, "gross": gross}
    ]
    (paid,) = e.evm.events(receipt, e.distributor, "DividendClaimed")
    assert (paid["wallet"], paid["country"], paid["withheld"], paid["net"]) == (e.bob, DE, withheld, gross - withheld)
    d = _distribution(e, distribution_id)
    assert (d.claimed, d.held) == (gross, 0)
    assert e.distributor.functions.heldAmount(distribution_id, e.bob).call() == 0
    with e.evm.reverts("DividendDistributorNothingHeld", distribution_id, e.bob):
        e.evm.send(e.distributor.functions.releaseHeld(distribution_id, e.bob), e.carol)


def test_claim__unregistered_wallet__held_then_released_after_registration(env: DividendEnv) -> None:
    e = env
    distribution_id, _ = funded(e)
    identity = e.identities[e.alice]
    e.evm.send(e.registry.functions.deleteIdentity(e.alice), e.agent)
    gross = gross_entitlement(100 * UNIT, APS)
    preview = e.distributor.functions.previewClaim(distribution_id, e.alice).call()
    assert preview == [gross, withheld_amount(gross, DEFAULT_WITHHOLDING_BPS), preview[2], e.alice, True]
    before = usdc_of(e, e.alice)
    receipt = e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    (held,) = e.evm.events(receipt, e.distributor, "DividendHeld")
    assert (held["reason"], held["gross"], usdc_of(e, e.alice)) == (HoldReason.WALLET_UNREGISTERED, gross, before)
    with e.evm.reverts("DividendDistributorStillHeld", distribution_id, e.alice, e.alice, 1):
        e.evm.send(e.distributor.functions.releaseHeld(distribution_id, e.alice), e.alice)
    e.evm.send(e.registry.functions.registerIdentity(e.alice, identity.address, ZERO_RATE_COUNTRY), e.agent)
    assert release_held(e.evm, e.distributor, distribution_id, e.alice, e.carol) == gross
    assert usdc_of(e, e.alice) - before == gross  # taxed at its country when paid: 0%


def test_reclaim__held_dividend__stays_held_and_released_after_expiry(env: DividendEnv) -> None:
    e = env
    distribution_id, expiry = funded(e)
    e.evm.send(e.token.functions.setAddressFrozen(e.bob, True), e.agent)
    e.evm.send(e.distributor.functions.claimFor(distribution_id, e.bob), e.carol)
    held = gross_entitlement(100 * UNIT, APS)
    e.evm.mine(expiry)
    d = _distribution(e, distribution_id)
    before = usdc_of(e, e.issuer)
    e.evm.send(e.distributor.functions.reclaim(distribution_id), e.issuer)
    assert usdc_of(e, e.issuer) - before == d.funded - held
    d = _distribution(e, distribution_id)
    assert (d.claimed, d.held, d.reclaimed) == (0, held, d.funded - held)
    assert usdc_of(e, e.distributor.address) == held
    with e.evm.reverts("DividendDistributorNothingToReclaim", distribution_id):
        e.evm.send(e.distributor.functions.reclaim(distribution_id), e.issuer)
    # A hold does not expire: released long after the claim period, once bob is unfrozen.
    e.evm.send(e.token.functions.setAddressFrozen(e.bob, False), e.agent)
    bob_before = usdc_of(e, e.bob)
    e.evm.send(e.distributor.functions.releaseHeld(distribution_id, e.bob), e.bob)
    assert usdc_of(e, e.bob) - bob_before == held - withheld_amount(held, 1_500)
    assert usdc_of(e, e.distributor.address) == int(e.distributor.functions.accruedTax(e.usdc.address).call())


def test_release_held__frozen_wallet_recovered__pays_the_new_wallet_once_unfrozen(env: DividendEnv) -> None:
    e = env
    dave = onboard_new_holder(e.evm, e.suite, e.kyc, e.agent, US)
    e.evm.send(e.token.functions.mint(dave.wallet, 10 * UNIT), e.agent)
    distribution_id, _ = funded(e)
    e.evm.send(e.token.functions.setAddressFrozen(dave.wallet, True), e.agent)
    e.evm.send(e.distributor.functions.claimFor(distribution_id, dave.wallet), e.carol)
    # Recovery carries the frozen flag to the new wallet: still held until the agent unfreezes it.
    new_wallet = recover_to_new_wallet(e.evm, e.token, dave.wallet, dave.identity, dave.wallet, e.agent)
    with e.evm.reverts("DividendDistributorStillHeld", distribution_id, dave.wallet, new_wallet, 0):
        e.evm.send(e.distributor.functions.releaseHeld(distribution_id, dave.wallet), e.carol)
    e.evm.send(e.token.functions.setAddressFrozen(new_wallet, False), e.agent)
    e.evm.send(e.distributor.functions.releaseHeld(distribution_id, dave.wallet), e.carol)
    gross = gross_entitlement(10 * UNIT, APS)
    assert (usdc_of(e, dave.wallet), usdc_of(e, new_wallet)) == (0, gross - withheld_amount(gross, 3_000))


def test_claim__partially_frozen_tokens__paid_not_held(env: DividendEnv) -> None:
    e = env
    distribution_id, _ = funded(e)
    e.evm.send(e.token.functions.freezePartialTokens(e.alice, 60 * UNIT), e.agent)
    receipt = e.evm.send(e.distributor.functions.claim(distribution_id), e.alice)
    gross = gross_entitlement(100 * UNIT, APS)
    assert e.evm.events(receipt, e.distributor, "DividendHeld") == []
    (paid,) = e.evm.events(receipt, e.distributor, "DividendClaimed")
    assert paid["net"] == gross - withheld_amount(gross, 3_000)


def test_custodian_claim__frozen_custodian__paid_gross_not_held(env: DividendEnv, custodian: Contract) -> None:
    e = env
    distribution_id, _ = funded(e)
    e.evm.send(e.token.functions.setAddressFrozen(custodian.address, True), e.agent)
    receipt = e.evm.send(e.distributor.functions.claimFor(distribution_id, custodian.address), e.carol)
    assert e.evm.events(receipt, e.distributor, "DividendHeld") == []
    (paid,) = e.evm.events(receipt, e.distributor, "DividendPaidToCustodian")
    assert paid["gross"] == gross_entitlement(100 * UNIT, APS)
