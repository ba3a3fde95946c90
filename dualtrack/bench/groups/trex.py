"""``trex.*``: T-REX 4.1.6 from its npm artifacts, in the production configuration.

One claim topic (KYC) and one trusted ONCHAINID ``ClaimIssuer``; holders are
``IdFactory`` identities (``IdentityProxy``) with a KYC claim signed by the
issuer's CLAIM key, registered in the identity registry; CountryRestrictModule
and MaxBalanceModule bound behind ``ModuleProxy``. Every transfer goes to a
verified holder who already holds tokens, so storage writes are
nonzero-to-nonzero as in steady-state trading.
"""

from __future__ import annotations

from dataclasses import dataclass

from dualtrack.bench.accounts import labelled_accounts
from dualtrack.bench.registry import benchmark, measure
from dualtrack.chain import Chain, dev_private_keys
from dualtrack.peers.onchainid import deploy_claim_issuer
from dualtrack.peers.trex import TrexPlatform, TrexSuite, deploy_trex_platform

UNIT = 10**18
HOLDING = 1_000 * UNIT
AMOUNT = UNIT
BATCH_SIZE = 20
# Anvil dev account whose key signs the KYC claims (it never sends a transaction).
CLAIM_SIGNER_INDEX = 6


@dataclass(frozen=True)
class TrexBench:
    """The deployed platform and suite; ``alice``, ``bob`` and ``receivers`` hold tokens, ``spender`` may spend
    ``alice``'s."""

    platform: TrexPlatform
    suite: TrexSuite
    alice: str
    bob: str
    spender: str
    receivers: tuple[str, ...]


def setup_trex_bench(evm: Chain) -> TrexBench:
    """Deploy the T-REX platform and one suite, and fund verified holders (alice, bob, 20 more)."""
    deployer, agent, alice, bob, spender = evm.accounts[:5]
    platform = deploy_trex_platform(evm, deployer)
    issuer = deploy_claim_issuer(evm, deployer, dev_private_keys(CLAIM_SIGNER_INDEX + 1)[CLAIM_SIGNER_INDEX])
    suite = platform.deploy_suite(owner=deployer, agent=agent, claim_issuer=issuer)
    receivers = tuple(labelled_accounts(evm, "dualtrack.bench.trex.holder", BATCH_SIZE))
    for holder in (alice, bob, *receivers):
        suite.register_holder(holder)
        suite.mint(holder, HOLDING)
    suite.approve(alice, spender, HOLDING)
    return TrexBench(platform, suite, alice, bob, spender, receivers)


@benchmark("trex", title="T-REX 4.1.6 (npm artifacts, proxies, 1 topic, 1 ONCHAINID issuer, 2 modules)")
def trex_group(evm: Chain) -> dict[str, int]:
    bench = setup_trex_bench(evm)
    suite, alice, bob = bench.suite, bench.alice, bench.bob
    return {
        "trex.transfer": measure(evm, lambda: suite.transfer(alice, bob, AMOUNT)),
        "trex.transferFrom": measure(evm, lambda: suite.transfer_from(bench.spender, alice, bob, AMOUNT)),
        "trex.mint": measure(evm, lambda: suite.mint(bob, AMOUNT)),
        "trex.burn": measure(evm, lambda: suite.burn(alice, AMOUNT)),
        "trex.forcedTransfer": measure(evm, lambda: suite.forced_transfer(alice, bob, AMOUNT)),
        "trex.batchTransfer20": measure(
            evm, lambda: suite.batch_transfer(alice, bench.receivers, [AMOUNT] * BATCH_SIZE)
        ),
    }
