"""Session-wide fixtures: the node, named actors and per-test isolation.

Contracts are deployed through :class:`dualtrack.chain.Chain` (web3.py over the
node's unlocked accounts); Ape provides compilation and the network
connection. Each test runs inside an ``evm_snapshot``/``evm_revert`` pair, so
session fixtures deploy once and every test starts from the same state.
"""

from __future__ import annotations

from collections.abc import Iterator

import ape
import pytest
from hypothesis import HealthCheck, settings
from web3 import Web3

from dualtrack.chain import Chain

# Shared deployments (protocol, claim issuer, TSLA suite, holders) live in a plugin module.
pytest_plugins = ["tests.suite_fixtures"]

# Hypothesis profiles: `default` keeps `make test` fast; `fuzz` is for `make fuzz`.
settings.register_profile(
    "default", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile(
    "fuzz", max_examples=500, stateful_step_count=60, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def w3() -> Web3:
    return ape.chain.provider.web3  # type: ignore[attr-defined,no-any-return]


@pytest.fixture(scope="session")
def evm(w3: Web3) -> Chain:
    return Chain(w3)


@pytest.fixture(autouse=True)
def _isolation(evm: Chain) -> Iterator[None]:
    snapshot = evm.snapshot()
    yield
    evm.revert_to(snapshot)


# Named actors: the node's first accounts, in a fixed order.
@pytest.fixture(scope="session")
def issuer(evm: Chain) -> str:
    return evm.accounts[0]


@pytest.fixture(scope="session")
def agent(evm: Chain) -> str:
    return evm.accounts[1]


@pytest.fixture(scope="session")
def alice(evm: Chain) -> str:
    return evm.accounts[2]


@pytest.fixture(scope="session")
def bob(evm: Chain) -> str:
    return evm.accounts[3]


@pytest.fixture(scope="session")
def keeper(evm: Chain) -> str:
    return evm.accounts[4]


@pytest.fixture(scope="session")
def lp(evm: Chain) -> str:
    return evm.accounts[5]
