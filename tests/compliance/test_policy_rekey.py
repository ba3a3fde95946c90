"""Re-keying: an agent changes the registry record of a wallet that holds tokens.

The compliance runs its modules with a ``MovementKind.Rekey`` movement of the wallet's whole balance
from the old identity to the new one (zero when not registered) and emits ``HoldingReattributed``, so
the identity-keyed modules (MaxBalance, MaxHolders) keep equalling a recomputation from wallet
balances. A TransferPolicy does it in its own modules; a stand-alone IdentityRegistry whose token is
bound (the factory's separate layout) hands the movement to the token's ModularCompliance
(``reattributeHolding``). Covered for update, delete, (batch) register after delete, in three setups
(policy layout with local records, policy layout with a shared IdentityRegistryStorage, separate
layout): the recomputation, the event, no double count with the token's own recovery, nothing for a
wallet without tokens or a country change, unchanged Lockup lots, supply and time-window counters,
and caps not enforced.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.claims import ClaimTopic, KeyPurpose, key_hash
from dualtrack.identity import add_claim, deploy_identity
from dualtrack.proxy import deploy_proxied
from dualtrack.suite import (
    BLOCKED_COUNTRY,
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
from tests.suite_fixtures import KycIssuer
from tests.support import ZERO

CAP = 150 * UNIT  # MaxBalance
MAX_HOLDERS = 2
LOCKUP = 30 * 86_400
WINDOW = 86_400
SUPPLY_LIMIT = 10_000 * UNIT


@dataclass
class Env:
    """A suite with every module; alice (US) 110 (10 still locked), bob (DE) 45 + 20 in a second
    wallet of the same identity, carol (US) 0. Bob sent alice 5 inside the time window."""

    evm: Chain
    suite: Suite
    modules: dict[str, Contract]
    kyc: KycIssuer
    agent: str
    alice: Holder
    bob: Holder
    bob_second: Holder
    carol: Holder
    wallets: list[str] = field(default_factory=list)  # every wallet that may hold tokens
    identities: set[str] = field(default_factory=set)  # every identity ever registered, and zero

    @property
    def registry(self) -> Contract:
        """The token's identity registry (the TransferPolicy in the policy layout)."""
        return self.suite.identity_registry

    @property
    def compliance(self) -> Contract:
        """The token's compliance, which keys module state and emits HoldingReattributed."""
        return self.suite.compliance

    def holder(self, wallet: str | None = None, country: int = US) -> Holder:
        """A fresh identity with a KYC claim (managed by ``wallet``, or a new account), not registered."""
        owner = wallet or self.evm.new_account()
        identity = deploy_identity(self.evm, owner)
        add_claim(self.evm, identity, self.kyc.contract, self.kyc.signer_key, int(ClaimTopic.KYC), owner)
        self.identities.add(identity.address)
        return Holder(wallet=owner, identity=identity, country=country)

    def send_agent(self, function: str, *args: object) -> TxReceipt:
        return self.evm.send(getattr(self.registry.functions, function)(*args), self.agent)

    def reattributed(self, receipt: TxReceipt) -> list[tuple[str, str, str, int]]:
        events = self.evm.events(receipt, self.compliance, "HoldingReattributed")
        return [(e["wallet"], e["oldIdentity"], e["newIdentity"], e["amount"]) for e in events]

    def identity_balance(self, module: str, identity: str) -> int:
        return int(self.modules[module].functions.identityBalance(self.compliance.address, identity).call())

    def holder_count(self) -> int:
        return int(self.modules["MaxHoldersModule"].functions.holderCount(self.compliance.address).call())

    def assert_modules_match_balances(self) -> None:
        """MaxBalance and MaxHolders state equals a recomputation from balances and the registry."""
        sums: dict[str, int] = defaultdict(int)
        for wallet in self.wallets:
            identity = self.registry.functions.identity(wallet).call()
            sums[identity] += self.suite.token.functions.balanceOf(wallet).call()
        for identity in self.identities | set(sums):
            assert self.identity_balance("MaxBalanceModule", identity) == sums[identity], identity
            assert self.identity_balance("MaxHoldersModule", identity) == sums[identity], identity
        holders = sum(1 for amount in sums.values() if amount)
        assert self.holder_count() == holders


def _suite_params(protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, symbol: str) -> SuiteParams:
    m = protocol.modules
    calls = [
        module_call(m["CountryRestrictModule"], "batchRestrictCountries", [BLOCKED_COUNTRY]),
        module_call(m["MaxBalanceModule"], "setMaxBalance", CAP),
        module_call(m["MaxHoldersModule"], "setMaxHolders", MAX_HOLDERS),
        module_call(m["LockupModule"], "setLockupPeriod", LOCKUP),
        module_call(m["SupplyLimitModule"], "setSupplyLimit", SUPPLY_LIMIT),
        module_call(m["TimeWindowLimitsModule"], "setTimeWindowLimit", WINDOW, 1_000 * UNIT),
    ]
    return SuiteParams(
        name="Rekey",
        symbol=symbol,
        owner=issuer,
        trusted_issuers=[kyc.contract.address],
        issuer_claim_topics=[[int(ClaimTopic.KYC)]],
        token_agents=[agent],
        registry_agents=[agent],
        modules=[target for target, _ in calls],
        module_calls=calls,
    )


def _build_env(evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, setup: str, symbol: str) -> Env:
    """The Env suite in `setup`: "local" and "storage" (policy layout, local records or a shared
    IdentityRegistryStorage) or "separate" (stand-alone IdentityRegistry and ModularCompliance)."""
    params = _suite_params(protocol, kyc, issuer, agent, symbol)
    params.separate = setup == "separate"
    if setup == "storage":
        receipt = evm.send(protocol.factory.functions.deployIdentityStorage(salt_of(f"{symbol}-ids"), issuer), issuer)
        (deployed,) = evm.events(receipt, protocol.factory, "IdentityStorageDeployed")
        storage = evm.at("IdentityRegistryStorage", deployed["identityStorage"])
        predicted = protocol.factory.functions.predictSuite(issuer, salt_of(symbol), False).call()
        evm.send(storage.functions.bindIdentityRegistry(predicted[1]), issuer)
        params.identity_storage = storage.address
    suite = deploy_suite(evm, protocol, params, salt=salt_of(symbol), sender=issuer)
    assert (suite.policy is None) is (setup == "separate") and suite.local_records is (setup != "storage")

    def onboard(country: int, wallet: str | None = None, identity: Contract | None = None) -> Holder:
        return onboard_holder(
            evm,
            suite,
            wallet or evm.new_account(),
            country,
            claim_issuer=kyc.contract,
            signer_key=kyc.signer_key,
            registrar=agent,
            identity=identity,
        )

    alice, bob, carol = onboard(US), onboard(DE), onboard(US)
    second_wallet = evm.new_account()
    evm.send(bob.identity.functions.addKey(key_hash(second_wallet), int(KeyPurpose.MANAGEMENT), 1), bob.wallet)
    bob_second = onboard(DE, second_wallet, bob.identity)
    token = suite.token
    evm.send(
        token.functions.batchMint([alice.wallet, bob.wallet, second_wallet], [100 * UNIT, 50 * UNIT, 20 * UNIT]), agent
    )
    evm.mine(evm.timestamp() + LOCKUP + 1)  # the first lots unlock
    evm.send(token.functions.transfer(alice.wallet, 5 * UNIT), bob.wallet)  # counted in bob's window
    evm.send(token.functions.mint(alice.wallet, 10 * UNIT), agent)  # a lot still locked
    holders = (alice, bob, bob_second, carol)
    return Env(
        evm,
        suite,
        protocol.modules,
        kyc,
        agent,
        *holders,
        wallets=[h.wallet for h in holders],
        identities={ZERO, *(h.identity.address for h in holders)},
    )


@pytest.fixture(scope="module", params=["local", "storage", "separate"])
def env(request: pytest.FixtureRequest, evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str) -> Env:
    setup = str(request.param)
    return _build_env(evm, protocol, kyc, issuer, agent, setup, f"RK{setup.upper()}")


@pytest.fixture(scope="module")
def separate_env(evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str) -> Env:
    """The Env suite in the separate layout only (stand-alone IdentityRegistry + ModularCompliance)."""
    return _build_env(evm, protocol, kyc, issuer, agent, "separate", "RKSOLO")


# ---------------------------------------------------------------------------- update / delete / register


def test_update_identity__holding_wallet__balance_moves_to_new_identity(env: Env) -> None:
    env.assert_modules_match_balances()
    fresh = env.holder()
    receipt = env.send_agent("updateIdentity", env.alice.wallet, fresh.identity.address)
    assert env.reattributed(receipt) == [
        (env.alice.wallet, env.alice.identity.address, fresh.identity.address, 115 * UNIT)
    ]
    assert env.identity_balance("MaxBalanceModule", fresh.identity.address) == 115 * UNIT
    assert env.identity_balance("MaxBalanceModule", env.alice.identity.address) == 0
    env.assert_modules_match_balances()
    # the wallet keeps trading under its new identity
    env.evm.send(env.suite.token.functions.transfer(env.bob.wallet, 50 * UNIT), env.alice.wallet)
    env.assert_modules_match_balances()


def test_update_identity__one_of_two_wallets__only_that_wallets_balance_moves(env: Env) -> None:
    fresh = env.holder(country=DE)
    receipt = env.send_agent("updateIdentity", env.bob_second.wallet, fresh.identity.address)
    assert env.reattributed(receipt) == [
        (env.bob_second.wallet, env.bob.identity.address, fresh.identity.address, 20 * UNIT)
    ]
    assert env.identity_balance("MaxBalanceModule", env.bob.identity.address) == 45 * UNIT
    env.assert_modules_match_balances()


def test_delete_identity__holding_wallet__balance_moves_to_zero_identity(env: Env) -> None:
    receipt = env.send_agent("deleteIdentity", env.alice.wallet)
    assert env.reattributed(receipt) == [(env.alice.wallet, env.alice.identity.address, ZERO, 115 * UNIT)]
    assert env.identity_balance("MaxHoldersModule", ZERO) == 115 * UNIT
    env.assert_modules_match_balances()
    # a burn from the unregistered wallet debits the zero identity
    env.evm.send(env.suite.token.functions.burn(env.alice.wallet, 15 * UNIT), env.agent)
    assert env.identity_balance("MaxBalanceModule", ZERO) == 100 * UNIT
    env.assert_modules_match_balances()


def test_register_identity__after_delete__balance_moves_to_new_identity(env: Env) -> None:
    env.send_agent("deleteIdentity", env.alice.wallet)
    fresh = env.holder()
    receipt = env.send_agent("registerIdentity", env.alice.wallet, fresh.identity.address, US)
    assert env.reattributed(receipt) == [(env.alice.wallet, ZERO, fresh.identity.address, 115 * UNIT)]
    assert env.identity_balance("MaxBalanceModule", ZERO) == 0
    env.assert_modules_match_balances()


def test_batch_register_identity__after_delete__each_holding_wallet_reattributed(env: Env) -> None:
    env.send_agent("deleteIdentity", env.alice.wallet)
    env.send_agent("deleteIdentity", env.bob.wallet)
    newcomer = env.evm.new_account()
    env.wallets.append(newcomer)
    wallets = [env.alice.wallet, newcomer, env.bob.wallet]
    identities = [env.alice.identity.address, env.carol.identity.address, env.bob.identity.address]
    receipt = env.send_agent("batchRegisterIdentity", wallets, identities, [US, US, DE])
    assert env.reattributed(receipt) == [
        (env.alice.wallet, ZERO, env.alice.identity.address, 115 * UNIT),
        (env.bob.wallet, ZERO, env.bob.identity.address, 45 * UNIT),
    ]
    env.assert_modules_match_balances()


# ---------------------------------------------------------------------------- what moves nothing


def test_rekey__wallet_without_tokens__no_event_no_change(env: Env) -> None:
    fresh = env.holder()
    before = env.identity_balance("MaxBalanceModule", env.carol.identity.address)
    for function, args in (
        ("updateIdentity", (env.carol.wallet, fresh.identity.address)),
        ("deleteIdentity", (env.carol.wallet,)),
        ("registerIdentity", (env.carol.wallet, env.carol.identity.address, US)),
    ):
        assert env.reattributed(env.send_agent(function, *args)) == []
    assert env.identity_balance("MaxBalanceModule", env.carol.identity.address) == before == 0
    env.assert_modules_match_balances()


def test_update_identity__same_identity__no_event(env: Env) -> None:
    receipt = env.send_agent("updateIdentity", env.alice.wallet, env.alice.identity.address)
    assert env.reattributed(receipt) == []
    env.assert_modules_match_balances()


def test_update_country__holding_wallet__no_movement_sums_unchanged(env: Env) -> None:
    receipt = env.send_agent("updateCountry", env.alice.wallet, DE)
    assert env.reattributed(receipt) == []
    assert env.registry.functions.investorCountry(env.alice.wallet).call() == DE
    env.assert_modules_match_balances()


def test_rekey__token_uses_another_registry__modules_not_touched(
    evm: Chain, env: Env, protocol: Protocol, issuer: str
) -> None:
    """The modules key balances by the token's registry: a registry that is not it moves nothing.

    The token only changes registry at zero supply while its compliance has modules, so every
    holding is burnt first, then minted again through the second registry.
    """
    suite = env.suite
    second = deploy_proxied(
        evm,
        protocol.authority,
        "IdentityRegistry",
        (issuer, suite.trusted_issuers_registry.address, suite.claim_topics_registry.address, ZERO),
        sender=issuer,
    )
    evm.send(second.functions.addAgent(issuer), issuer)
    evm.send(second.functions.registerIdentity(env.alice.wallet, env.alice.identity.address, US), issuer)
    for wallet in env.wallets:
        balance = suite.token.functions.balanceOf(wallet).call()
        if balance:
            evm.send(suite.token.functions.burn(wallet, balance), env.agent)
    assert suite.token.functions.totalSupply().call() == 0
    evm.send(suite.token.functions.setIdentityRegistry(second.address), issuer)
    evm.send(suite.token.functions.mint(env.alice.wallet, 15 * UNIT), env.agent)
    receipt = env.send_agent("deleteIdentity", env.alice.wallet)
    assert env.reattributed(receipt) == []
    assert env.identity_balance("MaxBalanceModule", env.alice.identity.address) == 15 * UNIT


# ---------------------------------------------------------------------------- the token's recovery


def _recover(env: Env, lost: Holder, new_wallet: str) -> TxReceipt:
    env.evm.send(lost.identity.functions.addKey(key_hash(new_wallet), int(KeyPurpose.MANAGEMENT), 1), lost.wallet)
    call = env.suite.token.functions.recoveryAddress(lost.wallet, new_wallet, lost.identity.address)
    return env.evm.send(call, env.agent)


def test_recovery__through_token__not_double_counted(env: Env) -> None:
    new_wallet = env.evm.new_account()
    env.wallets.append(new_wallet)
    receipt = _recover(env, env.alice, new_wallet)
    assert env.reattributed(receipt) == []
    assert env.suite.token.functions.balanceOf(new_wallet).call() == 115 * UNIT
    assert env.identity_balance("MaxBalanceModule", env.alice.identity.address) == 115 * UNIT
    assert env.identity_balance("MaxBalanceModule", ZERO) == 0
    env.assert_modules_match_balances()


def test_recovery__new_wallet_already_holding__its_own_balance_reattributed(env: Env) -> None:
    """A new wallet that holds tokens without an identity: the token's registration of it moves that
    balance (not part of the Recovery movement) from the zero identity to the recovered identity."""
    spare = env.evm.new_account()
    env.wallets.append(spare)
    env.send_agent("registerIdentity", spare, env.alice.identity.address, US)
    env.evm.send(env.suite.token.functions.mint(spare, 10 * UNIT), env.agent)
    env.send_agent("deleteIdentity", spare)
    assert env.identity_balance("MaxBalanceModule", ZERO) == 10 * UNIT
    receipt = _recover(env, env.alice, spare)
    assert env.reattributed(receipt) == [(spare, ZERO, env.alice.identity.address, 10 * UNIT)]
    assert env.identity_balance("MaxBalanceModule", env.alice.identity.address) == 125 * UNIT
    assert env.identity_balance("MaxBalanceModule", ZERO) == 0
    env.assert_modules_match_balances()


# ---------------------------------------------------------------------------- every module's treatment


def test_rekey__lockup_supply_and_window_state__unchanged(env: Env) -> None:
    lockup, supply, window = (
        env.modules[name] for name in ("LockupModule", "SupplyLimitModule", "TimeWindowLimitsModule")
    )
    compliance = env.compliance.address

    def snapshot() -> tuple[object, ...]:
        return (
            lockup.functions.lots(compliance, env.alice.wallet).call(),
            lockup.functions.walletBalance(compliance, env.alice.wallet).call(),
            lockup.functions.lockedBalance(compliance, env.alice.wallet).call(),
            supply.functions.trackedSupply(compliance).call(),
            window.functions.windowCounter(compliance, env.bob.identity.address, WINDOW).call(),
        )

    before = snapshot()
    assert before[0][1] == [10 * UNIT] and before[2] == 10 * UNIT  # one locked lot
    assert before[4][0] == 5 * UNIT  # bob spent 5 in the window
    fresh = env.holder()
    env.send_agent("updateIdentity", env.alice.wallet, fresh.identity.address)
    env.send_agent("deleteIdentity", env.alice.wallet)
    env.send_agent("registerIdentity", env.alice.wallet, env.alice.identity.address, BLOCKED_COUNTRY)
    bob_fresh = env.holder(country=DE)
    env.send_agent("updateIdentity", env.bob.wallet, bob_fresh.identity.address)
    assert snapshot() == before
    env.assert_modules_match_balances()


def test_rekey__caps_exceeded__not_enforced(env: Env) -> None:
    """An agent's re-keying is never rejected; the caps still apply to the next mint or transfer."""
    token = env.suite.token
    env.send_agent("updateIdentity", env.alice.wallet, env.bob.identity.address)  # 115 + 65 = 180 > 150
    assert env.identity_balance("MaxBalanceModule", env.bob.identity.address) == 180 * UNIT
    with env.evm.reverts("MaxBalanceModuleExceeded", env.bob.identity.address, 181 * UNIT, CAP):
        env.evm.send(token.functions.mint(env.bob.wallet, UNIT), env.agent)
    env.send_agent("updateIdentity", env.bob_second.wallet, env.carol.identity.address)
    env.send_agent("updateIdentity", env.alice.wallet, env.holder().identity.address)
    assert env.holder_count() == 3  # max 2
    env.assert_modules_match_balances()
    newcomer = env.holder()
    env.send_agent("registerIdentity", newcomer.wallet, newcomer.identity.address, US)
    with env.evm.reverts("MaxHoldersModuleExceeded", newcomer.identity.address, 4, MAX_HOLDERS):
        env.evm.send(token.functions.mint(newcomer.wallet, UNIT), env.agent)


# ---------------------------------------------------------------------------- the separate layout


def test_update_identity__separate_layout_holding_wallet__new_identity_capped_and_old_identity_emptied(
    separate_env: Env,
) -> None:
    """Review finding 4: in the separate layout, re-keying a holding wallet used to leave its balance on
    the old identity (a phantom balance) and let the new identity exceed MaxBalance."""
    env = separate_env
    # alice's wallet (115) joins bob's identity (65): 180 counted, above the cap of 150
    receipt = env.send_agent("updateIdentity", env.alice.wallet, env.bob.identity.address)
    assert env.identity_balance("MaxBalanceModule", env.alice.identity.address) == 0
    assert env.identity_balance("MaxBalanceModule", env.bob.identity.address) == 180 * UNIT
    assert env.reattributed(receipt) == [
        (env.alice.wallet, env.alice.identity.address, env.bob.identity.address, 115 * UNIT)
    ]
    with env.evm.reverts("MaxBalanceModuleExceeded", env.bob.identity.address, 181 * UNIT, CAP):
        env.evm.send(env.suite.token.functions.mint(env.bob.wallet, UNIT), env.agent)
    env.assert_modules_match_balances()


def test_delete_identity__separate_layout_then_sell_off__max_holders_frees_the_slot(separate_env: Env) -> None:
    """Review finding 4: in the separate layout, deleting a holding wallet and selling its tokens off
    used to leave MaxHolders counting the deleted identity, which blocked new investors for good."""
    env = separate_env
    token = env.suite.token
    assert env.holder_count() == MAX_HOLDERS  # alice and bob
    env.send_agent("deleteIdentity", env.alice.wallet)
    env.evm.send(token.functions.forcedTransfer(env.alice.wallet, env.bob.wallet, 115 * UNIT), env.agent)
    assert env.holder_count() == 1
    assert env.identity_balance("MaxHoldersModule", env.alice.identity.address) == 0
    env.assert_modules_match_balances()
    env.evm.send(token.functions.mint(env.carol.wallet, UNIT), env.agent)  # a new investor gets in
    env.assert_modules_match_balances()


def test_deploy_suite__separate_layout__registry_bound_to_its_token(separate_env: Env, evm: Chain, issuer: str) -> None:
    registry, token = separate_env.registry, separate_env.suite.token
    assert registry.functions.getTokenBound().call() == token.address
    with evm.reverts("IdentityRegistryTokenBinding", token.address):
        evm.send(registry.functions.bindToken(token.address), issuer)


def test_bind_token__by_non_owner__reverts_unauthorized(separate_env: Env, evm: Chain, agent: str) -> None:
    registry, token = separate_env.registry, separate_env.suite.token
    for call in (registry.functions.bindToken(token.address), registry.functions.unbindToken(token.address)):
        with evm.reverts("OwnableUnauthorizedAccount", agent):
            evm.send(call, agent)


def test_unbind_token__separate_layout__re_keys_no_longer_reattributed(
    separate_env: Env, evm: Chain, issuer: str
) -> None:
    env = separate_env
    registry, token = env.registry, env.suite.token
    with evm.reverts("IdentityRegistryTokenBinding", env.alice.wallet):
        evm.send(registry.functions.unbindToken(env.alice.wallet), issuer)
    receipt = evm.send(registry.functions.unbindToken(token.address), issuer)
    assert evm.events(receipt, registry, "IdentityRegistryTokenUnbound") == [{"token": token.address}]
    assert registry.functions.getTokenBound().call() == ZERO
    assert env.reattributed(env.send_agent("deleteIdentity", env.alice.wallet)) == []
    assert env.identity_balance("MaxBalanceModule", env.alice.identity.address) == 115 * UNIT
    receipt = evm.send(registry.functions.bindToken(token.address), issuer)
    assert evm.events(receipt, registry, "IdentityRegistryTokenBound") == [{"token": token.address}]


def test_reattribute_holding__not_the_tokens_registry__reverts(separate_env: Env, evm: Chain, agent: str) -> None:
    env = separate_env
    call = env.compliance.functions.reattributeHolding(
        env.alice.wallet, env.alice.identity.address, US, ZERO, 0, 115 * UNIT
    )
    with evm.reverts("ModularComplianceNotIdentityRegistry", agent):
        evm.send(call, agent)
    assert env.identity_balance("MaxBalanceModule", env.alice.identity.address) == 115 * UNIT
