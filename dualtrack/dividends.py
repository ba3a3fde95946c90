"""Cash dividends with per-jurisdiction withholding: deploy the DividendDistributor and drive it.

One :func:`deploy_dividend_distributor` per protocol (the protocol's TREASURY role sets the withholding
table, the tax account, the custodians, and which tokens may be announced: those of the trusted
``factories`` and the ``allowed_tokens``). A token's owner enables it once (:func:`enable_distributor`), then per
distribution :func:`announce_dividend` (schedules the record-time snapshot), :func:`fund_dividend`
after the record time, and ``reclaim`` after expiry. Holders (or anyone for them) ``claim`` /
``claimFor``: the entitlement of the wallet that held at the record time is paid to the wallet that
stands for it now (the holder, or the end of its chain of recoveries on the token), or held
(:class:`HoldReason`) while that wallet is frozen or unregistered, and released later with
``releaseHeld``. The pure functions mirror the contract's rounding, for previews and test models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed

BPS = 10_000
SHARE = 10**18  # amountPerShare is in payment-token units per 1e18 raw token units
DEFAULT_WITHHOLDING_BPS = 3_000  # a new distributor's default rate (US statutory 30%)
TREATY_RATES_BPS: Mapping[int, int] = {276: 1_500, 392: 1_000}  # DE 15%, JP 10% (examples)
MAX_TRUSTED_FACTORIES = 8


class HoldReason(IntEnum):
    """Why a claim was held instead of paid (``IDividendDistributor.HoldReason``)."""

    WALLET_FROZEN = 0
    WALLET_UNREGISTERED = 1


@dataclass(frozen=True)
class Distribution:
    """``IDividendDistributor.Distribution``: the terms and books of one distribution."""

    token: str
    record_time: int
    funded_at: int
    payment_token: str
    claim_period: int
    snapshot_id: int
    amount_per_share: int
    funded: int
    claimed: int  # gross paid: net + withheld, custodians' gross, released holds
    held: int  # gross in holds
    reclaimed: int

    @property
    def available(self) -> int:
        """``funded - claimed - held - reclaimed``: what may still leave the distribution."""
        return self.funded - self.claimed - self.held - self.reclaimed


def read_distribution(evm: Chain, distributor: Contract, distribution_id: int) -> Distribution:
    """Distribution ``distribution_id`` as a :class:`Distribution`."""
    token, record_time, funded_at, payment_token, *amounts = evm.call(
        distributor.functions.distribution(distribution_id)
    )
    claim_period, snapshot_id, amount_per_share, funded, claimed, held, reclaimed = (int(v) for v in amounts)
    return Distribution(
        token=str(token),
        record_time=int(record_time),
        funded_at=int(funded_at),
        payment_token=str(payment_token),
        claim_period=claim_period,
        snapshot_id=snapshot_id,
        amount_per_share=amount_per_share,
        funded=funded,
        claimed=claimed,
        held=held,
        reclaimed=reclaimed,
    )


def gross_entitlement(balance_at_record: int, amount_per_share: int) -> int:
    """``floor(balance * amountPerShare / 1e18)``: a holder's gross dividend."""
    return balance_at_record * amount_per_share // SHARE


def funding_amount(total_supply_at_record: int, amount_per_share: int) -> int:
    """``ceil(totalSupply * amountPerShare / 1e18)``: what ``fund`` pulls."""
    return -(-total_supply_at_record * amount_per_share // SHARE)


def withheld_amount(gross: int, rate_bps: int) -> int:
    """``ceil(gross * rate / 10_000)``: the part of ``gross`` withheld for the tax account."""
    return -(-gross * rate_bps // BPS)


def deploy_dividend_distributor(
    evm: Chain,
    admin: str,
    tax_account: str,
    *,
    authority: str | None = None,
    factories: Sequence[str] = (),
    allowed_tokens: Sequence[str] = (),
    rates: Mapping[int, int] | None = None,
    custodians: Sequence[str] = (),
) -> Contract:
    """Deploy the protocol's DividendDistributor.

    Tokens of the trusted ``factories`` (the protocol's SuiteFactory: ``protocol.factory.address``) and
    the ``allowed_tokens`` may be announced; ``rates`` maps ISO numeric countries to bps; ``custodians``
    are paid gross through their hook. ``admin`` sends everything: it must be allowed to call the settings
    at once (TREASURY without delay, or ADMIN of a manager not wired yet). ``authority`` is the protocol's
    AccessManager (None: a new one in which ``admin`` holds every role, see
    :func:`dualtrack.governance.deploy_governed`).
    """
    distributor = deploy_governed(
        evm,
        admin,
        "DividendDistributor",
        authority,
        lambda manager: evm.deploy("DividendDistributor", manager, tax_account, sender=admin),
    )
    for factory in factories:
        evm.send(distributor.functions.addTrustedFactory(factory), admin)
    for token in allowed_tokens:
        evm.send(distributor.functions.setTokenAllowed(token, True), admin)
    for country, rate in (rates or {}).items():
        evm.send(distributor.functions.setWithholdingRate(country, rate), admin)
    for custodian in custodians:
        evm.send(distributor.functions.setCustodian(custodian, True), admin)
    return distributor


def enable_distributor(evm: Chain, token: Contract, distributor: Contract, token_owner: str) -> None:
    """Name ``distributor`` a corporate-action agent of ``token`` (the token owner's one-time step)."""
    evm.send(token.functions.setCorporateActionAgent(distributor.address, True), token_owner)


def announce_dividend(
    evm: Chain,
    distributor: Contract,
    token: Contract,
    payment_token: Contract,
    *,
    record_time: int,
    amount_per_share: int,
    claim_period: int,
    sender: str,
) -> int:
    """Announce a distribution (``sender`` owns ``token``) and return its id."""
    call = distributor.functions.announce(
        token.address, payment_token.address, record_time, amount_per_share, claim_period
    )
    receipt = evm.send(call, sender)
    (event,) = evm.events(receipt, distributor, "DividendAnnounced")
    return int(event["distributionId"])


def required_funding(evm: Chain, distributor: Contract, token: Contract, distribution_id: int) -> int:
    """What ``fund(distribution_id)`` will pull (callable once the record time has passed)."""
    d = read_distribution(evm, distributor, distribution_id)
    supply = int(evm.call(token.functions.totalSupplyAt(d.snapshot_id)))
    return funding_amount(supply, d.amount_per_share)


def fund_dividend(
    evm: Chain, distributor: Contract, token: Contract, payment_token: Contract, distribution_id: int, sender: str
) -> int:
    """Approve exactly the required amount and fund ``distribution_id``; return the amount funded."""
    amount = required_funding(evm, distributor, token, distribution_id)
    evm.send(payment_token.functions.approve(distributor.address, amount), sender)
    evm.send(distributor.functions.fund(distribution_id), sender)
    return amount


def release_held(evm: Chain, distributor: Contract, distribution_id: int, holder: str, sender: str) -> int:
    """Release ``holder``'s held dividend (``sender`` may be anyone) and return the gross released."""
    receipt = evm.send(distributor.functions.releaseHeld(distribution_id, holder), sender)
    (event,) = evm.events(receipt, distributor, "DividendReleased")
    return int(event["gross"])
