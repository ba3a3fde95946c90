"""The insurance pool from Python: deploy, stake, unstake (request, claim), collect, and a pure model.

- :func:`deploy_insurance_pool` deploys the InsurancePool implementation and its ``ProtocolProxy``
  (initialised in the same transaction) and returns the pool at the proxy's address;
  :func:`wire_insurance` makes it the vault's insurance and loss absorber.
- :func:`stake`, :func:`request_unstake`, :func:`claim_unstake`, :func:`collect`, :func:`pay_owed` drive it;
  :func:`status` reads its books in one go.
- The model (:func:`shares_for`, :func:`assets_for`, :func:`claim_value`, :func:`draw_cap`, :func:`draw`) is
  the contract's arithmetic (``InsuranceMath``) with the same rounding, so tests and keepers can predict it.

Units: stablecoin raw units (6 decimals for USDC); shares have ``DECIMALS_OFFSET`` more decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed

CONTRACT = "InsurancePool"
BPS = 10_000
DAY = 86_400
DECIMALS_OFFSET = 6
VIRTUAL_SHARES = 10**DECIMALS_OFFSET
DEFAULT_UNSTAKE_DELAY = 13 * DAY
MIN_UNSTAKE_DELAY = 1 * DAY
MAX_UNSTAKE_DELAY = 60 * DAY
DEFAULT_MAX_DRAW_BPS = 2_500
DEFAULT_MAX_DRAW_AMOUNT = 2**128 - 1


@dataclass(frozen=True)
class InsuranceStatus:
    """The pool's books (stablecoin raw units, shares in share units)."""

    total_assets: int
    held: int
    owed: int
    credit: int  # the pool's vault credit (counted in total_assets)
    total_supply: int
    escrowed: int
    draw_cap: int
    unstake_delay: int
    max_draw_bps: int
    max_draw_amount: int


# --------------------------------------------------------------------------- deployment


def deploy_insurance_pool(
    evm: Chain,
    admin: str,
    vault: str,
    *,
    authority: str | None = None,
    name: str = "dualtrack insurance share",
    symbol: str = "dtINS",
    max_draw_bps: int = DEFAULT_MAX_DRAW_BPS,
    max_draw_amount: int = DEFAULT_MAX_DRAW_AMOUNT,
    unstake_delay: int | None = None,
) -> Contract:
    """Deploy the InsurancePool behind a ``ProtocolProxy`` for ``vault`` and return it at the proxy's address.

    ``authority`` is the protocol's AccessManager (None: a new one in which ``admin`` holds every role, see
    :func:`dualtrack.governance.deploy_governed`; then ``unstake_delay`` is set at once if given).
    """

    def deploy(manager: str) -> Contract:
        implementation = evm.deploy(CONTRACT, sender=admin)
        init = implementation.encode_abi(
            "initialize", args=[manager, vault, name, symbol, max_draw_bps, max_draw_amount]
        )
        proxy = evm.deploy("ProtocolProxy", implementation.address, init, sender=admin)
        return evm.at(CONTRACT, proxy.address)

    pool = deploy_governed(evm, admin, CONTRACT, authority, deploy)
    if unstake_delay is not None:
        evm.send(pool.functions.setUnstakeDelay(unstake_delay), admin)
    return pool


def wire_insurance(evm: Chain, vault: Contract, pool: Contract, risk_admin: str) -> None:
    """Make ``pool`` the vault's insurance (it gets a vault account for penalties) and loss absorber."""
    evm.send(vault.functions.setInsurance(pool.address), risk_admin)
    evm.send(vault.functions.setLossAbsorber(pool.address), risk_admin)


# --------------------------------------------------------------------------- staking


def stake(evm: Chain, pool: Contract, token: Contract, amount: int, staker: str, receiver: str | None = None) -> int:
    """Approve (if needed) and stake ``amount``; return the shares minted."""
    if token.functions.allowance(staker, pool.address).call() < amount:
        evm.send(token.functions.approve(pool.address, amount), staker)
    receipt = evm.send(pool.functions.stake(amount, receiver or staker), staker)
    return int(evm.events(receipt, pool, "Staked")[0]["shares"])


def request_unstake(evm: Chain, pool: Contract, shares: int, staker: str) -> int:
    """Escrow ``shares`` and start the delay; return when the claim opens (unix seconds)."""
    receipt = evm.send(pool.functions.requestUnstake(shares), staker)
    return int(evm.events(receipt, pool, "UnstakeRequested")[0]["claimableAt"])


def claim_unstake(evm: Chain, pool: Contract, staker: str, to: str | None = None) -> int:
    """Claim ``staker``'s request (after the delay); return the stablecoin paid."""
    receipt = evm.send(pool.functions.claimUnstake(to or staker), staker)
    return int(evm.events(receipt, pool, "UnstakeClaimed")[0]["assets"])


def collect(evm: Chain, pool: Contract, sender: str) -> TxReceipt:
    """Move the pool's vault credit and vault-account cash onto its books (anyone)."""
    return evm.send(pool.functions.collect(), sender)


def pay_owed(evm: Chain, pool: Contract, sender: str) -> TxReceipt:
    """Pay the covered losses the pool owes into the counterparty's vault credit (anyone)."""
    return evm.send(pool.functions.payOwed(), sender)


def status(pool: Contract, vault: Contract) -> InsuranceStatus:
    """The pool's books now."""
    held, owed = pool.functions.books().call()
    delay, bps, amount = pool.functions.settings().call()
    return InsuranceStatus(
        total_assets=int(pool.functions.totalAssets().call()),
        held=int(held),
        owed=int(owed),
        credit=int(vault.functions.creditOf(pool.address).call()),
        total_supply=int(pool.functions.totalSupply().call()),
        escrowed=int(pool.functions.escrowedShares().call()),
        draw_cap=int(pool.functions.drawCap().call()),
        unstake_delay=int(delay),
        max_draw_bps=int(bps),
        max_draw_amount=int(amount),
    )


# --------------------------------------------------------------------------- the model


def shares_for(assets: int, total_assets: int, supply: int) -> int:
    """InsuranceMath.toShares: shares ``assets`` buy, rounded down."""
    return assets * (supply + VIRTUAL_SHARES) // (total_assets + 1)


def assets_for(shares: int, total_assets: int, supply: int) -> int:
    """InsuranceMath.toAssets: what ``shares`` are worth, rounded down."""
    return shares * (total_assets + 1) // (supply + VIRTUAL_SHARES)


def claim_value(shares: int, assets_at_request: int, total_assets: int, supply: int) -> int:
    """InsuranceMath.claimValue: the value now, at most the value at request."""
    return min(assets_for(shares, total_assets, supply), assets_at_request)


def shares_kept(shares: int, assets_at_request: int, total_assets: int, supply: int) -> int:
    """InsuranceMath.sharesKept: the shares a cancelled request gets back (worth at most the value at request
    once the others are burnt)."""
    if assets_for(shares, total_assets, supply) <= assets_at_request:
        return shares
    kept = assets_at_request * (supply - shares + VIRTUAL_SHARES) // (total_assets + 1 - assets_at_request)
    return min(kept, shares)


def draw_cap(total_assets: int, max_draw_bps: int, max_draw_amount: int) -> int:
    """InsuranceMath.cap: ``max_draw_bps`` of assets (rounded down), at most ``max_draw_amount``."""
    return min(total_assets * max_draw_bps // BPS, max_draw_amount)


def draw(requested: int, cap: int, free: int) -> int:
    """InsuranceMath.draw: min(requested, cap, free)."""
    return min(requested, cap, free)
