"""EquityToken behaviour: transfer checks and their order, agent powers, recovery, batches, admin paths.

The suite is deployed through SuiteFactory (every contract behind SuiteProxy) with one claim topic
(KYC), one trusted dualtrack ClaimIssuer, CountryRestrictModule (North Korea blocked) and
MaxBalanceModule bound, exactly like the gas benchmark. Every test runs on both layouts: the
factory's default (one TransferPolicy is registry and compliance: one `settle` call per movement)
and the separate IdentityRegistry + ModularCompliance (two calls), which must give the same
balances, events and errors.
"""

from __future__ import annotations

import pytest
from eth_utils.abi import function_signature_to_4byte_selector

from dualtrack.chain import Chain
from dualtrack.permit import sign_permit
from dualtrack.proxy import deploy_proxied
from dualtrack.suite import (
    BLOCKED_COUNTRY,
    MAX_BALANCE,
    Holder,
    Protocol,
    Suite,
    deploy_suite,
    salt_of,
    standard_suite_params,
)
from tests.suite_fixtures import Actors, KycIssuer
from tests.support import UNIT, ZERO


def _selector(signature: str) -> bytes:
    return function_signature_to_4byte_selector(signature)


@pytest.fixture(params=["policy", "separate"])
def layout(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def tsla(layout: str, tsla_policy: Suite, tsla_separate: Suite) -> Suite:
    return tsla_policy if layout == "policy" else tsla_separate


@pytest.fixture
def holders(layout: str, holders_policy: Actors, holders_separate: Actors) -> Actors:
    return holders_policy if layout == "policy" else holders_separate


@pytest.fixture
def lost_and_found(
    layout: str, lost_and_found_policy: tuple[Holder, str], lost_and_found_separate: tuple[Holder, str]
) -> tuple[Holder, str]:
    return lost_and_found_policy if layout == "policy" else lost_and_found_separate


# ---------------------------------------------------------------------------- transfers


def test_transfer__verified_holders__moves_balance_and_emits(evm: Chain, tsla: Suite, holders: Actors) -> None:
    token = tsla.token
    receipt = evm.send(token.functions.transfer(holders.bob.wallet, 10 * UNIT), holders.alice.wallet)
    assert token.functions.balanceOf(holders.alice.wallet).call() == 90 * UNIT
    assert token.functions.balanceOf(holders.bob.wallet).call() == 110 * UNIT
    assert evm.events(receipt, token, "Transfer") == [
        {"from": holders.alice.wallet, "to": holders.bob.wallet, "value": 10 * UNIT}
    ]


def test_transfer__to_self__keeps_balance(evm: Chain, tsla: Suite, holders: Actors) -> None:
    evm.send(tsla.token.functions.transfer(holders.alice.wallet, 7 * UNIT), holders.alice.wallet)
    assert tsla.token.functions.balanceOf(holders.alice.wallet).call() == 100 * UNIT


def test_transfer__paused__reverts_paused_before_frozen_check(
    evm: Chain, tsla: Suite, holders: Actors, agent: str
) -> None:
    evm.send(tsla.token.functions.setAddressFrozen(holders.alice.wallet, True), agent)
    evm.send(tsla.token.functions.pause(), agent)
    with evm.reverts("EquityTokenPaused"):
        evm.send(tsla.token.functions.transfer(holders.bob.wallet, 1), holders.alice.wallet)


def test_transfer__sender_frozen__reverts_frozen_before_balance_check(
    evm: Chain, tsla: Suite, holders: Actors, agent: str
) -> None:
    evm.send(tsla.token.functions.setAddressFrozen(holders.alice.wallet, True), agent)
    with evm.reverts("EquityTokenFrozenWallet", holders.alice.wallet):
        evm.send(tsla.token.functions.transfer(holders.bob.wallet, 10**30), holders.alice.wallet)


def test_transfer__receiver_frozen__reverts_frozen_wallet(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    evm.send(tsla.token.functions.setAddressFrozen(holders.bob.wallet, True), agent)
    with evm.reverts("EquityTokenFrozenWallet", holders.bob.wallet):
        evm.send(tsla.token.functions.transfer(holders.bob.wallet, 1), holders.alice.wallet)


def test_transfer__more_than_unfrozen__reverts_before_verification(
    evm: Chain, tsla: Suite, holders: Actors, agent: str, stranger: str
) -> None:
    evm.send(tsla.token.functions.freezePartialTokens(holders.alice.wallet, 95 * UNIT), agent)
    with evm.reverts("EquityTokenInsufficientUnfrozenBalance", holders.alice.wallet, 5 * UNIT, 6 * UNIT):
        evm.send(tsla.token.functions.transfer(stranger, 6 * UNIT), holders.alice.wallet)
    evm.send(tsla.token.functions.transfer(holders.bob.wallet, 5 * UNIT), holders.alice.wallet)


def test_transfer__receiver_unverified__reverts_before_compliance(
    evm: Chain, tsla: Suite, holders: Actors, kyc: KycIssuer
) -> None:
    # north lives in the blocked country (compliance would reject) and loses its claim: the
    # unverified receiver is reported first.
    kyc.revoke(evm, holders.north)
    with evm.reverts("EquityTokenUnverifiedReceiver", holders.north.wallet):
        evm.send(tsla.token.functions.transfer(holders.north.wallet, UNIT), holders.alice.wallet)


def test_transfer__receiver_without_identity__reverts_unverified(
    evm: Chain, tsla: Suite, holders: Actors, stranger: str
) -> None:
    with evm.reverts("EquityTokenUnverifiedReceiver", stranger):
        evm.send(tsla.token.functions.transfer(stranger, UNIT), holders.alice.wallet)


def test_transfer__receiver_in_blocked_country__reverts_with_module_error(
    evm: Chain, tsla: Suite, holders: Actors
) -> None:
    with evm.reverts("CountryRestrictModuleCountryBlocked", BLOCKED_COUNTRY):
        evm.send(tsla.token.functions.transfer(holders.north.wallet, UNIT), holders.alice.wallet)
    assert tsla.token.functions.balanceOf(holders.north.wallet).call() == 0


def test_transfer__over_max_balance_per_identity__reverts_with_module_error(
    evm: Chain, tsla: Suite, holders: Actors, agent: str
) -> None:
    evm.send(tsla.token.functions.mint(holders.alice.wallet, MAX_BALANCE - 100 * UNIT), agent)
    # bob's second wallet shares bob's identity: the cap counts both wallets.
    with evm.reverts("MaxBalanceModuleExceeded"):
        evm.send(
            tsla.token.functions.transfer(holders.bob_second.wallet, MAX_BALANCE - 50 * UNIT), holders.alice.wallet
        )


def test_transfer__revoked_claim__blocks_the_very_next_transfer(
    evm: Chain, tsla: Suite, holders: Actors, kyc: KycIssuer
) -> None:
    evm.send(tsla.token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)
    kyc.revoke(evm, holders.bob)
    with evm.reverts("EquityTokenUnverifiedReceiver", holders.bob.wallet):
        evm.send(tsla.token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)


def test_transfer__to_zero_address__reverts_invalid_receiver(evm: Chain, tsla: Suite, holders: Actors) -> None:
    with evm.reverts("ERC20InvalidReceiver", ZERO):
        evm.send(tsla.token.functions.transfer(ZERO, 1), holders.alice.wallet)


# ---------------------------------------------------------------------------- transferFrom


def test_transfer_from__without_allowance__reverts_before_any_other_check(
    evm: Chain, tsla: Suite, holders: Actors, stranger: str
) -> None:
    # The receiver is unverified, yet the allowance error comes first (the reference checks it last).
    with evm.reverts("ERC20InsufficientAllowance", holders.bob.wallet, 0, UNIT):
        evm.send(tsla.token.functions.transferFrom(holders.alice.wallet, stranger, UNIT), holders.bob.wallet)


def test_transfer_from__with_allowance__spends_it(evm: Chain, tsla: Suite, holders: Actors) -> None:
    token = tsla.token
    evm.send(token.functions.approve(holders.bob.wallet, 5 * UNIT), holders.alice.wallet)
    evm.send(token.functions.transferFrom(holders.alice.wallet, holders.bob.wallet, 2 * UNIT), holders.bob.wallet)
    assert token.functions.allowance(holders.alice.wallet, holders.bob.wallet).call() == 3 * UNIT
    assert token.functions.balanceOf(holders.bob.wallet).call() == 102 * UNIT


def test_transfer_from__infinite_allowance__is_not_spent(evm: Chain, tsla: Suite, holders: Actors) -> None:
    token = tsla.token
    evm.send(token.functions.approve(holders.bob.wallet, 2**256 - 1), holders.alice.wallet)
    evm.send(token.functions.transferFrom(holders.alice.wallet, holders.bob.wallet, UNIT), holders.bob.wallet)
    assert token.functions.allowance(holders.alice.wallet, holders.bob.wallet).call() == 2**256 - 1


def test_transfer_from__failing_check__keeps_allowance(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    token = tsla.token
    evm.send(token.functions.approve(holders.bob.wallet, 5 * UNIT), holders.alice.wallet)
    evm.send(token.functions.pause(), agent)
    with evm.reverts("EquityTokenPaused"):
        evm.send(token.functions.transferFrom(holders.alice.wallet, holders.bob.wallet, UNIT), holders.bob.wallet)
    assert token.functions.allowance(holders.alice.wallet, holders.bob.wallet).call() == 5 * UNIT


def test_permit__signed_by_holder__sets_allowance_once(evm: Chain, tsla: Suite, holders: Actors) -> None:
    token = tsla.token
    permit = sign_permit(token, holders.alice_key, holders.bob.wallet, 9, evm.timestamp() + 600)
    evm.send(token.functions.permit(*permit.as_args()), holders.bob.wallet)
    assert token.functions.allowance(holders.alice.wallet, holders.bob.wallet).call() == 9
    assert token.functions.nonces(holders.alice.wallet).call() == 1
    with evm.reverts("ERC2612InvalidSigner"):  # replay: the nonce moved on
        evm.send(token.functions.permit(*permit.as_args()), holders.bob.wallet)


def test_permit__signed_with_current_name_after_set_name__sets_allowance(
    evm: Chain, tsla: Suite, holders: Actors, issuer: str
) -> None:
    """Review finding 5: the permit domain follows `setName` (it kept the original name before)."""
    token = tsla.token
    evm.send(token.functions.setName("Tesla Inc. Class A"), issuer)
    permit = sign_permit(
        token, holders.alice_key, holders.bob.wallet, 9, evm.timestamp() + 600, domain_name="Tesla Inc. Class A"
    )
    evm.send(token.functions.permit(*permit.as_args()), holders.bob.wallet)
    assert token.functions.allowance(holders.alice.wallet, holders.bob.wallet).call() == 9
    assert token.functions.eip712Domain().call()[1] == "Tesla Inc. Class A"


def test_permit__signed_with_original_name_after_set_name__reverts_invalid_signer(
    evm: Chain, tsla: Suite, holders: Actors, issuer: str
) -> None:
    """Review finding 5: a permit signed under the name the token no longer has does not verify."""
    token = tsla.token
    original = token.functions.name().call()
    evm.send(token.functions.setName("Tesla Inc. Class A"), issuer)
    permit = sign_permit(token, holders.alice_key, holders.bob.wallet, 9, evm.timestamp() + 600, domain_name=original)
    with evm.reverts("ERC2612InvalidSigner"):
        evm.send(token.functions.permit(*permit.as_args()), holders.bob.wallet)
    assert token.functions.allowance(holders.alice.wallet, holders.bob.wallet).call() == 0


def test_permit__after_deadline__reverts_expired(evm: Chain, tsla: Suite, holders: Actors) -> None:
    deadline = evm.timestamp() - 1
    permit = sign_permit(tsla.token, holders.alice_key, holders.bob.wallet, 9, deadline)
    with evm.reverts("ERC2612ExpiredSignature", deadline):
        evm.send(tsla.token.functions.permit(*permit.as_args()), holders.bob.wallet)


# ---------------------------------------------------------------------------- agent powers


def test_forced_transfer__blocked_country_and_frozen_tokens__bypasses_compliance_and_unfreezes_shortfall(
    evm: Chain, tsla: Suite, holders: Actors, agent: str
) -> None:
    token = tsla.token
    evm.send(token.functions.freezePartialTokens(holders.alice.wallet, 80 * UNIT), agent)
    receipt = evm.send(token.functions.forcedTransfer(holders.alice.wallet, holders.north.wallet, 50 * UNIT), agent)
    assert token.functions.balanceOf(holders.north.wallet).call() == 50 * UNIT
    assert token.functions.getFrozenTokens(holders.alice.wallet).call() == 50 * UNIT
    assert evm.events(receipt, token, "TokensUnfrozen") == [{"userAddress": holders.alice.wallet, "amount": 30 * UNIT}]
    assert evm.events(receipt, token, "ForcedTransfer") == [
        {"agent": agent, "from": holders.alice.wallet, "to": holders.north.wallet, "amount": 50 * UNIT}
    ]
    assert len(evm.events(receipt, token, "Transfer")) == 1


def test_forced_transfer__unverified_receiver__reverts(
    evm: Chain, tsla: Suite, holders: Actors, agent: str, stranger: str
) -> None:
    with evm.reverts("EquityTokenUnverifiedReceiver", stranger):
        evm.send(tsla.token.functions.forcedTransfer(holders.alice.wallet, stranger, UNIT), agent)


def test_forced_transfer__more_than_balance__reverts(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    with evm.reverts("ERC20InsufficientBalance", holders.alice.wallet, 100 * UNIT, 101 * UNIT):
        evm.send(tsla.token.functions.forcedTransfer(holders.alice.wallet, holders.bob.wallet, 101 * UNIT), agent)


def test_mint__unverified_receiver__reverts(evm: Chain, tsla: Suite, agent: str, stranger: str) -> None:
    with evm.reverts("EquityTokenUnverifiedReceiver", stranger):
        evm.send(tsla.token.functions.mint(stranger, UNIT), agent)


def test_mint__blocked_country__reverts_with_module_error(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    with evm.reverts("CountryRestrictModuleCountryBlocked", BLOCKED_COUNTRY):
        evm.send(tsla.token.functions.mint(holders.north.wallet, UNIT), agent)


def test_mint__verified_receiver__raises_supply(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    before = tsla.token.functions.totalSupply().call()
    receipt = evm.send(tsla.token.functions.mint(holders.carol.wallet, 3 * UNIT), agent)
    assert tsla.token.functions.totalSupply().call() == before + 3 * UNIT
    assert evm.events(receipt, tsla.token, "Transfer") == [
        {"from": ZERO, "to": holders.carol.wallet, "value": 3 * UNIT}
    ]


def test_mint__beyond_112_bits__reverts_supply_overflow(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    supply = tsla.token.functions.totalSupply().call()
    with evm.reverts("EquityTokenSupplyOverflow", supply + 2**112):
        evm.send(tsla.token.functions.mint(holders.carol.wallet, 2**112), agent)


def test_burn__frozen_tokens__unfreezes_shortfall(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    token = tsla.token
    evm.send(token.functions.freezePartialTokens(holders.alice.wallet, 90 * UNIT), agent)
    receipt = evm.send(token.functions.burn(holders.alice.wallet, 40 * UNIT), agent)
    assert token.functions.balanceOf(holders.alice.wallet).call() == 60 * UNIT
    assert token.functions.getFrozenTokens(holders.alice.wallet).call() == 60 * UNIT
    assert evm.events(receipt, token, "TokensUnfrozen") == [{"userAddress": holders.alice.wallet, "amount": 30 * UNIT}]


def test_burn__more_than_balance__reverts(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    with evm.reverts("ERC20InsufficientBalance", holders.alice.wallet, 100 * UNIT, 100 * UNIT + 1):
        evm.send(tsla.token.functions.burn(holders.alice.wallet, 100 * UNIT + 1), agent)


def test_freeze_partial__beyond_balance__reverts(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    token = tsla.token
    evm.send(token.functions.freezePartialTokens(holders.alice.wallet, 60 * UNIT), agent)
    with evm.reverts("EquityTokenFreezeExceedsBalance", holders.alice.wallet, 100 * UNIT, 101 * UNIT):
        evm.send(token.functions.freezePartialTokens(holders.alice.wallet, 41 * UNIT), agent)


def test_unfreeze_partial__beyond_frozen__reverts(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    token = tsla.token
    evm.send(token.functions.freezePartialTokens(holders.alice.wallet, 10 * UNIT), agent)
    with evm.reverts("EquityTokenUnfreezeExceedsFrozen", holders.alice.wallet, 10 * UNIT, 11 * UNIT):
        evm.send(token.functions.unfreezePartialTokens(holders.alice.wallet, 11 * UNIT), agent)
    evm.send(token.functions.unfreezePartialTokens(holders.alice.wallet, 10 * UNIT), agent)
    assert token.functions.getFrozenTokens(holders.alice.wallet).call() == 0


def test_pause__twice__reverts_and_unpause_when_running_reverts(evm: Chain, tsla: Suite, agent: str) -> None:
    with evm.reverts("EquityTokenNotPaused"):
        evm.send(tsla.token.functions.unpause(), agent)
    evm.send(tsla.token.functions.pause(), agent)
    with evm.reverts("EquityTokenPaused"):
        evm.send(tsla.token.functions.pause(), agent)
    assert tsla.token.functions.paused().call() is True


def test_pause__agent_actions__still_allowed(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    token = tsla.token
    evm.send(token.functions.pause(), agent)
    evm.send(token.functions.mint(holders.carol.wallet, UNIT), agent)
    evm.send(token.functions.burn(holders.carol.wallet, UNIT), agent)
    evm.send(token.functions.forcedTransfer(holders.alice.wallet, holders.bob.wallet, UNIT), agent)
    with evm.reverts("EquityTokenPaused"):
        evm.send(token.functions.batchTransfer([holders.bob.wallet], [UNIT]), holders.alice.wallet)
    evm.send(token.functions.unpause(), agent)
    evm.send(token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)


# ---------------------------------------------------------------------------- recovery


def test_recovery__new_wallet_of_same_identity__moves_everything_and_updates_registry(
    evm: Chain, tsla: Suite, holders: Actors, agent: str, lost_and_found: tuple[Holder, str]
) -> None:
    token, registry = tsla.token, tsla.identity_registry
    lost, new_wallet = lost_and_found
    evm.send(token.functions.freezePartialTokens(lost.wallet, 4 * UNIT), agent)
    evm.send(token.functions.setAddressFrozen(lost.wallet, True), agent)
    identity_balance_before = tsla.max_balance_of(lost.identity.address)

    receipt = evm.send(token.functions.recoveryAddress(lost.wallet, new_wallet, lost.identity.address), agent)

    assert token.functions.balanceOf(new_wallet).call() == 10 * UNIT
    assert token.functions.balanceOf(lost.wallet).call() == 0
    assert token.functions.getFrozenTokens(new_wallet).call() == 4 * UNIT
    assert token.functions.isFrozen(new_wallet).call() is True
    assert token.functions.isFrozen(lost.wallet).call() is False
    assert registry.functions.identity(new_wallet).call() == lost.identity.address
    assert registry.functions.investorCountry(new_wallet).call() == lost.country
    assert registry.functions.contains(lost.wallet).call() is False
    # the registry keeps its records itself: it is its own storage, with itself as the only user
    assert tsla.local_records and registry.functions.identityStorage().call() == registry.address
    assert evm.events(receipt, token, "RecoverySuccess") == [
        {"lostWallet": lost.wallet, "newWallet": new_wallet, "investorOnchainID": lost.identity.address}
    ]
    # Compliance was told: the identity's tracked balance is unchanged and still matches the token.
    assert tsla.max_balance_of(lost.identity.address) == identity_balance_before == 10 * UNIT


def test_recovery__identity_of_someone_else__reverts_mismatch(
    evm: Chain, tsla: Suite, holders: Actors, agent: str, lost_and_found: tuple[Holder, str]
) -> None:
    lost, new_wallet = lost_and_found
    with evm.reverts(
        "EquityTokenRecoveryIdentityMismatch", lost.wallet, holders.bob.identity.address, lost.identity.address
    ):
        evm.send(tsla.token.functions.recoveryAddress(lost.wallet, new_wallet, holders.bob.identity.address), agent)


def test_recovery__new_wallet_not_a_key__reverts(
    evm: Chain, tsla: Suite, holders: Actors, agent: str, lost_and_found: tuple[Holder, str], stranger: str
) -> None:
    lost, _ = lost_and_found
    with evm.reverts("EquityTokenRecoveryWalletNotKey", stranger, lost.identity.address):
        evm.send(tsla.token.functions.recoveryAddress(lost.wallet, stranger, lost.identity.address), agent)


def test_recovery__empty_wallet__reverts(evm: Chain, tsla: Suite, holders: Actors, agent: str, stranger: str) -> None:
    with evm.reverts("EquityTokenRecoveryNothingToRecover", stranger):
        evm.send(
            tsla.token.functions.recoveryAddress(stranger, holders.bob.wallet, holders.bob.identity.address), agent
        )


# ---------------------------------------------------------------------------- batches


@pytest.mark.parametrize(
    ("function", "make_args"),
    [
        ("batchTransfer", lambda w: ([w], [1, 2])),
        ("batchMint", lambda w: ([w, w], [1])),
        ("batchBurn", lambda w: ([w], [])),
        ("batchSetAddressFrozen", lambda w: ([w, w], [True])),
        ("batchFreezePartialTokens", lambda w: ([], [1])),
        ("batchUnfreezePartialTokens", lambda w: ([w], [1, 1])),
        ("batchForcedTransfer", lambda w: ([w], [w, w], [1])),
    ],
)
def test_batch__length_mismatch__reverts(
    evm: Chain, tsla: Suite, holders: Actors, agent: str, function: str, make_args: object
) -> None:
    args = make_args(holders.bob.wallet)  # type: ignore[operator]
    with evm.reverts("EquityTokenLengthMismatch"):
        evm.send(tsla.token.functions[function](*args), agent if function != "batchTransfer" else holders.alice.wallet)


def test_batch_transfer__twenty_receivers__moves_every_amount(evm: Chain, tsla: Suite, holders: Actors) -> None:
    receivers = [holders.bob.wallet, holders.carol.wallet] * 10
    evm.send(tsla.token.functions.batchTransfer(receivers, [UNIT] * 20), holders.alice.wallet)
    assert tsla.token.functions.balanceOf(holders.alice.wallet).call() == 80 * UNIT
    assert tsla.token.functions.balanceOf(holders.carol.wallet).call() == 10 * UNIT


def test_batch_mint_and_burn__agent__applies_each(evm: Chain, tsla: Suite, holders: Actors, agent: str) -> None:
    wallets = [holders.bob.wallet, holders.carol.wallet]
    evm.send(tsla.token.functions.batchMint(wallets, [UNIT, 2 * UNIT]), agent)
    evm.send(tsla.token.functions.batchBurn(wallets, [UNIT, UNIT]), agent)
    assert [tsla.token.functions.balanceOf(w).call() for w in wallets] == [100 * UNIT, UNIT]


# ---------------------------------------------------------------------------- admin paths


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("setName", ("X",)),
        ("setSymbol", ("X",)),
        ("setOnchainID", (ZERO,)),
        ("setIdentityRegistry", ("0x" + "11" * 20,)),
        ("setCompliance", ("0x" + "11" * 20,)),
        ("addAgent", ("0x" + "11" * 20,)),
        ("removeAgent", ("0x" + "11" * 20,)),
        ("setAgentRestrictions", ("0x" + "11" * 20, (True,) * 7)),
    ],
)
def test_owner_function__non_owner__reverts_unauthorized(
    evm: Chain, tsla: Suite, agent: str, function: str, args: tuple[object, ...]
) -> None:
    with evm.reverts("OwnableUnauthorizedAccount", agent):
        evm.send(tsla.token.functions[function](*args), agent)


@pytest.mark.parametrize(
    ("function", "error"), [("setName", "EquityTokenEmptyName"), ("setSymbol", "EquityTokenEmptySymbol")]
)
def test_set_name_or_symbol__empty__reverts_and_keeps_the_old_one(
    evm: Chain, tsla: Suite, issuer: str, function: str, error: str
) -> None:
    """Review finding 11: an empty name or symbol is refused, as the ERC-3643 reference does."""
    before = (tsla.token.functions.name().call(), tsla.token.functions.symbol().call())
    with evm.reverts(error):
        evm.send(tsla.token.functions[function](""), issuer)
    assert (tsla.token.functions.name().call(), tsla.token.functions.symbol().call()) == before


@pytest.mark.parametrize(
    ("name", "symbol", "error"), [("", "TSLA", "EquityTokenEmptyName"), ("Tesla", "", "EquityTokenEmptySymbol")]
)
def test_deploy_suite__empty_name_or_symbol__initialize_reverts(
    evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str, name: str, symbol: str, error: str
) -> None:
    """Review finding 11: `initialize` refuses an empty name or symbol (through the factory's deploySuite)."""
    params = standard_suite_params(
        protocol, name=name, symbol=symbol, owner=issuer, claim_issuer=kyc.contract.address, agents=[agent]
    )
    with evm.reverts(error):
        deploy_suite(evm, protocol, params, salt=salt_of(f"empty-{name}-{symbol}"), sender=issuer)


def test_set_identity_registry__supply_and_modules__reverts_and_keeps_the_registry(
    evm: Chain, tsla: Suite, holders: Actors, issuer: str
) -> None:
    """Review finding 9: like setCompliance, a registry switch is refused while module state exists."""
    token = tsla.token
    before = token.functions.identityRegistry().call()
    supply = token.functions.totalSupply().call()
    assert supply > 0
    modules = len(tsla.compliance.functions.getModules().call())
    other = tsla.claim_topics_registry  # any contract: the rule fires before the registry is used
    with evm.reverts("EquityTokenRegistryChangeWithModules", tsla.compliance.address, modules, supply):
        evm.send(token.functions.setIdentityRegistry(other.address), issuer)
    assert token.functions.identityRegistry().call() == before


AGENT_CALLS = [
    ("pause", "pause()", lambda h: ()),
    ("mint", "mint(address,uint256)", lambda h: (h.bob.wallet, 1)),
    ("burn", "burn(address,uint256)", lambda h: (h.bob.wallet, 1)),
    ("setAddressFrozen", "setAddressFrozen(address,bool)", lambda h: (h.bob.wallet, True)),
    ("freezePartialTokens", "freezePartialTokens(address,uint256)", lambda h: (h.bob.wallet, 1)),
    ("unfreezePartialTokens", "unfreezePartialTokens(address,uint256)", lambda h: (h.bob.wallet, 0)),
    ("forcedTransfer", "forcedTransfer(address,address,uint256)", lambda h: (h.bob.wallet, h.alice.wallet, 1)),
    (
        "recoveryAddress",
        "recoveryAddress(address,address,address)",
        lambda h: (h.bob.wallet, h.alice.wallet, h.bob.identity.address),
    ),
]


@pytest.mark.parametrize(("function", "signature", "make_args"), AGENT_CALLS)
def test_agent_function__non_agent__reverts_not_agent(
    evm: Chain, tsla: Suite, holders: Actors, function: str, signature: str, make_args: object
) -> None:
    with evm.reverts("AgentRoleNotAgent", holders.alice.wallet):
        evm.send(tsla.token.functions[function](*make_args(holders)), holders.alice.wallet)  # type: ignore[operator]


@pytest.mark.parametrize(("function", "signature", "make_args"), AGENT_CALLS)
def test_agent_function__restricted_agent__reverts_restricted(
    evm: Chain, tsla: Suite, holders: Actors, issuer: str, agent: str, function: str, signature: str, make_args: object
) -> None:
    evm.send(tsla.token.functions.setAgentRestrictions(agent, (True,) * 7), issuer)
    with evm.reverts("AgentRoleRestricted", agent, _selector(signature)):
        evm.send(tsla.token.functions[function](*make_args(holders)), agent)  # type: ignore[operator]


def test_agent_restrictions__partial__only_denied_power_blocked(
    evm: Chain, tsla: Suite, holders: Actors, issuer: str, agent: str
) -> None:
    evm.send(tsla.token.functions.setAgentRestrictions(agent, (True, False, False, False, False, False, False)), issuer)
    assert tsla.token.functions.getAgentRestrictions(agent).call()[0] is True
    with evm.reverts("AgentRoleRestricted"):
        evm.send(tsla.token.functions.mint(holders.bob.wallet, 1), agent)
    evm.send(tsla.token.functions.burn(holders.bob.wallet, 1), agent)


def test_set_compliance__not_bound_to_token__reverts(
    evm: Chain, tsla: Suite, issuer: str, spare_compliance: str
) -> None:
    with evm.reverts("EquityTokenComplianceNotBound", spare_compliance):
        evm.send(tsla.token.functions.setCompliance(spare_compliance), issuer)


def test_add_agent__twice__reverts(evm: Chain, tsla: Suite, issuer: str, agent: str) -> None:
    with evm.reverts("AgentRoleAlreadyAgent", agent):
        evm.send(tsla.token.functions.addAgent(agent), issuer)


def test_remove_agent__agent__loses_powers(evm: Chain, tsla: Suite, holders: Actors, issuer: str, agent: str) -> None:
    evm.send(tsla.token.functions.removeAgent(agent), issuer)
    assert tsla.token.functions.isAgent(agent).call() is False
    with evm.reverts("AgentRoleNotAgent", agent):
        evm.send(tsla.token.functions.pause(), agent)


def test_token_information__read__matches_suite(tsla: Suite, issuer: str) -> None:
    token = tsla.token
    assert token.functions.name().call() == "Tesla"
    assert token.functions.symbol().call() == "TSLA"
    assert token.functions.decimals().call() == 18
    assert token.functions.version().call() == "1.0.0"
    assert token.functions.owner().call() == issuer
    assert token.functions.identityRegistry().call() == tsla.identity_registry.address
    assert token.functions.compliance().call() == tsla.compliance.address


# ---------------------------------------------------------------------------- review fixes


def test_forced_transfer__to_same_wallet__reverts_and_keeps_frozen(
    evm: Chain, tsla: Suite, holders: Actors, agent: str
) -> None:
    token = tsla.token
    evm.send(token.functions.freezePartialTokens(holders.alice.wallet, 50 * UNIT), agent)
    with evm.reverts("EquityTokenForcedSelfTransfer", holders.alice.wallet):
        evm.send(token.functions.forcedTransfer(holders.alice.wallet, holders.alice.wallet, 100 * UNIT), agent)
    assert token.functions.getFrozenTokens(holders.alice.wallet).call() == 50 * UNIT


def test_set_compliance__back_to_old_compliance_with_modules__reverts_has_modules(
    evm: Chain, protocol: Protocol, tsla: Suite, holders: Actors, issuer: str
) -> None:
    # The old compliance stays bound to the token; its modules missed every movement made while
    # it was not in use, so switching back would resume from drifted module state.
    other = deploy_proxied(evm, protocol.authority, "ModularCompliance", (issuer,), sender=issuer)
    evm.send(other.functions.bindToken(tsla.token.address), issuer)
    evm.send(tsla.token.functions.setCompliance(other.address), issuer)
    evm.send(tsla.token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)
    with evm.reverts("EquityTokenComplianceHasModules", tsla.compliance.address, 2):
        evm.send(tsla.token.functions.setCompliance(tsla.compliance.address), issuer)


def test_set_compliance__bound_and_empty__switches_and_records_movements(
    evm: Chain, protocol: Protocol, tsla: Suite, holders: Actors, issuer: str
) -> None:
    other = deploy_proxied(evm, protocol.authority, "ModularCompliance", (issuer,), sender=issuer)
    evm.send(other.functions.bindToken(tsla.token.address), issuer)
    receipt = evm.send(tsla.token.functions.setCompliance(other.address), issuer)
    assert evm.events(receipt, tsla.token, "ComplianceAdded") == [{"compliance": other.address}]
    # A stateful module now refuses to bind (the token has supply); a stateless one binds.
    with evm.reverts("ComplianceModuleTokenNotEmpty"):
        evm.send(other.functions.addModule(protocol.modules["MaxBalanceModule"].address), issuer)
    evm.send(other.functions.addModule(protocol.modules["CountryRestrictModule"].address), issuer)
    evm.send(tsla.token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)


def test_recovery__storage_shared_with_another_registry__keeps_lost_wallet_registered(
    evm: Chain, protocol: Protocol, tsla: Suite, agent: str, issuer: str, lost_and_found: tuple[Holder, str]
) -> None:
    lost, new_wallet = lost_and_found
    # TSLA's registry keeps its records itself: move it to a storage shared with a second registry.
    shared = deploy_proxied(evm, protocol.authority, "IdentityRegistryStorage", (issuer,), sender=issuer)
    second_registry = deploy_proxied(
        evm,
        protocol.authority,
        "IdentityRegistry",
        (issuer, tsla.trusted_issuers_registry.address, tsla.claim_topics_registry.address, shared.address),
        sender=issuer,
    )
    for registry in (tsla.identity_registry.address, second_registry.address):
        evm.send(shared.functions.bindIdentityRegistry(registry), issuer)
    evm.send(tsla.identity_registry.functions.setIdentityRegistryStorage(shared.address), issuer)
    # records are not migrated: register the lost wallet in the shared storage
    evm.send(tsla.identity_registry.functions.registerIdentity(lost.wallet, lost.identity.address, lost.country), agent)
    evm.send(tsla.token.functions.recoveryAddress(lost.wallet, new_wallet, lost.identity.address), agent)
    # Another token using the shared storage can still recover its own balance of the lost wallet.
    assert tsla.identity_registry.functions.identity(lost.wallet).call() == lost.identity.address
    assert tsla.identity_registry.functions.identity(new_wallet).call() == lost.identity.address
    assert second_registry.functions.identity(lost.wallet).call() == lost.identity.address
    assert tsla.token.functions.balanceOf(new_wallet).call() == 10 * UNIT
