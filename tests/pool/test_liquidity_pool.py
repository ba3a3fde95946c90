"""LiquidityPool: the epoch flow (request, settle, claim), pricing at the epoch's NAV, the inflation and donation
defences, and the money flows through the margin vault (the pool's credit pays winners, takes losers' losses).

Amounts: raw stablecoin units (``USDC`` = one dollar, 6 decimals); trader PnL in USD (``USD``, 18 decimals).
"""

from __future__ import annotations

from dualtrack.chain import Reverted
from dualtrack.liquidity_pool import assets_for, shares_for
from tests.pool.conftest import USD, USDC, VIRTUAL_SHARES, PoolDesk


def _reserved(d: PoolDesk) -> int:
    return int(d.pool.functions.reservedAssets().call())


# ---- Request, settle, claim ----


def test_request_deposit__then_settle_and_claim__shares_at_the_epoch_nav_and_assets_in_the_credit(
    pool_desk: PoolDesk,
) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    receipt = d.deposit(alice, 1_000 * USDC)
    (event,) = d.evm.events(receipt, d.pool, "DepositRequested")
    assert (event["controller"], event["assets"], event["epoch"]) == (alice, 1_000 * USDC, 1)
    assert (d.held(), _reserved(d), d.credit(), d.supply()) == (1_000 * USDC, 1_000 * USDC, 0, 0)
    assert d.pool.functions.depositRequest(alice).call() == [1, 1_000 * USDC, False]

    settled = d.settle()
    assert (settled["epoch"], settled["nav"], settled["supply"]) == (1, 0, 0)
    expected = shares_for(1_000 * USDC, 0, 0, VIRTUAL_SHARES)
    assert d.pool.functions.depositRequest(alice).call() == [1, 1_000 * USDC, True]
    assert d.pool.functions.previewClaimDeposit(alice).call() == [expected, 0]
    assert d.claim_deposit(alice) == (expected, 0)
    assert d.shares(alice) == expected == d.supply()
    assert (d.held(), _reserved(d), d.credit(), d.nav()) == (0, 0, 1_000 * USDC, 1_000 * USDC)
    assert d.value_of(alice) == 1_000 * USDC
    assert d.pool.functions.decimals().call() == 18  # 6 + the 12-decimal virtual-share offset


def test_request_redeem__after_trader_losses__settles_and_pays_the_epoch_nav(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    shares = d.seed(alice, 1_000 * USDC)
    d.move(0, -100 * USD)
    d.close(0)  # the trader's loss is booked into the pool's credit
    assert (d.credit(), d.nav()) == (1_100 * USDC, 1_100 * USDC)

    receipt = d.redeem(alice, shares)
    (event,) = d.evm.events(receipt, d.pool, "RedeemRequested")
    assert (event["controller"], event["owner"], event["shares"]) == (alice, alice, shares)
    assert (d.shares(alice), d.shares(d.pool.address)) == (0, shares)  # escrowed
    settled = d.settle()
    paid = assets_for(shares, shares, 1_100 * USDC, VIRTUAL_SHARES)
    assert settled["totals"][4:] == (shares, paid)  # filledShares, paidAssets
    assert (d.held(), _reserved(d), d.supply()) == (paid, paid, 0)
    before = int(d.usdc.functions.balanceOf(alice).call())
    assert d.claim_redeem(alice) == (paid, 0)
    assert int(d.usdc.functions.balanceOf(alice).call()) - before == paid
    assert 1_100 * USDC - 1 <= paid <= 1_100 * USDC
    assert (d.held(), _reserved(d)) == (0, 0)
    assert d.credit() == 1_100 * USDC - paid  # the rounding dust stays with the pool


def test_settle_epoch__before_the_epoch_ends__reverts_epoch_not_ended_and_nothing_moves(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    d.deposit(alice, 500 * USDC)
    epoch, ends_at, totals = d.pool.functions.currentEpoch().call()
    before = (d.held(), _reserved(d), d.credit(), d.supply(), totals)
    with d.evm.reverts("LiquidityPoolEpochNotEnded") as error:
        d.evm.send(d.pool.functions.settleEpoch(), d.keeper)
    assert error.args_[:2] == (epoch, ends_at) and error.args_[2] < ends_at
    assert (d.held(), _reserved(d), d.credit(), d.supply(), d.pool.functions.currentEpoch().call()[2]) == before
    assert d.pool.functions.currentEpoch().call()[0] == epoch == 1


def test_claim__before_its_epoch_settled_or_without_request__reverts_nothing_to_claim(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice, bob = d.lps["alice"], d.lps["bob"]
    d.deposit(alice, 500 * USDC)
    for call in (d.pool.functions.claimDeposit(alice), d.pool.functions.claimRedeem(bob)):
        with d.evm.reverts("LiquidityPoolNothingToClaim"):
            d.evm.send(call, d.keeper)
    assert d.pool.functions.previewClaimDeposit(alice).call() == [0, 0]


def test_request_deposit__zero_amount_or_controller__reverts(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    with d.evm.reverts("LiquidityPoolZeroAmount"):
        d.evm.send(d.pool.functions.requestDeposit(0, alice), alice)
    with d.evm.reverts("LiquidityPoolZeroAddress"):
        d.evm.send(d.pool.functions.requestDeposit(1, "0x" + "00" * 20), alice)
    assert d.held() == 0


def test_request_deposit__again_after_settlement__claims_the_settled_request_first(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    d.deposit(alice, 300 * USDC)
    d.settle()
    receipt = d.deposit(alice, 200 * USDC)
    (claimed,) = d.evm.events(receipt, d.pool, "DepositClaimed")
    assert claimed["shares"] == shares_for(300 * USDC, 0, 0, VIRTUAL_SHARES) == d.shares(alice)
    assert d.pool.functions.depositRequest(alice).call() == [2, 200 * USDC, False]


def test_request_redeem__by_a_spender__needs_the_owners_allowance(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice, bob = d.lps["alice"], d.lps["bob"]
    shares = d.seed(alice, 100 * USDC)
    with d.evm.reverts("ERC20InsufficientAllowance"):
        d.evm.send(d.pool.functions.requestRedeem(shares, bob, alice), bob)
    d.evm.send(d.pool.functions.approve(bob, shares), alice)
    d.evm.send(d.pool.functions.requestRedeem(shares, bob, alice), bob)
    d.settle()
    assets, returned = d.claim_redeem(bob)  # the controller receives
    assert (assets, returned, d.shares(alice)) == (100 * USDC, 0, 0)


def test_request_deposit__paused_by_guardian__reverts_while_redemptions_go_on(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    shares = d.seed(alice, 100 * USDC)
    d.evm.send(d.pool.functions.setDepositsPaused(True), d.admin)
    with d.evm.reverts("LiquidityPoolDepositsPaused"):
        d.evm.send(d.pool.functions.requestDeposit(USDC, alice), alice)
    d.redeem(alice, shares)
    d.settle()
    assert d.claim_redeem(alice)[0] == 100 * USDC


# ---- Pricing at the epoch's value ----


def test_redeem_request__before_a_known_loss__settles_after_it_at_the_lower_value(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice, bob = d.lps["alice"], d.lps["bob"]
    alice_shares = d.seed(alice, 1_000 * USDC)
    d.seed(bob, 1_000 * USDC)
    value_at_request = d.value_of(alice)
    d.redeem(alice, alice_shares)
    d.move(0, 500 * USD)  # traders' profit rises before the settlement: a loss the pool already knows
    settled = d.settle()
    supply = settled["supply"]
    assert settled["nav"] == 1_500 * USDC
    paid = assets_for(alice_shares, supply, 1_500 * USDC, VIRTUAL_SHARES)
    assert d.claim_redeem(alice) == (paid, 0)
    assert value_at_request == 1_000 * USDC and paid < 751 * USDC
    assert d.value_of(bob) >= 750 * USDC - 1  # bob keeps his half of the loss, not more


def test_deposit_request__before_a_known_gain__buys_at_the_higher_value(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice, bob = d.lps["alice"], d.lps["bob"]
    d.seed(alice, 1_000 * USDC)
    d.deposit(bob, 1_000 * USDC)
    d.move(0, -1_000 * USD)  # the traders lose: NAV doubles before bob's deposit settles
    settled = d.settle()
    assert settled["nav"] == 2_000 * USDC
    shares, _ = d.claim_deposit(bob)
    assert shares == shares_for(1_000 * USDC, settled["supply"], 2_000 * USDC, VIRTUAL_SHARES)
    assert 1_000 * USDC - 1 <= d.value_of(bob) <= 1_000 * USDC  # bob bought at the new value: no windfall
    assert d.value_of(alice) >= 2_000 * USDC - 1


# ---- Inflation and donations ----


def test_first_depositor_inflation__one_unit_then_a_10x_credit_donation__attacker_loses_half_victim_whole(
    pool_desk: PoolDesk,
) -> None:
    """The classic attack: the first depositor buys with one raw unit, then donates 10x the victim's deposit
    (to the pool's vault credit, which the NAV counts) before the victim's deposit settles. The virtual shares
    take half of the donation; the victim loses at most one raw unit."""
    d = pool_desk
    attacker, victim = d.lps["carol"], d.lps["alice"]
    attacker_shares = d.seed(attacker, 1)
    assert attacker_shares == VIRTUAL_SHARES
    d.deposit(victim, 1_000 * USDC)
    donation = 10_000 * USDC
    d.evm.send(d.usdc.functions.approve(d.vault.address, donation), attacker)
    d.evm.send(d.vault.functions.fundCredit(d.pool.address, donation), attacker)
    d.settle()
    victim_shares, _ = d.claim_deposit(victim)
    victim_value, attacker_value = d.value_of(victim), d.value_of(attacker)
    attacker_profit = attacker_value - 1 - donation
    assert victim_value >= 1_000 * USDC - 1
    assert attacker_profit < -donation // 2 + 2 * USDC  # about -5,000 USDC
    assert victim_shares > 0


def test_donation__tokens_sent_to_the_pool__nav_ignores_them_and_a_sweep_benefits_only_lps_of_record(
    pool_desk: PoolDesk,
) -> None:
    d = pool_desk
    attacker, victim = d.lps["carol"], d.lps["alice"]
    d.seed(attacker, 1)
    d.deposit(victim, 1_000 * USDC)
    nav_before = d.nav()
    d.evm.send(d.usdc.functions.transfer(d.pool.address, 10_000 * USDC), attacker)
    assert d.nav() == nav_before == 1  # the pool's token balance is not its value
    d.settle()
    victim_shares, _ = d.claim_deposit(victim)
    assert victim_shares == shares_for(1_000 * USDC, VIRTUAL_SHARES, 1, VIRTUAL_SHARES)
    assert d.value_of(victim) >= 1_000 * USDC - 1

    receipt = d.evm.send(d.pool.functions.sweepSurplus(), d.keeper)
    (swept,) = d.evm.events(receipt, d.pool, "SurplusSwept")
    assert swept["amount"] == 10_000 * USDC and d.held() == _reserved(d) == 0
    # The surplus went to the LPs of record pro rata (the attacker's 1-unit stake gets about half of what it
    # donated: the virtual shares hold as many shares as it does).
    assert d.value_of(attacker) < 5_000 * USDC
    with d.evm.reverts("LiquidityPoolZeroAmount"):
        d.evm.send(d.pool.functions.sweepSurplus(), d.keeper)


# ---- Money flows through the vault ----


def test_trader_profit__realised__paid_by_the_vault_out_of_the_pools_credit(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    d.seed(alice, 1_000 * USDC)
    d.move(0, 300 * USD)
    assert (d.credit(), d.nav()) == (1_000 * USDC, 700 * USDC)  # unrealised: a liability already
    cash_before = int(d.vault.functions.balanceOf(d.traders[0], d.usdc.address).call()[0])
    d.close(0)
    cash_after = int(d.vault.functions.balanceOf(d.traders[0], d.usdc.address).call()[0])
    assert cash_after - cash_before == 300 * USDC
    assert (d.credit(), d.nav()) == (700 * USDC, 700 * USDC)
    assert d.value_of(alice) == 700 * USDC


def test_trader_loss_and_fee__booked_into_the_credit__share_value_rises_and_redeems(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    shares = d.seed(alice, 1_000 * USDC)
    d.move(1, -250 * USD)
    d.close(1)
    d.evm.send(d.market.functions.realize(d.traders[2], 0, 50 * USDC, d.pool.address), d.admin)  # a fee
    assert (d.credit(), d.nav()) == (1_300 * USDC, 1_300 * USDC)
    d.redeem(alice, shares)
    d.settle()
    paid, _ = d.claim_redeem(alice)
    assert paid == assets_for(shares, shares, 1_300 * USDC, VIRTUAL_SHARES)
    assert 1_300 * USDC - 1 <= paid <= 1_300 * USDC


def test_receivables__trader_debt__counts_at_the_haircut(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    d.seed(alice, 1_000 * USDC)
    cash = int(d.vault.functions.balanceOf(d.traders[0], d.usdc.address).call()[0])
    d.evm.send(d.market.functions.realize(d.traders[0], -(cash + 200 * USDC), 0, d.pool.address), d.admin)
    assert int(d.vault.functions.totalDebt().call()) == 200 * USDC
    valuation = d.pool.functions.valuation().call()
    assert (valuation[0], valuation[1]) == (1_000 * USDC + cash, 100 * USDC)  # credit, receivables at 50%
    assert d.nav() == 1_000 * USDC + cash + 100 * USDC
    config = list(d.pool.functions.settings().call()[0])
    config[2] = 2_000  # receivables haircut 20%
    d.evm.send(d.pool.functions.setRiskConfig(tuple(config)), d.admin)
    assert d.nav() == 1_000 * USDC + cash + 160 * USDC


def test_bankruptcy__traders_owed_more_than_the_pool__flagged_and_settlement_prices_nothing(
    pool_desk: PoolDesk,
) -> None:
    d = pool_desk
    alice, bob = d.lps["alice"], d.lps["bob"]
    shares = d.seed(alice, 1_000 * USDC)
    assert d.pool.functions.bankruptcy().call() == [False, 1_000 * USDC]
    d.move(0, 1_500 * USD)
    assert d.pool.functions.bankruptcy().call() == [True, -500 * USDC]
    d.redeem(alice, shares)
    d.deposit(bob, 1_000 * USDC)
    settled = d.settle()
    assert settled["nav"] == -500 * USDC
    assert settled["totals"][2:] == (0, 0, 0, 0)  # nothing accepted, minted, filled or paid
    assert d.claim_deposit(bob) == (0, 1_000 * USDC)
    assert d.claim_redeem(alice) == (0, shares)
    assert d.pool.functions.convertToAssets(shares).call() == 0


# ---- Caps ----


def test_redeem__utilisation_cap_binding__filled_pro_rata_and_the_rest_returned(pool_desk: PoolDesk) -> None:
    d = pool_desk
    alice, bob = d.lps["alice"], d.lps["bob"]
    a_shares = d.seed(alice, 1_000 * USDC)
    b_shares = d.seed(bob, 1_000 * USDC)
    d.move(0, 0, notional_usd=1_200 * USD)  # 1,200 open against 2,000: 60%, the cap is 80%
    assert d.pool.functions.utilisation().call() == [1_200 * USD, 2_000 * USD, 1_600 * USD, 6_000]
    d.redeem(alice, a_shares)
    d.redeem(bob, b_shares)
    settled = d.settle()
    supply, nav = settled["supply"], settled["nav"]
    requested = a_shares + b_shares
    value = assets_for(requested, supply, nav, VIRTUAL_SHARES)
    releasable = 2_000 * USDC - 1_500 * USDC  # 1,200 must stay backed at 80%
    filled = requested * releasable // value
    assert settled["totals"][4:] == (filled, assets_for(filled, supply, nav, VIRTUAL_SHARES))
    a_paid, a_back = d.claim_redeem(alice)
    b_paid, b_back = d.claim_redeem(bob)
    assert 249 * USDC < a_paid <= 250 * USDC and 249 * USDC < b_paid <= 250 * USDC
    assert a_back == a_shares * (requested - filled) // requested and d.shares(alice) == a_back
    assert b_back == b_shares * (requested - filled) // requested
    open_interest, backing, _, utilisation_bps = d.pool.functions.utilisation().call()
    assert open_interest == 1_200 * USD and backing >= 1_500 * USD and utilisation_bps <= 8_000


def test_require_open_interest__beyond_the_utilisation_cap__market_reverts_utilisation_exceeded(
    pool_desk: PoolDesk,
) -> None:
    d = pool_desk
    d.seed(d.lps["alice"], 1_000 * USDC)
    d.move(0, 0, notional_usd=800 * USD)  # exactly the cap: 80% of 1,000
    with d.evm.reverts("LiquidityPoolUtilisationExceeded", 800 * USD + 1, 800 * USD):
        d.evm.send(d.market.functions.setNotional(d.traders[1], 1), d.admin)
    d.evm.call(d.pool.functions.requireOpenInterest(0))
    assert int(d.market.functions.totalNotional().call()) == 800 * USD


def test_deposit__beyond_the_daily_growth_cap__accepted_pro_rata_rest_refunded_until_the_next_day(
    pool_desk: PoolDesk,
) -> None:
    d = pool_desk
    alice, bob, carol = d.lps["alice"], d.lps["bob"], d.lps["carol"]
    config = list(d.pool.functions.settings().call()[0])
    config[5] = 1_000 * USDC  # growth floor: what an empty pool may take in a day
    d.evm.send(d.pool.functions.setRiskConfig(tuple(config)), d.admin)

    d.deposit(alice, 1_000 * USDC)
    d.deposit(bob, 3_000 * USDC)
    settled = d.settle()
    assert settled["totals"][:3] == (4_000 * USDC, 0, 1_000 * USDC)  # the floor: a quarter of each
    assert d.claim_deposit(alice)[1] == 750 * USDC
    assert d.claim_deposit(bob)[1] == 2_250 * USDC
    assert d.nav() == 1_000 * USDC

    d.deposit(carol, 5_000 * USDC)  # the same day: nothing left
    assert d.settle()["totals"][2] == 0
    assert d.claim_deposit(carol) == (0, 5_000 * USDC)

    d.evm.mine(d.evm.timestamp() + 86_400)  # a new day: 300% of the day's starting NAV (1,000)
    d.deposit(carol, 5_000 * USDC)
    assert d.settle()["totals"][2] == 3_000 * USDC
    assert d.claim_deposit(carol)[1] == 2_000 * USDC
    assert d.pool.functions.growthWindow().call()[1:] == [1_000 * USDC, 3_000 * USDC]
    assert d.nav() == 4_000 * USDC


# ---- ADL trigger ----


def test_check_adl__trader_profit_crosses_the_factor__state_flips_with_an_event_each_way(pool_desk: PoolDesk) -> None:
    d = pool_desk
    d.seed(d.lps["alice"], 1_000 * USDC)
    d.move(0, 800 * USD)
    assert d.pool.functions.adlState().call() == [False, 800 * USD, 1_000 * USD, 8_000]
    assert d.evm.events(d.evm.send(d.pool.functions.checkAdl(), d.keeper), d.pool, "AdlStateChanged") == []
    d.move(1, 100 * USD)  # 900 of profit against 1,000: above 85%
    assert d.pool.functions.adlState().call() == [True, 900 * USD, 1_000 * USD, 9_000]
    (event,) = d.evm.events(d.evm.send(d.pool.functions.checkAdl(), d.keeper), d.pool, "AdlStateChanged")
    assert (event["active"], event["traderProfit"], event["poolValue"]) == (True, 900 * USD, 1_000 * USD)
    assert d.pool.functions.settings().call()[3] is True
    assert d.evm.events(d.evm.send(d.pool.functions.checkAdl(), d.keeper), d.pool, "AdlStateChanged") == []
    d.move(0, -300 * USD)  # a loser does not offset winners' profit: 100 of profit now
    (event,) = d.evm.events(d.evm.send(d.pool.functions.checkAdl(), d.keeper), d.pool, "AdlStateChanged")
    assert event["active"] is False and event["traderProfit"] == 100 * USD


# ---- Settings ----


def test_set_risk_config__out_of_range__reverts_config_invalid(pool_desk: PoolDesk) -> None:
    d = pool_desk
    good = list(d.pool.functions.settings().call()[0])
    for index, bad in ((0, 59), (0, 8 * 86_400), (1, 0), (1, 10_001), (2, 10_001), (3, 0), (4, 0)):
        config = list(good)
        config[index] = bad
        with d.evm.reverts("LiquidityPoolRiskConfigInvalid"):
            d.evm.send(d.pool.functions.setRiskConfig(tuple(config)), d.admin)
    with d.evm.reverts("AccessManagedUnauthorized"):
        d.evm.send(d.pool.functions.setRiskConfig(tuple(good)), d.lps["alice"])


def test_markets__added_twice_or_removed_while_open__reverts_and_removal_when_flat(pool_desk: PoolDesk) -> None:
    d = pool_desk
    d.seed(d.lps["alice"], 1_000 * USDC)
    with d.evm.reverts("LiquidityPoolMarketKnown", d.market.address):
        d.evm.send(d.pool.functions.addMarket(d.market.address), d.admin)
    d.move(0, 0, notional_usd=10 * USD)
    with d.evm.reverts("LiquidityPoolMarketOpen", d.market.address, 10 * USD):
        d.evm.send(d.pool.functions.removeMarket(d.market.address), d.admin)
    d.evm.send(d.market.functions.setNotional(d.traders[0], 0), d.admin)
    receipt = d.evm.send(d.pool.functions.removeMarket(d.market.address), d.admin)
    assert d.evm.events(receipt, d.pool, "MarketRemoved")[0]["market"] == d.market.address
    assert d.pool.functions.markets().call() == []
    with d.evm.reverts("LiquidityPoolMarketUnknown", d.market.address):
        d.evm.send(d.pool.functions.removeMarket(d.market.address), d.admin)
    extra = [d.evm.deploy("MockMarket", d.vault.address, 6, sender=d.admin) for _ in range(9)]
    for market in extra[:8]:
        d.evm.send(d.pool.functions.addMarket(market.address), d.admin)
    with d.evm.reverts("LiquidityPoolTooManyMarkets", 8):
        d.evm.send(d.pool.functions.addMarket(extra[8].address), d.admin)


def test_initialize__manager_without_code__proxy_deployment_reverts_zero_address(pool_desk: PoolDesk) -> None:
    d = pool_desk
    implementation = d.evm.deploy("LiquidityPool", sender=d.admin)
    config = d.pool.functions.settings().call()[0]
    for manager in ("0x" + "00" * 20, d.admin):
        init = implementation.encode_abi("initialize", args=[manager, d.vault.address, config, "LP", "LP"])
        with d.evm.reverts("LiquidityPoolZeroAddress"):
            d.evm.deploy("ProtocolProxy", implementation.address, init, sender=d.admin)
    try:
        d.evm.send(implementation.functions.initialize(d.manager.address, d.vault.address, config, "LP", "LP"), d.admin)
    except Reverted as error:
        assert error.name == "InvalidInitialization"
    else:
        raise AssertionError("the implementation must refuse to be initialised")


# ---- Stock capital ----


def test_stock_capital__result_split_at_settlement_pro_rata_to_risk_and_paid_out_only_by_it(
    pool_desk: PoolDesk,
) -> None:
    d = pool_desk
    alice = d.lps["alice"]
    d.seed(alice, 1_000 * USDC)
    stock = d.evm.deploy("MockStockCapital", d.pool.address, sender=d.admin)
    d.evm.send(stock.functions.setValues(1_500 * USD, 1_000 * USD), d.admin)
    d.evm.send(d.pool.functions.setStockCapital(stock.address), d.admin)
    assert d.pool.functions.utilisation().call()[1] == 2_000 * USD  # the stock risk value backs risk too

    d.move(0, -200 * USD)
    d.close(0)  # +200 of result: half of it is the stock capital's (risk 1,000 vs stable 1,000)
    valuation = d.pool.functions.valuation().call()
    assert (valuation[3], valuation[4], valuation[5]) == (100 * USDC, 100 * USDC, 1_100 * USDC)
    settled = d.settle()
    assert settled["nav"] == 1_100 * USDC
    assert (stock.functions.bookedTotal().call(), stock.functions.bookings().call()) == (100 * USD, 1)
    assert d.pool.functions.valuation().call()[3:6] == (100 * USDC, 0, 1_100 * USDC)

    with d.evm.reverts("LiquidityPoolNotStockCapital", alice):
        d.evm.send(d.pool.functions.payStockCapital(alice, 1), alice)
    with d.evm.reverts("LiquidityPoolStockBalanceExceeded", 100 * USDC, 101 * USDC):
        d.evm.send(stock.functions.pay(alice, 101 * USDC), d.admin)
    before = int(d.usdc.functions.balanceOf(alice).call())
    d.evm.send(stock.functions.pay(alice, 60 * USDC), d.admin)
    assert int(d.usdc.functions.balanceOf(alice).call()) - before == 60 * USDC
    assert (d.credit(), d.nav()) == (1_140 * USDC, 1_100 * USDC)  # the stable LPs' value is untouched

    d.evm.send(d.usdc.functions.mint(stock.address, 40 * USDC), d.minter)
    d.evm.send(stock.functions.sendProceeds(40 * USDC), d.admin)
    assert (d.credit(), d.nav()) == (1_180 * USDC, 1_100 * USDC)
    assert d.pool.functions.valuation().call()[3] == 80 * USDC
    assert d.settle()["nav"] == 1_100 * USDC
    assert stock.functions.bookings().call() == 1  # no result since: nothing booked


# ---- The mock market's aggregates (IPoolMarket) ----


def test_mock_market_trader_pnl__positions_set_closed_and_left__aggregates_follow_in_o1(pool_desk: PoolDesk) -> None:
    d = pool_desk
    d.seed(d.lps["alice"], 10_000 * USDC)
    d.move(0, 300 * USD, notional_usd=1_000 * USD)
    d.move(1, -120 * USD, notional_usd=2_000 * USD)
    d.move(2, 50 * USD)
    assert d.market.functions.traderPnl().call() == [230 * USD, 350 * USD, 3_000 * USD]
    d.move(0, 100 * USD)  # replaced, not added
    assert d.market.functions.traderPnl().call() == [30 * USD, 150 * USD, 3_000 * USD]
    d.close(1)  # realised: out of the aggregates, notional too
    assert d.market.functions.traderPnl().call() == [150 * USD, 150 * USD, 1_000 * USD]
    d.evm.send(d.market.functions.leave(d.traders[0]), d.admin)
    assert d.market.functions.traderPnl().call() == [50 * USD, 50 * USD, 0]
    assert d.nav() == 10_000 * USDC + 120 * USDC - 50 * USDC
