"""The plan: every step of a dualtrack deployment, in order, built from the configuration.

Sections, each a function returning its steps (a later issue's contracts add a section):

1. ``governance``: the protocol's AccessManager (ProtocolAccessManager), first: every protocol contract
   is deployed governed by it, the deployer its only ADMIN;
2. ``stablecoin``: the settlement stablecoin (an existing token, or a 6-decimal mock on a local node);
3. ``protocol``: suite implementations, the v1 SuiteAuthority, the SuiteFactory, compliance modules;
4. ``kyc``: the KYC ClaimIssuer and its claim-signing key;
5. ``oracle``: the EquityPriceOracle, CorporateActions (the oracle confirms post-action prices),
   the DividendDistributor, the sequencer sentinel (and a mock uptime feed on a local node);
6. ``stocks``: one ERC-3643 suite per listed stock, its corporate-action agents, its oracle feed;
7. ``periphery``: the EquityTokenLens;
8. ``margin`` (with a ``[margin]`` section): the MarginVault's three modules, its implementation and its
   ProtocolProxy (initialised in the same transaction), its settings, its collateral assets (mock tokens
   on a local node), the vault as the DividendDistributor's custodian, the vault as a verified holder of
   each stock it lists (its own identity and KYC claim), and the MarginLens;
9. ``pool`` (with a ``[pool]`` section, :mod:`dualtrack.deployment.pool_plan`): the LiquidityPool and
   the InsurancePool behind ProtocolProxies, wired into the vault as its counterparty, insurance and
   loss absorber, and the StockCapital (stock-token seller capital, a verified custodian of each stock);
10. ``perp`` (with a ``[perp]`` section, :mod:`dualtrack.deployment.perp_plan`): the FundingRateOracle and
   the PerpMarket behind ProtocolProxies, the PerpLens, each market's funding and listing, and the market
   registered on the vault (and on the pool, which it then asks before open interest grows);
11. ``investors``: verified investors (identity, signed KYC claim, registration, minted holdings);
12. ``roles``: every restricted function of every protocol contract mapped to its role
   (:data:`dualtrack.governance.FUNCTION_ROLES`), then the ``[roles]`` holders granted with their delays.
   Until then every restricted function needs ADMIN, which only the deployer holds: it configures the
   protocol without holding any other role;
13. ``handover``: the suites' agents and ownership to the configured admin, then ADMIN (with
   ``roles.admin_delay``) to it and the deployer's ADMIN renounced, last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from web3.contract import Contract
from web3.contract.contract import ContractFunction

from dualtrack.artifacts import EXTENDED_BY
from dualtrack.claims import ECDSA_KEY_TYPE, ClaimTopic, KeyPurpose, key_hash
from dualtrack.corporate import deploy_corporate_actions
from dualtrack.deployment.config import (
    CollateralConfig,
    DeploymentConfig,
    InvestorConfig,
    LiquidationSettings,
    MarginConfig,
    StockConfig,
    whole_to_raw,
)
from dualtrack.deployment.config import FeedConfig as FeedSettings
from dualtrack.deployment.custody import CustodianHolder, custodian_holder_steps
from dualtrack.deployment.perp_plan import FUNDING_ORACLE, PERP_MARKET, perp_steps
from dualtrack.deployment.pool_plan import INSURANCE, POOL, STOCK_CAPITAL, pool_steps
from dualtrack.deployment.steps import Context, Deployed, Step, call_step, deploy_step, existing_step, method_step
from dualtrack.dividends import deploy_dividend_distributor
from dualtrack.governance import FUNCTION_ROLES, MANAGER_CONTRACT, NAMED_ROLES, Role, wire_call
from dualtrack.identity import deploy_identity, signed_claim
from dualtrack.margin import WAD, AssetConfig, LiquidationConfig
from dualtrack.oracle import FeedConfig as OracleFeedConfig
from dualtrack.oracle import deploy_oracle
from dualtrack.proxy import SUITE_CONTRACTS, role_id
from dualtrack.sequencer import deploy_sentinel, deploy_uptime_feed
from dualtrack.suite import MODULES, SuiteParams, module_call, salt_of, suite_addresses

PROTOCOL_VERSION = "1.0.0"
# The margin vault's DELEGATECALL modules by their role, in the order the vault's constructor takes them.
MARGIN_MODULES = {
    "liquidation": "MarginLiquidationModule",
    "admin": "MarginAdminModule",
    "markets": "MarginMarketsModule",
}
# Every contract a deployment may deploy: each gets a complete ABI, interfaces/abi/<Name>.json (`make abi`).
DEPLOYED_CONTRACTS = (
    MANAGER_CONTRACT,
    "MockStablecoin",
    *SUITE_CONTRACTS,
    "EquityTokenCorporateActions",
    "SuiteAuthority",
    "SuiteFactory",
    *MODULES,
    "ClaimIssuer",
    "Identity",
    "EquityPriceOracle",
    "CorporateActions",
    "DividendDistributor",
    "MockSequencerUptimeFeed",
    "SequencerSentinel",
    "EquityTokenLens",
    *MARGIN_MODULES.values(),
    "MarginVault",
    "ProtocolProxy",
    "MockCollateralToken",
    "MarginLens",
    "LiquidityPool",
    "InsurancePool",
    "StockCapitalAdminModule",
    "StockCapital",
    "FundingRateOracle",
    "PerpMarketModule",
    "PerpMarket",
    "PerpLens",
)
ZERO_ADDRESS = "0x" + "00" * 20
# Gas budgets of the larger deployments (about 1.3 x what they use; the pre-flight adds them up and
# tests/deployment checks that no step uses more than its budget).
IMPLEMENTATION_GAS = {
    "EquityToken": 6_000_000,
    "IdentityRegistry": 3_400_000,
    "IdentityRegistryStorage": 1_300_000,
    "ClaimTopicsRegistry": 1_100_000,
    "TrustedIssuersRegistry": 1_700_000,
    "ModularCompliance": 1_900_000,
    "TransferPolicy": 5_300_000,
}
MODULE_GAS = {
    "CountryAllowModule": 750_000,
    "CountryRestrictModule": 750_000,
    "MaxBalanceModule": 1_500_000,
    "MaxHoldersModule": 1_700_000,
    "SupplyLimitModule": 900_000,
    "LockupModule": 1_800_000,
    "TimeWindowLimitsModule": 1_300_000,
}
# Token-less feeds (crypto, indices) are bound to no token: the oracle then expects multiplier 1e18.
NO_TOKEN = ZERO_ADDRESS
MANAGER = "governance.access_manager"  # the manifest key of the protocol's AccessManager
VAULT = "margin.vault"  # the manifest key of the margin vault (its proxy, with the MarginVault ABI)
VAULT_IDENTITY = "margin.identity"
MARGIN_GAS = {
    "MarginLiquidationModule": 4_900_000,
    "MarginAdminModule": 5_300_000,
    "MarginMarketsModule": 4_100_000,
    "MarginVault": 6_500_000,
    "ProtocolProxy": 460_000,  # with `initialize`
    "MockCollateralToken": 800_000,
    "MarginLens": 1_800_000,
}
# Role wiring: gas of a multicall per function mapped and per role granted (budgets, about 1.3 x use).
WIRE_GAS_PER_FUNCTION = 40_000
GRANT_GAS = 75_000


def plan(config: DeploymentConfig, deployer: str) -> list[Step]:
    """Every step of a deployment of ``config`` by ``deployer``, in the order they run."""
    return [
        *governance_steps(),
        *stablecoin_steps(config),
        *protocol_steps(),
        *kyc_steps(),
        *kyc_handover_steps(config, deployer),
        *oracle_steps(config),
        *(step for stock in config.stocks for step in stock_steps(config, stock)),
        *feed_steps(config),
        *periphery_steps(),
        *margin_steps(config, deployer),
        *pool_steps(config, deployer),
        *perp_steps(config),
        *investor_steps(config),
        *role_steps(config, deployer),
        *handover_steps(config, deployer),
    ]


# ---------------------------------------------------------------------------- sections


def governance_steps() -> list[Step]:
    """The protocol's AccessManager, its only ADMIN the deployer (no delay) until the handover."""
    return [
        deploy_step(
            MANAGER,
            MANAGER_CONTRACT,
            "ProtocolAccessManager: one set of roles for every protocol contract",
            args=lambda ctx: (ctx.deployer,),
            gas_budget=3_600_000,
        )
    ]


def stablecoin_steps(config: DeploymentConfig) -> list[Step]:
    coin = config.stablecoin
    if coin.address is not None:
        return [existing_step("stablecoin", coin.address, "IStablecoin", "the settlement stablecoin (existing)")]
    return [
        deploy_step(
            "stablecoin",
            "MockStablecoin",
            "a 6-decimal mock stablecoin (local only)",
            args=lambda ctx: (coin.mock_name, coin.mock_symbol, ctx.deployer),
            gas_budget=1_400_000,
        )
    ]


def protocol_steps(version: str = PROTOCOL_VERSION) -> list[Step]:
    """Implementations behind every suite, the version's SuiteAuthority, the SuiteFactory, the modules."""
    steps: list[Step] = []
    for name in SUITE_CONTRACTS:
        steps += _implementation_steps(name)
    steps.append(
        deploy_step(
            "protocol.authority",
            "SuiteAuthority",
            f"SuiteAuthority v{version}: upgrading it upgrades every suite of the version",
            args=lambda ctx: (version, ctx.address(MANAGER)),
            gas_budget=550_000,
        )
    )
    steps += [_set_implementation_step(name) for name in SUITE_CONTRACTS]
    steps.append(
        deploy_step(
            "protocol.factory",
            "SuiteFactory",
            "SuiteFactory: one-transaction ERC-3643 suites at CREATE2 addresses",
            args=lambda ctx: (ctx.address(MANAGER), ctx.address("protocol.authority")),
            gas_budget=2_600_000,
        )
    )
    for name in MODULES:
        steps.append(
            deploy_step(f"modules.{name}", name, f"{name} (shared compliance module)", gas_budget=MODULE_GAS[name])
        )
    return steps


def _implementation_steps(name: str) -> list[Step]:
    """``name``'s implementation, after the extension it delegatecalls if it has one."""
    extension = EXTENDED_BY.get(name)
    if extension is None:
        return [_implementation_step(name, lambda ctx: ())]
    first = deploy_step(
        f"protocol.implementations.{extension}",
        extension,
        f"{extension}: the extension {name} delegatecalls",
        gas_budget=1_600_000,
    )
    return [first, _implementation_step(name, lambda ctx: (ctx.address(f"protocol.implementations.{extension}"),))]


def _implementation_step(name: str, args: Callable[[Context], Sequence[Any]]) -> Step:
    return deploy_step(
        f"protocol.implementations.{name}",
        name,
        f"{name} implementation (behind every suite's SuiteProxy)",
        args=args,
        gas_budget=IMPLEMENTATION_GAS[name],
    )


def _set_implementation_step(name: str) -> Step:
    return method_step(
        f"protocol.authority.{name}",
        f"authority: {name} implementation",
        "protocol.authority",
        "setImplementation",
        lambda ctx: (role_id(name), ctx.address(f"protocol.implementations.{name}")),
        gas_budget=80_000,
    )


def kyc_steps() -> list[Step]:
    return [
        deploy_step(
            "kyc.issuer",
            "ClaimIssuer",
            "KYC ClaimIssuer (claim topic 1)",
            args=lambda ctx: (ctx.deployer,),
            gas_budget=3_700_000,
        ),
        call_step(
            "kyc.claim_signer",
            "KYC issuer: the claim-signing key",
            lambda ctx: ctx.contract("kyc.issuer").functions.addKey(
                key_hash(_claim_signer(ctx)), int(KeyPurpose.CLAIM), ECDSA_KEY_TYPE
            ),
            gas_budget=160_000,
        ),
    ]


def oracle_steps(config: DeploymentConfig) -> list[Step]:
    oracle = config.oracle
    steps = [
        deploy_step(
            "oracle.price_oracle",
            "EquityPriceOracle",
            f"EquityPriceOracle: {oracle.threshold}-of-{len(oracle.reporters)} signed reports "
            f"(confirm {oracle.confirm_quorum})",
            create=lambda ctx: deploy_oracle(
                ctx.evm,
                ctx.deployer,
                list(oracle.reporters),
                oracle.threshold,
                oracle.confirm_quorum,
                authority=ctx.address(MANAGER),
                max_report_age=oracle.max_report_age,
                max_future_drift=oracle.max_future_drift,
            ),
            gas_budget=4_700_000,
        ),
        deploy_step(
            "corporate.actions",
            "CorporateActions",
            "CorporateActions: splits and stock dividends, maintenance windows (the oracle confirms)",
            create=lambda ctx: deploy_corporate_actions(
                ctx.evm, ctx.deployer, ctx.address("oracle.price_oracle"), authority=ctx.address(MANAGER)
            ),
            gas_budget=2_300_000,
        ),
        method_step(
            "oracle.corporate_actions",
            "oracle: honour CorporateActions' maintenance windows",
            "oracle.price_oracle",
            "setCorporateActions",
            lambda ctx: (ctx.address("corporate.actions"),),
            gas_budget=60_000,
        ),
        deploy_step(
            "corporate.dividends",
            "DividendDistributor",
            "DividendDistributor: cash dividends withheld per country",
            create=lambda ctx: deploy_dividend_distributor(
                ctx.evm,
                ctx.deployer,
                config.roles.tax_account or config.roles.admin or ctx.deployer,
                authority=ctx.address(MANAGER),
            ),
            gas_budget=3_400_000,
        ),
        method_step(
            "corporate.dividends.trusted_factory",
            "DividendDistributor: dividends only for tokens of the protocol's SuiteFactory",
            "corporate.dividends",
            "addTrustedFactory",
            lambda ctx: (ctx.address("protocol.factory"),),
            gas_budget=100_000,
        ),
    ]
    sequencer = oracle.sequencer
    if sequencer is None:
        return steps
    if sequencer.feed == "mock":
        steps += [
            deploy_step(
                "oracle.uptime_feed",
                "MockSequencerUptimeFeed",
                "a mock sequencer uptime feed (local only)",
                create=lambda ctx: deploy_uptime_feed(ctx.evm, ctx.deployer),
                gas_budget=400_000,
            ),
            call_step(
                "oracle.uptime_feed.up",
                "mock uptime feed: sequencer up since two grace periods ago",
                lambda ctx: ctx.contract("oracle.uptime_feed").functions.setStatus(
                    True, ctx.evm.timestamp() - 2 * sequencer.grace_period
                ),
                gas_budget=120_000,
            ),
        ]
    else:
        steps.append(
            existing_step("oracle.uptime_feed", sequencer.feed, "ISequencerUptimeFeed", "the sequencer uptime feed")
        )
    steps += [
        deploy_step(
            "oracle.sentinel",
            "SequencerSentinel",
            f"SequencerSentinel: {sequencer.grace_period}s grace after a sequencer restart",
            create=lambda ctx: deploy_sentinel(
                ctx.evm,
                ctx.deployer,
                ctx.address("oracle.uptime_feed"),
                sequencer.grace_period,
                authority=ctx.address(MANAGER),
            ),
            gas_budget=800_000,
        ),
        method_step(
            "oracle.sentinel",
            "oracle: guarded by the sequencer sentinel",
            "oracle.price_oracle",
            "setSequencerSentinel",
            lambda ctx: (ctx.address("oracle.sentinel"),),
            gas_budget=60_000,
        ),
    ]
    return steps


def stock_steps(config: DeploymentConfig, stock: StockConfig) -> list[Step]:
    """The stock's suite (one transaction) and its corporate-action agents."""
    key = stock.symbol.lower()

    def params(ctx: Context) -> SuiteParams:
        restrict = ctx.contract("modules.CountryRestrictModule")
        cap = ctx.contract("modules.MaxBalanceModule")
        agents = _unique([ctx.deployer, *config.roles.token_agents])
        max_balance = int(stock.max_balance * Decimal(10) ** stock.decimals)
        return SuiteParams(
            name=stock.name,
            symbol=stock.symbol,
            owner=ctx.deployer,
            decimals=stock.decimals,
            claim_topics=[int(ClaimTopic.KYC)],
            trusted_issuers=[ctx.address("kyc.issuer")],
            issuer_claim_topics=[[int(ClaimTopic.KYC)]],
            token_agents=agents,
            registry_agents=agents,
            modules=[restrict.address, cap.address],
            module_calls=[
                module_call(restrict, "batchRestrictCountries", list(stock.blocked_countries)),
                module_call(cap, "setMaxBalance", max_balance),
            ],
            separate=stock.separate_registry,
        )

    def send(ctx: Context) -> Deployed:
        factory = ctx.contract("protocol.factory")
        receipt = ctx.evm.send(
            factory.functions.deploySuite(salt_of(stock.symbol), params(ctx).as_tuple()), ctx.deployer
        )
        return from_receipt(ctx, receipt)

    def from_receipt(ctx: Context, receipt: object) -> Deployed:
        addresses = suite_addresses(ctx.evm, ctx.contract("protocol.factory"), receipt)  # type: ignore[arg-type]
        return {f"{key}.{role}": value for role, value in addresses.items()}

    suite = Step(
        f"deploy.{key}.suite", f"{stock.symbol} suite ({stock.name}) through the factory", send, from_receipt, 2_600_000
    )
    return [suite, _agent_step(stock, "corporate.actions"), _agent_step(stock, "corporate.dividends")]


def _agent_step(stock: StockConfig, handler_key: str) -> Step:
    key = stock.symbol.lower()
    return method_step(
        f"{key}.corporate_agent.{handler_key}",
        f"{stock.symbol}: {handler_key} is a corporate-action agent",
        f"{key}.token",
        "setCorporateActionAgent",
        lambda ctx: (ctx.address(handler_key), True),
        gas_budget=80_000,
    )


def feed_steps(config: DeploymentConfig) -> list[Step]:
    """Each feed's configuration, then each bound token's state observer (the oracle)."""
    steps = [_feed_step(feed) for feed in config.oracle.feeds]
    for feed in config.oracle.feeds:
        if feed.stock is not None:
            key = feed.stock.lower()
            steps.append(
                method_step(
                    f"{key}.state_observer",
                    f"{feed.stock}: the oracle is told of pauses and multiplier changes",
                    f"{key}.token",
                    "setStateObserver",
                    lambda ctx: (ctx.address("oracle.price_oracle"),),
                    gas_budget=80_000,
                )
            )
    return steps


def _feed_step(feed: FeedSettings) -> Step:
    def configure(ctx: Context) -> ContractFunction:
        token = ctx.address(f"{feed.stock.lower()}.token") if feed.stock else NO_TOKEN
        settings = OracleFeedConfig(
            token,
            feed.max_age_open_risk,
            feed.max_age_value,
            feed.max_age_liquidate,
            feed.jump_band_bps,
            feed.max_age_tokenized,
        )
        return ctx.contract("oracle.price_oracle").functions.configureFeed(feed.feed_id, settings.as_tuple())

    bound = f"bound to the {feed.stock} token" if feed.stock else "no token"
    return call_step(
        f"oracle.feeds.{feed.symbol}", f"oracle feed {feed.symbol} ({bound})", configure, gas_budget=220_000
    )


def periphery_steps() -> list[Step]:
    return [
        deploy_step("periphery.lens", "EquityTokenLens", "EquityTokenLens: batched account views", gas_budget=450_000)
    ]


def margin_steps(config: DeploymentConfig, deployer: str) -> list[Step]:
    """The margin vault and everything it needs before it takes a deposit (nothing without ``[margin]``).

    Until the roles section maps the vault's restricted functions, they need ADMIN: the deployer sets
    the vault up with it, as every other protocol contract.
    """
    margin = config.margin
    if margin is None:
        return []
    return [
        *vault_deployment_steps(margin),
        *vault_setting_steps(margin, pooled=config.pool is not None),
        *(step for asset in margin.assets for step in collateral_steps(config, asset)),
        *dividend_custody_steps(),
        *vault_holder_steps(config, margin, deployer),
        deploy_step(
            "margin.lens",
            "MarginLens",
            "MarginLens: an account's collateral, positions and health in one call",
            gas_budget=MARGIN_GAS["MarginLens"],
        ),
    ]


def vault_deployment_steps(margin: MarginConfig) -> list[Step]:
    """The three modules, the implementation that names them, and its ProtocolProxy, whose constructor runs
    ``initialize`` (no transaction in between in which someone else could initialise it)."""
    steps = [
        deploy_step(
            f"margin.modules.{role}",
            name,
            f"{name}: run by DELEGATECALL in the vault",
            gas_budget=MARGIN_GAS[name],
        )
        for role, name in MARGIN_MODULES.items()
    ]
    steps.append(
        deploy_step(
            "margin.implementation",
            "MarginVault",
            "MarginVault implementation (behind the vault's ProtocolProxy)",
            args=lambda ctx: tuple(ctx.address(f"margin.modules.{role}") for role in MARGIN_MODULES),
            gas_budget=MARGIN_GAS["MarginVault"],
        )
    )

    def proxy_args(ctx: Context) -> tuple[str, bytes]:
        implementation = ctx.contract("margin.implementation")
        wiring = [ctx.address(MANAGER), ctx.address("oracle.price_oracle"), ctx.address("stablecoin")]
        init = implementation.encode_abi(
            "initialize", args=[*wiring, liquidation_config(margin.liquidation).as_tuple()]
        )
        return implementation.address, bytes.fromhex(init[2:])

    steps.append(
        deploy_step(
            VAULT,
            "ProtocolProxy",
            "MarginVault: its ProtocolProxy, initialised in the same transaction (oracle, stablecoin, liquidation)",
            args=proxy_args,
            abi="MarginVault",
            gas_budget=MARGIN_GAS["ProtocolProxy"],
        )
    )
    return steps


def vault_setting_steps(margin: MarginConfig, *, pooled: bool = False) -> list[Step]:
    """The vault-wide settings: counted profit, debt interest, the counterparty and the insurance fund (the
    ``pool`` section sets those two when ``pooled``)."""
    steps = [
        method_step(
            "margin.profit_share",
            f"vault: {margin.profit_share_bps} bps of unrealised profit counts as margin",
            VAULT,
            "setUnrealizedProfitShare",
            lambda ctx: (margin.profit_share_bps,),
            gas_budget=65_000,
        ),
        method_step(
            "margin.debt_apr",
            f"vault: debt charged {margin.debt_apr_bps} bps a year",
            VAULT,
            "setDebtInterestRate",
            lambda ctx: (margin.debt_apr_bps,),
            gas_budget=65_000,
        ),
    ]
    if pooled:
        return steps
    return [
        *steps,
        method_step(
            "margin.counterparty",
            "vault: the counterparty (liquidity pool)",
            VAULT,
            "setCounterparty",
            lambda ctx: (margin.counterparty or ctx.deployer,),
            gas_budget=90_000,
        ),
        method_step(
            "margin.insurance",
            "vault: the insurance fund (and its vault account)",
            VAULT,
            "setInsurance",
            lambda ctx: (margin.insurance or ctx.deployer,),
            gas_budget=240_000,
        ),
    ]


def collateral_steps(config: DeploymentConfig, asset: CollateralConfig) -> list[Step]:
    """``asset``'s token (a mock, an existing token recorded, or a listed stock's own), then its listing."""
    key = collateral_key(config, asset)
    steps: list[Step] = []
    if asset.mock:
        name = asset.mock_name or f"{asset.symbol} (mock)"
        steps.append(
            deploy_step(
                key,
                "MockCollateralToken",
                f"a {asset.decimals}-decimal mock {asset.symbol} (local only)",
                args=lambda ctx: (name, asset.symbol, asset.decimals, ctx.deployer),
                gas_budget=MARGIN_GAS["MockCollateralToken"],
            )
        )
    elif asset.address is not None:
        steps.append(
            existing_step(key, asset.address, "ICollateralToken", f"{asset.symbol}: collateral token (existing)")
        )

    def list_call(ctx: Context) -> ContractFunction:
        token = ctx.contract(key)
        settings = asset_config(config, asset, int(token.functions.decimals().call()))
        return ctx.contract(VAULT).functions.listAsset(token.address, settings.as_tuple())

    weights = f"weights {asset.weight_bps}/{asset.liquidation_weight_bps} bps"
    steps.append(
        call_step(
            f"margin.assets.{asset.symbol}",
            f"vault: {asset.symbol} listed as collateral ({weights}, cap {asset.cap:,})",
            list_call,
            gas_budget=190_000,
        )
    )
    return steps


def dividend_custody_steps() -> list[Step]:
    """The DividendDistributor pays the vault gross as a custodian; the vault accepts only its payments."""
    return [
        method_step(
            "margin.dividends.custodian",
            "DividendDistributor: the vault is a custodian (paid gross, passed through to accounts)",
            "corporate.dividends",
            "setCustodian",
            lambda ctx: (ctx.address(VAULT), True),
            gas_budget=85_000,
        ),
        method_step(
            "margin.dividends.distributor",
            "vault: accepts the DividendDistributor's payments",
            VAULT,
            "setDistributor",
            lambda ctx: (ctx.address("corporate.dividends"),),
            gas_budget=85_000,
        ),
    ]


def vault_holder_steps(config: DeploymentConfig, margin: MarginConfig, deployer: str) -> list[Step]:
    """The vault as a verified holder of every stock it lists: an identity the deployer sets up (the KYC
    claim of the configured signer, one registration per stock), then hands to its manager."""
    return custodian_holder_steps(
        CustodianHolder(holder_key=VAULT, identity_key=VAULT_IDENTITY, label="margin vault", country=margin.country),
        vault_stocks(config),
        vault_identity_manager(config, deployer),
        deployer,
    )


def vault_stocks(config: DeploymentConfig) -> list[StockConfig]:
    """The listed stocks the margin vault takes as collateral."""
    if config.margin is None:
        return []
    return [stock for asset in config.margin.assets if (stock := config.listed_stock(asset.symbol)) is not None]


def vault_identity_manager(config: DeploymentConfig, deployer: str) -> str:
    """Who manages the vault's identity once deployed: ``margin.identity_manager``, else the admin."""
    assert config.margin is not None
    return config.margin.identity_manager or config.roles.admin or deployer


def collateral_key(config: DeploymentConfig, asset: CollateralConfig) -> str:
    """The manifest key of ``asset``'s token: a listed stock's own, else ``margin.tokens.<symbol>``."""
    if config.listed_stock(asset.symbol) is not None:
        return f"{asset.symbol.lower()}.token"
    return f"margin.tokens.{asset.symbol.lower()}"


def asset_config(config: DeploymentConfig, asset: CollateralConfig, decimals: int) -> AssetConfig:
    """``asset``'s IMarginVault.AssetConfig, its whole-token amounts in raw units of ``decimals``."""
    feed = next(feed for feed in config.oracle.feeds if feed.symbol == asset.feed)
    return AssetConfig(
        feed_id=feed.feed_id,
        weight_bps=asset.weight_bps,
        liquidation_weight_bps=asset.liquidation_weight_bps,
        closed_haircut_bps=asset.closed_haircut_bps,
        max_size_discount_bps=asset.max_size_discount_bps,
        depth=whole_to_raw(asset.depth, decimals),
        cap=whole_to_raw(asset.cap, decimals),
        is_stock=config.listed_stock(asset.symbol) is not None,
    )


def liquidation_config(settings: LiquidationSettings) -> LiquidationConfig:
    """The ``[margin.liquidation]`` settings as IMarginVault.LiquidationConfig (health and USD in WAD)."""
    return LiquidationConfig(
        min_penalty_bps=settings.min_penalty_bps,
        max_penalty_bps=settings.max_penalty_bps,
        ramp_bps=settings.ramp_bps,
        keeper_share_bps=settings.keeper_share_bps,
        close_factor_bps=settings.close_factor_bps,
        full_close_health=int(settings.full_close_health * WAD),
        max_keeper_reward=int(settings.max_keeper_reward * WAD),
    )


def margin_record(ctx: Context) -> dict[str, Any]:
    """The manifest's ``margin`` entry: the vault, its lens, and every asset it takes by symbol (the
    settlement stablecoin, its cash, under the token's own symbol)."""
    config = ctx.config
    assert config is not None and config.margin is not None
    settlement = ctx.contract("stablecoin")
    assets: dict[str, str] = {str(settlement.functions.symbol().call()): str(settlement.address)}
    assets |= {asset.symbol: ctx.address(collateral_key(config, asset)) for asset in config.margin.assets}
    return {"address": ctx.address(VAULT), "lens": ctx.address("margin.lens"), "assets": assets}


def investor_steps(config: DeploymentConfig) -> list[Step]:
    return [step for investor in config.investors for step in _investor_steps(config, investor)]


def _investor_steps(config: DeploymentConfig, investor: InvestorConfig) -> list[Step]:
    """An identity the deployer sets up (claim, wallet key, registrations, holdings), then hands over to
    the investor's wallet."""
    base = f"investors.{investor.label}"

    def identity(ctx: Context) -> Contract:
        return ctx.contract(f"{base}.identity")

    def add_claim(ctx: Context) -> ContractFunction:
        signer = ctx.signing_key(_claim_signer(ctx))
        claim = signed_claim(
            identity(ctx), ctx.address("kyc.issuer"), signer.key, int(ClaimTopic.KYC), investor.wallet.encode()
        )
        return identity(ctx).functions.addClaim(*claim.as_args())

    def register(stock: StockConfig) -> Callable[[Context], ContractFunction]:
        def call(ctx: Context) -> ContractFunction:
            registry = ctx.contract(f"{stock.symbol.lower()}.identity_registry")
            return registry.functions.registerIdentity(investor.wallet, identity(ctx).address, investor.country)

        return call

    def mint(stock: StockConfig, raw: int) -> Callable[[Context], ContractFunction]:
        return lambda ctx: ctx.contract(f"{stock.symbol.lower()}.token").functions.mint(investor.wallet, raw)

    steps = [
        deploy_step(
            f"{base}.identity",
            "Identity",
            f"{investor.label}: identity (managed by the deployer until handed over)",
            create=lambda ctx: deploy_identity(ctx.evm, ctx.deployer),
            gas_budget=2_600_000,
        ),
        call_step(f"{base}.kyc_claim", f"{investor.label}: signed KYC claim", add_claim, gas_budget=400_000),
        call_step(
            f"{base}.wallet_key",
            f"{investor.label}: wallet {investor.wallet} manages the identity",
            lambda ctx: identity(ctx).functions.addKey(
                key_hash(investor.wallet), int(KeyPurpose.MANAGEMENT), ECDSA_KEY_TYPE
            ),
            gas_budget=160_000,
        ),
    ]
    for stock in config.stocks:
        steps.append(
            call_step(
                f"{base}.register.{stock.symbol}",
                f"{investor.label}: registered for {stock.symbol} (country {investor.country})",
                register(stock),
                gas_budget=250_000,
            )
        )
    for symbol, shares in investor.holdings.items():
        stock = config.stock(symbol)
        raw = int(shares * Decimal(10) ** stock.decimals)
        steps.append(
            call_step(
                f"{base}.mint.{symbol}",
                f"{investor.label}: {shares} {symbol} minted",
                mint(stock, raw),
                gas_budget=250_000,
            )
        )
    steps.append(
        call_step(
            f"{base}.release",
            f"{investor.label}: the deployer's key removed from the identity",
            lambda ctx: identity(ctx).functions.removeKey(key_hash(ctx.deployer), int(KeyPurpose.MANAGEMENT)),
            gas_budget=120_000,
        )
    )
    return steps


def kyc_handover_steps(config: DeploymentConfig, deployer: str) -> list[Step]:
    """The KYC issuer's MANAGEMENT key moves to the admin. Right after the issuer is set up: removing a
    MANAGEMENT key advances the issuer's key epoch, which makes every held-claim record stale."""
    admin = config.roles.admin
    if admin is None or admin == deployer:
        return []
    return [
        call_step(
            "handover.kyc.issuer.admin_key",
            "KYC issuer: the admin's MANAGEMENT key",
            lambda ctx: ctx.contract("kyc.issuer").functions.addKey(
                key_hash(admin), int(KeyPurpose.MANAGEMENT), ECDSA_KEY_TYPE
            ),
            gas_budget=160_000,
        ),
        call_step(
            "handover.kyc.issuer.deployer_key",
            "KYC issuer: the deployer's MANAGEMENT key removed",
            lambda ctx: ctx.contract("kyc.issuer").functions.removeKey(
                key_hash(ctx.deployer), int(KeyPurpose.MANAGEMENT)
            ),
            gas_budget=120_000,
        ),
    ]


def role_steps(config: DeploymentConfig, deployer: str) -> list[Step]:
    """Every protocol contract's restricted functions mapped to their roles, then the ``[roles]`` holders
    granted (ADMIN itself moves in the handover, last)."""
    grants = [
        (role, holder, config.roles.delay(role))
        for role in NAMED_ROLES
        for holder in config.roles.holders(role, deployer)
    ]
    return [*wiring_steps(governed_contracts(config)), *grant_steps(grants)]


def wiring_steps(contracts: dict[str, str]) -> list[Step]:
    """One multicall per governed contract (``{contract key: contract name}``) mapping each restricted
    function to its role (:data:`dualtrack.governance.FUNCTION_ROLES`)."""
    return [_wiring_step(key, name) for key, name in contracts.items()]


def _wiring_step(key: str, name: str) -> Step:
    roles = ", ".join(sorted({role.name for role in FUNCTION_ROLES[name].values()}))
    return call_step(
        f"governance.functions.{key}",
        f"roles: {name}'s restricted functions mapped ({roles})",
        lambda ctx: wire_call(ctx.contract(MANAGER), ctx.contract(key), name),
        gas_budget=30_000 + WIRE_GAS_PER_FUNCTION * len(FUNCTION_ROLES[name]),
    )


def grant_steps(grants: Sequence[tuple[Role, str, int]]) -> list[Step]:
    """One multicall granting every ``(role, account, execution delay)`` (nothing when there is none)."""
    if not grants:
        return []

    def call(ctx: Context) -> ContractFunction:
        manager = ctx.contract(MANAGER)
        data = [manager.encode_abi("grantRole", args=[int(role), account, delay]) for role, account, delay in grants]
        return manager.functions.multicall(data)

    return [
        call_step(
            "governance.roles",
            f"roles: {len(grants)} grant(s) of " + ", ".join(dict.fromkeys(role.name for role, _, _ in grants)),
            call,
            gas_budget=30_000 + GRANT_GAS * len(grants),
        )
    ]


def governed_contracts(config: DeploymentConfig | None) -> dict[str, str]:
    """{manifest key: contract name} of every protocol contract the AccessManager governs."""
    contracts = {"protocol.authority": "SuiteAuthority", "protocol.factory": "SuiteFactory"}
    if config is None:  # the protocol core alone
        return contracts
    contracts |= {
        "oracle.price_oracle": "EquityPriceOracle",
        "corporate.actions": "CorporateActions",
        "corporate.dividends": "DividendDistributor",
    }
    if config.oracle.sequencer is not None:
        contracts["oracle.sentinel"] = "SequencerSentinel"
    if config.margin is not None:
        contracts[VAULT] = "MarginVault"
    if config.pool is not None:
        contracts[POOL] = "LiquidityPool"
        contracts[INSURANCE] = "InsurancePool"
        contracts[STOCK_CAPITAL] = "StockCapital"
    if config.perp is not None:
        contracts[FUNDING_ORACLE] = "FundingRateOracle"
        contracts[PERP_MARKET] = "PerpMarket"
    return contracts


def handover_steps(config: DeploymentConfig, deployer: str) -> list[Step]:
    """Hand the protocol to ``roles.admin``.

    The deployer stops being an agent of the suites (unless listed in ``roles.token_agents``) and the
    suites (OwnableUpgradeable, ERC-3643) change owner at once. Then, last, ADMIN of the AccessManager is
    granted to the admin with ``roles.admin_delay`` and the deployer renounces its own: from then on the
    admin needs no step of its own (no ``acceptOwnership``), and the deployer holds no role unless the
    configuration lists it. With no admin (or the deployer as admin) the deployer keeps ADMIN, with
    ``roles.admin_delay`` if one is set.
    """
    admin = config.roles.admin or deployer
    steps: list[Step] = []
    if admin != deployer:
        steps += _suite_handover_steps(config, deployer, admin)
    if admin != deployer or config.roles.admin_delay:
        steps.append(
            method_step(
                "handover.governance.admin",
                f"roles: ADMIN to {admin} (delay {config.roles.admin_delay} s)",
                MANAGER,
                "grantRole",
                lambda ctx: (int(Role.ADMIN), admin, config.roles.admin_delay),
                gas_budget=GRANT_GAS,
            )
        )
    if admin != deployer:
        steps.append(
            method_step(
                "handover.governance.deployer",
                "roles: the deployer renounces ADMIN",
                MANAGER,
                "renounceRole",
                lambda ctx: (int(Role.ADMIN), ctx.deployer),
                gas_budget=60_000,
            )
        )
    return steps


def _suite_handover_steps(config: DeploymentConfig, deployer: str, admin: str) -> list[Step]:
    steps: list[Step] = []
    for stock in config.stocks:
        key = stock.symbol.lower()
        if deployer not in config.roles.token_agents:
            steps += [
                method_step(
                    f"handover.{key}.{role}.deployer_agent",
                    f"{stock.symbol} {role}: the deployer is no longer an agent",
                    f"{key}.{role}",
                    "removeAgent",
                    lambda ctx: (ctx.deployer,),
                    gas_budget=60_000,
                )
                for role in ("token", "identity_registry")
            ]
        steps += [
            method_step(
                f"handover.{key}.{role}.owner",
                f"{stock.symbol} {role}: owned by the admin",
                f"{key}.{role}",
                "transferOwnership",
                lambda ctx: (admin,),
                gas_budget=60_000,
            )
            for role in _suite_owned(stock)
        ]
    return steps


def _suite_owned(stock: StockConfig) -> list[str]:
    roles = ["token", "identity_registry", "claim_topics_registry", "trusted_issuers_registry"]
    return [*roles, "compliance"] if stock.separate_registry else roles


# ---------------------------------------------------------------------------- helpers


def _claim_signer(ctx: Context) -> str:
    return (ctx.config.kyc.claim_signer if ctx.config is not None else None) or ctx.deployer


def _unique(addresses: list[str]) -> list[str]:
    seen: list[str] = []
    for address in addresses:
        if address not in seen:
            seen.append(address)
    return seen
