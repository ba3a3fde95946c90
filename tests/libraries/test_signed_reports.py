"""SignedReports (the packed report layout and compact signatures) against the Python encoder."""

from __future__ import annotations

import pytest
from eth_account import Account
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.market import MarketStatus
from dualtrack.oracle import HALF_CURVE_ORDER, REPORT_LENGTH, SIGNATURE_LENGTH, Report, compact_signature

MAX_SIGNATURES = 31


@pytest.fixture(scope="session")
def signed_reports(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("LibraryHarness", sender=issuer)


def _uint(bits: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=2**bits - 1)


@given(
    feed=st.binary(min_size=32, max_size=32),
    times=st.tuples(_uint(32), _uint(32), _uint(32)),
    raw_status=_uint(8),
    prices=st.tuples(_uint(96), _uint(96)),
    multipliers=st.tuples(_uint(112), _uint(112)),
    signatures=st.integers(min_value=0, max_value=3),
)
def test_decode__random_fields__round_trip(
    signed_reports: Contract,
    feed: bytes,
    times: tuple[int, int, int],
    raw_status: int,
    prices: tuple[int, int],
    multipliers: tuple[int, int],
    signatures: int,
) -> None:
    observed, expires, activation = times
    report = Report(feed, observed, expires, MarketStatus.UNKNOWN, *prices, *multipliers, activation)
    encoded = bytearray(report.encode())
    encoded[40] = raw_status  # any byte: the library returns it raw and decodes only known codes
    (fields, status) = signed_reports.functions.decodeSignedReport(bytes(encoded) + b"\x11" * 64 * signatures).call()
    expected = report.with_(market_status=MarketStatus(raw_status) if raw_status <= 3 else MarketStatus.UNKNOWN)
    assert tuple(fields) == expected.as_tuple() and status == raw_status


@given(length=st.integers(min_value=0, max_value=REPORT_LENGTH + 33 * SIGNATURE_LENGTH))
def test_signature_count__random_length__count_or_malformed(evm: Chain, signed_reports: Contract, length: int) -> None:
    payload = b"\x01" * length
    count, remainder = divmod(length - REPORT_LENGTH, SIGNATURE_LENGTH)
    if length > REPORT_LENGTH and remainder == 0 and count <= MAX_SIGNATURES:
        assert signed_reports.functions.signatureCount(payload, MAX_SIGNATURES).call() == count
    else:
        with evm.reverts("OracleReportMalformed", length):
            evm.call(signed_reports.functions.signatureCount(payload, MAX_SIGNATURES))


@given(digest=st.binary(min_size=32, max_size=32), key=st.binary(min_size=32, max_size=32), index=_uint(2))
def test_signer_at__random_digest_and_key__recovers_the_signer(
    signed_reports: Contract, digest: bytes, key: bytes, index: int
) -> None:
    try:
        signer = Account.from_key(key)
    except (ValueError, TypeError):
        return  # not a valid secp256k1 key (zero or above the order)
    signed = signer.unsafe_sign_hash(digest)
    padding = b"\x22" * SIGNATURE_LENGTH * index
    payload = b"\x00" * REPORT_LENGTH + padding + compact_signature(signed.r, signed.s, signed.v)
    assert signed_reports.functions.signerAt(payload, index, digest).call() == signer.address


def test_signer_at__high_s__reverts_non_canonical(evm: Chain, signed_reports: Contract) -> None:
    high = (1).to_bytes(32, "big") + (HALF_CURVE_ORDER + 1).to_bytes(32, "big")
    with evm.reverts("OracleReportNonCanonicalSignature", 0):
        evm.call(signed_reports.functions.signerAt(b"\x00" * REPORT_LENGTH + high, 0, b"\x00" * 32))
