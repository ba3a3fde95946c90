"""MockStablecoin: the 6-decimal USD token later issues pay dividends and margin in."""

from __future__ import annotations

import pytest
from eth_account import Account
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.permit import sign_permit

ONE_USD = 10**6


@pytest.fixture(scope="session")
def usdc(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", issuer, sender=issuer)


def test_decimals__always__six(usdc: Contract) -> None:
    assert usdc.functions.decimals().call() == 6
    assert usdc.functions.symbol().call() == "USDC"


def test_mint__by_owner__credits_receiver_and_emits(evm: Chain, usdc: Contract, issuer: str, alice: str) -> None:
    receipt = evm.send(usdc.functions.mint(alice, 250 * ONE_USD), issuer)
    assert usdc.functions.balanceOf(alice).call() == 250 * ONE_USD
    assert evm.events(receipt, usdc, "Minted") == [{"to": alice, "amount": 250 * ONE_USD}]


def test_mint__by_non_owner__reverts_unauthorized(evm: Chain, usdc: Contract, alice: str) -> None:
    with evm.reverts("OwnableUnauthorizedAccount", alice):
        evm.send(usdc.functions.mint(alice, 1), alice)
    assert usdc.functions.totalSupply().call() == 0


def test_mint__to_zero_address__reverts_invalid_receiver(evm: Chain, usdc: Contract, issuer: str) -> None:
    zero = "0x" + "00" * 20
    with evm.reverts("ERC20InvalidReceiver", zero):
        evm.send(usdc.functions.mint(zero, 1), issuer)


def test_burn__more_than_balance__reverts_and_keeps_balance(
    evm: Chain, usdc: Contract, issuer: str, alice: str
) -> None:
    evm.send(usdc.functions.mint(alice, 5), issuer)
    with evm.reverts("ERC20InsufficientBalance", alice, 5, 6):
        evm.send(usdc.functions.burn(6), alice)
    assert usdc.functions.balanceOf(alice).call() == 5


def test_permit__signed_by_holder__sets_allowance(evm: Chain, usdc: Contract, alice: str, bob: str) -> None:
    alice_key = dev_private_keys(3)[2]
    assert Account.from_key(alice_key).address == alice
    permit = sign_permit(usdc, alice_key, bob, 77, evm.timestamp() + 3600)
    evm.send(usdc.functions.permit(*permit.as_args()), bob)
    assert usdc.functions.allowance(alice, bob).call() == 77
    assert usdc.functions.nonces(alice).call() == 1


@given(mint=st.integers(0, 10**30), spend=st.integers(0, 10**30))
def test_transfer__any_amount__conserves_supply(
    evm: Chain, usdc: Contract, issuer: str, alice: str, bob: str, mint: int, spend: int
) -> None:
    snapshot = evm.snapshot()
    try:
        evm.send(usdc.functions.mint(alice, mint), issuer)
        if spend > mint:
            with evm.reverts("ERC20InsufficientBalance", alice, mint, spend):
                evm.send(usdc.functions.transfer(bob, spend), alice)
        else:
            evm.send(usdc.functions.transfer(bob, spend), alice)
        balances = usdc.functions.balanceOf(alice).call() + usdc.functions.balanceOf(bob).call()
        assert balances == usdc.functions.totalSupply().call() == mint
    finally:
        evm.revert_to(snapshot)
