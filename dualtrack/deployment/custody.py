"""Steps that make a protocol contract a verified custodian holder of listed stocks.

The margin vault, the pool's stock capital and any later contract that holds stock tokens for many
investors at once need the same three things from each stock: an identity of their own with the KYC
claim of the configured signer, a registration in the stock's identity registry, and a mark as custodian
in the stock's max-balance module (which then counts what the contract holds as its depositors', not as
one investor's; ``ICustodianModule``). The deployer sets the identity up, then hands it to its manager.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3.contract import Contract
from web3.contract.contract import ContractFunction

from dualtrack.claims import ECDSA_KEY_TYPE, ClaimTopic, KeyPurpose, key_hash
from dualtrack.deployment.config import StockConfig
from dualtrack.deployment.steps import Context, Step, call_step, deploy_step
from dualtrack.identity import deploy_identity, signed_claim


@dataclass(frozen=True)
class CustodianHolder:
    """A contract that holds stock tokens for its depositors, by its manifest keys."""

    holder_key: str  # the contract (the proxy, where there is one)
    identity_key: str  # its ONCHAINID identity
    label: str  # how the plan names it ("margin vault")
    country: int  # its country in each stock's identity registry


def custodian_holder_steps(
    holder: CustodianHolder, stocks: list[StockConfig], manager: str, deployer: str
) -> list[Step]:
    """``holder``'s identity and KYC claim, its registration and custodian mark in each of ``stocks``, then
    the identity handed to ``manager`` unless that is the deployer (nothing when there is no stock)."""
    if not stocks:
        return []

    def identity(ctx: Context) -> Contract:
        return ctx.contract(holder.identity_key)

    def add_claim(ctx: Context) -> ContractFunction:
        config = ctx.config
        signer = ctx.signing_key((config.kyc.claim_signer if config is not None else None) or ctx.deployer)
        wallet = ctx.address(holder.holder_key)
        claim = signed_claim(identity(ctx), ctx.address("kyc.issuer"), signer.key, int(ClaimTopic.KYC), wallet.encode())
        return identity(ctx).functions.addClaim(*claim.as_args())

    steps = [
        deploy_step(
            holder.identity_key,
            "Identity",
            f"{holder.label}: identity (managed by the deployer until handed over)",
            create=lambda ctx: deploy_identity(ctx.evm, ctx.deployer),
            gas_budget=2_600_000,
        ),
        call_step(
            f"{holder.identity_key}.kyc_claim", f"{holder.label}: signed KYC claim", add_claim, gas_budget=400_000
        ),
    ]
    for stock in stocks:
        steps += stock_custody_steps(holder, stock)
    if manager != deployer:
        steps += identity_handover_steps(holder, manager)
    return steps


def stock_custody_steps(holder: CustodianHolder, stock: StockConfig) -> list[Step]:
    """``holder`` registered in ``stock``'s identity registry and marked custodian in its max-balance
    module, by the stock's owner."""

    def register(ctx: Context) -> ContractFunction:
        registry = ctx.contract(f"{stock.symbol.lower()}.identity_registry")
        return registry.functions.registerIdentity(
            ctx.address(holder.holder_key), ctx.address(holder.identity_key), holder.country
        )

    def exempt(ctx: Context) -> ContractFunction:
        compliance = ctx.contract(f"{stock.symbol.lower()}.compliance")
        module = ctx.contract("modules.MaxBalanceModule")
        data = module.encode_abi("setCustodian", args=[ctx.address(holder.identity_key), True])
        return compliance.functions.callModuleFunction(data, module.address)

    return [
        call_step(
            f"{holder.identity_key}.register.{stock.symbol}",
            f"{holder.label}: a verified holder of {stock.symbol} (country {holder.country})",
            register,
            gas_budget=250_000,
        ),
        call_step(
            f"{holder.identity_key}.custodian.{stock.symbol}",
            f"{holder.label}: a custodian in {stock.symbol}'s max-balance module",
            exempt,
            gas_budget=120_000,
        ),
    ]


def identity_handover_steps(holder: CustodianHolder, manager: str) -> list[Step]:
    """``manager`` added as a management key of ``holder``'s identity, then the deployer's key removed."""
    key = holder.identity_key
    return [
        call_step(
            f"{key}.manager_key",
            f"{holder.label}: {manager} manages the identity",
            lambda ctx: ctx.contract(key).functions.addKey(
                key_hash(manager), int(KeyPurpose.MANAGEMENT), ECDSA_KEY_TYPE
            ),
            gas_budget=160_000,
        ),
        call_step(
            f"{key}.release",
            f"{holder.label}: the deployer's key removed from the identity",
            lambda ctx: ctx.contract(key).functions.removeKey(key_hash(ctx.deployer), int(KeyPurpose.MANAGEMENT)),
            gas_budget=120_000,
        ),
    ]
