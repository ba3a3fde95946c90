"""Fixtures for the pools: the margin ``desk`` (tests/margin/conftest.py) plus each pool, by component.

Each component keeps its own labelled section (insurance, liquidity pool, stock capital).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.insurance import deploy_insurance_pool, wire_insurance
from tests.margin.conftest import USDC_UNIT, Desk, desk, usd  # noqa: F401 - `desk` is a fixture used here
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
