"""InsurancePool stateful suite (hypothesis): stakers, unstaking through the delay, income, draws, bad debt.

Actors: two stakers and a third wallet that also donates; a registered claimant reporting losses (`cover`);
the vault's real bad-debt path (an account underwater on the MockMarket, liquidated, written off, the pool
its absorber) and anyone's `payOwed`; fees paid to the pool's vault credit and `collect`; RISK_ADMIN changing
the per-event cap; time passing. Each example starts from the fixture's state (snapshot, reverted after).

Checked after every step (plain calls):

1. books: the pool's stablecoin balance == its held books (nobody sends it tokens directly here), owed <=
   held, and totalAssets == held - owed + the pool's vault credit;
2. shares: the supply == the stakers' balances + the escrowed shares == the pending requests' shares;

and around every step:

3. share price never falls on a stake, request, cancel or claim: (totalAssets + 1) / (supply + virtual shares)
   after >= before, compared exactly (what rounding moves goes to the pool);
4. a draw never exceeds the per-event cap read just before it (`drawCap`) nor the free stablecoin, and pays
   exactly min(requested, cap, free) (zero only when nothing is free or the cap is zero).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
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
from web3.types import TxReceipt

from dualtrack.chain import Reverted
from dualtrack.insurance import VIRTUAL_SHARES, draw, draw_cap
from tests.margin.conftest import TSLA_UNIT, USDC_UNIT, usd
from tests.margin.test_margin_stateful import Read, Reader
from tests.pool.conftest import Insured
from tests.suite_fixtures import Actors

MAX_BAD_DEBTS = 2  # full liquidations per example (each is about ten transactions)
TIMED_GAS = 1_000_000

amounts = st.one_of(st.integers(1, 1_000), st.integers(1, 20_000 * USDC_UNIT))


@dataclass(frozen=True)
class Env:
    insured: Insured
    alice: str  # a verified TSLA holder who goes underwater
    bob: str  # the verified liquidator


class InsuranceMachine(RuleBasedStateMachine):
    env: ClassVar[Env]
    seen: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        e = type(self).env
        self.i, self.evm, self.pool, self.desk = e.insured, e.insured.evm, e.insured.pool, e.insured.desk
        self.alice, self.bob = e.alice, e.bob
        self.actors = (*self.i.stakers, self.i.attacker)
        self.reader = Reader(self.evm)
        self.snapshot = self.evm.snapshot()
        self.bad_debts = 0

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    @initialize(amounts=st.lists(st.integers(1, 50_000 * USDC_UNIT), min_size=3, max_size=3))
    def stakes(self, amounts: list[int]) -> None:
        """Every actor starts with a stake, so requests and claims happen from the first steps."""
        for actor, amount in zip(self.actors, amounts, strict=True):
            self.stake_as(actor, amount)

    # ---- reads ----

    def _price(self) -> tuple[int, int]:
        """(totalAssets + 1, supply + virtual shares): the share price as a fraction."""
        total, supply = self.reader.run([Read(self.pool, "totalAssets"), Read(self.pool, "totalSupply")])
        return int(total) + 1, int(supply) + VIRTUAL_SHARES

    def _assert_price_not_down(self, before: tuple[int, int], action: str) -> None:
        (a0, s0), (a1, s1) = before, self._price()
        assert a1 * s0 >= a0 * s1, f"share price fell on {action}: {a0}/{s0} -> {a1}/{s1}"

    def _pending(self, actor: str) -> tuple[int, int, int]:
        shares, at_request, claimable_at = self.pool.functions.requestOf(actor).call()[0]
        return int(shares), int(at_request), int(claimable_at)

    def _check_draw(self, receipt: TxReceipt, cap: int, free: int) -> None:
        (event,) = self.evm.events(receipt, self.pool, "LossCovered")
        assert (event["cap"], event["free"]) == (cap, free)
        assert event["paid"] <= cap and event["paid"] <= free
        assert event["paid"] == draw(event["requested"], cap, free)
        self.seen["draw_capped" if event["paid"] == cap < event["requested"] else "draw"] += 1

    def _cap(self) -> int:
        """The per-event cap now, as the pool says and as the model computes it."""
        cap, (_, bps, amount), total = self.reader.run(
            [Read(self.pool, "drawCap"), Read(self.pool, "settings"), Read(self.pool, "totalAssets")]
        )
        assert cap == draw_cap(total, bps, amount)
        return int(cap)

    def _with_request(self, who: int) -> tuple[str, tuple[int, int, int]] | None:
        """The first actor from ``who`` on (round robin) with a pending request, and the request."""
        for k in range(len(self.actors)):
            actor = self.actors[(who + k) % len(self.actors)]
            pending = self._pending(actor)
            if pending[0] != 0:
                return actor, pending
        return None

    def _free(self) -> int:
        held, owed = self.i.books()
        return held - owed

    # ---- staking ----

    @rule(who=st.integers(0, 2), amount=amounts)
    def stake(self, who: int, amount: int) -> None:
        self.stake_as(self.actors[who], amount)

    def stake_as(self, actor: str, amount: int) -> None:
        before = self._price()
        expected = self.pool.functions.convertToShares(amount).call()
        try:
            shares = self.i.stake(actor, amount)
        except Reverted as error:
            assert error.name == "InsurancePoolZeroShares" and expected == 0, error
            self.seen["stake_zero_shares"] += 1
            return
        assert shares == expected
        self._assert_price_not_down(before, "stake")
        self.seen["stake"] += 1

    @rule(who=st.integers(0, 2), part=st.integers(1, 100))
    def request(self, who: int, part: int) -> None:
        actor = self.actors[who]
        balance = int(self.pool.functions.balanceOf(actor).call())
        shares = balance * part // 100
        if shares == 0 or self._pending(actor)[0] != 0:
            return
        before = self._price()
        self.evm.send(self.pool.functions.requestUnstake(shares), actor)
        self._assert_price_not_down(before, "request")
        self.seen["request"] += 1

    @rule(who=st.integers(0, 2), early=st.integers(0, 3).map(lambda n: n == 0))
    def claim(self, who: int, early: bool) -> None:
        found = self._with_request(who)
        if found is None:
            return
        actor, (shares, _, claimable_at) = found
        now = self.evm.timestamp()
        if early and now + 1 < claimable_at:
            usdc = self.i.usdc_of(actor)
            try:
                self.evm.send_at(self.pool.functions.claimUnstake(actor), actor, now + 1, gas=TIMED_GAS)
            except Reverted as error:
                assert error.name == "InsurancePoolClaimTooEarly", error
            else:
                raise AssertionError("claimed before the delay")
            assert self.i.usdc_of(actor) == usdc and self._pending(actor)[0] == shares
            self.seen["claim_early"] += 1
            return
        before = self._price()
        expected = int(self.pool.functions.requestOf(actor).call()[1])
        usdc = self.i.usdc_of(actor)
        at = max(claimable_at, now + 1)
        self.evm.send_at(self.pool.functions.claimUnstake(actor), actor, at, gas=TIMED_GAS)
        assert self.i.usdc_of(actor) == usdc + expected  # the value at the same (timeless) books
        self._assert_price_not_down(before, "claim")
        self.seen["claim"] += 1

    @rule(who=st.integers(0, 2))
    def cancel(self, who: int) -> None:
        found = self._with_request(who)
        if found is None:
            return
        actor, (shares, at_request, _) = found
        before = self._price()
        receipt = self.evm.send(self.pool.functions.cancelUnstake(), actor)
        returned = self.evm.events(receipt, self.pool, "UnstakeCancelled")[0]["returned"]
        assert int(self.pool.functions.convertToAssets(returned).call()) <= max(
            at_request, int(self.pool.functions.convertToAssets(shares).call())
        )
        self._assert_price_not_down(before, "cancel")
        self.seen["cancel"] += 1

    # ---- income ----

    @rule(amount=amounts, to_credit=st.booleans(), collect=st.booleans())
    def income(self, amount: int, to_credit: bool, collect: bool) -> None:
        """A fee to the pool's vault credit or a `fund`, then perhaps a keeper's `collect`."""
        donor = self.i.attacker
        before = self.i.total_assets()
        if to_credit:
            self.evm.send(self.desk.vault.functions.fundCredit(self.pool.address, amount), donor)
        else:
            self.evm.send(self.pool.functions.fund(amount), donor)
        assert self.i.total_assets() == before + amount
        self.seen["income"] += 1
        if collect:
            self.evm.send(self.pool.functions.collect(), self.i.claimant)
            assert self.i.total_assets() == before + amount
            assert self.i.credit_of(self.pool.address) == 0
            self.seen["collect"] += 1

    # ---- draws ----

    @rule(bps=st.sampled_from([0, 500, 2_500, 10_000]), amount=st.sampled_from([0, 300 * USDC_UNIT, 2**128 - 1]))
    def set_cap(self, bps: int, amount: int) -> None:
        self.evm.send(self.pool.functions.setDrawCap(bps, amount), self.i.admin)
        self.seen["set_cap"] += 1

    @rule(amount=amounts)
    def cover(self, amount: int) -> None:
        cap, free = self._cap(), self._free()
        held, owed = self.i.books()
        receipt = self.evm.send(self.pool.functions.cover(amount, b"\x05" * 32), self.i.claimant)
        self._check_draw(receipt, cap, free)
        paid = self.evm.events(receipt, self.pool, "LossCovered")[0]["paid"]
        # Outside the vault's lock a draw is paid at once, with anything owed before; no draw, no payment.
        assert self.i.books() == ((held - owed - paid, 0) if paid else (held, owed))

    @precondition(lambda self: self.bad_debts < MAX_BAD_DEBTS)
    @rule(loss=st.integers(1_000, 12_000))
    def bad_debt(self, loss: int) -> None:
        """alice goes underwater by ``loss`` USD on 4 TSLA, bob liquidates, anyone writes the rest off."""
        self.bad_debts += 1
        desk = self.desk
        account = desk.open(self.alice)
        desk.deposit(account, desk.tsla, 4 * TSLA_UNIT, self.alice)
        desk.prices(self.evm.timestamp() + 5)
        self.evm.send(desk.market.functions.openRisk(account, 0, 0, usd(500), usd(250)), self.alice)
        desk.prices(self.evm.timestamp() + 5, tsla=200)
        self.evm.send(desk.market.functions.setPosition(account, 0, usd(loss), usd(500), usd(250)), self.alice)
        self.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 2**255, 0), self.bob)
        if desk.vault.functions.debtOf(account).call() == 0:
            return
        cap, free = self._cap(), self._free()
        receipt = self.evm.send(desk.vault.functions.writeOffBadDebt(account), self.bob)
        (written,) = self.evm.events(receipt, desk.vault, "BadDebtWrittenOff")
        assert written["absorbed"] is True
        self._check_draw(receipt, cap, free)
        self.seen["bad_debt"] += 1

    @rule()
    def pay_owed(self) -> None:
        held, owed = self.i.books()
        if owed == 0:
            return
        lp_credit = self.i.credit_of(self.desk.lp)
        self.evm.send(self.pool.functions.payOwed(), self.bob)
        assert self.i.books() == (held - owed, 0)
        assert self.i.credit_of(self.desk.lp) == lp_credit + owed
        self.seen["pay_owed"] += 1

    @rule(seconds=st.integers(1, 15 * 86_400))
    def wait(self, seconds: int) -> None:
        self.evm.mine(self.evm.timestamp() + seconds)

    # ---- invariants ----

    @invariant()
    def books_and_shares_match(self) -> None:
        pool = self.pool
        reads = [
            Read(self.desk.usdc, "balanceOf", (pool.address,)),
            Read(pool, "books"),
            Read(pool, "totalAssets"),
            Read(self.desk.vault, "creditOf", (pool.address,)),
            Read(pool, "escrowedShares"),
            Read(pool, "totalSupply"),
            Read(pool, "balanceOf", (pool.address,)),
            *(Read(pool, "balanceOf", (a,)) for a in self.actors),
            *(Read(pool, "requestOf", (a,)) for a in self.actors),
        ]
        balance, (held, owed), total, credit, escrowed, supply, in_pool, *rest = self.reader.run(reads)
        balances, requests = rest[:3], rest[3:]
        assert balance == held and owed <= held
        assert total == held - owed + credit
        assert supply == sum(balances) + escrowed
        assert in_pool == escrowed == sum(request[0][0] for request in requests)


def test_insurance_state_machine__stake_unstake_income_draws__books_price_and_caps_hold(
    insured: Insured, holders: Actors
) -> None:
    InsuranceMachine.env = Env(insured=insured, alice=holders.alice.wallet, bob=holders.bob.wallet)
    InsuranceMachine.seen = Counter()
    profile = settings.default
    run_state_machine_as_test(
        InsuranceMachine,
        settings=settings(profile, max_examples=max(30, profile.max_examples), stateful_step_count=20),
    )
    print(dict(InsuranceMachine.seen))
