"""Deterministic extra actors for benchmarks.

Gas depends (slightly) on the bytes of the addresses in calldata, so benchmark
actors must be the same on every run: unlike :meth:`Chain.new_account` (random
keys), these accounts are derived from a label and an index, funded and
impersonated on the dev node.
"""

from __future__ import annotations

from eth_account import Account
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from dualtrack.chain import Chain

DEFAULT_FUNDING_WEI = 10**20


def labelled_accounts(evm: Chain, label: str, count: int, funding_wei: int = DEFAULT_FUNDING_WEI) -> list[str]:
    """``count`` funded, impersonated accounts whose keys are ``keccak("<label>/<i>")``."""
    addresses: list[str] = []
    for index in range(count):
        address = to_checksum_address(Account.from_key(keccak(text=f"{label}/{index}")).address)
        evm.w3.provider.make_request("anvil_setBalance", [address, hex(funding_wei)])  # type: ignore[arg-type]
        evm.w3.provider.make_request("anvil_impersonateAccount", [address])  # type: ignore[arg-type]
        addresses.append(address)
    return addresses
