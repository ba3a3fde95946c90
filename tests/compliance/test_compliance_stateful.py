"""Hypothesis stateful suite: every stateful module against a Python model of the movements.

One compliance has all six modules bound in a fixed order (CountryRestrict, MaxBalance, MaxHolders,
SupplyLimit, Lockup, TimeWindowLimits). Random mints, transfers, burns, forced transfers,
recoveries and waits run between six wallets of four identities, each movement mined at an exact
timestamp. The model predicts each outcome: success, or the first rejecting module's exact error
and arguments. After every step:

- MaxBalance's and MaxHolders' per-identity balances, the holder count and SupplyLimit's supply
  equal the model's (a recomputation from the accepted movements);
- Lockup's per-wallet balances and stored lots equal the model's;
- TimeWindowLimits' counters equal the model's;
- so a rejected movement changed nothing (the model did not apply it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from eth_abi.abi import decode as abi_decode
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from tests.compliance.compliance_support import Kind, Party, Suite, addr, movement, new_suite

FR, DE, US = 250, 276, 840
IDENTITIES = (addr(0x1D0), addr(0x1D1), addr(0x1D2), addr(0x1D3))
PARTIES = (
    Party(addr(0xE0), IDENTITIES[0], FR),
    Party(addr(0xE1), IDENTITIES[0], FR),
    Party(addr(0xE2), IDENTITIES[1], DE),
    Party(addr(0xE3), IDENTITIES[1], DE),
    Party(addr(0xE4), IDENTITIES[2], FR),
    Party(addr(0xE5), IDENTITIES[3], US),  # blocked country: only forced transfers reach it
)
SIBLING = {0: 1, 1: 0, 2: 3, 3: 2}  # wallets sharing an identity (recovery targets)

BLOCKED = US
MAX_BALANCE = 300
MAX_HOLDERS = 2
SUPPLY_LIMIT = 450
PERIOD = 40
LIMITS = ((30, 60), (120, 100))
MAX_LOTS = 4
GAS = 3_000_000

AMOUNTS = st.integers(0, 160)
WALLET = st.integers(0, len(PARTIES) - 1)

Lot = tuple[int, int]  # (unlock time, amount)


# ---- the model ----


def _insert(lots: list[Lot], lot: Lot) -> list[Lot]:
    """LockupModule._insert: sorted insert, equal unlock merges, full ring merges forward/last."""
    unlock, amount = lot
    at = 0
    while at < len(lots) and lots[at][0] < unlock:
        at += 1
    out = list(lots)
    if at < len(out) and out[at][0] == unlock:
        out[at] = (unlock, out[at][1] + amount)
    elif len(out) == MAX_LOTS:
        if at < len(out):
            out[at] = (out[at][0], out[at][1] + amount)
        else:
            out[-1] = (unlock, out[-1][1] + amount)
    else:
        out.insert(at, lot)
    return out


def _consume(lots: list[Lot], excess: int) -> tuple[list[Lot], list[Lot]]:
    """LockupModule._consume: take `excess` from the soonest lots; return (left, taken)."""
    left, taken = list(lots), []
    while excess and left:
        unlock, amount = left[0]
        take = min(amount, excess)
        taken.append((unlock, take))
        excess -= take
        if take == amount:
            left.pop(0)
        else:
            left[0] = (unlock, amount - take)
    return left, taken


@dataclass
class Model:
    """What each stateful module must hold after the accepted movements."""

    identity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IDENTITIES, 0))
    supply: int = 0
    wallet: list[int] = field(default_factory=lambda: [0] * len(PARTIES))
    lots: list[list[Lot]] = field(default_factory=lambda: [[] for _ in PARTIES])
    counters: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def holders(self) -> int:
        return sum(1 for v in self.identity.values() if v)

    def _pruned(self, i: int, now: int) -> list[Lot]:
        return [lot for lot in self.lots[i] if lot[0] > now]

    def _window_counts(self, who: str, amount: int, now: int) -> tuple[dict[tuple[str, int], tuple[int, int]], Any]:
        updated: dict[tuple[str, int], tuple[int, int]] = {}
        for window, limit in LIMITS:
            end, spent = self.counters.get((who, window), (0, 0))
            if end <= now:
                end, spent = now + window, 0
            if spent + amount > limit:
                return {}, ("TimeWindowLimitsModuleExceeded", (who, window, spent + amount, limit))
            updated[(who, window)] = (end, spent + amount)
        return updated, None

    def rejection(self, kind: Kind, src: int | None, dst: int | None, amount: int, now: int) -> Any:
        """The first module error for a Transfer or Mint, or None."""
        if kind not in (Kind.TRANSFER, Kind.MINT):
            return None
        assert dst is not None
        to = PARTIES[dst]
        from_id = PARTIES[src].identity if src is not None else None
        if to.country == BLOCKED:
            return ("CountryRestrictModuleCountryBlocked", (to.country,))
        changes_identity = kind == Kind.MINT or from_id != to.identity
        if changes_identity:
            after = self.identity[to.identity] + amount
            if after > MAX_BALANCE:
                return ("MaxBalanceModuleExceeded", (to.identity, after, MAX_BALANCE))
            if amount and self.identity[to.identity] == 0:
                leaves = kind == Kind.TRANSFER and 0 < self.identity[from_id or ""] <= amount
                holders_after = self.holders + 1 - (1 if leaves else 0)
                if holders_after > MAX_HOLDERS:
                    return ("MaxHoldersModuleExceeded", (to.identity, holders_after, MAX_HOLDERS))
        if kind == Kind.MINT and self.supply + amount > SUPPLY_LIMIT:
            return ("SupplyLimitModuleExceeded", (self.supply + amount, SUPPLY_LIMIT))
        if kind == Kind.TRANSFER:
            assert src is not None
            unlocked = max(0, self.wallet[src] - sum(a for _, a in self._pruned(src, now)))
            if amount > unlocked:
                return ("LockupModuleLocked", (PARTIES[src].wallet, amount, unlocked))
            if from_id != to.identity:
                _, error = self._window_counts(PARTIES[src].identity, amount, now)
                if error:
                    return error
        return None

    def apply(self, kind: Kind, src: int | None, dst: int | None, amount: int, now: int) -> None:
        """Record an accepted movement in every module's model."""
        from_id = PARTIES[src].identity if src is not None else None
        to_id = PARTIES[dst].identity if dst is not None else None
        # MaxBalance / MaxHolders: per-identity balances (debits saturate, same identity unchanged)
        if kind == Kind.MINT:
            assert to_id is not None
            self.identity[to_id] += amount
        elif kind == Kind.BURN:
            assert from_id is not None
            self.identity[from_id] = max(0, self.identity[from_id] - amount)
        elif from_id != to_id:
            assert from_id is not None and to_id is not None
            self.identity[to_id] += amount
            self.identity[from_id] = max(0, self.identity[from_id] - amount)
        # SupplyLimit
        if kind == Kind.MINT:
            self.supply += amount
        elif kind == Kind.BURN:
            self.supply = max(0, self.supply - amount)
        # TimeWindowLimits: Transfers between identities only
        if kind == Kind.TRANSFER and from_id != to_id:
            assert from_id is not None
            updated, error = self._window_counts(from_id, amount, now)
            assert error is None
            self.counters.update(updated)
        # Lockup: per-wallet balances and lots
        if kind == Kind.MINT:
            assert dst is not None
            if amount:
                self.lots[dst] = _insert(self._pruned(dst, now), (now + PERIOD, amount))
            self.wallet[dst] += amount
            return
        assert src is not None
        kept = self._pruned(src, now)
        unlocked = max(0, self.wallet[src] - sum(a for _, a in kept))
        taken: list[Lot] = []
        if kind != Kind.TRANSFER and amount > unlocked:
            kept, taken = _consume(kept, amount - unlocked)
        self.lots[src] = kept
        self.wallet[src] = max(0, self.wallet[src] - amount)
        if kind == Kind.BURN:
            return
        assert dst is not None
        self.wallet[dst] += amount
        if taken:
            lots = self._pruned(dst, now)
            for lot in taken:
                lots = _insert(lots, lot)
            self.lots[dst] = lots


# ---- the deployment ----


@dataclass
class World:
    evm: Chain
    suite: Suite
    modules: dict[str, Contract]
    reads: list[tuple[str, str, list[str]]]  # (to, calldata, output types)


@pytest.fixture(scope="module")
def world(evm: Chain, authority: Contract, issuer: str) -> World:
    suite = new_suite(evm, authority, issuer)
    names = (
        "CountryRestrictModule",
        "MaxBalanceModule",
        "MaxHoldersModule",
        "SupplyLimitModule",
        "LockupModule",
        "TimeWindowLimitsModule",
    )
    modules = {name: evm.deploy(name, sender=issuer) for name in names}
    suite.add(*modules.values())
    suite.configure(modules["CountryRestrictModule"], "batchRestrictCountries", [BLOCKED])
    suite.configure(modules["MaxBalanceModule"], "setMaxBalance", MAX_BALANCE)
    suite.configure(modules["MaxHoldersModule"], "setMaxHolders", MAX_HOLDERS)
    suite.configure(modules["SupplyLimitModule"], "setSupplyLimit", SUPPLY_LIMIT)
    suite.configure(modules["LockupModule"], "setLockupPeriod", PERIOD)
    for window, limit in LIMITS:
        suite.configure(modules["TimeWindowLimitsModule"], "setTimeWindowLimit", window, limit)

    c = suite.compliance.address
    reads: list[tuple[str, str, list[str]]] = []

    def read(module: str, function: str, args: list[Any], types: list[str]) -> None:
        contract = modules[module]
        reads.append((contract.address, contract.encode_abi(function, args=[c, *args]), types))

    for identity in IDENTITIES:
        read("MaxBalanceModule", "identityBalance", [identity], ["uint256"])
        read("MaxHoldersModule", "identityBalance", [identity], ["uint256"])
        for window, _ in LIMITS:
            read("TimeWindowLimitsModule", "windowCounter", [identity, window], ["uint256", "uint256"])
    read("MaxHoldersModule", "holderCount", [], ["uint256"])
    read("SupplyLimitModule", "trackedSupply", [], ["uint256"])
    for p in PARTIES:
        read("LockupModule", "walletBalance", [p.wallet], ["uint256"])
        read("LockupModule", "lots", [p.wallet], ["uint256[]", "uint256[]"])
    return World(evm, suite, modules, reads)


def _expected_reads(model: Model) -> list[tuple[Any, ...]]:
    """The model's value of every read in `World.reads`, in the same order."""
    out: list[tuple[Any, ...]] = []
    for identity in IDENTITIES:
        out += [(model.identity[identity],), (model.identity[identity],)]
        for window, _ in LIMITS:
            end, spent = model.counters.get((identity, window), (0, 0))
            out.append((spent, end))
    out += [(model.holders,), (model.supply,)]
    for i in range(len(PARTIES)):
        lots = model.lots[i]
        out += [(model.wallet[i],), (tuple(t for t, _ in lots), tuple(a for _, a in lots))]
    return out


# ---- the machine ----


class ComplianceMachine(RuleBasedStateMachine):
    world: ClassVar[World]

    def __init__(self) -> None:
        super().__init__()
        self.evm = self.world.evm
        self.provider = self.evm.w3.provider
        self.snapshot = self.evm.snapshot()
        self.model = Model()
        self.now = self.evm.timestamp() + 1
        self.movements = 0

    def teardown(self) -> None:
        event(f"movements: {self.movements // 10 * 10}+")
        self.evm.revert_to(self.snapshot)

    # -- sending one movement at an exact timestamp, with raw JSON-RPC for speed --

    def _send(self, kind: Kind, src: int | None, dst: int | None, amount: int) -> Reverted | None:
        self.now += 1
        mv = movement(
            kind, PARTIES[src] if src is not None else None, PARTIES[dst] if dst is not None else None, amount
        )
        suite = self.world.suite
        tx = {"from": suite.owner, "to": suite.token.address, "data": suite.token.encode_abi("moved", args=[mv])}
        tx["gas"] = hex(GAS)
        responses = self.provider.make_batch_request(  # type: ignore[attr-defined]
            [("evm_setNextBlockTimestamp", [self.now]), ("eth_sendTransaction", [tx])]
        )
        responses = sorted(responses, key=lambda r: r["id"])
        assert "error" not in responses[1], responses
        receipt = self._receipt(responses[1]["result"])
        if int(receipt["status"], 16) == 1:
            return None
        replay = self.provider.make_request("eth_call", [tx, receipt["blockNumber"]])  # type: ignore[arg-type]
        data = replay["error"]["data"]
        return self.evm.errors.decode(bytes.fromhex(data[2:]))

    def _receipt(self, tx_hash: str) -> dict[str, Any]:
        deadline = time.monotonic() + 30
        while True:
            receipt = self.provider.make_request("eth_getTransactionReceipt", [tx_hash])  # type: ignore[arg-type]
            if receipt.get("result"):
                return dict(receipt["result"])
            assert time.monotonic() < deadline, f"no receipt for {tx_hash}"
            time.sleep(0.002)

    def _movement(self, kind: Kind, src: int | None, dst: int | None, amount: int) -> None:
        self.movements += 1
        expected = self.model.rejection(kind, src, dst, amount, self.now + 1)
        error = self._send(kind, src, dst, amount)
        event(f"{kind.name}: {error.name if error else 'accepted'}")
        if expected is None:
            assert error is None, f"{kind.name} {src}->{dst} {amount}: unexpected {error}"
            self.model.apply(kind, src, dst, amount, self.now)
        else:
            assert error is not None, f"{kind.name} {src}->{dst} {amount}: expected {expected}, accepted"
            assert (error.name, tuple(error.args_)) == expected

    # -- rules --

    @initialize(seed=st.lists(st.tuples(WALLET, AMOUNTS), max_size=4), unlock=st.booleans())
    def seed_balances(self, seed: list[tuple[int, int]], unlock: bool) -> None:
        """Start most examples with holders (and, half the time, their lock-ups over)."""
        for dst, amount in seed:
            self._movement(Kind.MINT, None, dst, amount)
        if unlock:
            self.now += PERIOD

    @rule(dst=WALLET, amount=AMOUNTS)
    def mint(self, dst: int, amount: int) -> None:
        self._movement(Kind.MINT, None, dst, amount)

    @rule(src=WALLET, dst=WALLET, amount=AMOUNTS)
    def transfer(self, src: int, dst: int, amount: int) -> None:
        self._movement(Kind.TRANSFER, src, dst, min(amount, self.model.wallet[src]))

    @rule(src=WALLET, dst=WALLET)
    def transfer_everything(self, src: int, dst: int) -> None:
        self._movement(Kind.TRANSFER, src, dst, self.model.wallet[src])

    @rule(src=WALLET, dst=WALLET, amount=AMOUNTS, seconds=st.integers(1, 2 * PERIOD))
    def transfer_later(self, src: int, dst: int, amount: int, seconds: int) -> None:
        self.now += seconds
        self._movement(Kind.TRANSFER, src, dst, min(amount, self.model.wallet[src]))

    @rule(src=WALLET, amount=AMOUNTS)
    def burn(self, src: int, amount: int) -> None:
        self._movement(Kind.BURN, src, None, min(amount, self.model.wallet[src]))

    @rule(src=WALLET, dst=WALLET, amount=AMOUNTS)
    def forced_transfer(self, src: int, dst: int, amount: int) -> None:
        self._movement(Kind.FORCED, src, dst, min(amount, self.model.wallet[src]))

    @rule(src=st.sampled_from(sorted(SIBLING)))
    def recovery(self, src: int) -> None:
        self._movement(Kind.RECOVERY, src, SIBLING[src], self.model.wallet[src])

    @rule(seconds=st.integers(1, 90))
    def wait(self, seconds: int) -> None:
        self.now += seconds

    # -- invariant --

    @invariant()
    def module_state_equals_model(self) -> None:
        reads = self.world.reads
        responses = self.provider.make_batch_request(  # type: ignore[attr-defined]
            [("eth_call", [{"to": to, "data": data}, "latest"]) for to, data, _ in reads]
        )
        responses = sorted(responses, key=lambda r: r["id"])
        actual = [
            tuple(
                tuple(v) if isinstance(v, (list, tuple)) else v
                for v in abi_decode(types, bytes.fromhex(r["result"][2:]))
            )
            for (_, _, types), r in zip(reads, responses, strict=True)
        ]
        expected = _expected_reads(self.model)
        assert actual == expected, [(i, a, e) for i, (a, e) in enumerate(zip(actual, expected, strict=True)) if a != e]


@pytest.fixture(autouse=True)
def _machine_world(world: World) -> None:
    ComplianceMachine.world = world


TestComplianceMachine = ComplianceMachine.TestCase
