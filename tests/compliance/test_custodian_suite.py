"""`register_custodian` on real suites (both layouts): a contract that cannot sign becomes a verified holder
with an issuer-managed identity, and the suite's MaxBalance, MaxHolders and TimeWindowLimits modules look
through it. The custodian is MockDividendCustodian (deposit / withdraw for its depositors)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.claims import ClaimTopic, KeyPurpose, key_hash
from dualtrack.identity import deploy_claim_issuer
from dualtrack.suite import (
    BLOCKED_COUNTRY,
    CUSTODIAN_MODULES,
    DE,
    UNIT,
    US,
    Custodian,
    Holder,
    Protocol,
    Suite,
    SuiteParams,
    deploy_suite,
    module_call,
    onboard_holder,
    register_custodian,
    salt_of,
)
from tests.suite_fixtures import KycIssuer
from tests.support import DAY, ZERO

CAP = 150 * UNIT  # MaxBalance per identity
MAX_HOLDERS = 3
DAILY_LIMIT = 200 * UNIT  # TimeWindowLimits per identity and day


@dataclass(frozen=True)
class CustodianEnv:
    suite: Suite
    protocol: Protocol
    alice: Holder  # US, 150 (the cap)
    bob: Holder  # DE, 100
    carol: Holder  # US, 0
    vault: Contract  # a MockDividendCustodian of the token
    custodian: Custodian


@pytest.fixture(scope="module", params=["policy", "separate"])
def env(
    request: pytest.FixtureRequest, evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str
) -> CustodianEnv:
    separate = request.param == "separate"
    m = protocol.modules
    params = SuiteParams(
        name="Custody",
        symbol="CSTD",
        owner=issuer,
        claim_topics=[int(ClaimTopic.KYC)],
        trusted_issuers=[kyc.contract.address],
        issuer_claim_topics=[[int(ClaimTopic.KYC)]],
        token_agents=[agent],
        registry_agents=[agent],
        modules=[m[name].address for name in ("CountryRestrictModule", *CUSTODIAN_MODULES)],
        module_calls=[
            module_call(m["CountryRestrictModule"], "batchRestrictCountries", [BLOCKED_COUNTRY]),
            module_call(m["MaxBalanceModule"], "setMaxBalance", CAP),
            module_call(m["MaxHoldersModule"], "setMaxHolders", MAX_HOLDERS),
            module_call(m["TimeWindowLimitsModule"], "setTimeWindowLimit", DAY, DAILY_LIMIT),
        ],
        separate=separate,
    )
    suite = deploy_suite(evm, protocol, params, salt=salt_of(f"CSTD-{request.param}"), sender=issuer)

    def onboard(country: int) -> Holder:
        return onboard_holder(
            evm,
            suite,
            evm.new_account(),
            country,
            claim_issuer=kyc.contract,
            signer_key=kyc.signer_key,
            registrar=agent,
        )

    alice, bob, carol = onboard(US), onboard(DE), onboard(US)
    evm.send(suite.token.functions.batchMint([alice.wallet, bob.wallet], [CAP, 100 * UNIT]), agent)
    vault = evm.deploy("MockDividendCustodian", suite.token.address, ZERO, sender=issuer)
    custodian = register_custodian(
        evm,
        suite,
        vault.address,
        country=US,
        claim_issuer=kyc.contract,
        signer_key=kyc.signer_key,
        registrar=agent,
        issuer=issuer,
    )
    return CustodianEnv(suite, protocol, alice, bob, carol, vault, custodian)


def _deposit(evm: Chain, env: CustodianEnv, holder: Holder, amount: int) -> None:
    evm.send(env.suite.token.functions.approve(env.vault.address, amount), holder.wallet)
    evm.send(env.vault.functions.deposit(amount), holder.wallet)


def _module(env: CustodianEnv, name: str) -> Contract:
    return env.protocol.modules[name]


def test_register_custodian__contract_wallet__verified_with_issuer_managed_identity(
    evm: Chain, env: CustodianEnv, issuer: str
) -> None:
    registry = env.suite.identity_registry.functions
    vault = env.vault.address
    assert registry.isVerified(vault).call()
    assert registry.identity(vault).call() == env.custodian.identity.address
    assert registry.investorCountry(vault).call() == US
    identity = env.custodian.identity.functions
    assert identity.keyHasPurpose(key_hash(issuer), int(KeyPurpose.MANAGEMENT)).call()
    assert not identity.keyHasPurpose(key_hash(vault), int(KeyPurpose.MANAGEMENT)).call()
    assert env.custodian.wallet == vault


def test_register_custodian__bound_custodian_modules__marked_in_each(env: CustodianEnv) -> None:
    assert env.custodian.exempt_in == CUSTODIAN_MODULES
    compliance, identity = env.suite.compliance.address, env.custodian.identity.address
    for name in CUSTODIAN_MODULES:
        assert _module(env, name).functions.isCustodian(compliance, identity).call()
    # The investors are not custodians.
    assert not _module(env, "MaxBalanceModule").functions.isCustodian(compliance, env.alice.identity.address).call()


def test_register_custodian__deposits_above_max_balance__accepted_and_depositors_keep_theirs(
    evm: Chain, env: CustodianEnv
) -> None:
    _deposit(evm, env, env.alice, CAP)
    _deposit(evm, env, env.bob, 90 * UNIT)
    assert env.suite.token.functions.balanceOf(env.vault.address).call() == CAP + 90 * UNIT  # above the cap
    cap = _module(env, "MaxBalanceModule").functions
    compliance = env.suite.compliance.address
    assert cap.identityBalance(compliance, env.alice.identity.address).call() == CAP
    assert cap.heldInCustody(compliance, env.alice.identity.address).call() == CAP
    # alice's wallet is empty but the vault holds her cap: she still cannot receive more.
    with evm.reverts("MaxBalanceModuleExceeded"):
        evm.send(env.suite.token.functions.transfer(env.alice.wallet, UNIT), env.bob.wallet)
    # Withdrawals out of the vault: never capped, and not limited per day (240 > the 200 limit).
    evm.send(env.vault.functions.withdraw(CAP), env.alice.wallet)
    evm.send(env.vault.functions.withdraw(90 * UNIT), env.bob.wallet)
    assert env.suite.token.functions.balanceOf(env.alice.wallet).call() == CAP
    assert cap.heldInCustody(compliance, env.alice.identity.address).call() == 0


def test_register_custodian__deposit_whole_balance__frees_no_holder_slot(
    evm: Chain, env: CustodianEnv, kyc: KycIssuer, agent: str
) -> None:
    holders = _module(env, "MaxHoldersModule").functions
    compliance = env.suite.compliance.address
    assert holders.holderCount(compliance).call() == 2
    _deposit(evm, env, env.alice, CAP)  # alice's wallet is empty now
    assert holders.holderCount(compliance).call() == 2  # alice still counts, the vault does not
    evm.send(env.suite.token.functions.mint(env.carol.wallet, UNIT), agent)
    dave = onboard_holder(
        evm, env.suite, evm.new_account(), DE, claim_issuer=kyc.contract, signer_key=kyc.signer_key, registrar=agent
    )
    with evm.reverts("MaxHoldersModuleExceeded"):
        evm.send(env.suite.token.functions.mint(dave.wallet, UNIT), agent)
    evm.send(env.vault.functions.withdraw(CAP), env.alice.wallet)  # needs no new slot
    assert holders.holderCount(compliance).call() == 3


def test_register_custodian__exempt_modules_false__capped_like_one_investor(
    evm: Chain, env: CustodianEnv, kyc: KycIssuer, issuer: str, agent: str
) -> None:
    plain = evm.deploy("MockDividendCustodian", env.suite.token.address, ZERO, sender=issuer)
    registered = register_custodian(
        evm,
        env.suite,
        plain.address,
        country=DE,
        claim_issuer=kyc.contract,
        signer_key=kyc.signer_key,
        registrar=agent,
        issuer=issuer,
        exempt_modules=False,
    )
    assert registered.exempt_in == ()
    assert env.suite.identity_registry.functions.isVerified(plain.address).call()
    evm.send(env.suite.token.functions.approve(plain.address, CAP), env.alice.wallet)
    evm.send(plain.functions.deposit(CAP), env.alice.wallet)
    evm.send(env.suite.token.functions.approve(plain.address, UNIT), env.bob.wallet)
    with evm.reverts("MaxBalanceModuleExceeded"):
        evm.send(plain.functions.deposit(UNIT), env.bob.wallet)


def test_register_custodian__claim_issuer_not_trusted__raises_before_sending(
    evm: Chain, env: CustodianEnv, issuer: str, agent: str, keeper: str
) -> None:
    stranger_issuer = deploy_claim_issuer(evm, issuer, keeper)
    block = evm.w3.eth.block_number
    with pytest.raises(ValueError, match="not trusted"):
        register_custodian(
            evm,
            env.suite,
            evm.new_account(),
            country=US,
            claim_issuer=stranger_issuer,
            signer_key="0x" + "11" * 32,
            registrar=agent,
            issuer=issuer,
        )
    assert evm.w3.eth.block_number == block
