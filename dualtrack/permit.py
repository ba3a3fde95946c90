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


def permit_domain(token: Contract) -> dict[str, str | int]:
    """The token's EIP-712 domain as it reports it (ERC-5267 ``eip712Domain()``): the source of truth.

    EquityToken's domain name is its current ``name()`` (it follows ``setName``); reading the domain
    rather than assuming it keeps permits right for any ERC-5267 token.
    """
    _fields, name, version, chain_id, verifying_contract, _salt, _extensions = token.functions.eip712Domain().call()
    return {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying_contract}


def sign_permit(
    token: Contract, private_key: str, spender: str, value: int, deadline: int, *, domain_name: str | None = None
) -> Permit:
    """Sign a permit of the key's owner for ``token`` in the domain the token reports, at its current nonce.

    ``domain_name`` overrides the reported name (to show that a permit signed under another name fails).
    """
    owner = Account.from_key(private_key).address
    domain = permit_domain(token)
    if domain_name is not None:
        domain["name"] = domain_name
    typed = {
        "types": _PERMIT_TYPES,
        "primaryType": "Permit",
        "domain": domain,
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
