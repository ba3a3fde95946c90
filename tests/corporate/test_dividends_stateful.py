"""DividendDistributor stateful suite (hypothesis): two issuers' real tokens and an attacker's fake one.

TSLA and NVDA (two issuers, the same five holders) get several distributions each, paid in USDC or
EURC, from one distributor. Around their record times the machine moves balances, freezes and
unfreezes wallets, deletes and re-registers identities, changes countries and recovers wallets (chains
included); it claims (``claim`` and ``claimFor``), releases holds, reaches expiries, reclaims and sweeps
the tax; and the attacker's MockFakeEquityToken tries to announce, which is always refused (review
findings 1, 2 and 7). Every payout is compared with a Python model: the entitlement of the record-time
holder, paid to the end of its chain of recoveries at that wallet's country rate, or held while that
wallet is frozen or unregistered.

Every transaction is placed at an explicit block time (one second after the previous block), so the
model knows on which side of each record time and expiry it lands.

Invariants, checked after every step:

- per distribution: the on-chain books (funded, claimed, held, reclaimed) equal the model's, the
  per-holder holds add up to ``held``, and ``claimed + held + reclaimed <= funded``;
- per payment token: ``balanceOf(distributor) == sum over its distributions of (funded - claimed -
  reclaimed) + accruedTax``, exactly (held amounts are inside ``funded - claimed - reclaimed``; nothing
  else ever reaches the distributor here, so the balance is not merely ">="). Together with the first
  invariant, the tax and every other distribution's money are always covered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

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
from web3.types import TxReceipt

from dualtrack.chain import Reverted
from dualtrack.claims import KeyPurpose, key_hash
from dualtrack.dividends import (
    DEFAULT_WITHHOLDING_BPS,
    HoldReason,
    funding_amount,
    gross_entitlement,
    read_distribution,
    withheld_amount,
)
from dualtrack.suite import DE, JP, UNIT, US
from tests.corporate.conftest import (
    APS,
    DIVIDEND_RATES,
    ZERO_RATE_COUNTRY,
    DividendMarket,
    ListedToken,
    fake_announce_call,
)
from tests.support import DAY

GAS = 3_000_000  # fixed: a gas estimate would run at another block time
MAX_BOOKS = 6  # distributions per example (each token keeps fewer than 8 pending record times)
MAX_RECOVERIES = 4
MAX_HOPS = 16  # the token's MAX_RECOVERY_HOPS
COUNTRIES = (US, DE, JP, ZERO_RATE_COUNTRY)
RATE_OF = {US: DEFAULT_WITHHOLDING_BPS, **DIVIDEND_RATES}

wallet_index = st.integers(0, 15)
book_index = st.integers(0, MAX_BOOKS - 1)
token_index = st.integers(0, 1)


@dataclass
class TokenModel:
    """One token's holders as the distributor will see them."""

    listed: ListedToken
    wallets: list[str]  # the five holders, then wallets created by recoveries
    balances: dict[str, int]
    countries: dict[str, int]  # registered wallets only
    last_country: dict[str, int]  # to re-register a deleted wallet
    frozen: set[str]
    successor: dict[str, str]  # the token's recovery record
    identity_of: dict[str, Contract]

    def wallet(self, index: int) -> str:
        return self.wallets[index % len(self.wallets)]

    def active(self, wallet: str) -> bool:
        return wallet in self.countries and wallet not in self.frozen

    def current(self, wallet: str) -> str:
        """The end of ``wallet``'s chain of recoveries (the token's ``currentWallet``)."""
        for _ in range(MAX_HOPS + 1):
            if wallet not in self.successor:
                return wallet
            wallet = self.successor[wallet]
        raise AssertionError("recovery chain beyond the machine's bound")

    def hold_reason(self, wallet: str) -> HoldReason | None:
        if wallet in self.frozen:
            return HoldReason.WALLET_FROZEN
        if wallet not in self.countries:
            return HoldReason.WALLET_UNREGISTERED
        return None


@dataclass
class Book:
    """One distribution, as the model expects the distributor's books to be."""

    distribution_id: int
    token: int
    payment: int
    aps: int
    period: int
    record_time: int
    record: dict[str, int] | None = None  # balances at the record time, once it passed
    funded: int = 0
    expiry: int = 0
    claimed: int = 0
    held: int = 0
    reclaimed: int = 0
    claimed_by: set[str] = field(default_factory=set)
    held_by: dict[str, int] = field(default_factory=dict)

    @property
    def available(self) -> int:
        return self.funded - self.claimed - self.held - self.reclaimed


class DividendMarketMachine(RuleBasedStateMachine):
    market: ClassVar[DividendMarket]
    seen: ClassVar[Counter[str]] = Counter()  # what the run reached (asserted at the end)

    def __init__(self) -> None:
        super().__init__()
        m = type(self).market
        self.m, self.e, self.evm = m, m.env, m.env.evm
        self.distributor = m.env.distributor
        self.snapshot = self.evm.snapshot()
        self.now = self.evm.timestamp()
        self.tokens = [self._read_token(listed) for listed in m.tokens]
        self.managers = {identity.address: wallet for wallet, identity in self.e.identities.items()}
        self.books: list[Book] = []
        self.last_record_time = self.now
        self.recoveries = 0
        self.accrued = [int(self.distributor.functions.accruedTax(c.address).call()) for c in m.payment_tokens]
        for coin, accrued in zip(m.payment_tokens, self.accrued, strict=True):
            # A fresh distributor in every example: the exact balance invariant starts from zero.
            assert (self._balance(coin, self.distributor.address), accrued) == (0, 0)

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    def _read_token(self, listed: ListedToken) -> TokenModel:
        wallets = list(self.e.identities)
        token, registry = listed.token.functions, listed.registry.functions
        countries = {w: int(registry.investorCountry(w).call()) for w in wallets}
        assert all(registry.contains(w).call() and not token.isFrozen(w).call() for w in wallets)
        return TokenModel(
            listed=listed,
            wallets=wallets,
            balances={w: int(token.balanceOf(w).call()) for w in wallets},
            countries=countries,
            last_country=dict(countries),
            frozen=set(),
            successor={},
            identity_of=dict(self.e.identities),
        )

    # ---- clock and transactions ----

    def _tick(self) -> int:
        """Advance the model's clock to the next transaction's block time; record times reached by it
        are taken now, with the balances before that block."""
        return self._advance(self.now + 1)

    def _advance(self, t: int) -> int:
        for book in self.books:
            if book.record is None and book.record_time <= t:
                book.record = dict(self.tokens[book.token].balances)
        self.now = t
        return t

    def _jump(self, t: int) -> None:
        self._advance(t)
        self.evm.mine(t)

    def _send(self, call: Any, sender: str, error: str | None = None, *args: Any) -> TxReceipt | None:
        """Send ``call`` in a block at the model's clock; it must revert with ``error`` (and ``args``)
        if given, else succeed."""
        try:
            receipt = self.evm.send_at(call, sender, self.now, gas=GAS)
        except Reverted as failure:
            assert error is not None, f"unexpected revert {failure}"
            assert failure.name == error, f"expected {error}, got {failure}"
            assert not args or tuple(failure.args_) == args, f"expected {error}{args}, got {failure}"
            return None
        assert error is None, f"expected {error}, the call succeeded"
        return receipt

    def _balance(self, coin: Contract, account: str) -> int:
        return int(coin.functions.balanceOf(account).call())

    def _book(self, index: int) -> Book:
        return self.books[index % len(self.books)]

    # ---- issuers ----

    def _announce(self, t: int, payment: int, aps: int, period: int, delay: int) -> Book:
        tm = self.tokens[t]
        self._tick()
        # Record times strictly increase per token; keeping them increasing across tokens too keeps
        # each jump to "the next record time" to one distribution.
        record_time = max(self.now, self.last_record_time) + delay
        coin = self.m.payment_tokens[payment]
        call = self.distributor.functions.announce(tm.listed.token.address, coin.address, record_time, aps, period)
        receipt = self._send(call, tm.listed.issuer)
        assert receipt is not None
        (event,) = self.evm.events(receipt, self.distributor, "DividendAnnounced")
        book = Book(int(event["distributionId"]), t, payment, aps, period, record_time)
        self.books.append(book)
        self.last_record_time = record_time
        return book

    @initialize(
        aps=st.sampled_from([APS, 1, 1_234_567]),
        moves=st.lists(st.tuples(token_index, wallet_index, wallet_index, st.integers(1, 100)), max_size=6),
        frozen=wallet_index,
        unregistered=wallet_index,
        recovered=wallet_index,
    )
    def two_funded_distributions(
        self, aps: int, moves: list[tuple[int, int, int, int]], frozen: int, unregistered: int, recovered: int
    ) -> None:
        """TSLA pays in USDC and NVDA in EURC; balances move before both record times; both funded.
        Then a TSLA holder's wallet is frozen and its dividend claimed (held), an NVDA holder's wallet
        is recovered and an NVDA wallet deleted from its registry: every example starts with a hold,
        a recovered entitlement and an unregistered wallet, whichever rules swarm testing disables."""
        first = self._announce(0, 0, aps, 30 * DAY, 2_000)
        second = self._announce(1, 1, APS, 90 * DAY, 2_000)
        for t, i, j, percent in moves:
            self._transfer(t, i, j, percent)
        for book in (first, second):
            self._jump(book.record_time)
            self._fund(book)
        assert first.record is not None
        entitled = [w for w, balance in first.record.items() if gross_entitlement(balance, first.aps)]
        if entitled:
            holder = entitled[frozen % len(entitled)]
            self._set_frozen(0, holder, True)
            self._claim_holder(first, holder, by_other=True)
        nvda = self.tokens[1]
        holding = [index for index, wallet in enumerate(nvda.wallets) if nvda.balances[wallet]]
        self._recover(1, holding[recovered % len(holding)])
        self._delete_or_register_identity(1, 2 * unregistered)  # an even index: a registered wallet

    # Few rules with a `kind` each rather than many small ones: hypothesis then reaches the claim,
    # hold and release paths often within the default number of steps.

    @precondition(lambda self: len(self.books) < MAX_BOOKS)
    @rule(
        t=token_index,
        payment=st.integers(0, 1),
        aps=st.sampled_from([APS, 1, 1_234_567, 10**6]),
        period_days=st.sampled_from([1, 30]),
        delay=st.sampled_from([2_000, 9_000]),
        by_attacker=st.sampled_from([False, False, True]),
    )
    def announce(self, t: int, payment: int, aps: int, period_days: int, delay: int, by_attacker: bool) -> None:
        """An issuer announces; or the attacker tries with its fake token (review finding 1), which is
        refused whatever the state."""
        if by_attacker:
            self._tick()
            call = fake_announce_call(self.e, self.m.fake)
            self._send(call, self.m.attacker, "DividendDistributorIneligibleToken", self.m.fake.address)
            type(self).seen["fake refused"] += 1
            return
        self._announce(t, payment, aps, period_days * DAY, delay)
        type(self).seen["announce"] += 1

    @precondition(lambda self: self.books)
    @rule(kind=st.sampled_from(["fund", "reclaim"]), wait=st.sampled_from([False, False, True]), b=book_index)
    def issuer(self, kind: str, wait: bool, b: int) -> None:
        """An issuer funds or reclaims: mostly a distribution the action suits (unfunded; funded with
        something left), sometimes any (the error paths). With ``wait`` the issuer first waits for its
        record time or expiry (so each phase is reachable even when swarm testing disables
        ``advance_clock`` for an example)."""
        if kind == "fund":
            suited = [book for book in self.books if not book.funded]
        else:
            suited = [book for book in self.books if book.funded and book.available]
        book = suited[b % len(suited)] if suited and b % 3 else self._book(b)
        if kind == "fund":
            if wait and book.record is None:
                self._jump(book.record_time)
            self._fund(book)
        else:
            if wait and book.funded and self.now + 1 < book.expiry and book.period == DAY:
                self._jump(book.expiry)  # only short claim periods: the others stay open for claims
            self._reclaim(book)

    @precondition(lambda self: any(book.record is None or self.now < book.expiry for book in self.books))
    @rule(to_expiry=st.sampled_from([False, False, True]))
    def advance_clock(self, to_expiry: bool) -> None:
        """Jump to the next record time, or to the next expiry of a funded distribution."""
        expiries = [book.expiry for book in self.books if book.funded and self.now < book.expiry]
        pending = [book.record_time for book in self.books if book.record is None]
        if to_expiry and expiries:
            self._jump(min(expiries))
        elif pending:
            self._jump(min(pending))

    @rule(
        kind=st.sampled_from(["transfer", "mint", "burn"]),
        t=token_index,
        i=wallet_index,
        j=wallet_index,
        percent=st.integers(1, 100),
    )
    def move(self, kind: str, t: int, i: int, j: int, percent: int) -> None:
        if kind == "transfer":
            self._transfer(t, i, j, percent)
        elif kind == "mint":
            self._mint(t, j, percent * UNIT // 2)
        else:
            self._burn(t, i, percent)

    @rule(
        kind=st.sampled_from(["country", "freeze", "unfreeze", "identity", "recover"]),
        t=token_index,
        i=wallet_index,
        country=st.sampled_from(COUNTRIES),
    )
    def agent(self, kind: str, t: int, i: int, country: int) -> None:
        if kind == "country":
            self._change_country(t, i, country)
        elif kind in ("freeze", "unfreeze"):
            self._freeze(t, i, kind == "freeze")
        elif kind == "identity":
            self._delete_or_register_identity(t, i)
        elif self.recoveries < MAX_RECOVERIES:
            self._recover(t, i)

    # ---- issuers ----

    def _fund(self, book: Book) -> None:
        issuer = self.tokens[book.token].listed.issuer
        coin = self.m.payment_tokens[book.payment]
        fund = self.distributor.functions.fund(book.distribution_id)
        t = self._tick()
        if book.record is None:
            self._send(
                fund, issuer, "DividendDistributorRecordTimeNotReached", book.distribution_id, book.record_time, t
            )
            return
        if book.funded:
            self._send(fund, issuer, "DividendDistributorAlreadyFunded", book.distribution_id)
            return
        amount = funding_amount(sum(book.record.values()), book.aps)
        if amount == 0:
            self._send(fund, issuer, "DividendDistributorNothingToFund", book.distribution_id)
            return
        self._send(coin.functions.approve(self.distributor.address, amount), issuer)
        t = self._tick()
        before = self._balance(coin, issuer)
        self._send(fund, issuer)
        assert before - self._balance(coin, issuer) == amount
        book.funded, book.expiry = amount, t + book.period
        type(self).seen["fund"] += 1

    def _reclaim(self, book: Book) -> None:
        issuer = self.tokens[book.token].listed.issuer
        coin = self.m.payment_tokens[book.payment]
        t = self._tick()
        call = self.distributor.functions.reclaim(book.distribution_id)
        remaining = book.available
        if not book.funded:
            self._send(call, issuer, "DividendDistributorNotFunded", book.distribution_id)
        elif t < book.expiry:
            self._send(call, issuer, "DividendDistributorNotExpired", book.distribution_id, book.expiry)
        elif remaining == 0:
            self._send(call, issuer, "DividendDistributorNothingToReclaim", book.distribution_id)
        else:
            before = self._balance(coin, issuer)
            self._send(call, issuer)
            assert self._balance(coin, issuer) - before == remaining  # never a held amount
            book.reclaimed += remaining
            type(self).seen["reclaim"] += 1

    # ---- the tokens' holders, agents and registries ----

    def _transfer(self, t: int, i: int, j: int, percent: int) -> None:
        tm = self.tokens[t]
        source, target = tm.wallet(i), tm.wallet(j)
        amount = tm.balances[source] * percent // 100
        if amount == 0 or source == target or not (tm.active(source) and tm.active(target)):
            return
        self._tick()
        self._send(tm.listed.token.functions.transfer(target, amount), source)
        tm.balances[source] -= amount
        tm.balances[target] += amount

    def _mint(self, t: int, j: int, amount: int) -> None:
        tm = self.tokens[t]
        target = tm.wallet(j)
        if not tm.active(target):
            return
        self._tick()
        self._send(tm.listed.token.functions.mint(target, amount), self.e.agent)
        tm.balances[target] += amount

    def _burn(self, t: int, i: int, percent: int) -> None:
        tm = self.tokens[t]
        source = tm.wallet(i)
        amount = tm.balances[source] * percent // 100
        if amount == 0 or not tm.active(source):
            return
        self._tick()
        self._send(tm.listed.token.functions.burn(source, amount), self.e.agent)
        tm.balances[source] -= amount

    def _change_country(self, t: int, i: int, country: int) -> None:
        tm = self.tokens[t]
        wallet = tm.wallet(i)
        if wallet not in tm.countries:
            return
        self._tick()
        self._send(tm.listed.registry.functions.updateCountry(wallet, country), self.e.agent)
        tm.countries[wallet] = tm.last_country[wallet] = country

    def _freeze(self, t: int, i: int, frozen: bool) -> None:
        tm = self.tokens[t]
        # Unfreezing mostly picks a frozen wallet, so that holds get released.
        thawing = [w for w in tm.wallets if w in tm.frozen] if not frozen and i % 4 else []
        self._set_frozen(t, thawing[i % len(thawing)] if thawing else tm.wallet(i), frozen)

    def _set_frozen(self, t: int, wallet: str, frozen: bool) -> None:
        tm = self.tokens[t]
        self._tick()
        self._send(tm.listed.token.functions.setAddressFrozen(wallet, frozen), self.e.agent)
        if frozen:
            tm.frozen.add(wallet)
        else:
            tm.frozen.discard(wallet)

    def _delete_or_register_identity(self, t: int, i: int) -> None:
        tm = self.tokens[t]
        # Half the time an unregistered wallet (if any) is registered again, so that holds get released.
        unregistered = [w for w in tm.wallets if w not in tm.countries] if i % 2 else []
        self._toggle_identity(t, unregistered[i % len(unregistered)] if unregistered else tm.wallet(i))

    def _toggle_identity(self, t: int, wallet: str) -> None:
        """Delete ``wallet`` from the token's registry, or register it again (same identity, last country)."""
        tm = self.tokens[t]
        registry = tm.listed.registry.functions
        self._tick()
        if wallet in tm.countries:
            self._send(registry.deleteIdentity(wallet), self.e.agent)
            del tm.countries[wallet]
        else:
            country = tm.last_country[wallet]
            self._send(registry.registerIdentity(wallet, tm.identity_of[wallet].address, country), self.e.agent)
            tm.countries[wallet] = country

    def _recover(self, t: int, i: int) -> None:
        """The agent recovers a wallet into a fresh key of its identity (recovering a recovered
        wallet again makes a chain)."""
        tm = self.tokens[t]
        lost = tm.wallet(i)
        if lost not in tm.countries or (tm.balances[lost] == 0 and lost not in tm.frozen):
            return
        identity = tm.identity_of[lost]
        new_wallet = self.evm.new_account()
        self._tick()
        add_key = identity.functions.addKey(key_hash(new_wallet), int(KeyPurpose.MANAGEMENT), 1)
        self._send(add_key, self.managers[identity.address])
        self._tick()
        self._send(tm.listed.token.functions.recoveryAddress(lost, new_wallet, identity.address), self.e.agent)
        tm.wallets.append(new_wallet)
        tm.identity_of[new_wallet] = identity
        tm.balances[new_wallet], tm.balances[lost] = tm.balances[lost], 0
        if lost in tm.frozen:  # the frozen flag moves with the tokens
            tm.frozen.discard(lost)
            tm.frozen.add(new_wallet)
        tm.countries[new_wallet] = tm.last_country[new_wallet] = tm.countries.pop(lost)  # local records: dropped
        tm.successor.pop(new_wallet, None)
        tm.successor[lost] = new_wallet
        self.recoveries += 1
        type(self).seen["recovery"] += 1

    # ---- claims, holds, releases, tax ----

    def _wallet_for(self, book: Book, holder: str) -> tuple[str, HoldReason | None]:
        """The wallet paid for ``holder``'s entitlement now, and why it would be held (None: paid)."""
        tm = self.tokens[book.token]
        wallet = tm.current(holder)
        return wallet, tm.hold_reason(wallet)

    def _pay_expectation(self, tm: TokenModel, wallet: str, gross: int) -> tuple[int, int]:
        rate = RATE_OF[tm.countries[wallet]]
        withheld = withheld_amount(gross, rate)
        return withheld, gross - withheld

    @precondition(lambda self: self.books)
    @rule(b=book_index, i=wallet_index, by_other=st.booleans())
    def claim(self, b: int, i: int, by_other: bool) -> None:
        """A claim by the holder, or by anyone for it (``claimFor``)."""
        self._claim(b, i, by_other=by_other)

    @precondition(lambda self: self.books)
    @rule(action=st.sampled_from(["release", "restore and release", "sweep"]), b=book_index, i=wallet_index)
    def release_or_sweep(self, action: str, b: int, i: int) -> None:
        """A release of a hold (by anyone; after "restore", the agent first unfreezes or registers
        again the wallet it is held for), or a tax sweep."""
        if action == "sweep":
            self._sweep(b % len(self.m.payment_tokens))
        else:
            self._release(b, i, restore=action == "restore and release")

    def _claim(self, b: int, i: int, *, by_other: bool) -> None:
        # Mostly a live distribution and a holder with an unclaimed entitlement; sometimes any (the
        # error paths).
        live = [book for book in self.books if book.funded and self.now + 1 < book.expiry]
        book = live[b % len(live)] if live and b % 4 else self._book(b)
        tm = self.tokens[book.token]
        # Mostly a holder with an unclaimed entitlement, sometimes any wallet (the error paths).
        due = [w for w, v in (book.record or {}).items() if gross_entitlement(v, book.aps) and w not in book.claimed_by]
        self._claim_holder(book, due[i % len(due)] if due and i % 4 else tm.wallet(i), by_other=by_other)

    def _claim_holder(self, book: Book, holder: str, *, by_other: bool) -> None:
        tm = self.tokens[book.token]
        functions = self.distributor.functions
        call = functions.claimFor(book.distribution_id, holder) if by_other else functions.claim(book.distribution_id)
        sender = self.e.admin if by_other else holder
        t = self._tick()
        gross = gross_entitlement(book.record.get(holder, 0), book.aps) if book.record is not None else 0
        if not book.funded:
            self._send(call, sender, "DividendDistributorNotFunded", book.distribution_id)
            return
        if t >= book.expiry:
            self._send(call, sender, "DividendDistributorExpired", book.distribution_id, book.expiry)
            return
        if holder in book.claimed_by:
            self._send(call, sender, "DividendDistributorAlreadyClaimed", book.distribution_id, holder)
            return
        if gross == 0:
            self._send(call, sender, "DividendDistributorNothingToClaim", book.distribution_id, holder)
            return
        assert gross <= book.available  # an honest token's entitlements fit its funding
        coin = self.m.payment_tokens[book.payment]
        wallet = tm.current(holder)
        before = {w: self._balance(coin, w) for w in {holder, wallet}}
        receipt = self._send(call, sender)
        assert receipt is not None
        book.claimed_by.add(holder)
        reason = tm.hold_reason(wallet)
        if reason is not None:
            (held,) = self.evm.events(receipt, self.distributor, "DividendHeld")
            assert (held["holder"], held["wallet"], held["reason"], held["gross"]) == (holder, wallet, reason, gross)
            assert {w: self._balance(coin, w) for w in before} == before
            book.held += gross
            book.held_by[holder] = gross
            type(self).seen["hold"] += 1
            return
        withheld, net = self._pay_expectation(tm, wallet, gross)
        assert self._balance(coin, wallet) - before[wallet] == net
        if holder != wallet:
            assert self._balance(coin, holder) == before[holder]  # the lost wallet is never paid
            type(self).seen["claim via recovery"] += 1
        book.claimed += gross
        self.accrued[book.payment] += withheld
        type(self).seen["claim"] += 1

    def _release(self, b: int, i: int, *, restore: bool) -> None:
        # Mostly a hold that can be released now, else any hold; sometimes any wallet (NothingHeld).
        held = [(book, holder) for book in self.books for holder in book.held_by]
        ready = [(book, h) for book, h in held if self._wallet_for(book, h)[1] is None]
        pool = (ready or held) if i % 4 else []
        if pool:
            book, holder = pool[b % len(pool)]
        else:
            book = self._book(b)
            holder = self.tokens[book.token].wallet(i)
        tm = self.tokens[book.token]
        wallet, reason = self._wallet_for(book, holder)
        if restore and holder in book.held_by and reason is not None:
            if reason == HoldReason.WALLET_FROZEN:
                self._set_frozen(book.token, wallet, False)
            else:
                self._toggle_identity(book.token, wallet)
        call = self.distributor.functions.releaseHeld(book.distribution_id, holder)
        self._tick()
        if holder not in book.held_by:
            self._send(call, self.e.carol, "DividendDistributorNothingHeld", book.distribution_id, holder)
            return
        wallet = tm.current(holder)
        reason = tm.hold_reason(wallet)
        if reason is not None:
            self._send(call, self.e.carol, "DividendDistributorStillHeld", book.distribution_id, holder, wallet, reason)
            return
        gross = book.held_by.pop(holder)
        coin = self.m.payment_tokens[book.payment]
        before = self._balance(coin, wallet)
        self._send(call, self.e.carol)
        withheld, net = self._pay_expectation(tm, wallet, gross)
        assert self._balance(coin, wallet) - before == net
        book.held -= gross
        book.claimed += gross
        self.accrued[book.payment] += withheld
        type(self).seen["release"] += 1

    def _sweep(self, p: int) -> None:
        coin = self.m.payment_tokens[p]
        call = self.distributor.functions.sweepTax(coin.address)
        self._tick()
        if not self.accrued[p]:
            self._send(call, self.e.carol, "DividendDistributorNothingToSweep", coin.address)
            return
        before = self._balance(coin, self.e.tax)
        self._send(call, self.e.carol)
        assert self._balance(coin, self.e.tax) - before == self.accrued[p]
        self.accrued[p] = 0
        type(self).seen["sweep"] += 1

    # ---- invariants ----

    @invariant()
    def every_distribution_within_its_funding(self) -> None:
        for book in self.books:
            d = read_distribution(self.evm, self.distributor, book.distribution_id)
            assert (d.funded, d.claimed, d.held, d.reclaimed) == (book.funded, book.claimed, book.held, book.reclaimed)
            assert d.claimed + d.held + d.reclaimed <= d.funded
            assert sum(book.held_by.values()) == book.held
            for holder, gross in book.held_by.items():
                assert self.distributor.functions.heldAmount(book.distribution_id, holder).call() == gross

    @invariant()
    def pool_equals_what_is_owed_plus_tax(self) -> None:
        for p, coin in enumerate(self.m.payment_tokens):
            owed = sum(b.funded - b.claimed - b.reclaimed for b in self.books if b.payment == p)
            accrued = int(self.distributor.functions.accruedTax(coin.address).call())
            assert accrued == self.accrued[p]
            assert self._balance(coin, self.distributor.address) == owed + accrued


def test_dividend_state_machine__two_tokens_and_a_fake__books_within_funding_and_pool_exact(
    dividend_market: DividendMarket,
) -> None:
    DividendMarketMachine.market = dividend_market
    DividendMarketMachine.seen = Counter()
    machine_settings = settings(
        settings.default, max_examples=max(10, settings.default.max_examples // 2), stateful_step_count=40
    )
    run_state_machine_as_test(DividendMarketMachine, settings=machine_settings)
    # The run reached every phase: funding, paid and held claims, releases, claims by recovered
    # wallets, reclaims after expiry, tax sweeps, and the fake token's refusals.
    phases = ("fund", "claim", "hold", "release", "claim via recovery", "reclaim", "sweep", "fake refused")
    assert min(DividendMarketMachine.seen[k] for k in phases) > 0, DividendMarketMachine.seen
