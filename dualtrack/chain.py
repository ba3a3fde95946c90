"""A thin, fast web3.py layer over a node: deploy, send, call, decode custom errors.

Each sending address has a transport (:mod:`dualtrack.transport`): by default the node's own
unlocked or impersonated accounts (``eth_sendTransaction``: the node assigns nonces, so there is no
client-side nonce cache to go stale, the "nonce too low" flake of tight Ape loops); an address added
with :meth:`Chain.use_key` signs locally (a testnet deployer, a reporter, a keeper). Reverts are
decoded into :class:`Reverted` with the custom error's name and arguments, looked up across every
known ABI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_account.signers.local import LocalAccount
from eth_utils.abi import function_signature_to_4byte_selector
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError
from web3.logs import DISCARD
from web3.types import TxReceipt

from dualtrack.artifacts import Artifact, abi_artifact, local_artifact
from dualtrack.transport import KeyTransport, NodeTransport, Transport, TxObserver, wait_for_receipt

DEV_MNEMONIC = "test test test test test test test test test test test junk"
ERROR_STRING_SELECTOR = bytes.fromhex("08c379a0")
PANIC_SELECTOR = bytes.fromhex("4e487b71")
# Anvil answers eth_sendTransaction before its automined block is indexed: under load the receipt
# can lag the returned hash by a few milliseconds, so receipts are polled briefly instead of read once.
RECEIPT_TIMEOUT_SECONDS = 60.0


class Reverted(Exception):  # noqa: N818 - reads naturally: `except Reverted`
    """A call or transaction reverted; ``name``/``args`` decode the custom error."""

    def __init__(self, name: str, args: tuple[Any, ...], data: bytes) -> None:
        self.name = name
        self.args_ = args
        self.data = data
        super().__init__(f"{name}{args!r}" if name else f"revert 0x{data.hex()}")


@dataclass(frozen=True)
class ErrorSpec:
    name: str
    types: tuple[str, ...]


def _abi_type(param: dict[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in param["components"])
        return f"({inner}){kind[5:]}"
    return kind


@dataclass
class ErrorDecoder:
    """Maps 4-byte selectors to custom errors from any number of ABIs."""

    specs: dict[bytes, ErrorSpec] = field(default_factory=dict)

    def register(self, abi: Iterable[dict[str, Any]]) -> None:
        for item in abi:
            if item.get("type") != "error":
                continue
            types = tuple(_abi_type(p) for p in item.get("inputs", []))
            selector = function_signature_to_4byte_selector(f"{item['name']}({','.join(types)})")
            self.specs[selector] = ErrorSpec(item["name"], types)

    def decode(self, data: bytes) -> Reverted:
        selector, payload = data[:4], data[4:]
        if selector == ERROR_STRING_SELECTOR:
            return Reverted("Error", tuple(abi_decode(["string"], payload)), data)
        if selector == PANIC_SELECTOR:
            return Reverted("Panic", tuple(abi_decode(["uint256"], payload)), data)
        spec = self.specs.get(selector)
        if spec is None:
            return Reverted("", (), data)
        values = abi_decode(list(spec.types), payload)
        normalized = tuple(
            to_checksum_address(v) if t == "address" else v for t, v in zip(spec.types, values, strict=True)
        )
        return Reverted(spec.name, normalized, data)


def _revert_data(error: Exception) -> bytes:
    data = getattr(error, "data", None)
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    if isinstance(data, bytes):
        return data
    return b""


class Chain:
    """Deploys and drives contracts on a node, from its unlocked accounts or from local keys."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self.errors = ErrorDecoder()
        self.accounts: list[str] = [to_checksum_address(a) for a in w3.eth.accounts]
        self._transports: dict[str, Transport] = {}
        # Told about every transaction (the deployment manifest records hashes before broadcast).
        self.observer: TxObserver | None = None

    # ------------------------------------------------------------------ senders

    def use_key(self, account: LocalAccount, **options: Any) -> str:
        """Send from ``account``'s address by signing locally (:class:`KeyTransport`); return the address.

        ``options`` go to :class:`KeyTransport` (``receipt_timeout``, ``priority_fee_wei``, ``max_fee_wei``).
        """
        transport = KeyTransport(account, **options)
        self._transports[transport.address] = transport
        return transport.address

    def transport(self, sender: str) -> Transport:
        """How ``sender``'s transactions are sent: its local key if one was added, else the node."""
        address = to_checksum_address(sender)
        return self._transports.get(address) or NodeTransport(address, RECEIPT_TIMEOUT_SECONDS)

    # ------------------------------------------------------------------ deploy

    def deploy(self, artifact: Artifact | str, *args: Any, sender: str, value: int = 0) -> Contract:
        """Deploy ``artifact`` (or a local contract by name) and return a bound contract."""
        art = local_artifact(artifact) if isinstance(artifact, str) else artifact
        self.errors.register(art.abi)
        data = self.w3.eth.contract(abi=art.abi, bytecode=art.bytecode).constructor(*args).data_in_transaction
        receipt = self._transact({"data": data, "value": value}, sender)
        if receipt["contractAddress"] is None:
            raise Reverted("", (), b"")
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=art.abi)

    def at(self, artifact: Artifact | str, address: str) -> Contract:
        """Bind an ABI (an artifact, or a contract or exported ABI by name) to an address already deployed."""
        art = abi_artifact(artifact) if isinstance(artifact, str) else artifact
        self.errors.register(art.abi)
        return self.w3.eth.contract(address=to_checksum_address(address), abi=art.abi)

    # ---------------------------------------------------------------- transact

    def send(self, call: ContractFunction, sender: str, *, value: int = 0, gas: int | None = None) -> TxReceipt:
        """Send a transaction; raise :class:`Reverted` with the decoded error if it reverts."""
        tx: dict[str, Any] = {"to": call.address, "data": call._encode_transaction_data(), "value": value}
        if gas is not None:
            tx["gas"] = gas
        return self._transact(tx, sender)

    def _transact(self, tx: dict[str, Any], sender: str) -> TxReceipt:
        """Send ``tx`` through ``sender``'s transport; a revert (at estimate or once mined) raises :class:`Reverted`."""
        try:
            receipt = self.transport(sender).send(self.w3, tx, self.observer)
        except (ContractCustomError, ContractLogicError, ContractPanicError) as error:
            raise self.errors.decode(_revert_data(error)) from error
        if receipt["status"] != 1:
            raise Reverted("", (), b"")
        return receipt

    def receipt(self, tx_hash: HexBytes) -> TxReceipt:
        """Wait (briefly) for the receipt of ``tx_hash``: anvil may return the hash before indexing it."""
        return wait_for_receipt(self.w3, tx_hash, RECEIPT_TIMEOUT_SECONDS)

    def send_at(self, call: ContractFunction, sender: str, timestamp: int, *, gas: int) -> TxReceipt:
        """Send a transaction in a block at ``timestamp``; raise :class:`Reverted` with its decoded error.

        The gas limit is fixed because an estimate would run on another block, at another time. A
        transaction reverted with a fixed limit has no decoded reason in its receipt, so it is simulated
        again on the block it reverted in (same time, same state) to name the error.
        """
        self.set_next_timestamp(timestamp)
        try:
            return self.send(call, sender, gas=gas)
        except Reverted as error:
            if error.name:
                raise
            self.call(call, sender, gas=gas)
            raise

    def call(self, call: ContractFunction, sender: str | None = None, *, gas: int | None = None) -> Any:
        """Run a view (or simulate a transaction, with ``gas`` as its limit) and decode custom-error reverts."""
        tx: dict[str, Any] = {}
        if sender:
            tx["from"] = sender
        if gas is not None:
            tx["gas"] = gas
        try:
            return call.call(tx)  # type: ignore[arg-type]
        except (ContractCustomError, ContractLogicError, ContractPanicError) as error:
            raise self.errors.decode(_revert_data(error)) from error

    @contextmanager
    def reverts(self, name: str, *args: Any) -> Iterator[Reverted]:
        """Context manager asserting the block reverts with custom error ``name`` (and ``args`` if given)."""
        captured = Reverted("", (), b"")
        try:
            yield captured
        except Reverted as error:
            if error.name != name:
                raise AssertionError(f"expected revert {name}{args!r}, got {error}") from error
            if args and tuple(error.args_) != tuple(args):
                raise AssertionError(f"expected revert {name}{args!r}, got {error}") from error
            captured.name, captured.args_, captured.data = error.name, error.args_, error.data
            return
        raise AssertionError(f"expected revert {name}{args!r}, but the call succeeded")

    def events(self, receipt: TxReceipt, contract: Contract, event_name: str) -> list[dict[str, Any]]:
        """Decode the ``event_name`` logs that ``contract`` emitted in ``receipt``."""
        event = contract.events[event_name]()
        logs = [log for log in receipt["logs"] if log["address"] == contract.address]
        return [dict(e["args"]) for e in event.process_receipt({**receipt, "logs": logs}, errors=DISCARD)]

    # -------------------------------------------------------------- node state

    def snapshot(self) -> str:
        return str(self.w3.provider.make_request("evm_snapshot", [])["result"])  # type: ignore[arg-type]

    def revert_to(self, snapshot_id: str) -> None:
        result = self.w3.provider.make_request("evm_revert", [snapshot_id])  # type: ignore[arg-type]
        if not result.get("result"):
            raise RuntimeError(f"evm_revert({snapshot_id}) failed: {result}")
        for transport in self._transports.values():
            if isinstance(transport, KeyTransport):
                transport.forget_nonce()  # the reverted chain's nonces are lower than the ones cached

    def timestamp(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def set_next_timestamp(self, timestamp: int) -> None:
        self.w3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])  # type: ignore[arg-type]

    def mine(self, timestamp: int | None = None) -> None:
        if timestamp is not None:
            self.set_next_timestamp(timestamp)
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    def new_account(self, funding_wei: int = 10**20) -> str:
        """Create a funded, unlocked account (for fuzzing with many actors)."""
        account = self.w3.eth.account.create()
        address = to_checksum_address(account.address)
        self.w3.provider.make_request("anvil_setBalance", [address, hex(funding_wei)])  # type: ignore[arg-type]
        self.w3.provider.make_request("anvil_impersonateAccount", [address])  # type: ignore[arg-type]
        return address


def dev_private_keys(count: int) -> Sequence[str]:
    """Private keys of the node's default accounts (the public Foundry test mnemonic)."""
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    return [Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").key.hex() for i in range(count)]
