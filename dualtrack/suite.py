"""Deploy the asset track from Python: protocol infrastructure, per-stock suites, verified holders.

- :func:`deploy_protocol` deploys the implementations, the version's SuiteAuthority, the SuiteFactory
  and the shared compliance modules (once per chain).
- :func:`deploy_suite` asks the factory for a complete ERC-3643 suite in one transaction: by default
  one TransferPolicy is both the identity registry and the compliance (``Suite.policy``);
  ``SuiteParams(separate=True)`` deploys a stand-alone IdentityRegistry and ModularCompliance.
- :func:`onboard_holder` gives a wallet an identity with a KYC claim and registers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_utils.crypto import keccak
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.claims import ClaimTopic
from dualtrack.identity import add_claim, deploy_identity
from dualtrack.proxy import SUITE_CONTRACTS, deploy_implementation, role_id

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


@dataclass(frozen=True)
class Protocol:
    """Chain-wide infrastructure shared by every suite."""

    authority: Contract
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


def deploy_protocol(evm: Chain, admin: str, version: str = "1.0.0") -> Protocol:
    """Deploy implementations, their SuiteAuthority, the SuiteFactory and the module singletons."""
    authority = evm.deploy("SuiteAuthority", version, admin, sender=admin)
    for name in SUITE_CONTRACTS:
        implementation = deploy_implementation(evm, name, sender=admin)
        evm.send(authority.functions.setImplementation(role_id(name), implementation.address), admin)
    factory = evm.deploy("SuiteFactory", admin, authority.address, sender=admin)
    modules = {name: evm.deploy(name, sender=admin) for name in MODULES}
    return Protocol(authority=authority, factory=factory, modules=modules)


def salt_of(label: str) -> bytes:
    """A readable CREATE2 salt, e.g. ``salt_of("TSLA")``."""
    return keccak(text=f"dualtrack.suite.{label}")


def deploy_suite(evm: Chain, protocol: Protocol, params: SuiteParams, *, salt: bytes, sender: str) -> Suite:
    """Deploy a full suite through the factory in one transaction and bind its contracts."""
    receipt = evm.send(protocol.factory.functions.deploySuite(salt, params.as_tuple()), sender)
    (event,) = evm.events(receipt, protocol.factory, "SuiteDeployed")
    max_balance = protocol.modules["MaxBalanceModule"]
    registry = evm.at("IdentityRegistry", event["identityRegistry"])
    local = event["identityStorage"] == event["identityRegistry"]
    combined = event["identityRegistry"] == event["compliance"]
    return Suite(
        token=evm.at("EquityToken", event["token"]),
        identity_registry=registry,
        identity_storage=registry if local else evm.at("IdentityRegistryStorage", event["identityStorage"]),
        claim_topics_registry=evm.at("ClaimTopicsRegistry", event["claimTopicsRegistry"]),
        trusted_issuers_registry=evm.at("TrustedIssuersRegistry", event["trustedIssuersRegistry"]),
        compliance=evm.at("ModularCompliance", event["compliance"]),
        max_balance_module=max_balance if max_balance.address in params.modules else None,
        policy=evm.at("TransferPolicy", event["compliance"]) if combined else None,
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
