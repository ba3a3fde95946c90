"""The ``perp`` section of the plan (with a ``[perp]`` section): the FundingRateOracle and the PerpMarket (with its
settings module), each an implementation behind a ProtocolProxy initialised in the same transaction, the
PerpLens, every configured market (its funding on the oracle, naming the market contract, then its listing and,
for a stock's market passing dividends through, its dividend source: the protocol's DividendDistributor),
and the market's registration on the vault and, with a ``[pool]``, on the liquidity pool (which it then asks
before open interest grows).

Runs after the ``pool`` section and before ``roles`` (whose wiring maps the perps' restricted functions, see
``governed_contracts``): until then the deployer, ADMIN, calls them.
"""

from __future__ import annotations

from decimal import Decimal

from dualtrack.deployment.config import DeploymentConfig, PerpMarketSettings, whole_to_raw
from dualtrack.deployment.pool_plan import POOL, stablecoin_decimals
from dualtrack.deployment.steps import Context, Step, deploy_step, method_step
from dualtrack.funding import FundingConfig
from dualtrack.oracle import feed_id
from dualtrack.perp import NO_DIVIDEND_SOURCE, DividendSource, MarketConfig
from dualtrack.units import BPS

PERP_MARKET = "perp.market"  # manifest keys (the proxies, with the implementations' ABIs)
FUNDING_ORACLE = "perp.funding_oracle"
PERP_LENS = "perp.lens"
VAULT = "margin.vault"
MANAGER = "governance.access_manager"
DISTRIBUTOR = "corporate.dividends"
WAD = 10**18
PERP_GAS = {
    "FundingRateOracle": 2_500_000,
    "PerpMarket": 6_000_000,
    "PerpMarketModule": 5_000_000,
    "PerpLens": 1_600_000,
    "ProtocolProxy": 460_000,  # with `initialize`
}


def perp_steps(config: DeploymentConfig) -> list[Step]:
    """The perps and their wiring into the vault and the pool (nothing without ``[perp]``)."""
    perp = config.perp
    if perp is None:
        return []
    steps = [*_contract_steps(), *(step for market in perp.markets for step in _market_steps(config, market))]
    steps.append(
        method_step(
            "perp.vault_market",
            "vault: the perp market is a registered market",
            VAULT,
            "registerMarket",
            lambda ctx: (ctx.address(PERP_MARKET),),
            gas_budget=120_000,
        )
    )
    if config.pool is not None:
        steps += [
            method_step(
                "perp.pool_market",
                "liquidity pool: the perp market reports traders' PnL to it",
                POOL,
                "addMarket",
                lambda ctx: (ctx.address(PERP_MARKET),),
                gas_budget=120_000,
            ),
            method_step(
                "perp.pool",
                "perp market: asks the liquidity pool before open interest grows",
                PERP_MARKET,
                "setPool",
                lambda ctx: (ctx.address(POOL),),
                gas_budget=80_000,
            ),
        ]
    return steps


def market_config(market: PerpMarketSettings, stablecoin_decimals: int) -> MarketConfig:
    """``[[perp.markets]]`` as IPerpMarket.MarketConfig (whole units to base units, fractions to WAD)."""
    return MarketConfig(
        feed_id=feed_id(market.feed),
        skew_scale=_wad(market.skew_scale),
        max_open_interest=_wad(market.max_open_interest),
        maker_fee_bps=market.maker_fee_bps,
        taker_fee_bps=market.taker_fee_bps,
        initial_margin_ratio=_wad(market.initial_margin_ratio),
        min_initial_margin_ratio=_wad(market.min_initial_margin_ratio),
        maintenance_scalar=_wad(market.maintenance_scalar),
        min_position_margin=_wad(market.min_position_margin),
        settlement_delay=market.settlement_delay,
        settlement_window=market.settlement_window,
        min_keeper_fee=whole_to_raw(market.min_keeper_fee, stablecoin_decimals),
        max_keeper_fee=whole_to_raw(market.max_keeper_fee, stablecoin_decimals),
        closed_min_initial_margin_ratio=_wad(market.closed_min_initial_margin_ratio or Decimal(0)),
        closed_max_open_interest=_wad(market.closed_max_open_interest),
        positive_impact_bps=int(market.positive_impact * BPS),
    )


def funding_config(market: PerpMarketSettings, perp_market: str) -> FundingConfig:
    """``[[perp.markets]]``'s funding as IFundingRateOracle.FundingConfig, reported by ``perp_market``."""
    return FundingConfig(
        skew_scale=_wad(market.skew_scale),
        impact_size=_wad(market.impact_size),
        interest_per_8h=_wad(market.interest_per_8h),
        market=perp_market,
    )


def _wad(value: Decimal) -> int:
    return int(value * WAD)


def _contract_steps() -> list[Step]:
    def funding_proxy_args(ctx: Context) -> tuple[str, bytes]:
        implementation = ctx.contract("perp.implementations.funding_oracle")
        init = implementation.encode_abi("initialize", args=[ctx.address(MANAGER)])
        return implementation.address, bytes.fromhex(init[2:])

    def module_args(ctx: Context) -> tuple[str, str, str, int]:
        return (
            ctx.address(VAULT),
            ctx.address("oracle.price_oracle"),
            ctx.address(FUNDING_ORACLE),
            stablecoin_decimals(ctx),
        )

    def market_args(ctx: Context) -> tuple[str, str, str, int, str]:
        return (*module_args(ctx), ctx.address("perp.implementations.module"))

    def market_proxy_args(ctx: Context) -> tuple[str, bytes]:
        implementation = ctx.contract("perp.implementations.market")
        init = implementation.encode_abi("initialize", args=[ctx.address(MANAGER)])
        return implementation.address, bytes.fromhex(init[2:])

    return [
        deploy_step(
            "perp.implementations.funding_oracle",
            "FundingRateOracle",
            "FundingRateOracle implementation (behind the funding oracle's ProtocolProxy)",
            gas_budget=PERP_GAS["FundingRateOracle"],
        ),
        deploy_step(
            FUNDING_ORACLE,
            "ProtocolProxy",
            "FundingRateOracle: its ProtocolProxy, initialised in the same transaction",
            args=funding_proxy_args,
            abi="FundingRateOracle",
            gas_budget=PERP_GAS["ProtocolProxy"],
        ),
        deploy_step(
            "perp.implementations.module",
            "PerpMarketModule",
            "PerpMarketModule: the market's settings, run by DELEGATECALL (same wiring)",
            args=module_args,
            gas_budget=PERP_GAS["PerpMarketModule"],
        ),
        deploy_step(
            "perp.implementations.market",
            "PerpMarket",
            "PerpMarket implementation (its vault, price oracle and funding oracle immutable)",
            args=market_args,
            gas_budget=PERP_GAS["PerpMarket"],
        ),
        deploy_step(
            PERP_MARKET,
            "ProtocolProxy",
            "PerpMarket: its ProtocolProxy, initialised in the same transaction",
            args=market_proxy_args,
            abi="PerpMarket",
            gas_budget=PERP_GAS["ProtocolProxy"],
        ),
        deploy_step(
            PERP_LENS, "PerpLens", "PerpLens: positions valued now, order previews", gas_budget=PERP_GAS["PerpLens"]
        ),
    ]


def dividend_source(ctx: Context, market: PerpMarketSettings) -> DividendSource:
    """``[[perp.markets]]``'s dividend source: the protocol's DividendDistributor and the feed's stock token, or
    none (all zero) without ``dividend_pass_through``."""
    config = ctx.config
    if market.dividend_pass_through is None or config is None:
        return NO_DIVIDEND_SOURCE
    stock = next(feed.stock for feed in config.oracle.feeds if feed.symbol == market.feed)
    return DividendSource(
        ctx.address(DISTRIBUTOR),
        ctx.address(f"{str(stock).lower()}.token"),
        int(market.dividend_pass_through * BPS),
    )


def _market_steps(config: DeploymentConfig, market: PerpMarketSettings) -> list[Step]:
    market_id = feed_id(market.symbol)
    dividends = []
    if market.dividend_pass_through is not None:
        dividends.append(
            method_step(
                f"perp.dividends.{market.symbol}",
                f"perp market: {market.symbol} passes {market.dividend_pass_through:%} of {market.feed}'s cash "
                "dividends through to its positions",
                PERP_MARKET,
                "setDividendSource",
                lambda ctx: (market_id, dividend_source(ctx, market).as_tuple()),
                gas_budget=120_000,
            )
        )
    return [
        method_step(
            f"perp.funding.{market.symbol}",
            f"funding oracle: {market.symbol}'s funding (impact {market.impact_size}, interest "
            f"{market.interest_per_8h} per 8 h), reported by the perp market",
            FUNDING_ORACLE,
            "configureMarket",
            lambda ctx: (market_id, funding_config(market, ctx.address(PERP_MARKET)).as_tuple()),
            gas_budget=150_000,
        ),
        method_step(
            f"perp.list.{market.symbol}",
            f"perp market: {market.symbol} listed on the {market.feed} feed (max leverage "
            f"{int(1 / market.min_initial_margin_ratio)}x, OI cap {market.max_open_interest} a side)",
            PERP_MARKET,
            "listMarket",
            lambda ctx: (market_id, market_config(market, stablecoin_decimals(ctx)).as_tuple()),
            gas_budget=260_000,
        ),
        *dividends,
    ]
