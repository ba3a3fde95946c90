"""The deployment configuration: one TOML file a deployer edits (``deploy/base-sepolia.toml``).

Every field is typed and checked before anything is sent: a bad value gives one line naming the field
(:class:`ConfigError`). Checks that need the chain (chain id, code at addresses, the deployer's
balance) are the runner's pre-flight (:mod:`dualtrack.deployment.preflight`).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from eth_utils.address import is_address, to_checksum_address
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from dualtrack.governance import Role
from dualtrack.oracle import feed_id as feed_id_of

MAX_REPORTERS = 31  # EquityPriceOracle.MAX_REPORTERS
MAX_REPORT_AGE = 3_600  # EquityPriceOracle.MAX_REPORT_AGE
MAX_FUTURE_DRIFT = 60  # EquityPriceOracle.MAX_FUTURE_DRIFT
MAX_JUMP_BAND_BPS = 5_000  # EquityPriceOracle.MAX_JUMP_BAND_BPS
MAX_FEED_AGE = 2**24 - 1  # FeedConfig ages are uint24 seconds
MAX_GRACE_PERIOD = 4 * 3_600  # SequencerSentinel.MAX_GRACE_PERIOD
# The longest execution delay a role may be given: a month. AccessManager takes any uint32, but a larger
# figure is a unit mistake (milliseconds, or minutes read as seconds) that would lock the role for years.
MAX_ROLE_DELAY = 30 * 86_400
ZERO_ADDRESS = "0x" + "00" * 20
BPS = 10_000
MAX_PENALTY_BPS = 5_000  # LiquidationMath.isValid: the penalty's cap
MAX_DEBT_APR_BPS = 10_000  # MarginVaultBase.MAX_DEBT_APR_BPS
MAX_UINT128 = 2**128 - 1  # AssetConfig.depth and .cap, LiquidationConfig.maxKeeperReward
MAX_TOKEN_DECIMALS = 18  # the decimals a mock collateral token may have


class ConfigError(ValueError):
    """The configuration is invalid; ``problems`` holds one line per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def _address(value: str) -> str:
    if not isinstance(value, str) or not is_address(value):
        raise ValueError(f"{value!r} is not an address (0x and 40 hex digits)")
    if value.lower() == ZERO_ADDRESS:
        raise ValueError("the zero address is not allowed here")
    return to_checksum_address(value)


def whole_to_raw(amount: Decimal, decimals: int) -> int:
    """``amount`` whole tokens in raw units of a token with ``decimals`` (rounded down)."""
    return int(amount * Decimal(10) ** decimals)


Address = Annotated[str, AfterValidator(_address)]
Symbol = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{0,10}$")]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NetworkConfig(_Section):
    """Where the deployment goes."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="manifest name: deployments/<name>.json")
    chain_id: int = Field(gt=0)
    local: bool = Field(default=False, description="a dev node: mocks and demo keys allowed, RPC URL recorded")


Delay = Annotated[int, Field(ge=0, le=MAX_ROLE_DELAY, description="execution delay in seconds (the timelock)")]


class RolesConfig(_Section):
    """Who ends up holding what, and each role's execution delay in seconds (its timelock).

    The protocol contracts answer to one AccessManager (docs/governance.md); the suites keep an ERC-3643
    owner (``admin``) and agents. A holder list left unset defaults to the admin (the deployer when no
    admin is set); an empty list leaves the role to nobody until ADMIN grants it.
    """

    admin: Address | None = Field(
        default=None, description="ADMIN of the AccessManager and owner of every suite (a multisig)"
    )
    admin_delay: Delay = 0
    guardians: list[Address] | None = Field(default=None, description="GUARDIAN: cancels, removes reporters, at once")
    risk_admins: list[Address] | None = Field(default=None, description="RISK_ADMIN: feeds, grace period, notice")
    risk_delay: Delay = 0
    oracle_admins: list[Address] | None = Field(default=None, description="ORACLE_ADMIN: reporters, quorums, wiring")
    oracle_delay: Delay = 0
    treasurers: list[Address] | None = Field(default=None, description="TREASURY: dividend rates, tax, trust list")
    treasury_delay: Delay = 0
    upgraders: list[Address] | None = Field(default=None, description="UPGRADER: suite implementations, versions")
    upgrade_delay: Delay = 0
    keepers: list[Address] = Field(default_factory=list, description="KEEPER: the trading track's keepers")
    token_agents: list[Address] = Field(default_factory=list, description="agents of every stock token and registry")
    tax_account: Address | None = Field(default=None, description="receives withheld dividend tax")

    @model_validator(mode="after")
    def _delays_and_holders(self) -> RolesConfig:
        for role in (Role.GUARDIAN, Role.RISK_ADMIN, Role.ORACLE_ADMIN, Role.TREASURY, Role.UPGRADER, Role.KEEPER):
            holders = self._listed(role)
            if holders is not None and len(set(holders)) != len(holders):
                raise ValueError(f"{_HOLDERS[role]} must be distinct")
        longest = max(self.delay(role) for role in _DELAYS)
        if self.admin_delay < longest:
            role = next(role for role in _DELAYS if self.delay(role) == longest)
            raise ValueError(
                f"admin_delay ({self.admin_delay} s) is shorter than {_DELAYS[role]} ({longest} s): ADMIN could "
                f"grant itself {role.name} and skip that delay"
            )
        return self

    def delay(self, role: Role) -> int:
        """The execution delay ``role``'s holders are granted (0 for GUARDIAN and KEEPER: never delayed)."""
        if role is Role.ADMIN:
            return self.admin_delay
        field = _DELAYS.get(role)
        return 0 if field is None else int(getattr(self, field))

    def holders(self, role: Role, deployer: str) -> list[str]:
        """Who holds ``role`` after the deployment (ADMIN: exactly one account)."""
        admin = self.admin or deployer
        if role is Role.ADMIN:
            return [admin]
        listed = self._listed(role)
        return [admin] if listed is None else list(listed)

    def _listed(self, role: Role) -> list[str] | None:
        value: list[str] | None = getattr(self, _HOLDERS[role])
        return value


# Each delayed role's delay field, and every named role's holders field.
_DELAYS = {
    Role.RISK_ADMIN: "risk_delay",
    Role.ORACLE_ADMIN: "oracle_delay",
    Role.TREASURY: "treasury_delay",
    Role.UPGRADER: "upgrade_delay",
}
_HOLDERS = {
    Role.GUARDIAN: "guardians",
    Role.RISK_ADMIN: "risk_admins",
    Role.ORACLE_ADMIN: "oracle_admins",
    Role.TREASURY: "treasurers",
    Role.UPGRADER: "upgraders",
    Role.KEEPER: "keepers",
}


class StablecoinConfig(_Section):
    """The settlement stablecoin: an existing token, or a 6-decimal mock on a local node."""

    address: Address | None = None
    mock_name: str = "USD Coin (mock)"
    mock_symbol: str = "USDC"


class KycConfig(_Section):
    """The KYC claim issuer (claim topic 1) deployed with the protocol."""

    claim_signer: Address | None = Field(default=None, description="the key that signs KYC claims (default: deployer)")


class FeedConfig(_Section):
    """One oracle feed: a listed stock (bound to its token) or a token-less market (crypto, an index)."""

    symbol: Symbol
    stock: Symbol | None = Field(default=None, description="the stock whose token this feed is bound to")
    max_age_open_risk: int = Field(gt=0, le=MAX_FEED_AGE)
    max_age_value: int = Field(gt=0, le=MAX_FEED_AGE)
    max_age_liquidate: int = Field(gt=0, le=MAX_FEED_AGE)
    max_age_tokenized: int = Field(gt=0, le=MAX_FEED_AGE, description="the 24/7 tokenized price's bound")
    jump_band_bps: int = Field(gt=0, le=MAX_JUMP_BAND_BPS)

    @property
    def feed_id(self) -> bytes:
        return feed_id_of(self.symbol)


class SequencerConfig(_Section):
    """Base's sequencer uptime feed: a Chainlink feed address, or ``"mock"`` on a local node."""

    feed: Address | Literal["mock"]
    grace_period: int = Field(default=3_600, ge=0, le=MAX_GRACE_PERIOD)


class OracleConfig(_Section):
    """The EquityPriceOracle: k-of-n reporters, a confirmation quorum, report timing and feeds."""

    reporters: list[Address]
    threshold: int = Field(default=3, ge=1)
    confirm_quorum: int = Field(default=4, ge=1)
    max_report_age: int = Field(default=300, gt=0, le=MAX_REPORT_AGE)
    max_future_drift: int = Field(default=10, ge=0, le=MAX_FUTURE_DRIFT)
    sequencer: SequencerConfig | None = None
    feeds: list[FeedConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _quorums(self) -> OracleConfig:
        count = len(self.reporters)
        if len(set(self.reporters)) != count:
            raise ValueError("reporters must be distinct")
        if count > MAX_REPORTERS:
            raise ValueError(f"at most {MAX_REPORTERS} reporters, got {count}")
        if not self.threshold <= self.confirm_quorum <= count:
            raise ValueError(
                f"need threshold <= confirm_quorum <= reporters, got threshold {self.threshold}, "
                f"confirm_quorum {self.confirm_quorum} and {count} reporter(s)"
            )
        symbols = [feed.symbol for feed in self.feeds]
        if len(set(symbols)) != len(symbols):
            raise ValueError(f"feed symbols must be distinct, got {symbols}")
        return self


class StockConfig(_Section):
    """A listed stock: one ERC-3643 suite deployed through the SuiteFactory."""

    symbol: Symbol
    name: str = Field(min_length=1)
    decimals: int = Field(default=18, ge=0, le=18)
    blocked_countries: list[int] = Field(default_factory=lambda: [408])
    max_balance: Decimal = Field(default=Decimal(1_000_000), gt=0, description="per-identity cap, in shares")
    separate_registry: bool = Field(default=False, description="stand-alone IdentityRegistry + ModularCompliance")


Bps = Annotated[int, Field(ge=0, le=BPS, description="basis points")]


class LiquidationSettings(_Section):
    """IMarginVault.LiquidationConfig: the protocol's one liquidation fee model (LiquidationMath.isValid)."""

    min_penalty_bps: int = Field(default=200, ge=0, le=MAX_PENALTY_BPS, description="penalty at health 1")
    max_penalty_bps: int = Field(default=1_000, ge=0, le=MAX_PENALTY_BPS, description="penalty cap")
    ramp_bps: int = Field(default=1_000, gt=0, le=BPS, description="how far below health 1 the cap is reached")
    keeper_share_bps: Bps = Field(default=5_000, description="the keeper's share of the penalty")
    close_factor_bps: int = Field(default=5_000, gt=0, le=BPS, description="share of the debt one liquidation repays")
    full_close_health: Decimal = Field(default=Decimal("0.95"), ge=0, le=1, description="below it: all the debt")
    max_keeper_reward: Decimal = Field(default=Decimal(10_000), ge=0, description="cap of the keeper's share, USD")

    @model_validator(mode="after")
    def _penalties(self) -> LiquidationSettings:
        if self.min_penalty_bps > self.max_penalty_bps:
            raise ValueError(
                f"min_penalty_bps ({self.min_penalty_bps}) is above max_penalty_bps ({self.max_penalty_bps})"
            )
        if whole_to_raw(self.max_keeper_reward, 18) > MAX_UINT128:
            raise ValueError("max_keeper_reward does not fit the vault's uint128")
        return self


class CollateralConfig(_Section):
    """One collateral asset of the margin vault.

    ``symbol`` names it everywhere (manifest, CLI). A listed stock is named by its symbol alone; any other
    asset is an existing ERC-20 (``address``) or, on a local node, a ``MockCollateralToken`` deployed with
    the run (``mock = true`` with ``decimals``). Amounts (``depth``, ``cap``) are in whole tokens.
    """

    symbol: Symbol
    address: Address | None = Field(default=None, description="an existing ERC-20 (not a listed stock)")
    mock: bool = Field(default=False, description="local only: deploy a MockCollateralToken")
    mock_name: str | None = Field(default=None, min_length=1, description="the mock's ERC-20 name")
    decimals: int | None = Field(default=None, ge=0, le=MAX_TOKEN_DECIMALS, description="the mock's decimals")
    feed: Symbol = Field(description="the oracle feed that prices it (a stock: the feed bound to its token)")
    weight_bps: Bps = Field(description="weight for initial checks (withdrawals, new risk)")
    liquidation_weight_bps: int = Field(gt=0, le=BPS, description="weight for maintenance, >= weight_bps")
    closed_haircut_bps: Bps = Field(default=0, description="extra haircut while the stock's market is closed")
    max_size_discount_bps: Bps = Field(default=0, description="extra haircut of an account holding `depth` or more")
    depth: Decimal = Field(default=Decimal(0), ge=0, description="whole tokens: where the size discount is full")
    cap: Decimal = Field(gt=0, description="whole tokens the vault books for all accounts together")

    @model_validator(mode="after")
    def _source_and_weights(self) -> CollateralConfig:
        if self.weight_bps > self.liquidation_weight_bps:
            raise ValueError(
                f"weight_bps ({self.weight_bps}) is above liquidation_weight_bps ({self.liquidation_weight_bps})"
            )
        if self.mock and self.address is not None:
            raise ValueError("give an address or mock = true, not both")
        if self.mock and self.decimals is None:
            raise ValueError("a mock needs its decimals")
        if not self.mock and (self.decimals is not None or self.mock_name is not None):
            raise ValueError("decimals and mock_name describe a mock (mock = true); a token's own are read")
        return self


class MarginConfig(_Section):
    """The margin vault (MarginVault behind a ProtocolProxy), its settings and its collateral.

    The vault becomes a verified holder of every stock it lists: one identity with the KYC claim,
    registered in each stock's identity registry in ``country``.
    """

    country: int = Field(ge=1, le=999, description="ISO 3166 numeric: the vault's country in the registries")
    identity_manager: Address | None = Field(
        default=None, description="manages the vault's identity afterwards (default: the admin, else the deployer)"
    )
    counterparty: Address | None = Field(
        default=None, description="the liquidity pool (default on a local node: deployer)"
    )
    insurance: Address | None = Field(
        default=None, description="the insurance fund (default on a local node: deployer)"
    )
    profit_share_bps: Bps = Field(default=5_000, description="share of unrealised profit that counts as margin")
    debt_apr_bps: int = Field(default=800, ge=0, le=MAX_DEBT_APR_BPS, description="yearly simple interest on debt")
    liquidation: LiquidationSettings = LiquidationSettings()
    assets: list[CollateralConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct(self) -> MarginConfig:
        symbols = [asset.symbol for asset in self.assets]
        if len(set(symbols)) != len(symbols):
            raise ValueError(f"asset symbols must be distinct, got {symbols}")
        addresses = [asset.address for asset in self.assets if asset.address is not None]
        if len(set(addresses)) != len(addresses):
            raise ValueError("asset addresses must be distinct")
        return self


class PoolRiskSettings(_Section):
    """ILiquidityPool.RiskConfig: the main pool's epochs, caps, receivables haircut and ADL trigger."""

    epoch_duration: int = Field(default=86_400, gt=0, le=30 * 86_400, description="seconds per epoch")
    max_utilisation_bps: int = Field(default=8_000, gt=0, le=BPS, description="share of NAV backing open interest")
    receivables_haircut_bps: Bps = Field(default=5_000, description="haircut of the vault's account debts in NAV")
    adl_pnl_factor_bps: int = Field(default=8_500, gt=0, le=BPS, description="traders' profit / pool that flags ADL")
    growth_cap_bps: int = Field(default=30_000, gt=0, description="deposits accepted per day, of NAV (Ostium 300%)")
    growth_floor: Decimal = Field(default=Decimal(1_000_000), ge=0, description="whole stablecoins a day regardless")


class InsuranceSettings(_Section):
    """The InsurancePool: first-loss stablecoin capital, the vault's insurance and loss absorber."""

    name: str = Field(default="dualtrack insurance share", min_length=1)
    symbol: str = Field(default="dtINS", min_length=1)
    unstake_delay: int = Field(default=13 * 86_400, ge=86_400, le=60 * 86_400, description="seconds (Drift: 13 days)")
    max_draw_bps: int = Field(default=2_500, gt=0, le=BPS, description="share of its assets one event may draw")
    max_draw: Decimal | None = Field(default=None, gt=0, description="whole stablecoins one event may draw (none)")


class StockTrancheConfig(_Section):
    """One stock's tranche of the pool's stock capital (IStockCapital.StockConfig)."""

    symbol: Symbol = Field(description="a listed stock (its feed is the one bound to its token)")
    open_weight_bps: int = Field(gt=0, le=BPS, description="share of fair value that backs risk while open")
    closed_weight_bps: Bps = Field(description="the same while closed, halted or in maintenance (<= open)")
    cap: Decimal = Field(gt=0, description="whole tokens the tranche takes")

    @model_validator(mode="after")
    def _weights(self) -> StockTrancheConfig:
        if self.closed_weight_bps > self.open_weight_bps:
            raise ValueError(
                f"closed_weight_bps ({self.closed_weight_bps}) is above open_weight_bps ({self.open_weight_bps})"
            )
        return self


class StockCapitalSettings(_Section):
    """StockCapital: stock-token seller capital, withdrawn in kind, and its Dutch auction of a deficit."""

    country: int = Field(default=840, ge=1, le=999, description="its country in each stock's identity registry")
    lock_period: int = Field(default=7 * 86_400, ge=0, le=30 * 86_400, description="seconds a deposit is locked")
    auction_premium_bps: Bps = Field(default=200, description="the auction starts this far above the oracle")
    auction_max_discount_bps: int = Field(default=1_000, ge=0, lt=BPS, description="and ends this far below it")
    auction_duration: int = Field(default=3_600, gt=0, description="seconds from the start price to the end price")
    stocks: list[StockTrancheConfig] = Field(default_factory=list)


class PoolConfig(_Section):
    """The main liquidity pool (the vault's counterparty) and the insurance pool, both behind ProtocolProxies.

    With a ``[pool]`` section the vault's counterparty is the pool and its insurance and loss absorber the
    insurance pool: ``margin.counterparty`` and ``margin.insurance`` must then be unset.
    """

    name: str = Field(default="dualtrack LP USD", min_length=1)
    symbol: str = Field(default="dtLP", min_length=1)
    risk: PoolRiskSettings = PoolRiskSettings()
    insurance: InsuranceSettings = InsuranceSettings()
    stock_capital: StockCapitalSettings = StockCapitalSettings()


class InvestorConfig(_Section):
    """A verified investor onboarded at deployment (an identity, a signed KYC claim, holdings)."""

    label: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    wallet: Address
    country: int = Field(ge=1, le=999, description="ISO 3166 numeric")
    holdings: dict[Symbol, Decimal] = Field(default_factory=dict, description="shares minted per stock")


MarketSymbol = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9-]{0,15}$")]
MAX_PERP_FEE_BPS = 100  # PerpMarketBase.MAX_FEE_BPS
MAX_SETTLEMENT_TIME = 3_600  # PerpMarketBase.MAX_SETTLEMENT_TIME
MAX_KEEPER_FEE_USD = Decimal(100)  # PerpMarketBase.MAX_KEEPER_FEE_USD


class PerpMarketSettings(_Section):
    """One perp market: IPerpMarket.MarketConfig and its funding (IFundingRateOracle.FundingConfig).

    Sizes are in whole units of the underlying (tokens or coins), USD amounts in dollars, keeper fees in the
    stablecoin; ratios are fractions (0.02 = 2%). The market's id is ``feed_id(symbol)``.
    """

    symbol: MarketSymbol = Field(description="the market's name, e.g. BTC-PERP (its id: feed_id(symbol))")
    feed: Symbol = Field(description="the oracle feed that prices it")
    skew_scale: Decimal = Field(gt=0, description="skew (whole units) at which the skew impact is 100%")
    max_open_interest: Decimal = Field(gt=0, description="open-interest cap per side (whole units)")
    maker_fee_bps: int = Field(ge=0, le=MAX_PERP_FEE_BPS)
    taker_fee_bps: int = Field(ge=0, le=MAX_PERP_FEE_BPS)
    initial_margin_ratio: Decimal = Field(ge=0, le=10, description="IMR slope: |size| / skew_scale x this")
    min_initial_margin_ratio: Decimal = Field(gt=0, le=1, description="the IMR floor (1 / max leverage)")
    maintenance_scalar: Decimal = Field(gt=0, lt=1, description="maintenance = initial ratio x this")
    min_position_margin: Decimal = Field(ge=0, le=1_000_000, description="USD added to both margins")
    settlement_delay: int = Field(ge=1, le=MAX_SETTLEMENT_TIME, description="seconds from commit to fill report")
    settlement_window: int = Field(ge=1, le=MAX_SETTLEMENT_TIME, description="seconds a market order stays settleable")
    min_keeper_fee: Decimal = Field(ge=0, description="stablecoin")
    max_keeper_fee: Decimal = Field(ge=0, le=MAX_KEEPER_FEE_USD, description="stablecoin, at most 100")
    impact_size: Decimal = Field(gt=0, description="funding: the impact orders' size (whole units)")
    interest_per_8h: Decimal = Field(ge=Decimal("-0.01"), le=Decimal("0.01"), description="funding: 0.0001 = 0.01%")
    closed_min_initial_margin_ratio: Decimal | None = Field(
        default=None,
        gt=0,
        le=1,
        description="the IMR floor while the venue is closed (lower leverage, the reopening-gap step-up, the closed "
        "fill band); unset: the open one",
    )
    closed_max_open_interest: Decimal = Field(
        default=Decimal(0), ge=0, description="open-interest cap a side while the venue is closed; 0: reduce-only then"
    )
    positive_impact: Decimal = Field(
        default=Decimal(1),
        ge=0,
        le=1,
        description="share of a favourable skew impact a fill pays out (1: all, as Synthetix; GMX v2 caps it lower "
        "so that an open-and-close round trip loses the rest)",
    )
    dividend_pass_through: Decimal | None = Field(
        default=None,
        gt=0,
        le=1,
        description="share of the stock's cash dividends passed to positions (1: gross, 0.7: net of 30%); a stock "
        "feed's market only; unset: none",
    )

    @model_validator(mode="after")
    def _bounds(self) -> PerpMarketSettings:
        if self.impact_size > self.skew_scale:
            raise ValueError(f"perp market {self.symbol}: impact_size is above skew_scale")
        if self.max_open_interest > 10 * self.skew_scale:
            raise ValueError(f"perp market {self.symbol}: max_open_interest is above 10 skew scales")
        if self.min_keeper_fee > self.max_keeper_fee:
            raise ValueError(f"perp market {self.symbol}: min_keeper_fee is above max_keeper_fee")
        closed_ratio = self.closed_min_initial_margin_ratio
        if closed_ratio is not None and closed_ratio < self.min_initial_margin_ratio:
            raise ValueError(f"perp market {self.symbol}: closed_min_initial_margin_ratio is below the open one")
        if self.closed_max_open_interest > self.max_open_interest:
            raise ValueError(f"perp market {self.symbol}: closed_max_open_interest is above max_open_interest")
        return self


class PerpConfig(_Section):
    """The perps: a FundingRateOracle and a PerpMarket behind ProtocolProxies, the PerpLens, and the markets
    (docs/perp.md). The market is registered on the vault and, with a ``[pool]``, on the liquidity pool."""

    markets: list[PerpMarketSettings] = Field(default_factory=list)


class DeploymentConfig(_Section):
    """A whole deployment."""

    network: NetworkConfig
    roles: RolesConfig = RolesConfig()
    stablecoin: StablecoinConfig = StablecoinConfig()
    kyc: KycConfig = KycConfig()
    oracle: OracleConfig
    stocks: list[StockConfig] = Field(default_factory=list)
    margin: MarginConfig | None = None
    pool: PoolConfig | None = None
    perp: PerpConfig | None = None
    investors: list[InvestorConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> DeploymentConfig:
        stocks = {stock.symbol: stock for stock in self.stocks}
        if len(stocks) != len(self.stocks):
            raise ValueError("stock symbols must be distinct")
        for feed in self.oracle.feeds:
            if feed.stock is not None and feed.stock not in stocks:
                raise ValueError(f"feed {feed.symbol} is bound to stock {feed.stock}, which is not listed")
        labels = [investor.label for investor in self.investors]
        if len(set(labels)) != len(labels):
            raise ValueError("investor labels must be distinct")
        for investor in self.investors:
            for symbol, shares in investor.holdings.items():
                stock = stocks.get(symbol)
                if stock is None:
                    raise ValueError(f"investor {investor.label} holds {symbol}, which is not listed")
                if investor.country in stock.blocked_countries:
                    raise ValueError(f"investor {investor.label}'s country {investor.country} is blocked for {symbol}")
                if shares <= 0 or shares > stock.max_balance:
                    raise ValueError(f"investor {investor.label}'s {symbol} holding must be in (0, max_balance]")
        if not self.network.local:
            if self.stablecoin.address is None:
                raise ValueError("stablecoin.address is required off a local node (a mock is for local demos)")
            if self.oracle.sequencer is not None and self.oracle.sequencer.feed == "mock":
                raise ValueError("oracle.sequencer.feed = 'mock' is for local nodes: give the uptime feed's address")
        return self

    @model_validator(mode="after")
    def _margin_references(self) -> DeploymentConfig:
        margin = self.margin
        if margin is None:
            if self.pool is not None:
                raise ValueError("[pool] needs a [margin] section (the pool is the margin vault's counterparty)")
            return self
        for field in ("counterparty", "insurance"):
            given = getattr(margin, field) is not None
            if self.pool is not None and given:
                raise ValueError(f"margin.{field} must be unset with a [pool] section (the pool contracts are)")
            if self.pool is None and not given and not self.network.local:
                raise ValueError(
                    f"margin.{field} is required off a local node without a [pool] (the deployer stands in locally)"
                )
        for asset in margin.assets:
            self._check_collateral(asset)
        if self.pool is not None:
            symbols = [tranche.symbol for tranche in self.pool.stock_capital.stocks]
            if len(set(symbols)) != len(symbols):
                raise ValueError(f"pool.stock_capital.stocks must be distinct, got {symbols}")
            for tranche in self.pool.stock_capital.stocks:
                stock = self.listed_stock(tranche.symbol)
                if stock is None:
                    raise ValueError(f"pool stock {tranche.symbol} is not a listed stock")
                if self.stock_feed(tranche.symbol) is None:
                    raise ValueError(f"pool stock {tranche.symbol} has no oracle feed bound to its token")
                if self.pool.stock_capital.country in stock.blocked_countries:
                    raise ValueError(f"pool.stock_capital.country is blocked for {tranche.symbol}")
        return self

    @model_validator(mode="after")
    def _perp_references(self) -> DeploymentConfig:
        if self.perp is None:
            return self
        if self.margin is None:
            raise ValueError("[perp] needs a [margin] section (the perps are margined by the vault)")
        symbols = [market.symbol for market in self.perp.markets]
        if len(set(symbols)) != len(symbols):
            raise ValueError(f"perp market symbols must be distinct, got {symbols}")
        feeds = {feed.symbol: feed for feed in self.oracle.feeds}
        for market in self.perp.markets:
            if market.feed not in feeds:
                raise ValueError(
                    f"perp market {market.symbol} is priced by feed {market.feed}, which is not configured"
                )
            if market.dividend_pass_through is not None and feeds[market.feed].stock is None:
                raise ValueError(
                    f"perp market {market.symbol} passes dividends through, but feed {market.feed} is no stock's"
                )
        return self

    def _check_collateral(self, asset: CollateralConfig) -> None:
        feed = next((feed for feed in self.oracle.feeds if feed.symbol == asset.feed), None)
        if feed is None:
            raise ValueError(f"margin asset {asset.symbol} is priced by feed {asset.feed}, which is not configured")
        stock = self.listed_stock(asset.symbol)
        if stock is not None:
            self._check_stock_collateral(asset, feed, stock)
        else:
            self._check_token_collateral(asset, feed)
        decimals = stock.decimals if stock is not None else asset.decimals
        if (
            decimals is not None
            and max(whole_to_raw(asset.cap, decimals), whole_to_raw(asset.depth, decimals)) > MAX_UINT128
        ):
            raise ValueError(f"margin asset {asset.symbol}: cap or depth does not fit the vault's uint128")

    def _check_stock_collateral(self, asset: CollateralConfig, feed: FeedConfig, stock: StockConfig) -> None:
        assert self.margin is not None
        if asset.address is not None or asset.mock:
            raise ValueError(f"margin asset {asset.symbol} is a listed stock: its token is the suite's (no address)")
        if feed.stock != stock.symbol:
            raise ValueError(f"margin asset {asset.symbol} needs the feed bound to its token, not {asset.feed}")
        if self.margin.country in stock.blocked_countries:
            raise ValueError(f"margin.country {self.margin.country} is blocked for {asset.symbol}")

    def _check_token_collateral(self, asset: CollateralConfig, feed: FeedConfig) -> None:
        if asset.address is None and not asset.mock:
            raise ValueError(f"margin asset {asset.symbol} is not a listed stock: give its address (or mock = true)")
        if feed.stock is not None:
            raise ValueError(f"margin asset {asset.symbol} is priced by {asset.feed}, the {feed.stock} token's feed")
        if asset.mock and not self.network.local:
            raise ValueError(f"margin asset {asset.symbol}: mock = true is for local nodes: give its address")
        if asset.address is not None and asset.address == self.stablecoin.address:
            raise ValueError(f"margin asset {asset.symbol} is the settlement stablecoin: it is the vault's cash")

    def stock(self, symbol: str) -> StockConfig:
        return next(stock for stock in self.stocks if stock.symbol == symbol)

    def listed_stock(self, symbol: str) -> StockConfig | None:
        """The listed stock called ``symbol``, if there is one."""
        return next((stock for stock in self.stocks if stock.symbol == symbol), None)

    def stock_feed(self, symbol: str) -> FeedConfig | None:
        """The oracle feed bound to the listed stock ``symbol``'s token, if there is one."""
        return next((feed for feed in self.oracle.feeds if feed.stock == symbol), None)

    def canonical(self) -> dict[str, Any]:
        """The configuration as plain JSON data (what the manifest records)."""
        return json.loads(self.model_dump_json())

    def digest(self) -> str:
        """A hash of the canonical configuration: the manifest remembers which configuration it ran."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return "0x" + hashlib.sha256(text.encode()).hexdigest()


def parse_config(data: dict[str, Any], source: str = "configuration") -> DeploymentConfig:
    """Validate ``data``; :class:`ConfigError` lists every problem, one line each."""
    try:
        return DeploymentConfig.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"])
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise ConfigError(source, problems) from None


def load_config(path: Path) -> DeploymentConfig:
    """Read and validate a TOML configuration file."""
    try:
        data = tomllib.loads(path.read_text())
    except OSError as error:
        raise ConfigError(str(path), [f"cannot read it: {error.strerror}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), [f"not valid TOML: {error}"]) from None
    return parse_config(data, str(path))
