"""Hypothesis stateful suite for EquityToken + its registry + compliance, against a Python model.

Runs on both suite layouts: one TransferPolicy (registry and compliance, the factory's default)
and a separate IdentityRegistry + ModularCompliance.

Random transfers, mints, burns, freezes, forced transfers, recoveries, registrations, claim
revocations (by claim id, which revokes the holder's topic until lifted, or by a possibly
re-encoded signature), removals and re-issues, issuer key rotations, pauses and re-keying of
(holding) wallets by agents: identity updates, deletions and re-registrations, which the
TransferPolicy re-attributes in its own modules and the stand-alone IdentityRegistry (bound to its
token) through the token's ModularCompliance.
Every action's outcome (success, or the exact custom error) must match the model, and after every
step:

- totalSupply equals the sum of balances;
- frozen <= balance for every wallet;
- no unverified wallet gains tokens except by agent action;
- MaxBalanceModule's and MaxHoldersModule's per-identity balances equal a recomputation from wallet
  balances, for every identity ever registered and for the zero identity (wallets without one), and
  MaxHoldersModule's holder count equals the number of those holding anything (its cap, like
  MaxBalance's, is part of the model);
- the registry's answer equals the model, and the issuer's held-claim record (the verification fast
  path) never outlives the claim's validity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from dualtrack.claims import ClaimTopic, KeyPurpose, claim_id, key_hash, make_claim, malleate
from dualtrack.identity import add_claim, deploy_identity
from dualtrack.suite import (
    BLOCKED_COUNTRY,
    DE,
    UNIT,
    US,
    Protocol,
    Suite,
    deploy_suite,
    module_call,
    onboard_holder,
    salt_of,
    standard_suite_params,
)
from tests.suite_fixtures import KycIssuer
from tests.support import ZERO

CAP = 300 * UNIT
MAX_HOLDERS = 4  # identities (the zero identity included) holding tokens
AMOUNTS = st.sampled_from([0, 1, UNIT, 7 * UNIT, 50 * UNIT, 120 * UNIT, 310 * UNIT])


@dataclass
class Wallet:
    address: str
    identity: Contract | None
    country: int
    balance: int = 0
    frozen: int = 0
    wallet_frozen: bool = False


@dataclass
class Env:
    evm: Chain
    suite: Suite
    kyc: KycIssuer
    agent: str
    wallets: list[Wallet]
    lens: Contract
    max_holders: Contract
    verified: dict[str, bool] = field(default_factory=dict)  # identity address -> claim valid


class TokenMachine(RuleBasedStateMachine):
    env: ClassVar[Env]

    def __init__(self) -> None:
        super().__init__()
        env = type(self).env
        self.evm, self.suite, self.kyc, self.agent = env.evm, env.suite, env.kyc, env.agent
        self.token = env.suite.token
        self.lens = env.lens
        self.max_holders = env.max_holders
        self.snapshot = self.evm.snapshot()
        self.wallets = [replace(w) for w in env.wallets]
        self.verified = dict(env.verified)
        self.pair_revoked: set[str] = set()  # identities whose KYC claims the issuer revoked as a pair
        self.paused = False
        self.claim_nonce = 0

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    # ------------------------------------------------------------------ helpers

    def _is_verified(self, w: Wallet) -> bool:
        return w.identity is not None and self.verified[w.identity.address]

    def _identity_balance(self, identity: str) -> int:
        return sum(x.balance for x in self.wallets if x.identity is not None and x.identity.address == identity)

    @staticmethod
    def _key(w: Wallet) -> str:
        """The identity the modules attribute the wallet's balance to (zero without one)."""
        return ZERO if w.identity is None else w.identity.address

    def _identity_sums(self) -> dict[str, int]:
        sums: dict[str, int] = {}
        for w in self.wallets:
            sums[self._key(w)] = sums.get(self._key(w), 0) + w.balance
        return sums

    def _compliance_error(self, source: Wallet | None, target: Wallet, amount: int) -> str | None:
        """The first module to reject a Transfer (source given) or a Mint: CountryRestrict, MaxBalance,
        MaxHolders (their binding order)."""
        if target.country == BLOCKED_COUNTRY:
            return "CountryRestrictModuleCountryBlocked"
        assert target.identity is not None
        to_key = target.identity.address
        same_identity = source is not None and self._key(source) == to_key
        if not same_identity and self._identity_balance(to_key) + amount > CAP:
            return "MaxBalanceModuleExceeded"
        if same_identity or amount == 0:
            return None
        sums = self._identity_sums()
        holders = sum(1 for total in sums.values() if total)
        if source is not None and 0 < sums.get(self._key(source), 0) <= amount:
            holders -= 1  # the sender leaves first
        if sums.get(to_key, 0) == 0 and holders + 1 > MAX_HOLDERS:
            return "MaxHoldersModuleExceeded"
        return None

    def _expect(self, expected_error: str | None, call: object, sender: str) -> bool:
        try:
            self.evm.send(call, sender)  # type: ignore[arg-type]
        except Reverted as error:
            assert expected_error is not None, f"unexpected revert {error}"
            assert error.name == expected_error, f"expected {expected_error}, got {error}"
            return False
        assert expected_error is None, f"expected {expected_error}, but the call succeeded"
        return True

    @staticmethod
    def _unfreeze_shortfall(w: Wallet, amount: int) -> None:
        free = w.balance - w.frozen
        if amount > free:
            w.frozen -= amount - free

    # ------------------------------------------------------------------ holder actions

    @rule(i=st.integers(0, 6), j=st.integers(0, 6), amount=AMOUNTS)
    def transfer(self, i: int, j: int, amount: int) -> None:
        source, target = self.wallets[i % len(self.wallets)], self.wallets[j % len(self.wallets)]
        if self.paused:
            error: str | None = "EquityTokenPaused"
        elif source.wallet_frozen or target.wallet_frozen:
            error = "EquityTokenFrozenWallet"
        elif amount > source.balance - source.frozen:
            error = "EquityTokenInsufficientUnfrozenBalance"
        elif not self._is_verified(target):
            error = "EquityTokenUnverifiedReceiver"
        else:
            error = self._compliance_error(source, target, amount)
        if self._expect(error, self.token.functions.transfer(target.address, amount), source.address):
            source.balance -= amount
            target.balance += amount

    # ------------------------------------------------------------------ agent actions

    @rule(j=st.integers(0, 6), amount=AMOUNTS)
    def mint(self, j: int, amount: int) -> None:
        target = self.wallets[j % len(self.wallets)]
        error = (
            "EquityTokenUnverifiedReceiver"
            if not self._is_verified(target)
            else self._compliance_error(None, target, amount)
        )
        if self._expect(error, self.token.functions.mint(target.address, amount), self.agent):
            target.balance += amount

    @rule(i=st.integers(0, 6), amount=AMOUNTS)
    def burn(self, i: int, amount: int) -> None:
        w = self.wallets[i % len(self.wallets)]
        error = "ERC20InsufficientBalance" if amount > w.balance else None
        if self._expect(error, self.token.functions.burn(w.address, amount), self.agent):
            self._unfreeze_shortfall(w, amount)
            w.balance -= amount

    @rule(i=st.integers(0, 6), j=st.integers(0, 6), amount=AMOUNTS)
    def forced_transfer(self, i: int, j: int, amount: int) -> None:
        source, target = self.wallets[i % len(self.wallets)], self.wallets[j % len(self.wallets)]
        if source is target:
            error: str | None = "EquityTokenForcedSelfTransfer"
        elif amount > source.balance:
            error = "ERC20InsufficientBalance"
        elif not self._is_verified(target):
            error = "EquityTokenUnverifiedReceiver"
        else:
            error = None
        if self._expect(error, self.token.functions.forcedTransfer(source.address, target.address, amount), self.agent):
            self._unfreeze_shortfall(source, amount)
            source.balance -= amount
            target.balance += amount

    @rule(i=st.integers(0, 6), flag=st.booleans())
    def freeze_wallet(self, i: int, flag: bool) -> None:
        w = self.wallets[i % len(self.wallets)]
        self._expect(None, self.token.functions.setAddressFrozen(w.address, flag), self.agent)
        w.wallet_frozen = flag

    @rule(i=st.integers(0, 6), amount=AMOUNTS)
    def freeze_partial(self, i: int, amount: int) -> None:
        w = self.wallets[i % len(self.wallets)]
        error = "EquityTokenFreezeExceedsBalance" if w.frozen + amount > w.balance else None
        if self._expect(error, self.token.functions.freezePartialTokens(w.address, amount), self.agent):
            w.frozen += amount

    @rule(i=st.integers(0, 6), amount=AMOUNTS)
    def unfreeze_partial(self, i: int, amount: int) -> None:
        w = self.wallets[i % len(self.wallets)]
        error = "EquityTokenUnfreezeExceedsFrozen" if amount > w.frozen else None
        if self._expect(error, self.token.functions.unfreezePartialTokens(w.address, amount), self.agent):
            w.frozen -= amount

    @rule()
    def toggle_pause(self) -> None:
        call = self.token.functions.unpause() if self.paused else self.token.functions.pause()
        self._expect(None, call, self.agent)
        self.paused = not self.paused

    @precondition(
        lambda self: any(w.identity is not None and (w.balance or w.frozen or w.wallet_frozen) for w in self.wallets)
    )
    @rule(i=st.integers(0, 6))
    def recover(self, i: int) -> None:
        candidates = [w for w in self.wallets if w.identity is not None and (w.balance or w.frozen or w.wallet_frozen)]
        lost = candidates[i % len(candidates)]
        assert lost.identity is not None
        new_address = self.evm.new_account()
        manager = lost.address
        self.evm.send(lost.identity.functions.addKey(key_hash(new_address), int(KeyPurpose.MANAGEMENT), 1), manager)
        call = self.token.functions.recoveryAddress(lost.address, new_address, lost.identity.address)
        self._expect(None, call, self.agent)
        recovered = Wallet(new_address, lost.identity, lost.country, lost.balance, lost.frozen, lost.wallet_frozen)
        self.wallets[self.wallets.index(lost)] = recovered

    # ------------------------------------------------------------------ registry and claims

    @rule(i=st.integers(0, 6))
    def revoke_claim(self, i: int) -> None:
        w = self.wallets[i % len(self.wallets)]
        if w.identity is None or not self.verified[w.identity.address]:
            return
        claim = claim_id(self.kyc.contract.address, int(ClaimTopic.KYC))
        self._expect(None, self.kyc.contract.functions.revokeClaim(claim, w.identity.address), self.kyc.owner)
        self.verified[w.identity.address] = False
        self.pair_revoked.add(w.identity.address)

    @rule(i=st.integers(0, 6), lift=st.booleans())
    def reissue_claim(self, i: int, lift: bool) -> None:
        """A new claim for an identity without a valid one. After `revokeClaim` (the pair is revoked)
        the identity cannot add it until the issuer lifts the pair's revocation."""
        w = self.wallets[i % len(self.wallets)]
        if w.identity is None or self.verified[w.identity.address]:
            return
        expected: str | None = None
        if w.identity.address in self.pair_revoked:
            if lift:
                call = self.kyc.contract.functions.liftClaimPairRevocation(w.identity.address, int(ClaimTopic.KYC))
                self._expect(None, call, self.kyc.owner)
                self.pair_revoked.discard(w.identity.address)
            else:
                expected = "IdentityInvalidClaim"
        self.claim_nonce += 1
        claim = make_claim(
            self.kyc.contract.address,
            self.kyc.signer_key,
            w.identity.address,
            int(ClaimTopic.KYC),
            data=self.claim_nonce.to_bytes(32, "big"),
        )
        if self._expect(expected, w.identity.functions.addClaim(*claim.as_args()), w.address):
            self.verified[w.identity.address] = True

    @rule(i=st.integers(0, 6))
    def remove_claim(self, i: int) -> None:
        """The holder drops its own KYC claim: the issuer's held-claim record goes with it."""
        w = self.wallets[i % len(self.wallets)]
        if w.identity is None or not self.verified[w.identity.address]:
            return
        claim = claim_id(self.kyc.contract.address, int(ClaimTopic.KYC))
        self._expect(None, w.identity.functions.removeClaim(claim), w.address)
        self.verified[w.identity.address] = False

    @rule(i=st.integers(0, 6), malleated=st.booleans())
    def revoke_by_signature(self, i: int, malleated: bool) -> None:
        """Revocation by signature, possibly re-encoded (high s): same effect either way."""
        w = self.wallets[i % len(self.wallets)]
        if w.identity is None or not self.verified[w.identity.address]:
            return
        claim = claim_id(self.kyc.contract.address, int(ClaimTopic.KYC))
        signature = bytes(w.identity.functions.getClaim(claim).call()[3])
        if malleated:
            signature = malleate(signature)
        self._expect(None, self.kyc.contract.functions.revokeClaimBySignature(signature), self.kyc.owner)
        self.verified[w.identity.address] = False

    @rule()
    def rotate_issuer_key(self) -> None:
        """A CLAIM key of the issuer comes and goes: every held-claim record goes stale, so
        verification falls back to the live check until claims are re-added or re-synced."""
        spare = "0x000000000000000000000000000000000000dEaD"  # any key: only its removal matters
        contract = self.kyc.contract
        self._expect(None, contract.functions.addKey(key_hash(spare), int(KeyPurpose.CLAIM), 1), self.kyc.owner)
        self._expect(None, contract.functions.removeKey(key_hash(spare), int(KeyPurpose.CLAIM)), self.kyc.owner)

    @precondition(lambda self: any(w.identity is None for w in self.wallets))
    @rule()
    def register(self) -> None:
        w = next(w for w in self.wallets if w.identity is None)
        holder = onboard_holder(
            self.evm,
            self.suite,
            w.address,
            US,
            claim_issuer=self.kyc.contract,
            signer_key=self.kyc.signer_key,
            registrar=self.agent,
        )
        w.identity, w.country = holder.identity, US
        self.verified[holder.identity.address] = True

    # ------------------------------------------------------------------ re-keying (both layouts)
    # The TransferPolicy re-attributes a holding wallet's balance in its modules; the stand-alone
    # registry, bound to its token by the factory, hands it to the token's compliance.

    def _fresh_identity(self, w: Wallet) -> Contract:
        identity = deploy_identity(self.evm, w.address)
        add_claim(self.evm, identity, self.kyc.contract, self.kyc.signer_key, int(ClaimTopic.KYC), w.address)
        self.verified[identity.address] = True
        return identity

    @precondition(lambda self: any(w.identity is not None and w.balance for w in self.wallets))
    @rule(i=st.integers(0, 6))
    def update_identity(self, i: int) -> None:
        """An agent moves a holding wallet to a fresh identity with a KYC claim."""
        candidates = [w for w in self.wallets if w.identity is not None and w.balance]
        w = candidates[i % len(candidates)]
        identity = self._fresh_identity(w)
        registry = self.suite.identity_registry
        self._expect(None, registry.functions.updateIdentity(w.address, identity.address), self.agent)
        w.identity = identity

    @precondition(lambda self: any(w.identity is not None for w in self.wallets))
    @rule(i=st.integers(0, 6), reregister=st.sampled_from(["same", "fresh", "later"]))
    def delete_and_reregister(self, i: int, reregister: str) -> None:
        """An agent deletes a wallet (holding or not) and registers it again: with the same identity,
        with a fresh one, or later (the `register` rule), so that meanwhile it holds tokens without an
        identity (burns and forced transfers debit the zero identity)."""
        candidates = [w for w in self.wallets if w.identity is not None]
        w = candidates[i % len(candidates)]
        registry = self.suite.identity_registry
        self._expect(None, registry.functions.deleteIdentity(w.address), self.agent)
        identity, country = w.identity, w.country
        w.identity, w.country = None, 0
        if reregister == "later":
            return
        if reregister == "fresh":
            identity = self._fresh_identity(w)
        assert identity is not None
        self._expect(None, registry.functions.registerIdentity(w.address, identity.address, country), self.agent)
        w.identity, w.country = identity, country

    # ------------------------------------------------------------------ invariants

    @invariant()
    def accounts_match_model_and_conserve_supply(self) -> None:
        # One lens call reads every wallet in the same block.
        views, supply = self.lens.functions.accounts(self.token.address, [w.address for w in self.wallets]).call()
        for w, (_, balance, frozen, wallet_frozen) in zip(self.wallets, views, strict=True):
            assert (balance, frozen, wallet_frozen) == (w.balance, w.frozen, w.wallet_frozen), w.address
            assert frozen <= balance
        assert supply == sum(w.balance for w in self.wallets)

    @invariant()
    def registry_verification_matches_model_and_records_never_outlive_claims(self) -> None:
        registry, issuer = self.suite.identity_registry, self.kyc.contract
        for w in self.wallets:
            if w.identity is None:
                continue
            verified = self.verified[w.identity.address]
            assert registry.functions.isVerified(w.address).call() == verified, w.address
            if issuer.functions.isHeldClaimValid(w.identity.address, int(ClaimTopic.KYC)).call():
                assert verified, f"held-claim record outlived the claim of {w.identity.address}"

    @invariant()
    def module_state_equals_recomputation(self) -> None:
        sums = self._identity_sums()
        compliance = self.suite.compliance.address
        # every identity ever registered (those no wallet uses any more hold nothing), and zero
        for identity in [*self.verified, ZERO]:
            expected = sums.get(identity, 0)
            assert self.suite.max_balance_of(identity) == expected, identity
            assert self.max_holders.functions.identityBalance(compliance, identity).call() == expected, identity
        holders = sum(1 for total in sums.values() if total)
        assert self.max_holders.functions.holderCount(compliance).call() == holders


class HolderOnlyMachine(TokenMachine):
    """Only holder transfers and verification changes: no unverified wallet may ever gain tokens."""

    def __init__(self) -> None:
        super().__init__()
        self.last_balances = {w.address: w.balance for w in self.wallets}

    mint = burn = forced_transfer = freeze_partial = unfreeze_partial = toggle_pause = recover = None  # type: ignore[assignment]

    @invariant()
    def unverified_wallets_never_gain(self) -> None:
        views, _ = self.lens.functions.accounts(self.token.address, [w.address for w in self.wallets]).call()
        for w, (_, balance, _, _) in zip(self.wallets, views, strict=True):
            if balance > self.last_balances.get(w.address, 0):
                assert self._is_verified(w), f"unverified {w.address} gained tokens"
            self.last_balances[w.address] = balance


@pytest.fixture(scope="module", params=["policy", "separate"])
def machine_env(
    request: pytest.FixtureRequest, evm: Chain, protocol: Protocol, kyc: KycIssuer, issuer: str, agent: str
) -> Env:
    """The NVDA suite in the factory's default layout (one TransferPolicy) or the separate one."""
    layout = str(request.param)
    params = standard_suite_params(
        protocol,
        name="NVIDIA",
        symbol="NVDA",
        owner=issuer,
        claim_issuer=kyc.contract.address,
        agents=[agent],
        max_balance=CAP,
    )
    max_holders = protocol.modules["MaxHoldersModule"]
    params.modules.append(max_holders.address)
    params.module_calls.append(module_call(max_holders, "setMaxHolders", MAX_HOLDERS))
    params.separate = layout == "separate"
    suite = deploy_suite(evm, protocol, params, salt=salt_of(f"NVDA-stateful-{layout}"), sender=issuer)
    accounts = evm.accounts
    registered = [(accounts[2], US), (accounts[3], DE), (accounts[7], US), (accounts[8], BLOCKED_COUNTRY)]
    wallets: list[Wallet] = []
    verified: dict[str, bool] = {}
    for address, country in registered:
        holder = onboard_holder(
            evm, suite, address, country, claim_issuer=kyc.contract, signer_key=kyc.signer_key, registrar=agent
        )
        wallets.append(Wallet(address, holder.identity, country))
        verified[holder.identity.address] = True
    # bob's second wallet shares his identity; two wallets start unregistered.
    bob = wallets[1]
    assert bob.identity is not None
    evm.send(bob.identity.functions.addKey(key_hash(accounts[6]), int(KeyPurpose.MANAGEMENT), 1), bob.address)
    onboard_holder(
        evm,
        suite,
        accounts[6],
        DE,
        claim_issuer=kyc.contract,
        signer_key=kyc.signer_key,
        registrar=agent,
        identity=bob.identity,
    )
    wallets.append(Wallet(accounts[6], bob.identity, DE))
    wallets.append(Wallet(evm.new_account(), None, 0))
    wallets.append(Wallet(accounts[9], None, 0))
    evm.send(suite.token.functions.batchMint([accounts[2], accounts[3]], [100 * UNIT, 100 * UNIT]), agent)
    wallets[0].balance = wallets[1].balance = 100 * UNIT
    lens = evm.deploy("EquityTokenLens", sender=issuer)
    return Env(
        evm=evm,
        suite=suite,
        kyc=kyc,
        agent=agent,
        wallets=wallets,
        lens=lens,
        max_holders=max_holders,
        verified=verified,
    )


def _machine_settings() -> settings:
    # A third of the profile's examples (10 by default, 166 under `make fuzz`), 25 steps each.
    return settings(settings.default, max_examples=max(10, settings.default.max_examples // 3), stateful_step_count=25)


def test_token_state_machine__random_actions__model_and_invariants_hold(machine_env: Env) -> None:
    TokenMachine.env = machine_env
    run_state_machine_as_test(TokenMachine, settings=_machine_settings())


def test_holder_state_machine__transfers_and_revocations__unverified_never_gain(machine_env: Env) -> None:
    HolderOnlyMachine.env = machine_env
    run_state_machine_as_test(HolderOnlyMachine, settings=_machine_settings())
