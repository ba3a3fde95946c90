"""Fixtures for the role tests: one protocol's contracts under one ProtocolAccessManager, a holder per role.

``council`` deploys every protocol contract the AccessManager governs (SuiteAuthority, SuiteFactory,
EquityPriceOracle, SequencerSentinel, CorporateActions, DividendDistributor, MarginVault, LiquidityPool,
InsurancePool, StockCapital) with the same manager, maps their functions to roles exactly as a deployment does
(:data:`dualtrack.governance.FUNCTION_ROLES`) and gives each role its own holder, without delay (tests grant
delays where they need them):
``issuer`` is ADMIN, ``agent`` GUARDIAN, ``alice`` RISK_ADMIN, ``bob`` ORACLE_ADMIN, ``keeper`` KEEPER,
and two fresh accounts hold TREASURY and UPGRADER. ``lp`` holds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.corporate import deploy_corporate_actions
from dualtrack.dividends import deploy_dividend_distributor
from dualtrack.funding import deploy_funding_oracle
from dualtrack.governance import FUNCTION_ROLES, Role, calldata, deploy_access_manager, grant_role, wire_target
from dualtrack.insurance import deploy_insurance_pool
from dualtrack.liquidity_pool import deploy_liquidity_pool
from dualtrack.margin import deploy_margin_vault
from dualtrack.oracle import deploy_oracle, reporter_accounts
from dualtrack.perp import deploy_perp_market
from dualtrack.proxy import deploy_authority
from dualtrack.sequencer import deploy_sentinel, deploy_uptime_feed
from dualtrack.stock_capital import deploy_stock_capital
from tests.support import ZERO

GRACE = 3_600
# A fixed gas limit for calls placed at a set time (an estimate would run at another time).
TIMED_GAS = 1_000_000


@dataclass(frozen=True)
class Council:
    """The governed contracts (by contract name), their manager and who holds which role."""

    evm: Chain
    manager: Contract
    contracts: dict[str, Contract]
    holders: dict[Role, str]
    outsider: str  # holds no role

    def holder(self, role: Role) -> str:
        return self.holders[role]

    @property
    def oracle(self) -> Contract:
        return self.contracts["EquityPriceOracle"]

    @property
    def sentinel(self) -> Contract:
        return self.contracts["SequencerSentinel"]

    @property
    def authority(self) -> Contract:
        return self.contracts["SuiteAuthority"]


@pytest.fixture(scope="session")
def council(evm: Chain, issuer: str, agent: str, alice: str, bob: str, keeper: str, lp: str) -> Council:
    manager = deploy_access_manager(evm, issuer)
    authority = manager.address
    suite_authority = deploy_authority(evm, issuer, authority=authority)
    oracle = deploy_oracle(evm, issuer, [a.address for a in reporter_accounts(5)], 3, 4, authority=authority)
    contracts = {
        "SuiteAuthority": suite_authority,
        "SuiteFactory": evm.deploy("SuiteFactory", authority, suite_authority.address, sender=issuer),
        "EquityPriceOracle": oracle,
        "SequencerSentinel": deploy_sentinel(evm, issuer, deploy_uptime_feed(evm, keeper), GRACE, authority=authority),
        "CorporateActions": deploy_corporate_actions(evm, issuer, oracle.address, authority=authority),
        "DividendDistributor": deploy_dividend_distributor(evm, issuer, lp, authority=authority),
        "MarginVault": deploy_margin_vault(evm, issuer, oracle.address, _settlement(evm, issuer), authority=authority),
        "StockCapital": deploy_stock_capital(
            evm, issuer, oracle.address, _settlement(evm, issuer), authority=authority
        ),
    }
    vault = contracts["MarginVault"].address
    contracts["InsurancePool"] = deploy_insurance_pool(evm, issuer, vault, authority=authority)
    contracts["LiquidityPool"] = deploy_liquidity_pool(evm, issuer, contracts["MarginVault"], authority=authority)
    contracts["FundingRateOracle"] = deploy_funding_oracle(evm, issuer, authority=authority)
    contracts["PerpMarket"] = deploy_perp_market(
        evm,
        issuer,
        vault=vault,
        price_oracle=oracle.address,
        funding_oracle=contracts["FundingRateOracle"].address,
        settlement_decimals=6,
        authority=authority,
    )
    assert set(contracts) == set(FUNCTION_ROLES)
    for name, contract in contracts.items():
        wire_target(evm, manager, contract, name, issuer)
    holders = {
        Role.ADMIN: issuer,
        Role.GUARDIAN: agent,
        Role.RISK_ADMIN: alice,
        Role.ORACLE_ADMIN: bob,
        Role.TREASURY: evm.new_account(),
        Role.UPGRADER: evm.new_account(),
        Role.KEEPER: keeper,
    }
    for role, holder in holders.items():
        if role is not Role.ADMIN:
            grant_role(evm, manager, role, holder, issuer)
    return Council(evm=evm, manager=manager, contracts=contracts, holders=holders, outsider=lp)


def _settlement(evm: Chain, issuer: str) -> str:
    return str(evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", issuer, sender=issuer).address)


def zero_value(param: dict[str, Any]) -> Any:
    """The zero value of an ABI parameter (to reach a function's access check with any arguments)."""
    kind = str(param["type"])
    if kind.endswith("]"):
        return []
    if kind == "tuple":
        return tuple(zero_value(component) for component in param["components"])
    if kind == "address":
        return ZERO
    if kind == "bool":
        return False
    if kind == "string":
        return ""
    if kind.startswith("bytes"):
        size = kind.removeprefix("bytes")
        return b"\x00" * int(size) if size else b""
    return 0


def zero_call(contract: Contract, function: str) -> ContractFunction:
    """``function`` of ``contract`` with every argument zero."""
    (entry,) = [e for e in contract.abi if e.get("type") == "function" and e["name"] == function]
    return contract.functions[function](*(zero_value(param) for param in entry["inputs"]))


def probe_call(council: Council, name: str, function: str) -> ContractFunction:
    """``function`` of the council's ``name`` with arguments that pass every check but the role's, or fail
    a later one by name: zeros, except for a UUPS upgrade, which gets an address with code that is no
    implementation (to the zero address, without code, its try/catch would revert with no reason)."""
    contract = council.contracts[name]
    if function == "upgradeToAndCall":
        return contract.functions.upgradeToAndCall(council.manager.address, b"")
    return zero_call(contract, function)


def execute_at(evm: Chain, manager: Contract, call: ContractFunction, sender: str, timestamp: int) -> TxReceipt:
    """``execute`` a scheduled (or immediate) ``call`` through the manager in a block at ``timestamp``."""
    return evm.send_at(manager.functions.execute(call.address, calldata(call)), sender, timestamp, gas=TIMED_GAS)
