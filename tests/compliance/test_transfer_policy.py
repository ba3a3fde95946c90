"""TransferPolicy: one contract (behind one SuiteProxy) that is a suite's identity registry AND its
modular compliance, so the token settles each movement with one call.

Covers the policy as a registry (identities, agents, live verification), as a compliance (binding,
modules, each module through the token), `settle` (caller, receiver check, kinds, ERC-165), the
token's policy mode (one call instead of two, switched by setIdentityRegistry/setCompliance, same
errors in the same order as the separate layout) and upgrades of the policy role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from eth_utils.abi import function_signature_to_4byte_selector
from web3 import Web3
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.claims import ClaimTopic
from dualtrack.identity import deploy_identity
from dualtrack.proxy import deploy_proxied, role_id
from dualtrack.suite import (
    DE,
    UNIT,
    US,
    Holder,
    Protocol,
    Suite,
    SuiteParams,
    deploy_suite,
    module_call,
    onboard_holder,
    salt_of,
)
from tests.suite_fixtures import Actors, KycIssuer
from tests.support import ZERO

TRANSFER, MINT, BURN, FORCED, RECOVERY, REKEY = range(6)
SETTLE = "settle(uint8,address,address,uint256)"


def _selector(signature: str) -> bytes:
    return function_signature_to_4byte_selector(signature)


def _policy(suite: Suite) -> Contract:
    assert suite.policy is not None
    return suite.policy


def _token_calls(evm: Chain, receipt: Any, token: str, targets: set[str]) -> list[tuple[str, str]]:
    """(target, selector) of every call the token made to one of ``targets`` in ``receipt``'s trace."""
    trace = evm.w3.provider.make_request(  # type: ignore[arg-type]
        "debug_traceTransaction", [Web3.to_hex(receipt["transactionHash"]), {"tracer": "callTracer"}]
    )["result"]
    wanted = {t.lower() for t in targets}
    found: list[tuple[str, str]] = []

    def walk(frame: dict[str, Any]) -> None:
        if frame["from"].lower() == token.lower() and frame.get("to", "").lower() in wanted:
            found.append((frame["to"].lower(), frame["input"][:10]))
        for child in frame.get("calls", []):
            walk(child)

    walk(trace)
    return found


# ---------------------------------------------------------------------------- the policy as a registry


def test_register_update_delete__agent__events_and_views_through_policy(
    evm: Chain, tsla: Suite, holders: Actors, agent: str, alice: str
) -> None:
    policy = _policy(tsla)
    wallet = evm.new_account()
    identity = deploy_identity(evm, alice)
    receipt = evm.send(policy.functions.registerIdentity(wallet, identity.address, US), agent)
    assert evm.events(receipt, policy, "IdentityRegistered") == [
        {"investorAddress": wallet, "identity": identity.address}
    ]
    assert policy.functions.contains(wallet).call() is True
    assert policy.functions.identity(wallet).call() == identity.address
    assert policy.functions.investorCountry(wallet).call() == US
    assert policy.functions.isVerified(wallet).call() is False  # no KYC claim on this identity
    receipt = evm.send(policy.functions.updateCountry(wallet, DE), agent)
    assert evm.events(receipt, policy, "CountryUpdated") == [{"investorAddress": wallet, "country": DE}]
    receipt = evm.send(policy.functions.updateIdentity(wallet, holders.alice.identity.address), agent)
    assert evm.events(receipt, policy, "IdentityUpdated") == [
        {"oldIdentity": identity.address, "newIdentity": holders.alice.identity.address}
    ]
    assert policy.functions.isVerified(wallet).call() is True  # alice's identity holds a KYC claim
    receipt = evm.send(policy.functions.deleteIdentity(wallet), agent)
    assert evm.events(receipt, policy, "IdentityRemoved") == [
        {"investorAddress": wallet, "identity": holders.alice.identity.address}
    ]
    assert policy.functions.contains(wallet).call() is False


def test_register_identity__not_agent__reverts(evm: Chain, tsla: Suite, alice: str, bob: str) -> None:
    with evm.reverts("IdentityRegistryNotAgent", bob):
        evm.send(_policy(tsla).functions.registerIdentity(alice, alice, US), bob)


def test_agents__owner__added_and_removed_non_owner_reverts(evm: Chain, tsla: Suite, issuer: str, bob: str) -> None:
    policy = _policy(tsla)
    with evm.reverts("OwnableUnauthorizedAccount", bob):
        evm.send(policy.functions.addAgent(bob), bob)
    receipt = evm.send(policy.functions.addAgent(bob), issuer)
    assert evm.events(receipt, policy, "AgentAdded") == [{"agent": bob}]
    assert policy.functions.isAgent(bob).call() is True
    with evm.reverts("OwnableUnauthorizedAccount", bob):
        evm.send(policy.functions.removeAgent(bob), bob)
    evm.send(policy.functions.removeAgent(bob), issuer)
    assert policy.functions.isAgent(bob).call() is False


@pytest.mark.parametrize(
    "function",
    ["setIdentityRegistryStorage", "setClaimTopicsRegistry", "setTrustedIssuersRegistry"],
)
def test_registry_configuration__non_owner__reverts(evm: Chain, tsla: Suite, bob: str, function: str) -> None:
    with evm.reverts("OwnableUnauthorizedAccount", bob):
        evm.send(_policy(tsla).functions[function](bob), bob)


def test_is_verified__claim_revoked__next_transfer_blocked(
    evm: Chain, tsla: Suite, holders: Actors, kyc: KycIssuer
) -> None:
    policy = _policy(tsla)
    assert policy.functions.policyCached().call() is True
    assert policy.functions.isVerified(holders.bob.wallet).call() is True
    kyc.revoke(evm, holders.bob)
    assert policy.functions.isVerified(holders.bob.wallet).call() is False
    with evm.reverts("EquityTokenUnverifiedReceiver", holders.bob.wallet):
        evm.send(tsla.token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)


def test_initialize__proxy_again_or_implementation__reverts(
    evm: Chain, protocol: Protocol, tsla: Suite, issuer: str
) -> None:
    with evm.reverts("InvalidInitialization"):
        evm.send(_policy(tsla).functions.initialize(issuer, issuer, issuer, issuer), issuer)
    implementation = evm.at(
        "TransferPolicy", protocol.authority.functions.implementation(role_id("TransferPolicy")).call()
    )
    with evm.reverts("InvalidInitialization"):
        evm.send(implementation.functions.initialize(issuer, issuer, issuer, issuer), issuer)


def test_initialize__zero_registry__reverts(evm: Chain, protocol: Protocol, issuer: str) -> None:
    with evm.reverts("IdentityRegistryZeroAddress"):
        deploy_proxied(evm, protocol.authority, "TransferPolicy", (issuer, ZERO, issuer, issuer), sender=issuer)


# ---------------------------------------------------------------------------- the policy as a compliance


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("bindToken", ("token",)),
        ("unbindToken", ("token",)),
        ("addModule", ("module",)),
        ("removeModule", ("module",)),
        ("callModuleFunction", (b"\x12\x34\x56\x78", "module")),
    ],
)
def test_compliance_administration__non_owner__reverts(
    evm: Chain, protocol: Protocol, tsla: Suite, bob: str, function: str, args: tuple[Any, ...]
) -> None:
    values = {"token": tsla.token.address, "module": protocol.modules["CountryRestrictModule"].address}
    call_args = [values[a] if isinstance(a, str) else a for a in args]
    with evm.reverts("OwnableUnauthorizedAccount", bob):
        evm.send(_policy(tsla).functions[function](*call_args), bob)


def test_modules__owner__removed_added_and_configured_through_policy(
    evm: Chain, protocol: Protocol, tsla: Suite, holders: Actors, issuer: str
) -> None:
    policy, restrict = _policy(tsla), protocol.modules["CountryRestrictModule"]
    assert policy.functions.getModules().call() == [
        restrict.address,
        protocol.modules["MaxBalanceModule"].address,
    ]
    receipt = evm.send(policy.functions.removeModule(restrict.address), issuer)
    assert evm.events(receipt, policy, "ModuleRemoved") == [{"module": restrict.address}]
    assert policy.functions.isModuleBound(restrict.address).call() is False
    # without the restriction the blocked country can receive
    evm.send(tsla.token.functions.transfer(holders.north.wallet, UNIT), holders.alice.wallet)
    receipt = evm.send(policy.functions.addModule(restrict.address), issuer)
    assert evm.events(receipt, restrict, "ComplianceBound") == [{"compliance": policy.address}]
    evm.send(
        policy.functions.callModuleFunction(restrict.encode_abi("batchRestrictCountries", [[DE]]), restrict.address),
        issuer,
    )
    with evm.reverts("CountryRestrictModuleCountryBlocked", DE):
        evm.send(tsla.token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)


def test_unbind_token__modules_bound__reverts_then_unbound_token_cannot_settle(
    evm: Chain, protocol: Protocol, tsla: Suite, holders: Actors, issuer: str, stranger: str
) -> None:
    policy = _policy(tsla)
    with evm.reverts("ModularComplianceModulesBound", 2):
        evm.send(policy.functions.unbindToken(tsla.token.address), issuer)
    for module in policy.functions.getModules().call():
        evm.send(policy.functions.removeModule(module), issuer)
    evm.send(policy.functions.unbindToken(tsla.token.address), issuer)
    # Same order as the separate layout: the receiver check first, then the compliance's caller check.
    with evm.reverts("EquityTokenUnverifiedReceiver", stranger):
        evm.send(tsla.token.functions.transfer(stranger, UNIT), holders.alice.wallet)
    with evm.reverts("ModularComplianceNotToken", tsla.token.address):
        evm.send(tsla.token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)


# Each module bound to a fresh suite (stateful modules need zero supply), driven through the token:
# the same actions must give the same error in both layouts.
ModuleCase = tuple[str, Callable[[dict[str, Contract]], tuple[str, bytes]], list[tuple[Any, ...]], str]
MODULE_CASES: list[ModuleCase] = [
    (
        "CountryRestrictModule",
        lambda m: module_call(m["CountryRestrictModule"], "batchRestrictCountries", [DE]),
        [("mint", "alice", 10), ("transfer", "alice", "bob", 1)],
        "CountryRestrictModuleCountryBlocked",
    ),
    (
        "CountryAllowModule",
        lambda m: module_call(m["CountryAllowModule"], "batchAllowCountries", [US]),
        [("mint", "alice", 10), ("transfer", "alice", "bob", 1)],
        "CountryAllowModuleCountryNotAllowed",
    ),
    (
        "MaxBalanceModule",
        lambda m: module_call(m["MaxBalanceModule"], "setMaxBalance", 10 * UNIT),
        [("mint", "alice", 10), ("mint", "bob", 11)],
        "MaxBalanceModuleExceeded",
    ),
    (
        "MaxHoldersModule",
        lambda m: module_call(m["MaxHoldersModule"], "setMaxHolders", 1),
        [("mint", "alice", 10), ("transfer", "alice", "bob", 1)],
        "MaxHoldersModuleExceeded",
    ),
    (
        "SupplyLimitModule",
        lambda m: module_call(m["SupplyLimitModule"], "setSupplyLimit", 10 * UNIT),
        [("mint", "alice", 10), ("mint", "bob", 1)],
        "SupplyLimitModuleExceeded",
    ),
    (
        "LockupModule",
        lambda m: module_call(m["LockupModule"], "setLockupPeriod", 86_400),
        [("mint", "alice", 10), ("transfer", "alice", "bob", 1)],
        "LockupModuleLocked",
    ),
    (
        "TimeWindowLimitsModule",
        lambda m: module_call(m["TimeWindowLimitsModule"], "setTimeWindowLimit", 86_400, 5 * UNIT),
        [("mint", "alice", 10), ("transfer", "alice", "bob", 5), ("transfer", "alice", "bob", 1)],
        "TimeWindowLimitsModuleExceeded",
    ),
]


def _module_suite(
    evm: Chain,
    protocol: Protocol,
    kyc: KycIssuer,
    holders: Actors,
    issuer: str,
    agent: str,
    case: ModuleCase,
    *,
    separate: bool,
) -> tuple[Suite, dict[str, Holder]]:
    name, configure, _, _ = case
    params = SuiteParams(
        name="Module",
        symbol="MOD",
        owner=issuer,
        trusted_issuers=[kyc.contract.address],
        issuer_claim_topics=[[int(ClaimTopic.KYC)]],
        token_agents=[agent],
        registry_agents=[agent],
        modules=[protocol.modules[name].address],
        module_calls=[configure(protocol.modules)],
        separate=separate,
    )
    suite = deploy_suite(evm, protocol, params, salt=salt_of(f"module-{name}"), sender=issuer)
    parties = {
        label: onboard_holder(
            evm,
            suite,
            h.wallet,
            h.country,
            claim_issuer=kyc.contract,
            signer_key=kyc.signer_key,
            registrar=agent,
            identity=h.identity,
        )
        for label, h in (("alice", holders.alice), ("bob", holders.bob))
    }
    return suite, parties


@pytest.mark.parametrize("case", MODULE_CASES, ids=[case[0] for case in MODULE_CASES])
def test_each_module__through_token__same_outcome_in_both_layouts(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, holders: Actors, issuer: str, agent: str, case: ModuleCase
) -> None:
    _, _, actions, error = case
    outcomes: list[tuple[Any, ...]] = []
    for separate in (False, True):
        snapshot = evm.snapshot()
        suite, parties = _module_suite(evm, protocol, kyc, holders, issuer, agent, case, separate=separate)
        assert (suite.policy is None) is separate
        *setup, last = actions
        for action in setup:
            if action[0] == "mint":
                evm.send(suite.token.functions.mint(parties[action[1]].wallet, action[2] * UNIT), agent)
            else:
                evm.send(
                    suite.token.functions.transfer(parties[action[2]].wallet, action[3] * UNIT),
                    parties[action[1]].wallet,
                )
        with evm.reverts(error) as reverted:
            if last[0] == "mint":
                evm.send(suite.token.functions.mint(parties[last[1]].wallet, last[2] * UNIT), agent)
            else:
                evm.send(
                    suite.token.functions.transfer(parties[last[2]].wallet, last[3] * UNIT), parties[last[1]].wallet
                )
        balances = tuple(suite.token.functions.balanceOf(p.wallet).call() for p in parties.values())
        outcomes.append((reverted.name, tuple(reverted.args_), balances))
        evm.revert_to(snapshot)
    assert outcomes[0] == outcomes[1]


# ---------------------------------------------------------------------------- settle


def test_settle__not_the_token__reverts_not_token(evm: Chain, tsla: Suite, holders: Actors, bob: str) -> None:
    policy = _policy(tsla)
    with evm.reverts("ModularComplianceNotToken", bob):
        evm.send(policy.functions.settle(TRANSFER, holders.alice.wallet, holders.bob.wallet, 1), bob)
    with evm.reverts("ModularComplianceNotToken", bob):
        evm.send(policy.functions.settle(BURN, holders.alice.wallet, ZERO, 1), bob)


def test_settle__unverified_receiver__false_without_running_modules(
    evm: Chain, tsla: Suite, holders: Actors, stranger: str, bob: str
) -> None:
    policy = _policy(tsla)
    for kind in (TRANSFER, MINT, FORCED):
        assert policy.functions.settle(kind, holders.alice.wallet, stranger, 1).call({"from": bob}) is False
        # Mined from a non-token caller: no revert (the modules, which check the caller, never ran), no log.
        receipt = evm.send(policy.functions.settle(kind, holders.alice.wallet, stranger, 1), bob)
        assert receipt["logs"] == []


@pytest.mark.parametrize("kind", [RECOVERY, REKEY], ids=["recovery", "rekey"])
def test_settle__recovery_or_rekey__reverts_unsupported_kind(
    evm: Chain, tsla: Suite, holders: Actors, bob: str, kind: int
) -> None:
    with evm.reverts("TransferPolicyUnsupportedKind", kind):
        evm.send(_policy(tsla).functions.settle(kind, holders.alice.wallet, holders.bob.wallet, 1), bob)


def test_supports_interface__policy_ids__true_others_false(tsla: Suite) -> None:
    policy = _policy(tsla)
    assert policy.functions.supportsInterface(_selector(SETTLE)).call() is True
    assert policy.functions.supportsInterface(_selector("supportsInterface(bytes4)")).call() is True
    assert policy.functions.supportsInterface(b"\xff\xff\xff\xff").call() is False
    assert policy.functions.supportsInterface(_selector("transferParties(address,address)")).call() is False


# ---------------------------------------------------------------------------- the token's policy mode


def test_token_paths__policy_layout__one_call_to_policy_each(
    evm: Chain, tsla: Suite, holders: Actors, agent: str
) -> None:
    token, policy = tsla.token, _policy(tsla).address
    alice, bob = holders.alice.wallet, holders.bob.wallet
    settle = "0x" + _selector(SETTLE).hex()
    for call, sender in (
        (token.functions.transfer(bob, UNIT), alice),
        (token.functions.mint(bob, UNIT), agent),
        (token.functions.burn(bob, UNIT), agent),
        (token.functions.forcedTransfer(alice, bob, UNIT), agent),
        (token.functions.batchTransfer([bob, bob], [UNIT, UNIT]), alice),
    ):
        receipt = evm.send(call, sender)
        calls = _token_calls(evm, receipt, token.address, {policy})
        assert calls and all(selector == settle for _, selector in calls)
        assert len(calls) == (2 if call.fn_name == "batchTransfer" else 1)


def test_token_paths__separate_layout__registry_then_compliance(
    evm: Chain, tsla_separate: Suite, holders_separate: Actors
) -> None:
    suite = tsla_separate
    receipt = evm.send(suite.token.functions.transfer(holders_separate.bob.wallet, UNIT), holders_separate.alice.wallet)
    calls = _token_calls(evm, receipt, suite.token.address, {suite.identity_registry.address, suite.compliance.address})
    assert [target for target, _ in calls] == [
        suite.identity_registry.address.lower(),
        suite.compliance.address.lower(),
    ]


def test_set_identity_registry__other_then_back__mode_follows(
    evm: Chain, protocol: Protocol, tsla: Suite, holders: Actors, issuer: str
) -> None:
    """Policy mode follows the registry. With supply, a switch needs a compliance without modules
    (their state is keyed by the registry's identities), so the policy's modules are removed first."""
    policy, token = _policy(tsla), tsla.token
    alice, bob = holders.alice, holders.bob
    for module in policy.functions.getModules().call():
        evm.send(policy.functions.removeModule(module), issuer)
    second = deploy_proxied(
        evm,
        protocol.authority,
        "IdentityRegistry",
        (
            issuer,
            tsla.trusted_issuers_registry.address,
            tsla.claim_topics_registry.address,
            ZERO,  # local records: the suite's policy keeps its own, so register the holders again
        ),
        sender=issuer,
    )
    evm.send(second.functions.addAgent(issuer), issuer)
    for holder in (alice, bob):
        evm.send(second.functions.registerIdentity(holder.wallet, holder.identity.address, holder.country), issuer)
    evm.send(token.functions.setIdentityRegistry(second.address), issuer)
    receipt = evm.send(token.functions.transfer(bob.wallet, UNIT), alice.wallet)
    targets = [t for t, _ in _token_calls(evm, receipt, token.address, {second.address, policy.address})]
    assert targets == [second.address.lower(), policy.address.lower()]  # transferParties, then moved
    evm.send(token.functions.setIdentityRegistry(policy.address), issuer)
    receipt = evm.send(token.functions.transfer(bob.wallet, UNIT), alice.wallet)
    assert [t for t, _ in _token_calls(evm, receipt, token.address, {second.address, policy.address})] == [
        policy.address.lower()
    ]
    assert token.functions.balanceOf(bob.wallet).call() == 102 * UNIT


def test_set_compliance__other_compliance__two_calls_then_policy_no_longer_records(
    evm: Chain, protocol: Protocol, tsla: Suite, holders: Actors, issuer: str
) -> None:
    policy, token = _policy(tsla), tsla.token
    other = deploy_proxied(evm, protocol.authority, "ModularCompliance", (issuer,), sender=issuer)
    evm.send(other.functions.bindToken(token.address), issuer)
    evm.send(token.functions.setCompliance(other.address), issuer)
    before = tsla.max_balance_of(holders.bob.identity.address)
    receipt = evm.send(token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)
    targets = [t for t, _ in _token_calls(evm, receipt, token.address, {other.address, policy.address})]
    assert targets == [policy.address.lower(), other.address.lower()]
    assert tsla.max_balance_of(holders.bob.identity.address) == before  # the policy's modules are not used
    assert token.functions.balanceOf(holders.bob.wallet).call() == 101 * UNIT


@pytest.mark.parametrize("layout", ["policy", "separate"])
def test_mint__overflow__receiver_check_first_in_both_layouts(
    evm: Chain,
    tsla: Suite,
    holders: Actors,
    tsla_separate: Suite,
    holders_separate: Actors,
    agent: str,
    stranger: str,
    layout: str,
) -> None:
    suite, actors = (tsla, holders) if layout == "policy" else (tsla_separate, holders_separate)
    huge = 2**112
    with evm.reverts("EquityTokenUnverifiedReceiver", stranger):
        evm.send(suite.token.functions.mint(stranger, huge), agent)
    supply = suite.token.functions.totalSupply().call()
    with evm.reverts("EquityTokenSupplyOverflow", supply + huge):
        evm.send(suite.token.functions.mint(actors.alice.wallet, huge), agent)


def test_recovery__policy_layout__modules_get_recovery_movement_through_moved(
    evm: Chain, tsla: Suite, agent: str, lost_and_found: tuple[Holder, str]
) -> None:
    lost, new_wallet = lost_and_found
    token, policy = tsla.token, _policy(tsla)
    tracked = tsla.max_balance_of(lost.identity.address)
    receipt = evm.send(token.functions.recoveryAddress(lost.wallet, new_wallet, lost.identity.address), agent)
    moved = "0x" + _selector("moved((uint8,address,address,address,address,uint16,uint16,uint256))").hex()
    selectors = [s for _, s in _token_calls(evm, receipt, token.address, {policy.address})]
    assert selectors[-1] == moved and "0x" + _selector(SETTLE).hex() not in selectors
    assert tsla.max_balance_of(lost.identity.address) == tracked  # same identity: unchanged
    assert token.functions.balanceOf(new_wallet).call() == 10 * UNIT
    assert policy.functions.identity(new_wallet).call() == lost.identity.address


# ---------------------------------------------------------------------------- upgrade


def test_authority_upgrade__policy_role__every_policy_upgraded_state_kept(
    evm: Chain, protocol: Protocol, tsla: Suite, holders: Actors, issuer: str, agent: str, bob: str
) -> None:
    policy = _policy(tsla)
    v2 = evm.deploy("TransferPolicyV2", sender=issuer)
    with evm.reverts("AccessManagedUnauthorized", bob):  # UPGRADER only
        evm.send(protocol.authority.functions.setImplementation(role_id("TransferPolicy"), v2.address), bob)
    evm.send(protocol.authority.functions.setImplementation(role_id("TransferPolicy"), v2.address), issuer)
    upgraded = evm.at("TransferPolicyV2", policy.address)
    assert upgraded.functions.policyVersion().call() == "2.0.0"
    assert upgraded.functions.isAgent(agent).call() is True
    assert upgraded.functions.getTokenBound().call() == tsla.token.address
    assert len(upgraded.functions.getModules().call()) == 2
    evm.send(tsla.token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)
    assert tsla.max_balance_of(holders.bob.identity.address) == 101 * UNIT
