"""InsurancePool: staking, the unstaking delay, inflation and donations, per-event caps, the bad-debt waterfall.

The pool (``insured`` fixture, tests/pool/conftest.py) is the desk vault's insurance and loss absorber; the
vault's counterparty is the ``lp`` wallet (1,000,000 USDC of vault credit). Expected figures come from the
Python model of ``InsuranceMath`` (:mod:`dualtrack.insurance`) with the contract's rounding.
"""

from __future__ import annotations

import pytest
from eth_utils.crypto import keccak

from dualtrack.insurance import (
    DEFAULT_UNSTAKE_DELAY,
    MAX_UNSTAKE_DELAY,
    MIN_UNSTAKE_DELAY,
    VIRTUAL_SHARES,
    assets_for,
    claim_value,
    deploy_insurance_pool,
    shares_for,
    shares_kept,
)
from dualtrack.margin import deploy_margin_vault
from tests.margin.conftest import TSLA_UNIT, USDC_UNIT, WBTC_UNIT, usd
from tests.pool.conftest import Insured
from tests.suite_fixtures import Actors
from tests.support import DAY, ZERO

BAD_DEBT_CAUSE = keccak(text="dualtrack.insurance.badDebt")
MAX_U128 = 2**128 - 1
TIMED_GAS = 1_000_000


def _underwater_tsla(insured: Insured, owner: str) -> int:
    """``owner`` pledges 4 TSLA at $250, opens a position (IM 500), TSLA falls to $200 and the position
    loses 3,000: after liquidation the account has no collateral left and still owes debt."""
    desk = insured.desk
    account = desk.open(owner)
    desk.deposit(account, desk.tsla, 4 * TSLA_UNIT, owner)
    desk.prices(desk.evm.timestamp() + 5)
    desk.evm.send(desk.market.functions.openRisk(account, 0, 0, usd(500), usd(250)), owner)
    desk.prices(desk.evm.timestamp() + 5, tsla=200)
    desk.evm.send(desk.market.functions.setPosition(account, 0, usd(3_000), usd(500), usd(250)), owner)
    return account


def _underwater_wbtc(insured: Insured, owner: str) -> int:
    """The same with 0.02 WBTC at $60,000 falling to $50,000 (an unpermissioned penalty)."""
    desk = insured.desk
    account = desk.open(owner)
    desk.deposit(account, desk.wbtc, 2 * WBTC_UNIT // 100, owner)
    desk.prices(desk.evm.timestamp() + 5)
    desk.evm.send(desk.market.functions.openRisk(account, 0, 0, usd(500), usd(250)), owner)
    desk.prices(desk.evm.timestamp() + 5, btc=50_000)
    desk.evm.send(desk.market.functions.setPosition(account, 0, usd(3_000), usd(500), usd(250)), owner)
    return account


def _liquidate(insured: Insured, account: int, asset: str, liquidator: str) -> None:
    insured.evm.send(insured.desk.vault.functions.liquidate(account, asset, 2**255, 0), liquidator)


# ---- Staking ----


def test_stake__first_deposit__shares_at_the_offset_and_books_match_balance(insured: Insured) -> None:
    staker = insured.stakers[0]
    amount = 1_000 * USDC_UNIT
    receipt = insured.evm.send(insured.pool.functions.stake(amount, staker), staker)
    (event,) = insured.evm.events(receipt, insured.pool, "Staked")
    assert event == {"staker": staker, "receiver": staker, "assets": amount, "shares": amount * VIRTUAL_SHARES}
    assert insured.pool.functions.decimals().call() == 12  # 6 + the offset: one share is worth 1 USDC
    assert insured.pool.functions.balanceOf(staker).call() == amount * VIRTUAL_SHARES
    assert insured.total_assets() == amount
    assert insured.books() == (amount, 0)
    assert insured.usdc_of(insured.pool.address) == amount


def test_stake__zero_or_to_zero_address__refused(insured: Insured) -> None:
    staker = insured.stakers[0]
    with insured.evm.reverts("InsurancePoolZeroAmount"):
        insured.evm.send(insured.pool.functions.stake(0, staker), staker)
    with insured.evm.reverts("InsurancePoolZeroAddress"):
        insured.evm.send(insured.pool.functions.stake(1, ZERO), staker)


# ---- Unstaking: request, delay, claim ----


def test_claim_unstake__after_the_delay__pays_the_value_and_burns_the_shares(insured: Insured) -> None:
    evm, pool, staker = insured.evm, insured.pool, insured.stakers[0]
    shares = insured.stake(staker, 5_000 * USDC_UNIT)
    before = insured.usdc_of(staker)
    receipt = evm.send(pool.functions.requestUnstake(shares), staker)
    (event,) = evm.events(receipt, pool, "UnstakeRequested")
    requested_at = evm.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    assert event["claimableAt"] == requested_at + DEFAULT_UNSTAKE_DELAY
    assert event["assetsAtRequest"] == 5_000 * USDC_UNIT
    # Escrowed: the staker's balance is gone, the pool holds them, they still count in the supply.
    assert pool.functions.balanceOf(staker).call() == 0
    assert pool.functions.escrowedShares().call() == shares == pool.functions.totalSupply().call()

    claim = evm.send_at(pool.functions.claimUnstake(staker), staker, event["claimableAt"], gas=TIMED_GAS)

    (claimed,) = evm.events(claim, pool, "UnstakeClaimed")
    assert claimed == {"staker": staker, "to": staker, "shares": shares, "assets": 5_000 * USDC_UNIT}
    assert insured.usdc_of(staker) == before + 5_000 * USDC_UNIT
    assert pool.functions.totalSupply().call() == 0
    assert insured.books() == (0, 0) and insured.usdc_of(pool.address) == 0


def test_claim_unstake__before_the_delay__refused_with_its_time_and_nothing_moved(insured: Insured) -> None:
    evm, pool, staker = insured.evm, insured.pool, insured.stakers[0]
    shares = insured.stake(staker, 5_000 * USDC_UNIT)
    receipt = evm.send(pool.functions.requestUnstake(shares), staker)
    claimable_at = evm.events(receipt, pool, "UnstakeRequested")[0]["claimableAt"]
    usdc_before, pool_usdc = insured.usdc_of(staker), insured.usdc_of(pool.address)

    with evm.reverts("InsurancePoolClaimTooEarly", staker, claimable_at, claimable_at - 1):
        evm.send_at(pool.functions.claimUnstake(staker), staker, claimable_at - 1, gas=TIMED_GAS)

    assert (insured.usdc_of(staker), insured.usdc_of(pool.address)) == (usdc_before, pool_usdc)
    assert pool.functions.escrowedShares().call() == shares
    assert tuple(pool.functions.requestOf(staker).call()[0]) == (shares, 5_000 * USDC_UNIT, claimable_at)


def test_claim_unstake__loss_during_the_delay__pays_the_lower_value(insured: Insured) -> None:
    evm, pool = insured.evm, insured.pool
    leaver, stayer = insured.stakers
    shares = insured.stake(leaver, 6_000 * USDC_UNIT)
    insured.stake(stayer, 4_000 * USDC_UNIT)
    claimable_at = evm.events(evm.send(pool.functions.requestUnstake(shares), leaver), pool, "UnstakeRequested")[0][
        "claimableAt"
    ]
    # A known loss arrives during the delay: the leaver's escrowed shares bear their part of it.
    evm.send(pool.functions.cover(1_000 * USDC_UNIT, b"\x01" * 32), insured.claimant)
    supply = pool.functions.totalSupply().call()
    expected = claim_value(shares, 6_000 * USDC_UNIT, 9_000 * USDC_UNIT, supply)
    assert expected == 5_400 * USDC_UNIT  # 60% of 9,000 (rounded down, in the pool's favour)

    before = insured.usdc_of(leaver)
    evm.send_at(pool.functions.claimUnstake(leaver), leaver, claimable_at, gas=TIMED_GAS)

    assert insured.usdc_of(leaver) == before + expected
    assert insured.total_assets() == 9_000 * USDC_UNIT - expected


def test_claim_unstake__gain_during_the_delay__pays_the_value_at_request_gain_stays(insured: Insured) -> None:
    evm, pool = insured.evm, insured.pool
    leaver, stayer = insured.stakers
    shares = insured.stake(leaver, 6_000 * USDC_UNIT)
    stayer_shares = insured.stake(stayer, 4_000 * USDC_UNIT)
    claimable_at = evm.events(evm.send(pool.functions.requestUnstake(shares), leaver), pool, "UnstakeRequested")[0][
        "claimableAt"
    ]
    evm.send(pool.functions.fund(1_000 * USDC_UNIT), insured.attacker)  # income during the delay

    before = insured.usdc_of(leaver)
    evm.send_at(pool.functions.claimUnstake(leaver), leaver, claimable_at, gas=TIMED_GAS)

    assert insured.usdc_of(leaver) == before + 6_000 * USDC_UNIT  # nothing extra
    # The stayer takes the whole income (less the virtual shares' sliver).
    assert pool.functions.convertToAssets(stayer_shares).call() == assets_for(
        stayer_shares, 5_000 * USDC_UNIT, stayer_shares
    )
    assert pool.functions.convertToAssets(stayer_shares).call() > 4_999 * USDC_UNIT


def test_cancel_unstake__after_a_gain__gets_back_only_the_value_at_request(insured: Insured) -> None:
    evm, pool = insured.evm, insured.pool
    leaver, stayer = insured.stakers
    shares = insured.stake(leaver, 6_000 * USDC_UNIT)
    insured.stake(stayer, 4_000 * USDC_UNIT)
    evm.send(pool.functions.requestUnstake(shares), leaver)
    evm.send(pool.functions.fund(2_000 * USDC_UNIT), insured.attacker)
    supply = pool.functions.totalSupply().call()
    kept = shares_kept(shares, 6_000 * USDC_UNIT, 12_000 * USDC_UNIT, supply)

    receipt = evm.send(pool.functions.cancelUnstake(), leaver)

    assert evm.events(receipt, pool, "UnstakeCancelled") == [
        {"staker": leaver, "returned": kept, "forfeited": shares - kept}
    ]
    assert pool.functions.balanceOf(leaver).call() == kept
    assert 5_999 * USDC_UNIT < pool.functions.convertToAssets(kept).call() <= 6_000 * USDC_UNIT
    assert pool.functions.escrowedShares().call() == 0


def test_request_unstake__second_request_or_more_than_held__refused(insured: Insured) -> None:
    evm, pool, staker = insured.evm, insured.pool, insured.stakers[0]
    shares = insured.stake(staker, 1_000 * USDC_UNIT)
    with evm.reverts("InsurancePoolInsufficientShares", staker, shares, shares + 1):
        evm.send(pool.functions.requestUnstake(shares + 1), staker)
    claimable_at = evm.events(evm.send(pool.functions.requestUnstake(shares // 2), staker), pool, "UnstakeRequested")[
        0
    ]["claimableAt"]
    with evm.reverts("InsurancePoolRequestPending", staker, shares // 2, claimable_at):
        evm.send(pool.functions.requestUnstake(1), staker)
    with evm.reverts("InsurancePoolNoRequest", insured.stakers[1]):
        evm.send(pool.functions.claimUnstake(insured.stakers[1]), insured.stakers[1])


def test_transfer__shares_to_the_pool_itself__refused(insured: Insured) -> None:
    staker = insured.stakers[0]
    insured.stake(staker, 1_000 * USDC_UNIT)
    with insured.evm.reverts("InsurancePoolSharesToPool"):
        insured.evm.send(insured.pool.functions.transfer(insured.pool.address, 1), staker)


def test_set_unstake_delay__applies_to_new_requests_only_and_bounded(insured: Insured) -> None:
    evm, pool, admin = insured.evm, insured.pool, insured.admin
    first, second = insured.stakers
    shares = insured.stake(first, 1_000 * USDC_UNIT)
    insured.stake(second, 1_000 * USDC_UNIT)
    old = evm.events(evm.send(pool.functions.requestUnstake(shares), first), pool, "UnstakeRequested")[0]
    for bad in (MIN_UNSTAKE_DELAY - 1, MAX_UNSTAKE_DELAY + 1):
        with evm.reverts("InsurancePoolUnstakeDelayInvalid", bad, MIN_UNSTAKE_DELAY, MAX_UNSTAKE_DELAY):
            evm.send(pool.functions.setUnstakeDelay(bad), admin)
    with evm.reverts("AccessManagedUnauthorized", first):
        evm.send(pool.functions.setUnstakeDelay(2 * DAY), first)
    receipt = evm.send(pool.functions.setUnstakeDelay(2 * DAY), admin)
    assert evm.events(receipt, pool, "UnstakeDelaySet") == [{"delay": 2 * DAY}]
    new = evm.send(pool.functions.requestUnstake(shares), second)
    at = evm.w3.eth.get_block(new["blockNumber"])["timestamp"]
    assert evm.events(new, pool, "UnstakeRequested")[0]["claimableAt"] == at + 2 * DAY
    assert pool.functions.requestOf(first).call()[0][2] == old["claimableAt"]  # unchanged


# ---- Inflation and donations ----


@pytest.mark.parametrize("route", ["fund", "vault_credit"])
def test_first_depositor_inflation__donation_before_a_victim__attacker_loses_half_victim_a_sliver(
    insured: Insured, route: str
) -> None:
    """The attacker stakes 1 raw unit, donates 10,000 USDC (to the pool's books or its vault credit), then a
    victim stakes 10,000 USDC. The virtual shares take their part of the donation: the attacker's stake is
    worth about 5,000 USDC (a loss of ~5,000), the victim's loses 0.0025 USDC."""
    evm, pool, attacker, victim = insured.evm, insured.pool, insured.attacker, insured.stakers[0]
    donation, deposit = 10_000 * USDC_UNIT, 10_000 * USDC_UNIT
    attacker_shares = insured.stake(attacker, 1)
    assert attacker_shares == VIRTUAL_SHARES
    if route == "fund":
        evm.send(pool.functions.fund(donation), attacker)
    else:
        evm.send(insured.desk.vault.functions.fundCredit(pool.address, donation), attacker)
    assert insured.total_assets() == donation + 1

    victim_shares = insured.stake(victim, deposit)

    assert victim_shares == shares_for(deposit, donation + 1, attacker_shares) == 1_999_999
    total, supply = donation + 1 + deposit, attacker_shares + victim_shares
    attacker_value = pool.functions.convertToAssets(attacker_shares).call()
    victim_value = pool.functions.convertToAssets(victim_shares).call()
    assert attacker_value == assets_for(attacker_shares, total, supply) == 5_000_001_250
    assert victim_value == assets_for(victim_shares, total, supply) == 9_999_997_500
    attacker_loss = donation + 1 - attacker_value
    assert attacker_loss == 4_999_998_751  # ~5,000 USDC lost to make the victim lose 0.0025
    assert deposit - victim_value == 2_500
    # What the attacker can actually take out: the same (claimed at its value, rounded down).
    receipt = evm.send(pool.functions.requestUnstake(attacker_shares), attacker)
    claimable_at = evm.events(receipt, pool, "UnstakeRequested")[0]["claimableAt"]
    before = insured.usdc_of(attacker)
    evm.send_at(pool.functions.claimUnstake(attacker), attacker, claimable_at, gas=TIMED_GAS)
    assert insured.usdc_of(attacker) - before == attacker_value


def test_donation__plain_transfer__not_on_the_books_share_price_unchanged(insured: Insured) -> None:
    evm, pool, attacker, victim = insured.evm, insured.pool, insured.attacker, insured.stakers[0]
    insured.stake(attacker, 1)
    evm.send(insured.desk.usdc.functions.transfer(pool.address, 10_000 * USDC_UNIT), attacker)
    assert insured.total_assets() == 1
    assert insured.books() == (1, 0)

    shares = insured.stake(victim, 10_000 * USDC_UNIT)

    assert shares == shares_for(10_000 * USDC_UNIT, 1, VIRTUAL_SHARES) == 10_000 * USDC_UNIT * VIRTUAL_SHARES
    assert pool.functions.convertToAssets(shares).call() == 10_000 * USDC_UNIT
    assert insured.usdc_of(pool.address) == insured.books()[0] + 10_000 * USDC_UNIT  # the gift sits outside


# ---- Draws: who may, how much ----


def test_on_bad_debt__not_the_vault__refused(insured: Insured, holders: Actors) -> None:
    alice = holders.alice.wallet
    with insured.evm.reverts("InsurancePoolNotVault", alice):
        insured.evm.send(insured.pool.functions.onBadDebt(1, insured.desk.usdc.address, 1), alice)


def test_cover__registered_claimant__pays_into_the_counterparty_credit_at_once(insured: Insured) -> None:
    evm, pool, lp = insured.evm, insured.pool, insured.desk.lp
    insured.stake(insured.stakers[0], 10_000 * USDC_UNIT)
    credit_before = insured.credit_of(lp)
    cause = b"\x07" * 32

    receipt = evm.send(pool.functions.cover(2_000 * USDC_UNIT, cause), insured.claimant)

    (event,) = evm.events(receipt, pool, "LossCovered")
    assert (event["reporter"], event["cause"], event["accountId"]) == (insured.claimant, cause, 0)
    assert (event["requested"], event["paid"], event["cap"], event["free"]) == (
        2_000 * USDC_UNIT,
        2_000 * USDC_UNIT,
        10_000 * USDC_UNIT,
        10_000 * USDC_UNIT,
    )
    assert evm.events(receipt, pool, "OwedPaid") == [{"counterparty": lp, "amount": 2_000 * USDC_UNIT}]
    assert insured.credit_of(lp) == credit_before + 2_000 * USDC_UNIT
    assert insured.books() == (8_000 * USDC_UNIT, 0)
    assert insured.usdc_of(pool.address) == 8_000 * USDC_UNIT


def test_cover__not_a_claimant_or_revoked__refused(insured: Insured) -> None:
    evm, pool = insured.evm, insured.pool
    stranger = insured.stakers[0]
    with evm.reverts("InsurancePoolNotClaimant", stranger):
        evm.send(pool.functions.cover(1, b"\x00" * 32), stranger)
    with evm.reverts("AccessManagedUnauthorized", stranger):
        evm.send(pool.functions.setClaimant(stranger, True), stranger)
    receipt = evm.send(pool.functions.setClaimant(insured.claimant, False), insured.admin)
    assert evm.events(receipt, pool, "ClaimantSet") == [{"claimant": insured.claimant, "allowed": False}]
    with evm.reverts("InsurancePoolNotClaimant", insured.claimant):
        evm.send(pool.functions.cover(1, b"\x00" * 32), insured.claimant)


def test_set_draw_cap__above_100_percent_or_without_role__refused(insured: Insured) -> None:
    evm, pool = insured.evm, insured.pool
    with evm.reverts("InsurancePoolDrawCapInvalid", 10_001):
        evm.send(pool.functions.setDrawCap(10_001, 0), insured.admin)
    with evm.reverts("AccessManagedUnauthorized", insured.claimant):
        evm.send(pool.functions.setDrawCap(100, 0), insured.claimant)
    receipt = evm.send(pool.functions.setDrawCap(500, 7 * USDC_UNIT), insured.admin)
    assert evm.events(receipt, pool, "DrawCapSet") == [{"maxDrawBps": 500, "maxDrawAmount": 7 * USDC_UNIT}]
    assert pool.functions.settings().call() == [DEFAULT_UNSTAKE_DELAY, 500, 7 * USDC_UNIT]


# ---- The waterfall end to end: liquidation, write-off, insurance, then the counterparty ----


def test_write_off_bad_debt__pool_is_the_absorber__counterparty_credit_restored_by_the_cover(
    insured: Insured, holders: Actors
) -> None:
    evm, desk, pool, lp = insured.evm, insured.desk, insured.pool, insured.desk.lp
    alice, bob = holders.alice.wallet, holders.bob.wallet
    staker = insured.stakers[0]
    shares = insured.stake(staker, 10_000 * USDC_UNIT)
    account = _underwater_tsla(insured, alice)
    _liquidate(insured, account, desk.tsla.address, bob)
    insurance_account = desk.vault.functions.wiring().call()[4]
    penalty = desk.balance(insurance_account, desk.tsla)
    assert penalty > 0  # the penalty's remainder: TSLA in the pool's vault account...
    assert insured.total_assets() == 10_000 * USDC_UNIT  # ...counted at zero
    debt = desk.vault.functions.debtOf(account).call()
    assert 0 < debt < 10_000 * USDC_UNIT
    credit_before, receivable_before = insured.credit_of(lp), desk.vault.functions.totalDebt().call()

    receipt = evm.send(desk.vault.functions.writeOffBadDebt(account), bob)

    (written,) = evm.events(receipt, desk.vault, "BadDebtWrittenOff")
    assert (written["amount"], written["absorber"], written["absorbed"]) == (debt, pool.address, True)
    (covered,) = evm.events(receipt, pool, "LossCovered")
    assert (covered["reporter"], covered["cause"], covered["accountId"], covered["asset"]) == (
        desk.vault.address,
        BAD_DEBT_CAUSE,
        account,
        desk.usdc.address,
    )
    assert (covered["requested"], covered["paid"], covered["counterparty"]) == (debt, debt, lp)
    # The vault tells the absorber once its lock is released: the cover is paid in the same transaction.
    assert evm.events(receipt, pool, "CoverDeferred") == []
    assert insured.credit_of(lp) == credit_before + debt  # the receivable lost, restored in full
    assert desk.vault.functions.totalDebt().call() == receivable_before - debt
    assert insured.books() == (10_000 * USDC_UNIT - debt, 0)
    assert insured.usdc_of(pool.address) == 10_000 * USDC_UNIT - debt
    assert pool.functions.convertToAssets(shares).call() == assets_for(shares, 10_000 * USDC_UNIT - debt, shares)


@pytest.mark.parametrize(
    ("max_bps", "max_amount", "cap"),
    [(1_000, MAX_U128, 1_000 * USDC_UNIT), (10_000, 700 * USDC_UNIT, 700 * USDC_UNIT)],
    ids=["bps_cap", "absolute_cap"],
)
def test_write_off_bad_debt__larger_than_the_cap__insurance_pays_the_cap_counterparty_bears_the_rest(
    insured: Insured, holders: Actors, max_bps: int, max_amount: int, cap: int
) -> None:
    evm, desk, pool, lp = insured.evm, insured.desk, insured.pool, insured.desk.lp
    alice, bob = holders.alice.wallet, holders.bob.wallet
    insured.stake(insured.stakers[0], 10_000 * USDC_UNIT)
    evm.send(pool.functions.setDrawCap(max_bps, max_amount), insured.admin)
    assert pool.functions.drawCap().call() == cap
    account = _underwater_tsla(insured, alice)
    _liquidate(insured, account, desk.tsla.address, bob)
    debt = desk.vault.functions.debtOf(account).call()
    assert debt > cap
    lp_side_before = insured.credit_of(lp) + desk.vault.functions.totalDebt().call()

    receipt = evm.send(desk.vault.functions.writeOffBadDebt(account), bob)
    evm.send(pool.functions.payOwed(), bob)

    (covered,) = evm.events(receipt, pool, "LossCovered")
    assert (covered["requested"], covered["paid"], covered["cap"]) == (debt, cap, cap)
    assert insured.total_assets() == 10_000 * USDC_UNIT - cap
    # The counterparty's side (its credit + its receivable) falls only by what insurance did not cover.
    assert insured.credit_of(lp) + desk.vault.functions.totalDebt().call() == lp_side_before - (debt - cap)


def test_write_off_bad_debt__insurance_exhausted__pays_what_it_has_then_nothing(
    insured: Insured, holders: Actors
) -> None:
    evm, desk, pool, lp = insured.evm, insured.desk, insured.pool, insured.desk.lp
    alice, bob = holders.alice.wallet, holders.bob.wallet
    staker = insured.stakers[0]
    insured.stake(staker, 500 * USDC_UNIT)
    first, second = _underwater_tsla(insured, alice), _underwater_tsla(insured, alice)
    for account in (first, second):
        _liquidate(insured, account, desk.tsla.address, bob)
    debts = [desk.vault.functions.debtOf(a).call() for a in (first, second)]
    credit_before = insured.credit_of(lp)

    receipts = [evm.send(desk.vault.functions.writeOffBadDebt(a), bob) for a in (first, second)]
    evm.send(pool.functions.payOwed(), bob)

    (one,), (two,) = (evm.events(r, pool, "LossCovered") for r in receipts)
    assert (one["requested"], one["paid"], one["free"]) == (debts[0], 500 * USDC_UNIT, 500 * USDC_UNIT)
    assert (two["requested"], two["paid"], two["free"]) == (debts[1], 0, 0)
    assert insured.credit_of(lp) == credit_before + 500 * USDC_UNIT
    assert insured.total_assets() == 0
    # The staker's claim is worth nothing now.
    request = evm.send(pool.functions.requestUnstake(pool.functions.balanceOf(staker).call()), staker)
    assert evm.events(request, pool, "UnstakeRequested")[0]["assetsAtRequest"] == 0


def test_on_bad_debt__vault_without_counterparty__pays_nothing_and_says_so(insured: Insured) -> None:
    evm, desk = insured.evm, insured.desk
    bare = deploy_margin_vault(evm, desk.admin, desk.oracle.address, desk.usdc.address)
    pool = deploy_insurance_pool(evm, desk.admin, bare.address)
    staker = insured.stakers[0]
    evm.send(desk.usdc.functions.approve(pool.address, 2**256 - 1), staker)
    evm.send(pool.functions.stake(1_000 * USDC_UNIT, staker), staker)
    evm.w3.provider.make_request("anvil_impersonateAccount", [bare.address])  # type: ignore[arg-type]
    evm.w3.provider.make_request("anvil_setBalance", [bare.address, hex(10**18)])  # type: ignore[arg-type]

    receipt = evm.send(pool.functions.onBadDebt(9, desk.usdc.address, 400 * USDC_UNIT), bare.address)

    (covered,) = evm.events(receipt, pool, "LossCovered")
    assert (covered["accountId"], covered["requested"], covered["paid"], covered["counterparty"]) == (
        9,
        400 * USDC_UNIT,
        0,
        ZERO,
    )
    assert pool.functions.totalAssets().call() == 1_000 * USDC_UNIT
    assert pool.functions.books().call() == [1_000 * USDC_UNIT, 0]
    with evm.reverts("InsurancePoolSettlementMismatch", desk.wbtc.address, desk.usdc.address):
        evm.send(pool.functions.onBadDebt(9, desk.wbtc.address, 1), bare.address)


# ---- Income: fees and penalties ----


def test_fees__charged_to_the_pool__count_at_once_and_collect_moves_them_to_the_books(
    insured: Insured, holders: Actors
) -> None:
    evm, desk, pool = insured.evm, insured.desk, insured.pool
    alice = holders.alice.wallet
    shares = insured.stake(insured.stakers[0], 1_000 * USDC_UNIT)
    account = desk.open(alice)
    desk.deposit(account, desk.usdc, 500 * USDC_UNIT, alice)
    evm.send(desk.market.functions.enter(account), alice)
    evm.send(desk.market.functions.realize(account, 0, 30 * USDC_UNIT, pool.address), alice)
    assert insured.credit_of(pool.address) == 30 * USDC_UNIT
    assert insured.total_assets() == 1_030 * USDC_UNIT
    assert pool.functions.convertToAssets(shares).call() == assets_for(shares, 1_030 * USDC_UNIT, shares)

    receipt = evm.send(pool.functions.collect(), insured.claimant)

    assert evm.events(receipt, pool, "Collected") == [{"credit": 30 * USDC_UNIT, "cash": 0}]
    assert insured.credit_of(pool.address) == 0
    assert insured.books() == (1_030 * USDC_UNIT, 0) and insured.usdc_of(pool.address) == 1_030 * USDC_UNIT
    assert insured.total_assets() == 1_030 * USDC_UNIT


def test_release_collateral__wbtc_penalty__treasury_sends_it_to_a_seller(insured: Insured, holders: Actors) -> None:
    evm, desk, pool = insured.evm, insured.desk, insured.pool
    insured.stake(insured.stakers[0], 1_000 * USDC_UNIT)
    account = _underwater_wbtc(insured, holders.alice.wallet)
    _liquidate(insured, account, desk.wbtc.address, insured.claimant)
    insurance_account = desk.vault.functions.wiring().call()[4]
    penalty = desk.balance(insurance_account, desk.wbtc)
    assert penalty > 0 and insured.total_assets() == 1_000 * USDC_UNIT
    with evm.reverts("AccessManagedUnauthorized", insured.claimant):
        evm.send(pool.functions.releaseCollateral(desk.wbtc.address, penalty, insured.treasury), insured.claimant)
    with evm.reverts("InsurancePoolSettlementAsset", desk.usdc.address):
        evm.send(pool.functions.releaseCollateral(desk.usdc.address, 1, insured.treasury), insured.admin)

    receipt = evm.send(pool.functions.releaseCollateral(desk.wbtc.address, penalty, insured.treasury), insured.admin)

    assert evm.events(receipt, pool, "CollateralReleased") == [
        {"asset": desk.wbtc.address, "to": insured.treasury, "amount": penalty}
    ]
    assert desk.wbtc.functions.balanceOf(insured.treasury).call() == penalty
    assert desk.balance(insurance_account, desk.wbtc) == 0


def test_release_collateral__stock_penalty_pool_not_verified__refused_and_it_stays(
    insured: Insured, holders: Actors
) -> None:
    """A stock-token penalty leaves only to a wallet the token accepts, through the pool: an unverified
    pool keeps it in its vault account (counted at zero) until the issuer registers it."""
    evm, desk, pool = insured.evm, insured.desk, insured.pool
    account = _underwater_tsla(insured, holders.alice.wallet)
    _liquidate(insured, account, desk.tsla.address, holders.bob.wallet)
    insurance_account = desk.vault.functions.wiring().call()[4]
    penalty = desk.balance(insurance_account, desk.tsla)

    with evm.reverts("MarginVaultNotVerified", desk.tsla.address, pool.address):
        evm.send(pool.functions.releaseCollateral(desk.tsla.address, penalty, holders.bob.wallet), insured.admin)

    assert desk.balance(insurance_account, desk.tsla) == penalty
    assert desk.tsla.functions.balanceOf(pool.address).call() == 0


# ---- Proxy ----


def test_upgrade__upgrader_to_a_new_implementation__books_and_shares_kept_initialize_refused(
    insured: Insured,
) -> None:
    evm, pool, staker = insured.evm, insured.pool, insured.stakers[0]
    shares = insured.stake(staker, 1_000 * USDC_UNIT)
    args = (insured.admin, insured.desk.vault.address, "x", "X", 1, 1)
    with evm.reverts("InvalidInitialization"):
        evm.send(pool.functions.initialize(*args), insured.admin)
    successor = evm.deploy("InsurancePool", sender=insured.admin)
    with evm.reverts("InvalidInitialization"):  # an implementation is never initialised itself
        evm.send(successor.functions.initialize(*args), insured.admin)
    with evm.reverts("AccessManagedUnauthorized", staker):
        evm.send(pool.functions.upgradeToAndCall(successor.address, b""), staker)

    receipt = evm.send(pool.functions.upgradeToAndCall(successor.address, b""), insured.admin)

    assert evm.events(receipt, pool, "Upgraded") == [{"implementation": successor.address}]
    assert pool.functions.balanceOf(staker).call() == shares
    assert insured.total_assets() == 1_000 * USDC_UNIT and insured.books() == (1_000 * USDC_UNIT, 0)
    assert pool.functions.vault().call() == insured.desk.vault.address
