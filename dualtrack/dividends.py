"""Cash dividends with per-jurisdiction withholding: deploy the DividendDistributor and drive it.

One :func:`deploy_dividend_distributor` per protocol (its owner sets the withholding table, the tax
account and the custodians). A token's owner enables it once (:func:`enable_distributor`), then per
distribution :func:`announce_dividend` (schedules the record-time snapshot), :func:`fund_dividend`
after the record time, and ``reclaim`` after expiry. Holders (or anyone for them) ``claim`` /
``claimFor``. The pure functions mirror the contract's rounding, for previews and test models.
"""

from __future__ import annotations

from collections.abc import Mapping

from web3.contract import Contract

from dualtrack.chain import Chain

BPS = 10_000
SHARE = 10**18  # amountPerShare is in payment-token units per 1e18 raw token units
DEFAULT_WITHHOLDING_BPS = 3_000  # a new distributor's default rate (US statutory 30%)
TREATY_RATES_BPS: Mapping[int, int] = {276: 1_500, 392: 1_000}  # DE 15%, JP 10% (examples)


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
    owner: str,
    tax_account: str,
    *,
    rates: Mapping[int, int] | None = None,
    custodians: tuple[str, ...] = (),
) -> Contract:
    """Deploy the protocol's DividendDistributor and set country ``rates`` (ISO numeric -> bps) and ``custodians``."""
    distributor = evm.deploy("DividendDistributor", owner, tax_account, sender=owner)
    for country, rate in (rates or {}).items():
        evm.send(distributor.functions.setWithholdingRate(country, rate), owner)
    for custodian in custodians:
        evm.send(distributor.functions.setCustodian(custodian, True), owner)
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
    d = evm.call(distributor.functions.distribution(distribution_id))
    supply = int(evm.call(token.functions.totalSupplyAt(d[5])))
    return funding_amount(supply, int(d[6]))


def fund_dividend(
    evm: Chain, distributor: Contract, token: Contract, payment_token: Contract, distribution_id: int, sender: str
) -> int:
    """Approve exactly the required amount and fund ``distribution_id``; return the amount funded."""
    amount = required_funding(evm, distributor, token, distribution_id)
    evm.send(payment_token.functions.approve(distributor.address, amount), sender)
    evm.send(distributor.functions.fund(distribution_id), sender)
    return amount
