"""BalanceCheckpoints, checked directly through CheckpointsHarness against a Python model."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain

# An operation: None takes a snapshot, an int sets the balance.
OPERATIONS = st.lists(st.one_of(st.none(), st.integers(0, 2**112 - 1)), min_size=1, max_size=30)


@pytest.fixture
def harness(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("CheckpointsHarness", sender=issuer)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # snapshot/revert per example
@given(operations=OPERATIONS)
def test_balance_at__random_movements_and_snapshots__equals_model_and_one_checkpoint_per_change_after_a_snapshot(
    evm: Chain, harness: Contract, issuer: str, operations: list[int | None]
) -> None:
    snapshot = evm.snapshot()
    try:
        balance, at_snapshot, checkpoints, changed_since_snapshot = 0, [], 0, True
        for operation in operations:
            if operation is None:
                evm.send(harness.functions.takeSnapshot(), issuer)
                at_snapshot.append(balance)
                changed_since_snapshot = False
            else:
                evm.send(harness.functions.setBalance(operation), issuer)
                if not changed_since_snapshot:
                    checkpoints += 1
                changed_since_snapshot = True
                balance = operation
        assert [harness.functions.balanceAt(i).call() for i in range(1, len(at_snapshot) + 1)] == at_snapshot
        assert harness.functions.checkpointCount().call() == checkpoints
    finally:
        evm.revert_to(snapshot)
