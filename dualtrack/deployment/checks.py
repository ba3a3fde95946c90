"""After a deployment: read every wiring back from the chain and compare it with the configuration."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eth_utils.address import to_checksum_address

from dualtrack.claims import ClaimTopic, KeyPurpose, key_hash
from dualtrack.deployment.perp_plan import (
    FUNDING_ORACLE,
    PERP_MARKET,
    dividend_source,
    funding_config,
    market_config,
)
from dualtrack.deployment.plan import (
    MANAGER,
    MARGIN_MODULES,
    NO_TOKEN,
    VAULT,
    VAULT_IDENTITY,
    asset_config,
    collateral_key,
    governed_contracts,
    liquidation_config,
    vault_identity_manager,
    vault_stocks,
)
from dualtrack.deployment.pool_plan import (
    INSURANCE,
    POOL,
    STOCK_CAPITAL,
    STOCK_CAPITAL_IDENTITY,
    pool_stocks,
    risk_config,
    stablecoin_decimals,
)
from dualtrack.deployment.steps import Context
from dualtrack.governance import GUARDED_ROLES, NAMED_ROLES, Role, has_role, restricted_functions
from dualtrack.oracle import feed_id
from dualtrack.proxy import SUITE_CONTRACTS, role_id

# ERC-1967: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1), where a proxy keeps its implementation.
ERC1967_IMPLEMENTATION_SLOT = 0x360894A13BA1A3210667C828492DB98DCA3E2076CC3735A920A3CA505D382BBC


@dataclass(frozen=True)
class Check:
    """One wiring read back: what it should be, what the chain says."""

    subject: str
    expected: Any
    actual: Any

    @property
    def ok(self) -> bool:
        return bool(self.expected == self.actual)


def run_checks(ctx: Context) -> list[Check]:
    """Every check of a complete deployment of ``ctx.config``."""
    return list(_checks(ctx))


def _checks(ctx: Context) -> Iterator[Check]:
    config = ctx.config
    assert config is not None
    admin = config.roles.admin or ctx.deployer
    handed_over = admin != ctx.deployer

    yield from _role_checks(ctx)

    authority = ctx.contract("protocol.authority")
    for name in SUITE_CONTRACTS:
        yield Check(
            f"authority: {name} implementation",
            ctx.address(f"protocol.implementations.{name}"),
            authority.functions.implementation(role_id(name)).call(),
        )
    factory = ctx.contract("protocol.factory")
    yield Check("factory: current authority", authority.address, factory.functions.currentAuthority().call())

    kyc = ctx.contract("kyc.issuer")
    signer = config.kyc.claim_signer or ctx.deployer
    yield Check(
        "KYC issuer: claim signer has CLAIM",
        True,
        kyc.functions.keyHasPurpose(key_hash(signer), int(KeyPurpose.CLAIM)).call(),
    )
    yield Check("KYC issuer: admin has MANAGEMENT", True, _manages(kyc, admin))

    oracle = ctx.contract("oracle.price_oracle")
    settings = config.oracle
    for reporter in settings.reporters:
        yield Check(f"oracle: reporter {reporter}", True, oracle.functions.isReporter(reporter).call())
    yield Check("oracle: reporter count", len(settings.reporters), oracle.functions.reporterCount().call())
    yield Check("oracle: threshold", settings.threshold, oracle.functions.threshold().call())
    yield Check("oracle: confirmation quorum", settings.confirm_quorum, oracle.functions.confirmQuorum().call())
    yield Check(
        "oracle: corporate actions", ctx.address("corporate.actions"), oracle.functions.corporateActions().call()
    )
    sentinel = ctx.address("oracle.sentinel") if settings.sequencer is not None else NO_TOKEN
    yield Check("oracle: sequencer sentinel", sentinel, oracle.functions.sequencerSentinel().call())
    actions = ctx.contract("corporate.actions")
    yield Check("corporate actions: price confirmer", oracle.address, actions.functions.priceConfirmer().call())
    dividends = ctx.contract("corporate.dividends")
    tax_account = config.roles.tax_account or config.roles.admin or ctx.deployer
    yield Check("dividends: tax account", tax_account, dividends.functions.taxAccount().call())
    yield Check("dividends: trusted factories", [factory.address], dividends.functions.trustedFactories().call())
    for feed in settings.feeds:
        bound = ctx.address(f"{feed.stock.lower()}.token") if feed.stock else NO_TOKEN
        expected = (
            bound,
            feed.max_age_open_risk,
            feed.max_age_value,
            feed.max_age_liquidate,
            feed.max_age_tokenized,
            feed.jump_band_bps,
        )
        yield Check(f"oracle feed {feed.symbol}", expected, tuple(oracle.functions.feedConfig(feed.feed_id).call()))
        if feed.stock:
            token = ctx.contract(f"{feed.stock.lower()}.token")
            yield Check(
                f"{feed.stock}: bound to feed {feed.symbol}",
                feed.feed_id,
                oracle.functions.feedOfToken(token.address).call(),
            )
            yield Check(f"{feed.stock}: state observer", oracle.address, token.functions.stateObserver().call())

    agents = list(config.roles.token_agents) + ([] if handed_over else [ctx.deployer])
    for stock in config.stocks:
        key = stock.symbol.lower()
        token = ctx.contract(f"{key}.token")
        registry = ctx.contract(f"{key}.identity_registry")
        metadata = (token.functions.name().call(), token.functions.symbol().call(), token.functions.decimals().call())
        yield Check(f"{stock.symbol}: name, symbol, decimals", (stock.name, stock.symbol, stock.decimals), metadata)
        yield Check(f"{stock.symbol}: identity registry", registry.address, token.functions.identityRegistry().call())
        yield Check(
            f"{stock.symbol}: compliance", ctx.address(f"{key}.compliance"), token.functions.compliance().call()
        )
        topics = ctx.contract(f"{key}.claim_topics_registry").functions.getClaimTopics().call()
        yield Check(f"{stock.symbol}: required claim topics", [int(ClaimTopic.KYC)], list(topics))
        issuers = ctx.contract(f"{key}.trusted_issuers_registry").functions.getTrustedIssuers().call()
        yield Check(f"{stock.symbol}: trusted issuers", [kyc.address], list(issuers))
        for agent in agents:
            yield Check(f"{stock.symbol}: agent {agent}", True, token.functions.isAgent(agent).call())
        for handler in ("corporate.actions", "corporate.dividends"):
            yield Check(
                f"{stock.symbol}: corporate-action agent {handler}",
                True,
                token.functions.isCorporateActionAgent(ctx.address(handler)).call(),
            )
        yield Check(f"{stock.symbol}: token owner", admin, token.functions.owner().call())

    yield from _margin_checks(ctx)
    yield from pool_checks(ctx)
    yield from perp_checks(ctx)

    for investor in config.investors:
        identity = ctx.contract(f"investors.{investor.label}.identity")
        yield Check(f"{investor.label}: wallet manages the identity", True, _manages(identity, investor.wallet))
        yield Check(f"{investor.label}: deployer released the identity", False, _manages(identity, ctx.deployer))
        for stock in config.stocks:
            key = stock.symbol.lower()
            registry = ctx.contract(f"{key}.identity_registry")
            yield Check(
                f"{investor.label}: verified for {stock.symbol}",
                True,
                registry.functions.isVerified(investor.wallet).call(),
            )
            shares = investor.holdings.get(stock.symbol, Decimal(0))
            raw = int(shares * Decimal(10) ** stock.decimals)
            balance = ctx.contract(f"{key}.token").functions.balanceOf(investor.wallet).call()
            yield Check(f"{investor.label}: {stock.symbol} balance", raw, balance)


def _margin_checks(ctx: Context) -> Iterator[Check]:
    """The margin vault: its code, settings, collateral, dividend custody and verified holdings."""
    config = ctx.config
    assert config is not None
    if config.margin is None:
        return
    yield from _vault_code_checks(ctx)
    yield from _vault_setting_checks(ctx)
    yield from _collateral_checks(ctx)
    yield from _vault_holder_checks(ctx)


def _vault_code_checks(ctx: Context) -> Iterator[Check]:
    vault = ctx.contract(VAULT)
    slot = ctx.evm.w3.eth.get_storage_at(vault.address, ERC1967_IMPLEMENTATION_SLOT)
    implementation = to_checksum_address(bytes(slot)[-20:])
    yield Check("margin: the proxy's implementation", ctx.address("margin.implementation"), implementation)
    for role, name in MARGIN_MODULES.items():
        module = vault.functions[f"{role.upper()}_MODULE"]().call()
        yield Check(f"margin: {name}", ctx.address(f"margin.modules.{role}"), module)


def _vault_setting_checks(ctx: Context) -> Iterator[Check]:
    config = ctx.config
    assert config is not None and config.margin is not None
    margin = config.margin
    vault = ctx.contract(VAULT)
    oracle, settlement, counterparty, insurance, _account, _absorber = vault.functions.wiring().call()
    yield Check("margin: oracle", ctx.address("oracle.price_oracle"), oracle)
    yield Check("margin: settlement stablecoin", ctx.address("stablecoin"), settlement)
    if config.pool is None:  # with a pool, the pool checks name the pool contracts
        yield Check("margin: counterparty", margin.counterparty or ctx.deployer, counterparty)
        yield Check("margin: insurance", margin.insurance or ctx.deployer, insurance)
    liquidation, profit_share, debt_apr, _index = vault.functions.riskSettings().call()
    yield Check("margin: liquidation settings", liquidation_config(margin.liquidation).as_tuple(), tuple(liquidation))
    yield Check("margin: profit share (bps)", margin.profit_share_bps, profit_share)
    yield Check("margin: debt APR (bps)", margin.debt_apr_bps, debt_apr)
    dividends = ctx.contract("corporate.dividends")
    yield Check(
        "margin: custodian of the DividendDistributor", True, dividends.functions.isCustodian(vault.address).call()
    )
    yield Check("margin: dividend distributor", dividends.address, vault.functions.dividendDistributor().call())


def _collateral_checks(ctx: Context) -> Iterator[Check]:
    config = ctx.config
    assert config is not None and config.margin is not None
    vault = ctx.contract(VAULT)
    for asset in config.margin.assets:
        token = ctx.contract(collateral_key(config, asset))
        decimals = int(token.functions.decimals().call())
        settings, listed_decimals, listed, *_pauses = vault.functions.assetState(token.address).call()
        expected = (asset_config(config, asset, decimals).as_tuple(), decimals, True)
        yield Check(
            f"margin: {asset.symbol} listed as configured", expected, (tuple(settings), listed_decimals, listed)
        )


def _vault_holder_checks(ctx: Context) -> Iterator[Check]:
    config = ctx.config
    assert config is not None
    stocks = vault_stocks(config)
    if not stocks:
        return
    vault = ctx.address(VAULT)
    identity = ctx.contract(VAULT_IDENTITY)
    for stock in stocks:
        registry = ctx.contract(f"{stock.symbol.lower()}.identity_registry")
        yield Check(
            f"margin: the vault is verified for {stock.symbol}", True, registry.functions.isVerified(vault).call()
        )
        yield Check(
            f"margin: the vault's {stock.symbol} identity", identity.address, registry.functions.identity(vault).call()
        )
        cap = ctx.evm.at("ICustodianModule", ctx.address("modules.MaxBalanceModule"))
        compliance = ctx.address(f"{stock.symbol.lower()}.compliance")
        yield Check(
            f"margin: the vault is a custodian in {stock.symbol}'s max-balance module",
            True,
            cap.functions.isCustodian(compliance, identity.address).call(),
        )
    manager = vault_identity_manager(config, ctx.deployer)
    yield Check(f"margin: {manager} manages the vault's identity", True, _manages(identity, manager))
    if manager != ctx.deployer:
        yield Check("margin: the deployer released the vault's identity", False, _manages(identity, ctx.deployer))


def _role_checks(ctx: Context) -> Iterator[Check]:
    """The AccessManager's wiring: each protocol contract's manager and function roles, the guardian of
    every guarded role, every configured holder with its delay, and ADMIN held by the admin alone."""
    config = ctx.config
    assert config is not None
    manager = ctx.contract(MANAGER)
    for key, name in governed_contracts(config).items():
        contract = ctx.contract(key)
        yield Check(f"{key}: governed by the AccessManager", manager.address, contract.functions.authority().call())
        for function, selector, role in restricted_functions(contract, name):
            yield Check(
                f"{key}: {function} needs {role.name}",
                int(role),
                manager.functions.getTargetFunctionRole(contract.address, selector).call(),
            )
    for role in GUARDED_ROLES:
        guardian = manager.functions.getRoleGuardian(int(role)).call()
        yield Check(f"roles: GUARDIAN guards {role.name}", int(Role.GUARDIAN), guardian)
    for role in (Role.ADMIN, *NAMED_ROLES):
        for holder in config.roles.holders(role, ctx.deployer):
            expected = (True, config.roles.delay(role))
            yield Check(f"roles: {holder} holds {role.name} (and its delay)", expected, has_role(manager, role, holder))
    admin = config.roles.admin or ctx.deployer
    if admin != ctx.deployer:
        yield Check("roles: the deployer renounced ADMIN", (False, 0), has_role(manager, Role.ADMIN, ctx.deployer))


def _manages(identity: Any, wallet: str) -> bool:
    return bool(identity.functions.keyHasPurpose(key_hash(wallet), int(KeyPurpose.MANAGEMENT)).call())


def pool_checks(ctx: Context) -> Iterator[Check]:
    """The pools (with a ``[pool]`` section): the vault's wiring to them, their settings, the stock capital's
    stocks, its dividend custody and its standing as a verified custodian holder of each stock."""
    config = ctx.config
    if config is None or config.pool is None:
        return
    pool_config = config.pool
    vault = ctx.contract(VAULT)
    pool, insurance, capital = ctx.contract(POOL), ctx.contract(INSURANCE), ctx.contract(STOCK_CAPITAL)
    _oracle, _settlement, counterparty, vault_insurance, _account, absorber = vault.functions.wiring().call()
    yield Check("pool: the vault's counterparty", pool.address, counterparty)
    yield Check("pool: the vault's insurance", insurance.address, vault_insurance)
    yield Check("pool: the vault's loss absorber", insurance.address, absorber)
    decimals = int(ctx.contract("stablecoin").functions.decimals().call())
    risk, stock_capital, _paused, _adl = pool.functions.settings().call()
    yield Check("pool: risk settings", risk_config(pool_config, decimals).as_tuple(), tuple(risk))
    yield Check("pool: stock capital", capital.address, stock_capital)
    delay, max_draw_bps, _max_draw = insurance.functions.settings().call()
    yield Check("pool: insurance unstaking delay (s)", pool_config.insurance.unstake_delay, delay)
    yield Check("pool: insurance draw cap (bps)", pool_config.insurance.max_draw_bps, max_draw_bps)
    listed = {address.lower() for address in capital.functions.stocks().call()}
    for tranche in pool_config.stock_capital.stocks:
        token = ctx.address(f"{tranche.symbol.lower()}.token")
        yield Check(f"pool: {tranche.symbol} tranche listed", True, token.lower() in listed)
    dividends = ctx.contract("corporate.dividends")
    yield Check(
        "pool: stock capital is a dividend custodian", True, dividends.functions.isCustodian(capital.address).call()
    )
    holder = capital.address
    identity = ctx.address(STOCK_CAPITAL_IDENTITY) if pool_stocks(config) else None
    for stock in pool_stocks(config):
        registry = ctx.contract(f"{stock.symbol.lower()}.identity_registry")
        yield Check(
            f"pool: the stock capital is verified for {stock.symbol}",
            True,
            registry.functions.isVerified(holder).call(),
        )
        cap = ctx.evm.at("ICustodianModule", ctx.address("modules.MaxBalanceModule"))
        compliance = ctx.address(f"{stock.symbol.lower()}.compliance")
        yield Check(
            f"pool: the stock capital is a custodian in {stock.symbol}'s max-balance module",
            True,
            cap.functions.isCustodian(compliance, identity).call(),
        )


def perp_checks(ctx: Context) -> Iterator[Check]:
    """The perps (with a ``[perp]`` section): each market listed as configured, its funding reported by the
    market, the market registered on the vault (and on the pool, which it asks)."""
    config = ctx.config
    if config is None or config.perp is None:
        return
    market, funding = ctx.contract(PERP_MARKET), ctx.contract(FUNDING_ORACLE)
    decimals = stablecoin_decimals(ctx)
    for settings in config.perp.markets:
        market_id = feed_id(settings.symbol)
        expected = market_config(settings, decimals)
        yield Check(
            f"perp: {settings.symbol} listed", expected.as_tuple(), tuple(market.functions.configOf(market_id).call())
        )
        yield Check(
            f"perp: {settings.symbol} funding",
            funding_config(settings, market.address).as_tuple(),
            tuple(funding.functions.configOf(market_id).call()),
        )
        yield Check(
            f"perp: {settings.symbol} dividend source",
            dividend_source(ctx, settings).as_tuple(),
            tuple(market.functions.dividendSourceOf(market_id).call()),
        )
    vault, price_oracle, funding_oracle, pool = market.functions.wiring().call()
    yield Check("perp: the market's vault", ctx.address("margin.vault"), vault)
    yield Check("perp: the market's price oracle", ctx.address("oracle.price_oracle"), price_oracle)
    yield Check("perp: the market's funding oracle", funding.address, funding_oracle)
    yield Check(
        "perp: a market of the vault", True, ctx.contract("margin.vault").functions.isMarket(market.address).call()
    )
    if config.pool is not None:
        yield Check("perp: the market's pool", ctx.address(POOL), pool)
        yield Check("perp: a market of the pool", True, market.address in ctx.contract(POOL).functions.markets().call())
