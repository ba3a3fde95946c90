"""The ``pool`` section of the plan (with a ``[pool]`` section): the main liquidity pool and the insurance
pool, each an implementation behind a ProtocolProxy initialised in the same transaction, then wired into
the margin vault: the pool as its counterparty (whose vault credit pays traders' profit), the insurance
pool as its insurance (penalties) and loss absorber (bad debt), with its unstaking delay.

Runs after the ``margin`` section (the pool reads the vault's settlement asset when initialised) and
before ``roles`` (whose wiring maps the pools' restricted functions, see ``governed_contracts``).
"""

from __future__ import annotations

from dualtrack.deployment.config import DeploymentConfig, PoolConfig, whole_to_raw
from dualtrack.deployment.steps import Context, Step, deploy_step, method_step
from dualtrack.liquidity_pool import RiskConfig

POOL = "pool.liquidity_pool"  # manifest keys (the proxies, with the implementations' ABIs)
INSURANCE = "pool.insurance"
VAULT = "margin.vault"
MANAGER = "governance.manager"
MAX_UINT128 = 2**128 - 1
POOL_GAS = {
    "LiquidityPool": 6_000_000,
    "InsurancePool": 4_500_000,
    "ProtocolProxy": 700_000,  # with `initialize` (ERC-20 name and symbol, settings)
}


def pool_steps(config: DeploymentConfig) -> list[Step]:
    """The pools and their wiring into the vault (nothing without ``[pool]``)."""
    pool = config.pool
    if pool is None:
        return []
    return [*liquidity_pool_steps(pool), *insurance_steps(pool), *vault_wiring_steps()]


def stablecoin_decimals(ctx: Context) -> int:
    """The settlement stablecoin's decimals, read from the token (a mock's are 6)."""
    return int(ctx.contract("stablecoin").functions.decimals().call())


def risk_config(pool: PoolConfig, decimals: int) -> RiskConfig:
    """``[pool.risk]`` as ILiquidityPool.RiskConfig (the growth floor in raw units of the stablecoin)."""
    risk = pool.risk
    return RiskConfig(
        epoch_duration=risk.epoch_duration,
        max_utilisation_bps=risk.max_utilisation_bps,
        receivables_haircut_bps=risk.receivables_haircut_bps,
        adl_pnl_factor_bps=risk.adl_pnl_factor_bps,
        growth_cap_bps=risk.growth_cap_bps,
        growth_floor=whole_to_raw(risk.growth_floor, decimals),
    )


def liquidity_pool_steps(pool: PoolConfig) -> list[Step]:
    def proxy_args(ctx: Context) -> tuple[str, bytes]:
        implementation = ctx.contract("pool.implementations.liquidity_pool")
        risk = risk_config(pool, stablecoin_decimals(ctx)).as_tuple()
        init = implementation.encode_abi(
            "initialize", args=[ctx.address(MANAGER), ctx.address(VAULT), risk, pool.name, pool.symbol]
        )
        return implementation.address, bytes.fromhex(init[2:])

    return [
        deploy_step(
            "pool.implementations.liquidity_pool",
            "LiquidityPool",
            "LiquidityPool implementation (behind the pool's ProtocolProxy)",
            gas_budget=POOL_GAS["LiquidityPool"],
        ),
        deploy_step(
            POOL,
            "ProtocolProxy",
            f"LiquidityPool: its ProtocolProxy, initialised in the same transaction ({pool.symbol} shares, "
            f"{pool.risk.epoch_duration} s epochs)",
            args=proxy_args,
            abi="LiquidityPool",
            gas_budget=POOL_GAS["ProtocolProxy"],
        ),
    ]


def insurance_steps(pool: PoolConfig) -> list[Step]:
    insurance = pool.insurance

    def proxy_args(ctx: Context) -> tuple[str, bytes]:
        implementation = ctx.contract("pool.implementations.insurance")
        max_draw = MAX_UINT128
        if insurance.max_draw is not None:
            max_draw = whole_to_raw(insurance.max_draw, stablecoin_decimals(ctx))
        init = implementation.encode_abi(
            "initialize",
            args=[
                ctx.address(MANAGER),
                ctx.address(VAULT),
                insurance.name,
                insurance.symbol,
                insurance.max_draw_bps,
                max_draw,
            ],
        )
        return implementation.address, bytes.fromhex(init[2:])

    return [
        deploy_step(
            "pool.implementations.insurance",
            "InsurancePool",
            "InsurancePool implementation (behind the insurance pool's ProtocolProxy)",
            gas_budget=POOL_GAS["InsurancePool"],
        ),
        deploy_step(
            INSURANCE,
            "ProtocolProxy",
            f"InsurancePool: its ProtocolProxy, initialised in the same transaction (one event draws at most "
            f"{insurance.max_draw_bps} bps of its assets)",
            args=proxy_args,
            abi="InsurancePool",
            gas_budget=POOL_GAS["ProtocolProxy"],
        ),
        method_step(
            "pool.insurance.unstake_delay",
            f"insurance pool: unstaking takes {insurance.unstake_delay} s",
            INSURANCE,
            "setUnstakeDelay",
            lambda ctx: (insurance.unstake_delay,),
            gas_budget=70_000,
        ),
    ]


def vault_wiring_steps() -> list[Step]:
    """The vault's counterparty, insurance and loss absorber: the pools just deployed."""
    return [
        method_step(
            "margin.counterparty",
            "vault: the counterparty is the liquidity pool",
            VAULT,
            "setCounterparty",
            lambda ctx: (ctx.address(POOL),),
            gas_budget=90_000,
        ),
        method_step(
            "margin.insurance",
            "vault: the insurance pool is its insurance (and gets its vault account)",
            VAULT,
            "setInsurance",
            lambda ctx: (ctx.address(INSURANCE),),
            gas_budget=240_000,
        ),
        method_step(
            "margin.loss_absorber",
            "vault: the insurance pool absorbs bad debt first",
            VAULT,
            "setLossAbsorber",
            lambda ctx: (ctx.address(INSURANCE),),
            gas_budget=90_000,
        ),
    ]
