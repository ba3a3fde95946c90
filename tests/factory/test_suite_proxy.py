"""SuiteProxy + SuiteAuthority: one authority upgrades every proxy of its version at once."""

from __future__ import annotations

from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.proxy import deploy_authority, role_id

PROBE = role_id("UpgradeableProbe")


def _probe_behind_proxy(evm: Chain, authority: Contract, value: int, sender: str) -> Contract:
    init = evm.w3.eth.contract(abi=evm.at("UpgradeableProbe", authority.address).abi).encode_abi(
        "initialize", args=[value]
    )
    proxy = evm.deploy("SuiteProxy", authority.address, PROBE, init, sender=sender)
    return evm.at("UpgradeableProbe", proxy.address)


def test_set_implementation__authority_upgraded__every_proxy_upgraded_with_state(evm: Chain, issuer: str) -> None:
    authority = deploy_authority(evm, issuer)
    v1 = evm.deploy("UpgradeableProbe", sender=issuer)
    evm.send(authority.functions.setImplementation(PROBE, v1.address), issuer)
    first = _probe_behind_proxy(evm, authority, 11, issuer)
    second = _probe_behind_proxy(evm, authority, 22, issuer)
    assert [p.functions.generation().call() for p in (first, second)] == [1, 1]

    v2 = evm.deploy("UpgradeableProbeV2", sender=issuer)
    receipt = evm.send(authority.functions.setImplementation(PROBE, v2.address), issuer)

    assert evm.events(receipt, authority, "ImplementationSet") == [{"role": PROBE, "implementation": v2.address}]
    assert [p.functions.generation().call() for p in (first, second)] == [2, 2]
    assert [p.functions.value().call() for p in (first, second)] == [11, 22]


def test_initialize__twice_through_proxy__reverts(evm: Chain, issuer: str) -> None:
    authority = deploy_authority(evm, issuer)
    v1 = evm.deploy("UpgradeableProbe", sender=issuer)
    evm.send(authority.functions.setImplementation(PROBE, v1.address), issuer)
    probe = _probe_behind_proxy(evm, authority, 1, issuer)
    with evm.reverts("InvalidInitialization"):
        evm.send(probe.functions.initialize(2), issuer)


def test_initialize__implementation_directly__reverts(evm: Chain, issuer: str) -> None:
    v1 = evm.deploy("UpgradeableProbe", sender=issuer)
    with evm.reverts("InvalidInitialization"):
        evm.send(v1.functions.initialize(1), issuer)


def test_set_implementation__without_upgrader_role__reverts(evm: Chain, issuer: str, alice: str) -> None:
    authority = deploy_authority(evm, issuer)
    v1 = evm.deploy("UpgradeableProbe", sender=issuer)
    with evm.reverts("AccessManagedUnauthorized", alice):
        evm.send(authority.functions.setImplementation(PROBE, v1.address), alice)


def test_set_implementation__not_a_contract__reverts(evm: Chain, issuer: str, alice: str) -> None:
    authority = deploy_authority(evm, issuer)
    with evm.reverts("SuiteAuthorityNotContract", alice):
        evm.send(authority.functions.setImplementation(PROBE, alice), issuer)


def test_proxy_call__role_without_implementation__reverts_unknown_role(evm: Chain, issuer: str) -> None:
    authority = deploy_authority(evm, issuer)
    with evm.reverts("SuiteAuthorityUnknownRole", PROBE):
        evm.deploy("SuiteProxy", authority.address, PROBE, b"\x01", sender=issuer)
