"""The signing transport: a key the node never unlocked sends, pays and fails clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account
from hexbytes import HexBytes

from dualtrack.chain import Chain
from dualtrack.suite import Suite
from dualtrack.transport import (
    DroppedError,
    InsufficientFundsError,
    KeyTransport,
    SigningKeyError,
    UnderpricedError,
    account_from_ape_alias,
    account_from_file,
    load_account,
    wait_for_receipt,
)
from tests.suite_fixtures import Actors
from tests.support import funded_key


def test_use_key__key_the_node_never_unlocked__deploys_and_sends_with_its_own_nonces(evm: Chain) -> None:
    account = funded_key(evm)
    assert account.address not in evm.w3.eth.accounts
    sender = evm.use_key(account)
    coin = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", sender, sender=sender)
    for amount in (1, 2, 3):
        receipt = evm.send(coin.functions.mint(sender, amount), sender)
        assert receipt["type"] == 2  # EIP-1559
    assert coin.functions.balanceOf(sender).call() == 6
    assert evm.w3.eth.get_transaction_count(sender) == 4


def test_use_key__snapshot_reverted_after_sends__next_send_mined_at_the_chains_nonce(evm: Chain) -> None:
    sender = evm.use_key(funded_key(evm), receipt_timeout=5)
    coin = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", sender, sender=sender)
    snapshot = evm.snapshot()
    for amount in (1, 2):
        evm.send(coin.functions.mint(sender, amount), sender)
    evm.revert_to(snapshot)  # the chain forgets two of the sender's nonces; the transport must too
    receipt = evm.send(coin.functions.mint(sender, 5), sender)
    assert receipt["status"] == 1
    assert coin.functions.balanceOf(sender).call() == 5
    assert evm.w3.eth.get_transaction_count(sender) == 2


def test_use_key__revert__decoded_custom_error_and_nothing_sent(evm: Chain, tsla: Suite, holders: Actors) -> None:
    sender = evm.use_key(funded_key(evm))
    with evm.reverts("AgentRoleNotAgent", sender):
        evm.send(tsla.token.functions.mint(holders.alice.wallet, 1), sender)
    assert evm.w3.eth.get_transaction_count(sender) == 0


def test_use_key__unfunded__insufficient_funds_before_sending(evm: Chain) -> None:
    sender = evm.use_key(funded_key(evm, wei=10))
    with pytest.raises(InsufficientFundsError) as raised:
        evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", sender, sender=sender)
    assert "fund it and run again" in str(raised.value) and sender in str(raised.value)
    assert evm.w3.eth.get_transaction_count(sender) == 0


def test_use_key__fee_cap_below_base_fee__underpriced_error(evm: Chain) -> None:
    sender = evm.use_key(funded_key(evm), max_fee_wei=1)
    base_fee = int(evm.w3.eth.get_block("latest")["baseFeePerGas"])
    assert base_fee > 1
    with pytest.raises(UnderpricedError, match="below the current base fee"):
        evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", sender, sender=sender)


def test_wait_for_receipt__hash_never_broadcast__dropped_error(evm: Chain) -> None:
    account = funded_key(evm)
    transport = KeyTransport(account)
    signed = account.sign_transaction(
        {
            "to": account.address,
            "value": 0,
            "gas": 21_000,
            "maxFeePerGas": 10**10,
            "maxPriorityFeePerGas": 1,
            "nonce": 0,
            "chainId": evm.w3.eth.chain_id,
        }
    )
    with pytest.raises(DroppedError, match="dropped"):
        wait_for_receipt(evm.w3, HexBytes(signed.hash), timeout=0.2)
    assert transport.address == account.address


def test_load_account__environment_variable__the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    account = Account.create()
    monkeypatch.setenv("DUALTRACK_PRIVATE_KEY", account.key.hex())
    assert load_account().address == account.address


def test_load_account__nothing_given__says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUALTRACK_PRIVATE_KEY", raising=False)
    with pytest.raises(SigningKeyError, match="set DUALTRACK_PRIVATE_KEY"):
        load_account()


def test_account_from_file__hex_key_or_keystore__same_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    account = Account.create()
    hex_file = tmp_path / "key.hex"
    hex_file.write_text(account.key.hex() + "\n")
    assert account_from_file(hex_file).address == account.address
    keystore = tmp_path / "key.json"
    keystore.write_text(json.dumps(Account.encrypt(account.key, "s3cret")))
    with pytest.raises(SigningKeyError, match="no terminal to ask: set DUALTRACK_KEY_PASSPHRASE"):
        account_from_file(keystore, prompt=False)
    monkeypatch.setenv("DUALTRACK_KEY_PASSPHRASE", "wrong")
    with pytest.raises(SigningKeyError, match="wrong passphrase"):
        account_from_file(keystore, prompt=False)
    monkeypatch.setenv("DUALTRACK_KEY_PASSPHRASE", "s3cret")
    assert account_from_file(keystore, prompt=False).address == account.address


def test_account_from_ape_alias__passphrase_from_apes_variable__no_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = Account.create()
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "deployer.json").write_text(json.dumps(Account.encrypt(account.key, "pw")))
    monkeypatch.delenv("DUALTRACK_KEY_PASSPHRASE", raising=False)
    monkeypatch.setenv("APE_ACCOUNTS_deployer_PASSPHRASE", "pw")
    assert account_from_ape_alias("deployer", data_folder=tmp_path, prompt=False).address == account.address
    with pytest.raises(SigningKeyError, match="no Ape account 'missing'"):
        account_from_ape_alias("missing", data_folder=tmp_path, prompt=False)
