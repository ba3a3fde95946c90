"""StockCapital's Dutch auction of tranche tokens; an audit that no token unit reaches a wallet that may not hold it."""

from __future__ import annotations

from web3.contract import Contract

from dualtrack.stock_capital import DEFAULT_AUCTION, auction_price, tokens_for_deficit
from tests.margin.conftest import TSLA_PRICE, TSLA_UNIT, USDC_UNIT, usd
from tests.pool.stock_capital_fixtures import StockDesk
from tests.suite_fixtures import Actors

TIMED_GAS = 1_000_000
USDC_SCALE = 10**12


def _in_deficit(sd: StockDesk, holders: Actors, loss: int = 1_000) -> int:
    """alice 10 and bob 30 TSLA in the tranche, then a loss of ``loss`` dollars; returns the time prices were posted."""
    sd.deposit(holders.alice.wallet, 10 * TSLA_UNIT)
    sd.deposit(holders.bob.wallet, 30 * TSLA_UNIT)
    at = sd.evm.timestamp() + 5
    sd.desk.prices(at)
    sd.book(-usd(loss))
    return at


def _funded_bidder(sd: StockDesk, wallet: str, amount: int = 10_000 * USDC_UNIT) -> None:
    sd.desk.fund(wallet, sd.usdc, amount)
    sd.evm.send(sd.usdc.functions.approve(sd.capital.address, amount), wallet)


def test_auction__verified_bidder_halfway__buys_at_the_falling_price_and_settles_the_deficit(
    stock_desk: StockDesk, holders: Actors, stranger: str
) -> None:
    sd = stock_desk
    carol = holders.carol.wallet
    _in_deficit(sd, holders)
    _funded_bidder(sd, carol)
    start = sd.evm.timestamp() + 5
    sd.evm.send_at(sd.capital.functions.startAuction(sd.tsla.address), stranger, start, gas=TIMED_GAS)  # anyone
    price, for_sale = sd.capital.functions.auctionPrice(sd.tsla.address).call()
    assert price == auction_price(usd(TSLA_PRICE), DEFAULT_AUCTION, 0) == usd(TSLA_PRICE * 1.02)
    assert for_sale == tokens_for_deficit(usd(1_000), price, 18)

    halfway = start + DEFAULT_AUCTION.duration // 2
    sd.desk.prices(halfway - 10)  # a fresh oracle price; the market has not moved
    pool_before = sd.usdc_of(sd.pool.address)
    receipt = sd.evm.send_at(
        sd.capital.functions.bid(sd.tsla.address, 10 * TSLA_UNIT, 2_000 * USDC_UNIT), carol, halfway, gas=TIMED_GAS
    )

    expected_price = auction_price(usd(TSLA_PRICE), DEFAULT_AUCTION, halfway - start)
    assert expected_price == usd(TSLA_PRICE * 0.96)
    (event,) = sd.evm.events(receipt, sd.capital, "AuctionBid")
    bought = tokens_for_deficit(usd(1_000), expected_price, 18)  # cut to what covers the deficit
    cost_usd = -(-bought * expected_price // TSLA_UNIT)  # rounded up
    cost = -(-cost_usd // USDC_SCALE)  # in USDC, rounded up
    assert (event["bidder"], event["amount"], event["price"], event["cost"]) == (carol, bought, expected_price, cost)
    assert sd.tsla_of(carol) == bought
    assert sd.usdc_of(sd.pool.address) == pool_before + cost  # the proceeds go to the pool
    tokens, _, balance = sd.tranche()
    assert tokens == 40 * TSLA_UNIT - bought
    assert 0 <= balance == cost * USDC_SCALE - usd(1_000) < usd(0.000002)  # the deficit is settled
    assert sd.capital.functions.auctionPrice(sd.tsla.address).call() == [0, 0]  # the auction ended
    assert sd.capital.functions.usdBalance().call() == balance


def test_auction__unverified_or_frozen_bidder__refused_nothing_moved(
    stock_desk: StockDesk, holders: Actors, stranger: str, agent: str
) -> None:
    sd = stock_desk
    carol = holders.carol.wallet
    _in_deficit(sd, holders)
    sd.evm.send(sd.capital.functions.startAuction(sd.tsla.address), stranger)
    _funded_bidder(sd, stranger)
    _funded_bidder(sd, carol)
    sd.evm.send(sd.tsla.functions.setAddressFrozen(carol, True), agent)
    books = sd.tranche()
    pool_before = sd.usdc_of(sd.pool.address)

    with sd.evm.reverts("StockCapitalNotVerified", sd.tsla.address, stranger):
        sd.evm.send(sd.capital.functions.bid(sd.tsla.address, TSLA_UNIT, 1_000 * USDC_UNIT), stranger)
    with sd.evm.reverts("StockCapitalWalletFrozen", sd.tsla.address, carol):
        sd.evm.send(sd.capital.functions.bid(sd.tsla.address, TSLA_UNIT, 1_000 * USDC_UNIT), carol)

    assert sd.tranche() == books
    assert (sd.tsla_of(stranger), sd.tsla_of(carol)) == (0, 0)
    assert sd.usdc_of(sd.pool.address) == pool_before
    assert (sd.usdc_of(stranger), sd.usdc_of(carol)) == (10_000 * USDC_UNIT, 10_000 * USDC_UNIT)


def test_auction__no_deficit_running_or_over_the_limit__refused(
    stock_desk: StockDesk, holders: Actors, stranger: str
) -> None:
    sd = stock_desk
    carol = holders.carol.wallet
    sd.deposit(holders.alice.wallet, 10 * TSLA_UNIT)
    with sd.evm.reverts("StockCapitalNoDeficit", sd.tsla.address, 0):
        sd.evm.send(sd.capital.functions.startAuction(sd.tsla.address), stranger)
    sd.desk.prices(sd.evm.timestamp() + 5)
    sd.book(-usd(100))
    _funded_bidder(sd, carol)
    with sd.evm.reverts("StockCapitalAuctionNotActive", sd.tsla.address):
        sd.evm.send(sd.capital.functions.bid(sd.tsla.address, TSLA_UNIT, 1_000 * USDC_UNIT), carol)
    receipt = sd.evm.send(sd.capital.functions.startAuction(sd.tsla.address), stranger)
    ends_at = sd.evm.events(receipt, sd.capital, "AuctionStarted")[0]["endsAt"]
    with sd.evm.reverts("StockCapitalAuctionActive", sd.tsla.address, ends_at):
        sd.evm.send(sd.capital.functions.startAuction(sd.tsla.address), stranger)
    with sd.evm.reverts("StockCapitalCostAboveLimit"):
        sd.evm.send(sd.capital.functions.bid(sd.tsla.address, TSLA_UNIT, 1), carol)
    sd.evm.mine(ends_at + 1)  # over: anyone may start it again
    with sd.evm.reverts("StockCapitalAuctionNotActive", sd.tsla.address):
        sd.evm.send(sd.capital.functions.bid(sd.tsla.address, TSLA_UNIT, 1_000 * USDC_UNIT), carol)
    sd.evm.send(sd.capital.functions.startAuction(sd.tsla.address), stranger)


def _may_hold(token: Contract, registry: Contract, wallet: str, block: int) -> bool:
    verified = registry.functions.isVerified(wallet).call(block_identifier=block)
    frozen = token.functions.isFrozen(wallet).call(block_identifier=block)
    return bool(verified) and not frozen


def test_token_units__every_path_out__only_ever_credited_to_wallets_that_may_hold_them(
    stock_desk: StockDesk, holders: Actors, stranger: str, agent: str
) -> None:
    """Drive every path by which TSLA leaves StockCapital (withdrawal, withdrawal in deficit, seizure,
    auction), with wallets the token refuses tried at each, then audit every Transfer out of StockCapital:
    each recipient was verified and not frozen in the block it was credited in."""
    sd = stock_desk
    alice, bob, carol = holders.alice.wallet, holders.bob.wallet, holders.carol.wallet
    first_block = sd.evm.w3.eth.block_number + 1
    _in_deficit(sd, holders, loss=2_000)
    sd.withdraw(alice, sd.shares(alice) // 2)  # in deficit: tokens kept
    sd.evm.send(sd.tsla.functions.setAddressFrozen(alice, True), agent)
    with sd.evm.reverts("StockCapitalWalletFrozen", sd.tsla.address, alice):
        sd.withdraw(alice, sd.shares(alice))
    with sd.evm.reverts("StockCapitalNotVerified", sd.tsla.address, stranger):
        sd.evm.send(sd.capital.functions.seize(sd.tsla.address, alice, sd.shares(alice), stranger), agent)
    sd.evm.send(sd.capital.functions.seize(sd.tsla.address, alice, sd.shares(alice), carol), agent)
    sd.evm.send(sd.capital.functions.startAuction(sd.tsla.address), stranger)
    for bidder in (stranger, carol, bob):
        _funded_bidder(sd, bidder)
    with sd.evm.reverts("StockCapitalNotVerified", sd.tsla.address, stranger):
        sd.evm.send(sd.capital.functions.bid(sd.tsla.address, TSLA_UNIT, 10_000 * USDC_UNIT), stranger)
    sd.evm.send(sd.capital.functions.bid(sd.tsla.address, TSLA_UNIT, 10_000 * USDC_UNIT), bob)
    sd.evm.send(sd.capital.functions.bid(sd.tsla.address, 100 * TSLA_UNIT, 10_000 * USDC_UNIT), carol)
    sd.withdraw(bob, sd.shares(bob))

    registry = sd.desk.evm.at("IIdentityRegistry", sd.tsla.functions.identityRegistry().call())
    logs = sd.tsla.events.Transfer().get_logs(from_block=first_block, argument_filters={"from": sd.capital.address})
    recipients = {log["args"]["to"] for log in logs}
    assert recipients == {alice, carol, bob}
    for log in logs:
        assert _may_hold(sd.tsla, registry, log["args"]["to"], log["blockNumber"]), log
    assert sd.tsla_of(stranger) == 0
    tokens, total, balance = sd.tranche()
    assert total == 0 and balance >= 0 and tokens == sd.tsla_of(sd.capital.address)


def test_auction__deficit_settled_by_a_gain__ends_and_a_new_deficit_starts_afresh(
    stock_desk: StockDesk, holders: Actors, stranger: str
) -> None:
    sd = stock_desk
    carol = holders.carol.wallet
    _in_deficit(sd, holders, loss=100)
    sd.evm.send(sd.capital.functions.startAuction(sd.tsla.address), stranger)
    sd.evm.mine(sd.evm.timestamp() + DEFAULT_AUCTION.duration // 2)  # halfway: the price has fallen
    sd.desk.prices(sd.evm.timestamp() + 1)

    sd.book(usd(100))  # the pool's next gain settles the deficit exactly

    assert sd.tranche()[2] == 0
    assert sd.capital.functions.tranche(sd.tsla.address).call()[7] == 0  # the auction is over
    sd.book(-usd(50))  # a new deficit has no auction until one is started, at the start price
    _funded_bidder(sd, carol)
    with sd.evm.reverts("StockCapitalAuctionNotActive", sd.tsla.address):
        sd.evm.send(sd.capital.functions.bid(sd.tsla.address, TSLA_UNIT, 1_000 * USDC_UNIT), carol)
    receipt = sd.evm.send(sd.capital.functions.startAuction(sd.tsla.address), stranger)
    (started,) = sd.evm.events(receipt, sd.capital, "AuctionStarted")
    assert started["usdBalance"] == -usd(50)
    price, _ = sd.capital.functions.auctionPrice(sd.tsla.address).call()
    assert price == auction_price(usd(TSLA_PRICE), DEFAULT_AUCTION, 0)
