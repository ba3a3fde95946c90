"""``corporate.*``: the CorporateActions handler on the benchmark TSLA suite (see ``token.py``).

``corporate.schedule`` is the gas of announcing a 10:1 split (which schedules the token's multiplier
change), measured in the steady state: the handler and the token already saw one action, announced,
activated and price-confirmed, so the counters and the token's records are warm in storage. The other
keys measure the rest of the playbook on that announced split: amending it, cancelling it, and the
oracle's post-action price confirmation after activation.
"""

from __future__ import annotations

from dualtrack.bench.groups.token import setup_token_bench
from dualtrack.bench.registry import benchmark, measure
from dualtrack.chain import Chain
from dualtrack.corporate import DAY, ActionKind, announce, deploy_corporate_actions, enable_corporate_actions

NOTICE = 2 * DAY  # the playbook announces at T-2


@benchmark("corporate", title="CorporateActions: the split playbook on an EquityToken")
def corporate_group(evm: Chain) -> dict[str, int]:
    b = setup_token_bench(evm)
    oracle = evm.accounts[4]
    handler = deploy_corporate_actions(evm, b.issuer, oracle)
    token = b.suite.token
    enable_corporate_actions(evm, token, handler, b.issuer)

    # One earlier action, run to completion: the steady state.
    first_at = evm.timestamp() + NOTICE
    first = announce(evm, handler, token, ActionKind.STOCK_DIVIDEND, 102, 100, first_at, sender=b.issuer)
    evm.mine(first_at)
    evm.send(handler.functions.confirmPostActionPrice(first), oracle)

    activation = evm.timestamp() + NOTICE
    split = handler.functions.announce(token.address, int(ActionKind.SPLIT), 10, 1, activation)
    results = {"corporate.schedule": measure(evm, lambda: evm.send(split, b.issuer))}

    action_id = announce(evm, handler, token, ActionKind.SPLIT, 10, 1, activation, sender=b.issuer)
    amend = handler.functions.amend(action_id, 5, 1, activation + DAY)
    results["corporate.amend"] = measure(evm, lambda: evm.send(amend, b.issuer))
    results["corporate.cancel"] = measure(evm, lambda: evm.send(handler.functions.cancel(action_id), b.issuer))
    evm.mine(activation)
    confirm = handler.functions.confirmPostActionPrice(action_id)
    results["corporate.confirm"] = measure(evm, lambda: evm.send(confirm, oracle))
    return results
