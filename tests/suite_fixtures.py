"""Session fixtures: a TSLA suite with verified holders, deployed once through the SuiteFactory.

``tsla`` is the factory's default layout (one TransferPolicy is the identity registry and the
compliance); ``tsla_separate`` (with ``holders_separate``, ``lost_and_found_separate``) is the same
suite with a stand-alone IdentityRegistry and ModularCompliance, for tests run over both layouts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ClaimTopic, KeyPurpose, SignedClaim, claim_id, key_hash, make_claim
from dualtrack.deployment import deploy_protocol
from dualtrack.identity import deploy_claim_issuer
from dualtrack.suite import (
    BLOCKED_COUNTRY,
    DE,
    UNIT,
    US,
    Holder,
    Protocol,
    Suite,
    deploy_suite,
    onboard_holder,
    salt_of,
    standard_suite_params,
)


@dataclass(frozen=True)
class KycIssuer:
    """dualtrack's ClaimIssuer trusted for the KYC topic, and the key that signs its claims."""

    contract: Contract
    signer_key: str
    owner: str

    def revoke(self, evm: Chain, holder: Holder) -> None:
        claim = claim_id(self.contract.address, int(ClaimTopic.KYC))
        evm.send(self.contract.functions.revokeClaim(claim, holder.identity.address), self.owner)

    def lift(self, evm: Chain, identity: str) -> None:
        """Lift the revocation of ``identity``'s KYC claims (before re-issuing one)."""
        evm.send(self.contract.functions.liftClaimPairRevocation(identity, int(ClaimTopic.KYC)), self.owner)

    def hostile_identity(self, evm: Chain, deployer: str, decoy_of: Holder) -> tuple[Contract, SignedClaim]:
        """An identity (MockClaimHolder) holding its own valid KYC claim of this issuer, which it shows
        to everyone but the issuer: the issuer (e.g. asked to revoke it) gets ``decoy_of``'s claim
        signature and data instead. Returns the identity and its real claim."""
        identity = evm.deploy("MockClaimHolder", sender=deployer)
        claim = make_claim(self.contract.address, self.signer_key, identity.address, int(ClaimTopic.KYC), b"hostile")
        evm.send(identity.functions.setClaim(*claim.as_args()), deployer)
        decoy = decoy_of.identity.functions.getClaim(claim_id(self.contract.address, int(ClaimTopic.KYC))).call()
        evm.send(identity.functions.setDecoy(self.contract.address, decoy[3], decoy[4]), deployer)
        return identity, claim


@dataclass(frozen=True)
class Actors:
    """Verified holders of the TSLA suite."""

    alice: Holder  # US, 100 TSLA
    bob: Holder  # DE, 100 TSLA
    bob_second: Holder  # bob's second wallet (same identity), 0 TSLA
    carol: Holder  # US, 0 TSLA
    north: Holder  # blocked country, 0 TSLA
    alice_key: str


@pytest.fixture(scope="session")
def protocol(evm: Chain, issuer: str) -> Protocol:
    return deploy_protocol(evm, issuer)


@pytest.fixture(scope="session")
def kyc(evm: Chain, issuer: str, keeper: str) -> KycIssuer:
    # The keeper's key signs claims; the issuer manages the claim issuer identity.
    signer_key = dev_private_keys(5)[4]
    contract = deploy_claim_issuer(evm, issuer, keeper)
    return KycIssuer(contract=contract, signer_key=signer_key, owner=issuer)


def _tsla_suite(evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, *, separate: bool) -> Suite:
    params = standard_suite_params(
        protocol, name="Tesla", symbol="TSLA", owner=issuer, claim_issuer=kyc.contract.address, agents=[agent]
    )
    params.separate = separate
    salt = salt_of("TSLA-separate" if separate else "TSLA")
    return deploy_suite(evm, protocol, params, salt=salt, sender=issuer)


# `*_policy` and `*_separate` depend only on each other, so a test module may override `tsla`,
# `holders` and `lost_and_found` (e.g. parametrized over the two layouts) without a scope clash.
@pytest.fixture(scope="session")
def tsla_policy(evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str) -> Suite:
    return _tsla_suite(evm, protocol, kyc, issuer, agent, separate=False)


@pytest.fixture(scope="session")
def tsla(tsla_policy: Suite) -> Suite:
    return tsla_policy


@pytest.fixture(scope="session")
def tsla_separate(evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str) -> Suite:
    return _tsla_suite(evm, protocol, kyc, issuer, agent, separate=True)


def _onboard_actors(evm: Chain, suite: Suite, kyc: KycIssuer, agent: str, alice: str, bob: str) -> Actors:
    """New identities (with KYC claims) for the actors, registered in ``suite``; 100 TSLA each to alice and bob."""

    def onboard(wallet: str, country: int, identity: Contract | None = None) -> Holder:
        return onboard_holder(
            evm,
            suite,
            wallet,
            country,
            claim_issuer=kyc.contract,
            signer_key=kyc.signer_key,
            registrar=agent,
            identity=identity,
        )

    alice_h = onboard(alice, US)
    bob_h = onboard(bob, DE)
    bob_second_wallet = evm.accounts[6]
    evm.send(bob_h.identity.functions.addKey(key_hash(bob_second_wallet), int(KeyPurpose.MANAGEMENT), 1), bob)
    bob_second = onboard(bob_second_wallet, DE, identity=bob_h.identity)
    carol = onboard(evm.accounts[7], US)
    north = onboard(evm.accounts[8], BLOCKED_COUNTRY)
    evm.send(suite.token.functions.batchMint([alice, bob], [100 * UNIT, 100 * UNIT]), agent)
    return Actors(alice_h, bob_h, bob_second, carol, north, alice_key=dev_private_keys(3)[2])


@pytest.fixture(scope="session")
def holders_policy(evm: Chain, tsla_policy: Suite, kyc: KycIssuer, agent: str, alice: str, bob: str) -> Actors:
    return _onboard_actors(evm, tsla_policy, kyc, agent, alice, bob)


@pytest.fixture(scope="session")
def holders(holders_policy: Actors) -> Actors:
    return holders_policy


@pytest.fixture(scope="session")
def holders_separate(evm: Chain, tsla_separate: Suite, kyc: KycIssuer, agent: str, alice: str, bob: str) -> Actors:
    return _onboard_actors(evm, tsla_separate, kyc, agent, alice, bob)


@pytest.fixture(scope="session")
def stranger(evm: Chain) -> str:
    """A wallet with no identity."""
    return evm.accounts[9]


def add_management_key(evm: Chain, identity: Contract, wallet: str, manager: str) -> None:
    """Make ``wallet`` a MANAGEMENT key of ``identity`` (sent by ``manager``, already one of its keys)."""
    evm.send(identity.functions.addKey(key_hash(wallet), int(KeyPurpose.MANAGEMENT), 1), manager)


def recover_to_new_wallet(evm: Chain, token: Contract, lost: str, identity: Contract, manager: str, agent: str) -> str:
    """``agent`` recovers ``lost`` into a fresh wallet that ``manager`` first made a key of ``identity``."""
    new_wallet = evm.new_account()
    add_management_key(evm, identity, new_wallet, manager)
    evm.send(token.functions.recoveryAddress(lost, new_wallet, identity.address), agent)
    return new_wallet


def _lost_wallet(evm: Chain, suite: Suite, kyc: KycIssuer, agent: str) -> tuple[Holder, str]:
    dave_wallet, dave_new_wallet = evm.new_account(), evm.new_account()
    dave = onboard_holder(
        evm, suite, dave_wallet, US, claim_issuer=kyc.contract, signer_key=kyc.signer_key, registrar=agent
    )
    add_management_key(evm, dave.identity, dave_new_wallet, dave_wallet)
    evm.send(suite.token.functions.mint(dave_wallet, 10 * UNIT), agent)
    return dave, dave_new_wallet


@pytest.fixture(scope="session")
def lost_and_found_policy(
    evm: Chain, tsla_policy: Suite, kyc: KycIssuer, holders_policy: Actors, agent: str
) -> tuple[Holder, str]:
    """dave holds 10 TSLA in a wallet he will lose; his identity already lists his new wallet as a key."""
    return _lost_wallet(evm, tsla_policy, kyc, agent)


@pytest.fixture(scope="session")
def lost_and_found(lost_and_found_policy: tuple[Holder, str]) -> tuple[Holder, str]:
    return lost_and_found_policy


@pytest.fixture(scope="session")
def lost_and_found_separate(
    evm: Chain, tsla_separate: Suite, kyc: KycIssuer, holders_separate: Actors, agent: str
) -> tuple[Holder, str]:
    """``lost_and_found`` in the separate-layout suite."""
    return _lost_wallet(evm, tsla_separate, kyc, agent)


@pytest.fixture(scope="session")
def spare_compliance(evm: Chain, protocol: Protocol, issuer: str) -> str:
    """A ModularCompliance behind a proxy that no token is bound to."""
    from dualtrack.proxy import deploy_proxied

    return str(deploy_proxied(evm, protocol.authority, "ModularCompliance", (issuer,), sender=issuer).address)
