"""The ``pool`` section of the plan (with a ``[pool]`` section): the main liquidity pool, the insurance pool
and the stock capital, each an implementation behind a ProtocolProxy initialised in the same transaction,
then wired together: the pool as the vault's counterparty (whose vault credit pays traders' profit), the
insurance pool as the vault's insurance (penalties) and loss absorber (bad debt), with its unstaking
delay; the stock capital as the pool's (its tranches share the pool's result pro rata to their risk
value), with each configured stock listed, the DividendDistributor paying it as a custodian, and itself
a verified custodian holder of each stock (its own identity and KYC claim).

Runs after the ``margin`` section (the pool reads the vault's settlement asset when initialised) and
before ``roles`` (whose wiring maps the pools' restricted functions, see ``governed_contracts``).
"""

from __future__ import annotations

from typing import Any

from dualtrack.deployment.config import DeploymentConfig, PoolConfig, StockConfig, StockTrancheConfig, whole_to_raw
from dualtrack.deployment.custody import CustodianHolder, custodian_holder_steps
from dualtrack.deployment.steps import Context, Step, deploy_step, method_step
from dualtrack.liquidity_pool import RiskConfig
from dualtrack.stock_capital import AuctionConfig
from dualtrack.stock_capital import StockConfig as TrancheSettings

POOL = "pool.liquidity_pool"  # manifest keys (the proxies, with the implementations' ABIs)
INSURANCE = "pool.insurance"
STOCK_CAPITAL = "pool.stock_capital"
STOCK_CAPITAL_IDENTITY = "pool.stock_capital.identity"
VAULT = "margin.vault"
MANAGER = "governance.access_manager"
MAX_UINT128 = 2**128 - 1
POOL_GAS = {
    "LiquidityPool": 6_000_000,
    "InsurancePool": 4_500_000,
    "StockCapital": 6_000_000,
    "StockCapitalAdminModule": 3_000_000,
    "ProtocolProxy": 700_000,  # with `initialize` (ERC-20 name and symbol, settings)
}


def pool_steps(config: DeploymentConfig, deployer: str) -> list[Step]:
    """The pools and their wiring into the vault (nothing without ``[pool]``)."""
    pool = config.pool
    if pool is None:
        return []
    return [
        *liquidity_pool_steps(pool),
        *insurance_steps(pool),
        *vault_wiring_steps(),
        *stock_capital_steps(config, pool, deployer),
    ]


def pool_stocks(config: DeploymentConfig) -> list[StockConfig]:
    """The listed stocks the pool's stock capital takes."""
    if config.pool is None:
        return []
    return [stock for t in config.pool.stock_capital.stocks if (stock := config.listed_stock(t.symbol)) is not None]


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


def stock_capital_steps(config: DeploymentConfig, pool: PoolConfig, deployer: str) -> list[Step]:
    """StockCapital (its admin module, implementation and proxy), set as the pool's, its stocks listed, the
    dividend custody both ways, and the contract a verified custodian holder of each of its stocks."""
    settings = pool.stock_capital
    auction = AuctionConfig(settings.auction_premium_bps, settings.auction_max_discount_bps, settings.auction_duration)

    def proxy_args(ctx: Context) -> tuple[str, bytes]:
        implementation = ctx.contract("pool.implementations.stock_capital")
        wiring = [
            ctx.address(MANAGER),
            ctx.address("oracle.price_oracle"),
            ctx.address("stablecoin"),
            ctx.address(POOL),
        ]
        init = implementation.encode_abi("initialize", args=[*wiring, auction.as_tuple(), settings.lock_period])
        return implementation.address, bytes.fromhex(init[2:])

    steps = [
        deploy_step(
            "pool.modules.stock_capital_admin",
            "StockCapitalAdminModule",
            "StockCapitalAdminModule: run by DELEGATECALL in the stock capital",
            gas_budget=POOL_GAS["StockCapitalAdminModule"],
        ),
        deploy_step(
            "pool.implementations.stock_capital",
            "StockCapital",
            "StockCapital implementation (behind its ProtocolProxy)",
            args=lambda ctx: (ctx.address("pool.modules.stock_capital_admin"),),
            gas_budget=POOL_GAS["StockCapital"],
        ),
        deploy_step(
            STOCK_CAPITAL,
            "ProtocolProxy",
            f"StockCapital: its ProtocolProxy, initialised in the same transaction (deposits locked "
            f"{settings.lock_period} s)",
            args=proxy_args,
            abi="StockCapital",
            gas_budget=POOL_GAS["ProtocolProxy"],
        ),
        method_step(
            "pool.stock_capital.set",
            "liquidity pool: the stock capital shares its result",
            POOL,
            "setStockCapital",
            lambda ctx: (ctx.address(STOCK_CAPITAL),),
            gas_budget=90_000,
        ),
        method_step(
            "pool.stock_capital.dividends.custodian",
            "DividendDistributor: the stock capital is a custodian (paid gross, passed through to its LPs)",
            "corporate.dividends",
            "setCustodian",
            lambda ctx: (ctx.address(STOCK_CAPITAL), True),
            gas_budget=85_000,
        ),
        method_step(
            "pool.stock_capital.dividends.distributor",
            "stock capital: accepts the DividendDistributor's payments",
            STOCK_CAPITAL,
            "setDistributor",
            lambda ctx: (ctx.address("corporate.dividends"),),
            gas_budget=85_000,
        ),
    ]
    steps += [tranche_step(config, tranche) for tranche in settings.stocks]
    holder = CustodianHolder(STOCK_CAPITAL, STOCK_CAPITAL_IDENTITY, "stock capital", settings.country)
    manager = (config.margin.identity_manager if config.margin is not None else None) or config.roles.admin or deployer
    return steps + custodian_holder_steps(holder, pool_stocks(config), manager, deployer)


def tranche_step(config: DeploymentConfig, tranche: StockTrancheConfig) -> Step:
    """List ``tranche``'s stock in the stock capital (its feed is the one bound to its token)."""
    stock = config.listed_stock(tranche.symbol)
    feed = config.stock_feed(tranche.symbol)
    assert stock is not None and feed is not None  # checked when the configuration was loaded
    settings = TrancheSettings(
        feed_id=feed.feed_id,
        open_weight_bps=tranche.open_weight_bps,
        closed_weight_bps=tranche.closed_weight_bps,
        cap=whole_to_raw(tranche.cap, stock.decimals),
    )
    return method_step(
        f"pool.stock_capital.stocks.{tranche.symbol}",
        f"stock capital: {tranche.symbol} listed ({tranche.open_weight_bps} / {tranche.closed_weight_bps} bps "
        f"backs risk open / closed, cap {tranche.cap})",
        STOCK_CAPITAL,
        "listStock",
        lambda ctx: (ctx.address(f"{tranche.symbol.lower()}.token"), settings.as_tuple()),
        gas_budget=200_000,
    )


def pool_record(ctx: Context) -> dict[str, Any]:
    """The manifest's ``pool`` entry: the liquidity pool, the insurance pool, the stock capital and the
    stocks its tranches take, by symbol."""
    config = ctx.config
    assert config is not None and config.pool is not None
    stocks = {t.symbol: ctx.address(f"{t.symbol.lower()}.token") for t in config.pool.stock_capital.stocks}
    return {
        "address": ctx.address(POOL),
        "insurance": ctx.address(INSURANCE),
        "stock_capital": ctx.address(STOCK_CAPITAL),
        "stocks": stocks,
    }
