"""MarginVault stateful suite (hypothesis): several actors, four assets, a market, prices, time and liquidations.

Actors: alice (US) and bob (DE), verified TSLA holders; ``stranger``, with no identity, who opens accounts
and pledges the unpermissioned assets; two liquidators, bob (verified) and ``keeper`` (unverified); the TSLA
agent (freeze, seize, pause); the insurance's own (unverified) wallet. Assets: USDC (6 decimals, the
settlement asset, an account's cash), WBTC (8, with a size discount), WETH (18, with a vault-wide cap) and the
TSLA stock token (18, a closed-market haircut). The MockMarket opens risk, moves positions' PnL and realises
PnL and fees; the reporters move prices (TSLA's venue open, closed or halted); time passes (stale prices, an
oracle outage; debt interest).

Every transaction is placed at an explicit block time, and its outcome is predicted by a Python model of the
vault (books and credits, cash, debt shares and the debt index, each account's asset list in the vault's
order, prices and what they may be used for, both valuations, the liquidation's close and sale): it must be
the model's, a success or the exact custom error, never a raw panic. After every step, through one batch of
plain ``eth_call``s:

1. books: for every asset, the vault's token balance >= ``totalBooked`` == the sum of the accounts' booked
   balances (USDC: every account's cash plus the credits of the counterparty, the insurance and the fee
   recipient), and == the model's;
2. cash: every account's cash and debt equal the model's (its own deposits, withdrawals and profits, its own
   losses and fees from its cash first, debt for the rest, the debt's interest); no account has cash and
   debt at once;
3. no TSLA unit ever reaches an unverified wallet (stranger, keeper, insurance, agent, fee recipient);
4. no healthy account is liquidatable: maintenance health >= 1 means ``isLiquidatable`` is false and
   ``liquidate`` reverts ``MarginVaultNotLiquidatable`` (``MarginVaultPriceUnusable`` while a price is out);
5. every account below maintenance with usable prices (no sequencer sentinel here) is liquidatable, and
   ``liquidate`` passes that gate;
6. (checked right after each successful withdrawal of an account with a position or debt) its initial
   valuation has backing >= owed.

Besides, both valuations of every account (``healthOf``), its asset list and markets, and the total debt
equal the model's.

Profiles: the suite takes its size from the loaded hypothesis profile (tests/conftest.py): ``default`` (in
``make test``) runs a few short examples; ``fuzz`` (``make fuzz``) runs a third of its examples at its full
step count.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from eth_abi.abi import decode as abi_decode
from eth_utils.abi import get_abi_output_types
from eth_utils.address import to_checksum_address
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
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from dualtrack.chain import Chain, Reverted
from dualtrack.margin import (
    BPS,
    MAX_ACCOUNTS_PER_WALLET,
    WAD,
    AssetConfig,
    LiquidationConfig,
    effective_weight_bps,
    grow_debt_index,
    health_factor,
    liquidation_split,
    max_repay,
    penalty_bps,
    value_of,
)
from dualtrack.market import MarketStatus
from dualtrack.oracle import Outcome, outcome_of, submit_at
from tests.margin.conftest import (
    AGES,
    BTC_FEED,
    ETH_FEED,
    THRESHOLD,
    TSLA_FEED,
    TSLA_UNIT,
    UNIT_MULTIPLIERS,
    USDC_UNIT,
    WBTC_UNIT,
    WETH_UNIT,
    Desk,
    usd,
)
from tests.suite_fixtures import Actors
from tests.support import DAY, ZERO

GAS = 4_000_000  # fixed: an estimate would run at another block time
MAX_REPAY = 2**255
OPEN_AGE, VALUE_AGE, LIQUIDATE_AGE, TOKENIZED_AGE = AGES
USD_PER_CASH_UNIT = 10**12  # USD (18 decimals) per raw USDC unit
WETH_CAP = 150 * WETH_UNIT
WBTC_DEPTH = 2 * WBTC_UNIT
WBTC_SIZE_DISCOUNT_BPS = 2_000
FEEDS = (TSLA_FEED, BTC_FEED, ETH_FEED)
PRICE_BOUNDS = {
    TSLA_FEED: (usd(40), usd(1_000)),
    BTC_FEED: (usd(10_000), usd(200_000)),
    ETH_FEED: (usd(500), usd(9_000)),
}
START_PRICES = {TSLA_FEED: usd(250), BTC_FEED: usd(60_000), ETH_FEED: usd(3_000)}
ASSETS = ("usdc", "wbtc", "weth", "tsla")
# Raw amounts a deposit picks from (kind 1..4; kind 0 is zero, kind 5 one more than the wallet holds).
DEPOSITS = {
    "usdc": (1, 500 * USDC_UNIT, 5_000 * USDC_UNIT, 60_000 * USDC_UNIT),
    "wbtc": (1, WBTC_UNIT // 20, WBTC_UNIT // 2, 3 * WBTC_UNIT),
    "weth": (1, WETH_UNIT // 2, 5 * WETH_UNIT, 60 * WETH_UNIT),
    "tsla": (1, 2 * TSLA_UNIT, 10 * TSLA_UNIT, 40 * TSLA_UNIT),
}
VALUE, RISK, MAINTENANCE = "value", "risk", "maintenance"
MAX_ACCOUNTS = 8  # the insurance's included: each account costs reads after every step


class ModelRevert(Exception):  # noqa: N818 - the model's prediction of a revert
    """The model predicts a revert with this custom error (and these arguments, unless None)."""

    def __init__(self, name: str, *args: Any, check_args: bool = True) -> None:
        super().__init__(name, *args)
        self.name = name
        self.expected: tuple[Any, ...] | None = args if check_args else None

    def __str__(self) -> str:
        return f"{self.name}{self.expected!r}"


# --------------------------------------------------------------------------- the environment


@dataclass(frozen=True)
class AssetRule:
    """One asset as the vault lists it (USDC: the settlement asset)."""

    name: str
    token: Contract
    decimals: int
    feed: bytes
    weight: int
    liquidation_weight: int
    closed_haircut: int
    size_discount: int
    depth: int
    cap: int
    is_stock: bool

    @property
    def address(self) -> str:
        return str(self.token.address)


@dataclass
class Env:
    desk: Desk
    alice: str
    bob: str
    stranger: str
    keeper: str  # an unverified liquidator
    agent: str
    fees: str  # the fee recipient
    insurance: str
    insurance_account: int
    absorber: Contract
    rules: dict[str, AssetRule]
    liquidation: LiquidationConfig
    profit_share_bps: int
    verified: frozenset[str]
    reader: Reader

    @property
    def unverified(self) -> tuple[str, ...]:
        return (self.stranger, self.keeper, self.insurance, self.agent, self.fees)


@dataclass(frozen=True)
class Read:
    contract: Contract
    fn: str
    args: tuple[Any, ...] = ()
    sender: str | None = None


class Reader:
    """Plain ``eth_call``s sent as one JSON-RPC batch (calldata encoded once), decoded like web3 would; a
    revert is returned as its decoded :class:`Reverted`."""

    def __init__(self, evm: Chain) -> None:
        self.evm = evm
        self._encoded: dict[tuple[Any, ...], tuple[str, list[str]]] = {}

    def run(self, reads: Sequence[Read]) -> list[Any]:
        requests: list[tuple[Any, Any]] = []
        specs: list[tuple[str, list[str]]] = []
        for read in reads:
            key = (read.contract.address, read.fn, read.args)
            if key not in self._encoded:
                data = read.contract.encode_abi(read.fn, args=list(read.args))
                types = list(get_abi_output_types(read.contract.get_function_by_name(read.fn).abi))
                self._encoded[key] = (data, types)
            data, types = self._encoded[key]
            tx: dict[str, Any] = {"to": read.contract.address, "data": data, "gas": hex(GAS)}
            if read.sender:
                tx["from"] = read.sender
            requests.append(("eth_call", [tx, "latest"]))
            specs.append((data, types))
        responses = self.evm.w3.provider.make_batch_request(requests)  # type: ignore[attr-defined]
        assert isinstance(responses, list) and len(responses) == len(reads), responses
        out: list[Any] = []
        for (_, types), response in zip(specs, responses, strict=True):
            if "error" in response:
                raw = str(response["error"].get("data") or "0x")
                out.append(self.evm.errors.decode(bytes.fromhex(raw[2:])))
                continue
            values = abi_decode(types, bytes.fromhex(str(response["result"])[2:]))
            out.append(values[0] if len(values) == 1 else values)
        return out

    def one(self, contract: Contract, fn: str, *args: Any) -> Any:
        return self.run([Read(contract, fn, args)])[0]


# --------------------------------------------------------------------------- the model


@dataclass
class Position:
    """The account's MockMarket position (USD, 18 decimals)."""

    profit: int
    loss: int
    im: int
    mm: int


@dataclass
class Account:
    id: int
    owner: str
    cash: int = 0
    shares: int = 0
    holdings: dict[str, list[int]] = field(default_factory=dict)  # asset -> [balance, frozen]
    order: list[str] = field(default_factory=list)  # the vault's `assetsOf` order
    position: Position | None = None  # None: not in the market

    def balance(self, name: str) -> int:
        return self.holdings.get(name, [0, 0])[0]

    def frozen(self, name: str) -> int:
        return self.holdings.get(name, [0, 0])[1]


@dataclass
class Feed:
    price: int  # USD per whole token (18 decimals); multipliers stay 1x
    observed_at: int = 0
    status: MarketStatus = MarketStatus.UNKNOWN


@dataclass(frozen=True)
class Valuation:
    collateral: int
    cash: int
    profit: int
    loss: int
    debt: int
    requirement: int
    health: int
    unusable: str | None  # the first asset (in the account's order) whose price cannot be used

    @property
    def backing(self) -> int:
        return self.collateral + self.cash + self.profit

    @property
    def owed(self) -> int:
        return self.debt + self.loss + self.requirement


@dataclass(frozen=True)
class Sale:
    repaid: int
    seized: int
    to_insurance: int
    health: int


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass
class Model:
    """The vault's books as the suite expects them (plain data: deep-copied for each prediction)."""

    index: int
    last_accrual: int
    apr: int
    total_shares: int
    credits: dict[str, int]
    booked: dict[str, int]
    accounts: dict[int, Account]
    feeds: dict[bytes, Feed]
    tsla_paused: bool = False  # by the token's agent
    frozen_wallets: set[str] = field(default_factory=set)  # on the token, by its agent
    vault_paused: tuple[bool, bool] = (False, False)  # deposits, new risk (the guardian)
    asset_paused: dict[str, tuple[bool, bool]] = field(default_factory=dict)

    def deposits_paused(self, name: str) -> bool:
        return self.vault_paused[0] or self.asset_paused.get(name, (False, False))[0]

    # ---- debt (DebtMath) ----

    def current_index(self, t: int) -> int:
        return grow_debt_index(self.index, self.apr, t - self.last_accrual)

    def debt(self, account: Account, t: int) -> int:
        return _ceil_div(account.shares * self.current_index(t), WAD) if account.shares else 0

    def accrue(self, t: int) -> None:
        elapsed = t - self.last_accrual
        if elapsed == 0:
            return
        self.last_accrual = t
        if self.total_shares == 0 or self.apr == 0:
            return
        self.index = grow_debt_index(self.index, self.apr, elapsed)

    def credit_cash(self, account: Account, amount: int, t: int, counterparty: str) -> None:
        """Cash in: the debt first (to the counterparty's credit), the rest to the account's cash."""
        if account.shares:
            self.accrue(t)
            debt = _ceil_div(account.shares * self.index, WAD)
            repay = min(amount, debt)
            burned = account.shares if repay == debt else repay * WAD // self.index
            account.shares -= burned
            self.total_shares -= burned
            self.credits[counterparty] += repay
            amount -= repay
        account.cash += amount

    def charge(self, account: Account, amount: int, t: int) -> int:
        """A loss or fee: the account's own cash first, debt for the rest; returns what the cash paid."""
        from_cash = min(amount, account.cash)
        account.cash -= from_cash
        to_debt = amount - from_cash
        if to_debt:
            self.accrue(t)
            shares = _ceil_div(to_debt * WAD, self.index)
            account.shares += shares
            self.total_shares += shares
        return from_cash

    # ---- holdings ----

    @staticmethod
    def add_holding(account: Account, name: str, amount: int) -> None:
        holding = account.holdings.setdefault(name, [0, 0])
        if holding[0] == 0:
            account.order.append(name)
        holding[0] += amount

    @staticmethod
    def remove_holding(account: Account, name: str, amount: int, address: str, *, respect_frozen: bool) -> None:
        balance, frozen = account.holdings.get(name, [0, 0])
        available = balance - frozen if respect_frozen else balance
        if available < amount:
            raise ModelRevert("MarginVaultInsufficientBalance", account.id, address, available, amount)
        balance -= amount
        if not respect_frozen:
            frozen = frozen - amount if frozen > amount else 0
        account.holdings[name] = [balance, frozen]
        if balance == 0:
            if name in account.order:
                last = account.order.pop()
                if last != name:
                    account.order[account.order.index(name)] = last
            elif not account.order:
                raise AssertionError("the model removed an asset from an account without any")


# --------------------------------------------------------------------------- the machine


class MarginMachine(RuleBasedStateMachine):
    env: ClassVar[Env]
    seen: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        e = self.e = type(self).env
        self.desk, self.evm, self.reader = e.desk, e.desk.evm, e.reader
        self.vault, self.market = e.desk.vault, e.desk.market
        self.rules = e.rules
        self.snapshot = self.evm.snapshot()
        self.now = self.evm.timestamp()
        self.m = self._read_start()

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    def _read_start(self) -> Model:
        """The fixture's books: only the counterparty's credit and the insurance's (empty) account."""
        (_, _, apr, index), usdc_booked = self.reader.run(
            [Read(self.vault, "riskSettings"), Read(self.vault, "totalBooked", (self.rules["usdc"].address,))]
        )
        lp_credit = self.reader.one(self.vault, "creditOf", self.desk.lp)
        assert apr == 0 and usdc_booked == lp_credit
        e = self.e
        return Model(
            index=index,
            last_accrual=self.now,  # unknown, but without debt the first accrual only sets it
            apr=0,
            total_shares=0,
            credits={self.desk.lp: lp_credit, e.insurance: 0, e.fees: 0},
            booked={name: usdc_booked if name == "usdc" else 0 for name in ASSETS},
            accounts={e.insurance_account: Account(e.insurance_account, e.insurance)},
            feeds={feed: Feed(START_PRICES[feed]) for feed in FEEDS},
        )

    # ---- transactions ----

    def _transact(
        self, call: ContractFunction, sender: str, predict: Callable[[Model, int], Any]
    ) -> tuple[TxReceipt | None, Any]:
        """Predict ``call`` on a copy of the model at the next block time, send it there, and compare: the
        same custom error, or a success (then the copy becomes the model). Returns the receipt (None if
        refused) and the prediction's result."""
        t = self.now + 1
        trial = copy.deepcopy(self.m)
        expected: ModelRevert | None = None
        result: Any = None
        try:
            result = predict(trial, t)
        except ModelRevert as revert:
            expected = revert
        self.now = t
        try:
            receipt = self.evm.send_at(call, sender, t, gas=GAS)
        except Reverted as failure:
            assert failure.name not in ("", "Panic"), f"raw revert {failure} (the model expected {expected})"
            assert expected is not None, f"unexpected revert {failure}"
            assert failure.name == expected.name, f"expected {expected}, got {failure}"
            if expected.expected is not None:
                assert tuple(failure.args_) == expected.expected, f"expected {expected}, got {failure}"
            type(self).seen[f"refused {failure.name}"] += 1
            return None, None
        assert expected is None, f"expected {expected}, the call succeeded"
        self.m = trial
        return receipt, result

    def _mine(self, t: int) -> None:
        self.evm.mine(t)
        self.now = t

    def _account(self, i: int, suited: Sequence[int] = ()) -> Account:
        """Mostly an account suited to the rule (if any), sometimes any account (the error paths)."""
        if suited and i % 4:
            return self.m.accounts[suited[i % len(suited)]]
        ids = sorted(self.m.accounts)
        return self.m.accounts[ids[i % len(ids)]]

    def _wallet_balance(self, name: str, wallet: str) -> int:
        return int(self.reader.one(self.rules[name].token, "balanceOf", wallet))

    # ---- valuation (the vault's `_valuation`) ----

    def _valuation(self, m: Model, account: Account, t: int, kind: str) -> Valuation:
        cash = account.cash * USD_PER_CASH_UNIT
        debt = m.debt(account, t) * USD_PER_CASH_UNIT
        collateral = 0
        unusable: str | None = None
        for name in account.order:
            rule = self.rules[name]
            feed = m.feeds[rule.feed]
            age = max(0, t - feed.observed_at)
            sound = feed.observed_at != 0
            paused = rule.is_stock and m.tsla_paused
            if kind == MAINTENANCE:
                usable = feed.status in (MarketStatus.OPEN, MarketStatus.CLOSED) and age <= LIQUIDATE_AGE
            elif kind == RISK:
                # An exchange price fresh enough to open risk, or a weekend close (value-fresh, tokenized
                # reporting live: its age within the same hour here) at the closed haircut.
                open_price = feed.status == MarketStatus.OPEN and age <= OPEN_AGE
                weekend = feed.status == MarketStatus.CLOSED and age <= min(VALUE_AGE, TOKENIZED_AGE)
                usable = (open_price or weekend) and not paused
            else:
                usable = feed.status != MarketStatus.UNKNOWN and age <= VALUE_AGE
            if not (sound and usable):
                unusable = unusable or name
                continue
            if paused or (kind == RISK and m.asset_paused.get(name, (False, False))[1]):
                continue
            balance, frozen = account.holdings[name]
            weight = effective_weight_bps(
                rule.liquidation_weight if kind == MAINTENANCE else rule.weight,
                balance,
                rule.size_discount,
                rule.depth,
                rule.closed_haircut,
                feed.status != MarketStatus.OPEN,
            )
            collateral += value_of(feed.price, balance - frozen, rule.decimals) * weight // BPS
        profit = loss = requirement = 0
        if account.position is not None:
            position = account.position
            profit, loss = position.profit, position.loss
            requirement = position.mm if kind == MAINTENANCE else position.im
        if profit:
            profit = profit * self.e.profit_share_bps // BPS
        health = health_factor(collateral + cash + profit, debt + loss + requirement)
        return Valuation(collateral, cash, profit, loss, debt, requirement, health, unusable)

    def _require_initial(self, m: Model, account: Account, t: int, *, new_risk: bool) -> None:
        v = self._valuation(m, account, t, RISK if new_risk else VALUE)
        if v.backing >= v.owed:
            return
        if v.unusable is not None:
            rule = self.rules[v.unusable]
            raise ModelRevert("MarginVaultPriceUnusable", rule.address, rule.feed)
        equity = max(0, v.backing - v.debt - v.loss)
        raise ModelRevert("MarginVaultInsufficientMargin", account.id, equity, v.requirement)

    def _liquidatable(self, m: Model, account: Account, t: int) -> bool:
        v = self._valuation(m, account, t, MAINTENANCE)
        return v.unusable is None and v.health < WAD

    def _push_stock(self, m: Model, to: str) -> None:
        """The vault's `_pushOut` of TSLA: the token refuses, and the vault names why."""
        tsla = self.rules["tsla"].address
        if m.tsla_paused:
            raise ModelRevert("MarginVaultTokenPaused", tsla)
        if to in m.frozen_wallets:
            raise ModelRevert("MarginVaultWalletFrozen", tsla, to)
        if to not in self.e.verified:
            raise ModelRevert("MarginVaultNotVerified", tsla, to)

    # ---- setup ----

    @initialize(apr=st.sampled_from([0, 2_000, 10_000]), risk=st.sampled_from([30, 60, 85]))
    def portfolios(self, apr: int, risk: int) -> None:
        """Debt interest at ``apr``; prices; alice pledges TSLA and cash, bob WBTC and WETH, the stranger cash
        and WETH; each opens a position using ``risk`` percent of its initial backing."""
        e = self.e
        if apr:
            self._set_apr(apr)
        self._post_prices(START_PRICES, MarketStatus.OPEN, FEEDS)
        alice = self._open(e.alice)
        bob = self._open(e.bob)
        stranger = self._open(e.stranger)
        for account, name, amount in (
            (alice, "tsla", 20 * TSLA_UNIT),
            (alice, "usdc", 2_000 * USDC_UNIT),
            (bob, "wbtc", WBTC_UNIT // 2),
            (bob, "weth", 5 * WETH_UNIT),
            (stranger, "usdc", 3_000 * USDC_UNIT),
            (stranger, "weth", WETH_UNIT),
        ):
            self._deposit(account, name, amount, self.m.accounts[account].owner)
        self._post_prices({f: feed.price for f, feed in self.m.feeds.items()}, MarketStatus.OPEN, FEEDS)
        for account in (alice, bob, stranger):
            self._open_risk(self.m.accounts[account], risk, keep_pnl=False)

    def _set_apr(self, apr: int) -> None:
        def predict(m: Model, t: int) -> None:
            m.accrue(t)
            m.apr = apr

        receipt, _ = self._transact(self.vault.functions.setDebtInterestRate(apr), self.desk.admin, predict)
        assert receipt is not None

    def _open(self, wallet: str) -> int:
        owned = [a for a in self.m.accounts.values() if a.owner == wallet]

        def predict(m: Model, t: int) -> int:
            if len(owned) == MAX_ACCOUNTS_PER_WALLET:
                raise ModelRevert("MarginVaultTooManyAccounts", wallet, MAX_ACCOUNTS_PER_WALLET)
            account_id = max(m.accounts) + 1
            m.accounts[account_id] = Account(account_id, wallet)
            return account_id

        receipt, account_id = self._transact(self.vault.functions.openAccount(), wallet, predict)
        if receipt is None:
            return 0
        (event,) = self.evm.events(receipt, self.vault, "AccountOpened")
        assert (event["accountId"], event["owner"]) == (account_id, wallet)
        return int(account_id)

    # ---- prices and time ----

    def _post_prices(self, prices: dict[bytes, int], status: MarketStatus, feeds: Sequence[bytes]) -> None:
        """One report per feed, all observed at the next second, submitted in consecutive blocks."""
        at = self.now + 1
        for offset, feed in enumerate(feeds):
            reporter = self.desk.reporters[feed]
            feed_status = status if feed == TSLA_FEED else MarketStatus.OPEN
            report = reporter.report(at, feed_status, prices[feed], None, UNIT_MULTIPLIERS)
            receipt = submit_at(
                self.evm, self.desk.oracle, reporter.sign(report, THRESHOLD), self.desk.submitter, at + 1 + offset
            )
            assert outcome_of(self.evm, self.desk.oracle, receipt) == Outcome.ACCEPTED
            self.m.feeds[feed] = Feed(prices[feed], at, feed_status)
        self.now = at + len(feeds)

    @rule(
        which=st.sampled_from(["all", "all", "tsla", "crypto"]),
        moves=st.tuples(*[st.sampled_from([6_000, 8_500, 9_500, 10_000, 10_500, 12_000, 14_000])] * 3),
        status=st.sampled_from([MarketStatus.OPEN, MarketStatus.OPEN, MarketStatus.CLOSED, MarketStatus.HALTED]),
    )
    def move_prices(self, which: str, moves: tuple[int, int, int], status: MarketStatus) -> None:
        """New reports (moves within the oracle's jump band); TSLA's venue open, closed or halted. Reporting
        some feeds only leaves the others to age."""
        feeds = {"all": FEEDS, "tsla": (TSLA_FEED,), "crypto": (BTC_FEED, ETH_FEED)}[which]
        prices = {}
        for feed, move in zip(FEEDS, moves, strict=True):
            low, high = PRICE_BOUNDS[feed]
            prices[feed] = min(high, max(low, self.m.feeds[feed].price * move // BPS))
        self._post_prices(prices, status, feeds)
        type(self).seen[f"tsla {status.name.lower()}" if TSLA_FEED in feeds else "crypto prices"] += 1

    @rule(seconds=st.sampled_from([15, 400, 700, 4_000, 10 * DAY]))
    def time_passes(self, seconds: int) -> None:
        """Prices age (past 300 s no new risk, past 600 s no liquidation, past an hour no valuation: an
        outage); debt accrues interest."""
        self._mine(self.now + seconds)
        type(self).seen["time"] += 1

    # ---- accounts and collateral ----

    def _room(self) -> list[str]:
        """The depositors' wallets that may open another account (none once the machine's bound is reached)."""
        if len(self.m.accounts) >= MAX_ACCOUNTS:
            return []
        e = self.e
        owned = Counter(a.owner for a in self.m.accounts.values())
        return [w for w in (e.alice, e.bob, e.stranger) if owned[w] < MAX_ACCOUNTS_PER_WALLET]

    @precondition(lambda self: self._room())
    @rule(who=st.sampled_from(["alice", "bob", "stranger"]), full=st.sampled_from([False, False, False, True]))
    def open_account(self, who: str, full: bool) -> None:
        """A depositor opens an account (mostly one that may; sometimes one at the limit: refused)."""
        wallet = getattr(self.e, who)
        room = self._room()
        if wallet not in room and not full:
            wallet = room[len(who) % len(room)]
        if self._open(wallet):
            type(self).seen["account opened"] += 1

    @rule(i=st.integers(0, 63), asset=st.sampled_from(ASSETS), kind=st.integers(0, 5), by_other=st.booleans())
    def deposit(self, i: int, asset: str, kind: int, by_other: bool) -> None:
        """A deposit of zero, a table amount or more than the wallet holds, mostly by the account's owner."""
        # The insurance's wallet holds nothing and approves nothing: not a depositor here.
        depositors = sorted(a.id for a in self.m.accounts.values() if a.owner != self.e.insurance)
        account = self.m.accounts[depositors[i % len(depositors)]]
        sender = account.owner
        if by_other and i % 3 == 0:
            sender = self.e.stranger if account.owner != self.e.stranger else self.e.alice
        held = self._wallet_balance(asset, sender)
        amount = 0 if kind == 0 else held + 1 if kind == 5 else DEPOSITS[asset][kind - 1]
        if self._deposit(account.id, asset, amount, sender, held):
            type(self).seen[f"deposit {asset}"] += 1

    def _deposit(self, account_id: int, name: str, amount: int, sender: str, held: int | None = None) -> bool:
        rule = self.rules[name]
        held = self._wallet_balance(name, sender) if held is None else held
        lp = self.desk.lp

        def predict(m: Model, t: int) -> None:
            account = m.accounts[account_id]
            if account.owner != sender:
                raise ModelRevert("MarginVaultNotAccountOwner", account_id, sender)
            if amount == 0:
                raise ModelRevert("MarginVaultZeroAmount")
            if m.deposits_paused(name):
                raise ModelRevert("MarginVaultDepositsPaused", rule.address)
            if rule.is_stock and sender not in self.e.verified:
                raise ModelRevert("MarginVaultNotVerified", rule.address, sender)
            if rule.is_stock and m.tsla_paused:
                raise ModelRevert("EquityTokenPaused")
            if rule.is_stock and sender in m.frozen_wallets:
                raise ModelRevert("EquityTokenFrozenWallet", sender)
            if held < amount:
                error = "EquityTokenInsufficientUnfrozenBalance" if rule.is_stock else "ERC20InsufficientBalance"
                raise ModelRevert(error, sender, held, amount)
            if m.booked[name] + amount > rule.cap:
                raise ModelRevert("MarginVaultCapExceeded", rule.address, m.booked[name] + amount, rule.cap)
            if name == "usdc":
                m.credit_cash(account, amount, t, lp)
            else:
                m.add_holding(account, name, amount)
            m.booked[name] += amount

        receipt, _ = self._transact(self.vault.functions.deposit(account_id, rule.address, amount), sender, predict)
        return receipt is not None

    @rule(i=st.integers(0, 63), asset=st.sampled_from(ASSETS), kind=st.integers(0, 5), by_other=st.booleans())
    def withdraw(self, i: int, asset: str, kind: int, by_other: bool) -> None:
        """A withdrawal of zero, one unit, a quarter, half, all or one more than is available, mostly by the
        account's owner (the insurance's wallet included: it is not a verified TSLA holder)."""

        def available_in(a: Account) -> int:
            return a.cash if asset == "usdc" else a.balance(asset) - a.frozen(asset)

        account = self._account(i, [a.id for a in self.m.accounts.values() if available_in(a)])
        rule = self.rules[asset]
        available = available_in(account)
        amount = (0, 1, available // 4, available // 2, available, available + 1)[kind]
        sender = account.owner
        if by_other and i % 3 == 0:
            sender = self.e.bob if account.owner != self.e.bob else self.e.alice
        account_id = account.id

        def predict(m: Model, t: int) -> None:
            acct = m.accounts[account_id]
            if acct.owner != sender:
                raise ModelRevert("MarginVaultNotAccountOwner", account_id, sender)
            if amount == 0:
                raise ModelRevert("MarginVaultZeroAmount")
            if asset == "usdc":
                if acct.cash < amount:
                    raise ModelRevert("MarginVaultInsufficientBalance", account_id, rule.address, acct.cash, amount)
                acct.cash -= amount
            else:
                m.remove_holding(acct, asset, amount, rule.address, respect_frozen=True)
            if acct.position is not None or acct.shares:
                self._require_initial(m, acct, t, new_risk=False)
            m.booked[asset] -= amount
            if rule.is_stock:
                self._push_stock(m, sender)

        before = self._wallet_balance(asset, sender)
        receipt, _ = self._transact(self.vault.functions.withdraw(account_id, rule.address, amount), sender, predict)
        if receipt is None:
            return
        assert self._wallet_balance(asset, sender) == before + amount
        withdrawn = self.m.accounts[account_id]
        if withdrawn.position is not None or withdrawn.shares:
            # Invariant 6: a withdrawal never leaves an account below its initial margin.
            initial, _ = self.reader.one(self.vault, "healthOf", account_id)
            backing, owed = initial[0] + initial[1] + initial[2], initial[3] + initial[4] + initial[5]
            assert backing >= owed, f"withdrawal left account {account_id} below initial margin: {initial}"
            type(self).seen["withdrawal with risk"] += 1
        type(self).seen[f"withdraw {asset}"] += 1

    # ---- the market ----

    def _open_risk(self, account: Account, percent: int, *, keep_pnl: bool) -> bool:
        """The market adds risk: an initial margin of ``percent`` of the account's initial backing (at
        least $10), half of it for maintenance."""
        t = self.now + 1
        backing = self._valuation(self.m, account, t, VALUE).backing
        im = max(usd(10), backing * percent // 100)
        old = account.position if keep_pnl else None
        profit, loss = (old.profit, old.loss) if old is not None else (0, 0)
        position = Position(profit, loss, im, im // 2)
        account_id = account.id

        def predict(m: Model, t: int) -> None:
            acct = m.accounts[account_id]
            acct.position = copy.copy(position)
            if m.vault_paused[1]:
                raise ModelRevert("MarginVaultNewRiskPaused", ZERO)
            self._require_initial(m, acct, t, new_risk=True)

        call = self.market.functions.openRisk(account_id, profit, loss, im, im // 2)
        receipt, _ = self._transact(call, account.owner, predict)
        return receipt is not None

    @rule(i=st.integers(0, 63), percent=st.sampled_from([20, 50, 90, 150]))
    def open_risk(self, i: int, percent: int) -> None:
        """New risk: refused above the initial margin, or without usable open-risk prices when they count."""
        account = self._account(i, [a.id for a in self.m.accounts.values() if a.owner != self.e.insurance])
        if self._open_risk(account, percent, keep_pnl=True):
            type(self).seen["risk opened"] += 1

    @precondition(lambda self: any(a.position is not None for a in self.m.accounts.values()))
    @rule(
        i=st.integers(0, 63),
        loss=st.sampled_from([0, 30, 70, 95, 100, 130, 250, 400]),
        profit=st.sampled_from([0, 0, usd(100), usd(5_000)]),
    )
    def move_position(self, i: int, loss: int, profit: int) -> None:
        """The position's PnL moves: a loss of ``loss`` percent of its maintenance headroom (backing less
        what is owed besides the loss), perhaps a profit."""
        account = self._account(i, [a.id for a in self.m.accounts.values() if a.position is not None])
        if account.position is None:
            return
        v = self._valuation(self.m, account, self.now + 1, MAINTENANCE)
        headroom = max(usd(1), v.backing - v.debt - v.requirement)
        position = Position(profit, headroom * loss // 100, account.position.im, account.position.mm)
        call = self.market.functions.setPosition(account.id, position.profit, position.loss, position.im, position.mm)
        account_id = account.id

        def predict(m: Model, t: int) -> None:
            m.accounts[account_id].position = copy.copy(position)

        receipt, _ = self._transact(call, self.e.alice, predict)
        assert receipt is not None
        type(self).seen["position moved"] += 1

    @rule(
        i=st.integers(0, 63),
        pnl=st.sampled_from(["profit", "loss", "loss beyond cash", "large loss", "none"]),
        fee=st.sampled_from(["none", "small", "beyond cash"]),
        leave=st.booleans(),
    )
    def realize(self, i: int, pnl: str, fee: str, leave: bool) -> None:
        """The market settles realised PnL (profit from the counterparty's credit; a loss from the account's
        own cash, debt for the rest) and a fee paid in full to the fee recipient (the counterparty advances what
        the cash cannot pay, as the account's debt); then perhaps the position closes
        (the account leaves the market)."""
        account = self._account(i, [a.id for a in self.m.accounts.values() if a.position is not None])
        cash = account.cash
        amount = {
            "profit": 100 * USDC_UNIT,
            "loss": -100 * USDC_UNIT,
            "loss beyond cash": -(cash + 500 * USDC_UNIT),
            "large loss": -50_000 * USDC_UNIT,
            "none": 0,
        }[pnl]
        fee_amount = {"none": 0, "small": 5 * USDC_UNIT, "beyond cash": cash + 10 * USDC_UNIT}[fee]
        account_id, lp, fees, market = account.id, self.desk.lp, self.e.fees, self.market.address

        def predict(m: Model, t: int) -> None:
            acct = m.accounts[account_id]
            if (amount or fee_amount) and acct.position is None:
                raise ModelRevert("MarginVaultMarketNotEntered", market, account_id)
            if amount > 0:
                if m.credits[lp] < amount:
                    raise ModelRevert("MarginVaultCreditInsufficient", lp, m.credits[lp], amount)
                m.credits[lp] -= amount
                m.credit_cash(acct, amount, t, lp)
            elif amount < 0:
                m.credits[lp] += m.charge(acct, -amount, t)
            if fee_amount:
                # The recipient is paid in full; the counterparty advances what the cash could not pay.
                advanced = fee_amount - m.charge(acct, fee_amount, t)
                if advanced and m.credits[lp] < advanced:
                    raise ModelRevert("MarginVaultCreditInsufficient", lp, m.credits[lp], advanced)
                m.credits[lp] -= advanced
                m.credits[fees] += fee_amount

        if amount or fee_amount:
            call = self.market.functions.realize(account_id, amount, fee_amount, fees)
            if self._transact(call, self.e.alice, predict)[0] is not None:
                type(self).seen[f"realized {pnl}"] += 1
        if leave and self.m.accounts[account_id].position is not None:

            def predict_leave(m: Model, t: int) -> None:
                m.accounts[account_id].position = None

            receipt, _ = self._transact(self.market.functions.leave(account_id), self.e.alice, predict_leave)
            assert receipt is not None
            type(self).seen["left market"] += 1

    # ---- liquidation ----

    @rule(
        i=st.integers(0, 63),
        by=st.sampled_from(["bob", "bob", "keeper"]),
        asset=st.sampled_from(["tsla", "wbtc", "weth", "held", "held", "usdc"]),
        repay=st.sampled_from([0, 1, 10 * USDC_UNIT, 1_000 * USDC_UNIT, MAX_REPAY, MAX_REPAY]),
        min_seized=st.sampled_from([0, 0, 0, 10**40]),
    )
    def liquidate(self, i: int, by: str, asset: str, repay: int, min_seized: int) -> None:
        """A liquidation by the verified (bob) or the unverified keeper, mostly of a liquidatable account
        and an asset it holds: positions close first, then the keeper repays debt and takes the asset at
        the penalty's discount (a stock token only if it may hold it)."""
        account = self._account(i, self._underwater())
        if asset == "held":
            held = [name for name in account.order if account.balance(name) > account.frozen(name)]
            asset = held[i % len(held)] if held else "wbtc"
        liquidator = getattr(self.e, by)
        rule = self.rules[asset]
        usdc_held = self._wallet_balance("usdc", liquidator)
        asset_before = self._wallet_balance(asset, liquidator)
        account_id = account.id
        sale = self._sale_predictor(account_id, asset, repay, min_seized, liquidator, usdc_held)

        call = self.vault.functions.liquidate(account_id, rule.address, repay, min_seized)
        receipt, result = self._transact(call, liquidator, sale)
        if receipt is None:
            return
        (event,) = self.evm.events(receipt, self.vault, "Liquidated")
        assert isinstance(result, Sale)
        got = (event["repaid"], event["seized"], event["toInsurance"], event["healthFactor"])
        assert got == (result.repaid, result.seized, result.to_insurance, result.health), (got, result)
        assert self._wallet_balance("usdc", liquidator) == usdc_held - result.repaid
        if asset != "usdc":
            assert self._wallet_balance(asset, liquidator) == asset_before + result.seized
        type(self).seen["liquidated: sold" if result.repaid else "liquidated: positions closed"] += 1
        if by == "keeper" and result.repaid:
            type(self).seen["liquidated by the unverified keeper"] += 1

    @precondition(lambda self: self._underwater())
    @rule(
        i=st.integers(0, 63),
        by=st.sampled_from(["bob", "keeper"]),
        repay=st.sampled_from([1_000 * USDC_UNIT, MAX_REPAY]),
    )
    def keeper_liquidates(self, i: int, by: str, repay: int) -> None:
        """A keeper watching the accounts liquidates one below maintenance, against an asset it holds."""
        self.liquidate(i=i * 4 + 1, by=by, asset="held", repay=repay, min_seized=0)

    def _underwater(self) -> list[int]:
        t = self.now + 1
        return [a.id for a in self.m.accounts.values() if self._liquidatable(self.m, a, t)]

    def _sale_predictor(
        self, account_id: int, asset: str, repay: int, min_seized: int, liquidator: str, usdc_held: int
    ) -> Callable[[Model, int], Sale]:
        rule = self.rules[asset]
        lp, config = self.desk.lp, self.e.liquidation

        def predict(m: Model, t: int) -> Sale:
            acct = m.accounts[account_id]
            m.accrue(t)
            v = self._valuation(m, acct, t, MAINTENANCE)
            if v.unusable is not None:
                unusable = self.rules[v.unusable]
                raise ModelRevert("MarginVaultPriceUnusable", unusable.address, unusable.feed)
            if v.health >= WAD:
                raise ModelRevert("MarginVaultNotLiquidatable", account_id, v.health)
            health = v.health
            if acct.position is not None:
                # MockMarket.closeForLiquidation: the PnL in settlement units (a loss rounded up).
                profit = acct.position.profit // USD_PER_CASH_UNIT
                loss = _ceil_div(acct.position.loss, USD_PER_CASH_UNIT)
                if profit > loss:
                    if m.credits[lp] < profit - loss:
                        raise ModelRevert("MarginVaultCreditInsufficient", lp, m.credits[lp], profit - loss)
                    m.credits[lp] -= profit - loss
                    m.credit_cash(acct, profit - loss, t, lp)
                elif loss > profit:
                    m.credits[lp] += m.charge(acct, loss - profit, t)
                acct.position = None
                health = self._valuation(m, acct, t, MAINTENANCE).health
                if health >= WAD:
                    return Sale(0, 0, 0, health)
            if asset == "usdc":
                raise ModelRevert("MarginVaultAssetNotListed", rule.address)
            repaid = min(max_repay(m.debt(acct, t), health, config), repay)
            if repaid == 0:
                raise ModelRevert("MarginVaultNothingToRepay", account_id)
            available = acct.balance(asset) - acct.frozen(asset)
            if available == 0:
                raise ModelRevert("MarginVaultInsufficientBalance", account_id, rule.address, 0, 1)
            buyer_usd, insurance_usd = liquidation_split(
                repaid * USD_PER_CASH_UNIT, penalty_bps(health, config), config
            )
            price = m.feeds[rule.feed].price
            seized = buyer_usd * 10**rule.decimals // price
            to_insurance = insurance_usd * 10**rule.decimals // price
            if seized + to_insurance > available:
                total = seized + to_insurance
                repaid = repaid * available // total
                if repaid == 0:
                    raise ModelRevert("MarginVaultNothingToRepay", account_id)
                to_insurance = to_insurance * available // total
                seized = available - to_insurance
            if seized == 0:
                raise ModelRevert("MarginVaultNothingToRepay", account_id)
            if usdc_held < repaid:
                raise ModelRevert("ERC20InsufficientBalance", liquidator, usdc_held, repaid)
            m.booked["usdc"] += repaid
            m.credit_cash(acct, repaid, t, lp)
            m.remove_holding(acct, asset, seized + to_insurance, rule.address, respect_frozen=True)
            if to_insurance:
                m.add_holding(m.accounts[self.e.insurance_account], asset, to_insurance)
            m.booked[asset] -= seized
            if rule.is_stock:
                self._push_stock(m, liquidator)
            if seized < min_seized:
                raise ModelRevert("MarginVaultSlippage", seized, min_seized)
            return Sale(repaid, seized, to_insurance, health)

        return predict

    @precondition(lambda self: any(a.shares and a.position is None for a in self.m.accounts.values()))
    @rule(i=st.integers(0, 63))
    def write_off_bad_debt(self, i: int) -> None:
        """Anyone writes off the debt of an account with no collateral and no position left; refused
        otherwise. The loss absorber is told."""
        bad = [a.id for a in self.m.accounts.values() if a.shares and not a.order and a.position is None]
        account_id = self._account(i, bad).id

        def predict(m: Model, t: int) -> int:
            acct = m.accounts[account_id]
            if acct.order or acct.position is not None:
                raise ModelRevert("MarginVaultNotBadDebt", account_id)
            m.accrue(t)
            if not acct.shares:
                raise ModelRevert("MarginVaultNotBadDebt", account_id)
            amount = _ceil_div(acct.shares * m.index, WAD)
            m.total_shares -= acct.shares
            acct.shares = 0
            return amount

        absorbed = int(self.e.absorber.functions.total().call())
        receipt, amount = self._transact(self.vault.functions.writeOffBadDebt(account_id), self.e.keeper, predict)
        if receipt is None:
            return
        (event,) = self.evm.events(receipt, self.vault, "BadDebtWrittenOff")
        assert (event["amount"], event["absorber"], event["absorbed"]) == (amount, self.e.absorber.address, True)
        assert self.e.absorber.functions.total().call() == absorbed + amount
        type(self).seen["bad debt written off"] += 1

    # ---- the issuer's agent ----

    @rule(
        i=st.integers(0, 63),
        kind=st.sampled_from(["freeze", "freeze", "unfreeze", "seize", "seize", "pause", "freeze wallet"]),
        amount_kind=st.integers(0, 4),
        by_agent=st.sampled_from([True, True, True, True, False]),
        to=st.sampled_from(["bob", "bob", "alice", "stranger", "agent"]),
        token=st.sampled_from(["tsla", "tsla", "tsla", "tsla", "tsla", "wbtc"]),
    )
    def agent_power(self, i: int, kind: str, amount_kind: int, by_agent: bool, to: str, token: str) -> None:
        """The TSLA agent freezes part of an account's TSLA, seizes some (frozen first) to a wallet of its
        choice that the token must accept, or pauses / unpauses the token; a non-agent, or another asset,
        is refused."""
        e = self.e
        sender = e.agent if by_agent else e.alice
        if kind == "pause":
            self._toggle_pause(sender)
            return
        if kind == "freeze wallet":
            self._toggle_wallet_freeze(e.bob if to == "bob" else e.alice, sender)
            return
        account = self._account(i, [a.id for a in self.m.accounts.values() if a.balance("tsla")])
        balance = account.balance(token)
        amount = (0, 1, balance // 2, balance, balance + 1)[amount_kind]
        if kind == "unfreeze":
            amount = 0
        rule = self.rules[token]
        account_id, receiver = account.id, getattr(e, to)

        def authorise() -> None:
            if not rule.is_stock:
                raise ModelRevert("MarginVaultAssetNotListed", rule.address)
            if sender != e.agent:
                raise ModelRevert("MarginVaultNotAgent", rule.address, sender)

        def predict_freeze(m: Model, t: int) -> None:
            authorise()
            acct = m.accounts[account_id]
            if amount > acct.balance(token):
                raise ModelRevert(
                    "MarginVaultInsufficientBalance", account_id, rule.address, acct.balance(token), amount
                )
            acct.holdings.setdefault(token, [0, 0])[1] = amount

        def predict_seize(m: Model, t: int) -> None:
            authorise()
            if amount == 0:
                raise ModelRevert("MarginVaultZeroAmount")
            m.remove_holding(m.accounts[account_id], token, amount, rule.address, respect_frozen=False)
            m.booked[token] -= amount
            self._push_stock(m, receiver)

        if kind == "seize":
            before = self._wallet_balance("tsla", receiver)
            call = self.vault.functions.seize(account_id, rule.address, amount, receiver)
            if self._transact(call, sender, predict_seize)[0] is not None:
                assert self._wallet_balance("tsla", receiver) == before + amount
                type(self).seen["seized"] += 1
            return
        call = self.vault.functions.setFrozen(account_id, rule.address, amount)
        if self._transact(call, sender, predict_freeze)[0] is not None and amount:
            type(self).seen["frozen"] += 1

    def _toggle_wallet_freeze(self, wallet: str, sender: str) -> None:
        """The agent freezes (or unfreezes) a verified holder's wallet on the token."""
        frozen = wallet not in self.m.frozen_wallets

        def predict(m: Model, t: int) -> None:
            if sender != self.e.agent:
                raise ModelRevert("AgentRoleNotAgent", sender)
            if frozen:
                m.frozen_wallets.add(wallet)
            else:
                m.frozen_wallets.discard(wallet)

        call = self.rules["tsla"].token.functions.setAddressFrozen(wallet, frozen)
        if self._transact(call, sender, predict)[0] is not None:
            type(self).seen["wallet frozen" if frozen else "wallet unfrozen"] += 1

    @rule(
        scope=st.sampled_from(["vault", *ASSETS]),
        deposits=st.sampled_from([False, False, True]),
        new_risk=st.sampled_from([False, False, True]),
    )
    def guardian_pauses(self, scope: str, deposits: bool, new_risk: bool) -> None:
        """The guardian pauses (or resumes) deposits and new risk, vault-wide or for one asset; withdrawals
        and liquidations are never paused."""

        def predict(m: Model, t: int) -> None:
            if scope == "vault":
                m.vault_paused = (deposits, new_risk)
            else:
                m.asset_paused[scope] = (deposits, new_risk)

        vault = self.vault.functions
        call = (
            vault.setVaultPaused(deposits, new_risk)
            if scope == "vault"
            else vault.setAssetPaused(self.rules[scope].address, deposits, new_risk)
        )
        receipt, _ = self._transact(call, self.desk.admin, predict)
        assert receipt is not None
        type(self).seen["guardian pause" if deposits or new_risk else "guardian resume"] += 1

    def _toggle_pause(self, sender: str) -> None:
        pause = not self.m.tsla_paused
        token = self.rules["tsla"].token

        def predict(m: Model, t: int) -> None:
            if sender != self.e.agent:
                raise ModelRevert("AgentRoleNotAgent", sender)
            m.tsla_paused = pause

        call = token.functions.pause() if pause else token.functions.unpause()
        if self._transact(call, sender, predict)[0] is not None:
            type(self).seen["paused" if pause else "unpaused"] += 1

    # ---- invariants ----

    @invariant()
    def books_cash_holders_and_health(self) -> None:
        e, vault, m = self.e, self.vault, self.m
        tsla = self.rules["tsla"]
        ids = sorted(m.accounts)
        reads: list[Read] = []
        for name in ASSETS:
            rule = self.rules[name]
            reads += [Read(rule.token, "balanceOf", (vault.address,)), Read(vault, "totalBooked", (rule.address,))]
        holders = sorted(m.credits)
        reads += [Read(vault, "creditOf", (holder,)) for holder in holders]
        reads += [Read(vault, "totalDebt")]
        reads += [Read(tsla.token, "balanceOf", (wallet,)) for wallet in e.unverified]
        owners = sorted({a.owner for a in m.accounts.values()})
        reads += [Read(vault, "accountsOf", (owner,)) for owner in owners]
        per_account = 9
        for account_id in ids:
            reads += [Read(vault, "balanceOf", (account_id, self.rules[name].address)) for name in ASSETS]
            reads += [
                Read(vault, "debtOf", (account_id,)),
                Read(vault, "healthOf", (account_id,)),
                Read(vault, "isLiquidatable", (account_id,)),
                Read(vault, "assetsOf", (account_id,)),
                Read(vault, "liquidate", (account_id, tsla.address, 1, 0), e.bob),
            ]
        out = iter(self.reader.run(reads))

        # 1. books
        held_booked = {name: (next(out), next(out)) for name in ASSETS}
        credits = {holder: next(out) for holder in holders}
        total_debt = next(out)
        unverified_tsla = {wallet: next(out) for wallet in e.unverified}
        owned = {owner: [int(x) for x in next(out)] for owner in owners}
        chain: dict[int, list[Any]] = {account_id: [next(out) for _ in range(per_account)] for account_id in ids}
        for name, (held, booked) in held_booked.items():
            assert held >= booked, f"{name}: the vault holds {held} < booked {booked}"
            assert held == booked, f"{name}: the vault holds {held} != booked {booked} (nothing else sends it tokens)"
            assert booked == m.booked[name], f"{name}: booked {booked}, model {m.booked[name]}"
            balances = sum(chain[a][ASSETS.index(name)][0] for a in ids)
            if name == "usdc":
                balances += sum(credits.values())
            assert booked == balances, f"{name}: booked {booked} != the accounts' balances (and credits) {balances}"
        assert credits == m.credits, (credits, m.credits)
        assert total_debt == _ceil_div(m.total_shares * m.current_index(self.now), WAD)
        for owner in owners:
            assert owned[owner] == sorted(a.id for a in m.accounts.values() if a.owner == owner)

        # 3. stock tokens only in verified wallets
        assert not any(unverified_tsla.values()), f"TSLA in an unverified wallet: {unverified_tsla}"

        for account_id in ids:
            acct = m.accounts[account_id]
            *balances, debt, (initial, maintenance), (liquidatable, health), assets, simulated = chain[account_id]
            # 2. cash and debt: the account's own, never both
            assert balances[0][0] == acct.cash, f"account {account_id}: cash {balances[0][0]}, model {acct.cash}"
            assert debt == m.debt(acct, self.now), f"account {account_id}: debt {debt}, model {m.debt(acct, self.now)}"
            assert not (acct.cash and debt), f"account {account_id} has cash {acct.cash} and debt {debt}"
            for name, (balance, frozen) in zip(ASSETS[1:], balances[1:], strict=True):
                assert (balance, frozen) == (acct.balance(name), acct.frozen(name)), (account_id, name)
            assert [to_checksum_address(a) for a in assets] == [self.rules[n].address for n in acct.order]
            # the valuations are the model's
            for kind, got in ((VALUE, initial), (MAINTENANCE, maintenance)):
                v = self._valuation(m, acct, self.now, kind)
                unusable = self.rules[v.unusable].address if v.unusable else ZERO
                want = (v.collateral, v.cash, v.profit, v.loss, v.debt, v.requirement, v.health, unusable)
                assert (*got[:7], to_checksum_address(got[7])) == want, (account_id, kind, got, want)
            complete = int(maintenance[7], 16) == 0
            if maintenance[6] >= WAD:
                # 4. a healthy account is not liquidatable
                assert not liquidatable, f"healthy account {account_id} is liquidatable"
                gate = "MarginVaultNotLiquidatable" if complete else "MarginVaultPriceUnusable"
                assert isinstance(simulated, Reverted) and simulated.name == gate, (account_id, simulated)
            elif complete:
                # 5. below maintenance with usable prices: liquidatable, past the gate
                assert liquidatable and health == maintenance[6], f"account {account_id} escapes liquidation"
                assert not isinstance(simulated, Reverted) or simulated.name not in (
                    "MarginVaultNotLiquidatable",
                    "MarginVaultPriceUnusable",
                    "MarginVaultSequencerGrace",
                    "Panic",
                    "",
                ), (account_id, simulated)
                type(self).seen["liquidatable account"] += 1
            else:
                assert not liquidatable


def _environment(desk: Desk, holders: Actors, stranger: str, agent: str) -> Env:
    """Settings and wallets for the machine (once per test): WETH capped, WBTC with a size discount, a loss
    absorber; the stranger funded with the unpermissioned assets, the unverified keeper with USDC; every
    wallet approves the vault."""
    evm, vault = desk.evm, desk.vault
    alice, bob = holders.alice.wallet, holders.bob.wallet
    keeper, fees = evm.new_account(), evm.new_account()
    eth = AssetConfig(ETH_FEED, 8_000, 8_500, cap=WETH_CAP)
    btc = AssetConfig(BTC_FEED, 8_000, 8_500, max_size_discount_bps=WBTC_SIZE_DISCOUNT_BPS, depth=WBTC_DEPTH)
    evm.send(vault.functions.configureAsset(desk.weth.address, eth.as_tuple()), desk.admin)
    evm.send(vault.functions.configureAsset(desk.wbtc.address, btc.as_tuple()), desk.admin)
    absorber = evm.deploy("MockLossAbsorber", sender=desk.admin)
    evm.send(vault.functions.setLossAbsorber(absorber.address), desk.admin)
    desk.fund(stranger, desk.usdc, 1_000_000 * USDC_UNIT)
    desk.fund(stranger, desk.wbtc, 10 * WBTC_UNIT)
    desk.fund(stranger, desk.weth, 100 * WETH_UNIT)
    desk.fund(keeper, desk.usdc, 1_000_000 * USDC_UNIT)
    tokens = {"usdc": desk.usdc, "wbtc": desk.wbtc, "weth": desk.weth, "tsla": desk.tsla}
    for wallet in (alice, bob, stranger, keeper):
        for token in tokens.values():
            evm.send(token.functions.approve(vault.address, 2**256 - 1), wallet)
    rules = {}
    for name, token in tokens.items():
        config, decimals, listed, _, _ = vault.functions.assetState(token.address).call()
        assert listed
        feed, weight, liquidation_weight, haircut, discount, depth, cap, is_stock = config
        rules[name] = AssetRule(
            name, token, decimals, feed, weight, liquidation_weight, haircut, discount, depth, cap, is_stock
        )
    liquidation, profit_share, _, _ = vault.functions.riskSettings().call()
    registry = evm.at("IdentityRegistry", desk.tsla.functions.identityRegistry().call())
    wallets = (alice, bob, stranger, keeper, agent, fees, desk.insurance)
    verified = frozenset(w for w in wallets if registry.functions.isVerified(w).call())
    assert verified == {alice, bob}
    return Env(
        desk=desk,
        alice=alice,
        bob=bob,
        stranger=stranger,
        keeper=keeper,
        agent=agent,
        fees=fees,
        insurance=desk.insurance,
        insurance_account=int(vault.functions.wiring().call()[4]),
        absorber=absorber,
        rules=rules,
        liquidation=LiquidationConfig(*liquidation),
        profit_share_bps=int(profit_share),
        verified=verified,
        reader=Reader(evm),
    )


def _machine_settings() -> settings:
    # `default` (make test): 20 examples of up to 50 steps (about 40 s); `fuzz` (make fuzz): half its
    # examples at its own step count.
    profile = settings.default
    if profile.max_examples <= 100:
        return settings(profile, max_examples=max(4, profile.max_examples * 4 // 5), stateful_step_count=50)
    return settings(profile, max_examples=profile.max_examples // 2)


def test_margin_state_machine__actors_prices_liquidations__books_cash_and_health_hold(
    desk: Desk, holders: Actors, stranger: str, agent: str
) -> None:
    MarginMachine.env = _environment(desk, holders, stranger, agent)
    MarginMachine.seen = Counter()
    run_state_machine_as_test(MarginMachine, settings=_machine_settings())
    print(dict(MarginMachine.seen))
