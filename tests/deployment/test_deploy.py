"""The one deployment path, in process on the test node: wiring, resuming, pre-flight, the manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from dualtrack.chain import Chain
from dualtrack.deployment import (
    DeploymentConfig,
    DeploymentError,
    Manifest,
    ManifestError,
    PreflightError,
    deploy,
    open_manifest,
)
from dualtrack.deployment.checks import run_checks
from dualtrack.deployment.plan import DEPLOYED_CONTRACTS, plan
from dualtrack.deployment.runner import run_steps
from dualtrack.deployment.steps import Step, method_step
from dualtrack.governance import MANAGER_CONTRACT, NAMED_ROLES, Role, calldata, can_call, has_role
from dualtrack.paths import ABI_DIR
from tests.deployment.conftest import sepolia_data
from tests.support import DAY, ETHER, ZERO, funded_key


class Interrupted(Exception):  # noqa: N818 - stands for Ctrl-C or a lost connection
    """Stops a run part-way."""


@pytest.fixture
def deployer(evm: Chain) -> LocalAccount:
    """A funded key the node has never unlocked: the deployment signs locally."""
    account = funded_key(evm, 100 * ETHER)
    evm.use_key(account)
    return account


def _manifest(evm: Chain, config: DeploymentConfig, deployer: LocalAccount, path: Path | None = None) -> Manifest:
    return open_manifest(path, config, chain_id=int(evm.w3.eth.chain_id), deployer=deployer.address)


def _deploy(evm: Chain, config: DeploymentConfig, deployer: LocalAccount, manifest: Manifest, **kwargs: object):  # type: ignore[no-untyped-def]
    return deploy(evm, config, deployer=deployer.address, manifest=manifest, signing_keys=[deployer], **kwargs)  # type: ignore[arg-type]


def test_deploy__local_configuration__every_wiring_read_back_as_configured(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount
) -> None:
    config = make_config()
    outcome = _deploy(evm, config, deployer, _manifest(evm, config, deployer))
    assert outcome.ok, [check for check in outcome.checks if not check.ok]
    assert len(outcome.checks) > 40
    manifest = outcome.manifest
    assert manifest.complete
    assert manifest.get("oracle.feeds.TSLA") == "0x" + config.oracle.feeds[0].feed_id.hex()
    assert manifest.get("oracle.address") == manifest.address("oracle.price_oracle")
    assert manifest.contract("tsla.token")["abi"] == "EquityToken"
    assert manifest.contract("tsla.identity_registry")["abi"] == "TransferPolicy"
    for key, record in manifest.contracts():
        assert (ABI_DIR / f"{record['abi']}.json").exists(), key
        assert evm.w3.eth.get_code(record["address"]), key
    token = evm.at("EquityToken", manifest.address("tsla.token"))
    assert token.functions.balanceOf(config.investors[1].wallet).call() == 250 * ETHER
    assert outcome.report.sent == evm.w3.eth.get_transaction_count(deployer.address)


def test_deploy__second_run_on_the_same_manifest__sends_nothing(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount, tmp_path: Path
) -> None:
    config = make_config()
    path = tmp_path / "local.json"
    first = _deploy(evm, config, deployer, _manifest(evm, config, deployer, path))
    nonce = evm.w3.eth.get_transaction_count(deployer.address)
    second = _deploy(evm, config, deployer, _manifest(evm, config, deployer, path))
    assert (second.report.sent, second.report.resumed, second.report.already_done) == (0, 0, first.report.total)
    assert second.ok and evm.w3.eth.get_transaction_count(deployer.address) == nonce
    assert json.loads(path.read_text())["contracts"] == first.manifest.data["contracts"]


def test_deploy__interrupted_part_way__resumes_without_paying_twice(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount, tmp_path: Path
) -> None:
    config = make_config()
    path = tmp_path / "local.json"
    done: list[str] = []

    def stop_after_twenty(step: Step, what: str) -> None:
        done.append(step.key)
        if len(done) == 20:
            raise Interrupted

    with pytest.raises(Interrupted):
        _deploy(evm, config, deployer, _manifest(evm, config, deployer, path), on_step=stop_after_twenty)
    recorded = Manifest.load(path)
    assert len(list(recorded.mined_steps())) == 20 and not recorded.complete
    outcome = _deploy(evm, config, deployer, _manifest(evm, config, deployer, path))
    assert outcome.ok and outcome.report.already_done == 20
    sent = [record for _, record in outcome.manifest.mined_steps() if record["txHash"]]
    assert len(sent) == evm.w3.eth.get_transaction_count(deployer.address)


def test_deploy__step_signed_but_never_broadcast__sent_again(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount, tmp_path: Path
) -> None:
    """A run that stopped between recording a hash and broadcasting it: the node never saw it, so it is sent."""
    config = make_config()
    path = tmp_path / "local.json"

    def stop_after_three(step: Step, what: str) -> None:
        if len(list(Manifest.load(path).mined_steps())) == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        _deploy(evm, config, deployer, _manifest(evm, config, deployer, path), on_step=stop_after_three)
    fourth = plan(config, deployer.address)[3]
    manifest = _manifest(evm, config, deployer, path)
    manifest.mark_sent(fourth.key, "0x" + "ab" * 32, evm.w3.eth.get_transaction_count(deployer.address))
    outcome = _deploy(evm, config, deployer, manifest)
    assert outcome.ok and outcome.manifest.step(fourth.key)["status"] == "mined"  # type: ignore[index]
    assert outcome.manifest.step(fourth.key)["txHash"] != "0x" + "ab" * 32  # type: ignore[index]


def test_deploy__admin_configured__deployer_hands_every_role_over(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount
) -> None:
    admin = Account.create().address
    config = make_config(lambda d: d["roles"].update(admin=admin))
    outcome = _deploy(evm, config, deployer, _manifest(evm, config, deployer))
    assert outcome.ok, [check for check in outcome.checks if not check.ok]
    token = evm.at("EquityToken", outcome.manifest.address("tsla.token"))
    assert token.functions.owner().call() == admin
    assert not token.functions.isAgent(deployer.address).call()
    manager = evm.at(MANAGER_CONTRACT, outcome.manifest.address("governance.access_manager"))
    assert [has_role(manager, role, admin) for role in (Role.ADMIN, *NAMED_ROLES)] == [(True, 0)] * 6 + [(False, 0)]
    assert [has_role(manager, role, deployer.address)[0] for role in (Role.ADMIN, *NAMED_ROLES)] == [False] * 7
    oracle = evm.at("EquityPriceOracle", outcome.manifest.address("oracle.price_oracle"))
    assert oracle.functions.authority().call() == manager.address
    with evm.reverts("AccessManagedUnauthorized", deployer.address):
        evm.send(oracle.functions.setQuorums(2, 4), deployer.address)
    with evm.reverts("AccessManagerUnauthorizedAccount", deployer.address, int(Role.ADMIN)):
        evm.send(manager.functions.grantRole(int(Role.RISK_ADMIN), deployer.address, 0), deployer.address)


def test_deploy__testnet_roles_and_delays__granted_as_configured_and_read_back(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount
) -> None:
    """The Base Sepolia template's delays, a holder per role: the checks read every grant, delay,
    guardian and function role back, and a delayed role really must wait."""
    admin, guardian, risk, oracle_admin, treasurer, upgrader, keeper = (Account.create().address for _ in range(7))
    delays = {key: value for key, value in sepolia_data()["roles"].items() if key.endswith("_delay")}
    assert delays["risk_delay"] == DAY and delays["upgrade_delay"] == 2 * DAY and delays["admin_delay"] == 2 * DAY
    roles = dict(
        admin=admin,
        guardians=[guardian],
        risk_admins=[risk],
        oracle_admins=[oracle_admin],
        treasurers=[treasurer],
        upgraders=[upgrader],
        keepers=[keeper],
        **delays,
    )
    config = make_config(lambda d: d["roles"].update(roles))
    outcome = _deploy(evm, config, deployer, _manifest(evm, config, deployer))
    assert outcome.ok, [check for check in outcome.checks if not check.ok]
    subjects = {check.subject for check in outcome.checks}
    assert {
        "oracle.price_oracle: removeReporter needs GUARDIAN",
        "oracle.price_oracle: configureFeed needs RISK_ADMIN",
        "protocol.authority: setImplementation needs UPGRADER",
        "corporate.dividends: setTaxAccount needs TREASURY",
        "margin.vault: listAsset needs RISK_ADMIN",
        "margin.vault: setVaultPaused needs GUARDIAN",
        "margin.vault: upgradeToAndCall needs UPGRADER",
        "roles: GUARDIAN guards UPGRADER",
        f"roles: {risk} holds RISK_ADMIN (and its delay)",
        "roles: the deployer renounced ADMIN",
    } <= subjects
    manager = evm.at(MANAGER_CONTRACT, outcome.manifest.address("governance.access_manager"))
    assert has_role(manager, Role.ADMIN, admin) == (True, 2 * DAY)
    assert has_role(manager, Role.GUARDIAN, guardian) == (True, 0)
    assert has_role(manager, Role.UPGRADER, upgrader) == (True, 2 * DAY)
    assert has_role(manager, Role.KEEPER, keeper) == (True, 0)
    assert not has_role(manager, Role.RISK_ADMIN, admin)[0]  # listed holders replace the default
    sentinel = evm.at("SequencerSentinel", outcome.manifest.address("oracle.sentinel"))
    assert can_call(manager, risk, sentinel.functions.setGracePeriod(0)) == (False, DAY)
    assert can_call(manager, guardian, sentinel.functions.setGracePeriod(0)) == (False, 0)
    vault = evm.at("MarginVault", outcome.manifest.address("margin.vault"))
    assert can_call(manager, risk, vault.functions.setDebtInterestRate(0)) == (False, DAY)
    assert can_call(manager, guardian, vault.functions.setVaultPaused(True, True)) == (True, 0)
    assert can_call(manager, upgrader, vault.functions.upgradeToAndCall(ZERO, b"")) == (False, 2 * DAY)


def test_checks__a_role_revoked_after_the_deployment__named_as_not_matching(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount
) -> None:
    config = make_config()
    outcome = _deploy(evm, config, deployer, _manifest(evm, config, deployer))
    manager = outcome.context.contract("governance.access_manager")
    oracle = outcome.context.contract("oracle.price_oracle")
    evm.send(manager.functions.revokeRole(int(Role.TREASURY), deployer.address), deployer.address)
    evm.send(
        manager.functions.setTargetFunctionRole(oracle.address, [calldata(oracle.functions.addReporter(ZERO))[:4]], 0),
        deployer.address,
    )
    failed = {check.subject: (check.expected, check.actual) for check in run_checks(outcome.context) if not check.ok}
    assert failed == {
        f"roles: {deployer.address} holds TREASURY (and its delay)": ((True, 0), (False, 0)),
        "oracle.price_oracle: addReporter needs ORACLE_ADMIN": (int(Role.ORACLE_ADMIN), int(Role.ADMIN)),
    }


def test_steps__local_deployment__each_within_its_gas_budget(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount
) -> None:
    """The pre-flight balance estimate adds the steps' budgets: a budget below the real gas would under-ask."""
    config = make_config(lambda d: d["roles"].update(admin=Account.create().address))
    outcome = _deploy(evm, config, deployer, _manifest(evm, config, deployer))
    budgets = {step.key: step.gas_budget for step in plan(config, deployer.address)}
    over = {
        key: (record["gasUsed"], budgets[key])
        for key, record in outcome.manifest.mined_steps()
        if record["gasUsed"] > budgets[key]
    }
    assert over == {}


def test_preflight__node_on_another_chain__one_line_and_nothing_sent(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount
) -> None:
    config = make_config(lambda d: d["network"].update(chain_id=84532))
    with pytest.raises(PreflightError) as raised:
        _deploy(evm, config, deployer, _manifest(evm, config, deployer))
    assert raised.value.problems == ["network.chain_id is 84532 but the node answers chain id 31337: wrong RPC URL?"]
    assert evm.w3.eth.get_transaction_count(deployer.address) == 0


def test_preflight__unfunded_deployer__says_how_much_and_nothing_sent(
    evm: Chain, make_config: Callable[..., DeploymentConfig]
) -> None:
    poor = funded_key(evm, 10**15)
    evm.use_key(poor)
    config = make_config()
    with pytest.raises(PreflightError) as raised:
        _deploy(evm, config, poor, _manifest(evm, config, poor))
    (problem,) = raised.value.problems
    assert problem.startswith(f"the deployer {poor.address} holds 0.001000 ETH;") and "fund it" in problem
    assert evm.w3.eth.get_transaction_count(poor.address) == 0


def test_preflight__existing_contracts_without_code__each_named(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount
) -> None:
    nowhere = Account.create().address
    config = make_config(lambda d: d.update(stablecoin={"address": nowhere}))
    with pytest.raises(PreflightError) as raised:
        _deploy(evm, config, deployer, _manifest(evm, config, deployer))
    assert raised.value.problems == [f"stablecoin: no contract at {nowhere} on chain 31337"]


def test_preflight__investors_but_no_claim_signer_key__asks_for_it(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount
) -> None:
    signer = Account.create().address
    config = make_config(lambda d: d["kyc"].update(claim_signer=signer))
    with pytest.raises(PreflightError) as raised:
        _deploy(evm, config, deployer, _manifest(evm, config, deployer))
    (problem,) = raised.value.problems
    assert f"the KYC claims of investors and the margin vault are signed by {signer}" in problem
    assert "DUALTRACK_CLAIM_SIGNER_KEY" in problem


def test_open_manifest__other_configuration_chain_or_deployer__refused(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount, tmp_path: Path
) -> None:
    config = make_config()
    path = tmp_path / "local.json"
    _manifest(evm, config, deployer, path).save()
    changed = make_config(lambda d: d["oracle"].update(threshold=2))
    with pytest.raises(ManifestError, match="was made with another configuration"):
        open_manifest(path, changed, chain_id=31337, deployer=deployer.address)
    with pytest.raises(ManifestError, match="records chain 31337, the node is chain 84532"):
        open_manifest(path, config, chain_id=84532, deployer=deployer.address)
    with pytest.raises(ManifestError, match="was deployed by"):
        open_manifest(path, config, chain_id=31337, deployer=Account.create().address)
    fresh = open_manifest(path, config, chain_id=31337, deployer=Account.create().address, fresh=True)
    assert fresh.step("deploy.stablecoin") is None  # a local node's manifest may be replaced when asked


def test_exported_abis__every_deployed_contract__one_complete_file() -> None:
    for name in DEPLOYED_CONTRACTS:
        assert (ABI_DIR / f"{name}.json").exists(), name
    token = {entry.get("name") for entry in json.loads((ABI_DIR / "EquityToken.json").read_text())}
    assert {"balanceOfUI", "uiMultiplier", "scheduleSnapshot", "balanceAt", "transfer", "permit"} <= token


def test_run_steps__a_step_reverts__error_names_the_step_and_the_decoded_custom_error(
    evm: Chain, make_config: Callable[..., DeploymentConfig], deployer: LocalAccount, tmp_path: Path
) -> None:
    config = make_config()
    path = tmp_path / "local.json"
    outcome = _deploy(evm, config, deployer, _manifest(evm, config, deployer, path))
    bad = method_step(
        "oracle.quorums",
        "oracle: impossible quorums",
        "oracle.price_oracle",
        "setQuorums",
        lambda ctx: (5, 4),
        gas_budget=1,
    )
    with pytest.raises(DeploymentError) as raised:
        run_steps(outcome.context, [bad])
    assert str(raised.value) == (
        "step wire.oracle.quorums (oracle: impossible quorums) failed: OracleQuorumsInvalid(5, 4, 5)"
    )
    assert outcome.context.manifest.step("wire.oracle.quorums") is None  # nothing recorded: nothing was sent
