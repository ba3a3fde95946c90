"""ONCHAINID-compatible keys and claims: hashing, signing and (for tests) malleating signatures.

- key hash: ``keccak256(abi.encode(address))``
- claim id: ``keccak256(abi.encode(issuer, topic))``
- claim signature: the issuer's signing key signs the Ethereum signed-message hash of
  ``keccak256(abi.encode(identity, topic, data))``; 65 bytes ``r || s || v`` with v in {27, 28}.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from eth_abi.abi import encode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils.crypto import keccak

# secp256k1 group order: s and n - s are both valid ECDSA s values for the same signature.
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

ECDSA_KEY_TYPE = 1
ECDSA_SCHEME = 1


class KeyPurpose(IntEnum):
    """ERC-734 key purposes."""

    MANAGEMENT = 1
    ACTION = 2
    CLAIM = 3


class ClaimTopic(IntEnum):
    """Claim topics dualtrack's examples and tests use (any uint256 is a valid topic)."""

    KYC = 1
    AML = 2
    ACCREDITED_INVESTOR = 7


def key_hash(address: str) -> bytes:
    """ERC-734 key of an address."""
    return keccak(encode(["address"], [address]))


def claim_id(issuer: str, topic: int) -> bytes:
    """ERC-735 claim id."""
    return keccak(encode(["address", "uint256"], [issuer, topic]))


def claim_digest(identity: str, topic: int, data: bytes) -> bytes:
    """The hash an issuer signs (before the Ethereum signed-message prefix)."""
    return keccak(encode(["address", "uint256", "bytes"], [identity, topic, data]))


def sign_claim(private_key: str | bytes, identity: str, topic: int, data: bytes = b"") -> bytes:
    """Sign a claim the way ONCHAINID issuers do; returns canonical 65-byte ``r || s || v``."""
    message = encode_defunct(primitive=claim_digest(identity, topic, data))
    signed = Account.sign_message(message, private_key)
    return signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big") + bytes([signed.v])


def malleate(signature: bytes) -> bytes:
    """Return the other valid encoding of a signature: ``s -> n - s`` and flipped ``v`` (high-s)."""
    if len(signature) != 65:
        raise ValueError(f"expected a 65-byte signature, got {len(signature)}")
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    flipped_v = 27 if v == 28 else 28
    return r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([flipped_v])


def canonical_signature_hash(signature: bytes) -> bytes:
    """``keccak256(r || s_low)`` of a 65-byte signature: the key dualtrack's ClaimIssuer revokes and
    records held claims under, the same for every encoding of one signature."""
    if len(signature) != 65:
        raise ValueError(f"expected a 65-byte signature, got {len(signature)}")
    s = int.from_bytes(signature[32:64], "big")
    return keccak(signature[:32] + min(s, SECP256K1_N - s).to_bytes(32, "big"))


def with_raw_v(signature: bytes) -> bytes:
    """Re-encode ``v`` as 0/1 instead of 27/28 (another non-canonical encoding)."""
    return signature[:64] + bytes([signature[64] - 27])


@dataclass(frozen=True)
class SignedClaim:
    """A claim ready for ``IERC735.addClaim``."""

    topic: int
    scheme: int
    issuer: str
    signature: bytes
    data: bytes
    uri: str

    def as_args(self) -> tuple[int, int, str, bytes, bytes, str]:
        return (self.topic, self.scheme, self.issuer, self.signature, self.data, self.uri)


def make_claim(
    issuer: str, signing_key: str | bytes, identity: str, topic: int, data: bytes = b"", uri: str = ""
) -> SignedClaim:
    """Build and sign a claim of ``issuer`` about ``identity``."""
    return SignedClaim(topic, ECDSA_SCHEME, issuer, sign_claim(signing_key, identity, topic, data), data, uri)
