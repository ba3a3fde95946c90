"""Run a plan: skip what the manifest says is done, resume what was sent, record each step as it is mined.

A step's transaction hash is recorded before the transaction is broadcast when the deployer signs
locally (and right after, when a dev node signs), and its results once mined, so a run that is
interrupted at any point resumes where it stopped without paying for a transaction twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eth_utils.crypto import keccak
from hexbytes import HexBytes
from web3.exceptions import TransactionNotFound
from web3.types import TxReceipt

from dualtrack.deployment.manifest import ContractRecord, Manifest
from dualtrack.deployment.steps import Context, Deployed, Step, tx_hash_hex
from dualtrack.transport import DroppedError, StillPendingError, TransportError, wait_for_receipt

RESUME_RECEIPT_TIMEOUT_SECONDS = 30.0


class DeploymentError(Exception):
    """A step failed; the message names the step and the decoded reason."""


@dataclass
class RunReport:
    """What one run did."""

    total: int = 0
    already_done: int = 0
    resumed: int = 0
    sent: int = 0
    gas_used: int = 0


StepListener = Callable[[Step, str], None]


class _StepObserver:
    """Records the step's transaction in the manifest as soon as its hash is known."""

    def __init__(self, manifest: Manifest, step: Step) -> None:
        self.manifest = manifest
        self.step = step
        self.receipt: TxReceipt | None = None
        self.transactions = 0

    def signed(self, tx_hash: HexBytes, nonce: int | None) -> None:
        self.transactions += 1
        if self.transactions > 1:
            raise DeploymentError(f"step {self.step.key} sent more than one transaction (a plan error)")
        self.manifest.mark_sent(self.step.key, tx_hash_hex(tx_hash), nonce)

    def mined(self, receipt: TxReceipt) -> None:
        self.receipt = receipt


def run_steps(ctx: Context, steps: Sequence[Step], *, on_step: StepListener | None = None) -> RunReport:
    """Run ``steps`` in order against ``ctx.manifest``; return what was done."""
    report = RunReport(total=len(steps))
    for step in steps:
        record = ctx.manifest.step(step.key)
        status = record.get("status") if record else None
        if status == "mined":
            report.already_done += 1
            if on_step:
                on_step(step, "done")
            continue
        if status == "sent" and record is not None:
            receipt = _receipt_of_sent(ctx, step, record)
            if receipt is not None:
                _record(ctx, step, step.from_receipt(ctx, receipt), receipt)
                report.resumed += 1
                report.gas_used += int(receipt["gasUsed"])
                if on_step:
                    on_step(step, "resumed")
                continue
        receipt = _send(ctx, step)
        report.sent += 1 if receipt is not None else 0
        report.gas_used += int(receipt["gasUsed"]) if receipt is not None else 0
        if on_step:
            on_step(step, "sent" if receipt is not None else "recorded")
    return report


def _send(ctx: Context, step: Step) -> TxReceipt | None:
    observer = _StepObserver(ctx.manifest, step)
    ctx.evm.observer = observer
    try:
        deployed = step.send(ctx)
    except DeploymentError:
        raise
    except TransportError as error:
        raise DeploymentError(f"step {step.key} ({step.title}): {error}") from error
    except Exception as error:  # a decoded custom error (Reverted) or an RPC failure
        raise DeploymentError(f"step {step.key} ({step.title}) failed: {error}") from error
    finally:
        ctx.evm.observer = None
    if step.sends_transaction and observer.receipt is None:
        raise DeploymentError(f"step {step.key} sent no transaction (a plan error)")
    _record(ctx, step, deployed, observer.receipt)
    return observer.receipt


def _receipt_of_sent(ctx: Context, step: Step, record: dict[str, object]) -> TxReceipt | None:
    """The receipt of a step an earlier run sent; None if the node never saw that transaction or dropped
    it (it is sent again: it was not paid for)."""
    w3 = ctx.evm.w3
    tx_hash = HexBytes(str(record["txHash"]))
    try:
        receipt = w3.eth.get_transaction_receipt(tx_hash)
    except TransactionNotFound:
        try:
            w3.eth.get_transaction(tx_hash)
        except TransactionNotFound:
            return None  # signed but never broadcast (the run stopped in between), or dropped
        try:
            receipt = wait_for_receipt(w3, tx_hash, RESUME_RECEIPT_TIMEOUT_SECONDS)
        except DroppedError:
            return None
        except StillPendingError as error:
            raise DeploymentError(f"step {step.key}: {error}") from error
    if receipt["status"] != 1:
        raise DeploymentError(
            f"step {step.key} ({step.title}): its transaction 0x{tx_hash.hex()} from an earlier run reverted"
        )
    return receipt


def _record(ctx: Context, step: Step, deployed: Deployed, receipt: TxReceipt | None) -> None:
    tx_hash = tx_hash_hex(receipt["transactionHash"]) if receipt is not None else None
    block = int(receipt["blockNumber"]) if receipt is not None else None
    for key, (address, abi) in deployed.items():
        code = bytes(ctx.evm.w3.eth.get_code(address))  # type: ignore[arg-type]
        if not code:
            raise DeploymentError(f"step {step.key}: no contract code at {address} ({key})")
        ctx.manifest.set_contract(key, ContractRecord(address, abi, tx_hash, block, code_hash(code)))
    ctx.manifest.mark_mined(
        step.key, tx_hash=tx_hash, block=block, gas_used=int(receipt["gasUsed"]) if receipt is not None else 0
    )


def code_hash(code: bytes) -> str:
    return "0x" + keccak(code).hex()
