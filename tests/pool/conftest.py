"""Fixtures for the pools (issue 14): the margin ``desk`` (tests/margin/conftest.py) plus each pool, one
labelled section per component (insurance, liquidity pool, stock capital).

Liquidity pool: ``pool_desk`` holds a margin vault over a 6-decimal stablecoin (no stock collateral: the pool
only needs the settlement asset), the LiquidityPool behind its proxy as the vault's counterparty, under the vault's own
AccessManager (``admin`` holds every role without delay), and a MockMarket registered on both that asks the
pool before adding open interest. Three traders have a vault account with cash, entered in the market; three
LPs (``alice``, ``bob``, ``carol``) hold stablecoin approved to the pool. Epochs last an hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.governance import manager_of, wire_target
from dualtrack.insurance import deploy_insurance_pool, wire_insurance
from dualtrack.liquidity_pool import (
    RiskConfig,
    advance_and_settle,
    claim_deposit,
    claim_redeem,
    deploy_liquidity_pool,
    pool_status,
    request_deposit,
    request_redeem,
    virtual_shares,
)
from dualtrack.margin import deploy_margin_vault, open_account
from dualtrack.margin import deposit as vault_deposit
from dualtrack.oracle import deploy_oracle, reporter_accounts
from tests.margin.conftest import USDC_UNIT, Desk, desk, usd  # noqa: F401 - `desk` is a fixture used here
from tests.pool.stock_capital_fixtures import nvda, stock_desk  # noqa: F401 - fixtures (stock capital section)
from tests.suite_fixtures import Actors

# =========================================================================== insurance

INSURANCE_CAP_BPS = 10_000  # fixture default: the whole pool may go in one event (tests set tighter caps)
STAKER_FUNDS = 1_000_000 * USDC_UNIT


@dataclass
class Insured:
    """The desk's vault with an InsurancePool as its insurance and loss absorber, and the pool's actors."""

    desk: Desk
    pool: Contract
    stakers: tuple[str, str]  # two stakers, funded with STAKER_FUNDS and approved
    attacker: str  # funded and approved too
    claimant: str  # registered for `cover`
    treasury: str  # holds nothing: where released penalty collateral goes

    @property
    def evm(self) -> Chain:
        return self.desk.evm

    @property
    def admin(self) -> str:
        return self.desk.admin

    def stake(self, staker: str, amount: int) -> int:
        receipt = self.evm.send(self.pool.functions.stake(amount, staker), staker)
        return int(self.evm.events(receipt, self.pool, "Staked")[0]["shares"])

    def total_assets(self) -> int:
        return int(self.pool.functions.totalAssets().call())

    def books(self) -> tuple[int, int]:
        held, owed = self.pool.functions.books().call()
        return int(held), int(owed)

    def usdc_of(self, wallet: str) -> int:
        return int(self.desk.usdc.functions.balanceOf(wallet).call())

    def credit_of(self, holder: str) -> int:
        return int(self.desk.vault.functions.creditOf(holder).call())


@pytest.fixture(scope="session")
def insured(desk: Desk, holders: Actors) -> Insured:  # noqa: F811 - `desk` is the imported fixture
    evm = desk.evm
    pool = deploy_insurance_pool(evm, desk.admin, desk.vault.address, max_draw_bps=INSURANCE_CAP_BPS)
    wire_insurance(evm, desk.vault, pool, desk.admin)
    stakers = (evm.new_account(), evm.new_account())
    attacker, claimant, treasury = evm.new_account(), evm.new_account(), evm.new_account()
    for wallet in (*stakers, attacker, claimant):
        desk.fund(wallet, desk.usdc, STAKER_FUNDS)
        evm.send(desk.usdc.functions.approve(pool.address, 2**256 - 1), wallet)
        evm.send(desk.usdc.functions.approve(desk.vault.address, 2**256 - 1), wallet)
    evm.send(pool.functions.setClaimant(claimant, True), desk.admin)
    # bob liquidates (a verified TSLA holder): he repays debt in USDC.
    evm.send(desk.usdc.functions.approve(desk.vault.address, 2**256 - 1), holders.bob.wallet)
    return Insured(desk=desk, pool=pool, stakers=stakers, attacker=attacker, claimant=claimant, treasury=treasury)


# =========================================================================== liquidity pool

USDC = 10**6  # raw units of one dollar of the 6-decimal stablecoin
USD = 10**18  # one dollar as a USD value (18 decimals)
EPOCH = 3_600
POOL_RISK = RiskConfig(
    epoch_duration=EPOCH,
    max_utilisation_bps=8_000,
    receivables_haircut_bps=5_000,
    adl_pnl_factor_bps=8_500,
    growth_cap_bps=30_000,
    growth_floor=1_000_000 * USDC,
)
TRADER_CASH = 100_000 * USDC
LP_FUNDS = 10_000_000 * USDC
VIRTUAL_SHARES = virtual_shares(6)
TOTALS_FIELDS = ("depositAssets", "redeemShares", "acceptedAssets", "mintedShares", "filledShares", "paidAssets")


def check_settlement_price(event: dict[str, Any], nav_after: int, supply_after: int) -> str:
    """Check one ``EpochSettled`` against the pool read right after it; return which path it took.

    A priced settlement moves NAV by exactly accepted - paid and the supply by minted - filled, and the share
    price (nav + 1) / (supply + virtual shares) after it is never below the price it settled at, and above it
    by at most two raw units' worth of rounding (in the pool's favour). A bankrupt pool prices nothing.
    """
    nav_before, supply_before = int(event["nav"]), int(event["supply"])
    totals = event["totals"]
    _, _, accepted, minted, filled, paid = (int(totals[name]) for name in TOTALS_FIELDS)
    if nav_before < 0 or (nav_before == 0 and supply_before != 0):
        assert (accepted, minted, filled, paid) == (0, 0, 0, 0), f"a bankrupt pool priced a settlement: {totals}"
        assert (nav_after, supply_after) == (nav_before, supply_before), "a bankrupt settlement moved the pool"
        return "bankrupt"
    assert nav_after == nav_before + accepted - paid, f"NAV {nav_before} -> {nav_after} on +{accepted} -{paid}"
    assert supply_after == supply_before + minted - filled, f"supply {supply_before} -> {supply_after}"
    gain = (nav_after + 1) * (supply_before + VIRTUAL_SHARES) - (nav_before + 1) * (supply_after + VIRTUAL_SHARES)
    assert 0 <= gain <= 2 * (supply_before + VIRTUAL_SHARES), (
        f"share price jumped on settlement: {nav_before + 1}/{supply_before + VIRTUAL_SHARES} -> "
        f"{nav_after + 1}/{supply_after + VIRTUAL_SHARES} (accepted {accepted}, paid {paid})"
    )
    return "priced"


@dataclass
class PoolDesk:
    """The vault, the pool, the market, their tokens and the accounts that drive them."""

    evm: Chain
    vault: Contract
    pool: Contract
    market: Contract
    usdc: Contract
    manager: Contract
    admin: str
    minter: str
    keeper: str
    lps: dict[str, str]
    traders: list[int]
    trader_wallets: list[str]
    extra: dict[str, Any] = field(default_factory=dict)

    # -- LP flow

    def deposit(self, lp: str, amount: int) -> TxReceipt:
        return request_deposit(self.evm, self.pool, self.usdc, amount, lp)

    def redeem(self, lp: str, shares: int) -> TxReceipt:
        return request_redeem(self.evm, self.pool, shares, lp)

    def settle(self) -> dict[str, Any]:
        """Move time to the epoch's end and settle it; return the EpochSettled event (its totals as a tuple)."""
        event = dict(advance_and_settle(self.evm, self.pool, self.keeper)[1])
        event["totals"] = tuple(int(event["totals"][name]) for name in TOTALS_FIELDS)
        return event

    def claim_deposit(self, lp: str) -> tuple[int, int]:
        return claim_deposit(self.evm, self.pool, lp)

    def claim_redeem(self, lp: str) -> tuple[int, int]:
        return claim_redeem(self.evm, self.pool, lp)

    def seed(self, lp: str, amount: int) -> int:
        """Deposit ``amount`` for ``lp`` through a whole epoch; return the shares it got."""
        self.deposit(lp, amount)
        self.settle()
        return self.claim_deposit(lp)[0]

    # -- traders

    def move(self, trader: int, pnl_usd: int, notional_usd: int | None = None) -> None:
        """Set trader ``trader``'s unrealised PnL (USD, 18 decimals; positive: profit against the pool)."""
        account = self.traders[trader]
        profit, loss = (pnl_usd, 0) if pnl_usd >= 0 else (0, -pnl_usd)
        self.evm.send(self.market.functions.setPosition(account, profit, loss, 0, 0), self.admin)
        if notional_usd is not None:
            self.evm.send(self.market.functions.setNotional(account, notional_usd), self.admin)

    def close(self, trader: int) -> TxReceipt:
        """The trader closes: its unrealised PnL is realised through the vault (the pool's credit)."""
        return self.evm.send(self.market.functions.closePosition(self.traders[trader]), self.admin)

    # -- reads

    def credit(self) -> int:
        return int(self.vault.functions.creditOf(self.pool.address).call())

    def nav(self) -> int:
        return int(self.pool.functions.netAssetValue().call())

    def shares(self, wallet: str) -> int:
        return int(self.pool.functions.balanceOf(wallet).call())

    def supply(self) -> int:
        return int(self.pool.functions.totalSupply().call())

    def held(self) -> int:
        return int(self.usdc.functions.balanceOf(self.pool.address).call())

    def value_of(self, wallet: str) -> int:
        return int(self.pool.functions.convertToAssets(self.shares(wallet)).call())

    def status(self) -> Any:
        return pool_status(self.pool)


@pytest.fixture(scope="session")
def pool_desk(evm: Chain, keeper: str) -> PoolDesk:
    admin = evm.new_account()
    minter = evm.new_account()
    oracle = deploy_oracle(evm, admin, [a.address for a in reporter_accounts(3, "pool-reporter")], 2, 2)
    usdc = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", minter, sender=minter)
    vault = deploy_margin_vault(evm, admin, oracle.address, usdc.address)
    manager = manager_of(evm, vault)
    pool = deploy_liquidity_pool(evm, admin, vault, authority=manager.address, config=POOL_RISK)
    wire_target(evm, manager, pool, "LiquidityPool", admin)
    evm.send(vault.functions.setCounterparty(pool.address), admin)

    market = evm.deploy("MockMarket", vault.address, 6, sender=admin)
    evm.send(vault.functions.registerMarket(market.address), admin)
    evm.send(pool.functions.addMarket(market.address), admin)
    evm.send(market.functions.setPool(pool.address), admin)

    trader_wallets = [evm.new_account() for _ in range(3)]
    traders = []
    for wallet in trader_wallets:
        evm.send(usdc.functions.mint(wallet, TRADER_CASH), minter)
        account = open_account(evm, vault, wallet)
        vault_deposit(evm, vault, account, usdc, TRADER_CASH, wallet)
        evm.send(market.functions.enter(account), admin)
        traders.append(account)

    lps = {name: evm.new_account() for name in ("alice", "bob", "carol")}
    for wallet in lps.values():
        evm.send(usdc.functions.mint(wallet, LP_FUNDS), minter)
        evm.send(usdc.functions.approve(pool.address, 2**256 - 1), wallet)
    return PoolDesk(
        evm=evm,
        vault=vault,
        pool=pool,
        market=market,
        usdc=usdc,
        manager=manager,
        admin=admin,
        minter=minter,
        keeper=keeper,
        lps=lps,
        traders=traders,
        trader_wallets=trader_wallets,
    )
