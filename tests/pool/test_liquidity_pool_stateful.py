"""LiquidityPool stateful suite (hypothesis): three LPs request, claim and redeem while a MockMarket's traders
win and lose at random, open interest comes and goes (refused beyond the utilisation cap), and epochs settle
(sometimes a day later, opening a new growth window). Each example starts with 2,000 USDC of seed shares per LP
and a tight growth cap (50% a day, floor 6,500 USDC), so capped deposits and capped redemptions both occur in the
default profile (the test prints how often each path ran).

A small Python model keeps the pool's books from the outside: the credit the pool should have in the vault
(every net deposit and redemption of a settlement, every trader loss booked and profit paid through it) and
the pending deposits of the open epoch. After every step:

1. books: the pool's stablecoin balance == ``reservedAssets`` >= the open epoch's deposits + every settled
   request's claimable refund or payout (the difference is the pro-rata rounding dust, bounded); its vault
   credit == the model's credit; the shares it holds cover every claimable and escrowed share; the share
   supply == the LPs' balances + the pool's;
2. value: NAV == credit - the traders' net PnL (rounded against the pool; no debt arises here).

And at every settlement: the share price (nav + 1) / (supply + virtual shares) after the epoch's deposits and
redemptions is never below the price they were settled at, and above it by at most two raw units' worth of
rounding (in the pool's favour); a bankrupt pool prices nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from eth_abi.abi import decode as abi_decode
from eth_utils.abi import get_abi_output_types
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.pool.conftest import TOTALS_FIELDS, USD, USDC, PoolDesk, check_settlement_price

SCALE = 10**12  # USD (18 decimals) per raw stablecoin unit
LPS = ("alice", "bob", "carol")
TRADERS = (0, 1, 2)
GAS = 3_000_000
GROWTH_CAP_BPS = 5_000
GROWTH_FLOOR = 6_500 * USDC
SEED = 2_000 * USDC
# Sizes spread over every magnitude (hypothesis' integers favour small ones), each with some dust.
AMOUNTS = st.builds(
    lambda size, dust: size + dust, st.sampled_from((0, 250 * USDC, 1_000 * USDC, 3_000 * USDC)), st.integers(1, USDC)
)
NOTIONALS = st.builds(
    lambda size, dust: size + dust, st.sampled_from((0, 1_000 * USD, 2_500 * USD, 4_000 * USD)), st.integers(0, USD)
)


def _liability_raw(usd: int) -> int:
    """PoolShareMath.liabilityToRaw: a liability rounded up, an asset toward zero (one formula does both)."""
    return -((-usd) // SCALE)


class PoolMachine(RuleBasedStateMachine):
    desk: ClassVar[PoolDesk]
    seen: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        d = self.d = type(self).desk
        self.snapshot = d.evm.snapshot()
        self.credit = d.credit()
        self.pnl: dict[int, int] = {t: 0 for t in TRADERS}  # unrealised PnL (USD) per trader
        self.settlements = 0
        self.pool = d.pool
        self.seen["examples"] += 1
        # A tight growth cap (50% a day, floor 6,500), so that it binds within a few steps.
        config = list(self.pool.functions.settings().call()[0])
        config[4], config[5] = GROWTH_CAP_BPS, GROWTH_FLOOR
        self.tx(self.pool.functions.setRiskConfig(tuple(config)), d.admin)
        # Every LP starts with shares: one epoch of seed deposits, settled and claimed.
        for wallet in d.lps.values():
            self.tx(self.pool.functions.requestDeposit(SEED, wallet), wallet)
        self.settle()
        for wallet in d.lps.values():
            self.tx(self.pool.functions.claimDeposit(wallet), wallet)

    def teardown(self) -> None:
        self.d.evm.revert_to(self.snapshot)

    def tx(self, call: Any, sender: str) -> Any:
        """Send a transaction expected to succeed, with a fixed gas limit (no estimate: the suite stays fast)."""
        return self.d.evm.send(call, sender, gas=GAS)

    # ---- LPs ----

    @rule(
        lp=st.sampled_from(LPS),
        action=st.sampled_from(("deposit", "redeem", "claim")),
        amount=AMOUNTS,
        fraction=st.integers(1, 100),
    )
    def lp_acts(self, lp: str, action: str, amount: int, fraction: int) -> None:
        """An LP requests a deposit, a redemption of part of its shares, or claims what it may."""
        if action == "deposit":
            self.request_deposit(lp, amount)
        elif action == "redeem":
            self.request_redeem(lp, fraction)
        else:
            self.claim(lp)

    @rule(
        trader=st.sampled_from(TRADERS),
        action=st.sampled_from(("move", "close", "open_interest")),
        pnl=st.integers(-1_000 * USD, 1_000 * USD),
        notional=NOTIONALS,
    )
    def trader_acts(self, trader: int, action: str, pnl: int, notional: int) -> None:
        """A trader's unrealised PnL moves, or it closes (realised through the pool's credit), or its open
        interest changes (refused beyond the utilisation cap)."""
        if action == "move":
            self.move(trader, pnl)
        elif action == "close":
            self.close(trader)
        else:
            self.open_interest(trader, notional)

    def request_deposit(self, lp: str, amount: int) -> None:
        wallet = self.d.lps[lp]
        self.tx(self.pool.functions.requestDeposit(amount, wallet), wallet)

    def request_redeem(self, lp: str, fraction: int) -> None:
        wallet = self.d.lps[lp]
        shares = self.d.shares(wallet) * fraction // 100
        if shares == 0:
            return
        self.tx(self.pool.functions.requestRedeem(shares, wallet, wallet), wallet)

    def claim(self, lp: str) -> None:
        wallet = self.d.lps[lp]
        for kind in ("Deposit", "Redeem"):
            _, _, claimable = self.pool.functions[f"{kind.lower()}Request"](wallet).call()
            preview = tuple(self.pool.functions[f"previewClaim{kind}"](wallet).call())
            if not claimable:
                with self.d.evm.reverts("LiquidityPoolNothingToClaim", wallet):
                    self.d.evm.send(self.pool.functions[f"claim{kind}"](wallet), wallet)
                continue
            held_before = self.d.held()
            receipt = self.tx(self.pool.functions[f"claim{kind}"](wallet), wallet)
            (event,) = self.d.evm.events(receipt, self.pool, f"{kind}Claimed")
            claimed = tuple(int(v) for k, v in event.items() if k not in ("controller", "epoch"))
            assert claimed == preview
            paid = claimed[1] if kind == "Deposit" else claimed[0]
            assert held_before - self.d.held() == paid

    # ---- Traders ----

    def move(self, trader: int, pnl: int) -> None:
        profit, loss = (pnl, 0) if pnl >= 0 else (0, -pnl)
        self.tx(self.d.market.functions.setPosition(self.d.traders[trader], profit, loss, 0, 0), self.d.admin)
        self.pnl[trader] = pnl

    def close(self, trader: int) -> None:
        pnl = self.pnl[trader]
        realised = pnl // SCALE if pnl >= 0 else -_liability_raw(-pnl)  # profit down, loss up
        if realised > self.credit:
            with self.d.evm.reverts("MarginVaultCreditInsufficient"):
                self.d.close(trader)
            self.seen["profit beyond credit"] += 1
            return
        self.tx(self.d.market.functions.closePosition(self.d.traders[trader]), self.d.admin)
        self.credit -= realised
        self.pnl[trader] = 0

    def open_interest(self, trader: int, notional: int) -> None:
        account = self.d.traders[trader]
        previous = int(self.d.market.functions.notionalOf(account).call())
        open_interest, _, max_open_interest, _ = self.pool.functions.utilisation().call()
        call = self.d.market.functions.setNotional(account, notional)
        if notional > previous and open_interest + notional - previous > max_open_interest:
            with self.d.evm.reverts("LiquidityPoolUtilisationExceeded"):
                self.d.evm.send(call, self.d.admin)
            self.seen["open interest refused"] += 1
            return
        self.tx(call, self.d.admin)

    # ---- Settlement ----

    @rule(days=st.integers(0, 1))
    def settle(self, days: int = 0) -> None:
        """Settle at the epoch's end, or a day later (a new growth window)."""
        _, ends_at, _ = self.pool.functions.currentEpoch().call()
        self.d.evm.mine(max(int(ends_at), self.d.evm.timestamp() + 1) + days * 86_400)
        receipt = self.tx(self.pool.functions.settleEpoch(), self.d.keeper)
        (event,) = self.d.evm.events(receipt, self.pool, "EpochSettled")
        self.settlements += 1
        _, _, accepted, _, filled, paid = (int(event["totals"][name]) for name in TOTALS_FIELDS)
        requested_assets, requested_shares = (int(event["totals"][name]) for name in TOTALS_FIELDS[:2])
        if check_settlement_price(event, self.d.nav(), self.d.supply()) == "bankrupt":
            self.seen["bankrupt"] += 1
            return
        self.credit += accepted - paid
        self.seen["settled"] += 1
        self.seen["deposits capped"] += accepted < requested_assets
        self.seen["redemptions capped"] += filled < requested_shares
        self.seen["redemptions filled"] += filled > 0

    # ---- Invariants ----

    @invariant()
    def books_and_value_hold(self) -> None:
        d, pool, usdc = self.d, self.pool, self.d.usdc
        wallets = list(d.lps.values())
        reads: list[tuple[Any, str, tuple[Any, ...]]] = [
            (usdc, "balanceOf", (pool.address,)),
            (pool, "reservedAssets", ()),
            (d.vault, "creditOf", (pool.address,)),
            (pool, "currentEpoch", ()),
            (pool, "balanceOf", (pool.address,)),
            (pool, "totalSupply", ()),
            (pool, "netAssetValue", ()),
            (usdc, "balanceOf", (d.vault.address,)),
            (d.vault, "totalBooked", (usdc.address,)),
        ]
        for wallet in wallets:
            reads += [
                (pool, "previewClaimDeposit", (wallet,)),
                (pool, "previewClaimRedeem", (wallet,)),
                (pool, "balanceOf", (wallet,)),
            ]
        held, reserved, credit, (_, _, pending), pool_shares, supply, nav, vault_held, vault_booked, *per_lp = (
            batch_call(d, reads)
        )
        assert held == reserved
        assert credit == self.credit
        assert vault_held >= vault_booked
        owed_assets, owed_shares, lp_shares = pending[0], pending[1], 0
        for i in range(len(wallets)):
            (shares, refund), (assets, returned), balance = per_lp[3 * i : 3 * i + 3]
            owed_assets += refund + assets
            owed_shares += shares + returned
            lp_shares += balance
        assert owed_assets <= reserved <= owed_assets + 2 * len(LPS) * self.settlements
        assert pool_shares >= owed_shares
        assert supply == lp_shares + pool_shares
        assert nav == self.credit - _liability_raw(sum(self.pnl.values()))


def batch_call(d: PoolDesk, reads: list[tuple[Any, str, tuple[Any, ...]]]) -> list[Any]:
    """Plain ``eth_call``s in one JSON-RPC batch, decoded (one value unwrapped, several as a tuple)."""
    requests: list[tuple[str, Any]] = []
    types: list[list[str]] = []
    for contract, fn, args in reads:
        requests.append(
            ("eth_call", [{"to": contract.address, "data": contract.encode_abi(fn, args=list(args))}, "latest"])
        )
        types.append(list(get_abi_output_types(contract.get_function_by_name(fn).abi)))
    responses = d.evm.w3.provider.make_batch_request(requests)  # type: ignore[attr-defined]
    out: list[Any] = []
    for kinds, response in zip(types, responses, strict=True):
        values = abi_decode(kinds, bytes.fromhex(str(response["result"])[2:]))
        out.append(values[0] if len(values) == 1 else values)
    return out


def _settings() -> Any:
    profile = settings.default
    if profile.max_examples <= 100:
        return settings(profile, max_examples=30, stateful_step_count=20)
    return settings(profile)


def test_pool_state_machine__lps_and_random_traders__books_and_share_price_hold(pool_desk: PoolDesk) -> None:
    PoolMachine.desk = pool_desk
    PoolMachine.seen = Counter()
    run_state_machine_as_test(PoolMachine, settings=_settings())
    print(dict(PoolMachine.seen))
