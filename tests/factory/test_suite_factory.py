"""SuiteFactory: one transaction per suite, CREATE2 addresses, ownership hand-over, version upgrades.

Default layout: one TransferPolicy is the suite's identity registry and compliance; the separate
layout (``SuiteParams.separateRegistryAndCompliance``) keeps an IdentityRegistry and a ModularCompliance.
"""

from __future__ import annotations

import pytest
from eth_utils.abi import function_signature_to_4byte_selector
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.identity import deploy_identity
from dualtrack.proxy import deploy_implementation, role_id
from dualtrack.suite import Protocol, Suite, SuiteParams, deploy_suite, salt_of, standard_suite_params
from tests.suite_fixtures import KycIssuer


def _selector(signature: str) -> bytes:
    return function_signature_to_4byte_selector(signature)


def _params(
    protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, symbol: str, *, separate: bool = False
) -> SuiteParams:
    params = standard_suite_params(
        protocol, name=symbol, symbol=symbol, owner=issuer, claim_issuer=kyc.contract.address, agents=[agent]
    )
    params.separate = separate
    return params


@pytest.mark.parametrize("separate", [False, True], ids=["policy", "separate"])
def test_deploy_suite__one_transaction__addresses_match_prediction(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, separate: bool
) -> None:
    predicted = protocol.factory.functions.predictSuite(issuer, salt_of("AAPL"), separate).call()
    suite = deploy_suite(
        evm,
        protocol,
        _params(protocol, kyc, issuer, agent, "AAPL", separate=separate),
        salt=salt_of("AAPL"),
        sender=issuer,
    )
    deployed = (
        suite.token.address,
        suite.identity_registry.address,
        suite.identity_storage.address,
        suite.claim_topics_registry.address,
        suite.trusted_issuers_registry.address,
        suite.compliance.address,
    )
    assert tuple(predicted) == deployed
    assert (suite.identity_registry.address == suite.compliance.address) is not separate


@pytest.mark.parametrize("separate", [False, True], ids=["policy", "separate"])
def test_deploy_suite__completed__owner_holds_every_contract_and_wiring_is_set(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, separate: bool
) -> None:
    suite = deploy_suite(
        evm,
        protocol,
        _params(protocol, kyc, issuer, agent, "SPY", separate=separate),
        salt=salt_of("SPY"),
        sender=issuer,
    )
    contracts: list[Contract] = [
        suite.token,
        suite.identity_registry,
        suite.identity_storage,
        suite.claim_topics_registry,
        suite.trusted_issuers_registry,
        suite.compliance,
    ]
    for contract in contracts:
        owner = contract.functions.owner().call()
        pending = contract.functions.pendingOwner().call() if "pendingOwner" in contract.functions else None
        assert issuer in (owner, pending)
    assert suite.compliance.functions.getTokenBound().call() == suite.token.address
    assert suite.token.functions.isAgent(agent).call()
    assert suite.identity_registry.functions.isAgent(suite.token.address).call()
    assert suite.claim_topics_registry.functions.getClaimTopics().call() == [1]
    assert suite.trusted_issuers_registry.functions.getTrustedIssuers().call() == [kyc.contract.address]
    assert len(suite.compliance.functions.getModules().call()) == 2
    assert suite.identity_registry.functions.policyCached().call() is True
    assert suite.token.functions.identityRegistry().call() == suite.identity_registry.address
    assert suite.token.functions.compliance().call() == suite.compliance.address


def test_deploy_suite__default__one_transfer_policy_is_registry_and_compliance(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str
) -> None:
    suite = deploy_suite(
        evm, protocol, _params(protocol, kyc, issuer, agent, "NFLX"), salt=salt_of("NFLX"), sender=issuer
    )
    assert suite.policy is not None
    assert suite.policy.address == suite.identity_registry.address == suite.compliance.address
    assert suite.policy.functions.supportsInterface(_selector("settle(uint8,address,address,uint256)")).call()
    assert suite.policy.functions.owner().call() == issuer
    assert suite.policy.functions.isAgent(agent).call()
    assert suite.policy.functions.isAgent(suite.token.address).call()
    assert suite.policy.functions.getTokenBound().call() == suite.token.address
    assert suite.identity_storage.functions.linkedIdentityRegistries().call() == [suite.policy.address]


def test_deploy_suite__separate__registry_and_compliance_are_distinct_contracts(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str
) -> None:
    suite = deploy_suite(
        evm,
        protocol,
        _params(protocol, kyc, issuer, agent, "AMD", separate=True),
        salt=salt_of("AMD"),
        sender=issuer,
    )
    assert suite.policy is None
    assert suite.identity_registry.address != suite.compliance.address
    assert suite.identity_storage.functions.linkedIdentityRegistries().call() == [suite.identity_registry.address]
    assert suite.compliance.functions.owner().call() == issuer
    assert suite.compliance.functions.getTokenBound().call() == suite.token.address


def test_deploy_suite__no_shared_storage__registry_keeps_records_and_no_storage_deployed(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, alice: str
) -> None:
    receipt = evm.send(
        protocol.factory.functions.deploySuite(
            salt_of("NVDA"), _params(protocol, kyc, issuer, agent, "NVDA").as_tuple()
        ),
        issuer,
    )
    (event,) = evm.events(receipt, protocol.factory, "SuiteDeployed")
    registry = evm.at("IdentityRegistry", event["identityRegistry"])
    assert event["identityStorage"] == registry.address
    assert registry.functions.identityStorage().call() == registry.address
    assert registry.functions.linkedIdentityRegistries().call() == [registry.address]
    # no IdentityRegistryStorage was initialized: every log comes from the factory, a suite contract or a module
    suite_contracts = {event[key] for key in ("token", "identityRegistry", "claimTopicsRegistry", "compliance")}
    suite_contracts |= {event["trustedIssuersRegistry"], protocol.factory.address}
    modules = {module.address for module in protocol.modules.values()}
    assert {log["address"] for log in receipt["logs"]} - modules == suite_contracts
    identity = deploy_identity(evm, alice)
    evm.send(registry.functions.registerIdentity(alice, identity.address, 840), agent)
    assert registry.functions.storedInvestor(alice).call() == [identity.address, 840]


def test_deploy_suite__token__recorded_as_suite_token(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str
) -> None:
    suite = deploy_suite(
        evm, protocol, _params(protocol, kyc, issuer, agent, "MSFT"), salt=salt_of("MSFT"), sender=issuer
    )
    is_suite_token = protocol.factory.functions.isSuiteToken
    assert is_suite_token(suite.token.address).call() is True
    # Only the token: the suite's other contracts, and contracts from elsewhere, are not.
    for other in (suite.identity_registry.address, suite.claim_topics_registry.address, protocol.factory.address):
        assert is_suite_token(other).call() is False
    assert is_suite_token("0x" + "00" * 20).call() is False


def test_deploy_suite__salt_reused__reverts(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str
) -> None:
    params = _params(protocol, kyc, issuer, agent, "QQQ")
    deploy_suite(evm, protocol, params, salt=salt_of("QQQ"), sender=issuer)
    with evm.reverts("SuiteFactorySaltUsed", issuer, salt_of("QQQ")):
        evm.send(protocol.factory.functions.deploySuite(salt_of("QQQ"), params.as_tuple()), issuer)


def test_deploy_suite__length_mismatch__reverts(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str
) -> None:
    params = _params(protocol, kyc, issuer, agent, "MSTR")
    params.issuer_claim_topics = []
    with evm.reverts("SuiteFactoryLengthMismatch", 1, 0):
        evm.send(protocol.factory.functions.deploySuite(salt_of("MSTR"), params.as_tuple()), issuer)


def test_deploy_suite__shared_storage__two_suites_see_the_same_identities(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, alice: str
) -> None:
    receipt = evm.send(protocol.factory.functions.deployIdentityStorage(salt_of("shared"), issuer), issuer)
    (deployed,) = evm.events(receipt, protocol.factory, "IdentityStorageDeployed")
    assert (deployed["deployer"], deployed["salt"], deployed["owner"]) == (issuer, salt_of("shared"), issuer)
    storage_address = deployed["identityStorage"]
    storage = evm.at("IdentityRegistryStorage", storage_address)
    suites: list[Suite] = []
    for symbol in ("GOOGL", "AMZN"):
        params = _params(protocol, kyc, issuer, agent, symbol)
        params.identity_storage = storage.address
        predicted = protocol.factory.functions.predictSuite(issuer, salt_of(symbol), False).call()
        evm.send(storage.functions.bindIdentityRegistry(predicted[1]), issuer)  # bind the future registry
        suites.append(deploy_suite(evm, protocol, params, salt=salt_of(symbol), sender=issuer))
    identity = deploy_identity(evm, alice)
    evm.send(suites[0].identity_registry.functions.registerIdentity(alice, identity.address, 840), agent)
    assert suites[1].identity_registry.functions.identity(alice).call() == identity.address
    assert suites[1].identity_storage.address == storage.address
    assert not suites[1].local_records
    assert suites[1].identity_registry.functions.identityStorage().call() == storage.address


def test_authority_upgrade__token_implementation__every_suite_of_the_version_upgraded(
    evm: Chain, protocol: Protocol, tsla: Suite, kyc: KycIssuer, issuer: str, agent: str, holders: object
) -> None:
    other = deploy_suite(
        evm, protocol, _params(protocol, kyc, issuer, agent, "META"), salt=salt_of("META"), sender=issuer
    )
    balance_before = tsla.token.functions.totalSupply().call()
    v2 = deploy_implementation(evm, "EquityTokenV2", sender=issuer)
    evm.send(protocol.authority.functions.setImplementation(role_id("EquityToken"), v2.address), issuer)
    assert tsla.token.functions.version().call() == "2.0.0"
    assert other.token.functions.version().call() == "2.0.0"
    assert tsla.token.functions.totalSupply().call() == balance_before


def test_set_current_authority__without_upgrader_role__reverts(evm: Chain, protocol: Protocol, alice: str) -> None:
    with evm.reverts("AccessManagedUnauthorized", alice):
        evm.send(protocol.factory.functions.setCurrentAuthority(protocol.authority.address), alice)
