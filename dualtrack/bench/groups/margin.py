"""``margin.*``: the MarginVault on a TSLA suite in the benchmark configuration, USDC (6) and WBTC (8).

- ``margin.deposit_stock``: TSLA into an account that already holds TSLA (the steady state);
  ``.first`` into an empty account (its first asset: two new slots);
- ``margin.deposit_stable``: USDC cash into an account that already has cash; ``.first`` likewise;
- ``margin.withdraw_stock``: TSLA out of an account holding TSLA and WBTC with one mock market position
  (so the vault values both assets with the oracle and asks the market);
- ``margin.liquidate``: an account below maintenance: its position is closed through the market (the loss
  becomes debt), then a verified keeper repays the debt and takes TSLA at the penalty discount, the
  penalty's rest credited to the insurance's account (which already holds TSLA from an earlier one).

Every figure is a transaction's ``gasUsed`` with fresh prices (reports posted just before), measured
between snapshot and revert so each starts from the same state.
"""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from web3.contract import Contract

from dualtrack.bench.registry import benchmark, measure
from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ClaimTopic
from dualtrack.corporate import deploy_corporate_actions, enable_corporate_actions
from dualtrack.deployment import deploy_protocol
from dualtrack.identity import add_claim, deploy_claim_issuer, deploy_identity
from dualtrack.keepers.reporter import Reporter
from dualtrack.margin import AssetConfig, deploy_margin_vault, list_asset
from dualtrack.market import MarketStatus
from dualtrack.oracle import FeedConfig, configure_feed, deploy_oracle, feed_id, observe_token, reporter_accounts
from dualtrack.suite import DE, UNIT, US, deploy_suite, onboard_holder, salt_of, standard_suite_params

USDC = 10**6
WBTC = 10**8
WAD = 10**18
THRESHOLD = 3
FEEDS = {"TSLA": 250, "BTC": 60_000}
AGES = (300, 3_600, 600, 3_600)  # open risk, value, liquidate, tokenized
BAND_BPS = 5_000


def _post(evm: Chain, oracle: Contract, reporters: dict[str, Reporter], submitter: str, prices: dict[str, int]) -> None:
    at = evm.timestamp() + 5
    for offset, (symbol, price) in enumerate(prices.items()):
        report = reporters[symbol].report(at, MarketStatus.OPEN, price * WAD)
        evm.set_next_timestamp(at + 1 + offset)
        evm.send(oracle.functions.submit(reporters[symbol].sign(report, THRESHOLD)), submitter, gas=500_000)


def _oracle(evm: Chain, admin: str, token: str, signers: list[LocalAccount]) -> tuple[Contract, dict[str, Reporter]]:
    oracle = deploy_oracle(evm, admin, [s.address for s in signers], THRESHOLD, THRESHOLD)
    zero = "0x" + "00" * 20
    configure_feed(evm, oracle, feed_id("TSLA"), FeedConfig(token, *AGES[:3], BAND_BPS, AGES[3]), admin)
    configure_feed(evm, oracle, feed_id("BTC"), FeedConfig(zero, *AGES[:3], BAND_BPS, AGES[3]), admin)
    chain_id = evm.w3.eth.chain_id
    return oracle, {s: Reporter(signers, chain_id, oracle.address, feed_id(s)) for s in FEEDS}


@benchmark("margin", title="MarginVault: deposits, a withdrawal valued with two assets and a position, a liquidation")
def margin_group(evm: Chain) -> dict[str, int]:
    issuer, agent, alice, bob, keeper, lp = evm.accounts[:6]
    protocol = deploy_protocol(evm, issuer)
    claim_issuer = deploy_claim_issuer(evm, issuer, keeper)
    signer_key = dev_private_keys(5)[4]
    params = standard_suite_params(
        protocol, name="Tesla", symbol="TSLA", owner=issuer, claim_issuer=claim_issuer.address, agents=[agent]
    )
    suite = deploy_suite(evm, protocol, params, salt=salt_of("TSLA-margin-bench"), sender=issuer)
    for wallet, country in ((alice, US), (bob, DE)):
        onboard_holder(evm, suite, wallet, country, claim_issuer=claim_issuer, signer_key=signer_key, registrar=agent)
    evm.send(suite.token.functions.batchMint([alice, bob], [1_000 * UNIT, 1_000 * UNIT]), agent)

    oracle, reporters = _oracle(evm, issuer, suite.token.address, reporter_accounts(4, "margin-bench"))
    handler = deploy_corporate_actions(evm, issuer, oracle.address)
    enable_corporate_actions(evm, suite.token, handler, issuer)
    evm.send(oracle.functions.setCorporateActions(handler.address), issuer)
    observe_token(evm, suite.token, oracle, issuer)

    usdc = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", issuer, sender=issuer)
    wbtc = evm.deploy("MockCollateralToken", "Wrapped BTC (mock)", "WBTC", 8, issuer, sender=issuer)
    vault = deploy_margin_vault(evm, issuer, oracle.address, usdc.address, counterparty=lp, insurance=keeper)
    list_asset(
        evm, vault, suite.token.address, AssetConfig(feed_id("TSLA"), 6_000, 7_000, 2_000, is_stock=True), issuer
    )
    list_asset(evm, vault, wbtc.address, AssetConfig(feed_id("BTC"), 8_000, 8_500), issuer)
    vault_identity = deploy_identity(evm, agent)
    add_claim(evm, vault_identity, claim_issuer, signer_key, int(ClaimTopic.KYC), agent)
    evm.send(suite.identity_registry.functions.registerIdentity(vault.address, vault_identity.address, US), agent)
    market = evm.deploy("MockMarket", vault.address, 6, sender=issuer)
    evm.send(vault.functions.registerMarket(market.address), issuer)

    for wallet in (alice, bob, lp):
        evm.send(usdc.functions.mint(wallet, 10_000_000 * USDC), issuer)
        evm.send(usdc.functions.approve(vault.address, 2**256 - 1), wallet)
        evm.send(suite.token.functions.approve(vault.address, 2**256 - 1), wallet) if wallet != lp else None
    evm.send(wbtc.functions.mint(alice, 10 * WBTC), issuer)
    evm.send(wbtc.functions.approve(vault.address, 2**256 - 1), alice)
    evm.send(vault.functions.fundCredit(lp, 1_000_000 * USDC), lp)

    def open_account(owner: str) -> int:
        receipt = evm.send(vault.functions.openAccount(), owner)
        return int(evm.events(receipt, vault, "AccountOpened")[0]["accountId"])

    token = suite.token.address
    results: dict[str, int] = {}
    account = open_account(alice)
    results["margin.deposit_stock.first"] = measure(
        evm, lambda: evm.send(vault.functions.deposit(account, token, UNIT), alice)
    )
    results["margin.deposit_stable.first"] = measure(
        evm, lambda: evm.send(vault.functions.deposit(account, usdc.address, 100 * USDC), alice)
    )
    evm.send(vault.functions.deposit(account, token, 20 * UNIT), alice)
    evm.send(vault.functions.deposit(account, usdc.address, 100 * USDC), alice)
    evm.send(vault.functions.deposit(account, wbtc.address, WBTC), alice)
    evm.mine(evm.timestamp() + 10)
    results["margin.deposit_stock"] = measure(
        evm, lambda: evm.send(vault.functions.deposit(account, token, UNIT), alice)
    )
    results["margin.deposit_stable"] = measure(
        evm, lambda: evm.send(vault.functions.deposit(account, usdc.address, 100 * USDC), alice)
    )

    # Two collateral assets and one position: the withdrawal values both with the oracle and asks the market.
    _post(evm, oracle, reporters, keeper, FEEDS)
    evm.send(market.functions.openRisk(account, 0, 50 * WAD, 2_000 * WAD, 1_000 * WAD), alice)
    evm.mine(evm.timestamp() + 2)
    results["margin.withdraw_stock"] = measure(
        evm, lambda: evm.send(vault.functions.withdraw(account, token, UNIT), alice)
    )

    # bob: two accounts of 20 TSLA, each with a position whose loss leaves it below maintenance once TSLA
    # falls to $200. The first liquidation gives the insurance its TSLA holding; the second is measured
    # (the steady state: the insurance already holds the asset).
    underwater = [open_account(bob), open_account(bob)]
    for account_id in underwater:
        evm.send(vault.functions.deposit(account_id, token, 20 * UNIT), bob)
        evm.send(market.functions.openRisk(account_id, 0, 0, 2_000 * WAD, 1_000 * WAD), bob)
    _post(evm, oracle, reporters, keeper, {"TSLA": 200, "BTC": 60_000})
    for account_id in underwater:
        evm.send(market.functions.setPosition(account_id, 0, 3_000 * WAD, 2_000 * WAD, 1_000 * WAD), bob)
    evm.send(vault.functions.liquidate(underwater[0], token, 2**255, 0), alice)
    evm.mine(evm.timestamp() + 2)
    results["margin.liquidate"] = measure(
        evm, lambda: evm.send(vault.functions.liquidate(underwater[1], token, 2**255, 0), alice)
    )
    return results
