"""The token issuer's powers over the stock collateral the vault holds: freeze, seize, recover."""

from __future__ import annotations

from dualtrack.suite import UNIT
from tests.margin.conftest import TSLA_UNIT, Desk
from tests.suite_fixtures import Actors, Holder


def _pledged(desk: Desk, wallet: str, amount: int = 10 * TSLA_UNIT) -> int:
    account = desk.open(wallet)
    desk.deposit(account, desk.tsla, amount, wallet)
    return account


def test_set_frozen__part_of_the_collateral__only_the_rest_withdrawable(
    desk: Desk, holders: Actors, agent: str
) -> None:
    alice = holders.alice.wallet
    account = _pledged(desk, alice)
    receipt = desk.evm.send(desk.vault.functions.setFrozen(account, desk.tsla.address, 6 * TSLA_UNIT), agent)
    assert desk.evm.events(receipt, desk.vault, "CollateralFrozen")[0]["frozen"] == 6 * TSLA_UNIT
    before = desk.tsla.functions.balanceOf(alice).call()

    with desk.evm.reverts("MarginVaultInsufficientBalance", account, desk.tsla.address, 4 * TSLA_UNIT, 5 * TSLA_UNIT):
        desk.evm.send(desk.vault.functions.withdraw(account, desk.tsla.address, 5 * TSLA_UNIT), alice)
    desk.evm.send(desk.vault.functions.withdraw(account, desk.tsla.address, 4 * TSLA_UNIT), alice)

    assert desk.tsla.functions.balanceOf(alice).call() == before + 4 * TSLA_UNIT
    assert tuple(desk.vault.functions.balanceOf(account, desk.tsla.address).call()) == (6 * TSLA_UNIT, 6 * TSLA_UNIT)


def test_set_frozen__whole_collateral__nothing_withdrawable_and_weighs_zero(
    desk: Desk, holders: Actors, agent: str
) -> None:
    alice = holders.alice.wallet
    account = _pledged(desk, alice)
    desk.evm.send(desk.vault.functions.setFrozen(account, desk.tsla.address, 10 * TSLA_UNIT), agent)
    desk.prices(desk.evm.timestamp() + 5)
    with desk.evm.reverts("MarginVaultInsufficientBalance", account, desk.tsla.address, 0, 1):
        desk.evm.send(desk.vault.functions.withdraw(account, desk.tsla.address, 1), alice)
    assert desk.vault.functions.healthOf(account).call()[0][0] == 0  # initial collateral


def test_set_frozen__not_an_agent_or_beyond_the_balance__refused(desk: Desk, holders: Actors, agent: str) -> None:
    account = _pledged(desk, holders.alice.wallet)
    with desk.evm.reverts("MarginVaultNotAgent", desk.tsla.address, holders.bob.wallet):
        desk.evm.send(desk.vault.functions.setFrozen(account, desk.tsla.address, 1), holders.bob.wallet)
    with desk.evm.reverts("MarginVaultInsufficientBalance", account, desk.tsla.address, 10 * TSLA_UNIT, 11 * TSLA_UNIT):
        desk.evm.send(desk.vault.functions.setFrozen(account, desk.tsla.address, 11 * TSLA_UNIT), agent)


def test_seize__frozen_first__moved_to_the_agents_wallet(desk: Desk, holders: Actors, agent: str) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    account = _pledged(desk, alice)
    desk.evm.send(desk.vault.functions.setFrozen(account, desk.tsla.address, 3 * TSLA_UNIT), agent)
    bob_before = desk.tsla.functions.balanceOf(bob).call()

    receipt = desk.evm.send(desk.vault.functions.seize(account, desk.tsla.address, 5 * TSLA_UNIT, bob), agent)

    (event,) = desk.evm.events(receipt, desk.vault, "CollateralSeized")
    assert (event["agent"], event["to"], event["amount"]) == (agent, bob, 5 * TSLA_UNIT)
    assert desk.tsla.functions.balanceOf(bob).call() == bob_before + 5 * TSLA_UNIT
    assert tuple(desk.vault.functions.balanceOf(account, desk.tsla.address).call()) == (5 * TSLA_UNIT, 0)
    assert desk.vault.functions.totalBooked(desk.tsla.address).call() == 5 * TSLA_UNIT
    assert desk.tsla.functions.balanceOf(desk.vault.address).call() == 5 * TSLA_UNIT


def test_seize__to_an_unverified_wallet__refused_nothing_moved(
    desk: Desk, holders: Actors, agent: str, stranger: str
) -> None:
    account = _pledged(desk, holders.alice.wallet)
    with desk.evm.reverts("MarginVaultNotVerified", desk.tsla.address, stranger):
        desk.evm.send(desk.vault.functions.seize(account, desk.tsla.address, TSLA_UNIT, stranger), agent)
    assert desk.balance(account, desk.tsla) == 10 * TSLA_UNIT


def test_recover_accounts__lost_wallet_recovered_on_token__accounts_follow(
    desk: Desk, lost_and_found: tuple[Holder, str], agent: str
) -> None:
    dave, new_wallet = lost_and_found
    account = _pledged(desk, dave.wallet, 4 * UNIT)
    desk.evm.send(desk.tsla.functions.recoveryAddress(dave.wallet, new_wallet, dave.identity.address), agent)

    receipt = desk.evm.send(desk.vault.functions.recoverAccounts(desk.tsla.address, dave.wallet), agent)

    (moved,) = desk.evm.events(receipt, desk.vault, "AccountMoved")
    assert (moved["accountId"], moved["from"], moved["to"]) == (account, dave.wallet, new_wallet)
    assert desk.vault.functions.accountOwner(account).call() == new_wallet
    assert desk.vault.functions.accountsOf(dave.wallet).call() == []
    with desk.evm.reverts("MarginVaultNotAccountOwner", account, dave.wallet):
        desk.evm.send(desk.vault.functions.withdraw(account, desk.tsla.address, UNIT), dave.wallet)
    desk.evm.send(desk.vault.functions.withdraw(account, desk.tsla.address, 4 * UNIT), new_wallet)
    assert desk.tsla.functions.balanceOf(new_wallet).call() >= 4 * UNIT


def test_recover_accounts__wallet_never_recovered__refused(desk: Desk, holders: Actors, agent: str) -> None:
    _pledged(desk, holders.alice.wallet)
    with desk.evm.reverts("MarginVaultNotRecovered", desk.tsla.address, holders.alice.wallet):
        desk.evm.send(desk.vault.functions.recoverAccounts(desk.tsla.address, holders.alice.wallet), agent)


def test_forced_transfer_off_the_vault__books_exceed_holdings__movements_fail_closed(
    desk: Desk, holders: Actors, agent: str
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    account = _pledged(desk, alice)
    # The agent uses the token's own forced transfer on the vault's balance instead of the vault's tools.
    desk.evm.send(desk.tsla.functions.forcedTransfer(desk.vault.address, bob, 2 * TSLA_UNIT), agent)

    with desk.evm.reverts("MarginVaultBooksExceedHoldings", desk.tsla.address, 10 * TSLA_UNIT, 8 * TSLA_UNIT):
        desk.evm.send(desk.vault.functions.withdraw(account, desk.tsla.address, TSLA_UNIT), alice)
    desk.evm.send(desk.tsla.functions.approve(desk.vault.address, TSLA_UNIT), alice)
    with desk.evm.reverts("MarginVaultBooksExceedHoldings", desk.tsla.address, 11 * TSLA_UNIT, 9 * TSLA_UNIT):
        desk.evm.send(desk.vault.functions.deposit(account, desk.tsla.address, TSLA_UNIT), alice)
    # Put back, everything works again.
    desk.evm.send(desk.tsla.functions.forcedTransfer(bob, desk.vault.address, 2 * TSLA_UNIT), agent)
    desk.evm.send(desk.vault.functions.withdraw(account, desk.tsla.address, TSLA_UNIT), alice)
