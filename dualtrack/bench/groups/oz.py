"""``oz.*``: a plain OpenZeppelin 5 ERC-20 (MockStablecoin), the floor any token transfer is compared to."""

from __future__ import annotations

from dualtrack.bench.registry import benchmark, measure
from dualtrack.chain import Chain

ONE_USD = 10**6


@benchmark("oz", title="OpenZeppelin 5.4 ERC-20 (MockStablecoin)")
def oz_group(evm: Chain) -> dict[str, int]:
    owner, alice, bob = evm.accounts[0], evm.accounts[2], evm.accounts[3]
    token = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", owner, sender=owner)
    for holder in (alice, bob):
        evm.send(token.functions.mint(holder, 1_000 * ONE_USD), owner)
    return {"oz.transfer": measure(evm, lambda: evm.send(token.functions.transfer(bob, ONE_USD), alice))}
