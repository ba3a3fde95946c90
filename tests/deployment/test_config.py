"""The deployment configuration: the shipped files, and one plain line for each mistake."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dualtrack.deployment import ConfigError, DeploymentConfig, load_config, parse_config
from dualtrack.deployment.plan import governed_contracts, plan
from dualtrack.governance import NAMED_ROLES, Role
from tests.deployment.conftest import LOCAL_TOML, SEPOLIA_TOML, local_data, sepolia_data
from tests.support import DAY


def test_load_config__local_demo_file__valid_with_two_investors() -> None:
    config = load_config(LOCAL_TOML)
    assert config.network.local and config.network.chain_id == 31337
    assert [investor.label for investor in config.investors] == ["alice", "bob"]
    assert [feed.symbol for feed in config.oracle.feeds] == ["TSLA", "NVDA", "BTC", "ETH"]
    assert [stock.symbol for stock in config.stocks] == ["TSLA", "NVDA"]


def test_load_config__local_demo_file__margin_vault_takes_tsla_and_mock_wbtc_and_weth() -> None:
    margin = load_config(LOCAL_TOML).margin
    assert margin is not None and margin.counterparty is None and margin.insurance is None  # the deployer
    assert [(asset.symbol, asset.feed, asset.mock, asset.decimals) for asset in margin.assets] == [
        ("TSLA", "TSLA", False, None),
        ("WBTC", "BTC", True, 8),
        ("WETH", "ETH", True, 18),
    ]
    assert margin.liquidation.full_close_health == Decimal("0.95")


def test_parse_config__base_sepolia_template_filled_in__margin_lists_tsla_and_the_weth_predeploy() -> None:
    data = sepolia_data()
    data["oracle"]["reporters"] = local_data()["oracle"]["reporters"]
    data["margin"].update(counterparty=DEV_ACCOUNT_1, insurance=DEV_ACCOUNT_2)
    margin = parse_config(data).margin
    assert margin is not None
    assert [(asset.symbol, asset.address) for asset in margin.assets] == [
        ("TSLA", None),
        ("WETH", "0x4200000000000000000000000000000000000006"),
    ]


def test_parse_config__no_margin_section__valid_and_plans_no_vault() -> None:
    data = local_data()
    del data["margin"], data["pool"], data["perp"]  # the pool and the perps need the vault
    config = parse_config(data)
    keys = [step.key for step in plan(config, DEV_ACCOUNT_1)]
    assert config.margin is None and not [key for key in keys if "margin" in key or "pool" in key or "perp" in key]
    assert "margin.vault" not in governed_contracts(config)


def test_parse_config__perp_without_margin__refused_in_one_line() -> None:
    data = local_data()
    del data["margin"], data["pool"]
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert raised.value.problems == ["[perp] needs a [margin] section (the perps are margined by the vault)"]


def test_parse_config__perp_market_on_unknown_feed__refused() -> None:
    data = local_data()
    data["perp"]["markets"][0]["feed"] = "DOGE"
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert raised.value.problems == ["perp market BTC-PERP is priced by feed DOGE, which is not configured"]


def test_parse_config__dividends_on_a_crypto_perp_or_above_gross__refused() -> None:
    data = local_data()
    data["perp"]["markets"][0]["dividend_pass_through"] = 1  # BTC-PERP: the BTC feed is no stock's
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert raised.value.problems == ["perp market BTC-PERP passes dividends through, but feed BTC is no stock's"]
    data = local_data()
    data["perp"]["markets"][1]["dividend_pass_through"] = 1.5
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert len(raised.value.problems) == 1 and "dividend_pass_through" in raised.value.problems[0]


def test_parse_config__closed_session_looser_than_the_open_one__refused() -> None:
    data = local_data()
    data["perp"]["markets"][1]["closed_min_initial_margin_ratio"] = 0.05  # TSLA-PERP's open floor is 0.1
    data["perp"]["markets"][1]["closed_max_open_interest"] = 200_000  # its open cap is 100,000
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert raised.value.problems == [
        "perp.markets.1: perp market TSLA-PERP: closed_min_initial_margin_ratio is below the open one"
    ]
    data["perp"]["markets"][1]["closed_min_initial_margin_ratio"] = 0.2
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert raised.value.problems == [
        "perp.markets.1: perp market TSLA-PERP: closed_max_open_interest is above max_open_interest"
    ]


def test_parse_config__perp_impact_above_skew_scale__refused() -> None:
    data = local_data()
    data["perp"]["markets"][0]["impact_size"] = 20_000
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert raised.value.problems == ["perp.markets.0: perp market BTC-PERP: impact_size is above skew_scale"]


def test_load_config__base_sepolia_template_as_shipped__asks_for_reporters_in_one_line() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(SEPOLIA_TOML)
    assert raised.value.problems == [
        "oracle: need threshold <= confirm_quorum <= reporters, got threshold 3, confirm_quorum 4 and 0 reporter(s)"
    ]


def _reporters(data: dict[str, Any], count: int) -> None:
    data["oracle"]["reporters"] = data["oracle"]["reporters"][:count]


DEV_ACCOUNT_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
DEV_ACCOUNT_2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"


def _off_local(data: dict[str, Any], **margin: Any) -> None:
    """A live network's configuration without pools: a stablecoin address, and ``margin`` settings."""
    data.pop("pool", None)
    data["network"].update(local=False)
    data["stablecoin"] = {"address": DEV_ACCOUNT_2}
    del data["oracle"]["sequencer"]  # its mock uptime feed is for local nodes too
    data["margin"].update(margin)


def _asset(data: dict[str, Any], symbol: str) -> dict[str, Any]:
    asset: dict[str, Any] = next(item for item in data["margin"]["assets"] if item["symbol"] == symbol)
    return asset


def _as_token(data: dict[str, Any], symbol: str, address: str) -> None:
    """``symbol``'s collateral as an existing token at ``address`` instead of a mock."""
    asset = _asset(data, symbol)
    for field in ("mock", "mock_name", "decimals"):
        asset.pop(field)
    asset["address"] = address


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
        lambda d: d["oracle"]["feeds"][0].update(stock="AAPL"),
        "feed TSLA is bound to stock AAPL, which is not listed",
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
        lambda d: d["investors"][0].update(holdings={"AAPL": 1}),
        "investor alice holds AAPL, which is not listed",
    ),
    ("unknown field", lambda d: d["oracle"].update(reporter=[]), "oracle.reporter: Extra inputs are not permitted"),
    (
        "admin delay shorter than the upgrade delay",
        lambda d: d["roles"].update(admin_delay=86_400, upgrade_delay=172_800),
        "roles: admin_delay (86400 s) is shorter than upgrade_delay (172800 s): ADMIN could grant itself UPGRADER",
    ),
    (
        "role delay in milliseconds",
        lambda d: d["roles"].update(risk_delay=86_400_000),
        "roles.risk_delay: Input should be less than or equal to 2592000",
    ),
    ("negative delay", lambda d: d["roles"].update(oracle_delay=-1), "roles.oracle_delay"),
    (
        "the same guardian twice",
        lambda d: d["roles"].update(guardians=[DEV_ACCOUNT_1, DEV_ACCOUNT_1]),
        "roles: guardians must be distinct",
    ),
    ("a keeper that is not an address", lambda d: d["roles"].update(keepers=["keeper"]), "roles.keepers.0"),
    (
        "mock stablecoin off a local node",
        lambda d: d["network"].update(local=False),
        "stablecoin.address is required off a local node",
    ),
    (
        "margin asset priced by a feed that is not configured",
        lambda d: _asset(d, "WBTC").update(feed="SOL"),
        "margin asset WBTC is priced by feed SOL, which is not configured",
    ),
    (
        "stock collateral priced by another feed",
        lambda d: _asset(d, "TSLA").update(feed="BTC"),
        "margin asset TSLA needs the feed bound to its token, not BTC",
    ),
    (
        "token collateral priced by a stock's feed",
        lambda d: _asset(d, "WETH").update(feed="TSLA"),
        "margin asset WETH is priced by TSLA, the TSLA token's feed",
    ),
    (
        "initial weight above the maintenance weight",
        lambda d: _asset(d, "WBTC").update(weight_bps=9_000),
        "margin.assets.1: weight_bps (9000) is above liquidation_weight_bps (8500)",
    ),
    (
        "weight above 100%",
        lambda d: _asset(d, "WBTC").update(liquidation_weight_bps=12_000),
        "margin.assets.1.liquidation_weight_bps: Input should be less than or equal to 10000",
    ),
    ("zero cap", lambda d: _asset(d, "WETH").update(cap=0), "margin.assets.2.cap: Input should be greater than 0"),
    (
        "cap beyond uint128 once in raw units",
        lambda d: _asset(d, "WETH").update(cap=10**30),
        "margin asset WETH: cap or depth does not fit the vault's uint128",
    ),
    (
        "a mock with an address",
        lambda d: _asset(d, "WBTC").update(address=DEV_ACCOUNT_1),
        "margin.assets.1: give an address or mock = true, not both",
    ),
    (
        "a mock without decimals",
        lambda d: _asset(d, "WBTC").pop("decimals"),
        "margin.assets.1: a mock needs its decimals",
    ),
    (
        "decimals of a token that is not a mock",
        lambda d: _asset(d, "WBTC").update(mock=False),
        "decimals and mock_name describe a mock",
    ),
    (
        "a token that is neither a stock, an address nor a mock",
        lambda d: [_asset(d, "WBTC").pop(field) for field in ("mock", "mock_name", "decimals")],
        "margin asset WBTC is not a listed stock: give its address (or mock = true)",
    ),
    (
        "a listed stock with an address",
        lambda d: _asset(d, "TSLA").update(address=DEV_ACCOUNT_1),
        "margin asset TSLA is a listed stock: its token is the suite's (no address)",
    ),
    (
        "the same asset twice",
        lambda d: d["margin"]["assets"].append(dict(_asset(d, "WETH"))),
        "margin: asset symbols must be distinct, got ['TSLA', 'WBTC', 'WETH', 'WETH']",
    ),
    (
        "the settlement stablecoin as collateral",
        lambda d: (d.update(stablecoin={"address": DEV_ACCOUNT_1}), _as_token(d, "WETH", DEV_ACCOUNT_1)),
        "margin asset WETH is the settlement stablecoin: it is the vault's cash",
    ),
    (
        "the vault in a country the stock blocks",
        lambda d: d["margin"].update(country=408),
        "margin.country 408 is blocked for TSLA",
    ),
    (
        "minimum penalty above the maximum",
        lambda d: d["margin"]["liquidation"].update(min_penalty_bps=2_000),
        "margin.liquidation: min_penalty_bps (2000) is above max_penalty_bps (1000)",
    ),
    (
        "penalty cap above the vault's",
        lambda d: d["margin"]["liquidation"].update(max_penalty_bps=6_000),
        "margin.liquidation.max_penalty_bps: Input should be less than or equal to 5000",
    ),
    (
        "full-close health above 1",
        lambda d: d["margin"]["liquidation"].update(full_close_health=1.5),
        "margin.liquidation.full_close_health: Input should be less than or equal to 1",
    ),
    (
        "debt interest above the vault's cap",
        lambda d: d["margin"].update(debt_apr_bps=20_000),
        "margin.debt_apr_bps: Input should be less than or equal to 10000",
    ),
    ("vault country out of range", lambda d: d["margin"].update(country=0), "margin.country"),
    ("unknown margin field", lambda d: d["margin"].update(lender="x"), "margin.lender: Extra inputs are not permitted"),
    (
        "no counterparty off a local node",
        lambda d: _off_local(d, insurance=DEV_ACCOUNT_1),
        "margin.counterparty is required off a local node",
    ),
    (
        "mock collateral off a local node",
        lambda d: _off_local(d, counterparty=DEV_ACCOUNT_1, insurance=DEV_ACCOUNT_1),
        "margin asset WBTC: mock = true is for local nodes: give its address",
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


def test_roles__unset_holders__default_to_the_admin_else_the_deployer(
    make_config: Callable[..., DeploymentConfig],
) -> None:
    deployer = "0x" + "11" * 20
    local = make_config().roles
    assert [local.holders(role, deployer) for role in (Role.ADMIN, *NAMED_ROLES)] == [[deployer]] * 6 + [[]]
    assert all(local.delay(role) == 0 for role in Role)
    listed = make_config(
        lambda d: d["roles"].update(admin=DEV_ACCOUNT_1, guardians=[], risk_delay=3_600, admin_delay=3_600)
    ).roles
    assert listed.holders(Role.ADMIN, deployer) == [DEV_ACCOUNT_1]
    assert listed.holders(Role.UPGRADER, deployer) == [DEV_ACCOUNT_1]
    assert listed.holders(Role.GUARDIAN, deployer) == []  # an empty list leaves the role to nobody
    assert (listed.delay(Role.RISK_ADMIN), listed.delay(Role.ADMIN), listed.delay(Role.GUARDIAN)) == (3_600, 3_600, 0)


def test_load_config__base_sepolia_template__delays_documented_and_admin_waits_longest() -> None:
    roles = sepolia_data()["roles"]
    delays = {key: value for key, value in roles.items() if key.endswith("_delay")}
    assert delays == {
        "admin_delay": 2 * DAY,
        "risk_delay": DAY,
        "oracle_delay": DAY,
        "treasury_delay": DAY,
        "upgrade_delay": 2 * DAY,
    }
    text = SEPOLIA_TOML.read_text()
    for field in ("admin", "guardians", "risk_admins", "oracle_admins", "treasurers", "upgraders", "keepers"):
        assert f"# {field} = " in text or f"\n{field} = " in text, field


def test_load_config__not_toml__says_where(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[network\nname = 'x'\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_digest__any_change__different(make_config: Callable[..., DeploymentConfig]) -> None:
    base = make_config()
    assert base.digest() == make_config().digest()
    assert base.digest() != make_config(lambda d: d["oracle"].update(threshold=2)).digest()


def test_parse_config__pool_without_margin__one_line_naming_it() -> None:
    data = local_data()
    del data["margin"]
    with pytest.raises(ConfigError, match=r"\[pool\] needs a \[margin\] section"):
        parse_config(data)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["margin"].update(counterparty=DEV_ACCOUNT_1), "margin.counterparty must be unset with a [pool]"),
        (lambda d: d["pool"]["stock_capital"]["stocks"][0].update(symbol="AAPL"), "pool stock AAPL is not a listed"),
        (
            lambda d: d["pool"]["stock_capital"]["stocks"][0].update(closed_weight_bps=9_000),
            "closed_weight_bps (9000) is above open_weight_bps (6000)",
        ),
        (lambda d: d["pool"]["insurance"].update(unstake_delay=60), "unstake_delay"),
    ],
)
def test_parse_config__pool_mistake__refused_naming_it(edit: Callable[[dict[str, Any]], None], message: str) -> None:
    data = local_data()
    edit(data)
    with pytest.raises(ConfigError) as excinfo:
        parse_config(data)
    assert message in str(excinfo.value)


def test_plan__local_pool_section__pools_deployed_then_wired_before_the_roles() -> None:
    config = load_config(LOCAL_TOML)
    keys = [step.key for step in plan(config, DEV_ACCOUNT_1)]
    order = [
        "deploy.pool.liquidity_pool",
        "deploy.pool.insurance",
        "wire.margin.counterparty",
        "wire.margin.loss_absorber",
        "deploy.pool.stock_capital",
        "wire.pool.stock_capital.stocks.NVDA",
        "wire.pool.stock_capital.identity.register.NVDA",
        "wire.governance.functions.pool.stock_capital",
    ]
    assert [keys.index(key) for key in order] == sorted(keys.index(key) for key in order)
    assert keys.count("wire.margin.counterparty") == 1  # set once, to the pool
    assert {"pool.liquidity_pool", "pool.insurance", "pool.stock_capital"} <= set(governed_contracts(config))
