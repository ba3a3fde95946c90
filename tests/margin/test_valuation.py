"""Valuation: closed-market, halt and maintenance haircuts, the size discount, a paused token, splits."""

from __future__ import annotations

import pytest

from dualtrack.corporate import DAY, ActionKind, announce
from dualtrack.keepers.reporter import Multipliers
from dualtrack.margin import AssetConfig, effective_weight_bps, health_of
from dualtrack.market import MarketStatus
from dualtrack.oracle import ONE
from tests.margin.conftest import TSLA_CONFIG, TSLA_FEED, TSLA_PRICE, TSLA_UNIT, Desk, usd
from tests.suite_fixtures import Actors
from tests.support import MINUTE


def _stock_account(desk: Desk, holders: Actors, amount: int = 10 * TSLA_UNIT) -> int:
    alice = holders.alice.wallet
    account = desk.open(alice)
    desk.deposit(account, desk.tsla, amount, alice)
    return account


def _tsla_collateral(desk: Desk, account: int) -> tuple[int, int]:
    initial, maintenance = health_of(desk.vault, account)
    return initial.collateral, maintenance.collateral


def test_valuation__market_open__full_weight(desk: Desk, holders: Actors) -> None:
    account = _stock_account(desk, holders)
    desk.prices(desk.evm.timestamp() + 5)
    assert _tsla_collateral(desk, account) == (usd(10 * TSLA_PRICE * 0.6), usd(10 * TSLA_PRICE * 0.7))


@pytest.mark.parametrize("status", [MarketStatus.CLOSED, MarketStatus.HALTED], ids=["weekend", "halt"])
def test_valuation__market_closed_or_halted__closed_haircut(desk: Desk, holders: Actors, status: MarketStatus) -> None:
    account = _stock_account(desk, holders)
    desk.prices(desk.evm.timestamp() + 5, status=status)
    initial, maintenance = health_of(desk.vault, account)
    # 20% closed haircut on top of the 60% weight; a halted venue has no price to liquidate at.
    assert initial.collateral == usd(10 * TSLA_PRICE * 0.48) and initial.complete
    if status is MarketStatus.CLOSED:
        assert maintenance.collateral == usd(10 * TSLA_PRICE * 0.56) and maintenance.complete
    else:
        assert maintenance.collateral == 0 and maintenance.unusable_asset == desk.tsla.address


def test_valuation__maintenance_window__closed_haircut(desk: Desk, holders: Actors, issuer: str) -> None:
    account = _stock_account(desk, holders)
    now = desk.evm.timestamp()
    activation = now + 2 * DAY
    announce(desk.evm, desk.handler, desk.tsla, ActionKind.SPLIT, 2, 1, activation, sender=issuer)
    announced = Multipliers(ONE, 2 * ONE, activation)
    desk.prices(activation - 30 * MINUTE, multipliers=announced)  # inside the window, venue open
    assert desk.oracle.functions.consumerPrice(TSLA_FEED).call()[4]  # inMaintenance
    assert _tsla_collateral(desk, account) == (usd(10 * TSLA_PRICE * 0.48), usd(10 * TSLA_PRICE * 0.56))


def test_valuation__token_paused_by_issuer__weighs_zero(desk: Desk, holders: Actors, agent: str) -> None:
    account = _stock_account(desk, holders)
    desk.evm.send(desk.tsla.functions.pause(), agent)
    desk.prices(desk.evm.timestamp() + 5)
    assert _tsla_collateral(desk, account) == (0, 0)


def test_valuation__large_holding__size_discount(desk: Desk, holders: Actors) -> None:
    depth = 20 * TSLA_UNIT
    config = AssetConfig(TSLA_FEED, 6_000, 7_000, 2_000, 3_000, depth, TSLA_CONFIG.cap, True)
    desk.evm.send(desk.vault.functions.configureAsset(desk.tsla.address, config.as_tuple()), desk.admin)
    account = _stock_account(desk, holders, 10 * TSLA_UNIT)  # half the depth: 15% discount
    desk.prices(desk.evm.timestamp() + 5)

    initial, maintenance = _tsla_collateral(desk, account)

    assert effective_weight_bps(6_000, 10 * TSLA_UNIT, 3_000, depth, 2_000, False) == 5_100
    assert initial == usd(10 * TSLA_PRICE * 0.51)
    assert maintenance == usd(10 * TSLA_PRICE * 0.7 * 0.85)


@pytest.mark.parametrize(("numerator", "denominator"), [(10, 1), (1, 10)], ids=["split_10_1", "reverse_1_10"])
def test_split__loaded_account__equity_continuous_never_liquidatable(
    desk: Desk, holders: Actors, issuer: str, numerator: int, denominator: int
) -> None:
    account = _stock_account(desk, holders, 20 * TSLA_UNIT)
    t = desk.evm.timestamp() + 10
    t0 = t + 2 * DAY
    kind = ActionKind.SPLIT if numerator > denominator else ActionKind.REVERSE_SPLIT
    announce(desk.evm, desk.handler, desk.tsla, kind, numerator, denominator, t0, sender=issuer)
    before, after = Multipliers(ONE, ONE * numerator // denominator, t0), Multipliers(ONE * numerator // denominator)
    desk.prices(t, multipliers=before)
    _, start = health_of(desk.vault, account)
    assert not desk.vault.functions.isLiquidatable(account).call()[0]

    desk.prices(t0 - 30 * MINUTE, status=MarketStatus.CLOSED, multipliers=before)
    assert not desk.vault.functions.isLiquidatable(account).call()[0]
    desk.evm.mine(t0 + 10 * MINUTE)  # the token's multiplier switched, the feed's not yet: no price, no liquidation
    assert desk.vault.functions.isLiquidatable(account).call()[0] is False
    # The venue reopens at the post-split share price: same value per token.
    share_price = TSLA_PRICE * denominator / numerator
    desk.prices(t0 + DAY, tsla=share_price, multipliers=after)
    desk.evm.send(desk.oracle.functions.confirmCorporateAction(TSLA_FEED), desk.submitter)
    desk.prices(t0 + DAY + 60, tsla=share_price, multipliers=after)
    _, end = health_of(desk.vault, account)

    assert desk.tsla.functions.uiMultiplier().call() == ONE * numerator // denominator
    assert desk.balance(account, desk.tsla) == 20 * TSLA_UNIT  # raw balances never move
    assert end.collateral == start.collateral
    assert not desk.vault.functions.isLiquidatable(account).call()[0]
