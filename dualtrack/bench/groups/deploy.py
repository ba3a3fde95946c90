"""``deploy.*``: what a whole deployment costs, through the one deployment path (``deploy/local.toml``).

The deployer is a fixed key that signs locally (as on a testnet), so every figure is exact and repeats:
``deploy.total`` is the gas of every transaction of the run; the other figures split it by part of the
plan: the governance (the AccessManager, every protocol function mapped to its role, the role grants),
the protocol core (implementations, SuiteAuthority, SuiteFactory, modules), the KYC issuer, the oracle
with CorporateActions, the DividendDistributor and the sequencer sentinel, one listed stock (its suite,
corporate-action agents and oracle feed), the periphery, the margin vault (its modules, implementation
and proxy, settings, three collateral assets with two mock tokens, dividend custody, its identity and
registration, the MarginLens), the perps (both oracles' and the market's implementations and proxies, the
settings module, the lens, each market's funding, listing and dividend source, the registrations), and one
verified investor.
"""

from __future__ import annotations

from collections import Counter

from eth_account import Account
from eth_utils.crypto import keccak

from dualtrack.bench.registry import benchmark
from dualtrack.chain import Chain
from dualtrack.deployment import deploy, load_config
from dualtrack.paths import PROJECT_ROOT

LOCAL_CONFIG = PROJECT_ROOT / "deploy" / "local.toml"

# Step key prefixes -> the part of the plan they belong to (first match wins).
PARTS = (
    ("governance", ("deploy.governance.", "wire.governance.", "wire.handover.governance.")),
    ("protocol", ("deploy.protocol.", "wire.protocol.", "deploy.modules.")),
    ("kyc", ("deploy.kyc.", "wire.kyc.")),
    (
        "oracle",
        (
            "deploy.oracle.",
            "deploy.corporate.",
            "wire.oracle.corporate_actions",
            "wire.oracle.uptime_feed",
            "wire.oracle.sentinel",
        ),
    ),
    ("stock", ("deploy.tsla.", "wire.tsla.", "wire.oracle.feeds.TSLA")),
    ("periphery", ("deploy.periphery.",)),
    ("pool", ("deploy.pool.", "wire.pool.")),
    ("margin", ("deploy.margin.", "wire.margin.")),
    ("perp", ("deploy.perp.", "wire.perp.")),
    ("investor", ("deploy.investors.alice.", "wire.investors.alice.")),
)


@benchmark("deploy", title="A whole deployment of deploy/local.toml, signed locally")
def deploy_group(evm: Chain) -> dict[str, int]:
    account = Account.from_key(keccak(text="dualtrack-bench/deployer"))
    evm.w3.provider.make_request("anvil_setBalance", [account.address, hex(10**21)])  # type: ignore[arg-type]
    deployer = evm.use_key(account)
    outcome = deploy(evm, load_config(LOCAL_CONFIG), deployer=deployer, signing_keys=[account])
    if not outcome.ok:
        raise RuntimeError("the benchmark deployment does not read back as configured")
    parts: Counter[str] = Counter()
    for key, record in outcome.manifest.mined_steps():
        gas = int(record["gasUsed"])
        parts["total"] += gas
        for part, prefixes in PARTS:
            if key.startswith(prefixes):
                parts[part] += gas
                break
    return {f"deploy.{part}": gas for part, gas in parts.items()}
