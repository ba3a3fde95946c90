"""EquityToken's corporate-action surface: the ERC-8056 UI multiplier, record-time snapshots, and the
recovery record (IRecoveryRecord) with ``positionAt``.

All are served by EquityTokenCorporateActions through the token's fallback; the snapshot
checkpoints are written by the token's own movements, the recovery record by ``recoveryAddress``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.suite import JP, UNIT, US, Holder, Suite
from tests.suite_fixtures import Actors, recover_to_new_wallet
from tests.support import DAY, ZERO

ONE = 10**18
MIN_MULTIPLIER, MAX_MULTIPLIER = 10**6, 10**30


@pytest.fixture
def token(evm: Chain, tsla: Suite, issuer: str, keeper: str) -> Contract:
    """TSLA with `keeper` as its corporate-action agent."""
    evm.send(tsla.token.functions.setCorporateActionAgent(keeper, True), issuer)
    return tsla.token


def _schedule(evm: Chain, token: Contract, keeper: str, multiplier: int, delay: int = DAY) -> int:
    effective_at = evm.timestamp() + delay
    evm.send(token.functions.scheduleUIMultiplier(multiplier, effective_at), keeper)
    return effective_at


# ---- Agents ----


def test_set_corporate_action_agent__owner__enables_and_emits(
    evm: Chain, tsla: Suite, issuer: str, keeper: str
) -> None:
    receipt = evm.send(tsla.token.functions.setCorporateActionAgent(keeper, True), issuer)
    assert evm.events(receipt, tsla.token, "CorporateActionAgentSet") == [{"agent": keeper, "enabled": True}]
    assert tsla.token.functions.isCorporateActionAgent(keeper).call()
    evm.send(tsla.token.functions.setCorporateActionAgent(keeper, False), issuer)
    assert not tsla.token.functions.isCorporateActionAgent(keeper).call()


def test_set_corporate_action_agent__not_owner_or_zero__reverts(
    evm: Chain, tsla: Suite, issuer: str, agent: str, keeper: str
) -> None:
    with evm.reverts("OwnableUnauthorizedAccount", agent):
        evm.send(tsla.token.functions.setCorporateActionAgent(keeper, True), agent)
    with evm.reverts("CorporateActionTargetZeroAddress"):
        evm.send(tsla.token.functions.setCorporateActionAgent(ZERO, True), issuer)


def test_corporate_calls__not_an_agent__revert(evm: Chain, tsla: Suite, agent: str) -> None:
    later = evm.timestamp() + DAY
    for call in (
        tsla.token.functions.scheduleUIMultiplier(2 * ONE, later),
        tsla.token.functions.cancelUIMultiplier(),
        tsla.token.functions.scheduleSnapshot(later),
    ):
        with evm.reverts("CorporateActionTargetNotAgent", agent):
            evm.send(call, agent)


def test_extension__called_directly__owns_nothing_and_changes_nothing(
    evm: Chain, tsla: Suite, issuer: str, keeper: str
) -> None:
    extension = evm.at("EquityTokenCorporateActions", tsla.token.functions.corporateActionsExtension().call())
    with evm.reverts("OwnableUnauthorizedAccount", issuer):
        evm.send(extension.functions.setCorporateActionAgent(keeper, True), issuer)
    with evm.reverts("CorporateActionTargetNotAgent", keeper):
        evm.send(extension.functions.scheduleSnapshot(evm.timestamp() + DAY), keeper)


def test_fallback__unknown_selector__reverts(evm: Chain, tsla: Suite, alice: str) -> None:
    with pytest.raises(Exception):  # noqa: B017 - a bare revert: no error data to decode
        evm.w3.eth.call({"to": tsla.token.address, "from": alice, "data": "0xdeadbeef"})


# ---- UI multiplier ----


def test_ui_multiplier__fresh_token__one_and_nothing_pending(tsla: Suite, holders: Actors) -> None:
    token = tsla.token.functions
    assert token.uiMultiplier().call() == ONE
    assert token.newUIMultiplier().call() == ONE
    assert token.effectiveAt().call() == 0
    assert token.balanceOfUI(holders.alice.wallet).call() == 100 * UNIT
    assert (token.MIN_UI_MULTIPLIER().call(), token.MAX_UI_MULTIPLIER().call()) == (MIN_MULTIPLIER, MAX_MULTIPLIER)


def test_schedule_ui_multiplier__split__old_until_effective_at_minus_one_new_from_effective_at(
    evm: Chain, token: Contract, holders: Actors, keeper: str
) -> None:
    effective_at = evm.timestamp() + DAY
    receipt = evm.send(token.functions.scheduleUIMultiplier(10 * ONE, effective_at), keeper)
    assert evm.events(receipt, token, "UIMultiplierUpdated") == [
        {"oldMultiplier": ONE, "newMultiplier": 10 * ONE, "effectiveAtTimestamp": effective_at}
    ]
    assert token.functions.newUIMultiplier().call() == 10 * ONE
    assert token.functions.effectiveAt().call() == effective_at
    alice = holders.alice.wallet
    evm.mine(effective_at - 1)
    assert token.functions.uiMultiplier().call() == ONE
    assert token.functions.balanceOfUI(alice).call() == 100 * UNIT
    evm.mine(effective_at)
    assert token.functions.uiMultiplier().call() == 10 * ONE
    assert token.functions.balanceOfUI(alice).call() == 1_000 * UNIT
    assert token.functions.balanceOf(alice).call() == 100 * UNIT  # raw never moves


def test_schedule_ui_multiplier__after_one_took_effect__compounds_from_the_effective_one(
    evm: Chain, token: Contract, keeper: str
) -> None:
    first = _schedule(evm, token, keeper, 10 * ONE)
    evm.mine(first)
    second = evm.timestamp() + DAY
    receipt = evm.send(token.functions.scheduleUIMultiplier(ONE, second), keeper)
    assert evm.events(receipt, token, "UIMultiplierUpdated")[0]["oldMultiplier"] == 10 * ONE
    assert token.functions.uiMultiplier().call() == 10 * ONE
    evm.mine(second)
    assert token.functions.uiMultiplier().call() == ONE


@pytest.mark.parametrize("multiplier", [0, MIN_MULTIPLIER - 1, MAX_MULTIPLIER + 1])
def test_schedule_ui_multiplier__out_of_range__reverts(
    evm: Chain, token: Contract, keeper: str, multiplier: int
) -> None:
    with evm.reverts("ScaledUIAmountInvalidMultiplier", multiplier):
        evm.send(token.functions.scheduleUIMultiplier(multiplier, evm.timestamp() + DAY), keeper)


def test_schedule_ui_multiplier__not_in_future__reverts(evm: Chain, token: Contract, keeper: str) -> None:
    now = evm.timestamp()
    with evm.reverts("ScaledUIAmountInvalidEffectiveAt") as error:
        evm.send(token.functions.scheduleUIMultiplier(2 * ONE, now), keeper)
    assert error.args_[0] == now
    with evm.reverts("ScaledUIAmountInvalidEffectiveAt"):
        evm.send(token.functions.scheduleUIMultiplier(2 * ONE, 2**40), keeper)


def test_schedule_ui_multiplier__change_pending__reverts_naming_it(evm: Chain, token: Contract, keeper: str) -> None:
    effective_at = _schedule(evm, token, keeper, 10 * ONE)
    with evm.reverts("ScaledUIAmountChangePending", 10 * ONE, effective_at):
        evm.send(token.functions.scheduleUIMultiplier(2 * ONE, effective_at + DAY), keeper)


def test_cancel_ui_multiplier__pending__restores_and_emits(evm: Chain, token: Contract, keeper: str) -> None:
    effective_at = _schedule(evm, token, keeper, 10 * ONE)
    receipt = evm.send(token.functions.cancelUIMultiplier(), keeper)
    assert evm.events(receipt, token, "UIMultiplierCancelled") == [
        {"cancelledMultiplier": 10 * ONE, "effectiveAtTimestamp": effective_at}
    ]
    evm.mine(effective_at)
    functions = token.functions
    assert (functions.uiMultiplier().call(), functions.newUIMultiplier().call(), functions.effectiveAt().call()) == (
        ONE,
        ONE,
        0,
    )


def test_cancel_ui_multiplier__nothing_pending_or_already_effective__reverts(
    evm: Chain, token: Contract, keeper: str
) -> None:
    with evm.reverts("ScaledUIAmountNothingPending"):
        evm.send(token.functions.cancelUIMultiplier(), keeper)
    effective_at = _schedule(evm, token, keeper, 10 * ONE)
    evm.mine(effective_at)
    with evm.reverts("ScaledUIAmountNothingPending"):
        evm.send(token.functions.cancelUIMultiplier(), keeper)


def test_reverse_split__allowance__unchanged_in_raw_units(
    evm: Chain, token: Contract, holders: Actors, keeper: str
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    evm.send(token.functions.approve(bob, 50 * UNIT), alice)
    effective_at = _schedule(evm, token, keeper, ONE // 10)
    evm.mine(effective_at)
    assert token.functions.allowance(alice, bob).call() == 50 * UNIT
    evm.send(token.functions.transferFrom(alice, bob, 50 * UNIT), bob)
    assert token.functions.balanceOf(bob).call() == 150 * UNIT
    assert token.functions.balanceOfUI(bob).call() == 15 * UNIT


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # snapshot/revert per example
@given(
    multiplier=st.integers(MIN_MULTIPLIER, MAX_MULTIPLIER),
    raw=st.integers(0, 2**112 - 1),
    ui=st.integers(0, 2**150),
)
def test_ui_amounts__any_multiplier__round_trips_never_create_value(
    evm: Chain, token: Contract, keeper: str, multiplier: int, raw: int, ui: int
) -> None:
    snapshot = evm.snapshot()
    try:
        evm.mine(_schedule(evm, token, keeper, multiplier))
        functions = token.functions
        to_ui = functions.toUIAmount(raw).call()
        assert to_ui == raw * multiplier // ONE
        assert functions.fromUIAmount(to_ui).call() <= raw
        assert functions.toUIAmount(functions.fromUIAmount(ui).call()).call() <= ui
    finally:
        evm.revert_to(snapshot)


# ---- Snapshots ----


@pytest.fixture
def record(evm: Chain, token: Contract, keeper: str) -> Iterator[tuple[int, int]]:
    """A snapshot one day ahead: (snapshot id, record time)."""
    record_time = evm.timestamp() + DAY
    receipt = evm.send(token.functions.scheduleSnapshot(record_time), keeper)
    (event,) = evm.events(receipt, token, "SnapshotScheduled")
    assert (event["snapshotId"], event["recordTime"]) == (1, record_time)
    yield 1, record_time


def test_schedule_snapshot__invalid_times__revert(evm: Chain, token: Contract, keeper: str) -> None:
    now = evm.timestamp()
    with evm.reverts("BalanceSnapshotsInvalidRecordTime") as error:
        evm.send(token.functions.scheduleSnapshot(now), keeper)
    assert error.args_[0] == now
    with evm.reverts("BalanceSnapshotsInvalidRecordTime"):
        evm.send(token.functions.scheduleSnapshot(2**40), keeper)
    evm.send(token.functions.scheduleSnapshot(now + DAY), keeper)
    with evm.reverts("BalanceSnapshotsOutOfOrder", now + DAY, now + DAY):
        evm.send(token.functions.scheduleSnapshot(now + DAY), keeper)


def test_schedule_snapshot__more_than_cap_pending__reverts_until_one_is_taken(
    evm: Chain, token: Contract, keeper: str
) -> None:
    now = evm.timestamp()
    for i in range(8):
        evm.send(token.functions.scheduleSnapshot(now + 100 + i), keeper)
    with evm.reverts("BalanceSnapshotsCapReached", 8):
        evm.send(token.functions.scheduleSnapshot(now + 200), keeper)
    evm.mine(now + 100)
    evm.send(token.functions.scheduleSnapshot(now + 200), keeper)
    assert token.functions.snapshotCount().call() == 9


def test_balance_at__unknown_or_not_taken__reverts(
    evm: Chain, token: Contract, holders: Actors, record: tuple[int, int]
) -> None:
    snapshot_id, record_time = record
    alice = holders.alice.wallet
    with evm.reverts("BalanceSnapshotsNotTaken", snapshot_id, record_time):
        evm.call(token.functions.balanceAt(alice, snapshot_id))
    for unknown in (0, 2):
        with evm.reverts("BalanceSnapshotsUnknown", unknown):
            evm.call(token.functions.balanceAt(alice, unknown))
        with evm.reverts("BalanceSnapshotsUnknown", unknown):
            evm.call(token.functions.snapshotTime(unknown))
    assert token.functions.snapshotTime(snapshot_id).call() == record_time


def test_balance_at__transfers_before_and_after_record__only_before_counts(
    evm: Chain, token: Contract, holders: Actors, record: tuple[int, int]
) -> None:
    snapshot_id, record_time = record
    alice, bob, carol = holders.alice.wallet, holders.bob.wallet, holders.carol.wallet
    supply = token.functions.totalSupply().call()
    evm.send(token.functions.transfer(bob, 10 * UNIT), alice)  # before: counts
    evm.set_next_timestamp(record_time)
    evm.send(token.functions.transfer(carol, 30 * UNIT), alice)  # in the record block: does not
    evm.send(token.functions.transfer(carol, 5 * UNIT), bob)  # after: does not
    evm.send(token.functions.transfer(alice, 1 * UNIT), carol)
    balances = {w: token.functions.balanceAt(w, snapshot_id).call() for w in (alice, bob, carol)}
    assert balances == {alice: 90 * UNIT, bob: 110 * UNIT, carol: 0}
    assert token.functions.totalSupplyAt(snapshot_id).call() == supply


def test_total_supply_at__mint_and_burn_around_record__only_before_counts(
    evm: Chain, token: Contract, holders: Actors, agent: str, record: tuple[int, int]
) -> None:
    snapshot_id, record_time = record
    alice = holders.alice.wallet
    supply = token.functions.totalSupply().call()
    evm.send(token.functions.mint(alice, 7 * UNIT), agent)
    evm.mine(record_time)
    evm.send(token.functions.burn(alice, 50 * UNIT), agent)
    evm.send(token.functions.mint(holders.carol.wallet, 3 * UNIT), agent)
    assert token.functions.totalSupplyAt(snapshot_id).call() == supply + 7 * UNIT
    assert token.functions.balanceAt(alice, snapshot_id).call() == 107 * UNIT
    assert token.functions.balanceAt(holders.carol.wallet, snapshot_id).call() == 0


def test_balance_at__self_transfer_after_record__keeps_balance_and_snapshot(
    evm: Chain, token: Contract, holders: Actors, record: tuple[int, int]
) -> None:
    snapshot_id, record_time = record
    alice = holders.alice.wallet
    supply = token.functions.totalSupply().call()
    evm.mine(record_time)
    evm.send(token.functions.transfer(alice, 40 * UNIT), alice)
    assert token.functions.balanceOf(alice).call() == 100 * UNIT
    assert token.functions.balanceAt(alice, snapshot_id).call() == 100 * UNIT
    assert token.functions.totalSupply().call() == supply


def test_balance_at__several_snapshots__each_sees_its_own_balance(
    evm: Chain, token: Contract, holders: Actors, keeper: str
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    now = evm.timestamp()
    times = [now + 100, now + 200, now + 300]
    for t in times:
        evm.send(token.functions.scheduleSnapshot(t), keeper)
    evm.mine(times[0])
    evm.send(token.functions.transfer(bob, 10 * UNIT), alice)  # between 1 and 2
    evm.mine(times[2])  # 2 and 3 pass with no movement in between
    evm.send(token.functions.transfer(bob, 20 * UNIT), alice)
    assert [token.functions.balanceAt(alice, i).call() for i in (1, 2, 3)] == [100 * UNIT, 90 * UNIT, 90 * UNIT]
    assert [token.functions.balanceAt(bob, i).call() for i in (1, 2, 3)] == [100 * UNIT, 110 * UNIT, 110 * UNIT]
    assert token.functions.balanceOf(alice).call() == 70 * UNIT


def test_balance_at__recovery_after_record__lost_wallet_keeps_its_entitlement(
    evm: Chain, tsla: Suite, token: Contract, lost_and_found: tuple, agent: str, keeper: str
) -> None:
    dave, new_wallet = lost_and_found
    record_time = evm.timestamp() + DAY
    evm.send(token.functions.scheduleSnapshot(record_time), keeper)
    evm.mine(record_time)
    evm.send(token.functions.recoveryAddress(dave.wallet, new_wallet, dave.identity.address), agent)
    assert token.functions.balanceAt(dave.wallet, 1).call() == 10 * UNIT
    assert token.functions.balanceAt(new_wallet, 1).call() == 0
    assert token.functions.balanceOf(new_wallet).call() == 10 * UNIT


def test_transfer__record_time_passed__checkpoints_once_then_costs_as_before(
    evm: Chain, token: Contract, holders: Actors, record: tuple[int, int]
) -> None:
    # Not a timing test: the first movement after a record time writes the checkpoints, later ones don't.
    _, record_time = record
    alice, bob = holders.alice.wallet, holders.bob.wallet
    steady = evm.send(token.functions.transfer(bob, UNIT), alice)["gasUsed"]
    evm.mine(record_time)
    first = evm.send(token.functions.transfer(bob, UNIT), alice)["gasUsed"]
    after = evm.send(token.functions.transfer(bob, UNIT), alice)["gasUsed"]
    assert first > after
    assert abs(after - steady) < 200


# ---- Recovery record ----


def test_recovery_address__lost_wallet__records_the_new_wallet(
    evm: Chain, tsla: Suite, lost_and_found: tuple[Holder, str], agent: str
) -> None:
    """Review finding 2: the token keeps an on-chain record of which wallet replaced which."""
    dave, new_wallet = lost_and_found
    token = tsla.token.functions
    assert (token.recoveredTo(dave.wallet).call(), token.currentWallet(dave.wallet).call()) == (ZERO, dave.wallet)
    receipt = evm.send(token.recoveryAddress(dave.wallet, new_wallet, dave.identity.address), agent)
    assert token.recoveredTo(dave.wallet).call() == new_wallet
    assert token.currentWallet(dave.wallet).call() == new_wallet
    assert (token.recoveredTo(new_wallet).call(), token.currentWallet(new_wallet).call()) == (ZERO, new_wallet)
    assert evm.events(receipt, tsla.token, "RecoverySuccess") == [
        {"lostWallet": dave.wallet, "newWallet": new_wallet, "investorOnchainID": dave.identity.address}
    ]


def test_recovery_record__recovered_back_into_lost_wallet__never_loops(
    evm: Chain, tsla: Suite, lost_and_found: tuple[Holder, str], agent: str
) -> None:
    dave, new_wallet = lost_and_found
    token = tsla.token.functions
    evm.send(token.recoveryAddress(dave.wallet, new_wallet, dave.identity.address), agent)
    evm.send(token.recoveryAddress(new_wallet, dave.wallet, dave.identity.address), agent)  # the key was found
    assert token.recoveredTo(dave.wallet).call() == ZERO  # live again
    assert token.recoveredTo(new_wallet).call() == dave.wallet
    assert token.currentWallet(new_wallet).call() == dave.wallet
    assert token.currentWallet(dave.wallet).call() == dave.wallet
    assert token.balanceOf(dave.wallet).call() == 10 * UNIT


def test_current_wallet__chain_longer_than_max_hops__reverts(
    evm: Chain, tsla: Suite, lost_and_found: tuple[Holder, str], agent: str
) -> None:
    dave, _ = lost_and_found
    token = tsla.token.functions
    max_hops = token.MAX_RECOVERY_HOPS().call()
    assert max_hops == 16
    chain = [dave.wallet]
    for _ in range(max_hops + 1):
        chain.append(recover_to_new_wallet(evm, tsla.token, chain[-1], dave.identity, dave.wallet, agent))
    assert token.currentWallet(chain[1]).call() == chain[-1]  # exactly max_hops records
    with evm.reverts("RecoveryRecordChainTooLong", dave.wallet, max_hops):
        evm.call(token.currentWallet(dave.wallet))


def test_position_at__holder_recovered_after_record__current_wallet_and_its_standing(
    evm: Chain,
    tsla: Suite,
    token: Contract,
    holders: Actors,
    lost_and_found: tuple[Holder, str],
    agent: str,
    keeper: str,
) -> None:
    dave, new_wallet = lost_and_found
    record_time = evm.timestamp() + DAY
    evm.send(token.functions.scheduleSnapshot(record_time), keeper)
    with evm.reverts("BalanceSnapshotsNotTaken", 1, record_time):
        evm.call(token.functions.positionAt(dave.wallet, 1))
    evm.mine(record_time)
    evm.send(token.functions.recoveryAddress(dave.wallet, new_wallet, dave.identity.address), agent)
    evm.send(token.functions.setAddressFrozen(new_wallet, True), agent)
    evm.send(tsla.identity_registry.functions.updateCountry(new_wallet, JP), agent)
    position = token.functions.positionAt(dave.wallet, 1).call()
    assert position == (10 * UNIT, new_wallet, True, dave.identity.address, JP)
    alice = holders.alice
    untouched = (100 * UNIT, alice.wallet, False, alice.identity.address, US)
    assert token.functions.positionAt(alice.wallet, 1).call() == untouched
    stranger = evm.new_account()
    assert token.functions.positionAt(stranger, 1).call() == (0, stranger, False, ZERO, 0)
