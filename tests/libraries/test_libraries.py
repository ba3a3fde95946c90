"""ClaimSignatures and SuiteRoles, checked directly through LibraryHarness against Python."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_utils.crypto import keccak
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import claim_digest, malleate, sign_claim, with_raw_v
from dualtrack.proxy import role_id
from tests.support import ZERO_HASH

IDENTITY = "0x00000000000000000000000000000000000000A1"


@pytest.fixture(scope="session")
def harness(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("LibraryHarness", sender=issuer)


def _compact(signature: bytes) -> bytes:
    """EIP-2098: r || (v - 27) << 255 | s."""
    vs = int.from_bytes(signature[32:64], "big") | ((signature[64] - 27) << 255)
    return signature[:32] + vs.to_bytes(32, "big")


def test_suite_roles__solidity_constants__match_python_role_ids(harness: Contract) -> None:
    names = (
        "EquityToken",
        "IdentityRegistry",
        "IdentityRegistryStorage",
        "ClaimTopicsRegistry",
        "TrustedIssuersRegistry",
        "ModularCompliance",
    )
    assert harness.functions.roles().call() == [role_id(name) for name in names]


@given(topic=st.integers(0, 2**256 - 1), data=st.binary(max_size=40), key_index=st.integers(0, 4))
def test_claim_signatures__every_encoding__same_canonical_hash_and_only_canonical_recovers(
    harness: Contract, topic: int, data: bytes, key_index: int
) -> None:
    key = dev_private_keys(5)[key_index]
    signature = sign_claim(key, IDENTITY, topic, data)
    digest = harness.functions.claimDigest(IDENTITY, topic, data).call()
    # The Solidity digest is the Ethereum signed-message hash of the Python claim digest.
    assert digest == keccak(b"\x19Ethereum Signed Message:\n32" + claim_digest(IDENTITY, topic, data))
    signer, canonical = harness.functions.recoverCanonical(digest, signature).call()
    assert signer == Account.from_key(key).address
    for encoding in (signature, malleate(signature), with_raw_v(signature), _compact(signature)):
        assert harness.functions.canonicalHash(encoding).call() == [True, canonical]
    for non_canonical in (malleate(signature), with_raw_v(signature), _compact(signature), signature + b"\x00"):
        assert harness.functions.recoverCanonical(digest, non_canonical).call() == ["0x" + "00" * 20, ZERO_HASH]


@pytest.mark.parametrize("length", [0, 63, 66])
def test_canonical_hash__wrong_length__not_ok(harness: Contract, length: int) -> None:
    assert harness.functions.canonicalHash(b"\x01" * length).call() == [False, ZERO_HASH]
