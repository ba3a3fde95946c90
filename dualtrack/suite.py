"""Deploy the asset track from Python: protocol infrastructure, per-stock suites, verified holders.

- :func:`dualtrack.deployment.deploy_protocol` deploys the AccessManager, the implementations, the
  version's SuiteAuthority, the SuiteFactory and the shared compliance modules (once per chain).
- :func:`deploy_suite` asks the factory for a complete ERC-3643 suite in one transaction: by default
  one TransferPolicy is both the identity registry and the compliance (``Suite.policy``);
  ``SuiteParams(separate=True)`` deploys a stand-alone IdentityRegistry and ModularCompliance.
- :func:`onboard_holder` gives a wallet an identity with a KYC claim and registers it.
- :func:`register_custodian` does the same for a contract that holds tokens for others (a margin vault):
  its identity is managed by the issuer side, and the compliance modules with a custodian exemption
  (:data:`CUSTODIAN_MODULES`) neither cap nor count it (:func:`mark_custodian`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_utils.crypto import keccak
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.claims import ClaimTopic
from dualtrack.identity import add_claim, deploy_identity

ZERO_ADDRESS = "0x" + "00" * 20
UNIT = 10**18

# ISO-3166 numeric country codes used in examples and tests.
US = 840
DE = 276
JP = 392
BLOCKED_COUNTRY = 408  # North Korea: blocked by the default CountryRestrictModule configuration
MAX_BALANCE = 1_000_000 * UNIT  # default per-identity cap of the MaxBalanceModule configuration

MODULES = (
    "CountryAllowModule",
    "CountryRestrictModule",
    "MaxBalanceModule",
    "MaxHoldersModule",
    "SupplyLimitModule",
    "LockupModule",
    "TimeWindowLimitsModule",
)
# The modules with a custodian exemption (ICustodianModule.setCustodian): MaxBalance and MaxHolders look
# through a custodian, TimeWindowLimits never rejects what it sends.
CUSTODIAN_MODULES = ("MaxBalanceModule", "MaxHoldersModule", "TimeWindowLimitsModule")


@dataclass(frozen=True)
class Protocol:
    """Chain-wide infrastructure shared by every suite, and the AccessManager that governs it."""

    access_manager: Contract  # the ProtocolAccessManager (roles: docs/governance.md)
    authority: Contract  # the version's SuiteAuthority (implementations), not the AccessManager
    factory: Contract
    modules: dict[str, Contract]


@dataclass(frozen=True)
class Suite:
    """One stock's ERC-3643 suite (every contract behind a SuiteProxy).

    In the default (policy) layout ``identity_registry`` and ``compliance`` are the same address, the
    suite's TransferPolicy, bound with the IdentityRegistry and ModularCompliance ABIs, and ``policy``
    binds it with the TransferPolicy ABI; in the separate layout ``policy`` is None.
    """

    token: Contract
    identity_registry: Contract
    # A shared IdentityRegistryStorage, or the registry itself when it keeps the wallet records.
    identity_storage: Contract
    claim_topics_registry: Contract
    trusted_issuers_registry: Contract
    compliance: Contract
    max_balance_module: Contract | None = None
    policy: Contract | None = None

    @property
    def local_records(self) -> bool:
        """Whether the identity registry keeps the wallet records itself (no shared storage)."""
        return bool(self.identity_storage.address == self.identity_registry.address)

    def max_balance_of(self, identity: str) -> int:
        """The MaxBalanceModule's tracked balance of ``identity`` for this suite's compliance."""
        if self.max_balance_module is None:
            raise LookupError("MaxBalanceModule is not bound to this suite")
        return int(self.max_balance_module.functions.identityBalance(self.compliance.address, identity).call())


@dataclass(frozen=True)
class Holder:
    """A wallet with an identity registered in a suite's identity registry."""

    wallet: str
    identity: Contract
    country: int


@dataclass(frozen=True)
class Custodian(Holder):
    """A contract registered as a holder for others; ``exempt_in`` names the suite's bound modules that
    mark its identity a custodian."""

    exempt_in: tuple[str, ...] = ()


@dataclass
class SuiteParams:
    """What :func:`deploy_suite` deploys; mirrors ``ISuiteFactory.SuiteParams``."""

    name: str
    symbol: str
    owner: str
    decimals: int = 18
    onchain_id: str = ZERO_ADDRESS
    identity_storage: str = ZERO_ADDRESS  # zero: the registry keeps the records (no storage deployed)
    claim_topics: list[int] = field(default_factory=lambda: [int(ClaimTopic.KYC)])
    trusted_issuers: list[str] = field(default_factory=list)
    issuer_claim_topics: list[list[int]] = field(default_factory=list)
    token_agents: list[str] = field(default_factory=list)
    registry_agents: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    module_calls: list[tuple[str, bytes]] = field(default_factory=list)
    separate: bool = False  # True: IdentityRegistry + ModularCompliance instead of one TransferPolicy

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            self.name,
            self.symbol,
            self.decimals,
            self.onchain_id,
            self.owner,
            self.identity_storage,
            self.claim_topics,
            self.trusted_issuers,
            self.issuer_claim_topics,
            self.token_agents,
            self.registry_agents,
            self.modules,
            [target for target, _ in self.module_calls],
            [data for _, data in self.module_calls],
            self.separate,
        )


def salt_of(label: str) -> bytes:
    """A readable CREATE2 salt, e.g. ``salt_of("TSLA")``."""
    return keccak(text=f"dualtrack.suite.{label}")


def suite_addresses(evm: Chain, factory: Contract, receipt: TxReceipt) -> dict[str, tuple[str, str]]:
    """The contracts a ``deploySuite`` receipt created: {role: (address, ABI name)}.

    Roles: ``token``, ``identity_registry``, ``compliance`` (the same TransferPolicy in the default
    layout), ``claim_topics_registry``, ``trusted_issuers_registry`` and, with a shared storage,
    ``identity_storage``.
    """
    (event,) = evm.events(receipt, factory, "SuiteDeployed")
    combined = event["identityRegistry"] == event["compliance"]
    addresses = {
        "token": (event["token"], "EquityToken"),
        "identity_registry": (event["identityRegistry"], "TransferPolicy" if combined else "IdentityRegistry"),
        "compliance": (event["compliance"], "TransferPolicy" if combined else "ModularCompliance"),
        "claim_topics_registry": (event["claimTopicsRegistry"], "ClaimTopicsRegistry"),
        "trusted_issuers_registry": (event["trustedIssuersRegistry"], "TrustedIssuersRegistry"),
    }
    if event["identityStorage"] != event["identityRegistry"]:
        addresses["identity_storage"] = (event["identityStorage"], "IdentityRegistryStorage")
    return addresses


def deploy_suite(evm: Chain, protocol: Protocol, params: SuiteParams, *, salt: bytes, sender: str) -> Suite:
    """Deploy a full suite through the factory in one transaction and bind its contracts."""
    receipt = evm.send(protocol.factory.functions.deploySuite(salt, params.as_tuple()), sender)
    addresses = suite_addresses(evm, protocol.factory, receipt)
    registry = evm.at("IdentityRegistry", addresses["identity_registry"][0])
    max_balance = protocol.modules["MaxBalanceModule"]
    policy = addresses["compliance"][0] if addresses["compliance"][1] == "TransferPolicy" else None
    storage = addresses.get("identity_storage")
    return Suite(
        token=evm.at("EquityToken", addresses["token"][0]),
        identity_registry=registry,
        identity_storage=registry if storage is None else evm.at("IdentityRegistryStorage", storage[0]),
        claim_topics_registry=evm.at("ClaimTopicsRegistry", addresses["claim_topics_registry"][0]),
        trusted_issuers_registry=evm.at("TrustedIssuersRegistry", addresses["trusted_issuers_registry"][0]),
        compliance=evm.at("ModularCompliance", addresses["compliance"][0]),
        max_balance_module=max_balance if max_balance.address in params.modules else None,
        policy=evm.at("TransferPolicy", policy) if policy else None,
    )


def module_call(module: Contract, function: str, *args: Any) -> tuple[str, bytes]:
    """A (module, calldata) pair for ``SuiteParams.module_calls``."""
    return (module.address, bytes.fromhex(module.encode_abi(function, args=list(args))[2:]))


def standard_suite_params(
    protocol: Protocol,
    *,
    name: str,
    symbol: str,
    owner: str,
    claim_issuer: str,
    agents: list[str],
    blocked_countries: tuple[int, ...] = (BLOCKED_COUNTRY,),
    max_balance: int = MAX_BALANCE,
) -> SuiteParams:
    """The benchmark configuration: KYC topic, one trusted issuer, country-restrict and max-balance."""
    restrict = protocol.modules["CountryRestrictModule"]
    cap = protocol.modules["MaxBalanceModule"]
    return SuiteParams(
        name=name,
        symbol=symbol,
        owner=owner,
        claim_topics=[int(ClaimTopic.KYC)],
        trusted_issuers=[claim_issuer],
        issuer_claim_topics=[[int(ClaimTopic.KYC)]],
        token_agents=agents,
        registry_agents=agents,
        modules=[restrict.address, cap.address],
        module_calls=[
            module_call(restrict, "batchRestrictCountries", list(blocked_countries)),
            module_call(cap, "setMaxBalance", max_balance),
        ],
    )


def onboard_holder(
    evm: Chain,
    suite: Suite,
    wallet: str,
    country: int,
    *,
    claim_issuer: Contract,
    signer_key: str,
    registrar: str,
    identity: Contract | None = None,
) -> Holder:
    """Give ``wallet`` an identity (or reuse ``identity``) with a KYC claim and register it."""
    if identity is None:
        identity = deploy_identity(evm, wallet)
        add_claim(evm, identity, claim_issuer, signer_key, int(ClaimTopic.KYC), wallet)
    evm.send(suite.identity_registry.functions.registerIdentity(wallet, identity.address, country), registrar)
    return Holder(wallet=wallet, identity=identity, country=country)


def mark_custodian(evm: Chain, suite: Suite, identity: str, *, owner: str, custodian: bool = True) -> tuple[str, ...]:
    """Mark (or unmark) ``identity`` as a custodian in every module bound to ``suite``'s compliance that has
    the exemption (:data:`CUSTODIAN_MODULES`), through ``callModuleFunction`` sent by ``owner`` (the
    compliance's owner, the issuer). A module already in that state is left as it is (it emits nothing).

    Returns the names of the modules concerned, in binding order.
    """
    marked: list[str] = []
    for address in suite.compliance.functions.getModules().call():
        module = evm.at("ICustodianModule", address)
        name = str(module.functions.name().call())
        if name not in CUSTODIAN_MODULES:
            continue
        data = module.encode_abi("setCustodian", args=[identity, custodian])
        evm.send(suite.compliance.functions.callModuleFunction(data, address), owner)
        marked.append(name)
    return tuple(marked)


def register_custodian(
    evm: Chain,
    suite: Suite,
    custodian: str,
    *,
    country: int,
    claim_issuer: Contract,
    signer_key: str,
    registrar: str,
    issuer: str,
    identity: Contract | None = None,
    exempt_modules: bool = True,
) -> Custodian:
    """Make the contract ``custodian`` (which cannot sign) a verified holder of ``suite`` that holds for others.

    ``issuer`` deploys and manages its identity (the identity's MANAGEMENT key, so the issuer side adds
    and removes its claims and keys) and, as the compliance's owner, marks it custodian; ``claim_issuer``
    (``signer_key`` signs) issues one claim per topic the suite requires, and must be trusted for each;
    ``registrar`` (an agent of the identity registry) registers it with ``country``. With ``identity``
    given, that identity (and its claims) is reused. With ``exempt_modules`` the identity is marked in
    every bound module of :data:`CUSTODIAN_MODULES` (:func:`mark_custodian`): give each custodian an
    identity of its own, since every wallet of a custodian identity is exempt.
    """
    if identity is None:
        topics: Sequence[int] = suite.claim_topics_registry.functions.getClaimTopics().call()
        trusted = suite.trusted_issuers_registry.functions
        untrusted = [t for t in topics if not trusted.hasClaimTopic(claim_issuer.address, t).call()]
        if untrusted:
            raise ValueError(f"claim issuer {claim_issuer.address} is not trusted for required topics {untrusted}")
        identity = deploy_identity(evm, issuer)
        for topic in topics:
            add_claim(evm, identity, claim_issuer, signer_key, int(topic), issuer)
    evm.send(suite.identity_registry.functions.registerIdentity(custodian, identity.address, country), registrar)
    exempt_in = mark_custodian(evm, suite, identity.address, owner=issuer) if exempt_modules else ()
    return Custodian(wallet=custodian, identity=identity, country=country, exempt_in=exempt_in)
