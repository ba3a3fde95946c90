"""The equity price oracle from Python: reports, EIP-712 signatures, deployment and reads.

- :class:`Report` is one Data Streams v10-like report; :meth:`Report.encode` packs it as the contract's
  97-byte layout and :func:`sign_report` signs it with eth-account (EIP-712, compact EIP-2098
  signatures); :func:`signed_report` joins both into ``submit``'s calldata.
- :func:`deploy_oracle`, :func:`configure_feed` and :func:`submit` drive the contract;
  :func:`latest_price` reads a :class:`PriceView`.
- :func:`feed_id` names a feed (``feed_id("TSLA")``) like Data Streams does: a schema prefix (0x000a
  for v10) and a hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_typing import Hash32
from eth_utils.crypto import keccak
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed
from dualtrack.market import MarketStatus

ONE = 10**18  # 1.0 in 18 decimals: prices, multipliers
REPORT_LENGTH = 97  # SignedReports.REPORT_LENGTH
SIGNATURE_LENGTH = 64  # EIP-2098 compact
SCHEMA_V10 = b"\x00\x0a"  # Data Streams feed ids start with their report schema version
HALF_CURVE_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
CURVE_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
DOMAIN_NAME = "dualtrack EquityPriceOracle"
DOMAIN_VERSION = "1"
SUBMIT_GAS_LIMIT = 400_000  # above a 31-signature submit; fixed when a submission is placed at a set time

REPORT_FIELDS: list[dict[str, str]] = [
    {"name": "feedId", "type": "bytes32"},
    {"name": "observedAt", "type": "uint32"},
    {"name": "expiresAt", "type": "uint32"},
    {"name": "marketStatus", "type": "uint8"},
    {"name": "price", "type": "uint96"},
    {"name": "tokenizedPrice", "type": "uint96"},
    {"name": "currentMultiplier", "type": "uint112"},
    {"name": "newMultiplier", "type": "uint112"},
    {"name": "activationTime", "type": "uint32"},
]


class Use(IntEnum):
    """IEquityPriceOracle.Use."""

    OPEN_RISK = 0
    VALUE_COLLATERAL = 1
    LIQUIDATE = 2
    TOKENIZED = 3


class Outcome(IntEnum):
    """IEquityPriceOracle.Outcome."""

    ACCEPTED = 0
    HELD = 1


class HoldReason(IntEnum):
    """IEquityPriceOracle.HoldReason."""

    NONE = 0
    JUMP = 1
    MULTIPLIER_CHANGE = 2


def feed_id(symbol: str) -> bytes:
    """The feed id of ``symbol``: the v10 schema prefix and 30 bytes of keccak("dualtrack:<symbol>")."""
    return SCHEMA_V10 + keccak(text=f"dualtrack:{symbol}")[2:]


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class Report:
    """One report, in the contract's units (prices and multipliers with 18 decimals, unix seconds)."""

    feed_id: bytes
    observed_at: int
    expires_at: int
    market_status: MarketStatus
    price: int
    tokenized_price: int
    current_multiplier: int = ONE
    new_multiplier: int = 0
    activation_time: int = 0

    def encode(self) -> bytes:
        """The packed 97-byte layout ``submit`` expects before the signatures."""
        if len(self.feed_id) != 32:
            raise ValueError("a feed id is 32 bytes")
        return b"".join(
            (
                self.feed_id,
                self.observed_at.to_bytes(4, "big"),
                self.expires_at.to_bytes(4, "big"),
                int(self.market_status).to_bytes(1, "big"),
                self.price.to_bytes(12, "big"),
                self.tokenized_price.to_bytes(12, "big"),
                self.current_multiplier.to_bytes(14, "big"),
                self.new_multiplier.to_bytes(14, "big"),
                self.activation_time.to_bytes(4, "big"),
            )
        )

    def as_tuple(self) -> tuple[Any, ...]:
        """The report as the ABI tuple of ``IEquityPriceOracle.Report`` (for ``reportDigest``)."""
        return (
            self.feed_id,
            self.observed_at,
            self.expires_at,
            int(self.market_status),
            self.price,
            self.tokenized_price,
            self.current_multiplier,
            self.new_multiplier,
            self.activation_time,
        )

    def with_(self, **changes: Any) -> Report:
        """A copy with ``changes`` (dataclasses.replace)."""
        return replace(self, **changes)


def typed_data(report: Report, chain_id: int, oracle: str) -> dict[str, Any]:
    """The EIP-712 typed data a reporter signs for ``report`` on the oracle at ``oracle``."""
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Report": REPORT_FIELDS,
        },
        "primaryType": "Report",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": chain_id,
            "verifyingContract": oracle,
        },
        "message": dict(zip((f["name"] for f in REPORT_FIELDS), report.as_tuple(), strict=True)),
    }


def report_digest(report: Report, chain_id: int, oracle: str) -> bytes:
    """The EIP-712 digest of ``report`` (what ``reportDigest`` returns)."""
    signable = encode_typed_data(full_message=typed_data(report, chain_id, oracle))
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def compact_signature(r: int, s: int, v: int) -> bytes:
    """EIP-2098: ``r`` then ``s`` with the y parity (v - 27) in its top bit. ``s`` must be low."""
    if s > HALF_CURVE_ORDER:
        raise ValueError("EIP-2098 signatures need a low s")
    return r.to_bytes(32, "big") + (s | ((v - 27) << 255)).to_bytes(32, "big")


def sign_report(report: Report, signers: Sequence[LocalAccount], chain_id: int, oracle: str) -> list[bytes]:
    """Each signer's compact signature of ``report`` (eth-account signs low-s)."""
    digest = report_digest(report, chain_id, oracle)
    signatures = []
    for signer in signers:
        signed = signer.unsafe_sign_hash(Hash32(digest))
        signatures.append(compact_signature(signed.r, signed.s, signed.v))
    return signatures


def signed_report(report: Report, signatures: Sequence[bytes]) -> bytes:
    """``submit``'s calldata: the packed report followed by the signatures."""
    return report.encode() + b"".join(signatures)


def reporter_accounts(count: int, label: str = "reporter") -> list[LocalAccount]:
    """Deterministic reporter keys for local runs and tests (never for real deployments)."""
    return [Account.from_key(keccak(text=f"dualtrack:{label}:{i}")) for i in range(count)]


# --------------------------------------------------------------------------- contract


@dataclass(frozen=True)
class FeedConfig:
    """IEquityPriceOracle.FeedConfig (ages in seconds). ``max_age_tokenized`` (the 24/7 price's bound)
    defaults to the open-risk bound."""

    token: str
    max_age_to_open_risk: int
    max_age_to_value: int
    max_age_to_liquidate: int
    jump_band_bps: int
    max_age_tokenized: int | None = None

    def as_tuple(self) -> tuple[str, int, int, int, int, int]:
        tokenized = self.max_age_to_open_risk if self.max_age_tokenized is None else self.max_age_tokenized
        return (
            self.token,
            self.max_age_to_open_risk,
            self.max_age_to_value,
            self.max_age_to_liquidate,
            tokenized,
            self.jump_band_bps,
        )


@dataclass(frozen=True)
class PriceView:
    """IEquityPriceOracle.PriceView: prices per raw token and per share with 18 decimals."""

    price_per_token: int
    tokenized_price_per_token: int
    price_per_share: int
    multiplier: int
    observed_at: int
    market_status: MarketStatus
    is_exchange_price: bool
    hold: HoldReason
    pending_price_per_token: int
    pending_observed_at: int
    token_multiplier: int
    in_maintenance: bool
    usable_to_open_risk: bool
    usable_to_value: bool
    usable_to_liquidate: bool
    token_paused: bool
    usable_tokenized: bool

    def usable(self, use: Use) -> bool:
        """Whether the price is usable for ``use``."""
        return (self.usable_to_open_risk, self.usable_to_value, self.usable_to_liquidate, self.usable_tokenized)[use]


@dataclass(frozen=True)
class ConsumerPrice:
    """IEquityPriceOracle.ConsumerPrice: what a consumer contract reads (prices per whole token)."""

    price_per_token: int
    tokenized_price_per_token: int
    observed_at: int
    market_status: MarketStatus
    in_maintenance: bool
    token_paused: bool
    usable_to_open_risk: bool
    usable_to_value: bool
    usable_to_liquidate: bool
    liquidatable_ignoring_sequencer: bool
    usable_tokenized: bool

    @classmethod
    def from_tuple(cls, raw: tuple[Any, ...] | list[Any]) -> ConsumerPrice:
        (price, tokenized, observed_at, status, maintenance, paused, open_risk, value, liquidate, ignoring, tok) = raw
        return cls(
            price,
            tokenized,
            observed_at,
            MarketStatus(status),
            maintenance,
            paused,
            open_risk,
            value,
            liquidate,
            ignoring,
            tok,
        )


def deploy_oracle(
    evm: Chain,
    admin: str,
    reporters: Sequence[str],
    threshold: int,
    confirm_quorum: int,
    *,
    authority: str | None = None,
    max_report_age: int = 300,
    max_future_drift: int = 10,
) -> Contract:
    """Deploy an EquityPriceOracle from ``admin``, governed by ``authority`` (the protocol's AccessManager;
    None: a new one in which ``admin`` holds every role, see :func:`dualtrack.governance.deploy_governed`)."""
    return deploy_governed(
        evm,
        admin,
        "EquityPriceOracle",
        authority,
        lambda manager: evm.deploy(
            "EquityPriceOracle",
            manager,
            list(reporters),
            threshold,
            confirm_quorum,
            max_report_age,
            max_future_drift,
            sender=admin,
        ),
    )


def configure_feed(evm: Chain, oracle: Contract, feed: bytes, config: FeedConfig, sender: str) -> None:
    """Configure ``feed`` (sent by a RISK_ADMIN without delay; a delayed one schedules it:
    :func:`dualtrack.governance.schedule`)."""
    evm.send(oracle.functions.configureFeed(feed, config.as_tuple()), sender)


def submit(evm: Chain, oracle: Contract, payload: bytes, sender: str) -> TxReceipt:
    """Submit a signed report now; raises ``Reverted`` with the oracle's custom error if it is rejected."""
    return evm.send(oracle.functions.submit(payload), sender)


def submit_at(evm: Chain, oracle: Contract, payload: bytes, sender: str, timestamp: int) -> TxReceipt:
    """Submit a signed report in a block at ``timestamp`` (a rejection raises its decoded error)."""
    return evm.send_at(oracle.functions.submit(payload), sender, timestamp, gas=SUBMIT_GAS_LIMIT)


def outcome_of(evm: Chain, oracle: Contract, receipt: TxReceipt) -> Outcome:
    """Whether the submission in ``receipt`` was accepted or held (from its events)."""
    if evm.events(receipt, oracle, "ReportAccepted"):
        return Outcome.ACCEPTED
    if evm.events(receipt, oracle, "ReportHeld"):
        return Outcome.HELD
    raise ValueError("the receipt has no oracle report event")


def latest_price(oracle: Contract, feed: bytes) -> PriceView:
    """``latestPrice(feed)`` as a :class:`PriceView`."""
    raw = oracle.functions.latestPrice(feed).call()
    return PriceView(
        price_per_token=raw[0],
        tokenized_price_per_token=raw[1],
        price_per_share=raw[2],
        multiplier=raw[3],
        observed_at=raw[4],
        market_status=MarketStatus(raw[5]),
        is_exchange_price=raw[6],
        hold=HoldReason(raw[7]),
        pending_price_per_token=raw[8],
        pending_observed_at=raw[9],
        token_multiplier=raw[10],
        in_maintenance=raw[11],
        usable_to_open_risk=raw[12],
        usable_to_value=raw[13],
        usable_to_liquidate=raw[14],
        token_paused=raw[15],
        usable_tokenized=raw[16],
    )


def consumer_price(oracle: Contract, feed: bytes) -> ConsumerPrice:
    """``consumerPrice(feed)`` as a :class:`ConsumerPrice`."""
    return ConsumerPrice.from_tuple(oracle.functions.consumerPrice(feed).call())


def observe_token(evm: Chain, token: Contract, oracle: Contract | str, token_owner: str) -> None:
    """Make ``oracle`` the token's state observer (sent by the token's owner): it then learns of every
    pause and multiplier schedule change at once."""
    address = oracle if isinstance(oracle, str) else oracle.address
    evm.send(token.functions.setStateObserver(address), token_owner)
