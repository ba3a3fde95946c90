"""Checks before the first transaction: the chain, existing contracts, the manifest, keys and funds.

Each problem is one line; a run with any problem sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from dualtrack.deployment.runner import code_hash
from dualtrack.deployment.steps import Context, Step
from dualtrack.transport import BASE_FEE_MULTIPLIER, DEFAULT_PRIORITY_FEE_WEI

GWEI = 10**9


def estimated_fee_per_gas(ctx: Context) -> int:
    """The max fee per gas a transaction would be sent with now (2 x base fee + tip)."""
    w3 = ctx.evm.w3
    base_fee = int(w3.eth.get_block("latest").get("baseFeePerGas") or 0)
    try:
        tip = int(w3.eth.max_priority_fee)
    except Exception:  # a node without eth_maxPriorityFeePerGas
        tip = DEFAULT_PRIORITY_FEE_WEI
    return BASE_FEE_MULTIPLIER * base_fee + tip


def pending_steps(ctx: Context, steps: Sequence[Step]) -> list[Step]:
    """The steps this run still has to do (not recorded as mined)."""
    return [step for step in steps if (ctx.manifest.step(step.key) or {}).get("status") != "mined"]


def preflight(ctx: Context, steps: Sequence[Step]) -> list[str]:
    """Every reason not to start; empty means go."""
    problems: list[str] = []
    w3 = ctx.evm.w3
    chain_id = int(w3.eth.chain_id)
    config = ctx.config
    if config is not None and config.network.chain_id != chain_id:
        problems.append(
            f"network.chain_id is {config.network.chain_id} but the node answers chain id {chain_id}: wrong RPC URL?"
        )
        return problems  # nothing else is meaningful on the wrong chain

    for step in steps:
        if not step.sends_transaction:
            for key, (address, _abi) in step.send(ctx).items():
                if not w3.eth.get_code(address):  # type: ignore[arg-type]
                    problems.append(f"{key}: no contract at {address} on chain {chain_id}")

    for key, record in ctx.manifest.contracts():
        code = bytes(w3.eth.get_code(record["address"]))
        if not code:
            problems.append(
                f"the manifest's contracts.{key} at {record['address']} has no code on chain {chain_id}: "
                "a reset node or another network? (--fresh starts a new manifest on a local node)"
            )
            break
        if code_hash(code) != record["codeHash"]:
            problems.append(f"the manifest's contracts.{key} at {record['address']} holds different code now")
            break

    remaining = pending_steps(ctx, steps)
    claimants = _claimants(remaining)
    if config is not None and claimants:
        signer = config.kyc.claim_signer or ctx.deployer
        if signer not in ctx.signing_keys:
            problems.append(
                f"the KYC claims of {claimants} are signed by {signer}: give its key (DUALTRACK_CLAIM_SIGNER_KEY), "
                "or let the deployer sign them (leave kyc.claim_signer unset)"
            )

    gas = sum(step.gas_budget for step in remaining)
    fee = estimated_fee_per_gas(ctx)
    needed = gas * fee
    balance = int(w3.eth.get_balance(ctx.deployer))  # type: ignore[arg-type]
    if balance < needed:
        problems.append(
            f"the deployer {ctx.deployer} holds {balance / 1e18:.6f} ETH; the {len(remaining)} remaining steps may "
            f"cost up to {needed / 1e18:.6f} ETH ({gas:,} gas at {fee / GWEI:.4f} gwei): fund it and run again"
        )
    return problems


def _claimants(remaining: Sequence[Step]) -> str:
    """Who still needs a KYC claim signed in this run ("investors", "the margin vault", both, or "")."""
    claims = [step.key for step in remaining if step.key.endswith(".kyc_claim")]
    who = []
    if any(key.startswith("wire.investors.") for key in claims):
        who.append("investors")
    if any(key.startswith("wire.margin.") for key in claims):
        who.append("the margin vault")
    return " and ".join(who)
