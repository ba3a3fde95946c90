"""Fixtures for the margin vault: a vault over the session TSLA suite, USDC (6), WBTC (8) and WETH (18).

``desk`` holds everything: the oracle with TSLA (bound to the session token), BTC and ETH feeds, the
CorporateActions handler, the vault (a verified custodian of TSLA), a mock market, and the accounts that
drive them. ``desk.prices(at, ...)`` posts one signed report per feed observed at ``at`` and leaves the
chain's clock just after, so each test reads the prices it set. alice (US) and bob (DE) are verified TSLA
holders with 100 TSLA each; ``stranger`` has no identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.corporate import deploy_corporate_actions, enable_corporate_actions
from dualtrack.keepers.reporter import Multipliers, Reporter
from dualtrack.margin import AssetConfig, deploy_margin_vault, list_asset
from dualtrack.market import MarketStatus
from dualtrack.oracle import (
    FeedConfig,
    configure_feed,
    deploy_oracle,
    feed_id,
    observe_token,
    reporter_accounts,
    submit_at,
)
from dualtrack.suite import US, Suite, register_custodian
from tests.suite_fixtures import Actors, KycIssuer

TSLA_FEED = feed_id("TSLA")
BTC_FEED = feed_id("BTC")
ETH_FEED = feed_id("ETH")
THRESHOLD = 3
REPORTERS = 4
AGES = (300, 3_600, 600, 3_600)  # open risk, value, liquidate, tokenized (seconds)
BAND_BPS = 5_000  # wide: tests move prices freely
UNIT_MULTIPLIERS = Multipliers()  # 1x, nothing announced

USDC_UNIT = 10**6
WBTC_UNIT = 10**8
WETH_UNIT = 10**18
TSLA_UNIT = 10**18

TSLA_PRICE = 250
BTC_PRICE = 60_000
ETH_PRICE = 3_000

TSLA_CONFIG = AssetConfig(TSLA_FEED, 6_000, 7_000, closed_haircut_bps=2_000, is_stock=True)
BTC_CONFIG = AssetConfig(BTC_FEED, 8_000, 8_500)
ETH_CONFIG = AssetConfig(ETH_FEED, 8_000, 8_500)


def usd(amount: float | int) -> int:
    """A USD amount in 18 decimals (exact for the round figures tests use)."""
    return round(amount * 10**6) * 10**12


@dataclass
class Desk:
    """The vault, its oracle and tokens, and the accounts that drive them."""

    evm: Chain
    vault: Contract
    oracle: Contract
    handler: Contract
    market: Contract
    tsla: Contract
    usdc: Contract
    wbtc: Contract
    weth: Contract
    admin: str
    minter: str
    submitter: str
    lp: str
    insurance: str
    identity: Contract
    reporters: dict[bytes, Reporter] = field(default_factory=dict)
    last: dict[bytes, int] = field(default_factory=dict)

    def prices(
        self,
        at: int,
        *,
        tsla: float = TSLA_PRICE,
        btc: float = BTC_PRICE,
        eth: float = ETH_PRICE,
        status: MarketStatus = MarketStatus.OPEN,
        multipliers: Multipliers = UNIT_MULTIPLIERS,
        feeds: tuple[bytes, ...] = (TSLA_FEED, BTC_FEED, ETH_FEED),
    ) -> None:
        """Post one report per feed observed at ``at`` (TSLA with ``status``); the chain's clock ends at ``at + 1``."""
        values = {TSLA_FEED: tsla, BTC_FEED: btc, ETH_FEED: eth}
        for offset, feed in enumerate(feeds):
            reporter = self.reporters[feed]
            feed_status = status if feed == TSLA_FEED else MarketStatus.OPEN
            report = reporter.report(
                at, feed_status, usd(values[feed]), None, multipliers if feed == TSLA_FEED else UNIT_MULTIPLIERS
            )
            submit_at(self.evm, self.oracle, reporter.sign(report, THRESHOLD), self.submitter, at + 1 + offset)

    def fund(self, wallet: str, token: Contract, amount: int) -> None:
        """Mint ``amount`` raw units of a mock token to ``wallet``."""
        self.evm.send(token.functions.mint(wallet, amount), self.minter)

    def deposit(self, account_id: int, token: Contract, amount: int, owner: str) -> TxReceipt:
        self.evm.send(token.functions.approve(self.vault.address, amount), owner)
        return self.evm.send(self.vault.functions.deposit(account_id, token.address, amount), owner)

    def open(self, owner: str) -> int:
        receipt = self.evm.send(self.vault.functions.openAccount(), owner)
        return int(self.evm.events(receipt, self.vault, "AccountOpened")[0]["accountId"])

    def balance(self, account_id: int, token: Contract) -> int:
        return int(self.vault.functions.balanceOf(account_id, token.address).call()[0])


@pytest.fixture(scope="session")
def desk(evm: Chain, tsla: Suite, holders: Actors, kyc: KycIssuer, issuer: str, agent: str, lp: str) -> Desk:
    admin = evm.new_account()
    minter = evm.new_account()
    submitter = evm.new_account()
    insurance = evm.new_account()
    signers = reporter_accounts(REPORTERS, "margin-reporter")
    oracle = deploy_oracle(evm, admin, [s.address for s in signers], THRESHOLD, THRESHOLD)
    handler = deploy_corporate_actions(evm, admin, oracle.address)
    enable_corporate_actions(evm, tsla.token, handler, issuer)
    evm.send(oracle.functions.setCorporateActions(handler.address), admin)
    open_age, value_age, liquidate_age, tokenized_age = AGES
    zero = "0x" + "00" * 20
    configure_feed(evm, oracle, TSLA_FEED, FeedConfig(tsla.token.address, *AGES[:3], BAND_BPS, tokenized_age), admin)
    observe_token(evm, tsla.token, oracle, issuer)
    for feed in (BTC_FEED, ETH_FEED):
        configure_feed(evm, oracle, feed, FeedConfig(zero, open_age, value_age, liquidate_age, BAND_BPS), admin)

    usdc = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", minter, sender=minter)
    wbtc = evm.deploy("MockCollateralToken", "Wrapped BTC (mock)", "WBTC", 8, minter, sender=minter)
    weth = evm.deploy("MockCollateralToken", "Wrapped Ether (mock)", "WETH", 18, minter, sender=minter)

    vault = deploy_margin_vault(
        evm, admin, oracle.address, usdc.address, counterparty=lp, insurance=insurance, profit_share_bps=5_000
    )
    list_asset(evm, vault, tsla.token.address, TSLA_CONFIG, admin)
    list_asset(evm, vault, wbtc.address, BTC_CONFIG, admin)
    list_asset(evm, vault, weth.address, ETH_CONFIG, admin)

    market = evm.deploy("MockMarket", vault.address, 6, sender=admin)
    evm.send(vault.functions.registerMarket(market.address), admin)

    # The vault is a verified holder of TSLA (an identity the issuer manages, with the KYC claim) and a
    # custodian of the suite's max-balance module.
    identity = register_custodian(
        evm,
        tsla,
        vault.address,
        country=US,
        claim_issuer=kyc.contract,
        signer_key=kyc.signer_key,
        registrar=agent,
        issuer=issuer,
    ).identity

    chain_id = evm.w3.eth.chain_id
    reporters = {feed: Reporter(signers, chain_id, oracle.address, feed) for feed in (TSLA_FEED, BTC_FEED, ETH_FEED)}
    for wallet in (holders.alice.wallet, holders.bob.wallet):
        evm.send(usdc.functions.mint(wallet, 1_000_000 * USDC_UNIT), minter)
        evm.send(wbtc.functions.mint(wallet, 10 * WBTC_UNIT), minter)
        evm.send(weth.functions.mint(wallet, 100 * WETH_UNIT), minter)
    evm.send(usdc.functions.mint(lp, 10_000_000 * USDC_UNIT), minter)
    evm.send(usdc.functions.approve(vault.address, 2**256 - 1), lp)
    evm.send(vault.functions.fundCredit(lp, 1_000_000 * USDC_UNIT), lp)
    return Desk(
        evm=evm,
        vault=vault,
        oracle=oracle,
        handler=handler,
        market=market,
        tsla=tsla.token,
        usdc=usdc,
        wbtc=wbtc,
        weth=weth,
        admin=admin,
        minter=minter,
        submitter=submitter,
        lp=lp,
        insurance=insurance,
        identity=identity,
        reporters=reporters,
    )
