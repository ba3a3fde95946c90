"""ModularCompliance: token binding, module management, the one-pass `moved`, the ERC-3643 hooks."""

from __future__ import annotations

import pytest
from eth_utils.abi import function_signature_to_4byte_selector
from web3.contract import Contract

from dualtrack.artifacts import local_artifact
from dualtrack.chain import Chain
from tests.compliance.compliance_support import (
    A1,
    A2,
    B1,
    C1,
    DE,
    ID_A,
    ID_B,
    US,
    Kind,
    Suite,
    addr,
    movement,
    new_suite,
)
from tests.support import ZERO

MOVED_SIGNATURE = "moved((uint8,address,address,address,address,uint16,uint16,uint256))"


def _selector(signature: str) -> bytes:
    return function_signature_to_4byte_selector(signature)


# ---- initialisation ----


def test_initialize__through_proxy__sets_owner_and_no_token(
    evm: Chain, authority: Contract, issuer: str, alice: str
) -> None:
    fresh = new_suite(evm, authority, alice, bind=False)
    assert fresh.compliance.functions.owner().call() == alice
    assert fresh.compliance.functions.getTokenBound().call() == ZERO
    assert fresh.compliance.functions.getModules().call() == []
    with evm.reverts("InvalidInitialization"):
        evm.send(fresh.compliance.functions.initialize(issuer), issuer)


# ---- token binding ----


def test_bind_token__by_owner__binds_and_emits(evm: Chain, authority: Contract, issuer: str) -> None:
    fresh = new_suite(evm, authority, issuer, bind=False)
    receipt = evm.send(fresh.compliance.functions.bindToken(fresh.token.address), issuer)
    assert evm.events(receipt, fresh.compliance, "TokenBound") == [{"token": fresh.token.address}]
    assert fresh.compliance.functions.getTokenBound().call() == fresh.token.address


def test_bind_token__by_non_owner__reverts_unauthorized(
    evm: Chain, authority: Contract, issuer: str, alice: str
) -> None:
    fresh = new_suite(evm, authority, issuer, bind=False)
    with evm.reverts("OwnableUnauthorizedAccount", alice):
        evm.send(fresh.compliance.functions.bindToken(fresh.token.address), alice)
    assert fresh.compliance.functions.getTokenBound().call() == ZERO


def test_bind_token__token_binds_itself__reverts_unauthorized(evm: Chain, authority: Contract, issuer: str) -> None:
    fresh = new_suite(evm, authority, issuer, bind=False)
    with evm.reverts("OwnableUnauthorizedAccount", fresh.token.address):
        evm.send(fresh.token.functions.bindSelf(fresh.compliance.address), issuer)
    assert fresh.compliance.functions.getTokenBound().call() == ZERO


def test_bind_token__already_bound__reverts_with_bound_token(evm: Chain, suite: Suite, issuer: str, bob: str) -> None:
    with evm.reverts("ModularComplianceTokenBinding", suite.token.address):
        evm.send(suite.compliance.functions.bindToken(bob), issuer)
    with evm.reverts("ModularComplianceTokenBinding", suite.token.address):
        evm.send(suite.compliance.functions.bindToken(suite.token.address), issuer)


def test_bind_token__zero__reverts_zero_address(evm: Chain, authority: Contract, issuer: str) -> None:
    fresh = new_suite(evm, authority, issuer, bind=False)
    with evm.reverts("ModularComplianceZeroAddress"):
        evm.send(fresh.compliance.functions.bindToken(ZERO), issuer)


def test_bind_token__modules_bound_and_token_has_supply__reverts_not_empty(
    evm: Chain, authority: Contract, issuer: str, modules: dict[str, Contract]
) -> None:
    fresh = new_suite(evm, authority, issuer, bind=False)
    fresh.add(modules["MaxBalanceModule"])
    evm.send(fresh.token.functions.setTotalSupply(7), issuer)
    with evm.reverts("ComplianceModuleTokenNotEmpty", fresh.compliance.address, 7):
        evm.send(fresh.compliance.functions.bindToken(fresh.token.address), issuer)
    evm.send(fresh.token.functions.setTotalSupply(0), issuer)
    evm.send(fresh.compliance.functions.bindToken(fresh.token.address), issuer)
    assert fresh.compliance.functions.getTokenBound().call() == fresh.token.address


def test_bind_token__modules_bound_and_token_not_deployed__binds(
    evm: Chain, authority: Contract, issuer: str, modules: dict[str, Contract], bob: str
) -> None:
    fresh = new_suite(evm, authority, issuer, bind=False)
    fresh.add(modules["SupplyLimitModule"])
    evm.send(fresh.compliance.functions.bindToken(bob), issuer)  # an EOA: no code, no supply
    assert fresh.compliance.functions.getTokenBound().call() == bob


def test_unbind_token__by_owner__unbinds_and_emits(evm: Chain, suite: Suite, issuer: str) -> None:
    receipt = evm.send(suite.compliance.functions.unbindToken(suite.token.address), issuer)
    assert evm.events(receipt, suite.compliance, "TokenUnbound") == [{"token": suite.token.address}]
    assert suite.compliance.functions.getTokenBound().call() == ZERO
    with evm.reverts("ModularComplianceNotToken", suite.token.address):
        suite.mint(A1, 1)


def test_unbind_token__wrong_token_or_non_owner__reverts(evm: Chain, suite: Suite, issuer: str, bob: str) -> None:
    with evm.reverts("ModularComplianceTokenBinding", bob):
        evm.send(suite.compliance.functions.unbindToken(bob), issuer)
    with evm.reverts("ModularComplianceTokenBinding", ZERO):
        evm.send(suite.compliance.functions.unbindToken(ZERO), issuer)
    with evm.reverts("OwnableUnauthorizedAccount", bob):
        evm.send(suite.compliance.functions.unbindToken(suite.token.address), bob)


def test_unbind_token__modules_bound__reverts_modules_bound(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract]
) -> None:
    suite.add(modules["CountryRestrictModule"], modules["MaxBalanceModule"])
    with evm.reverts("ModularComplianceModulesBound", 2):
        evm.send(suite.compliance.functions.unbindToken(suite.token.address), issuer)
    assert suite.compliance.functions.getTokenBound().call() == suite.token.address


# ---- modules ----


def test_add_module__by_owner__binds_module_and_emits(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract]
) -> None:
    module = modules["MaxBalanceModule"]
    receipt = evm.send(suite.compliance.functions.addModule(module.address), issuer)
    assert evm.events(receipt, suite.compliance, "ModuleAdded") == [{"module": module.address}]
    assert evm.events(receipt, module, "ComplianceBound") == [{"compliance": suite.compliance.address}]
    assert suite.compliance.functions.getModules().call() == [module.address]
    assert suite.compliance.functions.isModuleBound(module.address).call()
    assert module.functions.isComplianceBound(suite.compliance.address).call()


def test_add_module__twice_zero_or_non_owner__reverts(
    evm: Chain, suite: Suite, issuer: str, alice: str, modules: dict[str, Contract]
) -> None:
    module = modules["CountryAllowModule"]
    suite.add(module)
    with evm.reverts("ModularComplianceModuleAlreadyBound", module.address):
        evm.send(suite.compliance.functions.addModule(module.address), issuer)
    with evm.reverts("ModularComplianceZeroAddress"):
        evm.send(suite.compliance.functions.addModule(ZERO), issuer)
    with evm.reverts("OwnableUnauthorizedAccount", alice):
        evm.send(suite.compliance.functions.addModule(modules["LockupModule"].address), alice)
    assert suite.compliance.functions.getModules().call() == [module.address]


def test_add_module__26th__reverts_cap_reached(evm: Chain, suite: Suite, issuer: str) -> None:
    many = [evm.deploy("CountryRestrictModule", sender=issuer) for _ in range(26)]
    suite.add(*many[:25])
    assert suite.compliance.functions.getModules().call() == [m.address for m in many[:25]]
    with evm.reverts("ModularComplianceCapReached", 25):
        evm.send(suite.compliance.functions.addModule(many[25].address), issuer)
    # Every module still sees the movement in the one pass (the last one rejects it).
    suite.configure(many[24], "batchRestrictCountries", [US])
    with evm.reverts("CountryRestrictModuleCountryBlocked", US):
        suite.mint(C1, 1)
    suite.mint(A1, 1)


def test_add_module__stateful_and_token_has_supply__reverts_not_empty(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract]
) -> None:
    evm.send(suite.token.functions.setTotalSupply(5), issuer)
    for name in ("MaxBalanceModule", "MaxHoldersModule", "LockupModule"):
        with evm.reverts("ComplianceModuleTokenNotEmpty", suite.compliance.address, 5):
            evm.send(suite.compliance.functions.addModule(modules[name].address), issuer)
    # Modules with an initialisation story bind anyway.
    suite.add(modules["SupplyLimitModule"], modules["TimeWindowLimitsModule"], modules["CountryRestrictModule"])
    assert modules["SupplyLimitModule"].functions.trackedSupply(suite.compliance.address).call() == 5
    assert len(suite.compliance.functions.getModules().call()) == 3


def test_remove_module__middle__last_takes_its_place_and_module_unbound(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract]
) -> None:
    first, middle, last = modules["CountryRestrictModule"], modules["MaxBalanceModule"], modules["LockupModule"]
    suite.add(first, middle, last)
    receipt = evm.send(suite.compliance.functions.removeModule(middle.address), issuer)
    assert evm.events(receipt, suite.compliance, "ModuleRemoved") == [{"module": middle.address}]
    assert evm.events(receipt, middle, "ComplianceUnbound") == [{"compliance": suite.compliance.address}]
    assert suite.compliance.functions.getModules().call() == [first.address, last.address]
    assert not suite.compliance.functions.isModuleBound(middle.address).call()
    assert not middle.functions.isComplianceBound(suite.compliance.address).call()
    with evm.reverts("ModularComplianceModuleNotBound", middle.address):
        evm.send(suite.compliance.functions.removeModule(middle.address), issuer)


def test_remove_module__then_add_again__module_state_starts_empty(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract]
) -> None:
    module = modules["MaxBalanceModule"]
    suite.add(module)
    suite.configure(module, "setMaxBalance", 100)
    suite.mint(A1, 60)
    evm.send(suite.compliance.functions.removeModule(module.address), issuer)
    suite.add(module)
    c = suite.compliance.address
    assert module.functions.identityBalance(c, ID_A).call() == 0
    assert module.functions.maxBalance(c).call() == 0


def test_remove_module__module_reverts_on_unbind__still_removed(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract]
) -> None:
    broken = evm.deploy("MockRevertingModule", sender=issuer)
    suite.add(modules["CountryRestrictModule"], broken)
    with evm.reverts("MockRevertingModuleRejected", 42):
        suite.transfer(A1, B1, 42)
    assert not suite.can_move(Kind.TRANSFER, A1, B1, 42)
    receipt = evm.send(suite.compliance.functions.removeModule(broken.address), issuer)
    assert evm.events(receipt, suite.compliance, "ModuleRemoved") == [{"module": broken.address}]
    suite.transfer(A1, B1, 42)


def test_remove_module__non_owner__reverts(evm: Chain, suite: Suite, alice: str, modules: dict[str, Contract]) -> None:
    suite.add(modules["CountryRestrictModule"])
    with evm.reverts("OwnableUnauthorizedAccount", alice):
        evm.send(suite.compliance.functions.removeModule(modules["CountryRestrictModule"].address), alice)


# ---- callModuleFunction ----


def test_call_module_function__by_owner__forwards_and_emits(
    evm: Chain, suite: Suite, modules: dict[str, Contract]
) -> None:
    module = modules["MaxBalanceModule"]
    suite.add(module)
    receipt = suite.configure(module, "setMaxBalance", 1234)
    assert evm.events(receipt, suite.compliance, "ModuleInteraction") == [
        {"target": module.address, "selector": _selector("setMaxBalance(uint216)")}
    ]
    assert evm.events(receipt, module, "MaxBalanceSet") == [{"compliance": suite.compliance.address, "max": 1234}]
    assert module.functions.maxBalance(suite.compliance.address).call() == 1234


def test_call_module_function__non_owner_or_unbound_module__reverts(
    evm: Chain, suite: Suite, issuer: str, alice: str, modules: dict[str, Contract]
) -> None:
    module = modules["MaxBalanceModule"]
    data = module.encode_abi("setMaxBalance", args=[1])
    with evm.reverts("ModularComplianceModuleNotBound", module.address):
        evm.send(suite.compliance.functions.callModuleFunction(data, module.address), issuer)
    suite.add(module)
    with evm.reverts("OwnableUnauthorizedAccount", alice):
        evm.send(suite.compliance.functions.callModuleFunction(data, module.address), alice)


@pytest.mark.parametrize(
    "signature", [MOVED_SIGNATURE, "bindCompliance(address)", "unbindCompliance(address)"], ids=lambda s: s[:8]
)
def test_call_module_function__binding_or_recording_selector__reverts_forbidden(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract], signature: str
) -> None:
    module = modules["MaxBalanceModule"]
    suite.add(module)
    data = _selector(signature) + bytes(32 * 8)
    with evm.reverts("ModularComplianceForbiddenCall", _selector(signature)):
        evm.send(suite.compliance.functions.callModuleFunction(data, module.address), issuer)
    assert module.functions.isComplianceBound(suite.compliance.address).call()


def test_call_module_function__module_reverts__bubbles_module_error(
    evm: Chain, suite: Suite, modules: dict[str, Contract]
) -> None:
    module = modules["CountryRestrictModule"]
    suite.add(module)
    with evm.reverts("CountryRestrictModuleInvalidCountry", 1000):
        suite.configure(module, "batchRestrictCountries", [US, 1000])
    assert not module.functions.isCountryRestricted(suite.compliance.address, US).call()


def test_module_configuration__called_directly__reverts_not_bound(
    evm: Chain, suite: Suite, alice: str, modules: dict[str, Contract]
) -> None:
    suite.add(*modules.values())
    calls = {
        "CountryRestrictModule": ("batchRestrictCountries", [[US]]),
        "CountryAllowModule": ("batchAllowCountries", [[US]]),
        "MaxBalanceModule": ("setMaxBalance", [1]),
        "MaxHoldersModule": ("setMaxHolders", [1]),
        "SupplyLimitModule": ("setSupplyLimit", [1]),
        "LockupModule": ("setLockupPeriod", [1]),
        "TimeWindowLimitsModule": ("setTimeWindowLimit", [60, 1]),
    }
    for name, (function, args) in calls.items():
        with evm.reverts("ComplianceModuleNotBound", alice):
            evm.send(modules[name].functions[function](*args), alice)


def test_module_binding__called_by_someone_else__reverts_only_compliance(
    evm: Chain, suite: Suite, alice: str, modules: dict[str, Contract]
) -> None:
    # AbstractComplianceModule's binding rules, shared by every module.
    c = suite.compliance.address
    for module in modules.values():
        with evm.reverts("ComplianceModuleOnlyCompliance", alice, c):
            evm.send(module.functions.bindCompliance(c), alice)
        with evm.reverts("ComplianceModuleOnlyCompliance", alice, c):
            evm.send(module.functions.unbindCompliance(c), alice)
        assert not module.functions.isComplianceBound(c).call()


def test_module_unbind__compliance_not_bound__reverts_not_bound(evm: Chain, alice: str, issuer: str) -> None:
    module = evm.deploy("MaxBalanceModule", sender=issuer)
    with evm.reverts("ComplianceModuleNotBound", alice):
        evm.send(module.functions.unbindCompliance(alice), alice)


def test_module_names__each_module__its_contract_name(modules: dict[str, Contract]) -> None:
    assert {name: m.functions.name().call() for name, m in modules.items()} == {n: n for n in modules}


# ---- moved / canMove ----


def test_moved__selector__equals_the_module_selector() -> None:
    def selector_of(contract: str) -> bytes:
        abi = local_artifact(contract).abi
        (item,) = [i for i in abi if i.get("type") == "function" and i["name"] == "moved"]
        fields = ",".join(c["type"] for c in item["inputs"][0]["components"])
        return _selector(f"moved(({fields}))")

    assert selector_of("ModularCompliance") == selector_of("MaxBalanceModule") == _selector(MOVED_SIGNATURE)


def test_moved__caller_not_token__reverts_not_token(evm: Chain, suite: Suite, alice: str) -> None:
    with evm.reverts("ModularComplianceNotToken", alice):
        evm.send(suite.compliance.functions.moved(movement(Kind.MINT, None, A1, 1)), alice)


def test_moved__no_modules__accepts_every_kind(suite: Suite) -> None:
    for kind in Kind:
        suite.move(kind, A1, B1, 5)
        assert suite.can_move(kind, A1, B1, 5)


def test_moved__two_modules_reject__first_module_error_wins(
    evm: Chain, suite: Suite, modules: dict[str, Contract]
) -> None:
    restrict, max_balance = modules["CountryRestrictModule"], modules["MaxBalanceModule"]
    suite.add(restrict, max_balance)
    suite.configure(restrict, "batchRestrictCountries", [US])
    with evm.reverts("CountryRestrictModuleCountryBlocked", US):
        suite.mint(C1, 1)
    assert not suite.can_move(Kind.MINT, None, C1, 1)
    with evm.reverts("MaxBalanceModuleExceeded", ID_B, 1, 0):
        suite.mint(B1, 1)
    assert not suite.can_move(Kind.MINT, None, B1, 1)
    # Forced movements are never rejected, but recorded.
    suite.move(Kind.FORCED, A1, C1, 0)
    assert suite.can_move(Kind.FORCED, None, B1, 10**30)


def test_moved__gas_transfer_with_country_restrict_and_max_balance__bounded(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract]
) -> None:
    restrict, max_balance = modules["CountryRestrictModule"], modules["MaxBalanceModule"]
    suite.add(restrict, max_balance)
    suite.configure(restrict, "batchRestrictCountries", [US])
    suite.configure(max_balance, "setMaxBalance", 10**24)
    suite.mint(A1, 10**21)
    suite.mint(B1, 10**21)
    receipt = evm.send(suite.token.functions.movedMetered(movement(Kind.TRANSFER, A1, B1, 10**18)), issuer)
    inner = suite.token.functions.lastComplianceGas().call()
    print(f"\ncompliance.moved Transfer (restrict + max balance): {inner} gas; receipt {receipt['gasUsed']}")
    assert inner < 45_000
    assert max_balance.functions.identityBalance(suite.compliance.address, ID_B).call() == 10**21 + 10**18


# ---- ERC-3643 compatibility hooks ----


def test_compat_hooks__resolve_parties_through_registry__recorded_like_moved(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract]
) -> None:
    restrict, max_balance, supply = (
        modules["CountryRestrictModule"],
        modules["MaxBalanceModule"],
        modules["SupplyLimitModule"],
    )
    suite.add(restrict, max_balance, supply)
    suite.configure(restrict, "batchRestrictCountries", [US])
    suite.configure(max_balance, "setMaxBalance", 100)
    suite.configure(supply, "setSupplyLimit", 120)
    suite.register(A1, A2, B1, C1)
    c = suite.compliance.address
    t = suite.token.functions

    evm.send(t.created(A1.wallet, 70), issuer)
    evm.send(t.transferred(A1.wallet, B1.wallet, 30), issuer)
    evm.send(t.transferred(A1.wallet, A2.wallet, 40), issuer)  # same identity: unchanged
    evm.send(t.destroyed(B1.wallet, 10), issuer)
    assert max_balance.functions.identityBalance(c, ID_A).call() == 40
    assert max_balance.functions.identityBalance(c, ID_B).call() == 20
    assert supply.functions.trackedSupply(c).call() == 60

    with evm.reverts("CountryRestrictModuleCountryBlocked", US):
        evm.send(t.transferred(A2.wallet, C1.wallet, 1), issuer)
    with evm.reverts("MaxBalanceModuleExceeded", ID_B, 101, 100):
        evm.send(t.created(B1.wallet, 81), issuer)
    with evm.reverts("SupplyLimitModuleExceeded", 121, 120):
        evm.send(t.created(B1.wallet, 61), issuer)


def test_can_transfer__resolves_parties__matches_modules(suite: Suite, modules: dict[str, Contract]) -> None:
    restrict, max_balance, supply = (
        modules["CountryRestrictModule"],
        modules["MaxBalanceModule"],
        modules["SupplyLimitModule"],
    )
    suite.add(restrict, max_balance, supply)
    suite.configure(restrict, "batchRestrictCountries", [US])
    suite.configure(max_balance, "setMaxBalance", 100)
    suite.configure(supply, "setSupplyLimit", 50)
    suite.register(A1, B1, C1)
    suite.mint(A1, 40)
    can = suite.compliance.functions.canTransfer
    assert can(A1.wallet, B1.wallet, 40).call()
    assert not can(A1.wallet, C1.wallet, 1).call()  # blocked country
    assert can(ZERO, B1.wallet, 10).call()  # a mint within the supply limit
    assert not can(ZERO, B1.wallet, 11).call()  # a mint above it
    unregistered = addr(0x5E)
    assert can(A1.wallet, unregistered, 1).call()  # country 0 is not blocked here


def test_can_transfer__no_token_bound__false(evm: Chain, authority: Contract, issuer: str) -> None:
    fresh = new_suite(evm, authority, issuer, bind=False)
    assert not fresh.compliance.functions.canTransfer(A1.wallet, B1.wallet, 1).call()


def test_compat_hooks__caller_not_token__revert_not_token(evm: Chain, suite: Suite, alice: str) -> None:
    f = suite.compliance.functions
    for call in (f.transferred(A1.wallet, B1.wallet, 1), f.created(A1.wallet, 1), f.destroyed(A1.wallet, 1)):
        with evm.reverts("ModularComplianceNotToken", alice):
            evm.send(call, alice)


def test_compat_hooks__country_resolved_from_registry(evm: Chain, suite: Suite, issuer: str) -> None:
    allow = evm.deploy("CountryAllowModule", sender=issuer)
    suite.add(allow)
    suite.configure(allow, "batchAllowCountries", [DE])
    suite.register(A1, B1)
    evm.send(suite.token.functions.created(B1.wallet, 1), issuer)
    with evm.reverts("CountryAllowModuleCountryNotAllowed", A1.country):
        evm.send(suite.token.functions.created(A1.wallet, 1), issuer)
