"""PerpMarket stateful suite (hypothesis): traders, a keeper and BTC moves on a fresh BTC perp, against
``dualtrack.perp.MarketModel`` (the formulas, and ``dualtrack.funding``'s hour-by-hour funding model).

Each example lists its own market on the session desk's vault (reverted afterwards) and opens three accounts:
two cash accounts (alice, bob: 100,000 USDC) and a TSLA-margined one (alice: 40 TSLA, no cash). Rules: a market
order committed and settled by the keeper at a BTC report (the price moved up to +-8%, after a wait of seconds
to hours, TSLA re-reported so collateral stays valued); the trader settling their own order; an oversized
order (refused by the vault's initial margin, nothing changed); a liquidation attempt on a healthy account
(refused); time passing; delisting (RISK_ADMIN: reduce-only, then `delistMarket` at the current price; only after
a few fills, and drawn rarely), after which orders are refused and anyone settles each position at the final
price and index, checked against the model.

Checked after every fill (to the wei): the fill price, fee, realised PnL and funding, and the new size, against
the model. After every step:

1. positions and the market's aggregates equal the model's positions and the aggregates recomputed by brute
   force over them; the funding oracle's state equals the model's;
2. open interest is within the market's cap on each side;
3. funding is zero-sum: what the positions paid and owe (realised + accrued, each rounded against the
   position) minus what the pool's side received exactly (the skew's opposite over every interval) is
   between 0 and the number of roundings: the rounding stays with the pool;
4. books: the vault's USDC balance >= its booked USDC, and the booked USDC moved exactly by the accounts'
   cash and the counterparty's and keeper's credits;
5. every account's initial health right after an order that added risk was non-negative (no position opens
   below initial margin), and no healthy account is liquidated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import ClassVar

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

from dualtrack.chain import Reverted
from dualtrack.funding import CRYPTO_INTEREST_PER_8H, HOUR, FundingConfig, FundingState, configure_market, state_of
from dualtrack.margin import health_of
from dualtrack.oracle import feed_id
from dualtrack.perp import MarketModel, OrderRequest, list_market, position_of, settlement_of
from dualtrack.units import WAD
from tests.margin.conftest import USDC_UNIT, usd
from tests.perp.conftest import BTC_MARKET, DELAY, KEEPER_FEE, SETTLE_GAS, PerpDesk
from tests.suite_fixtures import Actors

MARKET = feed_id("BTC-PERP-STATEFUL")
BASE_PRICE = 60_000
CASH = 100_000
MAX_CASH_POSITION = 3 * WAD
MAX_TSLA_POSITION = WAD // 5
MIN_FILLS_BEFORE_DELISTING = 5  # so that a run trades before it may delist


@dataclass
class Trader:
    account: int
    wallet: str
    max_position: int
    step: int  # the largest single order


def _adds_risk(size: int, new_size: int) -> bool:
    """PerpMarket's rule: an order adds risk unless it shrinks |size| without flipping it."""
    reduces = (size > 0 and 0 <= new_size < size) or (size < 0 and size < new_size <= 0)
    return not reduces


class PerpMachine(RuleBasedStateMachine):
    perp: ClassVar[PerpDesk]
    alice: ClassVar[str]
    bob: ClassVar[str]
    seen: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        self.evm = self.perp.evm
        self.snapshot = self.evm.snapshot()
        self.traders: list[Trader] = []
        self.price = BASE_PRICE
        self.pool_exact = Fraction(0)
        self.realised_funding = 0
        self.roundings = 0
        self.delisted = False
        self.fills = 0

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    @initialize()
    def open_market(self) -> None:
        perp, desk = self.perp, self.perp.desk
        funding_config = FundingConfig(BTC_MARKET.skew_scale, 10 * WAD, CRYPTO_INTEREST_PER_8H, perp.market.address)
        configure_market(self.evm, perp.funding, MARKET, funding_config, desk.admin)
        list_market(self.evm, perp.market, MARKET, BTC_MARKET, desk.admin)
        self.model = MarketModel(BTC_MARKET, funding_config, FundingState())
        self._post()
        self.traders = [
            Trader(perp.account(self.alice, usdc=CASH), self.alice, MAX_CASH_POSITION, WAD),
            Trader(perp.account(self.bob, usdc=CASH), self.bob, MAX_CASH_POSITION, WAD),
            Trader(perp.account(self.alice, tsla=40), self.alice, MAX_TSLA_POSITION, WAD // 10),
        ]
        usdc = desk.usdc.address
        self.booked_start = int(desk.vault.functions.totalBooked(usdc).call())
        self.lp_start = perp.lp_credit()
        self.keeper_start = int(desk.vault.functions.creditOf(perp.keeper).call())

    # ---- helpers ----

    def _post(self, wait: int = 5) -> int:
        """Report every desk feed (BTC at the current price) ``wait`` seconds from now; returns that time."""
        at = self.evm.timestamp() + wait
        self.perp.desk.prices(at, btc=self.price)
        return at

    def _order(self, trader: Trader, size: int, keeper: str) -> None:
        perp = self.perp
        acceptable = 2**128 - 1 if size > 0 else 0
        request = OrderRequest(MARKET, trader.account, size, acceptable, keeper_fee=KEEPER_FEE)
        commit_at = self.evm.timestamp() + 1
        receipt = self.evm.send_at(
            perp.market.functions.commitOrder(request.as_tuple()), trader.wallet, commit_at, gas=300_000
        )
        slot = int(self.evm.events(receipt, perp.market, "OrderCommitted")[0]["slot"])
        fill_time = commit_at + DELAY
        price = usd(self.price)
        skew_before, index_before = self.model.skew, self.model.state.index
        expected_model = MarketModel(
            self.model.config, self.model.funding_config, self.model.state, dict(self.model.positions)
        )
        expected = expected_model.fill(trader.account, size, price, fill_time + 1)
        payload = perp.report(feed_id("BTC-PERP"), fill_time, self.price)  # the BTC feed's reporter
        call = perp.market.functions.settleOrder(trader.account, MARKET, slot, payload)
        try:
            receipt = self.evm.send_at(call, keeper, fill_time + 1, gas=SETTLE_GAS)
        except Reverted as error:
            raise AssertionError(f"a covered order was refused: {error}") from error
        settled = settlement_of(self.evm, perp.market, receipt)
        assert settled.figures == expected
        assert settled.keeper_fee == (0 if keeper == trader.wallet else KEEPER_FEE)
        self.model = expected_model
        self.pool_exact += Fraction(skew_before * (self.model.state.index - index_before), WAD)
        self.realised_funding += settled.funding
        self.roundings += 1
        self.fills += 1
        if _adds_risk(expected.new_size - size, expected.new_size):
            initial, _ = health_of(perp.desk.vault, trader.account)
            assert initial.health_factor >= WAD, "a position opened below initial margin"
            type(self).seen["risk added"] += 1

    # ---- rules ----

    @precondition(lambda self: not self.delisted)
    @rule(
        i=st.integers(0, 2),
        fraction=st.integers(-100, 100),
        move_bps=st.integers(-800, 800),
        wait=st.sampled_from([1, 30, 600, HOUR, 5 * HOUR]),
    )
    def trade(self, i: int, fraction: int, move_bps: int, wait: int) -> None:
        """A market order of up to the trader's step, kept within its position bound, settled by the keeper."""
        trader = self.traders[i]
        size = trader.step * fraction // 100
        current = self.model.positions[trader.account].size if trader.account in self.model.positions else 0
        size = max(-trader.max_position - current, min(trader.max_position - current, size))
        if size == 0:
            return
        self.price = BASE_PRICE * (10_000 + move_bps) // 10_000
        self.evm.mine(self.evm.timestamp() + wait)
        self._post()
        self._order(trader, size, self.perp.keeper)
        type(self).seen["trade"] += 1

    @precondition(lambda self: not self.delisted)
    @rule(i=st.integers(0, 2))
    def close_own(self, i: int) -> None:
        """The trader closes its position by settling its own order (no keeper fee)."""
        trader = self.traders[i]
        if trader.account not in self.model.positions:
            return
        self._post()
        self._order(trader, -self.model.positions[trader.account].size, trader.wallet)
        type(self).seen["closed own"] += 1

    @precondition(lambda self: not self.delisted)
    @rule(i=st.integers(0, 1))
    def oversized(self, i: int) -> None:
        """150 BTC on 100,000 USDC (initial margin about $247,500): the vault's initial-margin check refuses
        it; nothing changes."""
        trader = self.traders[i]
        self._post()
        request = OrderRequest(MARKET, trader.account, 150 * WAD, 2**128 - 1, keeper_fee=KEEPER_FEE)
        commit_at = self.evm.timestamp() + 1
        receipt = self.evm.send_at(
            self.perp.market.functions.commitOrder(request.as_tuple()), trader.wallet, commit_at, gas=300_000
        )
        slot = int(self.evm.events(receipt, self.perp.market, "OrderCommitted")[0]["slot"])
        payload = self.perp.report(feed_id("BTC-PERP"), commit_at + DELAY, self.price)
        call = self.perp.market.functions.settleOrder(trader.account, MARKET, slot, payload)
        with self.evm.reverts("MarginVaultInsufficientMargin"):
            self.evm.send_at(call, self.perp.keeper, commit_at + DELAY + 1, gas=SETTLE_GAS)
        self.evm.send(self.perp.market.functions.cancelOrder(trader.account, MARKET, slot), trader.wallet)
        type(self).seen["oversized refused"] += 1

    @precondition(
        lambda self: not self.delisted and self.fills >= MIN_FILLS_BEFORE_DELISTING and bool(self.model.positions)
    )
    @rule(draw=st.integers(0, 3))
    def delist(self, draw: int) -> None:
        """Once the books have seen a few fills, one draw in four: RISK_ADMIN makes the market reduce-only, then
        delists it at the current price; the final price and carry index match the model's (funding updated one
        last time at the skew)."""
        if draw != 0:
            return
        perp, admin = self.perp, self.perp.desk.admin
        reduce_only = replace(BTC_MARKET, reduce_only=True)
        self.evm.send(perp.market.functions.configureMarket(MARKET, reduce_only.as_tuple()), admin)
        self._post()
        receipt = self.evm.send(perp.market.functions.delistMarket(MARKET), admin)
        at = int(self.evm.w3.eth.get_block(receipt["blockNumber"])["timestamp"])
        skew_before, index_before = self.model.skew, self.model.state.index
        final = self.model.delist(usd(self.price), at)
        (event,) = self.evm.events(receipt, perp.market, "MarketDelisted")
        assert (int(event["price"]), int(event["index"])) == (final.price, final.index)
        self.pool_exact += Fraction(skew_before * (self.model.state.index - index_before), WAD)
        self.delisted = True
        type(self).seen["delisted"] += 1

    @precondition(lambda self: self.delisted)
    @rule(i=st.integers(0, 2), move_bps=st.integers(-800, 800))
    def settle_delisted(self, i: int, move_bps: int) -> None:
        """After a price move (that values nothing any more), anyone settles the trader's position at the final
        price and index, as the model does; a new order is refused."""
        trader, perp = self.traders[i], self.perp
        self.price = BASE_PRICE * (10_000 + move_bps) // 10_000
        self._post()
        request = OrderRequest(MARKET, trader.account, WAD // 10, 2**128 - 1, keeper_fee=KEEPER_FEE)
        with self.evm.reverts("PerpMarketDelisted", MARKET):
            self.evm.send(perp.market.functions.commitOrder(request.as_tuple()), trader.wallet)
        if trader.account not in self.model.positions:
            return
        receipt = self.evm.send(perp.market.functions.settleDelisted(trader.account, MARKET), self.bob)
        (event,) = self.evm.events(receipt, perp.market, "DelistedPositionSettled")
        expected = self.model.settle_delisted(trader.account)
        assert (int(event["price"]), int(event["pnl"]), int(event["funding"])) == (
            expected.fill_price,
            expected.pnl,
            expected.funding,
        )
        self.realised_funding += int(event["funding"])
        self.roundings += 1
        type(self).seen["delisted settled"] += 1

    @precondition(lambda self: bool(self.model.positions))
    @rule(i=st.integers(0, 2))
    def liquidate_healthy(self, i: int) -> None:
        trader = self.traders[i]
        self._post()
        if self.perp.desk.vault.functions.isLiquidatable(trader.account).call()[0]:
            return
        with self.evm.reverts("MarginVaultNotLiquidatable"):
            self.evm.send(
                self.perp.desk.vault.functions.liquidate(trader.account, self.perp.desk.usdc.address, 1, 0), self.bob
            )
        type(self).seen["healthy not liquidated"] += 1

    # ---- invariants ----

    @invariant()
    def books_match_the_model(self) -> None:
        if not self.traders:
            return
        market = self.perp.market
        for trader in self.traders:
            position = position_of(market, trader.account, MARKET)
            expected = self.model.positions.get(trader.account)
            assert (position.size, position.entry_price, position.entry_funding_index) == (
                (expected.size, expected.entry_price, expected.entry_funding_index) if expected else (0, 0, 0)
            )
        totals = tuple(int(x) for x in market.functions.totalsOf(MARKET).call())
        assert totals == self.model.totals()
        assert totals[0] <= BTC_MARKET.max_open_interest and totals[1] <= BTC_MARKET.max_open_interest
        state = state_of(self.perp.funding, MARKET)
        assert state == self.model.state

    @invariant()
    def funding_is_zero_sum(self) -> None:
        if not self.traders:
            return
        owed = self.realised_funding + self.model.accrued_funding(self.model.state.index)
        difference = owed - self.pool_exact
        assert 0 <= difference <= self.roundings + len(self.model.positions), difference

    @invariant()
    def usdc_books_balance(self) -> None:
        if not self.traders:
            return
        desk = self.perp.desk
        booked = int(desk.vault.functions.totalBooked(desk.usdc.address).call())
        assert int(desk.usdc.functions.balanceOf(desk.vault.address).call()) >= booked
        # Fills only move USDC between the accounts' cash and the counterparty's and keeper's credits.
        assert booked == self.booked_start
        cash = sum(self.perp.cash(t.account) for t in self.traders) - 2 * CASH * USDC_UNIT
        lp = self.perp.lp_credit() - self.lp_start
        keeper = int(desk.vault.functions.creditOf(self.perp.keeper).call()) - self.keeper_start
        assert cash + lp + keeper == 0, (cash, lp, keeper)


def test_perp_state_machine__traders_keeper_price_moves__fills_funding_and_books_hold(
    perp: PerpDesk, holders: Actors
) -> None:
    PerpMachine.perp = perp
    PerpMachine.alice = holders.alice.wallet
    PerpMachine.bob = holders.bob.wallet
    PerpMachine.seen = Counter()
    profile = settings.default
    machine_settings = (
        settings(profile, max_examples=8, stateful_step_count=25)
        if profile.max_examples <= 100
        else settings(profile, max_examples=profile.max_examples // 4)
    )
    run_state_machine_as_test(PerpMachine, settings=machine_settings)
    print(dict(PerpMachine.seen))
