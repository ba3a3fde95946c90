"""The claim helpers match ONCHAINID's hashing and produce recoverable, canonical signatures."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from hypothesis import given
from hypothesis import strategies as st

from dualtrack.chain import dev_private_keys
from dualtrack.claims import SECP256K1_N, canonical_signature_hash, claim_digest, malleate, sign_claim, with_raw_v

IDENTITY = "0x00000000000000000000000000000000000000A1"


@given(topic=st.integers(0, 2**256 - 1), data=st.binary(max_size=64))
def test_sign_claim__any_topic_and_data__recovers_signer_with_low_s(topic: int, data: bytes) -> None:
    key = dev_private_keys(1)[0]
    signature = sign_claim(key, IDENTITY, topic, data)
    assert len(signature) == 65
    assert int.from_bytes(signature[32:64], "big") <= SECP256K1_N // 2
    assert signature[64] in (27, 28)
    recovered = Account.recover_message(
        encode_defunct(primitive=claim_digest(IDENTITY, topic, data)), signature=signature
    )
    assert recovered == Account.from_key(key).address


def test_malleate__canonical_signature__other_encoding_recovers_same_signer() -> None:
    key = dev_private_keys(1)[0]
    signature = sign_claim(key, IDENTITY, 1, b"")
    twisted = malleate(signature)
    assert twisted != signature
    assert int.from_bytes(twisted[32:64], "big") > SECP256K1_N // 2
    assert malleate(twisted) == signature
    assert with_raw_v(signature)[64] in (0, 1)


def test_canonical_signature_hash__any_65_byte_encoding__same_hash_and_other_lengths_rejected() -> None:
    signature = sign_claim(dev_private_keys(1)[0], IDENTITY, 1, b"")
    expected = canonical_signature_hash(signature)
    assert canonical_signature_hash(malleate(signature)) == expected
    assert canonical_signature_hash(with_raw_v(signature)) == expected
    assert canonical_signature_hash(sign_claim(dev_private_keys(1)[0], IDENTITY, 2, b"")) != expected
    with pytest.raises(ValueError):
        canonical_signature_hash(signature[:64])
