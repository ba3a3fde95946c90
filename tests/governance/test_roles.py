"""The protocol's role model: who may call what, timelocked changes, the guardian, ADMIN.

Every protocol contract answers to one ProtocolAccessManager (``council`` fixture); each restricted function
needs exactly one role (dualtrack.governance.FUNCTION_ROLES), a holder granted with a delay must schedule
the call and may run it only once the delay has passed, and the guardian may cancel it meanwhile.
"""

from __future__ import annotations

import pytest
from eth_account import Account

from dualtrack.chain import Chain, Reverted
from dualtrack.deployment.checks import ERC1967_IMPLEMENTATION_SLOT
from dualtrack.governance import (
    FUNCTION_ROLES,
    GUARDED_ROLES,
    MANAGER_CONTRACT,
    NAMED_ROLES,
    OPERATION_EXPIRY,
    PUBLIC_ROLE,
    Role,
    calldata,
    can_call,
    cancel,
    execute,
    grant_role,
    has_role,
    operation_id,
    revoke_role,
    schedule,
    scheduled_at,
)
from dualtrack.oracle import reporter_accounts
from dualtrack.proxy import deploy_authority, role_id
from tests.governance.conftest import GRACE, TIMED_GAS, Council, execute_at, probe_call, zero_call
from tests.support import DAY, HOUR, ZERO

RESTRICTED = [
    (name, function, role) for name, functions in FUNCTION_ROLES.items() for function, role in functions.items()
]
# AccessManaged's own entry point: callable by the current manager only (its `updateAuthority`), not a role.
MANAGER_ONLY = {"setAuthority"}


# ---- The manager ----


def test_manager__role_ids_labels_and_guardians__as_the_roles_library(evm: Chain, issuer: str) -> None:
    manager = evm.deploy(MANAGER_CONTRACT, issuer, sender=issuer)
    receipt = evm.receipt(evm.w3.eth.get_block("latest")["transactions"][0])
    functions = manager.functions
    assert (functions.ADMIN_ROLE().call(), functions.PUBLIC_ROLE().call()) == (int(Role.ADMIN), PUBLIC_ROLE)
    assert [functions[f"{role.name}_ROLE"]().call() for role in NAMED_ROLES] == [int(role) for role in NAMED_ROLES]
    labels = {event["roleId"]: event["label"] for event in evm.events(receipt, manager, "RoleLabel")}
    assert labels == {int(role): role.name for role in NAMED_ROLES}
    assert [functions.getRoleGuardian(int(role)).call() for role in GUARDED_ROLES] == [int(Role.GUARDIAN)] * 5
    assert functions.getRoleGuardian(int(Role.GUARDIAN)).call() == int(Role.ADMIN)  # only ADMIN guards it
    assert has_role(manager, Role.ADMIN, issuer) == (True, 0)
    assert [has_role(manager, role, issuer)[0] for role in NAMED_ROLES] == [False] * 6


def test_manager__zero_initial_admin__reverts(evm: Chain, issuer: str) -> None:
    with evm.reverts("AccessManagerInvalidInitialAdmin", ZERO):
        evm.deploy(MANAGER_CONTRACT, ZERO, sender=issuer)


CONSTRUCTOR_ARGS = {  # every argument but the manager, valid
    "SuiteAuthority": lambda c: ("1.0.0",),
    "SuiteFactory": lambda c: (c.authority.address,),
    "EquityPriceOracle": lambda c: ([a.address for a in reporter_accounts(1)], 1, 1, 300, 10),
    "SequencerSentinel": lambda c: (c.sentinel.functions.uptimeFeed().call(), GRACE),
    "CorporateActions": lambda c: (c.oracle.address,),
    "DividendDistributor": lambda c: (c.outsider,),
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTOR_ARGS))
def test_deploy__manager_without_code__reverts_invalid_authority(council: Council, issuer: str, name: str) -> None:
    """A protocol contract answering to an address without code could never be administered again."""
    args = CONSTRUCTOR_ARGS[name](council)
    for manager in (ZERO, issuer):
        full = (args[0], manager) if name == "SuiteAuthority" else (manager, *args)
        with council.evm.reverts("AccessManagedInvalidAuthority", manager):
            council.evm.deploy(name, *full, sender=issuer)
    full = (args[0], council.manager.address) if name == "SuiteAuthority" else (council.manager.address, *args)
    assert council.evm.deploy(name, *full, sender=issuer).functions.authority().call() == council.manager.address


def test_margin_vault__initialised_with_a_manager_without_code__proxy_deployment_reverts(
    council: Council, issuer: str
) -> None:
    """The vault is set up by its proxy's `initialize` (UUPS): a manager without code is refused there."""
    vault = council.contracts["MarginVault"]
    implementation = council.evm.at("MarginVault", _implementation_of(council.evm, vault.address))
    oracle, settlement, *_ = vault.functions.wiring().call()
    liquidation = vault.functions.riskSettings().call()[0]
    for manager in (ZERO, issuer):
        init = implementation.encode_abi("initialize", args=[manager, oracle, settlement, liquidation])
        with council.evm.reverts("MarginVaultZeroAddress"):
            council.evm.deploy("ProtocolProxy", implementation.address, init, sender=issuer)
    assert {
        *CONSTRUCTOR_ARGS,
        "MarginVault",
        "InsurancePool",
        "LiquidityPool",
        "StockCapital",
        "FundingRateOracle",
        "PerpMarket",
    } == set(FUNCTION_ROLES)  # every contract is covered


def test_funding_oracle__initialised_with_a_manager_without_code__proxy_deployment_reverts(
    council: Council, issuer: str
) -> None:
    """The funding-rate oracle is set up by its proxy's `initialize` (UUPS): a manager without code is refused."""
    oracle = council.contracts["FundingRateOracle"]
    implementation = council.evm.at("FundingRateOracle", _implementation_of(council.evm, oracle.address))
    for manager in (ZERO, issuer):
        init = implementation.encode_abi("initialize", args=[manager])
        with council.evm.reverts("FundingOracleZeroAddress"):
            council.evm.deploy("ProtocolProxy", implementation.address, init, sender=issuer)


def test_perp_market__initialised_with_a_manager_without_code__proxy_deployment_reverts(
    council: Council, issuer: str
) -> None:
    """The perp market is set up by its proxy's `initialize` (UUPS): a manager without code is refused."""
    market = council.contracts["PerpMarket"]
    implementation = council.evm.at("PerpMarket", _implementation_of(council.evm, market.address))
    for manager in (ZERO, issuer):
        init = implementation.encode_abi("initialize", args=[manager])
        with council.evm.reverts("PerpMarketZeroAddress"):
            council.evm.deploy("ProtocolProxy", implementation.address, init, sender=issuer)


def test_stock_capital__initialised_with_a_manager_without_code__proxy_deployment_reverts(
    council: Council, issuer: str
) -> None:
    """StockCapital is set up by its proxy's `initialize` (UUPS, run by its admin module): a manager without
    code is refused there."""
    capital = council.contracts["StockCapital"]
    implementation = council.evm.at("StockCapital", _implementation_of(council.evm, capital.address))
    oracle, settlement, pool = capital.functions.wiring().call()
    auction, lock_period = capital.functions.settings().call()
    for manager in (ZERO, issuer):
        init = implementation.encode_abi("initialize", args=[manager, oracle, settlement, pool, auction, lock_period])
        with council.evm.reverts("StockCapitalZeroAddress"):
            council.evm.deploy("ProtocolProxy", implementation.address, init, sender=issuer)


def _implementation_of(evm: Chain, proxy: str) -> str:
    slot = evm.w3.eth.get_storage_at(proxy, ERC1967_IMPLEMENTATION_SLOT)  # type: ignore[arg-type]
    return "0x" + bytes(slot)[-20:].hex()


def test_function_roles__every_protocol_contract__lists_exactly_its_restricted_functions(council: Council) -> None:
    """Probe every state-changing function from an account without any role: those refused with
    AccessManagedUnauthorized are the restricted ones, and FUNCTION_ROLES lists exactly them."""
    for name, contract in council.contracts.items():
        refused = set()
        for entry in contract.abi:
            if entry.get("type") != "function" or entry["stateMutability"] in ("view", "pure"):
                continue
            if entry["name"] in MANAGER_ONLY:
                continue
            try:
                council.evm.call(zero_call(contract, entry["name"]), council.outsider)
            except Reverted as error:
                if error.name == "AccessManagedUnauthorized":
                    refused.add(entry["name"])
        assert refused == set(FUNCTION_ROLES[name]), name


@pytest.mark.parametrize(
    ("name", "function", "role"), RESTRICTED, ids=[f"{name}.{function}" for name, function, _ in RESTRICTED]
)
def test_restricted_function__every_other_role__refused_and_its_holder_passes(
    council: Council, name: str, function: str, role: Role
) -> None:
    contract = council.contracts[name]
    call = probe_call(council, name, function)
    assert council.manager.functions.getTargetFunctionRole(contract.address, calldata(call)[:4]).call() == role
    for other, holder in council.holders.items():
        if other is role:
            continue
        with council.evm.reverts("AccessManagedUnauthorized", holder):  # ADMIN too: it must grant itself first
            council.evm.call(call, holder)
    try:
        council.evm.call(call, council.holder(role))
    except Reverted as error:  # a domain error for zero arguments: the role check passed
        assert error.name and error.name != "AccessManagedUnauthorized", error


# ---- Delayed roles: schedule, wait, execute ----


def test_delayed_risk_admin__direct_call_or_early_execute__refused_until_the_delay_passed(
    evm: Chain, council: Council, issuer: str, alice: str
) -> None:
    manager, sentinel = council.manager, council.sentinel
    grant_role(evm, manager, Role.RISK_ADMIN, alice, issuer, delay=DAY)
    change = sentinel.functions.setGracePeriod(2 * HOUR)
    assert can_call(manager, alice, change) == (False, DAY)
    pending = operation_id(alice, sentinel.address, calldata(change))
    with evm.reverts("AccessManagerNotScheduled", pending):
        evm.send(change, alice)

    t = evm.timestamp() + 10
    evm.set_next_timestamp(t)
    operation = schedule(evm, manager, change, alice)
    assert (operation.operation_id, operation.ready_at, operation.caller) == (pending, t + DAY, alice)
    assert manager.functions.hashOperation(alice, sentinel.address, calldata(change)).call() == pending
    assert scheduled_at(manager, operation) == t + DAY
    with evm.reverts("AccessManagerAlreadyScheduled", pending):
        schedule(evm, manager, change, alice)
    with evm.reverts("AccessManagerNotReady", pending):
        execute_at(evm, manager, change, alice, t + DAY - 1)
    assert sentinel.functions.gracePeriod().call() == GRACE

    receipt = execute_at(evm, manager, change, alice, t + DAY)
    assert evm.events(receipt, manager, "OperationExecuted") == [{"operationId": pending, "nonce": 1}]
    assert evm.events(receipt, sentinel, "SequencerGracePeriodSet") == [
        {"previousGracePeriod": GRACE, "newGracePeriod": 2 * HOUR}
    ]
    assert scheduled_at(manager, operation) == 0
    with evm.reverts("AccessManagerNotScheduled", pending):  # once only
        execute(evm, manager, change, alice)


def test_delayed_oracle_admin__scheduled_then_called_directly__consumes_the_schedule(
    evm: Chain, council: Council, issuer: str, bob: str
) -> None:
    manager, oracle = council.manager, council.oracle
    grant_role(evm, manager, Role.ORACLE_ADMIN, bob, issuer, delay=HOUR)
    newcomer = Account.create().address
    add = oracle.functions.addReporter(newcomer)
    operation = schedule(evm, manager, add, bob)
    evm.send_at(add, bob, operation.ready_at, gas=TIMED_GAS)  # the oracle asks the manager to consume it
    assert oracle.functions.isReporter(newcomer).call()
    assert scheduled_at(manager, operation) == 0


def test_delayed_treasury__not_executed_within_a_week__expires(evm: Chain, council: Council, issuer: str) -> None:
    treasurer = council.holder(Role.TREASURY)
    distributor = council.contracts["DividendDistributor"]
    grant_role(evm, council.manager, Role.TREASURY, treasurer, issuer, delay=DAY)
    change = distributor.functions.setDefaultWithholdingRate(2_500)
    operation = schedule(evm, council.manager, change, treasurer)
    assert operation.expires_at == operation.ready_at + OPERATION_EXPIRY
    with evm.reverts("AccessManagerExpired", operation.operation_id):
        execute_at(evm, council.manager, change, treasurer, operation.expires_at)
    # an expired operation may be scheduled again (a new nonce)
    assert schedule(evm, council.manager, change, treasurer).nonce == 2


def test_schedule__holder_without_delay_or_without_role__refused(council: Council, alice: str, bob: str) -> None:
    change = council.sentinel.functions.setGracePeriod(0)
    for who in (alice, bob):  # alice may call at once (no delay to wait), bob lacks RISK_ADMIN
        with council.evm.reverts("AccessManagerUnauthorizedCall", who, council.sentinel.address, calldata(change)[:4]):
            schedule(council.evm, council.manager, change, who)


def test_execution_delay__lowered__old_delay_applies_until_the_difference_passed(
    evm: Chain, council: Council, issuer: str, alice: str
) -> None:
    """Lowering a holder's timelock cannot be used to push a change through sooner than the old one allows."""
    grant_role(evm, council.manager, Role.RISK_ADMIN, alice, issuer, delay=DAY)
    t = evm.timestamp() + 10
    evm.set_next_timestamp(t)
    grant_role(evm, council.manager, Role.RISK_ADMIN, alice, issuer, delay=0)
    evm.mine(t + DAY - 1)
    assert has_role(council.manager, Role.RISK_ADMIN, alice) == (True, DAY)
    evm.mine(t + DAY)
    assert has_role(council.manager, Role.RISK_ADMIN, alice) == (True, 0)


# ---- The guardian ----


def test_guardian__cancels_a_scheduled_risk_change__it_never_executes(
    evm: Chain, council: Council, issuer: str, agent: str, alice: str, bob: str
) -> None:
    manager, oracle = council.manager, council.oracle
    grant_role(evm, manager, Role.RISK_ADMIN, alice, issuer, delay=DAY)
    feed = oracle.functions.configureFeed(b"\x00\x0a" + b"\x01" * 30, (ZERO, 60, 600, 120, 300, 5_000))
    operation = schedule(evm, manager, feed, alice)
    with evm.reverts("AccessManagerUnauthorizedCancel", bob, alice, oracle.address, calldata(feed)[:4]):
        cancel(evm, manager, operation, bob)  # another role's holder may not
    receipt = cancel(evm, manager, operation, agent)
    assert evm.events(receipt, manager, "OperationCanceled") == [{"operationId": operation.operation_id, "nonce": 1}]
    with evm.reverts("AccessManagerNotScheduled", operation.operation_id):
        execute_at(evm, manager, feed, alice, operation.ready_at)
    assert oracle.functions.feedConfig(b"\x00\x0a" + b"\x01" * 30).call()[5] == 0


def test_guardian__removes_a_compromised_reporter_at_once__but_adds_none(
    evm: Chain, council: Council, agent: str
) -> None:
    oracle = council.oracle
    compromised = reporter_accounts(5)[0].address
    receipt = evm.send(oracle.functions.removeReporter(compromised), agent)
    assert evm.events(receipt, oracle, "ReporterRemoved") == [{"reporter": compromised}]
    assert not oracle.functions.isReporter(compromised).call()
    with evm.reverts("AccessManagedUnauthorized", agent):
        evm.send(oracle.functions.addReporter(compromised), agent)


def test_guardian__cannot_cancel_an_admin_operation(
    evm: Chain, council: Council, issuer: str, agent: str, lp: str
) -> None:
    """ADMIN cannot be guarded (AccessManager locks it): its delay is for everyone to see and react."""
    manager = council.manager
    with evm.reverts("AccessManagerLockedRole", int(Role.ADMIN)):
        evm.send(manager.functions.setRoleGuardian(int(Role.ADMIN), int(Role.GUARDIAN)), issuer)
    grant_role(evm, manager, Role.ADMIN, issuer, issuer, delay=2 * DAY)
    grant = manager.functions.grantRole(int(Role.UPGRADER), lp, 0)
    operation = schedule(evm, manager, grant, issuer)
    with evm.reverts("AccessManagerUnauthorizedCancel", agent, issuer, manager.address, calldata(grant)[:4]):
        cancel(evm, manager, operation, agent)
    cancel(evm, manager, operation, issuer)  # its proposer (or another ADMIN) may


# ---- ADMIN ----


def test_admin__grants_then_revokes__the_role_follows(evm: Chain, council: Council, issuer: str, lp: str) -> None:
    sentinel = council.sentinel
    with evm.reverts("AccessManagedUnauthorized", lp):
        evm.send(sentinel.functions.setGracePeriod(0), lp)
    receipt = grant_role(evm, council.manager, Role.RISK_ADMIN, lp, issuer)
    (granted,) = evm.events(receipt, council.manager, "RoleGranted")
    assert (granted["roleId"], granted["account"], granted["delay"], granted["newMember"]) == (2, lp, 0, True)
    evm.send(sentinel.functions.setGracePeriod(0), lp)
    revoke_role(evm, council.manager, Role.RISK_ADMIN, lp, issuer)
    with evm.reverts("AccessManagedUnauthorized", lp):
        evm.send(sentinel.functions.setGracePeriod(GRACE), lp)
    assert sentinel.functions.gracePeriod().call() == 0


def test_admin__role_holders_cannot_grant__reverts_unauthorized_account(
    evm: Chain, council: Council, agent: str, alice: str, lp: str
) -> None:
    for holder in (agent, alice):
        with evm.reverts("AccessManagerUnauthorizedAccount", holder, int(Role.ADMIN)):
            grant_role(evm, council.manager, Role.RISK_ADMIN, lp, holder)
        with evm.reverts("AccessManagerUnauthorizedAccount", holder, int(Role.ADMIN)):
            evm.send(council.manager.functions.setTargetClosed(council.oracle.address, True), holder)


def test_admin_with_delay__grants_only_through_a_schedule(evm: Chain, council: Council, issuer: str, lp: str) -> None:
    """An ADMIN with a delay cannot grant itself a role to skip that role's timelock."""
    manager = council.manager
    grant_role(evm, manager, Role.ADMIN, issuer, issuer, delay=2 * DAY)
    grant = manager.functions.grantRole(int(Role.RISK_ADMIN), issuer, 0)
    with evm.reverts("AccessManagerNotScheduled", operation_id(issuer, manager.address, calldata(grant))):
        evm.send(grant, issuer)
    operation = schedule(evm, manager, grant, issuer)
    execute_at(evm, manager, grant, issuer, operation.ready_at)
    assert has_role(manager, Role.RISK_ADMIN, issuer) == (True, 0)


def test_update_authority__only_admin_through_the_manager__contract_answers_to_the_new_manager(
    evm: Chain, council: Council, issuer: str, alice: str, lp: str
) -> None:
    sentinel = council.sentinel
    successor = evm.deploy(MANAGER_CONTRACT, lp, sender=lp)
    with evm.reverts("AccessManagedUnauthorized", issuer):  # never directly, even by ADMIN
        evm.send(sentinel.functions.setAuthority(successor.address), issuer)
    with evm.reverts("AccessManagedInvalidAuthority", alice):
        evm.send(council.manager.functions.updateAuthority(sentinel.address, alice), issuer)
    receipt = evm.send(council.manager.functions.updateAuthority(sentinel.address, successor.address), issuer)
    assert evm.events(receipt, sentinel, "AuthorityUpdated") == [{"authority": successor.address}]
    assert sentinel.functions.authority().call() == successor.address
    # The old manager's holders lose their power; on the new manager the function is not mapped yet, so
    # it needs ADMIN there (wire it before re-pointing a contract: docs/upgrades.md).
    for old_holder in (issuer, alice):
        with evm.reverts("AccessManagedUnauthorized", old_holder):
            evm.send(sentinel.functions.setGracePeriod(0), old_holder)
    evm.send(sentinel.functions.setGracePeriod(0), lp)


# ---- UPGRADER: one timelocked call upgrades every suite of a version ----


def test_delayed_upgrader__scheduled_set_implementation__every_proxy_upgraded_after_the_delay(
    evm: Chain, council: Council, issuer: str
) -> None:
    upgrader = council.holder(Role.UPGRADER)
    grant_role(evm, council.manager, Role.UPGRADER, upgrader, issuer, delay=2 * DAY)
    authority = deploy_authority(evm, issuer, "probe", authority=council.manager.address)
    evm.send(
        council.manager.functions.setTargetFunctionRole(
            authority.address, [calldata(zero_call(authority, "setImplementation"))[:4]], int(Role.UPGRADER)
        ),
        issuer,
    )
    probe = role_id("UpgradeableProbe")
    v1, v2 = (evm.deploy(name, sender=issuer) for name in ("UpgradeableProbe", "UpgradeableProbeV2"))
    install = authority.functions.setImplementation(probe, v1.address)
    first = schedule(evm, council.manager, install, upgrader)
    execute_at(evm, council.manager, install, upgrader, first.ready_at)
    init = evm.w3.eth.contract(abi=v1.abi).encode_abi("initialize", args=[7])
    proxies = [
        evm.at("UpgradeableProbe", evm.deploy("SuiteProxy", authority.address, probe, init, sender=issuer).address)
        for _ in range(2)
    ]
    upgrade = authority.functions.setImplementation(probe, v2.address)
    operation = schedule(evm, council.manager, upgrade, upgrader)
    assert operation.ready_at - evm.timestamp() == 2 * DAY
    assert [p.functions.generation().call() for p in proxies] == [1, 1]
    execute_at(evm, council.manager, upgrade, upgrader, operation.ready_at)
    assert [p.functions.generation().call() for p in proxies] == [2, 2]
    assert [p.functions.value().call() for p in proxies] == [7, 7]
