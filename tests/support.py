"""Constants and helpers every test module shares (domain fixtures live in their own conftest modules).

Import from here instead of defining them again: ``from tests.support import ZERO, HOUR, funded_key``.
"""

from __future__ import annotations

from eth_account import Account
from eth_account.signers.local import LocalAccount

from dualtrack.chain import Chain
from dualtrack.suite import UNIT

ZERO = "0x" + "00" * 20  # the zero address
ZERO_HASH = b"\x00" * 32
ETHER = 10**18  # wei in one ether
MINUTE, HOUR, DAY = 60, 3_600, 86_400

__all__ = ["DAY", "ETHER", "HOUR", "MINUTE", "UNIT", "ZERO", "ZERO_HASH", "funded_key"]


def funded_key(evm: Chain, wei: int = ETHER) -> LocalAccount:
    """A fresh key holding ``wei`` that the node has NOT unlocked: it can only send by signing locally
    (``evm.use_key``), as on a testnet."""
    account = Account.create()
    evm.w3.provider.make_request("anvil_setBalance", [account.address, hex(wei)])  # type: ignore[arg-type]
    return account
