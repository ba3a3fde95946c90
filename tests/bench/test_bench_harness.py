"""`make bench`: the registry, the gas report (merge/write/table), the CLI, and the T-REX 4.1.6 peer group."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console
from web3 import Web3

from dualtrack.bench import registry
from dualtrack.bench.__main__ import main as bench_main
from dualtrack.bench.groups.trex import AMOUNT, BATCH_SIZE, HOLDING, TrexBench, setup_trex_bench
from dualtrack.bench.registry import (
    BenchmarkError,
    BenchmarkGroup,
    benchmark,
    filter_operations,
    group_fully_selected,
    load_groups,
    measure,
    run_group,
    select_groups,
    validate_results,
)
from dualtrack.bench.report import (
    ReportError,
    gas_table,
    load_report,
    merge_results,
    peer_ratio,
    render_report,
    write_report,
)
from dualtrack.chain import Chain
from dualtrack.paths import NODE_MODULES
from dualtrack.peers.trex import COUNTRY_IRAN, COUNTRY_NORTH_KOREA, DEFAULT_MAX_BALANCE, TREX_PACKAGE

TREX_OPERATIONS = {
    "trex.transfer",
    "trex.transferFrom",
    "trex.mint",
    "trex.burn",
    "trex.forcedTransfer",
    "trex.batchTransfer20",
}


def _group(name: str, results: Mapping[str, int] | None = None) -> BenchmarkGroup:
    return BenchmarkGroup(name, name.upper(), lambda evm: dict(results or {f"{name}.op": 1}))


@pytest.fixture
def empty_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, BenchmarkGroup]]:
    fresh: dict[str, BenchmarkGroup] = {}
    monkeypatch.setattr(registry, "_REGISTRY", fresh)
    yield fresh


# ---- Report: merge, write, load ----


def test_merge_results__group_not_rerun__keeps_its_keys() -> None:
    existing = {"token.transfer": 90_000, "trex.transfer": 1}
    merged = merge_results(existing, {"trex.transfer": 306_884}, rerun_groups=["trex"])
    assert merged == {"token.transfer": 90_000, "trex.transfer": 306_884}


def test_merge_results__group_rerun_in_full__replaces_values_and_drops_stale_keys() -> None:
    existing = {"trex.transfer": 1, "trex.renamedOp": 2, "trexx.other": 3, "oz.transfer": 4}
    merged = merge_results(existing, {"trex.transfer": 10, "trex.mint": 20}, rerun_groups=["trex"])
    assert merged == {"oz.transfer": 4, "trex.mint": 20, "trex.transfer": 10, "trexx.other": 3}
    assert list(merged) == sorted(merged)


def test_merge_results__operation_subset_rerun__keeps_other_keys_of_the_group() -> None:
    existing = {"trex.transfer": 1, "trex.mint": 2}
    assert merge_results(existing, {"trex.transfer": 5}, rerun_groups=[]) == {"trex.mint": 2, "trex.transfer": 5}


def test_write_report__unsorted_results__sorted_newline_terminated_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "gas.json"
    write_report({"trex.transfer": 306_884, "oz.transfer": 34_455, "token.mint": 7}, path)
    text = path.read_text()
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert list(json.loads(text)) == ["oz.transfer", "token.mint", "trex.transfer"]
    assert text == render_report(json.loads(text))
    assert load_report(path) == {"oz.transfer": 34_455, "token.mint": 7, "trex.transfer": 306_884}
    assert [p.name for p in path.parent.iterdir()] == ["gas.json"]  # no .tmp left behind


def test_load_report__missing_file__empty(tmp_path: Path) -> None:
    assert load_report(tmp_path / "absent.json") == {}


@pytest.mark.parametrize("content", ["[]", '{"a.b": "1"}', '{"a.b": true}', '{"a.b": -1}', '{"a.b": 1.5}', "{"])
def test_load_report__not_an_object_of_gas_ints__raises_report_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "gas.json"
    path.write_text(content)
    with pytest.raises(ReportError):
        load_report(path)


# ---- Report: ratios and table ----


def test_peer_ratio__token_op_with_trex_counterpart__percent_of_peer() -> None:
    results = {"token.transfer": 74_187, "trex.transfer": 296_748}
    assert peer_ratio(results, "token.transfer") == pytest.approx(25.0, abs=0.01)


@pytest.mark.parametrize("operation", ["token.mint", "trex.transfer", "oz.transfer"])
def test_peer_ratio__no_token_trex_pair__none(operation: str) -> None:
    results = {"token.mint": 1, "trex.transfer": 2, "oz.transfer": 3, "token.transfer": 4}
    assert peer_ratio(results, operation) is None


def test_gas_table__token_and_trex_rows__shows_exact_gas_and_ratio() -> None:
    results = {"trex.transfer": 300_000, "token.transfer": 150_000, "token.recover": 5, "oz.transfer": 34_455}
    console = Console(record=True, width=120)
    console.print(gas_table(results, measured=["token.transfer"]))
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in console.export_text().splitlines()]
    rows = {row[0]: row[1:] for row in cells if row}
    assert rows == {
        "oz.transfer": ["34,455", ""],
        "token.recover": ["5", ""],
        "token.transfer": ["150,000", "50.0%"],
        "trex.transfer": ["300,000", ""],
    }


# ---- Registry ----


@pytest.mark.parametrize("name", ["", "Trex", "trex.transfer", "9lives", "tr-ex"])
def test_benchmark__invalid_group_name__raises(empty_registry: dict[str, BenchmarkGroup], name: str) -> None:
    with pytest.raises(BenchmarkError):
        benchmark(name)
    assert empty_registry == {}


def test_benchmark__name_taken_by_another_function__raises(empty_registry: dict[str, BenchmarkGroup]) -> None:
    @benchmark("dup", title="first")
    def first(evm: Chain) -> dict[str, int]:
        return {"dup.a": 1}

    def second(evm: Chain) -> dict[str, int]:
        return {"dup.a": 2}

    with pytest.raises(BenchmarkError, match="already registered"):
        benchmark("dup")(second)
    assert empty_registry["dup"].function is first
    assert empty_registry["dup"].title == "first"


@pytest.mark.parametrize(
    "results",
    [
        {},
        {"oz.transfer": 1},
        {"trex": 1},
        {"trex.": 1},
        {"trex.a": 0},
        {"trex.a": True},
        {"trex.a": 1.0},
        {"trex.a@": 1},
        {"trex.a@x": 1},
        {"trex@1.a": 1},
    ],
)
def test_validate_results__empty_foreign_or_non_gas_figures__raise(results: dict[str, int]) -> None:
    with pytest.raises(BenchmarkError):
        validate_results(_group("trex"), results)


def test_validate_results__well_formed__returned_unchanged() -> None:
    assert validate_results(_group("trex"), {"trex.batchTransfer20": 3, "trex.a_b": 1, "trex.claim@100": 2}) == {
        "trex.batchTransfer20": 3,
        "trex.a_b": 1,
        "trex.claim@100": 2,
    }


def test_select_groups__prefixes__selects_groups_by_name_or_operation() -> None:
    groups = [_group("oz"), _group("token"), _group("trex")]

    def names(prefixes: list[str]) -> list[str]:
        return [g.name for g in select_groups(groups, prefixes)]

    assert names([]) == ["oz", "token", "trex"]
    assert names(["tr"]) == ["trex"]
    assert names(["t"]) == ["token", "trex"]
    assert names(["trex.transfer", "oz"]) == ["oz", "trex"]
    with pytest.raises(BenchmarkError, match="matches no benchmark group"):
        select_groups(groups, ["perp"])


def test_group_fully_selected__operation_prefix__only_partially() -> None:
    trex = _group("trex")
    assert group_fully_selected(trex, [])
    assert group_fully_selected(trex, ["tr"])
    assert not group_fully_selected(trex, ["trex.transfer"])


def test_filter_operations__operation_prefix__keeps_matching_keys_only() -> None:
    results = {"trex.transfer": 1, "trex.transferFrom": 2, "trex.mint": 3}
    assert filter_operations(results, ["trex.transfer"]) == {"trex.transfer": 1, "trex.transferFrom": 2}
    assert filter_operations(results, []) == results


def test_load_groups__package__registers_trex_and_oz_with_titles() -> None:
    groups = {g.name: g for g in load_groups()}
    assert {"trex", "oz"} <= set(groups)
    assert "T-REX 4.1.6" in groups["trex"].title


# ---- On the node: measure, CLI ----


def test_measure__one_transaction__returns_its_gas_and_reverts_state(evm: Chain, issuer: str, alice: str) -> None:
    usdc = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", issuer, sender=issuer)
    block = evm.w3.eth.block_number
    gas = measure(evm, lambda: evm.send(usdc.functions.mint(alice, 5), issuer))
    assert 40_000 < gas < 120_000  # first mint: two zero-to-nonzero writes and an event
    assert usdc.functions.balanceOf(alice).call() == 0
    assert evm.w3.eth.block_number == block


def test_cli__only_oz__merges_into_report_and_prints_table(w3: Web3, tmp_path: Path) -> None:
    node_url = os.environ.get("DUALTRACK_NODE_URL") or w3.provider.endpoint_uri  # type: ignore[attr-defined]
    report = tmp_path / "gas.json"
    write_report({"oz.transfer": 1, "oz.stale": 2, "trex.transfer": 306_884}, report)
    result = CliRunner().invoke(bench_main, ["--only", "oz", "--report", str(report), "--node-url", node_url])
    assert result.exit_code == 0, result.output
    merged = load_report(report)
    assert set(merged) == {"oz.transfer", "trex.transfer"}
    assert merged["trex.transfer"] == 306_884
    assert 30_000 < merged["oz.transfer"] < 40_000
    assert f"{merged['oz.transfer']:,}" in result.output
    assert "1 figure(s) measured, 2 in" in result.output


def test_cli__unknown_prefix__usage_error_and_report_untouched(tmp_path: Path) -> None:
    report = tmp_path / "gas.json"
    result = CliRunner().invoke(bench_main, ["--only", "nosuchgroup", "--report", str(report)])
    assert result.exit_code == 2
    assert "matches no benchmark group" in result.output
    assert not report.exists()


def test_cli__no_node_url__usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(bench_main, ["--report", str(tmp_path / "g.json")], env={"DUALTRACK_NODE_URL": ""})
    assert result.exit_code == 2
    assert "DUALTRACK_NODE_URL" in result.output


# ---- T-REX 4.1.6 peer ----


@pytest.fixture(scope="module")
def trex(evm: Chain) -> TrexBench:
    return setup_trex_bench(evm)


def _runtime_code(relative: str) -> bytes:
    data = json.loads((NODE_MODULES / TREX_PACKAGE / "artifacts" / "contracts" / relative).read_text())
    return bytes.fromhex(data["deployedBytecode"][2:])


def test_trex_group__on_node__plausible_figures_and_node_untouched(evm: Chain) -> None:
    (group,) = [g for g in load_groups() if g.name == "trex"]
    block = evm.w3.eth.block_number
    figures = run_group(evm, group)
    assert set(figures) == TREX_OPERATIONS
    assert evm.w3.eth.block_number == block
    assert 100_000 < figures["trex.transfer"] < 600_000
    # transferFrom = transfer + allowance update; burn skips the identity and compliance checks on a receiver.
    assert figures["trex.transfer"] < figures["trex.transferFrom"] < figures["trex.transfer"] + 20_000
    assert 100_000 < figures["trex.mint"] < 600_000
    assert 50_000 < figures["trex.burn"] < figures["trex.transfer"] // 2
    assert 100_000 < figures["trex.forcedTransfer"] < figures["trex.transfer"]
    # A batch shares warm proxies and implementations across its 20 transfers.
    assert BATCH_SIZE * 100_000 < figures["trex.batchTransfer20"] < BATCH_SIZE * figures["trex.transfer"]


def test_trex_transfer__receiver_claim_revoked_on_claim_issuer__reverts_and_keeps_balances(
    evm: Chain, trex: TrexBench
) -> None:
    suite, alice, bob = trex.suite, trex.alice, trex.bob
    assert suite.is_verified(bob)
    suite.revoke_claim(bob)
    assert not suite.is_verified(bob)
    with evm.reverts("Error", "Transfer not possible"):
        suite.transfer(alice, bob, AMOUNT)
    with evm.reverts("Error", "Identity is not verified."):
        suite.mint(bob, AMOUNT)
    assert suite.balance_of(alice) == HOLDING
    assert suite.balance_of(bob) == HOLDING


def test_trex_transfer__verified_holders__moves_tokens_and_tracks_identity_balances(
    evm: Chain, trex: TrexBench
) -> None:
    suite, alice, bob = trex.suite, trex.alice, trex.bob
    suite.transfer(alice, bob, AMOUNT)
    assert (suite.balance_of(alice), suite.balance_of(bob)) == (HOLDING - AMOUNT, HOLDING + AMOUNT)
    id_balance = suite.max_balance_module.functions.getIDBalance
    assert id_balance(suite.compliance.address, suite.identity_of(bob).address).call() == HOLDING + AMOUNT


def test_trex_suite__deployed__behind_trex_proxies_with_bound_modules(evm: Chain, trex: TrexBench) -> None:
    suite, code = trex.suite, evm.w3.eth.get_code
    assert code(suite.token.address) == _runtime_code("proxy/TokenProxy.sol/TokenProxy.json")
    assert code(suite.identity_registry.address) == _runtime_code(
        "proxy/IdentityRegistryProxy.sol/IdentityRegistryProxy.json"
    )
    assert code(suite.compliance.address) == _runtime_code(
        "proxy/ModularComplianceProxy.sol/ModularComplianceProxy.json"
    )
    module_proxy = _runtime_code("compliance/modular/modules/ModuleProxy.sol/ModuleProxy.json")
    assert code(suite.country_restrict_module.address) == module_proxy
    assert code(suite.max_balance_module.address) == module_proxy
    modules = [suite.country_restrict_module.address, suite.max_balance_module.address]
    assert suite.compliance.functions.getModules().call() == modules
    assert trex.platform.implementation_authority.functions.getCurrentVersion().call() == (4, 1, 6)
    assert suite.token.functions.version().call() == "4.1.3"  # the 4.1.6 package's Token was not re-versioned
    assert suite.token.functions.owner().call() == suite.owner
    assert suite.token.functions.isAgent(suite.agent).call()
    assert not suite.token.functions.paused().call()
    assert suite.claim_topics_registry.functions.getClaimTopics().call() == [1]
    assert suite.trusted_issuers_registry.functions.getTrustedIssuers().call() == [suite.claim_issuer.address]
    restricted = suite.country_restrict_module.functions.isCountryRestricted
    assert restricted(suite.compliance.address, COUNTRY_IRAN).call()
    assert restricted(suite.compliance.address, COUNTRY_NORTH_KOREA).call()


def test_trex_mint__restricted_country_or_above_max_balance__reverts(evm: Chain, trex: TrexBench, keeper: str) -> None:
    suite = trex.suite
    suite.register_holder(keeper, COUNTRY_IRAN)
    assert suite.is_verified(keeper)
    with evm.reverts("Error", "Compliance not followed"):
        suite.mint(keeper, AMOUNT)
    with evm.reverts("Error", "Compliance not followed"):
        suite.mint(trex.bob, DEFAULT_MAX_BALANCE)  # bob already holds HOLDING: over the cap
    assert suite.balance_of(keeper) == 0
    assert suite.balance_of(trex.bob) == HOLDING


def test_register_holder__second_suite_same_platform__reuses_identity_and_claim(evm: Chain, trex: TrexBench) -> None:
    first = trex.suite
    second = trex.platform.deploy_suite(
        owner=first.owner, agent=first.agent, claim_issuer=first.claim_issuer, salt="second", symbol="TREX2"
    )
    identity = second.register_holder(trex.alice)
    assert identity.address == first.identity_of(trex.alice).address
    assert second.identity_registry.functions.identity(trex.alice).call() == identity.address
    assert len(identity.functions.getClaimIdsByTopic(1).call()) == 1
    second.mint(trex.alice, AMOUNT)
    assert second.balance_of(trex.alice) == AMOUNT
    assert first.balance_of(trex.alice) == HOLDING
