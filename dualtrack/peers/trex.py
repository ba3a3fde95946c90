"""T-REX 4.1.6 peer: a full ERC-3643 suite deployed from the npm artifacts, as in production.

:func:`deploy_trex_platform` deploys what Tokeny runs once per chain: the six
suite implementations, a ``TREXImplementationAuthority`` holding them under a
version, the ONCHAINID stack (:mod:`dualtrack.peers.onchainid`), the
``TREXFactory`` (registered as a token factory on the ``IdFactory``) and the
shared compliance modules ``CountryRestrictModule`` and ``MaxBalanceModule``,
each behind T-REX's ``ModuleProxy``.

:meth:`TrexPlatform.deploy_suite` then calls ``TREXFactory.deployTREXSuite``,
which puts every suite contract behind T-REX's own proxies (``TokenProxy``,
``IdentityRegistryProxy``, ...), creates the token's ONCHAINID, sets one
claim topic and one trusted ONCHAINID ``ClaimIssuer``, binds both modules and
configures them through ``ModularCompliance.callModuleFunction``. The result is
a :class:`TrexSuite` with helpers (``register_holder``, ``mint``, ...) that
interop tests and benchmarks reuse. Tests and benchmarks only (GPL-3.0 peer).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from eth_utils.address import to_checksum_address
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.artifacts import Artifact, npm_artifact
from dualtrack.chain import Chain
from dualtrack.claims import ClaimTopic
from dualtrack.paths import NODE_MODULES
from dualtrack.peers.onchainid import ClaimIssuerPeer, OnchainId, deploy_onchainid

TREX_PACKAGE = "@tokenysolutions/t-rex"
ZERO_ADDRESS = "0x" + "00" * 20

# ISO 3166-1 numeric codes.
COUNTRY_US = 840
COUNTRY_IRAN = 364
COUNTRY_NORTH_KOREA = 408

# Defaults of the benchmark configuration: restrict two sanctioned countries, cap balances far above
# anything the benchmarks hold (the module is still evaluated on every transfer, mint and burn).
DEFAULT_RESTRICTED_COUNTRIES = (COUNTRY_IRAN, COUNTRY_NORTH_KOREA)
DEFAULT_MAX_BALANCE = 10**36

_ARTIFACT_PATHS = {
    "Token": "token/Token.sol/Token.json",
    "ClaimTopicsRegistry": "registry/implementation/ClaimTopicsRegistry.sol/ClaimTopicsRegistry.json",
    "IdentityRegistry": "registry/implementation/IdentityRegistry.sol/IdentityRegistry.json",
    "IdentityRegistryStorage": "registry/implementation/IdentityRegistryStorage.sol/IdentityRegistryStorage.json",
    "TrustedIssuersRegistry": "registry/implementation/TrustedIssuersRegistry.sol/TrustedIssuersRegistry.json",
    "ModularCompliance": "compliance/modular/ModularCompliance.sol/ModularCompliance.json",
    "TREXImplementationAuthority": "proxy/authority/TREXImplementationAuthority.sol/TREXImplementationAuthority.json",
    "TREXFactory": "factory/TREXFactory.sol/TREXFactory.json",
    "ModuleProxy": "compliance/modular/modules/ModuleProxy.sol/ModuleProxy.json",
    "CountryRestrictModule": "compliance/modular/modules/CountryRestrictModule.sol/CountryRestrictModule.json",
    "MaxBalanceModule": "compliance/modular/modules/MaxBalanceModule.sol/MaxBalanceModule.json",
}

# Implementation contracts in the order of ITREXImplementationAuthority.TREXContracts.
SUITE_IMPLEMENTATIONS = (
    "Token",
    "ClaimTopicsRegistry",
    "IdentityRegistry",
    "IdentityRegistryStorage",
    "TrustedIssuersRegistry",
    "ModularCompliance",
)


def trex_artifact(name: str) -> Artifact:
    """The T-REX 4.1.6 Hardhat artifact of contract ``name`` (see ``_ARTIFACT_PATHS``)."""
    if name not in _ARTIFACT_PATHS:
        raise KeyError(f"unknown T-REX contract {name!r}; known: {sorted(_ARTIFACT_PATHS)}")
    return npm_artifact(TREX_PACKAGE, f"artifacts/contracts/{_ARTIFACT_PATHS[name]}")


def trex_version() -> tuple[int, int, int]:
    """The installed T-REX package version as ``(major, minor, patch)`` (4.1.6 pinned in package.json)."""
    version = json.loads((NODE_MODULES / TREX_PACKAGE / "package.json").read_text())["version"]
    major, minor, patch = (int(part) for part in str(version).split(".")[:3])
    return major, minor, patch


def _calldata(contract: Contract, function: str, *args: object) -> bytes:
    return bytes.fromhex(contract.encode_abi(function, args=list(args))[2:])


# ---- Suite ----


@dataclass
class TrexSuite:
    """One T-REX token suite behind its proxies, with the helpers interop tests and benchmarks need.

    ``owner`` owns every suite contract; ``agent`` is the token and identity-registry agent.
    ``identities`` maps each registered wallet to its ONCHAINID identity proxy.
    """

    evm: Chain
    owner: str
    agent: str
    token: Contract
    identity_registry: Contract
    identity_registry_storage: Contract
    claim_topics_registry: Contract
    trusted_issuers_registry: Contract
    compliance: Contract
    country_restrict_module: Contract
    max_balance_module: Contract
    claim_issuer: ClaimIssuerPeer
    onchainid: OnchainId
    identities: dict[str, Contract] = field(default_factory=dict)

    # ---- Holders ----

    def register_holder(
        self, wallet: str, country: int = COUNTRY_US, *, topics: Sequence[int] = (ClaimTopic.KYC,), data: bytes = b""
    ) -> Contract:
        """Give ``wallet`` an ONCHAINID with the issuer's claims on ``topics`` and register it in the IR.

        The identity comes from the IdFactory (created on first use, reused when another suite already
        made it); missing or invalid claims are (re-)issued. ``wallet`` must be able to send transactions
        (an unlocked or impersonated account): it holds the identity's MANAGEMENT key and adds the claims.
        """
        wallet = to_checksum_address(wallet)
        existing = self.onchainid.identity_of(wallet)
        identity = existing if existing is not None else self.onchainid.create_identity(wallet)
        for topic in topics:
            if not self.claim_issuer.has_valid_claim(identity, topic):
                self.claim_issuer.issue(identity, wallet, topic, data)
        self.evm.send(self.identity_registry.functions.registerIdentity(wallet, identity.address, country), self.agent)
        self.identities[wallet] = identity
        return identity

    def identity_of(self, wallet: str) -> Contract:
        """The identity registered for ``wallet`` by :meth:`register_holder`."""
        return self.identities[to_checksum_address(wallet)]

    def revoke_claim(self, wallet: str, topic: int = ClaimTopic.KYC) -> TxReceipt:
        """Revoke the trusted issuer's ``topic`` claim on ``wallet``'s identity (on the ClaimIssuer)."""
        return self.claim_issuer.revoke(self.identity_of(wallet).address, topic)

    def is_verified(self, wallet: str) -> bool:
        return bool(self.identity_registry.functions.isVerified(wallet).call())

    def balance_of(self, wallet: str) -> int:
        return int(self.token.functions.balanceOf(wallet).call())

    # ---- Token operations ----

    def mint(self, to: str, amount: int) -> TxReceipt:
        return self.evm.send(self.token.functions.mint(to, amount), self.agent)

    def burn(self, wallet: str, amount: int) -> TxReceipt:
        return self.evm.send(self.token.functions.burn(wallet, amount), self.agent)

    def forced_transfer(self, source: str, target: str, amount: int) -> TxReceipt:
        return self.evm.send(self.token.functions.forcedTransfer(source, target, amount), self.agent)

    def transfer(self, source: str, target: str, amount: int) -> TxReceipt:
        return self.evm.send(self.token.functions.transfer(target, amount), source)

    def approve(self, holder: str, spender: str, amount: int) -> TxReceipt:
        return self.evm.send(self.token.functions.approve(spender, amount), holder)

    def transfer_from(self, spender: str, source: str, target: str, amount: int) -> TxReceipt:
        return self.evm.send(self.token.functions.transferFrom(source, target, amount), spender)

    def batch_transfer(self, source: str, targets: Sequence[str], amounts: Sequence[int]) -> TxReceipt:
        return self.evm.send(self.token.functions.batchTransfer(list(targets), list(amounts)), source)


# ---- Platform ----


@dataclass
class TrexPlatform:
    """What a T-REX operator deploys once per chain: implementations, authority, factories, shared modules."""

    evm: Chain
    deployer: str
    onchainid: OnchainId
    implementations: dict[str, Contract]
    implementation_authority: Contract
    factory: Contract
    country_restrict_module: Contract
    max_balance_module: Contract

    def deploy_suite(
        self,
        *,
        owner: str,
        agent: str,
        claim_issuer: ClaimIssuerPeer,
        salt: str = "dualtrack-trex-peer",
        name: str = "T-REX Peer Stock",
        symbol: str = "TREXP",
        decimals: int = 18,
        claim_topics: Sequence[int] = (ClaimTopic.KYC,),
        restricted_countries: Sequence[int] = DEFAULT_RESTRICTED_COUNTRIES,
        max_balance: int = DEFAULT_MAX_BALANCE,
    ) -> TrexSuite:
        """Deploy a suite through ``TREXFactory.deployTREXSuite`` and unpause its token.

        The factory deploys a fresh IdentityRegistryStorage and the token's ONCHAINID, trusts
        ``claim_issuer`` for every topic in ``claim_topics``, binds the two modules and configures them
        (restricted countries, max balance per identity) through ``callModuleFunction``.
        """
        modules = [self.country_restrict_module.address, self.max_balance_module.address]
        settings = [
            _calldata(self.country_restrict_module, "batchRestrictCountries", list(restricted_countries)),
            _calldata(self.max_balance_module, "setMaxBalance", max_balance),
        ]
        token_details = (owner, name, symbol, decimals, ZERO_ADDRESS, ZERO_ADDRESS, [agent], [agent], modules, settings)
        claim_details = (list(claim_topics), [claim_issuer.address], [list(claim_topics)])
        receipt = self.evm.send(
            self.factory.functions.deployTREXSuite(salt, token_details, claim_details), self.deployer
        )
        (deployed,) = self.evm.events(receipt, self.factory, "TREXSuiteDeployed")
        evm = self.evm
        suite = TrexSuite(
            evm=evm,
            owner=owner,
            agent=agent,
            token=evm.at(trex_artifact("Token"), deployed["_token"]),
            identity_registry=evm.at(trex_artifact("IdentityRegistry"), deployed["_ir"]),
            identity_registry_storage=evm.at(trex_artifact("IdentityRegistryStorage"), deployed["_irs"]),
            claim_topics_registry=evm.at(trex_artifact("ClaimTopicsRegistry"), deployed["_ctr"]),
            trusted_issuers_registry=evm.at(trex_artifact("TrustedIssuersRegistry"), deployed["_tir"]),
            compliance=evm.at(trex_artifact("ModularCompliance"), deployed["_mc"]),
            country_restrict_module=self.country_restrict_module,
            max_balance_module=self.max_balance_module,
            claim_issuer=claim_issuer,
            onchainid=self.onchainid,
        )
        # T-REX 4 tokens are created paused; an agent unpauses them.
        evm.send(suite.token.functions.unpause(), agent)
        return suite


def _deploy_module(evm: Chain, name: str, sender: str) -> Contract:
    """Deploy module ``name`` behind a ModuleProxy initialised in the constructor, as T-REX deploys modules."""
    artifact = trex_artifact(name)
    implementation = evm.deploy(artifact, sender=sender)
    proxy = evm.deploy(
        trex_artifact("ModuleProxy"), implementation.address, _calldata(implementation, "initialize"), sender=sender
    )
    return evm.at(artifact, proxy.address)


def deploy_trex_platform(evm: Chain, deployer: str) -> TrexPlatform:
    """Deploy the T-REX implementations, their authority (current package version), ONCHAINID and TREXFactory."""
    onchainid = deploy_onchainid(evm, deployer)
    implementations = {name: evm.deploy(trex_artifact(name), sender=deployer) for name in SUITE_IMPLEMENTATIONS}
    authority = evm.deploy(
        trex_artifact("TREXImplementationAuthority"), True, ZERO_ADDRESS, ZERO_ADDRESS, sender=deployer
    )
    contracts = tuple(implementations[name].address for name in SUITE_IMPLEMENTATIONS)
    evm.send(authority.functions.addAndUseTREXVersion(trex_version(), contracts), deployer)
    factory = evm.deploy(trex_artifact("TREXFactory"), authority.address, onchainid.id_factory.address, sender=deployer)
    evm.send(authority.functions.setTREXFactory(factory.address), deployer)
    evm.send(onchainid.id_factory.functions.addTokenFactory(factory.address), deployer)
    return TrexPlatform(
        evm=evm,
        deployer=deployer,
        onchainid=onchainid,
        implementations=implementations,
        implementation_authority=authority,
        factory=factory,
        country_restrict_module=_deploy_module(evm, "CountryRestrictModule", deployer),
        max_balance_module=_deploy_module(evm, "MaxBalanceModule", deployer),
    )
