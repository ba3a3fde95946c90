"""StockCapital stateful suite (hypothesis): the stock-token seller capital of the main pool, driven through
``dualtrack.chain`` by LPs, bidders, the pool, the oracle's reporters, the token's agent and a donor.

Deployment (the module's ``capital_env`` fixture, on the session ``stock_desk`` and ``nvda``, reverted after the
module): TSLA and NVDA tranches; a deposit locks its position for ``LOCK`` seconds. Actors: alice (US) and bob
(DE), verified TSLA holders with 10 TSLA deposited each (bob also 20 NVDA: the NVDA tranche, which takes its part
of every booked result); carol (US), verified with no TSLA; dave, verified when he got his 40 TSLA and deposited
10 of them, then his KYC claim revoked (an UNVERIFIED holder with shares); erin, who deposited 10 TSLA and whose
wallet the agent then froze on the token; ``stranger`` with no identity; the TSLA agent. Every bidder holds USDC
approved to StockCapital.

Rules (each transaction at an explicit block time, its outcome predicted by a Python model: either the model's
exact custom error, or a success with the model's exact shares, tokens out and kept, stablecoin paid, prices and
costs, checked against the events): deposits of 0, 1 raw unit, table amounts, all or more than the wallet holds;
withdrawals of 0, 1, part, all, more than the unfrozen part (before and after the lock); the pool books a gain or
a loss (``MockStockCapitalPool.bookResult``: spread over the tranches pro rata to their risk values); the
reporters move prices (TSLA open, closed or halted; a feed left to age past the value age); time passes; an
auction starts and verified, unverified and frozen wallets bid; the agent freezes part of a position, seizes to
verified, unverified and frozen wallets (or a non-agent tries), freezes or unfreezes carol's wallet on the token;
alice or bob donates TSLA straight to StockCapital; an LP (or bob, of NVDA) collects its income. While the
TSLA tranche is in deficit, verified LPs also deposit and withdraw just after the prices are confirmed or with
them stale, and a verified bidder runs the auction to settle the deficit. Every refusal must be the model's
custom error (a raw revert, a panic or a string fails the test) and leave every balance and book unchanged
(read before and after).

Checked after every step (one batch of plain ``eth_call``s), with the model's values:

1. tokens: StockCapital's TSLA balance == the TSLA tranche's booked tokens + the donations (never credited):
   equal without a donation, >= always; its NVDA balance == the NVDA tranche's tokens;
2. shares: the LPs' shares sum to each tranche's ``totalShares``; frozen <= shares in every position;
3. no TSLA unit reaches an unverified or token-frozen wallet from StockCapital: dave's, erin's and the
   stranger's TSLA balances never change, and every ``Transfer`` the token emits from StockCapital (audited in
   each receipt) goes to a wallet verified and not frozen at that moment, for the model's tokens out;
5. books (income index semantics): U = ``usdBalance()`` - the tranches' balances - every position's
   ``pendingIncome`` satisfies 0 <= U <= bound. Derivation: ``usdBalance()`` takes every booked part; a part
   that reaches a tranche's index (rest, over totalShares T) adds floor(rest x 1e18 / (T + 1000)) per share, so
   the real shares earn less than rest by the virtual shares' part and the floor's remainder (< (T + 1000) / 1e18
   USD-wei): the model keeps that exact amount (a fraction). A position's pending income is floor(shares x index
   / 1e18) - debt, its debt rounded up on a deposit and down on a withdrawal or seizure and raised by exactly what
   ``collect`` pays, so it is never above the exact income it earned less what it collected (hence U >= 0,
   pending being floored at 0 only where rounding made it negative), and below it by less than one USD-wei per
   change of its shares while the index was non-zero plus one for the final floor. So bound = the exact
   unallocated income + the number of share changes + the number of positions;
6. the model: every tranche (tokens, shares, balance, auction start, income index), every position (shares,
   frozen, lock, pending income: ``positionOf`` and ``pendingIncome``), every wallet's TSLA and USDC and the
   pool's USDC equal the model's.

And around every deposit, withdrawal and seizure (4, share value): with p the oracle price per token, the in-kind
value per share X / S = max(0, tokens x p + balance) / (totalShares + 1000 virtual shares) after the call is never
below the value before, up to a bound derived from the rounding: a deposit's shares are rounded down against a
worth rounded up (a deficit converted to tokens rounded down, a gain rounded up) and the virtual unit counts in
the worth, so a deposit never lowers X / S (bound 0); a redemption of n shares pays at most n x (tokens + 1) / S
raw units (rounded down) and n x balance / S of a gain (rounded down), and keeps at least n x deficit / S at p
(rounded up twice), so X_after x S_before >= X_before x S_after - n x p: the only slack is the virtual unit's part,
less than a thousandth of one raw unit's value per share. With the virtual unit counted in X (TrancheMath's own
worth) the value per share never falls at all, which is checked too, exactly (fractions).

Profiles: ``default`` (``make test``) runs 30 examples of up to 40 steps (about a minute); ``fuzz`` (``make
fuzz``) a quarter of its examples at its own step count. The run prints how often each path ran and must reach the
main ones (deposits priced with a balance, tokens kept against a deficit, seizures, settling bids, each refusal of
a wallet that may not hold TSLA, the lock, a stale price, an insolvent tranche).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from dualtrack.chain import Chain, Reverted
from dualtrack.keepers.reporter import Multipliers, Reporter
from dualtrack.market import MarketStatus
from dualtrack.oracle import Outcome, outcome_of, submit_at
from dualtrack.stock_capital import (
    DEFAULT_AUCTION,
    INCOME_PRECISION,
    VIRTUAL_SHARES,
    VIRTUAL_TOKENS,
    auction_cost,
    auction_price,
    book_part,
    debt_after_deposit,
    debt_after_withdrawal,
    pending_income_of,
    redeem,
    shares_for_deposit,
    split_redemption,
    spread,
    tokens_for_deficit,
    tranche_values,
)
from dualtrack.suite import DE, US, Holder, Suite, onboard_holder
from tests.margin.conftest import AGES, THRESHOLD, TSLA_FEED, TSLA_UNIT, USDC_UNIT, usd
from tests.margin.test_margin_stateful import ModelRevert, Read, Reader
from tests.pool.stock_capital_fixtures import NVDA_FEED, NVDA_STOCK, TSLA_STOCK, SecondStock, StockDesk
from tests.suite_fixtures import Actors, KycIssuer
from tests.support import ZERO

GAS = 2_000_000  # fixed: an estimate would run at another block time (and costs a round trip)
LOCK = 600  # seconds a deposit locks its position
_, VALUE_AGE, _, _ = AGES  # past it a price cannot value a deficit (deposit, withdrawal, auction) nor risk
DURATION = DEFAULT_AUCTION.duration
SETTLEMENT_DECIMALS = 6
USD_PER_STABLE_UNIT = 10**12
BPS = 10_000
SEED = 10 * TSLA_UNIT  # each LP's deposit in the fixture
HOLDING = 40 * TSLA_UNIT  # dave's and erin's TSLA before their deposit
NVDA_SEED = 20 * TSLA_UNIT
BIDDER_CASH = 10_000_000 * USDC_UNIT
PRICE_BOUNDS = {TSLA_FEED: (usd(40), usd(1_000)), NVDA_FEED: (usd(20), usd(500))}
START_PRICES = {TSLA_FEED: usd(250), NVDA_FEED: usd(100)}
MOVES = (6_000, 8_500, 9_500, 10_000, 10_500, 12_000, 14_000)  # bps: within the oracle's jump band

LPS = ("alice", "bob", "carol", "dave", "erin")  # every wallet that holds or may hold TSLA shares
WALLETS = (*LPS, "stranger")
# Results the pool books (USD): the TSLA tranche is worth about $10,000 at the start (risk 60%: $6,000) and
# NVDA $2,000 (risk 50%: $1,000), so the largest losses leave the TSLA tranche insolvent.
RESULTS = st.builds(
    lambda sign, size, dust: sign * (size + dust),
    st.sampled_from((-1, 1, -1)),
    st.sampled_from((usd(700), usd(3_000), usd(12_000), usd(60), usd(20_000), usd(1), 0)),
    st.sampled_from((123_456_789_012_345_678, 1, 10**12 - 1, 0)),
)
DUST = st.integers(0, 10**15)
# Table choices, the most telling first (hypothesis draws the first of a list most often).
DEPOSIT_KINDS = ("five", "half", "five", "all", "one unit", "more than held", "zero")
WITHDRAW_KINDS = ("part", "all", "one", "frozen too", "more than free", "zero")
AGENT_KINDS = ("part", "all", "more", "zero")
SEIZE_TO = ("carol", "dave", "bob", "erin", "carol", "alice", "stranger", "zero")


# --------------------------------------------------------------------------- the environment


@dataclass(frozen=True)
class CapitalEnv:
    sd: StockDesk
    nvda: Contract
    reporters: dict[bytes, Reporter]
    wallets: dict[str, str]  # WALLETS by name
    agent: str
    verified: frozenset[str]  # of the wallets, those verified in the TSLA registry (dave is not, nor stranger)
    frozen: frozenset[str]  # of the wallets, those frozen on the token at the start (erin)
    reader: Reader

    @property
    def evm(self) -> Chain:
        return self.sd.evm


@pytest.fixture(scope="module")
def capital_env(
    stock_desk: StockDesk,
    nvda: SecondStock,
    tsla: Suite,
    holders: Actors,
    kyc: KycIssuer,
    agent: str,
    stranger: str,
) -> Iterator[CapitalEnv]:
    sd = stock_desk
    evm, capital, token = sd.evm, sd.capital, sd.tsla
    snapshot = evm.snapshot()
    evm.errors.register(token.abi)  # the token's own errors (a deposit of more than the wallet holds)
    alice, bob, carol = holders.alice.wallet, holders.bob.wallet, holders.carol.wallet

    def onboard(country: int) -> Holder:
        wallet = evm.new_account()
        holder = onboard_holder(
            evm, tsla, wallet, country, claim_issuer=kyc.contract, signer_key=kyc.signer_key, registrar=agent
        )
        evm.send(token.functions.mint(wallet, HOLDING), agent)
        return holder

    dave, erin = onboard(US), onboard(DE)
    wallets = {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave.wallet,
        "erin": erin.wallet,
        "stranger": stranger,
    }
    for wallet in (alice, bob, dave.wallet, erin.wallet):
        sd.deposit(wallet, SEED)
    for name, wallet in wallets.items():
        evm.send(token.functions.approve(capital.address, 2**256 - 1), wallet)
        if name not in ("alice", "bob"):
            sd.desk.fund(wallet, sd.usdc, BIDDER_CASH)
        evm.send(sd.usdc.functions.approve(capital.address, 2**256 - 1), wallet)
    evm.send(nvda.token.functions.approve(capital.address, NVDA_SEED), bob)
    evm.send(capital.functions.deposit(nvda.token.address, NVDA_SEED), bob)
    # dave and erin hold shares and TSLA, but may no longer receive any: dave's claim is revoked, erin is frozen.
    kyc.revoke(evm, dave)
    evm.send(token.functions.setAddressFrozen(erin.wallet, True), agent)
    evm.send(capital.functions.setLockPeriod(LOCK), sd.admin)

    registry = evm.at("IIdentityRegistry", token.functions.identityRegistry().call())
    verified = frozenset(n for n, w in wallets.items() if registry.functions.isVerified(w).call())
    frozen = frozenset(n for n, w in wallets.items() if token.functions.isFrozen(w).call())
    assert verified == {"alice", "bob", "carol", "erin"} and frozen == {"erin"}
    assert (TSLA_STOCK.open_weight_bps, NVDA_STOCK.open_weight_bps) == (6_000, 5_000)
    yield CapitalEnv(
        sd=sd,
        nvda=nvda.token,
        reporters={TSLA_FEED: sd.desk.reporters[TSLA_FEED], NVDA_FEED: nvda.reporter},
        wallets=wallets,
        agent=agent,
        verified=verified,
        frozen=frozen,
        reader=Reader(evm),
    )
    evm.revert_to(snapshot)


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class OnChain:
    """One batch of reads of everything the model predicts (views and positions as the ABI decodes them)."""

    tsla: tuple[Any, ...]
    nvda: tuple[Any, ...]
    total_balance: int
    positions: dict[str, tuple[int, ...]]  # LPS' TSLA positions and "bob nvda"
    pending: dict[str, int]  # pendingIncome of the same positions
    tokens: dict[str, int]
    nvda_held: int
    cash: dict[str, int]


@dataclass
class Feed:
    price: int  # per whole token, USD with 18 decimals
    observed_at: int
    status: MarketStatus


@dataclass
class Tranche:
    address: str
    feed: bytes
    decimals: int
    open_bps: int
    closed_bps: int
    tokens: int
    total_shares: int
    balance: int
    auction_start: int
    index: int  # the income index (USD per share x INCOME_PRECISION)


@dataclass
class Position:
    shares: int = 0
    frozen: int = 0
    unlock_at: int = 0
    debt: int = 0  # the income debt (USD, 18 decimals, signed)

    def pending(self, index: int) -> int:
        return pending_income_of(self.shares, index, self.debt)


@dataclass
class Model:
    tsla: Tranche
    nvda: Tranche
    positions: dict[str, Position]  # TSLA positions by wallet name
    bob_nvda: Position
    feeds: dict[bytes, Feed]
    total_balance: int
    tokens: dict[str, int]  # TSLA by wallet name, and "capital"
    cash: dict[str, int]  # USDC by wallet name, and "pool"
    donated: int = 0
    frozen: set[str] = field(default_factory=set)  # wallets frozen on the token
    # Invariant 5's bound: the exact income booked to the indexes that no real share earns (the virtual shares'
    # part and each increment's rounding), and the changes of shares made while an index was non-zero.
    unallocated: Fraction = Fraction(0)
    share_changes: int = 0


def _usable(feed: Feed, t: int) -> bool:
    """FeedRules.usability's value rule (no hold, no maintenance here): a known status, at most VALUE_AGE old."""
    return feed.status != MarketStatus.UNKNOWN and t - feed.observed_at <= VALUE_AGE


def _price(m: Model, tranche: Tranche, t: int) -> int:
    """StockCapital's ``_usablePrice``: the oracle's price, or its StockCapitalPriceUnusable."""
    feed = m.feeds[tranche.feed]
    if not _usable(feed, t):
        raise ModelRevert("StockCapitalPriceUnusable", tranche.address, tranche.feed)
    return feed.price


def _risk(m: Model, tranche: Tranche, t: int) -> int:
    """The tranche's risk value (``_trancheValues``): the weight is zero without a usable price."""
    feed = m.feeds[tranche.feed]
    weight = 0
    if _usable(feed, t):
        weight = tranche.open_bps if feed.status == MarketStatus.OPEN else tranche.closed_bps
    return tranche_values(tranche.tokens, tranche.balance, feed.price, tranche.decimals, weight)[1]


def _per_share(tokens: int, balance: int, total_shares: int, price: int, decimals: int) -> Fraction:
    """In-kind value per share, max(0, tokens x price + balance) / (totalShares + virtual shares), exact."""
    value = Fraction(tokens * price, 10**decimals) + balance
    return max(Fraction(0), value) / (total_shares + VIRTUAL_SHARES)


# --------------------------------------------------------------------------- the machine


class CapitalMachine(RuleBasedStateMachine):
    env: ClassVar[CapitalEnv]
    seen: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        e = self.e = type(self).env
        self.evm, self.reader, self.sd = e.evm, e.reader, e.sd
        self.capital, self.token, self.usdc, self.pool = e.sd.capital, e.sd.tsla, e.sd.usdc, e.sd.pool
        self.w = e.wallets
        self.names = {wallet: name for name, wallet in e.wallets.items()}
        self.snapshot = self.evm.snapshot()
        self.now = self.evm.timestamp()
        self.m = self._read_start()
        self.start_tokens = dict(self.m.tokens)
        self._post({TSLA_FEED: START_PRICES[TSLA_FEED], NVDA_FEED: START_PRICES[NVDA_FEED]}, MarketStatus.OPEN)
        self.seen["examples"] += 1

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    # ---- reads ----

    def _state_reads(self) -> list[Read]:
        cap, token, usdc, nvda = self.capital, self.token, self.usdc, self.e.nvda
        positions = [(token, self.w[n]) for n in LPS] + [(nvda, self.w["bob"])]
        return [
            Read(cap, "tranche", (token.address,)),
            Read(cap, "tranche", (nvda.address,)),
            Read(cap, "usdBalance"),
            *(Read(cap, "positionOf", (t.address, lp)) for t, lp in positions),
            *(Read(cap, "pendingIncome", (t.address, lp)) for t, lp in positions),
            *(Read(token, "balanceOf", (self.w[n],)) for n in WALLETS),
            Read(token, "balanceOf", (cap.address,)),
            Read(nvda, "balanceOf", (cap.address,)),
            *(Read(usdc, "balanceOf", (self.w[n],)) for n in WALLETS),
            Read(usdc, "balanceOf", (self.pool.address,)),
        ]

    def _state(self) -> list[Any]:
        return self.reader.run(self._state_reads())

    @staticmethod
    def _decode(state: list[Any]) -> OnChain:
        """The batch of ``_state_reads`` by meaning."""
        views, total_balance, rest = state[:2], state[2], state[3:]
        n = len(LPS) + 1
        positions, pending, rest = rest[:n], rest[n : 2 * n], rest[2 * n :]
        tokens = dict(zip((*WALLETS, "capital"), rest[: len(WALLETS) + 1], strict=True))
        nvda_held = rest[len(WALLETS) + 1]
        cash = dict(zip((*WALLETS, "pool"), rest[len(WALLETS) + 2 :], strict=True))
        return OnChain(
            tsla=tuple(views[0]),
            nvda=tuple(views[1]),
            total_balance=int(total_balance),
            positions={name: tuple(p) for name, p in zip((*LPS, "bob nvda"), positions, strict=True)},
            pending=dict(zip((*LPS, "bob nvda"), (int(p) for p in pending), strict=True)),
            tokens=tokens,
            nvda_held=int(nvda_held),
            cash=cash,
        )

    def _read_start(self) -> Model:
        """The fixture's books, read once per example (the model then predicts every change)."""
        c = self._decode(self._state())
        tranches = []
        for view, feed, config in zip((c.tsla, c.nvda), (TSLA_FEED, NVDA_FEED), (TSLA_STOCK, NVDA_STOCK), strict=True):
            _, decimals, _, _, booked, total, balance, auction_start, index = view
            address = self.token.address if feed == TSLA_FEED else self.e.nvda.address
            open_bps, closed_bps = config.open_weight_bps, config.closed_weight_bps
            tranches.append(
                Tranche(address, feed, decimals, open_bps, closed_bps, booked, total, balance, auction_start, index)
            )
        assert c.tokens["capital"] == tranches[0].tokens and c.nvda_held == tranches[1].tokens
        assert c.total_balance == 0 and all(t.balance == 0 and t.index == 0 for t in tranches)
        positions = {name: Position(*p[:3]) for name, p in c.positions.items()}  # no income yet: no debt
        return Model(
            tsla=tranches[0],
            nvda=tranches[1],
            positions={name: positions[name] for name in LPS},
            bob_nvda=positions["bob nvda"],
            feeds={},
            total_balance=c.total_balance,
            tokens=c.tokens,
            cash=c.cash,
            frozen=set(self.e.frozen),
        )

    def _tranche_now(self) -> tuple[int, int, int]:
        view = self.reader.one(self.capital, "tranche", self.token.address)
        return int(view[4]), int(view[5]), int(view[6])

    # ---- transactions ----

    def _transact(
        self, call: ContractFunction, sender: str, predict: Callable[[Model, int], Any]
    ) -> tuple[TxReceipt | None, Any]:
        """Predict ``call`` on a copy of the model at the next block time, send it there, and compare: the
        same custom error, with every balance and book as it was, or a success (then the copy becomes the
        model, once every TSLA transfer out of StockCapital in the receipt is audited)."""
        t = self.now + 1
        trial = copy.deepcopy(self.m)
        expected: ModelRevert | None = None
        result: Any = None
        try:
            result = predict(trial, t)
        except ModelRevert as revert:
            expected = revert
        before = self._state() if expected is not None else None
        self.now = t
        try:
            receipt = self.evm.send_at(call, sender, t, gas=GAS)
        except Reverted as failure:
            assert failure.name not in ("", "Panic", "Error"), f"not a custom error: {failure} (model: {expected})"
            assert expected is not None, f"unexpected revert {failure}"
            assert failure.name == expected.name, f"expected {expected}, got {failure}"
            if expected.expected is not None:
                assert tuple(failure.args_) == expected.expected, f"expected {expected}, got {failure}"
            after = self._state()
            assert after == before, f"the refused call ({failure.name}) moved a balance or a book"
            self.seen[f"refused {failure.name}"] += 1
            self.seen[f"{call.fn_name} refused {failure.name}"] += 1
            return None, None
        assert expected is None, f"expected {expected}, the call succeeded"
        self._audit_transfers(receipt, trial)
        self.m = trial
        return receipt, result

    def _send(self, call: ContractFunction, sender: str) -> TxReceipt:
        """A transaction outside StockCapital (the token's agent, a donor), expected to succeed, at the next second."""
        self.now += 1
        return self.evm.send_at(call, sender, self.now, gas=GAS)

    def _audit_transfers(self, receipt: TxReceipt, after: Model) -> None:
        """Invariant 3, per receipt: every TSLA unit out of StockCapital goes to a wallet verified and not frozen
        on the token now, and they add up to the model's tokens out."""
        out = 0
        for transfer in self.evm.events(receipt, self.token, "Transfer"):
            if transfer["from"] != self.capital.address:
                continue
            name = self.names.get(transfer["to"])
            assert name is not None, f"TSLA from StockCapital to an unknown wallet: {transfer}"
            assert name in self.e.verified and name not in self.m.frozen, (
                f"{transfer['value']} TSLA from StockCapital reached {name}, who may not hold it"
            )
            out += int(transfer["value"])
        assert out == max(0, self.m.tokens["capital"] - after.tokens["capital"]), (
            f"{out} TSLA left StockCapital; the model says {self.m.tokens['capital'] - after.tokens['capital']}"
        )

    def _post(self, prices: dict[bytes, int], tsla_status: MarketStatus) -> None:
        """One report per feed, observed at the next second, submitted in consecutive blocks."""
        at = self.now + 1
        for offset, (feed, price) in enumerate(prices.items()):
            reporter = self.e.reporters[feed]
            status = tsla_status if feed == TSLA_FEED else MarketStatus.OPEN
            report = reporter.report(at, status, price, None, Multipliers())
            receipt = submit_at(
                self.evm, self.sd.desk.oracle, reporter.sign(report, THRESHOLD), self.sd.desk.submitter, at + 1 + offset
            )
            assert outcome_of(self.evm, self.sd.desk.oracle, receipt) == Outcome.ACCEPTED
            self.m.feeds[feed] = Feed(price, at, status)
        self.now = at + len(prices)

    # ---- model helpers ----

    @staticmethod
    def _pick(i: int, suited: list[str]) -> str:
        """Mostly a wallet suited to the rule (if any), sometimes any LP (the refusals)."""
        if suited and i % 4:
            return suited[i % len(suited)]
        return LPS[i % len(LPS)]

    def _require_can_receive(self, m: Model, name: str) -> None:
        """``_requireCanReceive`` (the token is never paused here; the compliance allows every verified wallet)."""
        if name in m.frozen:
            raise ModelRevert("StockCapitalWalletFrozen", self.token.address, self.w[name])
        if name not in self.e.verified:
            raise ModelRevert("StockCapitalNotVerified", self.token.address, self.w[name])

    def _redeem(self, m: Model, t: int, lp: str, shares: int, to: str, respect_frozen: bool) -> tuple[int, ...]:
        """``_redeem``: (tokens out, stablecoin paid, tokens kept) of ``shares`` of ``lp``'s position, to ``to``."""
        if shares == 0:
            raise ModelRevert("StockCapitalZeroAmount")
        tr, position = m.tsla, m.positions[lp]
        available = position.shares - position.frozen if respect_frozen else position.shares
        if available < shares:
            raise ModelRevert("StockCapitalInsufficientShares", tr.address, self.w[lp], available, shares)
        token_share, balance_share = redeem(shares, tr.tokens, tr.total_shares, tr.balance)
        price = _price(m, tr, t) if balance_share < 0 else 0
        out, paid, kept = split_redemption(token_share, balance_share, price, tr.decimals, SETTLEMENT_DECIMALS)
        if out:
            self._require_can_receive(m, to)
        if not respect_frozen:
            position.frozen = position.frozen - shares if position.frozen > shares else 0
        position.shares -= shares
        position.debt = debt_after_withdrawal(position.debt, shares, tr.index)
        m.share_changes += tr.index != 0
        tr.total_shares -= shares
        tr.tokens -= out
        m.tokens["capital"] -= out
        m.tokens[to] += out
        if paid:
            tr.balance -= paid * USD_PER_STABLE_UNIT
            m.total_balance -= paid * USD_PER_STABLE_UNIT
            m.cash["pool"] -= paid
            m.cash[to] += paid
        return out, paid, kept

    def _check_share_value(self, before: tuple[int, int, int], after: tuple[int, int, int], redeemed: int) -> None:
        """Invariant 4: the value per share after a deposit (``redeemed`` 0) or a redemption of ``redeemed``
        shares is never below the value before, but for the virtual unit's part of a redemption (see the module
        docstring); with the virtual unit in the value, never below at all."""
        price, decimals = self.m.feeds[TSLA_FEED].price, self.m.tsla.decimals
        (tokens_b, total_b, balance_b), (tokens_a, total_a, balance_a) = before, after
        v_before = _per_share(tokens_b, balance_b, total_b, price, decimals)
        v_after = _per_share(tokens_a, balance_a, total_a, price, decimals)
        slack = Fraction(redeemed * price, 10**decimals)
        s_before, s_after = total_b + VIRTUAL_SHARES, total_a + VIRTUAL_SHARES
        assert v_after * s_before * s_after >= v_before * s_before * s_after - slack, (
            f"share value fell from {float(v_before)} to {float(v_after)} (redeemed {redeemed}, slack {slack})"
        )
        virtual_b = _per_share(tokens_b + VIRTUAL_TOKENS, balance_b, total_b, price, decimals)
        virtual_a = _per_share(tokens_a + VIRTUAL_TOKENS, balance_a, total_a, price, decimals)
        assert virtual_a >= virtual_b, f"TrancheMath's value per share fell: {virtual_b} -> {virtual_a}"
        self.seen["share value rose"] += v_after > v_before

    # ---- LPs ----

    @rule(i=st.integers(0, 63), kind=st.sampled_from(DEPOSIT_KINDS), dust=DUST)
    def deposit(self, i: int, kind: str, dust: int) -> None:
        """An LP (mostly a verified one holding TSLA) deposits five tokens or half a token (each with dust; what it
        has left if less), all it holds, 1 raw unit, one raw unit more than it holds, or 0 (dave is unverified
        and erin frozen: refused)."""
        lp = self._pick(i, [n for n in ("alice", "bob", "carol") if self.m.tokens[n] and n not in self.m.frozen])
        held = self.m.tokens[lp]
        amount = {
            "five": min(held, 5 * TSLA_UNIT + dust) or 5 * TSLA_UNIT,  # what is left, if less
            "half": min(held, TSLA_UNIT // 2 + dust) or TSLA_UNIT // 2,
            "all": held,
            "one unit": 1,
            "more than held": held + 1,
            "zero": 0,
        }[kind]
        self._deposit(lp, amount)

    @rule(i=st.integers(0, 63), kind=st.sampled_from(WITHDRAW_KINDS), part=st.integers(1, 99))
    def withdraw(self, i: int, kind: str, part: int) -> None:
        """An LP (mostly one with unfrozen shares) redeems part, all of its unfrozen shares, 1, all of them (frozen
        part too), one more than it may, or 0, in kind: refused while locked, or when its wallet may not receive
        the tokens out."""
        lp = self._pick(i, [n for n in LPS if self.m.positions[n].shares > self.m.positions[n].frozen])
        position = self.m.positions[lp]
        available = position.shares - position.frozen
        shares = {
            "part": available * part // 100,
            "all": available,
            "one": 1,
            "frozen too": position.shares,
            "more than free": available + 1,
            "zero": 0,
        }[kind]
        self._withdraw(lp, shares)

    @precondition(lambda self: self.m.tsla.balance < 0)
    @rule(
        action=st.sampled_from(("deposit", "withdraw")),
        lp=st.sampled_from(("alice", "bob", "carol")),
        part=st.integers(1, 100),
        stale=st.booleans(),
    )
    def lp_acts_in_deficit(self, action: str, lp: str, part: int, stale: bool) -> None:
        """With the TSLA tranche in deficit, a verified LP deposits (priced at the oracle: refused if the tranche
        is worth nothing in tokens) or withdraws part of its shares (tokens kept against its part of the
        deficit), just after the prices were confirmed or with them older than the value age (refused)."""
        if stale:
            self.time_passes(VALUE_AGE + 1)
        else:
            self._post({f: self.m.feeds[f].price for f in (TSLA_FEED, NVDA_FEED)}, self.m.feeds[TSLA_FEED].status)
        if action == "deposit":
            self._deposit(lp, max(1, self.m.tokens[lp] * part // 100))
        else:
            position = self.m.positions[lp]
            self._withdraw(lp, max(1, (position.shares - position.frozen) * part // 100))

    def _deposit(self, lp: str, amount: int) -> None:
        tr = self.token.address

        def predict(m: Model, t: int) -> int:
            tranche, position = m.tsla, m.positions[lp]
            if amount == 0:
                raise ModelRevert("StockCapitalZeroAmount")
            if lp not in self.e.verified:
                raise ModelRevert("StockCapitalNotVerified", tr, self.w[lp])
            if lp in m.frozen:
                raise ModelRevert("StockCapitalWalletFrozen", tr, self.w[lp])
            if amount > m.tokens[lp]:
                raise ModelRevert("EquityTokenInsufficientUnfrozenBalance", self.w[lp], m.tokens[lp], amount)
            price = _price(m, tranche, t) if tranche.balance != 0 else 0
            shares = shares_for_deposit(
                amount, tranche.tokens, tranche.total_shares, tranche.balance, price, tranche.decimals
            )
            if shares == 0:
                if tranche.balance < 0:
                    raise ModelRevert("StockCapitalTrancheInsolvent", tr, tranche.balance)
                raise ModelRevert("StockCapitalZeroAmount")
            position.shares += shares
            position.unlock_at = t + LOCK
            position.debt = debt_after_deposit(position.debt, shares, tranche.index)
            m.share_changes += tranche.index != 0
            tranche.tokens += amount
            tranche.total_shares += shares
            m.tokens[lp] -= amount
            m.tokens["capital"] += amount
            return shares

        before = self._tranche_now()
        receipt, shares = self._transact(self.capital.functions.deposit(tr, amount), self.w[lp], predict)
        if receipt is None:
            return
        (event,) = self.evm.events(receipt, self.capital, "Deposited")
        assert (event["lp"], event["amount"], event["shares"]) == (self.w[lp], amount, shares)
        self._check_share_value(before, self._tranche_now(), 0)
        self.seen["deposit"] += 1
        self.seen["deposit priced with a balance"] += self.m.tsla.balance != 0

    def _withdraw(self, lp: str, shares: int) -> None:
        tr = self.token.address

        def predict(m: Model, t: int) -> tuple[int, ...]:
            unlock_at = m.positions[lp].unlock_at
            if t < unlock_at:
                raise ModelRevert("StockCapitalLocked", tr, self.w[lp], unlock_at)
            return self._redeem(m, t, lp, shares, lp, respect_frozen=True)

        before = self._tranche_now()
        receipt, result = self._transact(self.capital.functions.withdraw(tr, shares), self.w[lp], predict)
        if receipt is None:
            return
        self._check_redemption(receipt, lp, lp, shares, result)
        self._check_share_value(before, self._tranche_now(), shares)
        self.seen["withdraw"] += 1

    def _check_redemption(self, receipt: TxReceipt, lp: str, to: str, shares: int, result: tuple[int, ...]) -> None:
        out, paid, kept = result
        (event,) = self.evm.events(receipt, self.capital, "Withdrawn")
        got = (event["lp"], event["to"], event["shares"], event["tokensOut"], event["stablePaid"], event["tokensKept"])
        assert got == (self.w[lp], self.w[to], shares, out, paid, kept), f"Withdrawn {got}, model {result}"
        self.seen["redemption kept tokens"] += kept > 0
        self.seen["redemption paid stablecoin"] += paid > 0
        self.seen["redemption sent nothing"] += out == 0

    # ---- the pool and the oracle ----

    @rule(result=RESULTS, fresh=st.sampled_from((True, True, False)))
    def book(self, result: int, fresh: bool) -> None:
        """The pool books a gain or a loss (mostly just after the reporters confirm the prices, as at an epoch's
        settlement): spread over the tranches pro rata to their risk values (a gain rounded down, a loss up);
        refused without risk capital. A tranche's loss deepens its balance; its gain first covers a deficit, then
        raises the income index of its shares (the balance when it has none)."""
        if fresh:
            self._post({f: self.m.feeds[f].price for f in (TSLA_FEED, NVDA_FEED)}, self.m.feeds[TSLA_FEED].status)

        def predict(m: Model, t: int) -> tuple[list[tuple[str, int, int, int]], int]:
            if result == 0:
                return [], 0
            risks = [(tranche, _risk(m, tranche, t)) for tranche in (m.tsla, m.nvda)]
            total = sum(risk for _, risk in risks)
            if total == 0:
                raise ModelRevert("StockCapitalNoRiskCapital", result)
            parts = []
            for tranche, risk in risks:
                if risk == 0:
                    continue
                part = spread(result, risk, total)
                balance, index = book_part(part, tranche.balance, tranche.index, tranche.total_shares)
                if tranche.balance < 0 and balance == 0:
                    tranche.auction_start = 0  # the gain settled the deficit: its auction is over
                if index != tranche.index:  # income: what the real shares' increments do not add up to
                    income = part - (balance - tranche.balance)
                    m.unallocated += income - Fraction((index - tranche.index) * tranche.total_shares, INCOME_PRECISION)
                    self.seen["income booked"] += 1
                tranche.balance, tranche.index = balance, index
                m.total_balance += part
                parts.append((tranche.address, part, balance, index))
            return parts, total

        receipt, expected = self._transact(self.pool.functions.bookResult(result), self.sd.admin, predict)
        if receipt is None:
            return
        parts, total = expected
        booked = [
            (e["token"], e["resultUsd"], e["usdBalance"], e["incomePerShare"])
            for e in self.evm.events(receipt, self.capital, "TrancheResultBooked")
        ]
        assert booked == parts, f"booked {booked}, model {parts}"
        results = self.evm.events(receipt, self.capital, "ResultBooked")
        assert [(e["resultUsd"], e["totalRisk"]) for e in results] == ([(result, total)] if result else [])
        if result < 0:
            assert sum(p for _, p, _, _ in parts) <= result, "a loss was booked below its amount"
        self.seen["book gain" if result > 0 else "book loss" if result < 0 else "book zero"] += 1
        self.seen["tranche in deficit"] += self.m.tsla.balance < 0

    @rule(
        which=st.sampled_from(("both", "both", "tsla", "nvda")),
        moves=st.tuples(st.sampled_from(MOVES), st.sampled_from(MOVES)),
        status=st.sampled_from((MarketStatus.OPEN, MarketStatus.OPEN, MarketStatus.CLOSED, MarketStatus.HALTED)),
    )
    def move_prices(self, which: str, moves: tuple[int, int], status: MarketStatus) -> None:
        """New reports (within the oracle's jump band); TSLA's venue open, closed or halted. Reporting one feed
        only leaves the other to age."""
        feeds = {"both": (TSLA_FEED, NVDA_FEED), "tsla": (TSLA_FEED,), "nvda": (NVDA_FEED,)}[which]
        prices = {}
        for feed, move in zip((TSLA_FEED, NVDA_FEED), moves, strict=True):
            if feed in feeds:
                low, high = PRICE_BOUNDS[feed]
                prices[feed] = min(high, max(low, self.m.feeds[feed].price * move // BPS))
        self._post(prices, status)
        self.seen[f"tsla {status.name.lower()}" if TSLA_FEED in feeds else "nvda price"] += 1

    @rule(seconds=st.sampled_from((400, 4_000, 15, 700, 1_800)))
    def time_passes(self, seconds: int) -> None:
        """Locks end (600 s), auctions run down (an hour) and prices age past the value age (an hour)."""
        self.now += seconds
        self.evm.mine(self.now)

    # ---- income ----

    @rule(i=st.integers(0, 63), nvda=st.sampled_from((False, False, False, True)))
    def collect(self, i: int, nvda: bool) -> None:
        """An LP (mostly one with a stablecoin unit of income or more; dave and erin too, whose income is not
        TSLA) collects its pending income of the TSLA tranche, or bob of NVDA: paid by the pool in whole USDC
        units, rounded down (the rest stays owed); refused with less than one unit."""
        if nvda:
            lp, token, tranche = "bob", self.e.nvda.address, "nvda"
        else:
            owed = [n for n in LPS if self.m.positions[n].pending(self.m.tsla.index) >= USD_PER_STABLE_UNIT]
            lp, token, tranche = self._pick(i, owed), self.token.address, "tsla"

        def predict(m: Model, t: int) -> int:
            index = m.nvda.index if tranche == "nvda" else m.tsla.index
            position = m.bob_nvda if tranche == "nvda" else m.positions[lp]
            paid = position.pending(index) // USD_PER_STABLE_UNIT
            if paid == 0:
                raise ModelRevert("StockCapitalNothingToCollect", token, self.w[lp])
            position.debt += paid * USD_PER_STABLE_UNIT
            m.total_balance -= paid * USD_PER_STABLE_UNIT
            m.cash["pool"] -= paid
            m.cash[lp] += paid
            return paid

        receipt, paid = self._transact(self.capital.functions.collect(token), self.w[lp], predict)
        if receipt is None:
            return
        (event,) = self.evm.events(receipt, self.capital, "IncomeCollected")
        assert (event["token"], event["lp"], event["paid"]) == (token, self.w[lp], paid)
        self.seen["income collected"] += 1
        self.seen[f"income collected by {lp}"] += lp in ("dave", "erin")

    # ---- the auction ----

    @precondition(lambda self: self.m.tsla.balance < 0 or self.m.tsla.auction_start != 0)
    @rule(
        bidder=st.sampled_from((*WALLETS, "alice", "bob", "carol")),
        amount=st.sampled_from((1_000 * TSLA_UNIT, TSLA_UNIT, 5 * TSLA_UNIT, 1, 0)),
        limit=st.sampled_from(("ample", "exact", "ample", "below")),
        start=st.booleans(),
    )
    def auction(self, bidder: str, amount: int, limit: str, start: bool) -> None:
        """With the TSLA tranche in deficit (or an auction started): a wallet starts the auction (refused without
        a deficit or while one runs), then bids a thousand tokens (all it takes to cover the deficit), one, five,
        one raw unit or none, with a cost limit ample, at the cost, or one unit below."""
        if start or self.m.tsla.auction_start == 0:
            self._start_auction(bidder)
        self._bid(bidder, amount, limit)

    @precondition(lambda self: self.m.tsla.balance < 0)
    @rule(bidder=st.sampled_from(("alice", "bob", "carol")), wait=st.sampled_from((1_800, 0, 3_000)))
    def bid_for_the_deficit(self, bidder: str, wait: int) -> None:
        """A verified wallet runs the auction to settle the deficit: starts it unless one runs, waits for a
        discount, has the prices confirmed, and bids for every token the deficit takes."""
        start_at = self.m.tsla.auction_start
        if start_at == 0 or self.now + 1 > start_at + DURATION:
            self._start_auction(bidder)
        self.now += wait
        self._post({f: self.m.feeds[f].price for f in (TSLA_FEED, NVDA_FEED)}, self.m.feeds[TSLA_FEED].status)
        self._bid(bidder, 1_000 * TSLA_UNIT, "ample")

    def _start_auction(self, caller: str) -> None:
        tr = self.token.address

        def predict(m: Model, t: int) -> tuple[int, int]:
            tranche = m.tsla
            if tranche.balance >= 0:
                raise ModelRevert("StockCapitalNoDeficit", tr, tranche.balance)
            if tranche.auction_start != 0 and t <= tranche.auction_start + DURATION:
                raise ModelRevert("StockCapitalAuctionActive", tr, tranche.auction_start + DURATION)
            tranche.auction_start = t
            return tranche.balance, t + DURATION

        receipt, started = self._transact(self.capital.functions.startAuction(tr), self.w[caller], predict)
        if receipt is not None:
            (event,) = self.evm.events(receipt, self.capital, "AuctionStarted")
            assert (event["usdBalance"], event["endsAt"]) == started
            self.seen["auction started"] += 1

    def _bid(self, bidder: str, amount: int, limit: str) -> None:
        tr = self.token.address

        def predict_bid(m: Model, t: int, max_cost: int | None) -> tuple[int, int, int, int]:
            tranche = m.tsla
            if amount == 0:
                raise ModelRevert("StockCapitalZeroAmount")
            start_at = tranche.auction_start
            if tranche.balance >= 0 or start_at == 0 or t > start_at + DURATION:
                raise ModelRevert("StockCapitalAuctionNotActive", tr)
            price = auction_price(_price(m, tranche, t), DEFAULT_AUCTION, t - start_at)
            covering = tokens_for_deficit(-tranche.balance, price, tranche.decimals)
            bought = min(amount, covering, tranche.tokens)
            if bought == 0:
                raise ModelRevert("StockCapitalZeroAmount")
            cost = auction_cost(price, bought, tranche.decimals, SETTLEMENT_DECIMALS)
            if max_cost is not None and cost > max_cost:
                raise ModelRevert("StockCapitalCostAboveLimit", cost, max_cost)
            self._require_can_receive(m, bidder)
            paid = cost * USD_PER_STABLE_UNIT
            tranche.balance += paid
            tranche.tokens -= bought
            if tranche.balance >= 0:
                tranche.auction_start = 0
            m.total_balance += paid
            m.cash[bidder] -= cost
            m.cash["pool"] += cost
            m.tokens["capital"] -= bought
            m.tokens[bidder] += bought
            return bought, price, cost, tranche.balance

        max_cost = 10**15
        if limit != "ample":
            try:
                cost = predict_bid(copy.deepcopy(self.m), self.now + 1, None)[2]
                max_cost = cost if limit == "exact" else cost - 1
            except ModelRevert:
                pass
        call = self.capital.functions.bid(tr, amount, max_cost)
        receipt, bid = self._transact(call, self.w[bidder], lambda m, t: predict_bid(m, t, max_cost))
        if receipt is None:
            return
        (event,) = self.evm.events(receipt, self.capital, "AuctionBid")
        got = (event["bidder"], event["amount"], event["price"], event["cost"], event["usdBalance"])
        assert got == (self.w[bidder], *bid), f"AuctionBid {got}, model {bid}"
        self.seen["bid"] += 1
        self.seen["deficit settled by a bid"] += self.m.tsla.balance >= 0

    # ---- the agent ----

    def _agent_amount(self, i: int, kind: str) -> tuple[str, int]:
        """A position (mostly one with shares) and part, all, more than all or none of its shares."""
        lp = self._pick(i, [n for n in LPS if self.m.positions[n].shares > 0])
        shares = self.m.positions[lp].shares
        part = i % 99 + 1
        return lp, {"part": shares * part // 100, "all": shares, "more": shares + 1, "zero": 0}[kind]

    @rule(i=st.integers(0, 63), kind=st.sampled_from(AGENT_KINDS), to=st.sampled_from(SEIZE_TO))
    def seize(self, i: int, kind: str, to: str) -> None:
        """The TSLA agent seizes part, all, more than all or none of a position (its frozen part first, whatever
        the lock) to a verified, unverified or frozen wallet, or to zero: refused unless the recipient may hold
        the tokens out."""
        self._seize(i, kind, to, self.e.agent)

    @rule(
        action=st.sampled_from(("freeze", "wallet", "not agent")),
        i=st.integers(0, 63),
        kind=st.sampled_from(AGENT_KINDS),
    )
    def agent_acts(self, action: str, i: int, kind: str) -> None:
        """The TSLA agent freezes part, all, more than all or none of a position; or freezes or unfreezes carol's
        wallet on the token; or a wallet that is not an agent (alice) tries to seize or freeze."""
        if action == "wallet":
            frozen = "carol" not in self.m.frozen
            self._send(self.token.functions.setAddressFrozen(self.w["carol"], frozen), self.e.agent)
            (self.m.frozen.add if frozen else self.m.frozen.discard)("carol")
            self.seen["carol frozen" if frozen else "carol unfrozen"] += 1
            return
        if action == "not agent" and i % 2:
            self._seize(i, kind, "carol", self.w["alice"])
            return
        tr = self.token.address
        lp, amount = self._agent_amount(i, kind)
        sender = self.e.agent if action == "freeze" else self.w["alice"]

        def predict_freeze(m: Model, t: int) -> None:
            if sender != self.e.agent:
                raise ModelRevert("StockCapitalNotAgent", tr, sender)
            position = m.positions[lp]
            if amount > position.shares:
                raise ModelRevert("StockCapitalInsufficientShares", tr, self.w[lp], position.shares, amount)
            position.frozen = amount

        receipt, _ = self._transact(self.capital.functions.setFrozen(tr, self.w[lp], amount), sender, predict_freeze)
        if receipt is not None:
            (event,) = self.evm.events(receipt, self.capital, "PositionFrozen")
            assert (event["lp"], event["agent"], event["shares"]) == (self.w[lp], sender, amount)
            self.seen["position frozen"] += 1

    def _seize(self, i: int, kind: str, to: str, sender: str) -> None:
        tr = self.token.address
        lp, amount = self._agent_amount(i, kind)
        recipient = ZERO if to == "zero" else self.w[to]

        def predict(m: Model, t: int) -> tuple[int, ...]:
            if sender != self.e.agent:
                raise ModelRevert("StockCapitalNotAgent", tr, sender)
            if to == "zero":
                raise ModelRevert("StockCapitalZeroAddress")
            return self._redeem(m, t, lp, amount, to, respect_frozen=False)

        before = self._tranche_now()
        call = self.capital.functions.seize(tr, self.w[lp], amount, recipient)
        receipt, result = self._transact(call, sender, predict)
        if receipt is None:
            return
        (event,) = self.evm.events(receipt, self.capital, "PositionSeized")
        assert (event["lp"], event["agent"], event["to"], event["shares"]) == (self.w[lp], sender, recipient, amount)
        self._check_redemption(receipt, lp, to, amount, result)
        self._check_share_value(before, self._tranche_now(), amount)
        self.seen["seize"] += 1
        self.seen[f"seize to {to}"] += 1

    # ---- a donation ----

    @precondition(lambda self: self.m.donated < 2 * TSLA_UNIT)  # a few per example
    @rule(donor=st.sampled_from(("alice", "bob")), amount=st.sampled_from((1, TSLA_UNIT + 7)))
    def donate(self, donor: str, amount: int) -> None:
        """A holder sends TSLA straight to StockCapital: never credited to any tranche."""
        if self.m.tokens[donor] < amount:
            return
        self._send(self.token.functions.transfer(self.capital.address, amount), self.w[donor])
        self.m.tokens[donor] -= amount
        self.m.tokens["capital"] += amount
        self.m.donated += amount
        self.seen["donation"] += 1

    # ---- invariants ----

    @invariant()
    def books_balances_and_shares_hold(self) -> None:
        m, c = self.m, self._decode(self._state())
        # 6. the model: tranches, positions (with their pending income), wallets
        for name, tranche, view in (("tsla", m.tsla, c.tsla), ("nvda", m.nvda, c.nvda)):
            got = view[4:9]
            want = (tranche.tokens, tranche.total_shares, tranche.balance, tranche.auction_start, tranche.index)
            assert got == want, f"{name} tranche (tokens, shares, balance, auction, index) {got}, model {want}"
        model_positions = {**m.positions, "bob nvda": m.bob_nvda}
        for name, position in model_positions.items():
            index = m.nvda.index if name == "bob nvda" else m.tsla.index
            pending = position.pending(index)
            want_position = (position.shares, position.frozen, position.unlock_at, pending)
            assert c.positions[name] == want_position, f"{name}'s position {c.positions[name]}, model {position}"
            assert c.pending[name] == pending, f"{name}'s pending income {c.pending[name]}, model {pending}"
        assert c.tokens == m.tokens, f"TSLA balances {c.tokens}, model {m.tokens}"
        assert c.cash == m.cash, f"USDC balances {c.cash}, model {m.cash}"
        # 1. StockCapital holds its books, and the donations besides (never credited)
        assert c.tokens["capital"] == c.tsla[4] + m.donated >= c.tsla[4]
        assert c.nvda_held == c.nvda[4]
        # 2. shares add up; frozen within shares
        assert sum(c.positions[name][0] for name in LPS) == c.tsla[5]
        assert c.positions["bob nvda"][0] == c.nvda[5]
        assert all(p[1] <= p[0] for p in c.positions.values())
        # 3. the wallets that may not hold TSLA hold what they held at the start
        for name in ("dave", "erin", "stranger"):
            assert c.tokens[name] == self.start_tokens[name], f"{name}'s TSLA moved: {c.tokens[name]}"
        # 5. books: what the pool owes StockCapital covers the balances and every LP's income, and exceeds them
        # by at most the income no real share earns (exact) plus one USD-wei per change of shares and per position
        assert c.total_balance == m.total_balance
        unallocated = c.total_balance - c.tsla[6] - c.nvda[6] - sum(c.pending.values())
        bound = m.unallocated + m.share_changes + len(c.pending)
        assert 0 <= unallocated <= bound, f"books: {unallocated} USD-wei unallocated, bound {float(bound)}"
        self.seen["max unallocated"] = max(self.seen["max unallocated"], unallocated)


def _settings() -> Any:
    # `default` (make test): 30 examples of up to 40 steps; `fuzz` (make fuzz): a quarter of its examples at its
    # own step count (every step is a few transactions and a batch of reads on the node).
    profile = settings.default
    if profile.max_examples <= 100:
        return settings(profile, max_examples=30, stateful_step_count=40)
    return settings(profile, max_examples=profile.max_examples // 4)


def test_stock_capital_state_machine__lps_pool_auction_agent__books_shares_and_value_hold(
    capital_env: CapitalEnv,
) -> None:
    CapitalMachine.env = capital_env
    CapitalMachine.seen = Counter()
    run_state_machine_as_test(CapitalMachine, settings=_settings())
    print(dict(CapitalMachine.seen))
    paths = (
        "deposit",
        "deposit priced with a balance",
        "withdraw",
        "redemption kept tokens",
        "seize",
        "bid",
        "deficit settled by a bid",
        "donation",
        "refused StockCapitalNotVerified",
        "refused StockCapitalWalletFrozen",
        "refused StockCapitalLocked",
        "refused StockCapitalPriceUnusable",
        "refused StockCapitalTrancheInsolvent",
    )
    assert min(CapitalMachine.seen[k] for k in paths) > 0, CapitalMachine.seen
