"""How a transaction from one address reaches the chain: the node's unlocked accounts, or a local key.

:class:`~dualtrack.chain.Chain` sends every transaction through a :class:`Transport` chosen by the
sending address:

- :class:`NodeTransport` asks the node to sign (``eth_sendTransaction``): the dev node's unlocked and
  impersonated accounts. The node assigns nonces and fees.
- :class:`KeyTransport` signs locally with a private key (from an environment variable, a key file, an
  encrypted keystore or an Ape account alias): it keeps its own nonce, prices EIP-1559 fees from the
  latest base fee, estimates gas with a margin, checks that the account can pay before sending, waits
  for the receipt and turns the node's answers into clear errors (:class:`TransportError`).

Both report each transaction to an optional :class:`TxObserver` (the deployment manifest records a
transaction's hash before it is broadcast, so an interrupted run never pays for one twice).
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import TimeExhausted, TransactionNotFound, Web3RPCError
from web3.types import TxParams, TxReceipt

GAS_MARGIN_PERCENT = 20  # estimates are raised by this much: state can move between estimate and inclusion
BASE_FEE_MULTIPLIER = 2  # maxFeePerGas = 2 x base fee + tip: survives six full blocks of base-fee rises
DEFAULT_PRIORITY_FEE_WEI = 1_000_000  # 0.001 gwei when the node cannot suggest a tip (Base's usual level)
RECEIPT_POLL_SECONDS = 0.002  # anvil returns the hash before the receipt exists: poll briefly
DEFAULT_RECEIPT_TIMEOUT_SECONDS = 180.0


class TransportError(Exception):
    """A transaction could not be sent or confirmed; the message is one plain sentence."""


class InsufficientFundsError(TransportError):
    """The sender cannot pay for the transaction's gas (and value)."""

    def __init__(self, address: str, balance_wei: int, needed_wei: int) -> None:
        self.address, self.balance_wei, self.needed_wei = address, balance_wei, needed_wei
        super().__init__(
            f"{address} has {balance_wei / 1e18:.6f} ETH but this transaction may cost up to "
            f"{needed_wei / 1e18:.6f} ETH (gas limit x max fee + value): fund it and run again"
        )


class UnderpricedError(TransportError):
    """The node refused the fee (below its minimum, or a replacement without a large enough bump)."""


class DroppedError(TransportError):
    """A broadcast transaction is no longer known to the node and was never mined."""


class StillPendingError(TransportError):
    """A transaction is still waiting in the mempool after the receipt timeout."""


class TxObserver(Protocol):
    """Told about each transaction: before it is broadcast (when its hash is known then) and once mined."""

    def signed(self, tx_hash: HexBytes, nonce: int | None) -> None: ...

    def mined(self, receipt: TxReceipt) -> None: ...


class Transport(Protocol):
    """Sends transactions from one address."""

    @property
    def address(self) -> str: ...

    def send(self, w3: Web3, tx: dict[str, Any], observer: TxObserver | None) -> TxReceipt: ...


def wait_for_receipt(w3: Web3, tx_hash: HexBytes, timeout: float) -> TxReceipt:
    """The receipt of ``tx_hash``, polled briefly; :class:`DroppedError` or :class:`StillPendingError` after
    ``timeout`` seconds."""
    try:
        return w3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout, poll_latency=RECEIPT_POLL_SECONDS)
    except TimeExhausted:
        try:
            w3.eth.get_transaction(tx_hash)
        except TransactionNotFound:
            raise DroppedError(
                f"transaction 0x{tx_hash.hex()} was dropped by the node without being mined: run again"
            ) from None
        raise StillPendingError(
            f"transaction 0x{tx_hash.hex()} is still pending after {timeout:.0f}s (fees too low for the "
            "network?): wait and run again, the run resumes from it"
        ) from None


@dataclass
class NodeTransport:
    """The node signs (``eth_sendTransaction``): its unlocked or impersonated accounts only."""

    address: str
    receipt_timeout: float = 60.0

    def send(self, w3: Web3, tx: dict[str, Any], observer: TxObserver | None) -> TxReceipt:
        tx_hash = w3.eth.send_transaction(cast(TxParams, {**tx, "from": self.address}))
        if observer is not None:
            observer.signed(tx_hash, None)
        receipt = wait_for_receipt(w3, tx_hash, self.receipt_timeout)
        if observer is not None:
            observer.mined(receipt)
        return receipt


@dataclass
class KeyTransport:
    """Signs locally with ``account``: nonces, EIP-1559 fees, gas with a margin, a funds check, receipts."""

    account: LocalAccount
    receipt_timeout: float = DEFAULT_RECEIPT_TIMEOUT_SECONDS
    priority_fee_wei: int | None = None  # None: ask the node (eth_maxPriorityFeePerGas)
    max_fee_wei: int | None = None  # a cap on maxFeePerGas; None: no cap
    _next_nonce: int | None = None

    @property
    def address(self) -> str:
        return to_checksum_address(self.account.address)

    def forget_nonce(self) -> None:
        """Read the nonce from the node again before the next transaction: the chain moved back (a dev
        node's snapshot revert) or another client sent from this key. A cached nonce above the chain's
        would leave the next transaction queued behind a gap, never mined."""
        self._next_nonce = None

    def send(self, w3: Web3, tx: dict[str, Any], observer: TxObserver | None) -> TxReceipt:
        for attempt in range(2):
            full = self._complete(w3, tx)
            signed = self.account.sign_transaction(full)
            tx_hash = HexBytes(signed.hash)
            if observer is not None:
                observer.signed(tx_hash, int(full["nonce"]))
            try:
                w3.eth.send_raw_transaction(signed.raw_transaction)
            except (Web3RPCError, ValueError) as error:
                message = str(error).lower()
                if "already known" in message:
                    pass  # the same signed transaction is in the mempool: wait for it
                elif "nonce too low" in message and attempt == 0:
                    self._next_nonce = None  # another client used the nonce: resync and sign again
                    continue
                else:
                    raise self._explain(w3, full, message) from error
            self._next_nonce = int(full["nonce"]) + 1
            receipt = wait_for_receipt(w3, tx_hash, self.receipt_timeout)
            if observer is not None:
                observer.mined(receipt)
            return receipt
        raise TransportError(f"{self.address}: the nonce kept moving under this sender (another client?)")

    def _complete(self, w3: Web3, tx: dict[str, Any]) -> dict[str, Any]:
        """``tx`` with chain id, nonce, fees and gas; checks the sender can pay for it."""
        full = {k: v for k, v in tx.items() if k not in ("gasPrice",)}
        full["from"] = self.address
        full["chainId"] = w3.eth.chain_id
        full.setdefault("value", 0)
        if self._next_nonce is None:
            self._next_nonce = w3.eth.get_transaction_count(self.address, "pending")  # type: ignore[arg-type]
        full["nonce"] = self._next_nonce
        tip = self.priority_fee_wei if self.priority_fee_wei is not None else _suggested_tip(w3)
        base_fee = int(w3.eth.get_block("latest").get("baseFeePerGas") or 0)
        max_fee = BASE_FEE_MULTIPLIER * base_fee + tip
        if self.max_fee_wei is not None:
            if self.max_fee_wei < base_fee:
                raise UnderpricedError(
                    f"the fee cap {self.max_fee_wei:,} wei is below the current base fee {base_fee:,} wei: raise it"
                )
            max_fee = min(max_fee, self.max_fee_wei)
        full["maxPriorityFeePerGas"] = min(tip, max_fee)
        full["maxFeePerGas"] = max_fee
        if "gas" not in full:
            estimate_request = {k: full[k] for k in ("from", "to", "data", "value") if k in full}
            full["gas"] = w3.eth.estimate_gas(estimate_request) * (100 + GAS_MARGIN_PERCENT) // 100  # type: ignore[arg-type]
        needed = int(full["gas"]) * max_fee + int(full["value"])
        balance = int(w3.eth.get_balance(self.address))  # type: ignore[arg-type]
        if balance < needed:
            raise InsufficientFundsError(self.address, balance, needed)
        return full

    def _explain(self, w3: Web3, tx: dict[str, Any], message: str) -> TransportError:
        if "insufficient funds" in message:
            needed = int(tx["gas"]) * int(tx["maxFeePerGas"]) + int(tx["value"])
            return InsufficientFundsError(self.address, int(w3.eth.get_balance(self.address)), needed)  # type: ignore[arg-type]
        if "underpriced" in message or "fee cap" in message or "max fee per gas less than" in message:
            return UnderpricedError(
                f"the node refused the fee ({int(tx['maxFeePerGas']):,} wei max, {int(tx['maxPriorityFeePerGas']):,} "
                f"wei tip): {message}"
            )
        return TransportError(f"the node refused the transaction from {self.address}: {message}")


def _suggested_tip(w3: Web3) -> int:
    try:
        return int(w3.eth.max_priority_fee)
    except (Web3RPCError, ValueError):
        return DEFAULT_PRIORITY_FEE_WEI


# --------------------------------------------------------------------------- keys

KEY_ENV = "DUALTRACK_PRIVATE_KEY"
PASSPHRASE_ENV = "DUALTRACK_KEY_PASSPHRASE"


class SigningKeyError(TransportError):
    """A signing key could not be loaded."""


def account_from_key(key: str) -> LocalAccount:
    """A local account from a hex private key (with or without 0x)."""
    try:
        return Account.from_key(key.strip())
    except (ValueError, TypeError) as error:
        raise SigningKeyError(f"not a private key ({type(error).__name__}): expected 32 bytes of hex") from None


def account_from_file(path: Path, *, passphrase: str | None = None, prompt: bool | None = None) -> LocalAccount:
    """A local account from ``path``: a file holding one hex private key, or an encrypted keystore (JSON).

    A keystore's passphrase comes from ``passphrase``, else ``$DUALTRACK_KEY_PASSPHRASE``, else a prompt if
    there is a terminal; without any of them the error says which variable to set.
    """
    try:
        text = path.read_text()
    except OSError as error:
        raise SigningKeyError(f"cannot read the key file {path}: {error.strerror}") from None
    if text.lstrip().startswith("{"):
        return _decrypt(json.loads(text), str(path), PASSPHRASE_ENV, passphrase, prompt)
    return account_from_key(text)


def account_from_ape_alias(
    alias: str, *, passphrase: str | None = None, prompt: bool | None = None, data_folder: Path | None = None
) -> LocalAccount:
    """The key of Ape account ``alias`` (its keystore in ``~/.ape/accounts``), decrypted without Ape's prompts.

    The passphrase comes from ``passphrase``, else Ape's own variable ``APE_ACCOUNTS_<alias>_PASSPHRASE``,
    else ``$DUALTRACK_KEY_PASSPHRASE``, else a prompt if there is a terminal.
    """
    folder = data_folder or Path(os.environ.get("APE_DATA_FOLDER", Path.home() / ".ape"))
    path = folder / "accounts" / f"{alias}.json"
    if not path.is_file():
        raise SigningKeyError(
            f"no Ape account {alias!r} (looked for {path}); import one with `ape accounts import {alias}`"
        )
    return _decrypt(
        json.loads(path.read_text()), f"Ape account {alias!r}", f"APE_ACCOUNTS_{alias}_PASSPHRASE", passphrase, prompt
    )


def _decrypt(
    keystore: dict[str, Any], label: str, env_name: str, passphrase: str | None, prompt: bool | None
) -> LocalAccount:
    secret = passphrase or os.environ.get(env_name) or os.environ.get(PASSPHRASE_ENV)
    if secret is None:
        interactive = sys.stdin.isatty() if prompt is None else prompt
        if not interactive:
            raise SigningKeyError(f"{label} is encrypted and there is no terminal to ask: set {env_name}")
        secret = getpass.getpass(f"Passphrase for {label}: ")
    try:
        return Account.from_key(Account.decrypt(keystore, secret))
    except ValueError:
        raise SigningKeyError(f"wrong passphrase for {label}") from None


def load_account(
    *,
    key_env: str | None = None,
    key_file: Path | None = None,
    ape_alias: str | None = None,
    prompt: bool | None = None,
    environ: Callable[[str], str | None] = os.environ.get,
) -> LocalAccount:
    """The signing key from exactly one source: a key file, an Ape alias or an environment variable
    (``key_env``, default ``$DUALTRACK_PRIVATE_KEY``)."""
    given = [source for source in (key_file, ape_alias) if source]
    if len(given) > 1:
        raise SigningKeyError("give one key source: a key file or an Ape account alias, not both")
    if key_file is not None:
        return account_from_file(key_file, prompt=prompt)
    if ape_alias:
        return account_from_ape_alias(ape_alias, prompt=prompt)
    name = key_env or KEY_ENV
    value = environ(name)
    if not value:
        raise SigningKeyError(f"no signing key: set {name}, or pass a key file or an Ape account alias")
    return account_from_key(value)
