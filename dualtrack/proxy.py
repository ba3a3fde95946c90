"""Deploy dualtrack's upgradeable contracts behind SuiteProxy / SuiteAuthority from Python."""

from __future__ import annotations

from typing import Any

from eth_utils.crypto import keccak
from web3.contract import Contract

from dualtrack.artifacts import EXTENDED_BY, local_artifact
from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed

SUITE_CONTRACTS = (
    "EquityToken",
    "IdentityRegistry",
    "IdentityRegistryStorage",
    "ClaimTopicsRegistry",
    "TrustedIssuersRegistry",
    "ModularCompliance",
    "TransferPolicy",
)


def deploy_implementation(evm: Chain, contract_name: str, *, sender: str) -> Contract:
    """Deploy an implementation; one that is extended (EXTENDED_BY) first gets its extension deployed
    and passed to its constructor."""
    extension = EXTENDED_BY.get(contract_name)
    if extension is None:
        return evm.deploy(contract_name, sender=sender)
    return evm.deploy(contract_name, evm.deploy(extension, sender=sender).address, sender=sender)


def role_id(contract_name: str) -> bytes:
    """The SuiteRoles id of a suite contract (``keccak256("dualtrack.role.<Name>")``)."""
    return keccak(text=f"dualtrack.role.{contract_name}")


def deploy_authority(evm: Chain, admin: str, version: str = "1.0.0", *, authority: str | None = None) -> Contract:
    """Deploy a SuiteAuthority from ``admin``, governed by ``authority`` (the protocol's AccessManager, where
    UPGRADER may set implementations; None: a new one in which ``admin`` holds every role, see
    :func:`dualtrack.governance.deploy_governed`)."""
    return deploy_governed(
        evm,
        admin,
        "SuiteAuthority",
        authority,
        lambda manager: evm.deploy("SuiteAuthority", version, manager, sender=admin),
    )


def deploy_proxied(
    evm: Chain,
    authority: Contract,
    contract_name: str,
    init_args: tuple[Any, ...],
    *,
    sender: str,
    initializer: str = "initialize",
) -> Contract:
    """Deploy ``contract_name`` behind a SuiteProxy and initialize it in the same transaction.

    The implementation is deployed and registered on ``authority`` the first time a role is used;
    ``sender`` must then hold UPGRADER (without delay) on the authority's AccessManager. Returns the
    implementation's ABI bound to the proxy.
    """
    role = role_id(contract_name)
    implementation = authority.functions.implementation(role)
    try:
        implementation.call()
    except Exception:  # unknown role: the authority reverts with SuiteAuthorityUnknownRole
        impl = deploy_implementation(evm, contract_name, sender=sender)
        evm.send(authority.functions.setImplementation(role, impl.address), sender)
    art = local_artifact(contract_name)
    template = evm.w3.eth.contract(abi=art.abi)
    init_data = template.encode_abi(initializer, args=list(init_args)) if initializer else b""
    proxy = evm.deploy("SuiteProxy", authority.address, role, init_data, sender=sender)
    return evm.at(art, proxy.address)
