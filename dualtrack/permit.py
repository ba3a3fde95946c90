"""EIP-2612 permits for dualtrack's tokens (EquityToken) and the mock stablecoin."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account
from eth_account.messages import encode_typed_data
from web3.contract import Contract

_PERMIT_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Permit": [
        {"name": "owner", "type": "address"},
        {"name": "spender", "type": "address"},
        {"name": "value", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}


@dataclass(frozen=True)
class Permit:
    """A signed permit, ready for ``token.permit(owner, spender, value, deadline, v, r, s)``."""

    owner: str
    spender: str
    value: int
    deadline: int
    v: int
    r: bytes
    s: bytes

    def as_args(self) -> tuple[str, str, int, int, int, bytes, bytes]:
        return (self.owner, self.spender, self.value, self.deadline, self.v, self.r, self.s)


def sign_permit(
    token: Contract, private_key: str, spender: str, value: int, deadline: int, *, domain_name: str | None = None
) -> Permit:
    """Sign a permit of the key's owner for ``token`` (EIP-712 domain version "1", current nonce).

    ``domain_name`` defaults to the token's current ``name()``; EquityToken keeps the name it was
    initialized with as its domain name, so pass that after a ``setName``.
    """
    owner = Account.from_key(private_key).address
    typed = {
        "types": _PERMIT_TYPES,
        "primaryType": "Permit",
        "domain": {
            "name": domain_name if domain_name is not None else token.functions.name().call(),
            "version": "1",
            "chainId": token.w3.eth.chain_id,
            "verifyingContract": token.address,
        },
        "message": {
            "owner": owner,
            "spender": spender,
            "value": value,
            "nonce": token.functions.nonces(owner).call(),
            "deadline": deadline,
        },
    }
    signed = Account.sign_message(encode_typed_data(full_message=typed), private_key)
    return Permit(owner, spender, value, deadline, signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big"))
