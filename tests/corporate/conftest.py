"""Fixtures for the corporate-action tests: the protocol's CorporateActions handler on the TSLA suite.

``handler`` is owned by a fresh protocol-admin account, its price confirmer is ``keeper`` (standing in
for the oracle), and the TSLA token's owner (``issuer``) has made it a corporate-action agent.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.corporate import deploy_corporate_actions, enable_corporate_actions
from dualtrack.suite import Suite
from tests.suite_fixtures import Actors


@dataclass(frozen=True)
class Corporate:
    """The handler on TSLA, with the accounts that drive it."""

    handler: Contract
    token: Contract
    admin: str  # the handler's owner (protocol admin)
    token_owner: str  # TSLA's owner: announces, amends, cancels
    confirmer: str  # the price confirmer (the oracle)


@pytest.fixture(scope="session")
def corporate(evm: Chain, tsla: Suite, holders: Actors, issuer: str, keeper: str) -> Corporate:
    admin = evm.new_account()
    handler = deploy_corporate_actions(evm, admin, keeper)
    enable_corporate_actions(evm, tsla.token, handler, issuer)
    return Corporate(handler=handler, token=tsla.token, admin=admin, token_owner=issuer, confirmer=keeper)


class Clock:
    """Explicit block times: every transaction or read is placed at a known timestamp."""

    def __init__(self, evm: Chain) -> None:
        self.evm = evm

    def next(self, seconds: int = 1) -> int:
        """Set the next block's timestamp ``seconds`` after the latest block and return it."""
        t = self.evm.timestamp() + seconds
        self.evm.set_next_timestamp(t)
        return t

    def mine_at(self, timestamp: int) -> None:
        """Mine an empty block at ``timestamp`` (views then read at that time)."""
        self.evm.mine(timestamp)


@pytest.fixture(scope="session")
def clock(evm: Chain) -> Clock:
    return Clock(evm)
