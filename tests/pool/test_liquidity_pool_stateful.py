"""LiquidityPool stateful suite (hypothesis): three LPs request, claim and redeem while a MockMarket's traders
win and lose at random, open interest comes and goes, and epochs settle.

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

from typing import Any, ClassVar

from eth_abi.abi import decode as abi_decode
from eth_utils.abi import get_abi_output_types
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.pool.conftest import USD, USDC, VIRTUAL_SHARES, PoolDesk

SCALE = 10**12  # USD (18 decimals) per raw stablecoin unit
LPS = ("alice", "bob", "carol")
TRADERS = (0, 1, 2)


def _liability_raw(usd: int) -> int:
    """PoolShareMath.liabilityToRaw: a liability rounded up, an asset toward zero (one formula does both)."""
    return -((-usd) // SCALE)


class PoolMachine(RuleBasedStateMachine):
    desk: ClassVar[PoolDesk]

    def __init__(self) -> None:
        super().__init__()
        d = self.d = type(self).desk
        self.snapshot = d.evm.snapshot()
        self.credit = d.credit()
        self.pnl: dict[int, int] = {t: 0 for t in TRADERS}  # unrealised PnL (USD) per trader
        self.settlements = 0
        self.pool = d.pool

    def teardown(self) -> None:
        self.d.evm.revert_to(self.snapshot)

    # ---- LPs ----

    @rule(
        lp=st.sampled_from(LPS), amount=st.one_of(st.integers(1, 1_000), st.integers(1, 5_000).map(lambda x: x * USDC))
    )
    def request_deposit(self, lp: str, amount: int) -> None:
        self.d.deposit(self.d.lps[lp], amount)

    @rule(lp=st.sampled_from(LPS), fraction=st.integers(1, 100))
    def request_redeem(self, lp: str, fraction: int) -> None:
        wallet = self.d.lps[lp]
        shares = self.d.shares(wallet) * fraction // 100
        if shares == 0:
            return
        self.d.redeem(wallet, shares)

    @rule(lp=st.sampled_from(LPS))
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
            claimed = self.d.claim_deposit(wallet) if kind == "Deposit" else self.d.claim_redeem(wallet)
            assert claimed == preview
            paid = claimed[1] if kind == "Deposit" else claimed[0]
            assert held_before - self.d.held() == paid

    # ---- Traders ----

    @rule(trader=st.sampled_from(TRADERS), pnl=st.integers(-1_000 * USD, 1_000 * USD))
    def move(self, trader: int, pnl: int) -> None:
        self.d.move(trader, pnl)
        self.pnl[trader] = pnl

    @rule(trader=st.sampled_from(TRADERS))
    def close(self, trader: int) -> None:
        pnl = self.pnl[trader]
        realised = pnl // SCALE if pnl >= 0 else -_liability_raw(-pnl)  # profit down, loss up
        if realised > self.credit:
            with self.d.evm.reverts("MarginVaultCreditInsufficient"):
                self.d.close(trader)
            return
        self.d.close(trader)
        self.credit -= realised
        self.pnl[trader] = 0

    @rule(trader=st.sampled_from(TRADERS), notional=st.integers(0, 4_000 * USD))
    def open_interest(self, trader: int, notional: int) -> None:
        account = self.d.traders[trader]
        previous = int(self.d.market.functions.notionalOf(account).call())
        open_interest, _, max_open_interest, _ = self.pool.functions.utilisation().call()
        call = self.d.market.functions.setNotional(account, notional)
        if notional > previous and open_interest + notional - previous > max_open_interest:
            with self.d.evm.reverts("LiquidityPoolUtilisationExceeded"):
                self.d.evm.send(call, self.d.admin)
            return
        self.d.evm.send(call, self.d.admin)

    # ---- Settlement ----

    @rule()
    def settle(self) -> None:
        event = self.d.settle()
        self.settlements += 1
        nav_before, supply_before = int(event["nav"]), int(event["supply"])
        _, _, accepted, minted, filled, paid = event["totals"]
        self.credit += accepted - paid
        nav_after, supply_after = self.d.nav(), self.d.supply()
        if nav_before < 0 or (nav_before == 0 and supply_before != 0):
            assert (accepted, minted, filled, paid) == (0, 0, 0, 0)
            assert (nav_after, supply_after) == (nav_before, supply_before)
            return
        assert nav_after == nav_before + accepted - paid
        assert supply_after == supply_before + minted - filled
        # price_after >= price_before, and not by more than two raw units' rounding
        gain = (nav_after + 1) * (supply_before + VIRTUAL_SHARES) - (nav_before + 1) * (supply_after + VIRTUAL_SHARES)
        assert 0 <= gain <= 2 * (supply_before + VIRTUAL_SHARES)

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
    run_state_machine_as_test(PoolMachine, settings=_settings())
