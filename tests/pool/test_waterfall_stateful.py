"""The loss waterfall, integrated (issue 14): a hypothesis stateful suite over one deployment of the margin
vault, the LiquidityPool (its counterparty), the InsurancePool (its insurance and loss absorber, with a per-event
draw cap) and a MockMarket registered on both, whose traders win and lose at random.

Deployment (the module's ``waterfall`` fixture, on the margin ``desk`` of the ``insured`` fixture, reverted
after the module): the pool replaces the desk's counterparty, with receivables at par (haircut 0, so a
write-off's NAV drop is exactly its uncovered part) and no debt interest; two LPs seed it with 10,000 USDC each.
Each example starts with the next insurance regime in turn (``REGIMES``: two stakers with 500, 2,000 or 20,000
USDC each, under a per-event cap of all of it, 25%, 300 USDC or nothing). Four accounts hold 1,000 USDC of
cash and 1 WETH ($3,000): three traders and a bystander that never trades.

Rules: LPs request deposits and redemptions and claim; a keeper settles epochs; stakers stake, request an
unstake and claim it after the delay; RISK_ADMIN changes the insurance's per-event cap; a trader's position
wins or loses a random amount, the trader closes it (a winner is paid from the pool's credit, refused beyond
it; a loser pays from its cash, then owes), or a keeper (bob) liquidates a losing account, selling its WETH,
and writes off what is left as bad debt.

Checked after every step (one batch of plain calls):

1. books: the pool's stablecoin balance == ``reservedAssets`` >= what it owes requesters (the open epoch's
   deposits, every settled request's refund or payout; the excess is bounded pro-rata dust); the insurance's
   balance == its held books >= owed;
4. bystanders: every account's cash and debt change only by its own actions (a close, its own liquidation):
   an account with no position and no debt never pays for another's loss;
5. the vault: its stablecoin balance >= ``totalBooked`` == the accounts' cash + the pool's and the
   insurance's credits + what the rest of the session left there (constant).

And around the steps that move them:

2. every write-off: the insurance pays exactly min(debt, its cap at that moment, its free stablecoin), into
   the pool's credit in the same transaction, and the pool's NAV falls by exactly debt - paid (one raw unit of
   debt-share rounding allowed); bad debt reaches the LPs only when the insurance was capped or exhausted;
3. every settlement: NAV and supply move by exactly the epoch's accepted and paid amounts, and the share price
   never jumps (``check_settlement_price``); an LP's request or claim moves neither NAV nor supply.

The run must reach a write-off covered in full, a capped one, one that empties the insurance, a paid winner and
a filled redemption (the insurance regime changes with each example, in turn).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from dualtrack.governance import manager_of, wire_target
from dualtrack.insurance import draw
from dualtrack.liquidity_pool import RiskConfig, advance_and_settle, deploy_liquidity_pool
from tests.margin.conftest import ETH_FEED, WETH_UNIT, usd
from tests.margin.test_margin_stateful import Read, Reader
from tests.pool.conftest import EPOCH, USDC, Insured, check_settlement_price
from tests.suite_fixtures import Actors

GAS = 3_000_000
RISK = RiskConfig(
    epoch_duration=EPOCH,
    max_utilisation_bps=8_000,
    receivables_haircut_bps=0,  # receivables at par: a write-off's NAV drop is exactly its uncovered part
    adl_pnl_factor_bps=8_500,
    growth_cap_bps=30_000,
    growth_floor=1_000_000 * USDC,
)
LP_SEED = 10_000 * USDC
CAP_BPS = 2_500
CASH = 1_000 * USDC
TRADERS = (0, 1, 2)
BYSTANDER = 3
INITIAL_MARGIN, MAINTENANCE_MARGIN = usd(500), usd(250)
SCALE = 10**12  # USD (18 decimals) per raw stablecoin unit
MAX_UINT128 = 2**128 - 1
# Per-event caps (bps of the insurance's assets, an amount): all of it, 25%, 300 USDC, nothing.
WHOLE, QUARTER, SMALL, NONE = (10_000, MAX_UINT128), (CAP_BPS, MAX_UINT128), (10_000, 300 * USDC), (0, 0)
CAPS = st.sampled_from((WHOLE, QUARTER, SMALL, NONE))
# Insurance regimes (each staker's stake, the cap), one per example in turn: a write-off covered in full,
# capped by the bps or by the amount, exhausting the insurance, or not covered at all.
REGIMES = (
    (20_000 * USDC, WHOLE),
    (20_000 * USDC, SMALL),
    (500 * USDC, WHOLE),
    (2_000 * USDC, QUARTER),
    (2_000 * USDC, NONE),
)

# Trader PnL (USD, 18 decimals): deep losses (bad debt once the WETH is sold), a loss within the margin, wins;
# each with dust.
PNL = st.builds(
    lambda whole, dust: whole * 10**18 + dust,
    st.sampled_from((-10_000, -6_000, -4_500, -1_000, 400, 2_500)),
    st.integers(0, 10**18 - 1),
)
AMOUNTS = st.builds(lambda size, dust: size + dust, st.sampled_from((500 * USDC, 5_000 * USDC)), st.integers(1, USDC))
STAKES = st.integers(1, 1_000 * USDC)  # small: a deep bad debt can empty the insurance


@dataclass(frozen=True)
class Waterfall:
    insured: Insured
    pool: Contract  # the LiquidityPool, the vault's counterparty
    market: Contract  # a MockMarket registered on the vault and the pool
    keeper: str
    liquidator: str  # bob: a verified holder with USDC approved to the vault
    lps: tuple[str, str]
    accounts: tuple[int, ...]  # TRADERS, then the BYSTANDER
    owners: tuple[str, ...]

    @property
    def evm(self) -> Chain:
        return self.insured.evm


@pytest.fixture(scope="module")
def waterfall(insured: Insured, holders: Actors, keeper: str) -> Iterator[Waterfall]:
    desk, evm, admin = insured.desk, insured.evm, insured.admin
    snapshot = evm.snapshot()
    vault, usdc, weth = desk.vault, desk.usdc, desk.weth
    evm.send(vault.functions.setDebtInterestRate(0), admin)  # debt stays put: exact write-off amounts
    manager = manager_of(evm, vault)
    pool = deploy_liquidity_pool(evm, admin, vault, authority=manager.address, config=RISK)
    wire_target(evm, manager, pool, "LiquidityPool", admin)
    if insured.books()[1]:  # a cover owed to the old counterparty (left by an earlier test): settle it first
        evm.send(insured.pool.functions.payOwed(), admin)
    evm.send(vault.functions.setCounterparty(pool.address), admin)
    market = evm.deploy("MockMarket", vault.address, 6, sender=admin)
    evm.send(vault.functions.registerMarket(market.address), admin)
    evm.send(pool.functions.addMarket(market.address), admin)
    evm.send(market.functions.setPool(pool.address), admin)

    lps = (evm.new_account(), evm.new_account())
    for lp in lps:
        desk.fund(lp, usdc, 100 * LP_SEED)
        evm.send(usdc.functions.approve(pool.address, 2**256 - 1), lp)
        evm.send(pool.functions.requestDeposit(LP_SEED, lp), lp)
    advance_and_settle(evm, pool, keeper)
    for lp in lps:
        evm.send(pool.functions.claimDeposit(lp), lp)

    owners = tuple(evm.new_account() for _ in (*TRADERS, BYSTANDER))
    accounts = []
    for owner in owners:
        desk.fund(owner, usdc, CASH)
        desk.fund(owner, weth, WETH_UNIT)
        account = desk.open(owner)
        desk.deposit(account, usdc, CASH, owner)
        desk.deposit(account, weth, WETH_UNIT, owner)
        evm.send(market.functions.enter(account), admin)
        accounts.append(account)
    yield Waterfall(
        insured=insured,
        pool=pool,
        market=market,
        keeper=keeper,
        liquidator=holders.bob.wallet,
        lps=lps,
        accounts=tuple(accounts),
        owners=owners,
    )
    evm.revert_to(snapshot)


def _realised(pnl: int) -> int:
    """MockMarket's close: a profit rounded down, a loss rounded up (raw settlement units, signed)."""
    return pnl // SCALE  # floor: down for a profit, away from zero for a loss


class WaterfallMachine(RuleBasedStateMachine):
    env: ClassVar[Waterfall]
    seen: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        e = self.e = type(self).env
        self.evm, self.ins, self.pool = e.evm, e.insured.pool, e.pool
        self.desk = e.insured.desk
        self.vault, self.usdc = self.desk.vault, self.desk.usdc
        self.reader = Reader(self.evm)
        self.snapshot = self.evm.snapshot()
        self.pnl = dict.fromkeys(TRADERS, 0)  # each trader's open PnL (USD, 18 decimals)
        self.entered = set(TRADERS)  # a liquidation takes the account out of the market
        self.written_off: set[int] = set()
        self.settlements = 1  # the fixture's seeding epoch (its pro-rata dust, if any, stays reserved)
        cash_debt = self.reader.run(
            [Read(self.vault, f, args) for a in e.accounts for f, args in self._cash_debt_args(a)]
        )
        # What each account's cash and debt are: changed only by the account's own actions.
        self.cash = {a: self._cash_of(cash_debt[2 * i]) for i, a in enumerate(e.accounts)}
        self.debt = {a: int(cash_debt[2 * i + 1]) for i, a in enumerate(e.accounts)}
        booked, pool_credit, ins_credit = self.reader.run(
            [
                Read(self.vault, "totalBooked", (self.usdc.address,)),
                Read(self.vault, "creditOf", (self.pool.address,)),
                Read(self.vault, "creditOf", (self.ins.address,)),
            ]
        )
        self.others = booked - sum(self.cash.values()) - pool_credit - ins_credit
        self.seen["examples"] += 1

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    def _cash_debt_args(self, account: int) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        return (("balanceOf", (account, self.usdc.address)), ("debtOf", (account,)))

    @staticmethod
    def _cash_of(balance: Any) -> int:
        return int(balance[0])  # (cash, frozen)

    def _weth_of(self, account: int) -> int:
        return int(self.vault.functions.balanceOf(account, self.desk.weth.address).call()[0])

    def tx(self, call: Any, sender: str) -> Any:
        """A transaction expected to succeed, with a fixed gas limit (no estimate: the suite stays fast)."""
        try:
            return self.evm.send(call, sender, gas=GAS)
        except Reverted as error:
            if error.name:
                raise
            self.evm.call(call, sender, gas=GAS)  # a fixed-gas revert has no reason: simulate it to name it
            raise

    def _nav_supply(self) -> tuple[int, int]:
        nav, supply = self.reader.run([Read(self.pool, "netAssetValue"), Read(self.pool, "totalSupply")])
        return int(nav), int(supply)

    def _read_own(self, account: int) -> None:
        """After the account's own action: take its cash and debt as they are now."""
        cash, debt = self.reader.run([Read(self.vault, f, args) for f, args in self._cash_debt_args(account)])
        self.cash[account], self.debt[account] = self._cash_of(cash), int(debt)

    # ---- LPs ----

    @rule(
        lp=st.integers(0, 1),
        action=st.sampled_from(("deposit", "redeem", "claim")),
        amount=AMOUNTS,
        part=st.integers(1, 100),
    )
    def lp_acts(self, lp: int, action: str, amount: int, part: int) -> None:
        """An LP requests a deposit, a redemption of part of its shares, or claims what is settled; none of
        it moves NAV or supply."""
        wallet = self.e.lps[lp]
        before = self._nav_supply()
        if action == "deposit":
            self.tx(self.pool.functions.requestDeposit(amount, wallet), wallet)
        elif action == "redeem":
            shares = int(self.pool.functions.balanceOf(wallet).call()) * part // 100
            if shares == 0:
                return
            self.tx(self.pool.functions.requestRedeem(shares, wallet, wallet), wallet)
        else:
            for kind in ("Deposit", "Redeem"):
                if self.pool.functions[f"{kind.lower()}Request"](wallet).call()[2]:
                    self.tx(self.pool.functions[f"claim{kind}"](wallet), wallet)
                    self.seen[f"lp claim {kind.lower()}"] += 1
        assert self._nav_supply() == before, f"an LP's {action} moved NAV/supply: {before} -> {self._nav_supply()}"

    @rule(days=st.integers(0, 1))
    def settle(self, days: int) -> None:
        _, ends_at, _ = self.pool.functions.currentEpoch().call()
        self.evm.mine(max(int(ends_at), self.evm.timestamp() + 1) + days * 86_400)
        receipt = self.tx(self.pool.functions.settleEpoch(), self.e.keeper)
        (event,) = self.evm.events(receipt, self.pool, "EpochSettled")
        self.settlements += 1
        nav, supply = self._nav_supply()
        self.seen[f"settled {check_settlement_price(event, nav, supply)}"] += 1
        self.seen["redemptions filled"] += int(event["totals"]["filledShares"]) > 0

    # ---- Insurance stakers ----

    @rule(
        who=st.integers(0, 1),
        action=st.sampled_from(("stake", "request", "claim")),
        amount=STAKES,
        part=st.integers(1, 100),
    )
    def staker_acts(self, who: int, action: str, amount: int, part: int) -> None:
        """A staker stakes, requests an unstake of part of its shares, or claims one after the delay."""
        if action == "stake":
            self.stake(who, amount)
        elif action == "request":
            self.request_unstake(who, part)
        else:
            self.claim_unstake(who)

    def stake(self, who: int, amount: int) -> None:
        self.e.insured.stake(self.e.insured.stakers[who], amount)
        self.seen["stake"] += 1

    def request_unstake(self, who: int, part: int) -> None:
        staker = self.e.insured.stakers[who]
        shares = int(self.ins.functions.balanceOf(staker).call()) * part // 100
        if shares == 0 or self.ins.functions.requestOf(staker).call()[0][0] != 0:
            return
        self.tx(self.ins.functions.requestUnstake(shares), staker)
        self.seen["unstake requested"] += 1

    def claim_unstake(self, who: int) -> None:
        """Claim at the end of the delay (13 days: the LPs' epochs and the prices go stale meanwhile)."""
        staker = self.e.insured.stakers[who]
        (shares, _, claimable_at), payable = self.ins.functions.requestOf(staker).call()
        if shares == 0:
            return
        before = self.e.insured.usdc_of(staker)
        at = max(int(claimable_at), self.evm.timestamp() + 1)
        self.evm.send_at(self.ins.functions.claimUnstake(staker), staker, at, gas=GAS)
        assert self.e.insured.usdc_of(staker) == before + payable
        self.seen["unstake claimed"] += 1

    @initialize()
    def insure(self) -> None:
        """Each example starts with the next insurance regime in turn (so that every run meets them all): both
        stakers stake the regime's amount, under its per-event cap."""
        stake, cap = REGIMES[self.seen["examples"] % len(REGIMES)]
        self.set_cap(cap)
        for staker in self.e.insured.stakers:
            self.e.insured.stake(staker, stake)

    @rule(cap=CAPS)
    def set_cap(self, cap: tuple[int, int]) -> None:
        """RISK_ADMIN sets the per-event cap (bps of the insurance's assets, and an amount)."""
        self.tx(self.ins.functions.setDrawCap(*cap), self.desk.admin)

    # ---- Traders ----

    @rule(trader=st.sampled_from(TRADERS), pnl=PNL, then=st.sampled_from(("liquidate", "close", "hold")))
    def trade(self, trader: int, pnl: int, then: str) -> None:
        """A trader's position moves, then it holds, closes, or a keeper tries to liquidate it."""
        self.move(trader, pnl)
        if then == "close":
            self.close(trader)
        elif then == "liquidate":
            self.liquidate(trader)

    def move(self, trader: int, pnl: int) -> None:
        """The trader's position (re)opens or moves: it wins or loses ``pnl``."""
        account = self.e.accounts[trader]
        if account in self.written_off:
            return
        if self.cash[account] == 0 and self._weth_of(account) == 0:
            return  # nothing to margin a position with (a liquidation took it all and repaid the debt)
        if trader not in self.entered:
            self.tx(self.e.market.functions.enter(account), self.desk.admin)
            self.entered.add(trader)
        profit, loss = (pnl, 0) if pnl >= 0 else (0, -pnl)
        call = self.e.market.functions.setPosition(account, profit, loss, INITIAL_MARGIN, MAINTENANCE_MARGIN)
        self.tx(call, self.desk.admin)
        self.pnl[trader] = pnl

    def close(self, trader: int) -> None:
        """The trader closes: a profit is paid from the pool's credit (refused beyond it), a loss taken from
        its cash, then owed."""
        account, pnl = self.e.accounts[trader], self.pnl[trader]
        if pnl == 0 or trader not in self.entered:
            return
        realised = _realised(pnl)
        call = self.e.market.functions.closePosition(account)
        if realised > int(self.vault.functions.creditOf(self.pool.address).call()):
            with self.evm.reverts("MarginVaultCreditInsufficient"):
                self.evm.send(call, self.desk.admin)
            self.seen["profit beyond credit"] += 1
            return
        cash, debt = self.cash[account], self.debt[account]
        self.tx(call, self.desk.admin)
        self.pnl[trader] = 0
        if realised >= 0:
            repaid = min(realised, debt)
            expected = cash + realised - repaid
            self.seen["winner paid"] += realised > 0
        else:
            expected = cash - min(-realised, cash)
            self.seen["loser closed"] += 1
        self._read_own(account)
        assert self.cash[account] == expected, (
            f"closing {realised}: cash {cash} -> {self.cash[account]}, not {expected}"
        )

    def liquidate(self, trader: int) -> None:
        """bob liquidates a losing account (its position closed, its WETH sold), then writes off what is left."""
        account = self.e.accounts[trader]
        if account in self.written_off:
            return
        self.desk.prices(self.evm.timestamp() + 5, feeds=(ETH_FEED,))
        for _ in range(4):
            if not self.vault.functions.isLiquidatable(account).call()[0] or self._weth_of(account) == 0:
                break  # healthy, or nothing left to sell (what it still owes is bad debt)
            self.tx(self.vault.functions.liquidate(account, self.desk.weth.address, 2**255, 0), self.e.liquidator)
            self.pnl[trader] = 0
            self.entered.discard(trader)
            self.seen["liquidation"] += 1
        self._read_own(account)
        if (
            self._weth_of(account) == 0
            and self.cash[account] == 0
            and self.debt[account] != 0
            and trader not in self.entered
        ):
            self.write_off(account)

    def write_off(self, account: int) -> None:
        """Invariant 2: the insurance pays min(debt, cap, free) at once; the LPs' NAV falls by the rest."""
        cap, (held, owed), nav, pool_credit, debt = self.reader.run(
            [
                Read(self.ins, "drawCap"),
                Read(self.ins, "books"),
                Read(self.pool, "netAssetValue"),
                Read(self.vault, "creditOf", (self.pool.address,)),
                Read(self.vault, "debtOf", (account,)),
            ]
        )
        free = held - owed
        receipt = self.tx(self.vault.functions.writeOffBadDebt(account), self.e.liquidator)
        (written,) = self.evm.events(receipt, self.vault, "BadDebtWrittenOff")
        (covered,) = self.evm.events(receipt, self.ins, "LossCovered")
        paid = int(covered["paid"])
        assert written["amount"] == debt and written["absorbed"], f"write-off {written} of a debt of {debt}"
        assert (covered["requested"], covered["cap"], covered["free"]) == (debt, cap, free), covered
        assert paid == draw(debt, cap, free) == min(debt, cap, free), (
            f"insurance paid {paid} of a debt of {debt} (cap {cap}, free {free})"
        )
        if paid < debt:
            assert paid in (cap, free), f"LPs bore {debt - paid} while the insurance was neither capped nor exhausted"
        nav_after, credit_after, books_after = self.reader.run(
            [
                Read(self.pool, "netAssetValue"),
                Read(self.vault, "creditOf", (self.pool.address,)),
                Read(self.ins, "books"),
            ]
        )
        assert credit_after == pool_credit + paid, "the cover did not reach the pool's credit in the same transaction"
        assert tuple(books_after) == (held - owed - paid, 0), f"insurance books {books_after} after paying {paid}"
        drop = nav - nav_after
        assert abs(drop - (debt - paid)) <= 1, f"NAV fell by {drop} on a write-off of {debt} with {paid} covered"
        self.written_off.add(account)
        self.debt[account] = 0
        if paid == debt:
            self.seen["write-off covered in full"] += 1
        elif paid == free:
            self.seen["write-off insurance exhausted"] += 1
        elif paid == 0:
            self.seen["write-off cap zero"] += 1
        else:
            self.seen["write-off capped"] += 1

    # ---- Invariants ----

    @invariant()
    def books_balances_and_bystanders(self) -> None:
        e, pool, usdc, vault = self.e, self.pool, self.usdc, self.vault
        reads = [
            Read(usdc, "balanceOf", (pool.address,)),
            Read(pool, "reservedAssets"),
            Read(pool, "currentEpoch"),
            Read(usdc, "balanceOf", (self.ins.address,)),
            Read(self.ins, "books"),
            Read(usdc, "balanceOf", (vault.address,)),
            Read(vault, "totalBooked", (usdc.address,)),
            Read(vault, "creditOf", (pool.address,)),
            Read(vault, "creditOf", (self.ins.address,)),
            *(Read(pool, f, (lp,)) for lp in e.lps for f in ("previewClaimDeposit", "previewClaimRedeem")),
            *(Read(vault, f, args) for a in e.accounts for f, args in self._cash_debt_args(a)),
        ]
        (
            held,
            reserved,
            (_, _, pending),
            ins_balance,
            (ins_held, ins_owed),
            vault_held,
            booked,
            credit,
            ins_credit,
            *rest,
        ) = self.reader.run(reads)
        claims, per_account = rest[: 2 * len(e.lps)], rest[2 * len(e.lps) :]
        # 1. the pool and the insurance hold exactly their books
        owed = int(pending[0]) + sum(int(claim[1]) for claim in claims[0::2]) + sum(int(c[0]) for c in claims[1::2])
        assert held == reserved, f"the pool holds {held} USDC but its books say {reserved}"
        assert owed <= reserved <= owed + 2 * len(e.lps) * self.settlements, (
            f"the pool reserves {reserved} for requesters owed {owed}"
        )
        assert ins_balance == ins_held >= ins_owed, f"the insurance holds {ins_balance}, books ({ins_held}, {ins_owed})"
        # 4. cash and debt change only by the account's own actions
        for i, account in enumerate(e.accounts):
            cash, debt = self._cash_of(per_account[2 * i]), int(per_account[2 * i + 1])
            assert (cash, debt) == (self.cash[account], self.debt[account]), (
                f"account {account} (position {self.pnl.get(i, 0)}): cash/debt {self.cash[account]}/"
                f"{self.debt[account]} -> {cash}/{debt} without an action of its own"
            )
        # 5. the vault's stablecoin covers every account's cash and every credit
        assert vault_held >= booked, f"the vault holds {vault_held} USDC for {booked} booked"
        assert booked == self.others + sum(self.cash.values()) + credit + ins_credit, (
            f"vault books {booked} != cash {sum(self.cash.values())} + credits {credit} + {ins_credit} + {self.others}"
        )


def _settings() -> Any:
    profile = settings.default
    if profile.max_examples <= 100:
        return settings(profile, max_examples=30, stateful_step_count=20)
    return settings(profile)


def test_waterfall_state_machine__lps_stakers_random_traders__bad_debt_hits_insurance_before_lps(
    waterfall: Waterfall,
) -> None:
    WaterfallMachine.env = waterfall
    WaterfallMachine.seen = Counter()
    run_state_machine_as_test(WaterfallMachine, settings=_settings())
    print(dict(WaterfallMachine.seen))
    # Every run reaches each end of the waterfall (covered in full, capped, the insurance emptied), a paid
    # winner and a filled redemption.
    paths = (
        "write-off covered in full",
        "write-off capped",
        "write-off insurance exhausted",
        "winner paid",
        "redemptions filled",
    )
    assert min(WaterfallMachine.seen[k] for k in paths) > 0, WaterfallMachine.seen
