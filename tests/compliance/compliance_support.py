"""Helpers for the compliance tests: movement builders, parties and a compliance suite handle."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from eth_utils.address import to_checksum_address
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError
from web3.types import TxReceipt

from dualtrack.chain import Chain, Reverted, _revert_data
from dualtrack.governance import Role, has_role, manager_of
from dualtrack.proxy import deploy_proxied
from tests.support import ZERO

MODULE_NAMES = (
    "CountryRestrictModule",
    "CountryAllowModule",
    "MaxBalanceModule",
    "MaxHoldersModule",
    "SupplyLimitModule",
    "LockupModule",
    "TimeWindowLimitsModule",
)


class Kind(IntEnum):
    TRANSFER = 0
    MINT = 1
    BURN = 2
    FORCED = 3
    RECOVERY = 4
    REKEY = 5


def addr(tag: int) -> str:
    """A fixed, readable address (wallets and identities need no code)."""
    return to_checksum_address(f"0x{tag:040x}")


@dataclass(frozen=True)
class Party:
    """A wallet with its identity and country, as the token resolves them."""

    wallet: str
    identity: str
    country: int


NOBODY = Party(ZERO, ZERO, 0)


def movement(kind: Kind, src: Party | None, dst: Party | None, amount: int) -> tuple[Any, ...]:
    """The Movement tuple (kind, from, to, fromIdentity, toIdentity, fromCountry, toCountry, amount)."""
    s = src or NOBODY
    d = dst or NOBODY
    return (int(kind), s.wallet, d.wallet, s.identity, d.identity, s.country, d.country, amount)


def send_at(evm: Chain, call: ContractFunction, sender: str, timestamp: int, gas: int = 3_000_000) -> TxReceipt:
    """Mine ``call`` in a block with exactly ``timestamp``; raise the decoded error if it reverts.

    The gas is given, so no estimate runs at another timestamp; a reverted transaction is mined
    and then replayed as a call on its own block (same state, same timestamp) to decode the error.
    """
    evm.set_next_timestamp(timestamp)
    receipt = evm.receipt(call.transact({"from": sender, "gas": gas}))
    if receipt["status"] == 1:
        return receipt
    try:
        call.call({"from": sender, "gas": gas}, block_identifier=receipt["blockNumber"])
    except (ContractCustomError, ContractLogicError, ContractPanicError) as error:
        raise evm.errors.decode(_revert_data(error)) from error
    raise Reverted("", (), b"")


@dataclass
class Suite:
    """A compliance bound to a mock token, owned by ``owner``."""

    evm: Chain
    owner: str
    compliance: Contract
    token: Contract
    registry: Contract

    def add(self, *modules: Contract) -> None:
        for module in modules:
            self.evm.send(self.compliance.functions.addModule(module.address), self.owner)

    def configure(self, module: Contract, function: str, *args: Any, at: int | None = None) -> TxReceipt:
        """Call a module's configuration function through `callModuleFunction` as the owner."""
        data = module.encode_abi(function, args=list(args))
        call = self.compliance.functions.callModuleFunction(data, module.address)
        return self.evm.send(call, self.owner) if at is None else send_at(self.evm, call, self.owner, at)

    def move(self, kind: Kind, src: Party | None, dst: Party | None, amount: int, at: int | None = None) -> TxReceipt:
        """Report a movement through the token (in a block at timestamp ``at`` if given)."""
        call = self.token.functions.moved(movement(kind, src, dst, amount))
        if at is None:
            return self.evm.send(call, self.owner)
        return send_at(self.evm, call, self.owner, at)

    def can_move(self, kind: Kind, src: Party | None, dst: Party | None, amount: int) -> bool:
        return bool(self.compliance.functions.canMove(movement(kind, src, dst, amount)).call())

    def mint(self, dst: Party, amount: int, at: int | None = None) -> TxReceipt:
        return self.move(Kind.MINT, None, dst, amount, at)

    def transfer(self, src: Party, dst: Party, amount: int, at: int | None = None) -> TxReceipt:
        return self.move(Kind.TRANSFER, src, dst, amount, at)

    def burn(self, src: Party, amount: int, at: int | None = None) -> TxReceipt:
        return self.move(Kind.BURN, src, None, amount, at)

    def register(self, *parties: Party) -> None:
        for p in parties:
            self.evm.send(self.registry.functions.setIdentity(p.wallet, p.identity, p.country), self.owner)


def new_suite(evm: Chain, authority: Contract, owner: str, *, bind: bool = True) -> Suite:
    """Deploy a registry, a mock token and a proxied compliance owned by ``owner`` (a node account that
    holds UPGRADER on the authority's AccessManager deploys, since it registers the implementation on
    first use)."""
    manager = manager_of(evm, authority)
    deployer = next(account for account in evm.accounts if has_role(manager, Role.UPGRADER, account) == (True, 0))
    registry = evm.deploy("MockComplianceRegistry", sender=deployer)
    token = evm.deploy("MockComplianceToken", registry.address, sender=deployer)
    compliance = deploy_proxied(evm, authority, "ModularCompliance", (owner,), sender=deployer)
    evm.send(token.functions.setCompliance(compliance.address), owner)
    if bind:
        evm.send(compliance.functions.bindToken(token.address), owner)
    return Suite(evm, owner, compliance, token, registry)


# Parties used across the module tests: two wallets of identity A (France), one of B (Germany),
# one of C (United States).
FR, DE, US = 250, 276, 840
ID_A, ID_B, ID_C = addr(0xA0), addr(0xB0), addr(0xC0)
A1 = Party(addr(0xA1), ID_A, FR)
A2 = Party(addr(0xA2), ID_A, FR)
B1 = Party(addr(0xB1), ID_B, DE)
C1 = Party(addr(0xC1), ID_C, US)
