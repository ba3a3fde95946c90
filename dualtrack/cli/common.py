"""What every command that talks to a chain shares: the RPC URL, the sender's key, error output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import is_address, to_checksum_address
from web3 import Web3

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.paths import DEPLOYMENTS_DIR
from dualtrack.transport import KEY_ENV, SigningKeyError, load_account

RPC_ENV = "DUALTRACK_RPC_URL"
NODE_URL_ENV = "DUALTRACK_NODE_URL"  # set by `dualtrack node` / `make demo` for the node it started
DEV_KEYS = 10  # the dev node's unlocked accounts whose keys are public (the Foundry test mnemonic)
DEFAULT_MANIFEST = DEPLOYMENTS_DIR / "base-local.json"  # what `make demo` writes

F = TypeVar("F", bound=Callable[..., Any])


def rpc_option(function: F) -> F:
    """``--rpc-url``, else ``$DUALTRACK_RPC_URL``, else the node ``make demo`` / ``dualtrack node`` started."""
    return click.option(
        "--rpc-url",
        envvar=[RPC_ENV, NODE_URL_ENV],
        required=True,
        help=f"The node's JSON-RPC URL (or set {RPC_ENV}).",
    )(function)


def manifest_option(function: F) -> F:
    """``--manifest``: the deployment manifest the command finds its contracts in (default: the demo's)."""
    return click.option(
        "--manifest",
        "manifest_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_MANIFEST,
        show_default=True,
        help="The deployment manifest the contracts are read from.",
    )(function)


def sender_options(function: F) -> F:
    """How the command signs: a key file, an Ape account alias, a dev node account, or ``$DUALTRACK_PRIVATE_KEY``."""
    options = [
        click.option(
            "--key-file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default=None,
            help="A file with the sender's hex private key, or an encrypted keystore "
            "(passphrase from $DUALTRACK_KEY_PASSPHRASE).",
        ),
        click.option(
            "--account",
            "ape_alias",
            default=None,
            help="An Ape account alias (~/.ape/accounts); passphrase from $APE_ACCOUNTS_<alias>_PASSPHRASE.",
        ),
        click.option(
            "--node-account",
            default=None,
            help="Let a dev node sign for one of its unlocked accounts (an index or an address): local nodes only.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def connect(rpc_url: str) -> Chain:
    """A :class:`Chain` on ``rpc_url``, or a usage error saying the node did not answer."""
    w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": 60}))
    try:
        _ = w3.eth.chain_id
    except Exception as error:  # any transport failure: the URL is wrong or the node is down
        raise click.UsageError(f"no node answers at {rpc_url} ({type(error).__name__})") from None
    return Chain(w3)


def choose_sender(
    evm: Chain, *, key_file: Path | None, ape_alias: str | None, node_account: str | None
) -> tuple[str, LocalAccount | None]:
    """The sending address and, when known, its key (added to ``evm`` as a local signer).

    A dev node account has no key here, except the public dev keys of the Foundry mnemonic.
    """
    if node_account is not None:
        if key_file is not None or ape_alias is not None:
            raise click.UsageError("give one sender: --node-account, --key-file or --account")
        address = _node_account(evm, node_account)
        return address, _dev_key(address)
    try:
        account = load_account(key_file=key_file, ape_alias=ape_alias)
    except SigningKeyError as error:
        raise click.UsageError(f"{error} (or --node-account on a dev node)") from None
    return evm.use_key(account), account


def _node_account(evm: Chain, choice: str) -> str:
    if not evm.accounts:
        raise click.UsageError(
            f"this node has no unlocked accounts: sign with a key (--key-file, --account or ${KEY_ENV})"
        )
    if choice.isdigit():
        index = int(choice)
        if index >= len(evm.accounts):
            raise click.UsageError(f"--node-account {index}: the node has {len(evm.accounts)} unlocked accounts")
        return evm.accounts[index]
    if not is_address(choice) or to_checksum_address(choice) not in evm.accounts:
        raise click.UsageError(f"--node-account {choice}: not one of the node's unlocked accounts")
    return to_checksum_address(choice)


def _dev_key(address: str) -> LocalAccount | None:
    for key in dev_private_keys(DEV_KEYS):
        account = Account.from_key(key)
        if account.address == address:
            return account
    return None
