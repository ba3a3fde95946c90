"""Steps: the unit of a deployment. Each sends at most one transaction and is recorded once mined.

A :class:`Step` is either a deployment (its contract goes to ``contracts.<contract_key>`` in the
manifest, under the ABI name that describes it), a call (wiring: roles, feeds, registries), or a
record of an existing contract (no transaction). Steps read what earlier steps deployed through the
:class:`Context`, which binds manifest records to ABIs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.deployment.config import DeploymentConfig
from dualtrack.deployment.manifest import Manifest


@dataclass
class Context:
    """What a step sees: the chain, the sender, the configuration and what was deployed so far."""

    evm: Chain
    deployer: str
    config: DeploymentConfig | None  # None: a partial plan with no configuration (the protocol core)
    manifest: Manifest
    # Keys that sign off-chain data during the run (KYC claims); by address.
    signing_keys: dict[str, LocalAccount] = field(default_factory=dict)

    def address(self, key: str) -> str:
        """The address recorded at ``contracts.<key>``."""
        return self.manifest.address(key)

    def contract(self, key: str) -> Contract:
        """The contract at ``contracts.<key>``, bound to the ABI the manifest names for it."""
        record = self.manifest.contract(key)
        return self.evm.at(str(record["abi"]), str(record["address"]))

    def has(self, key: str) -> bool:
        return self.manifest.has_contract(key)

    def signing_key(self, address: str) -> LocalAccount:
        key = self.signing_keys.get(address)
        if key is None:
            raise LookupError(f"no signing key for {address}")
        return key


# A deployment step's action returns the deployed contract(s): {contract key: (address, abi name)}.
Deployed = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Step:
    """One transaction of a deployment (or none, for a recorded existing contract).

    ``send`` performs it and returns the contracts it deployed (empty for a call); ``from_receipt``
    finds them again from a receipt (to resume a step whose transaction was sent by an interrupted
    run). ``gas_budget`` bounds its gas for the pre-flight balance estimate (a test keeps it honest).
    """

    key: str
    title: str
    send: Callable[[Context], Deployed]
    from_receipt: Callable[[Context, TxReceipt], Deployed]
    gas_budget: int
    sends_transaction: bool = True


def deploy_step(
    contract_key: str,
    artifact: str,
    title: str,
    *,
    args: Callable[[Context], Sequence[Any]] = lambda ctx: (),
    create: Callable[[Context], Contract] | None = None,
    abi: str | None = None,
    gas_budget: int,
) -> Step:
    """Deploy ``artifact`` and record it at ``contracts.<contract_key>``: with ``create(ctx)`` (an SDK
    function that deploys it in one transaction from the deployer) or else with ``args(ctx)``."""
    abi_name = abi or artifact

    def send(ctx: Context) -> Deployed:
        deployed = create(ctx) if create is not None else ctx.evm.deploy(artifact, *args(ctx), sender=ctx.deployer)
        return {contract_key: (deployed.address, abi_name)}

    def from_receipt(ctx: Context, receipt: TxReceipt) -> Deployed:
        address = receipt["contractAddress"]
        if address is None:
            raise LookupError(f"the receipt of {contract_key} created no contract")
        return {contract_key: (str(address), abi_name)}

    return Step(f"deploy.{contract_key}", title, send, from_receipt, gas_budget)


def call_step(key: str, title: str, call: Callable[[Context], ContractFunction], *, gas_budget: int) -> Step:
    """Send ``call(ctx)`` from the deployer (wiring: nothing is deployed)."""

    def send(ctx: Context) -> Deployed:
        ctx.evm.send(call(ctx), ctx.deployer)
        return {}

    return Step(f"wire.{key}", title, send, lambda ctx, receipt: {}, gas_budget)


def method_step(
    key: str,
    title: str,
    contract_key: str,
    function: str,
    args: Callable[[Context], Sequence[Any]] = lambda ctx: (),
    *,
    gas_budget: int,
) -> Step:
    """Call ``function(*args(ctx))`` on the contract at ``contracts.<contract_key>`` from the deployer."""
    return call_step(
        key, title, lambda ctx: ctx.contract(contract_key).functions[function](*args(ctx)), gas_budget=gas_budget
    )


def existing_step(contract_key: str, address: str, abi: str, title: str) -> Step:
    """Record a contract that already exists (no transaction; the pre-flight checks it has code)."""
    return Step(
        f"use.{contract_key}",
        title,
        lambda ctx: {contract_key: (address, abi)},
        lambda ctx, receipt: {contract_key: (address, abi)},
        0,
        sends_transaction=False,
    )


def tx_hash_hex(value: HexBytes | bytes) -> str:
    return "0x" + bytes(value).hex()
