"""Corporate actions from Python: the CorporateActions handler and its staged playbook.

- :func:`deploy_corporate_actions` deploys the protocol's single handler (governed by the protocol's
  AccessManager, ``price_confirmer`` = the oracle that closes maintenance windows).
- :func:`enable_corporate_actions` is the token owner's opt-in: it makes the handler a corporate-action
  agent of an EquityToken.
- :func:`announce` (and :func:`announce_split`, :func:`announce_reverse_split`,
  :func:`announce_stock_dividend`) announce an action and return its id; :func:`get_action` reads one
  back as an :class:`Action`; :func:`maintenance` reads a token's window and
  :func:`confirm_post_action_price` is the oracle's call that closes it.
- :func:`expected_multiplier` is the handler's rounding (``old * num // den``) for models and checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed

ONE = 10**18  # the token's UI multiplier for 1x (18 decimals)
DAY = 86_400
HOUR = 3_600
DEFAULT_MINIMUM_NOTICE = DAY  # CorporateActions.DEFAULT_MINIMUM_NOTICE
DEFAULT_MAINTENANCE_LEAD = HOUR  # CorporateActions.DEFAULT_MAINTENANCE_LEAD


class ActionKind(IntEnum):
    """ICorporateActions.ActionKind."""

    SPLIT = 0
    REVERSE_SPLIT = 1
    STOCK_DIVIDEND = 2


class ActionStatus(IntEnum):
    """ICorporateActions.ActionStatus (``ACTIVATED`` is derived from the clock)."""

    NONE = 0
    SCHEDULED = 1
    CANCELLED = 2
    ACTIVATED = 3
    PRICE_CONFIRMED = 4


@dataclass(frozen=True)
class Action:
    """One action as ``getAction`` returns it."""

    token: str
    kind: ActionKind
    status: ActionStatus
    ratio_numerator: int
    ratio_denominator: int
    announced_at: int
    activation_time: int
    maintenance_from: int
    confirmed_at: int
    old_multiplier: int
    new_multiplier: int


def expected_multiplier(old_multiplier: int, numerator: int, denominator: int) -> int:
    """The multiplier an action sets: ``old * num / den`` rounded down (as the handler computes it)."""
    return old_multiplier * numerator // denominator


def deploy_corporate_actions(evm: Chain, admin: str, price_confirmer: str, *, authority: str | None = None) -> Contract:
    """Deploy the protocol's CorporateActions handler from ``admin``, governed by ``authority`` (the
    protocol's AccessManager; None: a new one in which ``admin`` holds every role, see
    :func:`dualtrack.governance.deploy_governed`)."""
    return deploy_governed(
        evm,
        admin,
        "CorporateActions",
        authority,
        lambda manager: evm.deploy("CorporateActions", manager, price_confirmer, sender=admin),
    )


def enable_corporate_actions(evm: Chain, token: Contract, handler: Contract | str, token_owner: str) -> None:
    """Make ``handler`` a corporate-action agent of ``token`` (sent by the token's owner)."""
    address = handler if isinstance(handler, str) else handler.address
    evm.send(token.functions.setCorporateActionAgent(address, True), token_owner)


def announce(
    evm: Chain,
    handler: Contract,
    token: Contract | str,
    kind: ActionKind,
    numerator: int,
    denominator: int,
    activation_time: int,
    *,
    sender: str,
) -> int:
    """Announce an action on ``token`` (sent by the token's owner) and return its id."""
    address = token if isinstance(token, str) else token.address
    receipt = evm.send(handler.functions.announce(address, int(kind), numerator, denominator, activation_time), sender)
    (event,) = evm.events(receipt, handler, "CorporateActionAnnounced")
    return int(event["actionId"])


def announce_split(
    evm: Chain, handler: Contract, token: Contract | str, ratio: int, activation_time: int, *, sender: str
) -> int:
    """Announce a ``ratio``:1 split (10 for 10:1: every share shows as ten)."""
    return announce(evm, handler, token, ActionKind.SPLIT, ratio, 1, activation_time, sender=sender)


def announce_reverse_split(
    evm: Chain, handler: Contract, token: Contract | str, ratio: int, activation_time: int, *, sender: str
) -> int:
    """Announce a 1:``ratio`` reverse split (10 for 1:10: ten shares show as one)."""
    return announce(evm, handler, token, ActionKind.REVERSE_SPLIT, 1, ratio, activation_time, sender=sender)


def announce_stock_dividend(
    evm: Chain,
    handler: Contract,
    token: Contract | str,
    bps: int,
    activation_time: int,
    *,
    sender: str,
) -> int:
    """Announce a stock dividend of ``bps`` basis points (200 for 2%: multiplier x 1.02)."""
    return announce(
        evm, handler, token, ActionKind.STOCK_DIVIDEND, 10_000 + bps, 10_000, activation_time, sender=sender
    )


@dataclass(frozen=True)
class Maintenance:
    """A token's maintenance window as ``maintenance(token)`` reports it."""

    active: bool
    since: int  # when the window opens (opened); 0 without an open action
    action_id: int  # the open action; 0 if none


def maintenance(evm: Chain, handler: Contract, token: Contract | str) -> Maintenance:
    """``token``'s maintenance window as of the latest block (the vault and perps block new risk while active)."""
    address = token if isinstance(token, str) else token.address
    active, since, action_id = evm.call(handler.functions.maintenance(address))
    return Maintenance(active=bool(active), since=int(since), action_id=int(action_id))


def confirm_post_action_price(evm: Chain, handler: Contract, action_id: int, *, confirmer: str) -> None:
    """Close the maintenance window of activated action ``action_id`` (sent by the price confirmer)."""
    evm.send(handler.functions.confirmPostActionPrice(action_id), confirmer)


def get_action(evm: Chain, handler: Contract, action_id: int) -> Action:
    """Read action ``action_id`` (its status as of the latest block)."""
    raw = evm.call(handler.functions.getAction(action_id))
    return Action(
        token=str(raw[0]),
        kind=ActionKind(raw[1]),
        status=ActionStatus(raw[2]),
        ratio_numerator=int(raw[3]),
        ratio_denominator=int(raw[4]),
        announced_at=int(raw[5]),
        activation_time=int(raw[6]),
        maintenance_from=int(raw[7]),
        confirmed_at=int(raw[8]),
        old_multiplier=int(raw[9]),
        new_multiplier=int(raw[10]),
    )
