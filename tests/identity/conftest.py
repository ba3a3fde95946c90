"""Fixtures for the identity tests: a claim signer, identities, issuers and stub issuers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from eth_utils.address import to_checksum_address
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.identity import deploy_claim_issuer, deploy_identity, signer_address

# Stub "issuers" made of raw EVM bytecode: each answers every call with one fixed 32-byte word.
# init code: PUSH10 <runtime> PUSH1 0 MSTORE PUSH1 10 PUSH1 22 RETURN
# runtime:   PUSH1 <word> PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
StubFactory = Callable[[int], str]


def _deploy_stub(evm: Chain, word: int, sender: str) -> str:
    """Deploy a contract whose every call returns ``word`` (0..255) as one 32-byte word."""
    runtime = bytes([0x60, word, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xF3])
    init = bytes([0x69]) + runtime + bytes.fromhex("600052600a6016f3")
    tx_hash = evm.w3.eth.send_transaction({"from": sender, "data": init})  # type: ignore[typeddict-item]
    receipt = evm.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.01)
    address = receipt["contractAddress"]
    assert address is not None and receipt["status"] == 1
    return to_checksum_address(address)


@pytest.fixture(scope="session")
def signer_key() -> str:
    """The private key the claim issuer signs claims with (anvil account 7, not a named actor)."""
    return dev_private_keys(8)[7]


@pytest.fixture(scope="session")
def signer(signer_key: str) -> str:
    return signer_address(signer_key)


@pytest.fixture(scope="session")
def claim_issuer(evm: Chain, issuer: str, signer: str) -> Contract:
    """dualtrack ClaimIssuer managed by ``issuer``; ``signer`` holds a CLAIM key."""
    return deploy_claim_issuer(evm, issuer, signer)


@pytest.fixture(scope="session")
def alice_identity(evm: Chain, alice: str) -> Contract:
    return deploy_identity(evm, alice)


@pytest.fixture(scope="session")
def stub_issuer(evm: Chain, issuer: str) -> StubFactory:
    """Deploys a stub "issuer" whose every call returns the given word (1 = "valid")."""
    return lambda word: _deploy_stub(evm, word, issuer)


@pytest.fixture(scope="session")
def yes_issuer(stub_issuer: StubFactory) -> str:
    """A stub issuer accepting every claim (for claims whose validity is not the point)."""
    return stub_issuer(1)
