"""MarginVaultDividends through MarginDividendsHarness: the vault, a custodian of the DividendDistributor, is
paid gross for the TSLA it holds and passes each account its share of the record-time books, net of the
owner's own country rate. Record-time positions come from lazy checkpoints, so books changed after the
record time do not move entitlements; a property test checks the checkpoints and the split against a
Python model over random books and snapshots."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualtrack.dividends import gross_entitlement, withheld_amount
from dualtrack.suite import UNIT
from tests.margin.dividends_harness import APS, RATES, MarginDividends
from tests.margin.dividends_harness import margin_dividends as margin_dividends  # a session fixture
from tests.suite_fixtures import recover_to_new_wallet
from tests.support import ZERO

US_RATE, DE_RATE = RATES.values()


@pytest.fixture
def m(margin_dividends: MarginDividends) -> MarginDividends:
    return margin_dividends


def share(gross: int, position: int, total: int) -> int:
    """The model of an account's gross entitlement: ``floor(gross * position / total)``."""
    return gross * position // total if total else 0


def paid_vault(m: MarginDividends, alice_amount: int, bob_amount: int) -> tuple[int, int]:
    """Alice and bob deposit into accounts 1 and 2, then a distribution is recorded and paid to the vault;
    returns (vault distribution id, gross)."""
    m.deposit(m.alice, 1, alice_amount)
    m.deposit(m.bob, 2, bob_amount)
    distribution_id, record_time = m.announce()
    m.evm.mine(record_time)
    event = m.pay_vault(distribution_id)
    return int(event["vaultDistributionId"]), int(event["gross"])


# ---- Pass-through ----


def test_claim_dividend__us_and_de_depositors__each_paid_share_net_of_own_rate(m: MarginDividends) -> None:
    m.deposit(m.alice, 1, 40 * UNIT)
    m.deposit(m.bob, 2, 60 * UNIT)
    distribution_id, record_time = m.announce()
    snapshot_id = int(m.distributor.functions.distribution(distribution_id).call()[5])
    m.evm.mine(record_time)
    received = m.pay_vault(distribution_id)
    gross = gross_entitlement(100 * UNIT, APS)
    assert received == {
        "vaultDistributionId": 1,
        "distributionId": distribution_id,
        "token": m.token.address,
        "paymentToken": m.usdc.address,
        "gross": gross,
        "snapshotId": snapshot_id,
    }
    vault = m.vault.functions
    assert vault.vaultDistributionCount().call() == 1
    assert vault.vaultDistribution(1).call() == (m.token.address, m.usdc.address, snapshot_id, gross, 100 * UNIT, 0)
    assert m.usdc_of(m.vault.address) == gross
    alice_share, bob_share = share(gross, 40, 100), share(gross, 60, 100)
    assert (vault.dividendOf(1, 1).call(), vault.dividendOf(1, 2).call()) == (alice_share, bob_share)

    alice_tax, bob_tax = withheld_amount(alice_share, US_RATE), withheld_amount(bob_share, DE_RATE)
    before = {w: m.usdc_of(w) for w in (m.alice, m.bob, m.tax, m.carol)}
    receipts = [m.evm.send(vault.claimDividend(1, account_id), m.carol) for account_id in (1, 2)]  # anyone claims
    assert [m.evm.events(r, m.vault, "VaultDividendClaimed") for r in receipts] == [
        [{"vaultDistributionId": 1, "accountId": 1, "paidTo": m.alice, "gross": alice_share, "withheld": alice_tax}],
        [{"vaultDistributionId": 1, "accountId": 2, "paidTo": m.bob, "gross": bob_share, "withheld": bob_tax}],
    ]
    assert m.usdc_of(m.alice) - before[m.alice] == alice_share - alice_tax
    assert m.usdc_of(m.bob) - before[m.bob] == bob_share - bob_tax
    assert m.usdc_of(m.tax) - before[m.tax] == alice_tax + bob_tax
    assert m.usdc_of(m.carol) == before[m.carol]
    assert vault.vaultDistribution(1).call()[5] == alice_share + bob_share == gross
    assert (vault.dividendOf(1, 1).call(), vault.dividendOf(1, 2).call()) == (0, 0)


def test_claim_dividend__books_changed_after_record_time__entitlements_from_record_time(m: MarginDividends) -> None:
    """Alice deposits before the announcement, bob between it and the record time (both count); after the
    record time alice withdraws everything, bob deposits more and moves part to a new account of carol."""
    m.deposit(m.alice, 1, 40 * UNIT)
    distribution_id, record_time = m.announce()
    m.deposit(m.bob, 2, 60 * UNIT)
    m.evm.mine(record_time)
    m.withdraw(m.alice, 1, 40 * UNIT)
    m.deposit(m.bob, 2, 30 * UNIT)
    carol_account = m.open_account(m.carol)
    m.evm.send(m.vault.functions.move(2, carol_account, m.token.address, 50 * UNIT), m.bob)
    assert [m.vault.functions.balanceOf(a, m.token.address).call() for a in (1, 2, carol_account)] == [
        0,
        40 * UNIT,
        50 * UNIT,
    ]
    snapshot_id = int(m.distributor.functions.distribution(distribution_id).call()[5])
    assert [m.booked_at(a, snapshot_id) for a in (1, 2, carol_account)] == [40 * UNIT, 60 * UNIT, 0]

    gross = int(m.pay_vault(distribution_id)["gross"])
    assert gross == gross_entitlement(100 * UNIT, APS)
    assert m.vault.functions.vaultDistribution(1).call()[4] == 100 * UNIT  # booked at record, not now (90)
    alice_before = m.usdc_of(m.alice)
    m.evm.send(m.vault.functions.claimDividend(1, 1), m.alice)
    alice_share = share(gross, 40, 100)
    assert m.usdc_of(m.alice) - alice_before == alice_share - withheld_amount(alice_share, US_RATE)
    assert m.vault.functions.dividendOf(1, 2).call() == share(gross, 60, 100)
    with m.evm.reverts("MarginDividendsNothingToClaim", 1, carol_account):
        m.evm.send(m.vault.functions.claimDividend(1, carol_account), m.carol)


def test_claim_dividend__two_records_pending_at_once__each_paid_by_its_own_books(m: MarginDividends) -> None:
    """Two distributions pending together: a change between the record times counts for the second only,
    and bob's first deposit, after the first record time, entitles him to the second only."""
    m.deposit(m.alice, 1, 40 * UNIT)
    first, first_time = m.announce(delay=1_000)
    second, second_time = m.announce(delay=2_000)
    m.evm.mine(first_time)
    m.deposit(m.bob, 2, 60 * UNIT)  # the first snapshot is taken, the second still pending
    m.withdraw(m.alice, 1, 10 * UNIT)
    m.evm.mine(second_time)
    m.deposit(m.alice, 1, 10 * UNIT)
    first_gross = int(m.pay_vault(first)["gross"])
    second_gross = int(m.pay_vault(second)["gross"])
    assert (first_gross, second_gross) == (gross_entitlement(40 * UNIT, APS), gross_entitlement(90 * UNIT, APS))
    vault = m.vault.functions
    assert [vault.vaultDistribution(i).call()[4] for i in (1, 2)] == [40 * UNIT, 90 * UNIT]
    assert [vault.dividendOf(1, a).call() for a in (1, 2)] == [first_gross, 0]
    assert [vault.dividendOf(2, a).call() for a in (1, 2)] == [share(second_gross, 30, 90), share(second_gross, 60, 90)]
    with m.evm.reverts("MarginDividendsNothingToClaim", 1, 2):
        m.evm.send(vault.claimDividend(1, 2), m.bob)


def test_claim_dividend__owner_recovered_after_record__pays_new_wallet_at_its_country(m: MarginDividends) -> None:
    vault_distribution_id, gross = paid_vault(m, 40 * UNIT, 60 * UNIT)
    new_wallet = recover_to_new_wallet(m.evm, m.token, m.alice, m.identities[m.alice], m.alice, m.agent)
    m.evm.send(m.vault.functions.recoverAccount(1, m.token.address), m.agent)
    assert m.vault.functions.accountOwner(1).call() == new_wallet
    alice_before = m.usdc_of(m.alice)
    receipt = m.evm.send(m.vault.functions.claimDividend(vault_distribution_id, 1), m.carol)
    alice_share = share(gross, 40, 100)
    withheld = withheld_amount(alice_share, US_RATE)
    (claimed,) = m.evm.events(receipt, m.vault, "VaultDividendClaimed")
    assert (claimed["paidTo"], claimed["withheld"]) == (new_wallet, withheld)
    assert m.usdc_of(new_wallet) == alice_share - withheld
    assert m.usdc_of(m.alice) == alice_before


def test_claim_dividend__uneven_books__payouts_at_most_gross_and_dust_stays(m: MarginDividends) -> None:
    """Three accounts whose shares do not divide the gross: each is paid the floor, the sum never exceeds
    the gross, and the rounding dust stays in the vault."""
    alice_second = m.open_account(m.alice)
    m.deposit(m.alice, 1, UNIT + 1)
    m.deposit(m.bob, 2, 2 * UNIT + 3)
    m.deposit(m.alice, alice_second, 4 * UNIT + 5)
    distribution_id, record_time = m.announce()
    m.evm.mine(record_time)
    total = 7 * UNIT + 9
    gross = int(m.pay_vault(distribution_id)["gross"])
    assert gross == gross_entitlement(total, APS)
    shares = [share(gross, UNIT + 1, total), share(gross, 2 * UNIT + 3, total), share(gross, 4 * UNIT + 5, total)]
    for account_id, expected in zip((1, 2, alice_second), shares, strict=True):
        receipt = m.evm.send(m.vault.functions.claimDividend(1, account_id), m.carol)
        (claimed,) = m.evm.events(receipt, m.vault, "VaultDividendClaimed")
        assert claimed["gross"] == expected
    paid = m.vault.functions.vaultDistribution(1).call()[5]
    assert paid == sum(shares) < gross
    assert m.usdc_of(m.vault.address) == gross - paid


# ---- Refusals ----


def test_claim_dividend__twice__reverts_already_claimed(m: MarginDividends) -> None:
    vault_distribution_id, _ = paid_vault(m, 40 * UNIT, 60 * UNIT)
    m.evm.send(m.vault.functions.claimDividend(vault_distribution_id, 2), m.bob)
    with m.evm.reverts("MarginDividendsAlreadyClaimed", vault_distribution_id, 2):
        m.evm.send(m.vault.functions.claimDividend(vault_distribution_id, 2), m.bob)


def test_claim_dividend__unknown_distribution__reverts(m: MarginDividends) -> None:
    for vault_distribution_id in (0, 1):
        with m.evm.reverts("MarginDividendsUnknownDistribution", vault_distribution_id):
            m.evm.send(m.vault.functions.claimDividend(vault_distribution_id, 1), m.alice)


def test_on_dividend_received__not_the_distributor__reverts(m: MarginDividends) -> None:
    call = m.vault.functions.onDividendReceived(1, m.token.address, m.usdc.address, 10**6, 1)
    with m.evm.reverts("MarginDividendsNotDistributor", m.alice):
        m.evm.send(call, m.alice)


def test_set_distributor__admin_then_stranger__set_then_refused(m: MarginDividends) -> None:
    receipt = m.evm.send(m.vault.functions.setDistributor(ZERO), m.admin)
    assert m.evm.events(receipt, m.vault, "DistributorSet") == [{"distributor": ZERO}]
    assert m.vault.functions.dividendDistributor().call() == ZERO
    with m.evm.reverts("AccessManagedUnauthorized", m.alice):
        m.evm.send(m.vault.functions.setDistributor(m.alice), m.alice)


def test_claim_for_vault__distributor_no_longer_accepted__reverts_and_stays_claimable(m: MarginDividends) -> None:
    m.deposit(m.alice, 1, 40 * UNIT)
    distribution_id, record_time = m.announce()
    m.evm.mine(record_time)
    m.evm.send(m.vault.functions.setDistributor(ZERO), m.admin)
    with m.evm.reverts("MarginDividendsNotDistributor", m.distributor.address):
        m.pay_vault(distribution_id)
    assert m.distributor.functions.isClaimed(distribution_id, m.vault.address).call() is False


def test_booked_at__snapshot_not_taken_or_unknown__reverts_as_token(m: MarginDividends) -> None:
    _, record_time = m.announce()
    with m.evm.reverts("BalanceSnapshotsNotTaken", 1, record_time):
        m.booked_at(1, 1)
    with m.evm.reverts("BalanceSnapshotsUnknown", 2):
        m.booked_at(1, 2)


# ---- Property: checkpoints and split against a model ----


@dataclass(frozen=True)
class Book:
    account: int  # index into the three accounts
    amount: int


SCHEDULE, WAIT = "schedule", "wait"
OPERATIONS = st.lists(
    st.one_of(
        st.builds(Book, st.integers(0, 2), st.one_of(st.just(0), st.integers(1, 10**24))),
        st.just(SCHEDULE),
        st.just(WAIT),
    ),
    min_size=1,
    max_size=16,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # snapshot/revert per example
@given(operations=OPERATIONS, gross=st.integers(1, 10**30))
def test_booked_at_and_dividend_of__random_books_and_snapshots__equal_model(
    m: MarginDividends, operations: list[Book | str], gross: int
) -> None:
    """Books of three accounts change (``book``: no tokens move) while snapshots are scheduled 50 s or more
    ahead (``schedule``) and time passes (``wait``, 60 s). Each taken snapshot's booked positions and total
    equal the model's, and a payment at it (from a stand-in distributor) splits as ``floor(gross *
    position / total)``, never more than the gross in all."""
    evm, token, vault = m.evm, m.token.address, m.vault.functions
    state = evm.snapshot()
    try:
        payer = m.carol
        evm.send(vault.setDistributor(payer), m.admin)
        evm.send(m.token.functions.setCorporateActionAgent(m.issuer, True), m.issuer)
        accounts = [m.open_account(m.carol) for _ in range(3)]
        balances = [0, 0, 0]
        changes: list[tuple[int, list[int]]] = [(0, [0, 0, 0])]  # (block time, books from that block on)
        record_times: list[int] = []
        for operation in operations:
            if operation == SCHEDULE:
                if sum(t > evm.timestamp() for t in record_times) >= 7:
                    continue  # the token keeps at most 8 snapshots pending
                record_time = max([evm.timestamp() + 50, *(t + 1 for t in record_times[-1:])])  # increasing
                evm.send(m.token.functions.scheduleSnapshot(record_time), m.issuer)
                record_times.append(record_time)
            elif operation == WAIT:
                evm.mine(evm.timestamp() + 60)
            else:
                assert isinstance(operation, Book)
                receipt = evm.send(vault.book(accounts[operation.account], token, operation.amount), m.carol)
                balances[operation.account] = operation.amount
                changes.append((int(evm.w3.eth.get_block(receipt["blockNumber"])["timestamp"]), list(balances)))
        now = evm.timestamp()
        for snapshot_id, record_time in enumerate(record_times, start=1):
            if record_time > now:
                continue
            # The books as they stood before the first block at or after the record time.
            at_record = [books for time, books in changes if time < record_time][-1]
            assert [m.booked_at(a, snapshot_id) for a in accounts] == at_record
            evm.send(vault.onDividendReceived(snapshot_id, token, m.usdc.address, gross, snapshot_id), payer)
            vault_distribution_id = vault.vaultDistributionCount().call()
            total = sum(at_record)
            assert vault.vaultDistribution(vault_distribution_id).call()[4] == total
            entitlements = [vault.dividendOf(vault_distribution_id, a).call() for a in accounts]
            assert entitlements == [share(gross, position, total) for position in at_record]
            assert sum(entitlements) <= gross
    finally:
        evm.revert_to(state)
