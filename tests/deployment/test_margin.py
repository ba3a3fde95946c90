"""The margin vault of a deployed local protocol: wired as configured, usable at once, from Python and from
``dualtrack margin``.

One deployment of ``deploy/local.toml`` (module-scoped: every test starts from it, the node's snapshots
undo what a test did); its investors' wallets are the node's dev accounts, so they send as themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from eth_account import Account
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.claims import KeyPurpose, key_hash
from dualtrack.cli import main
from dualtrack.deployment import DeploymentConfig, Manifest, Outcome, deploy, open_manifest
from dualtrack.deployment.config import load_config
from dualtrack.keepers.reporter import Reporter
from dualtrack.margin import deposit, main_account, withdraw
from dualtrack.market import MarketStatus
from dualtrack.oracle import feed_id, reporter_accounts
from tests.deployment.conftest import LOCAL_TOML
from tests.support import ETHER, funded_key

TSLA = 10**18
WBTC = 10**8
DEV_ACCOUNT_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


@dataclass(frozen=True)
class Deployed:
    """The local deployment: its outcome, its manifest on disk, alice's wallet."""

    outcome: Outcome
    manifest_path: Path
    alice: str

    @property
    def manifest(self) -> Manifest:
        return self.outcome.manifest

    def contract(self, key: str) -> Contract:
        return self.outcome.context.contract(key)

    @property
    def vault(self) -> Contract:
        return self.contract("margin.vault")


def _deploy(evm: Chain, config: DeploymentConfig, path: Path | None = None) -> Outcome:
    deployer = funded_key(evm, 100 * ETHER)
    evm.use_key(deployer)
    manifest = open_manifest(path, config, chain_id=int(evm.w3.eth.chain_id), deployer=deployer.address)
    return deploy(evm, config, deployer=deployer.address, manifest=manifest, signing_keys=[deployer])


@pytest.fixture(scope="module")
def deployed(evm: Chain, tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    config = load_config(LOCAL_TOML)
    path = tmp_path_factory.mktemp("margin") / "base-local.json"
    outcome = _deploy(evm, config, path)
    return Deployed(outcome, path, config.investors[0].wallet)


def _post_tsla_price(evm: Chain, deployed: Deployed, price: int) -> None:
    """The demo reporters sign an open-market TSLA report at the chain's time; anyone submits it."""
    oracle = deployed.contract("oracle.price_oracle")
    reporter = Reporter(reporter_accounts(5)[:3], int(evm.w3.eth.chain_id), oracle.address, feed_id("TSLA"))
    report = reporter.report(evm.timestamp(), MarketStatus.OPEN, price * ETHER)
    evm.send(oracle.functions.submit(reporter.sign(report)), evm.accounts[0])


# ---------------------------------------------------------------------------- the deployment


def test_deploy__local_margin_section__every_margin_wiring_read_back(deployed: Deployed) -> None:
    outcome = deployed.outcome
    assert outcome.ok, [check for check in outcome.checks if not check.ok]
    subjects = {check.subject for check in outcome.checks}
    assert {
        "margin: the proxy's implementation",
        "margin: MarginAdminModule",
        "margin: TSLA listed as configured",
        "margin: WBTC listed as configured",
        "margin: WETH listed as configured",
        "margin: custodian of the DividendDistributor",
        "margin: dividend distributor",
        "margin: the vault is verified for TSLA",
        "margin.vault: governed by the AccessManager",
        "margin.vault: setAssetPaused needs GUARDIAN",
    } <= subjects
    manifest = deployed.manifest
    assert manifest.contract("margin.vault")["abi"] == "MarginVault"
    assert manifest.contract("margin.tokens.wbtc")["abi"] == "MockCollateralToken"
    assert manifest.get("margin") == {
        "address": manifest.address("margin.vault"),
        "lens": manifest.address("margin.lens"),
        "assets": {
            "USDC": manifest.address("stablecoin"),
            "TSLA": manifest.address("tsla.token"),
            "WBTC": manifest.address("margin.tokens.wbtc"),
            "WETH": manifest.address("margin.tokens.weth"),
        },
    }


def test_deploy__local_margin_section__caps_in_raw_units_of_each_token(deployed: Deployed) -> None:
    vault = deployed.vault
    caps = {
        symbol: vault.functions.assetState(deployed.manifest.get(f"margin.assets.{symbol}")).call()[0][6]
        for symbol in ("TSLA", "WBTC", "WETH")
    }
    assert caps == {"TSLA": 500_000 * TSLA, "WBTC": 1_000 * WBTC, "WETH": 20_000 * ETHER}
    (wbtc_decimals, wbtc_listed) = vault.functions.assetState(deployed.manifest.get("margin.assets.WBTC")).call()[1:3]
    assert (wbtc_decimals, wbtc_listed) == (8, True)


def test_deploy__admin_and_agent_manage_the_vault_identity__deployer_released_it(
    evm: Chain, make_config: Callable[..., DeploymentConfig]
) -> None:
    admin = Account.create().address
    config = make_config(lambda d: (d["roles"].update(admin=admin), d["margin"].update(identity_manager=DEV_ACCOUNT_1)))
    outcome = _deploy(evm, config)
    assert outcome.ok, [check for check in outcome.checks if not check.ok]
    identity = outcome.context.contract("margin.identity")
    management = int(KeyPurpose.MANAGEMENT)
    assert identity.functions.keyHasPurpose(key_hash(DEV_ACCOUNT_1), management).call()
    assert not identity.functions.keyHasPurpose(key_hash(outcome.context.deployer), management).call()
    assert "margin: the deployer released the vault's identity" in {check.subject for check in outcome.checks}


# ---------------------------------------------------------------------------- using the vault


def test_vault__verified_investor__deposits_and_withdraws_tsla_and_wbtc(evm: Chain, deployed: Deployed) -> None:
    vault, alice = deployed.vault, deployed.alice
    tsla, wbtc = deployed.contract("tsla.token"), deployed.contract("margin.tokens.wbtc")
    evm.send(wbtc.functions.mint(alice, 2 * WBTC), deployed.manifest.deployer)
    account = main_account(evm, vault, alice)
    deposit(evm, vault, account, tsla, 40 * TSLA, alice)
    deposit(evm, vault, account, wbtc, WBTC // 2, alice)
    assert vault.functions.balanceOf(account, tsla.address).call() == [40 * TSLA, 0]
    assert tsla.functions.balanceOf(vault.address).call() == 40 * TSLA
    withdraw(evm, vault, account, tsla.address, 15 * TSLA, alice)
    withdraw(evm, vault, account, wbtc.address, WBTC // 2, alice)
    assert vault.functions.balanceOf(account, tsla.address).call()[0] == 25 * TSLA
    assert tsla.functions.balanceOf(alice).call() == 75 * TSLA
    assert wbtc.functions.balanceOf(alice).call() == 2 * WBTC
    assert vault.functions.assetsOf(account).call() == [tsla.address]


def test_vault__unverified_wallet__stock_deposit_refused(evm: Chain, deployed: Deployed) -> None:
    vault, stranger = deployed.vault, evm.new_account()
    account = main_account(evm, vault, stranger)
    tsla = deployed.contract("tsla.token")
    with evm.reverts("MarginVaultNotVerified", tsla.address, stranger):
        evm.send(vault.functions.deposit(account, tsla.address, TSLA), stranger)


# ---------------------------------------------------------------------------- dualtrack margin


def _margin(evm: Chain, deployed: Deployed, *args: str) -> Result:
    rpc_url = str(evm.w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    return CliRunner().invoke(main, ["margin", *args, "--rpc-url", rpc_url, "--manifest", str(deployed.manifest_path)])


def test_cli_deposit_then_withdraw__whole_tokens__moved_and_account_shown(evm: Chain, deployed: Deployed) -> None:
    alice = deployed.alice
    deposited = _margin(evm, deployed, "deposit", "TSLA", "40", "--node-account", alice)
    assert deposited.exit_code == 0, deposited.output
    assert f"{alice} deposited 40 TSLA into margin account #" in deposited.output
    withdrawn = _margin(evm, deployed, "withdraw", "tsla", "15.5", "--node-account", alice)
    assert withdrawn.exit_code == 0, withdrawn.output
    account = main_account(evm, deployed.vault, alice)
    tsla = deployed.contract("tsla.token")
    assert deployed.vault.functions.balanceOf(account, tsla.address).call()[0] == 245 * TSLA // 10
    assert tsla.functions.balanceOf(alice).call() == 755 * TSLA // 10
    assert "24.5" in withdrawn.output and "health factor" in withdrawn.output


def test_cli_status__priced_account__values_weights_cash_debt_and_health(evm: Chain, deployed: Deployed) -> None:
    alice = deployed.alice
    assert _margin(evm, deployed, "deposit", "TSLA", "24.5", "--node-account", alice).exit_code == 0
    _post_tsla_price(evm, deployed, 250)
    result = _margin(evm, deployed, "status", "--owner", alice)
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"margin account #{main_account(evm, deployed.vault, alice)} of {alice}" in out
    assert "6,125.00" in out  # 24.5 TSLA at 250 USD
    assert "60% / 70%" in out and "open" in out
    for row in ("cash (USDC)", "debt", "health factor", "nothing owed", "liquidatable"):
        assert row in out, row


def test_cli_deposit__wbtc_with_more_than_8_decimals__usage_error_and_nothing_sent(
    evm: Chain, deployed: Deployed
) -> None:
    nonce = evm.w3.eth.get_transaction_count(deployed.alice)
    result = _margin(evm, deployed, "deposit", "WBTC", "0.123456789", "--node-account", deployed.alice)
    assert result.exit_code == 2 and "0.123456789 has more than 8 decimals" in result.output
    assert evm.w3.eth.get_transaction_count(deployed.alice) == nonce


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("deposit", "DOGE", "1"), "'DOGE' is not an asset of this vault (one of USDC, TSLA, WBTC, WETH"),
        (("deposit", "TSLA", "0"), "must be more than 0"),
        (("deposit", "TSLA", "ten"), "'ten' is not a number"),
        (("withdraw", "TSLA", "1"), "has no margin account: deposit first"),
        (("status",), "give exactly one of --owner and --account-id"),
        (("status", "--account-id", "99"), "there is no margin account #99"),
    ],
    ids=["unknown asset", "zero", "not a number", "no account yet", "status of whom", "unknown account"],
)
def test_cli__mistake__usage_error_naming_it(
    evm: Chain, deployed: Deployed, args: tuple[str, ...], expected: str
) -> None:
    sender = ("--node-account", deployed.alice) if args[0] != "status" else ()
    result = _margin(evm, deployed, *args, *sender)
    assert result.exit_code == 2 and expected in result.output, result.output


def test_cli_withdraw__more_than_the_account_holds__vault_error_named(evm: Chain, deployed: Deployed) -> None:
    assert _margin(evm, deployed, "deposit", "TSLA", "1", "--node-account", deployed.alice).exit_code == 0
    result = _margin(evm, deployed, "withdraw", "TSLA", "2", "--node-account", deployed.alice)
    assert result.exit_code == 1
    assert "the vault refused to let the withdrawal go: MarginVaultInsufficientBalance" in result.output


def test_cli_deposit__more_than_the_wallet_holds__says_so_before_sending(evm: Chain, deployed: Deployed) -> None:
    result = _margin(evm, deployed, "deposit", "TSLA", "101", "--node-account", deployed.alice)
    assert result.exit_code == 1 and f"{deployed.alice} holds 100 TSLA, less than 101" in result.output


def test_cli__manifest_without_margin__says_how_to_get_one(evm: Chain, deployed: Deployed, tmp_path: Path) -> None:
    manifest = Manifest.load(deployed.manifest_path)
    del manifest.data["margin"]
    manifest.path = tmp_path / "no-margin.json"
    manifest.save()
    rpc_url = str(evm.w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    result = CliRunner().invoke(
        main, ["margin", "status", "--owner", deployed.alice, "--rpc-url", rpc_url, "--manifest", str(manifest.path)]
    )
    assert result.exit_code == 2 and "has no margin vault: deploy a configuration with a [margin] section" in (
        result.output
    )
