"""The pools of a deployed local protocol: wired as configured, usable at once from ``dualtrack pool``.

One deployment of ``deploy/local.toml`` (module-scoped; the node's snapshots undo what a test did): the
LiquidityPool as the vault's counterparty, the InsurancePool as its insurance and loss absorber, the
StockCapital with NVDA and TSLA tranches. Its investors' wallets are dev accounts: bob holds NVDA.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dualtrack.chain import Chain
from dualtrack.cli import main
from dualtrack.deployment import Outcome, deploy, open_manifest
from dualtrack.deployment.config import load_config
from dualtrack.deployment.pool_plan import INSURANCE, POOL, STOCK_CAPITAL
from tests.deployment.conftest import LOCAL_TOML
from tests.support import ETHER, funded_key

NVDA = 10**18
USDC = 10**6
EPOCH = 3_600  # deploy/local.toml's pool.risk.epoch_duration


@pytest.fixture(scope="module")
def deployed(evm: Chain, tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcome, Path]:
    config = load_config(LOCAL_TOML)
    path = tmp_path_factory.mktemp("pool") / "base-local.json"
    deployer = funded_key(evm, 100 * ETHER)
    evm.use_key(deployer)
    manifest = open_manifest(path, config, chain_id=int(evm.w3.eth.chain_id), deployer=deployer.address)
    return deploy(evm, config, deployer=deployer.address, manifest=manifest, signing_keys=[deployer]), path


def _pool(evm: Chain, path: Path, *args: str) -> Result:
    rpc_url = str(evm.w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    return CliRunner().invoke(main, ["pool", *args, "--rpc-url", rpc_url, "--manifest", str(path)])


def _bob(deployed: tuple[Outcome, Path]) -> str:
    config = deployed[0].context.config
    assert config is not None
    return next(investor.wallet for investor in config.investors if "NVDA" in investor.holdings)


def test_deploy__local_pool_section__every_pool_wiring_read_back(deployed: tuple[Outcome, Path]) -> None:
    outcome, _ = deployed
    assert outcome.ok, [check for check in outcome.checks if not check.ok]
    subjects = {check.subject for check in outcome.checks if check.subject.startswith("pool:")}
    assert {
        "pool: the vault's counterparty",
        "pool: the vault's insurance",
        "pool: the vault's loss absorber",
        "pool: risk settings",
        "pool: stock capital",
        "pool: NVDA tranche listed",
        "pool: the stock capital is verified for NVDA",
        "pool: the stock capital is a custodian in NVDA's max-balance module",
        "pool: stock capital is a dividend custodian",
    } <= subjects
    record = outcome.manifest.get("pool")
    ctx = outcome.context
    assert (record["address"], record["insurance"], record["stock_capital"]) == (
        ctx.address(POOL),
        ctx.address(INSURANCE),
        ctx.address(STOCK_CAPITAL),
    )
    assert set(record["stocks"]) == {"NVDA", "TSLA"}


def test_cli_deposit_stock__verified_holder__position_in_the_tranche_shown(
    evm: Chain, deployed: tuple[Outcome, Path]
) -> None:
    outcome, path = deployed
    bob = _bob(deployed)
    result = _pool(evm, path, "deposit", "NVDA", "25", "--node-account", bob)
    assert result.exit_code == 0, result.output
    assert f"{bob} supplied 25 NVDA." in result.output
    nvda = outcome.context.contract("nvda.token")
    capital = outcome.context.contract(STOCK_CAPITAL)
    shares, frozen, unlock_at, income = capital.functions.positionOf(nvda.address, bob).call()
    assert shares > 0 and frozen == 0 and unlock_at > evm.timestamp() and income == 0
    assert nvda.functions.balanceOf(capital.address).call() == 25 * NVDA


def test_cli_deposit_stock__locked_position__withdrawal_refused_with_the_custom_error(
    evm: Chain, deployed: tuple[Outcome, Path]
) -> None:
    _, path = deployed
    bob = _bob(deployed)
    assert _pool(evm, path, "deposit", "NVDA", "10", "--node-account", bob).exit_code == 0
    result = _pool(evm, path, "withdraw", "NVDA", "all", "--node-account", bob)
    assert result.exit_code == 1 and "StockCapitalLocked" in result.output, result.output


def test_cli_stablecoin__request_settle_claim__lp_holds_pool_shares(evm: Chain, deployed: tuple[Outcome, Path]) -> None:
    outcome, path = deployed
    lp = evm.accounts[5]
    usdc = outcome.context.contract("stablecoin")
    evm.send(usdc.functions.mint(lp, 5_000 * USDC), outcome.manifest.deployer)
    requested = _pool(evm, path, "deposit", "USDC", "5000", "--node-account", lp)
    assert requested.exit_code == 0 and f"{lp} requested a deposit of 5000 USDC." in requested.output
    early = _pool(evm, path, "settle", "--node-account", lp)
    assert early.exit_code == 1 and "LiquidityPoolEpochNotEnded" in early.output
    evm.mine(evm.timestamp() + EPOCH + 1)
    assert _pool(evm, path, "settle", "--node-account", lp).exit_code == 0
    claimed = _pool(evm, path, "claim", "--node-account", lp)
    assert claimed.exit_code == 0, claimed.output
    pool = outcome.context.contract(POOL)
    assert pool.functions.balanceOf(lp).call() > 0
    status = _pool(evm, path, "status", "--owner", lp)
    assert status.exit_code == 0 and "pool NAV (stablecoin)" in status.output and "5,000" in status.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("deposit", "AAPL", "1"), "'AAPL' is not an asset of the pool"),
        (("deposit", "NVDA", "-1"), "AMOUNT"),
        (("withdraw", "USDC", "all"), "no shares to withdraw"),
        (("claim",), "has no settled request to claim"),
    ],
)
def test_cli__mistake__error_naming_it_and_nothing_sent(
    evm: Chain, deployed: tuple[Outcome, Path], args: tuple[str, ...], expected: str
) -> None:
    _, path = deployed
    bob = _bob(deployed)
    nonce = evm.w3.eth.get_transaction_count(bob)
    result = _pool(evm, path, *args, "--node-account", bob)
    assert result.exit_code != 0 and expected in result.output, result.output
    assert evm.w3.eth.get_transaction_count(bob) == nonce
