"""The protocol's roles from Python: one AccessManager, named roles, timelocked calls.

Every protocol contract (EquityPriceOracle, SequencerSentinel, CorporateActions, DividendDistributor,
SuiteFactory, SuiteAuthority) is ``AccessManaged`` by one ``ProtocolAccessManager`` (OpenZeppelin's
AccessManager with the role ids of ``contracts/libraries/Roles.sol``). ERC-3643 suite contracts are not:
they keep their owner and agents as the standard defines them.

- :class:`Role` names the role ids; :data:`FUNCTION_ROLES` is the function-to-role map the deployment
  wires on every target (``setTargetFunctionRole``); a function left out needs ADMIN.
- :func:`deploy_access_manager`, :func:`wire_call` (one transaction per target), :func:`grant_role`,
  :func:`revoke_role`, :func:`has_role`.
- A holder granted a role with an execution delay (its timelock) cannot call at once: :func:`schedule`
  the call, then :func:`execute` it once the delay has passed (within a week); the proposer, ADMIN or the
  GUARDIAN (for every role but ADMIN) may :func:`cancel` it before; :func:`can_call` says which applies.
- :func:`single_admin_manager` is for tests and local scripts: one account holds every role with no delay.

See ``docs/governance.md`` for who holds what and ``docs/upgrades.md`` for what may be upgraded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum

from eth_abi.abi import encode as abi_encode
from eth_utils.abi import function_abi_to_4byte_selector
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from dualtrack.chain import Chain

MANAGER_CONTRACT = "ProtocolAccessManager"
PUBLIC_ROLE = 2**64 - 1  # AccessManager.PUBLIC_ROLE: a function mapped to it is open to everyone
OPERATION_EXPIRY = 7 * 86_400  # AccessManager.expiration(): a scheduled call not executed within it expires
MIN_SETBACK = 5 * 86_400  # AccessManager.minSetback(): the least time a reduced grant or target delay takes


class Role(IntEnum):
    """The role ids of ``Roles.sol`` (``ProtocolAccessManager.<NAME>_ROLE()``)."""

    ADMIN = 0  # grants and revokes roles, maps functions, opens and closes targets
    GUARDIAN = 1  # at once: cancels scheduled operations, removes reporters, pauses
    RISK_ADMIN = 2  # risk parameters, through its delay (the timelock)
    ORACLE_ADMIN = 3  # reporters, quorums, report timing, uptime feed, oracle wiring
    TREASURY = 4  # the dividend distributor's rates, tax account, custodians, trust list
    UPGRADER = 5  # suite implementations and the factory's version
    KEEPER = 6  # the trading track's keepers (no asset-track function needs it)


# Every role but ADMIN: what an account holding "every role" holds.
NAMED_ROLES = (Role.GUARDIAN, Role.RISK_ADMIN, Role.ORACLE_ADMIN, Role.TREASURY, Role.UPGRADER, Role.KEEPER)
# The roles whose scheduled operations the GUARDIAN may cancel (set by the manager's constructor).
GUARDED_ROLES = (Role.RISK_ADMIN, Role.ORACLE_ADMIN, Role.TREASURY, Role.UPGRADER, Role.KEEPER)

# Contract -> {restricted function -> role}. Every `restricted` function of every protocol contract is
# listed (tests/governance checks it against the ABIs); the deployment wires exactly this.
FUNCTION_ROLES: Mapping[str, Mapping[str, Role]] = {
    "SuiteAuthority": {"setImplementation": Role.UPGRADER},
    "SuiteFactory": {"setCurrentAuthority": Role.UPGRADER},
    "EquityPriceOracle": {
        "addReporter": Role.ORACLE_ADMIN,
        # At once: a removal can only make reports harder to pass (a compromised key goes now).
        "removeReporter": Role.GUARDIAN,
        "setQuorums": Role.ORACLE_ADMIN,
        "setReportTiming": Role.ORACLE_ADMIN,
        # Staleness bound per use and jump band: what the vault and the perps may trust.
        "configureFeed": Role.RISK_ADMIN,
        "setCorporateActions": Role.ORACLE_ADMIN,
        "setSequencerSentinel": Role.ORACLE_ADMIN,
    },
    "SequencerSentinel": {"setUptimeFeed": Role.ORACLE_ADMIN, "setGracePeriod": Role.RISK_ADMIN},
    "CorporateActions": {
        "setMinimumNotice": Role.RISK_ADMIN,
        "setMaintenanceLead": Role.RISK_ADMIN,
        "setPriceConfirmer": Role.ORACLE_ADMIN,
    },
    "DividendDistributor": {
        name: Role.TREASURY
        for name in (
            "setWithholdingRate",
            "clearWithholdingRate",
            "setDefaultWithholdingRate",
            "setTaxAccount",
            "setCustodian",
            "addTrustedFactory",
            "removeTrustedFactory",
            "setTokenAllowed",
        )
    },
    "MarginVault": {
        # Risk parameters: under RISK_ADMIN's delay (the timelock).
        **{
            name: Role.RISK_ADMIN
            for name in (
                "listAsset",
                "configureAsset",
                "registerMarket",
                "deregisterMarket",
                "setLiquidationConfig",
                "setUnrealizedProfitShare",
                "setDebtInterestRate",
                "setCounterparty",
                "setInsurance",
                "setLossAbsorber",
                "setDistributor",
            )
        },
        # Pauses: at once, never adding risk (withdrawals cannot be paused).
        "setAssetPaused": Role.GUARDIAN,
        "setVaultPaused": Role.GUARDIAN,
        "upgradeToAndCall": Role.UPGRADER,
    },
    "InsurancePool": {
        # Risk parameters: the unstaking delay, the per-event draw cap, who may report a loss (`cover`).
        **{name: Role.RISK_ADMIN for name in ("setUnstakeDelay", "setDrawCap", "setClaimant")},
        # Moves penalty collateral (never the stablecoin) out to be sold for stablecoin, under its delay.
        "releaseCollateral": Role.TREASURY,
        "upgradeToAndCall": Role.UPGRADER,
    },
    "FundingRateOracle": {
        # A market's funding parameters (skew scale, impact size, interest): under RISK_ADMIN's delay.
        "configureMarket": Role.RISK_ADMIN,
        "upgradeToAndCall": Role.UPGRADER,
    },
    "PerpMarket": {
        # Listing and configuring perp markets (margins, fees, caps, settlement timing), the pool asked before
        # open interest grows, where a stock perp's dividends come from, delisting a reduce-only market at a final
        # price: under RISK_ADMIN's delay.
        "listMarket": Role.RISK_ADMIN,
        "configureMarket": Role.RISK_ADMIN,
        "setPool": Role.RISK_ADMIN,
        "setDividendSource": Role.RISK_ADMIN,
        "delistMarket": Role.RISK_ADMIN,
        "upgradeToAndCall": Role.UPGRADER,
    },
    "LiquidityPool": {
        # Risk parameters (epochs, caps, haircut, ADL factor), markets and the stock capital: the timelock.
        **{name: Role.RISK_ADMIN for name in ("setRiskConfig", "addMarket", "removeMarket", "setStockCapital")},
        # At once, never adding risk: redemptions cannot be paused.
        "setDepositsPaused": Role.GUARDIAN,
        "upgradeToAndCall": Role.UPGRADER,
    },
    "StockCapital": {
        # Stocks, weights, caps, the auction, the lock and the wiring: under RISK_ADMIN's delay.
        **{
            name: Role.RISK_ADMIN
            for name in (
                "listStock",
                "configureStock",
                "setAuctionConfig",
                "setLockPeriod",
                "setPool",
                "setDistributor",
            )
        },
        # At once, never adding risk (withdrawals cannot be paused).
        "setDepositsPaused": Role.GUARDIAN,
        "upgradeToAndCall": Role.UPGRADER,
    },
}


# --------------------------------------------------------------------------- the manager


def deploy_access_manager(evm: Chain, admin: str) -> Contract:
    """Deploy a ProtocolAccessManager whose first ADMIN (no delay) is ``admin``, who also sends it."""
    return evm.deploy(MANAGER_CONTRACT, admin, sender=admin)


def manager_of(evm: Chain, governed: Contract) -> Contract:
    """The ProtocolAccessManager a protocol contract answers to (its ``authority()``)."""
    return evm.at(MANAGER_CONTRACT, governed.functions.authority().call())


def restricted_functions(target: Contract, contract_name: str) -> list[tuple[str, bytes, Role]]:
    """``contract_name``'s restricted functions (:data:`FUNCTION_ROLES`) as (name, selector, role), the
    selectors read from the ABI ``target`` is bound to."""
    return [
        (name, function_abi_to_4byte_selector(target.functions[name].abi), role)
        for name, role in FUNCTION_ROLES[contract_name].items()
    ]


def selectors_by_role(target: Contract, contract_name: str) -> dict[Role, list[bytes]]:
    """:func:`restricted_functions` grouped by role (one ``setTargetFunctionRole`` each)."""
    grouped: dict[Role, list[bytes]] = {}
    for _, selector, role in restricted_functions(target, contract_name):
        grouped.setdefault(role, []).append(selector)
    return grouped


def wire_call(manager: Contract, target: Contract, contract_name: str) -> ContractFunction:
    """One ``multicall`` mapping each of ``target``'s restricted functions to its role (sent by ADMIN)."""
    calls = [
        manager.encode_abi("setTargetFunctionRole", args=[target.address, selectors, int(role)])
        for role, selectors in selectors_by_role(target, contract_name).items()
    ]
    return manager.functions.multicall(calls)


def wire_target(evm: Chain, manager: Contract, target: Contract, contract_name: str, admin: str) -> TxReceipt:
    """Map ``target``'s restricted functions to their roles (``admin`` holds ADMIN with no delay)."""
    return evm.send(wire_call(manager, target, contract_name), admin)


def grant_role(evm: Chain, manager: Contract, role: Role, account: str, admin: str, *, delay: int = 0) -> TxReceipt:
    """Grant ``role`` to ``account`` with an execution ``delay`` in seconds (its timelock). Re-granting
    changes the delay: an increase applies at once, a decrease only after ``old - new`` seconds, so
    lowering a timelock never lets a change through sooner than the old one would have."""
    return evm.send(manager.functions.grantRole(int(role), account, delay), admin)


def revoke_role(evm: Chain, manager: Contract, role: Role, account: str, admin: str) -> TxReceipt:
    """Take ``role`` from ``account`` (at once)."""
    return evm.send(manager.functions.revokeRole(int(role), account), admin)


def has_role(manager: Contract, role: Role, account: str) -> tuple[bool, int]:
    """(whether ``account`` holds ``role`` now, its execution delay in seconds)."""
    member, delay = manager.functions.hasRole(int(role), account).call()
    return bool(member), int(delay)


def single_admin_manager(evm: Chain, admin: str) -> Contract:
    """A new manager in which ``admin`` is ADMIN and holds every named role, all without delay: what a
    local demo's deployer holds. For tests and local scripts; a real deployment uses ``[roles]``."""
    manager = deploy_access_manager(evm, admin)
    grants = [manager.encode_abi("grantRole", args=[int(role), admin, 0]) for role in NAMED_ROLES]
    evm.send(manager.functions.multicall(grants), admin)
    return manager


def deploy_governed(
    evm: Chain, admin: str, contract_name: str, authority: str | None, deploy: Callable[[str], Contract]
) -> Contract:
    """Deploy a protocol contract with ``deploy(manager_address)``.

    With an ``authority`` (the protocol's manager) the contract is only deployed: whoever holds ADMIN
    wires it (the deployment does it once everything is configured). Without one, a
    :func:`single_admin_manager` of ``admin`` is deployed first and the contract wired on it, so ``admin``
    may call every restricted function at once (tests, local scripts).
    """
    if authority is not None:
        return deploy(authority)
    manager = single_admin_manager(evm, admin)
    contract = deploy(manager.address)
    wire_target(evm, manager, contract, contract_name, admin)
    return contract


# --------------------------------------------------------------------------- delayed calls


@dataclass(frozen=True)
class Operation:
    """A scheduled call: ``caller`` may run ``data`` on ``target`` from ``ready_at`` (unix seconds)."""

    operation_id: bytes
    nonce: int
    ready_at: int
    caller: str
    target: str
    data: bytes

    @property
    def expires_at(self) -> int:
        """After this time the operation can no longer be executed (``AccessManagerExpired``)."""
        return self.ready_at + OPERATION_EXPIRY


def calldata(call: ContractFunction) -> bytes:
    """The calldata of ``call`` (what is scheduled and executed)."""
    return bytes.fromhex(call._encode_transaction_data()[2:])


def operation_id(caller: str, target: str, data: bytes) -> bytes:
    """AccessManager.hashOperation: keccak256(abi.encode(caller, target, data))."""
    return keccak(abi_encode(["address", "address", "bytes"], [caller, target, data]))


def can_call(manager: Contract, caller: str, call: ContractFunction) -> tuple[bool, int]:
    """(whether ``caller`` may send ``call`` at once, the delay it must schedule it with otherwise).
    ``(False, 0)``: it may not call it at all."""
    immediate, delay = manager.functions.canCall(caller, call.address, calldata(call)[:4]).call()
    return bool(immediate), int(delay)


def schedule(evm: Chain, manager: Contract, call: ContractFunction, sender: str, *, when: int = 0) -> Operation:
    """Schedule ``call`` by ``sender`` (a holder of its role with an execution delay) for ``when``
    (0: as soon as the delay allows). Reverts ``AccessManagerUnauthorizedCall`` for a sender without the
    role or without a delay, ``AccessManagerAlreadyScheduled`` for the same pending call."""
    data = calldata(call)
    receipt = evm.send(manager.functions.schedule(call.address, data, when), sender)
    (event,) = evm.events(receipt, manager, "OperationScheduled")
    return Operation(
        operation_id=bytes(event["operationId"]),
        nonce=int(event["nonce"]),
        ready_at=int(event["schedule"]),
        caller=to_checksum_address(event["caller"]),
        target=to_checksum_address(event["target"]),
        data=bytes(event["data"]),
    )


def execute(evm: Chain, manager: Contract, call: ContractFunction, sender: str) -> TxReceipt:
    """Run ``call`` through the manager: a scheduled call once ready (``AccessManagerNotReady`` before,
    ``AccessManagerNotScheduled`` if never scheduled or cancelled), or an immediate one."""
    return evm.send(manager.functions.execute(call.address, calldata(call)), sender)


def cancel(evm: Chain, manager: Contract, operation: Operation, sender: str) -> TxReceipt:
    """Cancel ``operation``: by its proposer, an ADMIN, or the guardian of the role its function needs
    (``AccessManagerUnauthorizedCancel`` otherwise)."""
    return evm.send(manager.functions.cancel(operation.caller, operation.target, operation.data), sender)


def scheduled_at(manager: Contract, operation: Operation) -> int:
    """When ``operation`` becomes executable; 0 once executed, cancelled or expired."""
    return int(manager.functions.getSchedule(operation.operation_id).call())
