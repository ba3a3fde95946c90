"""Session fixtures: a TSLA suite with verified holders, deployed once through the SuiteFactory."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ClaimTopic, KeyPurpose, claim_id, key_hash
from dualtrack.identity import deploy_claim_issuer
from dualtrack.suite import (
    BLOCKED_COUNTRY,
    DE,
    UNIT,
    US,
    Holder,
    Protocol,
    Suite,
    deploy_protocol,
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


@pytest.fixture(scope="session")
def tsla(evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str) -> Suite:
    params = standard_suite_params(
        protocol, name="Tesla", symbol="TSLA", owner=issuer, claim_issuer=kyc.contract.address, agents=[agent]
    )
    return deploy_suite(evm, protocol, params, salt=salt_of("TSLA"), sender=issuer)


@pytest.fixture(scope="session")
def holders(evm: Chain, tsla: Suite, kyc: KycIssuer, agent: str, alice: str, bob: str) -> Actors:
    def onboard(wallet: str, country: int, identity: Contract | None = None) -> Holder:
        return onboard_holder(
            evm,
            tsla,
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
    evm.send(tsla.token.functions.batchMint([alice, bob], [100 * UNIT, 100 * UNIT]), agent)
    return Actors(alice_h, bob_h, bob_second, carol, north, alice_key=dev_private_keys(3)[2])


@pytest.fixture(scope="session")
def stranger(evm: Chain) -> str:
    """A wallet with no identity."""
    return evm.accounts[9]


@pytest.fixture(scope="session")
def lost_and_found(evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors, agent: str) -> tuple[Holder, str]:
    """dave holds 10 TSLA in a wallet he will lose; his identity already lists his new wallet as a key."""
    dave_wallet, dave_new_wallet = evm.new_account(), evm.new_account()
    dave = onboard_holder(
        evm, tsla, dave_wallet, US, claim_issuer=kyc.contract, signer_key=kyc.signer_key, registrar=agent
    )
    evm.send(dave.identity.functions.addKey(key_hash(dave_new_wallet), int(KeyPurpose.MANAGEMENT), 1), dave_wallet)
    evm.send(tsla.token.functions.mint(dave_wallet, 10 * UNIT), agent)
    return dave, dave_new_wallet


@pytest.fixture(scope="session")
def spare_compliance(evm: Chain, protocol: Protocol, issuer: str) -> str:
    """A ModularCompliance behind a proxy that no token is bound to."""
    from dualtrack.proxy import deploy_proxied

    return str(deploy_proxied(evm, protocol.authority, "ModularCompliance", (issuer,), sender=issuer).address)
