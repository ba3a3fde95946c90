"""The deployment configuration: the shipped files, and one plain line for each mistake."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dualtrack.deployment import ConfigError, DeploymentConfig, load_config, parse_config
from tests.deployment.conftest import LOCAL_TOML, SEPOLIA_TOML, local_data


def test_load_config__local_demo_file__valid_with_two_investors() -> None:
    config = load_config(LOCAL_TOML)
    assert config.network.local and config.network.chain_id == 31337
    assert [investor.label for investor in config.investors] == ["alice", "bob"]
    assert [feed.symbol for feed in config.oracle.feeds] == ["TSLA", "BTC", "ETH"]


def test_load_config__base_sepolia_template_as_shipped__asks_for_reporters_in_one_line() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(SEPOLIA_TOML)
    assert raised.value.problems == [
        "oracle: need threshold <= confirm_quorum <= reporters, got threshold 3, confirm_quorum 4 and 0 reporter(s)"
    ]


def _reporters(data: dict[str, Any], count: int) -> None:
    data["oracle"]["reporters"] = data["oracle"]["reporters"][:count]


BAD_EDITS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("two reporters, threshold 3", lambda d: _reporters(d, 2), "got threshold 3, confirm_quorum 4 and 2 reporter(s)"),
    (
        "duplicate reporter",
        lambda d: d["oracle"]["reporters"].append(d["oracle"]["reporters"][0]),
        "reporters must be distinct",
    ),
    (
        "not an address",
        lambda d: d["roles"].update(token_agents=["0x1234"]),
        "roles.token_agents.0: '0x1234' is not an address",
    ),
    (
        "zero address",
        lambda d: d["roles"].update(admin="0x" + "00" * 20),
        "roles.admin: the zero address is not allowed here",
    ),
    (
        "feed bound to an unlisted stock",
        lambda d: d["oracle"]["feeds"][0].update(stock="NVDA"),
        "feed TSLA is bound to stock NVDA, which is not listed",
    ),
    (
        "band above the oracle's cap",
        lambda d: d["oracle"]["feeds"][1].update(jump_band_bps=6000),
        "oracle.feeds.1.jump_band_bps",
    ),
    ("report age above the cap", lambda d: d["oracle"].update(max_report_age=7200), "oracle.max_report_age"),
    (
        "investor in a blocked country",
        lambda d: d["investors"][0].update(country=408),
        "investor alice's country 408 is blocked for TSLA",
    ),
    (
        "investor holding an unlisted stock",
        lambda d: d["investors"][0].update(holdings={"NVDA": 1}),
        "investor alice holds NVDA, which is not listed",
    ),
    ("unknown field", lambda d: d["oracle"].update(reporter=[]), "oracle.reporter: Extra inputs are not permitted"),
    (
        "mock stablecoin off a local node",
        lambda d: d["network"].update(local=False),
        "stablecoin.address is required off a local node",
    ),
]


@pytest.mark.parametrize(("case", "edit", "expected"), BAD_EDITS, ids=[case for case, _, _ in BAD_EDITS])
def test_parse_config__mistake__one_line_naming_it(
    case: str, edit: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = local_data()
    edit(data)
    with pytest.raises(ConfigError) as raised:
        parse_config(data, "deploy/x.toml")
    assert len(raised.value.problems) == 1, raised.value.problems
    (problem,) = raised.value.problems
    assert "\n" not in problem and expected in problem, problem


def test_load_config__not_toml__says_where(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[network\nname = 'x'\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_digest__any_change__different(make_config: Callable[..., DeploymentConfig]) -> None:
    base = make_config()
    assert base.digest() == make_config().digest()
    assert base.digest() != make_config(lambda d: d["oracle"].update(threshold=2)).digest()
