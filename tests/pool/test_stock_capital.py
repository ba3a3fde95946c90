"""StockCapital: deposits and withdrawals in kind, refusals, non-transferable shares, valuation, results, lock."""

from __future__ import annotations

import pytest
from web3.exceptions import ContractLogicError

from dualtrack.corporate import DAY, ActionKind, announce
from dualtrack.keepers.reporter import Multipliers
from dualtrack.market import MarketStatus
from dualtrack.oracle import ONE
from dualtrack.stock_capital import (
    VIRTUAL_SHARES,
    book_part,
    collectable_tranches,
    deposit,
    pending_income_of,
    redeem,
    shares_for_deposit,
    tokens_for_deficit,
)
from tests.margin.conftest import TSLA_FEED, TSLA_PRICE, TSLA_UNIT, usd
from tests.pool.stock_capital_fixtures import SecondStock, StockDesk
from tests.suite_fixtures import Actors, KycIssuer

DEPOSIT_GAS_TARGET = 160_000
WITHDRAW_GAS_TARGET = 180_000
USDC_SCALE = 10**12  # 18-decimal USD per raw USDC unit


# ---- Deposits and withdrawals ----


def test_deposit__verified_holder__shares_at_the_virtual_offset_and_tokens_booked(
    stock_desk: StockDesk, holders: Actors
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd = stock_desk
    first = sd.deposit(alice, 10 * TSLA_UNIT)
    second = sd.deposit(bob, 30 * TSLA_UNIT)
    again = sd.deposit(alice, 5 * TSLA_UNIT)

    assert sd.shares(alice) == 15 * TSLA_UNIT * VIRTUAL_SHARES
    assert sd.shares(bob) == shares_for_deposit(30 * TSLA_UNIT, 10 * TSLA_UNIT, 10 * TSLA_UNIT * 1_000, 0, 0, 18)
    assert sd.tranche()[0] == 45 * TSLA_UNIT
    assert sd.tsla_of(sd.capital.address) == 45 * TSLA_UNIT
    (event,) = sd.evm.events(first, sd.capital, "Deposited")
    assert (event["lp"], event["amount"], event["shares"]) == (alice, 10 * TSLA_UNIT, 10 * TSLA_UNIT * 1_000)
    gas = {"first": first["gasUsed"], "new_lp": second["gasUsed"], "again": again["gasUsed"]}
    print(f"\nstock_capital.deposit gas: {gas}")
    # The target is a deposit into an existing position (as margin.deposit_stock); a new LP also creates its
    # position slot and its dividend checkpoint, the tranche's very first deposit its books.
    assert gas["again"] <= DEPOSIT_GAS_TARGET
    assert gas["new_lp"] <= DEPOSIT_GAS_TARGET + 40_000


def test_withdraw__whole_position__tokens_back_in_kind(stock_desk: StockDesk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd = stock_desk
    sd.deposit(alice, 10 * TSLA_UNIT)
    sd.deposit(bob, 30 * TSLA_UNIT)
    before = sd.tsla_of(alice)

    partial = sd.withdraw(alice, sd.shares(alice) // 2)
    receipt = sd.withdraw(alice, sd.shares(alice))

    assert sd.tsla_of(alice) == before + 10 * TSLA_UNIT
    assert sd.shares(alice) == 0
    assert sd.tranche()[0] == 30 * TSLA_UNIT
    (event,) = sd.evm.events(receipt, sd.capital, "Withdrawn")
    assert (event["tokensOut"], event["stablePaid"], event["tokensKept"]) == (5 * TSLA_UNIT, 0, 0)
    gas = {"partial": partial["gasUsed"], "last": receipt["gasUsed"]}
    print(f"\nstock_capital.withdraw gas: {gas}")
    assert gas["partial"] <= WITHDRAW_GAS_TARGET


def test_deposit__unverified_wallet__refused_nothing_moved(
    stock_desk: StockDesk, holders: Actors, kyc: KycIssuer, stranger: str
) -> None:
    sd = stock_desk
    alice = holders.alice.wallet
    kyc.revoke(sd.evm, holders.alice)  # alice holds TSLA but is no longer verified
    sd.evm.send(sd.tsla.functions.approve(sd.capital.address, TSLA_UNIT), alice)
    before = sd.tsla_of(alice)
    with sd.evm.reverts("StockCapitalNotVerified", sd.tsla.address, alice):
        sd.evm.send(sd.capital.functions.deposit(sd.tsla.address, TSLA_UNIT), alice)
    with sd.evm.reverts("StockCapitalNotVerified", sd.tsla.address, stranger):
        sd.evm.send(sd.capital.functions.deposit(sd.tsla.address, TSLA_UNIT), stranger)
    assert sd.tsla_of(alice) == before
    assert sd.tranche() == (0, 0, 0)


def test_deposit__frozen_wallet__refused_nothing_moved(stock_desk: StockDesk, holders: Actors, agent: str) -> None:
    sd = stock_desk
    alice = holders.alice.wallet
    sd.evm.send(sd.tsla.functions.setAddressFrozen(alice, True), agent)
    sd.evm.send(sd.tsla.functions.approve(sd.capital.address, TSLA_UNIT), alice)
    with sd.evm.reverts("StockCapitalWalletFrozen", sd.tsla.address, alice):
        sd.evm.send(sd.capital.functions.deposit(sd.tsla.address, TSLA_UNIT), alice)
    assert sd.tsla_of(alice) == 100 * TSLA_UNIT
    assert sd.tranche() == (0, 0, 0)


def test_withdraw__frozen_or_unverified_wallet__refused_nothing_moved(
    stock_desk: StockDesk, holders: Actors, agent: str, kyc: KycIssuer
) -> None:
    sd = stock_desk
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    sd.deposit(bob, 10 * TSLA_UNIT)
    sd.evm.send(sd.tsla.functions.setAddressFrozen(alice, True), agent)
    kyc.revoke(sd.evm, holders.bob)
    alice_shares, bob_shares = sd.shares(alice), sd.shares(bob)

    with sd.evm.reverts("StockCapitalWalletFrozen", sd.tsla.address, alice):
        sd.withdraw(alice, alice_shares)
    with sd.evm.reverts("StockCapitalNotVerified", sd.tsla.address, bob):
        sd.withdraw(bob, bob_shares)

    assert (sd.shares(alice), sd.shares(bob)) == (alice_shares, bob_shares)
    assert sd.tranche()[0] == sd.tsla_of(sd.capital.address) == 20 * TSLA_UNIT
    assert (sd.tsla_of(alice), sd.tsla_of(bob)) == (90 * TSLA_UNIT, 90 * TSLA_UNIT)


def test_deposit__not_listed_or_paused__refused(stock_desk: StockDesk, holders: Actors) -> None:
    sd = stock_desk
    alice = holders.alice.wallet
    with sd.evm.reverts("StockCapitalStockNotListed", sd.usdc.address):
        sd.evm.send(sd.capital.functions.deposit(sd.usdc.address, 1), alice)
    sd.evm.send(sd.capital.functions.setDepositsPaused(sd.tsla.address, True), sd.admin)
    with sd.evm.reverts("StockCapitalDepositsPaused", sd.tsla.address):
        sd.deposit(alice, TSLA_UNIT)


def test_withdraw__deposit_locked__refused_until_the_lock_ends(stock_desk: StockDesk, holders: Actors) -> None:
    sd = stock_desk
    alice = holders.alice.wallet
    sd.evm.send(sd.capital.functions.setLockPeriod(DAY), sd.admin)
    sd.deposit(alice, 10 * TSLA_UNIT)
    unlock_at = sd.capital.functions.positionOf(sd.tsla.address, alice).call()[2]
    with sd.evm.reverts("StockCapitalLocked", sd.tsla.address, alice, unlock_at):
        sd.withdraw(alice, 1)
    sd.evm.mine(unlock_at)
    sd.withdraw(alice, sd.shares(alice))
    assert sd.tsla_of(alice) == 100 * TSLA_UNIT


# ---- Shares cannot move ----


def test_share_transfer__any_wallet__no_transfer_function_and_erc20_calls_refused(
    stock_desk: StockDesk, holders: Actors
) -> None:
    sd = stock_desk
    alice, carol = holders.alice.wallet, holders.carol.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    names = {entry.get("name") for entry in sd.capital.abi if entry.get("type") == "function"}
    assert not names & {"transfer", "transferFrom", "approve", "safeTransferFrom", "setApprovalForAll"}
    for call in (
        sd.tsla.functions.transfer(carol, 1),  # the ERC-20 selectors, sent to StockCapital
        sd.tsla.functions.transferFrom(alice, carol, 1),
        sd.tsla.functions.approve(carol, 1),
    ):
        data = call._encode_transaction_data()
        with pytest.raises(ContractLogicError):
            sd.evm.w3.eth.call({"from": alice, "to": sd.capital.address, "data": data})  # type: ignore[typeddict-item]
    assert (sd.shares(alice), sd.shares(carol)) == (10 * TSLA_UNIT * VIRTUAL_SHARES, 0)


# ---- Valuation ----


def test_capital_value__open_closed_paused__haircuts_limit_risk_fair_value_unchanged(
    stock_desk: StockDesk, holders: Actors, agent: str
) -> None:
    sd = stock_desk
    sd.deposit(holders.alice.wallet, 10 * TSLA_UNIT)
    fair = usd(10 * TSLA_PRICE)
    sd.desk.prices(sd.evm.timestamp() + 5)
    assert tuple(sd.capital.functions.capitalValue().call()) == (fair, usd(10 * TSLA_PRICE * 0.6))
    sd.desk.prices(sd.evm.timestamp() + 5, status=MarketStatus.CLOSED)
    assert tuple(sd.capital.functions.capitalValue().call()) == (fair, usd(10 * TSLA_PRICE * 0.3))
    sd.desk.prices(sd.evm.timestamp() + 5, status=MarketStatus.HALTED)
    assert tuple(sd.capital.functions.capitalValue().call()) == (fair, usd(10 * TSLA_PRICE * 0.3))
    sd.evm.send(sd.tsla.functions.pause(), agent)
    sd.desk.prices(sd.evm.timestamp() + 5)
    assert tuple(sd.capital.functions.capitalValue().call()) == (fair, 0)


def test_weekend_deposit_monday_withdrawal__haircut_released__nothing_gained(
    stock_desk: StockDesk, holders: Actors
) -> None:
    sd = stock_desk
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 40 * TSLA_UNIT)
    sd.desk.prices(sd.evm.timestamp() + 5)
    sd.book(usd(1_000))  # the tranche has a gain on its books
    friday = sd.evm.timestamp() + 5
    sd.desk.prices(friday, status=MarketStatus.CLOSED)
    sd.deposit(bob, 10 * TSLA_UNIT)
    bob_value = sd.capital.functions.positionValue(sd.tsla.address, bob).call()
    weekend_risk = sd.capital.functions.capitalValue().call()[1]

    sd.desk.prices(friday + 2 * DAY + 5)  # Monday: the venue reopens at the same price
    assert sd.capital.functions.capitalValue().call()[1] > weekend_risk  # the haircut is released...
    before_tsla, before_usdc = sd.tsla_of(bob), sd.usdc_of(bob)
    sd.withdraw(bob, sd.shares(bob))
    tokens, stable = sd.tsla_of(bob) - before_tsla, sd.usdc_of(bob) - before_usdc

    # ...but shares price at fair value: bob leaves with what he brought (less rounding), no more.
    value_out = tokens * TSLA_PRICE + stable * USDC_SCALE
    assert value_out <= 10 * TSLA_UNIT * TSLA_PRICE
    assert value_out >= 10 * TSLA_UNIT * TSLA_PRICE - usd(0.01)
    assert bob_value <= usd(10 * TSLA_PRICE)


@pytest.mark.parametrize(("numerator", "denominator"), [(10, 1), (1, 10)], ids=["split_10_1", "reverse_1_10"])
def test_split__tranche_with_a_balance__no_share_value_changes(
    stock_desk: StockDesk, holders: Actors, issuer: str, numerator: int, denominator: int
) -> None:
    sd = stock_desk
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 20 * TSLA_UNIT)
    sd.deposit(bob, 5 * TSLA_UNIT)
    t = sd.evm.timestamp() + 10
    t0 = t + 2 * DAY
    kind = ActionKind.SPLIT if numerator > denominator else ActionKind.REVERSE_SPLIT
    announce(sd.evm, sd.desk.handler, sd.tsla, kind, numerator, denominator, t0, sender=issuer)
    ratio = ONE * numerator // denominator
    before, after = Multipliers(ONE, ratio, t0), Multipliers(ratio)
    sd.desk.prices(t, multipliers=before)
    sd.book(-usd(500))
    values = {lp: sd.capital.functions.positionValue(sd.tsla.address, lp).call() for lp in (alice, bob)}
    redeemed = {lp: sd.capital.functions.previewRedeem(sd.tsla.address, sd.shares(lp)).call() for lp in (alice, bob)}

    share_price = TSLA_PRICE * denominator / numerator
    sd.desk.prices(t0 + DAY, tsla=share_price, multipliers=after)
    sd.evm.send(sd.desk.oracle.functions.confirmCorporateAction(TSLA_FEED), sd.desk.submitter)
    sd.desk.prices(t0 + DAY + 60, tsla=share_price, multipliers=after)

    assert sd.tsla.functions.uiMultiplier().call() == ratio
    for lp in (alice, bob):
        assert sd.capital.functions.positionValue(sd.tsla.address, lp).call() == values[lp]
        assert sd.capital.functions.previewRedeem(sd.tsla.address, sd.shares(lp)).call() == redeemed[lp]
    assert sd.tranche()[0] == 25 * TSLA_UNIT  # raw units never move


# ---- Results booked by the pool ----


def test_book_result__gain__income_of_the_holders_collected_through_the_pool(
    stock_desk: StockDesk, holders: Actors
) -> None:
    sd = stock_desk
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    sd.deposit(bob, 30 * TSLA_UNIT)
    sd.desk.prices(sd.evm.timestamp() + 5)
    _, total, balance = sd.tranche()
    index_before = sd.income_index()
    receipt = sd.book(usd(1_000))

    (booked,) = sd.evm.events(receipt, sd.capital, "TrancheResultBooked")
    _, index = book_part(usd(1_000), balance, index_before, total)
    assert (booked["resultUsd"], booked["usdBalance"], booked["incomePerShare"]) == (usd(1_000), 0, index)
    assert sd.tranche()[2] == 0 and sd.income_index() == index
    assert sd.capital.functions.usdBalance().call() == usd(1_000)  # owed until collected
    owed = pending_income_of(sd.shares(alice), index, 0)
    assert sd.pending_income(alice) == owed
    assert usd(250) - 10**6 < owed < usd(250)  # a quarter, less the virtual shares' part and the index's rounding

    # A withdrawal is in kind only: the income stays the position's.
    pool_before, alice_usdc, alice_tsla = sd.usdc_of(sd.pool.address), sd.usdc_of(alice), sd.tsla_of(alice)
    receipt = sd.withdraw(alice, sd.shares(alice))
    (withdrawn,) = sd.evm.events(receipt, sd.capital, "Withdrawn")
    assert (withdrawn["tokensOut"], withdrawn["stablePaid"]) == (10 * TSLA_UNIT, 0)
    assert (sd.usdc_of(alice), sd.tsla_of(alice)) == (alice_usdc, alice_tsla + 10 * TSLA_UNIT)
    assert sd.shares(alice) == 0 and sd.pending_income(alice) == owed

    receipt = sd.collect(alice)
    paid = owed // USDC_SCALE
    (collected,) = sd.evm.events(receipt, sd.capital, "IncomeCollected")
    assert (collected["token"], collected["lp"], collected["paid"]) == (sd.tsla.address, alice, paid)
    assert sd.usdc_of(alice) == alice_usdc + paid
    assert sd.usdc_of(sd.pool.address) == pool_before - paid
    assert sd.pending_income(alice) == owed - paid * USDC_SCALE < USDC_SCALE  # less than a unit stays owed
    assert sd.capital.functions.usdBalance().call() == usd(1_000) - paid * USDC_SCALE
    with sd.evm.reverts("StockCapitalNothingToCollect", sd.tsla.address, alice):
        sd.collect(alice)
    assert sd.pending_income(bob) == pending_income_of(sd.shares(bob), index, 0)
    # What `dualtrack pool claim` collects: the tranches owing at least one USDC unit.
    tranches = {"TSLA": sd.tsla.address}
    assert collectable_tranches(sd.capital, tranches, alice, 6) == []
    assert collectable_tranches(sd.capital, tranches, bob, 6) == ["TSLA"]


def test_deposit__after_a_gain__earns_none_of_it_and_reads_no_price(stock_desk: StockDesk, holders: Actors) -> None:
    sd = stock_desk
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    sd.desk.prices(sd.evm.timestamp() + 5)
    sd.book(usd(500))
    tokens, total, _ = sd.tranche()
    index = sd.income_index()
    alice_owed = sd.pending_income(alice)
    sd.evm.mine(sd.evm.timestamp() + 30 * DAY)  # every price is stale now: a deposit must not need one

    sd.deposit(bob, 30 * TSLA_UNIT)

    assert sd.shares(bob) == shares_for_deposit(30 * TSLA_UNIT, tokens, total, 0, 0, 18)
    assert sd.pending_income(bob) == 0
    assert sd.pending_income(alice) == alice_owed
    with sd.evm.reverts("StockCapitalNothingToCollect", sd.tsla.address, bob):
        sd.collect(bob)
    assert sd.income_index() == index


def test_book_result__gain_after_a_loss__settles_the_deficit_first(stock_desk: StockDesk, holders: Actors) -> None:
    sd = stock_desk
    alice = holders.alice.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    sd.desk.prices(sd.evm.timestamp() + 5)
    sd.book(-usd(300))
    assert sd.tranche()[2] == -usd(300)
    _, total, balance = sd.tranche()

    receipt = sd.book(usd(1_000))

    (booked,) = sd.evm.events(receipt, sd.capital, "TrancheResultBooked")
    after_balance, after_index = book_part(usd(1_000), balance, 0, total)
    assert after_balance == 0 and after_index == usd(700) * 10**18 // (total + VIRTUAL_SHARES)
    assert (booked["usdBalance"], booked["incomePerShare"]) == (after_balance, after_index)
    assert sd.tranche()[2] == 0
    assert sd.pending_income(alice) == pending_income_of(sd.shares(alice), after_index, 0)
    assert sd.capital.functions.usdBalance().call() == usd(700)


def test_book_result__loss__withdrawal_keeps_tokens_for_the_deficit(stock_desk: StockDesk, holders: Actors) -> None:
    sd = stock_desk
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    sd.deposit(bob, 30 * TSLA_UNIT)
    sd.desk.prices(sd.evm.timestamp() + 5)
    sd.book(-usd(1_000))  # $250 of it is alice's: one TSLA at $250
    alice_tsla = sd.tsla_of(alice)
    _, deficit = redeem(sd.shares(alice), *sd.tranche())

    receipt = sd.withdraw(alice, sd.shares(alice))

    (event,) = sd.evm.events(receipt, sd.capital, "Withdrawn")
    print(f"\nstock_capital.withdraw in deficit gas: {receipt['gasUsed']}")
    assert receipt["gasUsed"] <= WITHDRAW_GAS_TARGET
    assert event["stablePaid"] == 0
    assert event["tokensKept"] == tokens_for_deficit(-deficit, usd(TSLA_PRICE), 18) == TSLA_UNIT
    assert sd.tsla_of(alice) == alice_tsla + event["tokensOut"] == alice_tsla + 10 * TSLA_UNIT - event["tokensKept"]
    tokens, _, balance = sd.tranche()
    assert (tokens, balance) == (30 * TSLA_UNIT + event["tokensKept"], -usd(1_000))  # kept for the auction
    # bob's position is worth what it was after the loss: the kept tokens match alice's part of the deficit.
    assert sd.capital.functions.positionValue(sd.tsla.address, bob).call() >= usd(30 * TSLA_PRICE - 750) - 10**6


def test_deposit__after_a_loss__priced_at_fair_value(stock_desk: StockDesk, holders: Actors) -> None:
    sd = stock_desk
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    sd.desk.prices(sd.evm.timestamp() + 5)
    sd.book(-usd(500))  # the tranche is worth 8 TSLA for 10,000 shares per TSLA deposited
    tokens, total, balance = sd.tranche()
    expected = shares_for_deposit(8 * TSLA_UNIT, tokens, total, balance, usd(TSLA_PRICE), 18)
    assert sd.capital.functions.previewDeposit(sd.tsla.address, 8 * TSLA_UNIT).call() == expected
    sd.deposit(bob, 8 * TSLA_UNIT)
    assert sd.shares(bob) == expected
    assert abs(sd.shares(bob) - sd.shares(alice)) <= sd.shares(alice) // 10**15  # same value, same shares


def test_deposit__deficit_beyond_the_tranche__refused_insolvent(stock_desk: StockDesk, holders: Actors) -> None:
    sd = stock_desk
    sd.deposit(holders.alice.wallet, TSLA_UNIT)  # $250
    sd.desk.prices(sd.evm.timestamp() + 5)
    sd.book(-usd(300))
    assert sd.capital.functions.trancheValue(sd.tsla.address).call() == [0, 0]
    with sd.evm.reverts("StockCapitalTrancheInsolvent", sd.tsla.address, -usd(300)):
        sd.deposit(holders.bob.wallet, TSLA_UNIT)


def test_book_result__not_the_pool__refused(stock_desk: StockDesk, holders: Actors) -> None:
    sd = stock_desk
    with sd.evm.reverts("StockCapitalNotPool", holders.alice.wallet):
        sd.evm.send(sd.capital.functions.bookResult(usd(1)), holders.alice.wallet)


def test_book_result__no_risk_capital__refused(stock_desk: StockDesk) -> None:
    with stock_desk.evm.reverts("StockCapitalNoRiskCapital", usd(1)):
        stock_desk.book(usd(1))


# ---- Inflation attack ----


def test_inflation_attack__first_deposit_and_donation__attacker_loses_victim_whole(
    stock_desk: StockDesk, holders: Actors
) -> None:
    sd = stock_desk
    attacker, victim = holders.bob.wallet, holders.alice.wallet
    sd.deposit(attacker, 1)
    sd.evm.send(sd.tsla.functions.transfer(sd.capital.address, 50 * TSLA_UNIT), attacker)  # the donation
    assert sd.tranche()[0] == 1  # a donation is never credited: balance deltas only
    sd.deposit(victim, 10 * TSLA_UNIT)

    victim_before, attacker_before = sd.tsla_of(victim), sd.tsla_of(attacker)
    sd.withdraw(victim, sd.shares(victim))
    sd.withdraw(attacker, sd.shares(attacker))

    assert sd.tsla_of(victim) - victim_before >= 10 * TSLA_UNIT - 1
    assert sd.tsla_of(attacker) - attacker_before <= 1


# ---- Issuer powers ----


def test_set_frozen_and_seize__agent__frozen_part_stays_then_moves_to_the_agents_wallet(
    stock_desk: StockDesk, holders: Actors, agent: str
) -> None:
    sd = stock_desk
    alice, carol = holders.alice.wallet, holders.carol.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    shares = sd.shares(alice)
    with sd.evm.reverts("StockCapitalNotAgent", sd.tsla.address, alice):
        sd.evm.send(sd.capital.functions.setFrozen(sd.tsla.address, alice, shares), alice)
    sd.evm.send(sd.capital.functions.setFrozen(sd.tsla.address, alice, shares * 6 // 10), agent)
    with sd.evm.reverts("StockCapitalInsufficientShares", sd.tsla.address, alice, shares * 4 // 10, shares // 2):
        sd.withdraw(alice, shares // 2)
    sd.withdraw(alice, shares * 4 // 10)

    receipt = sd.evm.send(sd.capital.functions.seize(sd.tsla.address, alice, shares * 6 // 10, carol), agent)

    assert sd.evm.events(receipt, sd.capital, "PositionSeized")[0]["to"] == carol
    assert sd.tsla_of(carol) == 6 * TSLA_UNIT
    assert tuple(sd.capital.functions.positionOf(sd.tsla.address, alice).call())[:2] == (0, 0)
    assert sd.tranche()[:2] == (0, 0)


def test_seize__to_an_unverified_wallet__refused_nothing_moved(
    stock_desk: StockDesk, holders: Actors, agent: str, stranger: str
) -> None:
    sd = stock_desk
    alice = holders.alice.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)
    with sd.evm.reverts("StockCapitalNotVerified", sd.tsla.address, stranger):
        sd.evm.send(sd.capital.functions.seize(sd.tsla.address, alice, sd.shares(alice), stranger), agent)
    assert sd.tranche()[0] == 10 * TSLA_UNIT
    assert sd.tsla_of(stranger) == 0


# ---- Settings ----


def test_list_stock__invalid_or_twice__refused(stock_desk: StockDesk) -> None:
    sd = stock_desk
    listed = sd.capital.functions.stocks().call()  # TSLA, and NVDA once a test listed it (a session fixture)
    config = (TSLA_FEED, 6_000, 3_000, 10**24)
    with sd.evm.reverts("StockCapitalStockAlreadyListed", sd.tsla.address):
        sd.evm.send(sd.capital.functions.listStock(sd.tsla.address, config), sd.admin)
    for bad in ((TSLA_FEED, 3_000, 6_000, 10**24), (TSLA_FEED, 6_000, 3_000, 0), (TSLA_FEED, 10_001, 3_000, 1)):
        with sd.evm.reverts("StockCapitalStockConfigInvalid", sd.tsla.address):
            sd.evm.send(sd.capital.functions.configureStock(sd.tsla.address, bad), sd.admin)
    with sd.evm.reverts("StockCapitalStockConfigInvalid", sd.usdc.address):  # not the oracle's feed of USDC
        sd.evm.send(sd.capital.functions.listStock(sd.usdc.address, config), sd.admin)
    assert sd.capital.functions.stocks().call() == listed and listed[0] == sd.tsla.address


# ---- Two tranches ----


def test_book_result__two_tranches__spread_pro_rata_to_risk_values(
    stock_desk: StockDesk, nvda: SecondStock, holders: Actors
) -> None:
    sd = stock_desk
    alice, bob = holders.alice.wallet, holders.bob.wallet
    sd.deposit(alice, 10 * TSLA_UNIT)  # $2,500, risk 60%: $1,500
    deposit(sd.evm, sd.capital, nvda.token, 20 * TSLA_UNIT, bob)  # $2,000, risk 50%: $1,000
    at = sd.evm.timestamp() + 5
    sd.desk.prices(at, status=MarketStatus.CLOSED)  # TSLA closed: risk 30%, $750
    nvda.price(sd, at + 5)
    assert tuple(sd.capital.functions.capitalValue().call()) == (usd(4_500), usd(1_750))

    receipt = sd.book(usd(700))

    booked = {e["token"]: e["resultUsd"] for e in sd.evm.events(receipt, sd.capital, "TrancheResultBooked")}
    assert booked == {sd.tsla.address: usd(300), nvda.token.address: usd(400)}
    loss = sd.book(-usd(1))  # a loss rounds up: the stock LPs never book less than their part
    parts = [e["resultUsd"] for e in sd.evm.events(loss, sd.capital, "TrancheResultBooked")]
    assert sum(parts) <= -usd(1)
    assert sd.capital.functions.usdBalance().call() == usd(700) + sum(parts)
    assert sd.capital.functions.stocks().call() == [sd.tsla.address, nvda.token.address]
