"""After a deployment: read every wiring back from the chain and compare it with the configuration."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dualtrack.claims import ClaimTopic, KeyPurpose, key_hash
from dualtrack.deployment.plan import MANAGER, NO_TOKEN, governed_contracts
from dualtrack.deployment.steps import Context
from dualtrack.governance import GUARDED_ROLES, NAMED_ROLES, Role, has_role, restricted_functions
from dualtrack.proxy import SUITE_CONTRACTS, role_id


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
