"""The perp keeper: schedules stock perps' dividends, settles due orders, fills triggered conditional orders,
settles positions left on delisted markets, liquidates accounts below maintenance and auto-deleverages while the
pool's ADL trigger is active, logging each action.

Each ``step``:

1. schedules each new distribution of a stock perp's dividend source (``scheduleDividend``: it must happen
   before the record time, so the keeper does it on announcement), one at a time per market;
2. reads the orders committed since the last step (``OrderCommitted`` events) and keeps those still pending;
3. settles each market order whose fill time has come (``settlementDelay`` after its commitment) with the
   report observed at that time, from its :class:`ReportSource`; an expired one, or any order on a delisted
   market, is cancelled (anyone may);
4. settles each limit, stop-loss or take-profit order whose trigger the oracle's latest price meets;
5. settles each known trader's position on a delisted market at its final price (``settleDelisted``);
6. liquidates each account holding a position that the vault says is liquidatable, repaying its debt from the
   keeper's stablecoin and taking the account's first collateral asset (a stock token goes only to a keeper
   that may hold it); a large position closes a chunk per liquidation window, so the keeper comes back at the
   next step while the account stays liquidatable;
7. while the pool's ADL trigger is active, closes the most profitable position (return on its entry notional
   at the oracle's price) with ``autoDeleverage``, and again, until the trigger clears (at most
   ``MAX_ADL_PER_STEP`` a step). The market re-checks the trigger and the position's profit when each executes.

A refused action (a price moved, a report missing) is logged with its custom error and retried at the next
step. On a dev node :class:`LocalReportSource` signs the reports with the demo reporter keys at the oracle's
last accepted price; on a network a source fetches them from the reporting network (Data Streams).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from web3.contract import Contract
from web3.contract.contract import ContractFunction

from dualtrack.chain import Chain, Reverted
from dualtrack.keepers.reporter import Reporter
from dualtrack.market import MarketStatus
from dualtrack.oracle import ONE, latest_price
from dualtrack.perp import SETTLE_GAS, OrderKind

MAX_UINT = 2**256 - 1
LIQUIDATE_GAS = 3_000_000
MAX_ADL_PER_STEP = 8
DELISTED = 17  # IPerpMarket.MarketConfig.delisted


class ReportSource(Protocol):
    """Where the keeper gets the signed report of ``feed`` observed at a given second."""

    def report_at(self, feed: bytes, observed_at: int) -> bytes | None: ...


@dataclass
class LocalReportSource:
    """A dev node's stand-in for the reporting network: the demo reporters sign, at any second, the oracle's
    last accepted report of the feed again (its venue status, price and 24/7 tokenized price; a halted or
    unknown venue is reported open)."""

    oracle: Contract
    reporters: Callable[[bytes], Reporter]

    def report_at(self, feed: bytes, observed_at: int) -> bytes | None:
        view = latest_price(self.oracle, feed)
        if view.observed_at == 0:
            return None
        reporter = self.reporters(feed)
        status = MarketStatus.CLOSED if view.market_status == MarketStatus.CLOSED else MarketStatus.OPEN
        tokenized = view.tokenized_price_per_token * ONE // view.multiplier if view.multiplier else None
        return reporter.sign(reporter.report(observed_at, status, view.price_per_share, tokenized or None))


@dataclass(frozen=True)
class PendingOrder:
    account_id: int
    market_id: bytes
    slot: int
    committed_at: int


@dataclass(frozen=True)
class Action:
    """One thing the keeper did or tried."""

    kind: str  # dividend, settled, cancelled, delisted, liquidated, deleveraged or refused
    account_id: int
    market_id: bytes
    detail: str


@dataclass
class PerpKeeper:
    evm: Chain
    market: Contract
    vault: Contract
    stablecoin: Contract
    source: ReportSource
    keeper: str
    log: Callable[[Action], None] = lambda action: None
    from_block: int = 0
    pending: dict[tuple[int, bytes, int], PendingOrder] = field(default_factory=dict)
    traders: set[int] = field(default_factory=set)
    # (market, distributor) -> the next distribution id to look at: each id is looked at until it is scheduled
    # or can never be (another token's, another currency's, its record time passed).
    dividend_cursor: dict[tuple[bytes, str], int] = field(default_factory=dict)

    def step(self) -> list[Action]:
        """One pass: dividends to schedule, new orders, due settlements, triggered orders, delisted positions,
        liquidations, ADL."""
        self._read_new_orders()
        actions = [
            *self._schedule_dividends(),
            *self._settle_due(),
            *self._settle_delisted(),
            *self._liquidate(),
            *self._deleverage(),
        ]
        for action in actions:
            self.log(action)
        return actions

    def _read_new_orders(self) -> None:
        head = self.evm.w3.eth.block_number
        if head < self.from_block:
            return
        for event in self.market.events.OrderCommitted().get_logs(from_block=self.from_block, to_block=head):
            args = event["args"]
            block = self.evm.w3.eth.get_block(event["blockNumber"])
            order = PendingOrder(
                int(args["accountId"]), bytes(args["marketId"]), int(args["slot"]), int(block["timestamp"])
            )
            self.pending[(order.account_id, order.market_id, order.slot)] = order
            self.traders.add(order.account_id)
        self.from_block = head + 1

    def _settle_due(self) -> list[Action]:
        actions: list[Action | None] = []
        now = self.evm.timestamp()
        for key, order in list(self.pending.items()):
            stored = self.market.functions.orderOf(order.account_id, order.market_id, order.slot).call()
            if int(stored[2]) != order.committed_at:  # settled, cancelled or replaced
                del self.pending[key]
                continue
            config = self.market.functions.configOf(order.market_id).call()
            if config[DELISTED]:
                call = self.market.functions.cancelOrder(order.account_id, order.market_id, order.slot)
                actions.append(self._send(key, order, call, "cancelled", "its market is delisted"))
                continue
            feed, delay, window = bytes(config[0]), int(config[9]), int(config[10])
            fill_time = order.committed_at + delay
            if now <= fill_time:
                continue
            if OrderKind(int(stored[3])) == OrderKind.MARKET:
                actions.append(self._settle_market_order(key, order, feed, fill_time, now > fill_time + window))
            else:
                actions.append(self._settle_conditional(key, order))
        return [action for action in actions if action is not None]

    def _settle_market_order(
        self, key: tuple[int, bytes, int], order: PendingOrder, feed: bytes, fill_time: int, expired: bool
    ) -> Action | None:
        if expired:
            call = self.market.functions.cancelOrder(order.account_id, order.market_id, order.slot)
            return self._send(key, order, call, "cancelled", "expired before a keeper settled it")
        report = self.source.report_at(feed, fill_time)
        if report is None:
            return Action("refused", order.account_id, order.market_id, f"no report observed at {fill_time}")
        call = self.market.functions.settleOrder(order.account_id, order.market_id, order.slot, report)
        return self._send(key, order, call, "settled", f"at the report observed at {fill_time}")

    def _settle_conditional(self, key: tuple[int, bytes, int], order: PendingOrder) -> Action | None:
        call = self.market.functions.settleOrder(order.account_id, order.market_id, order.slot, b"")
        try:
            self.evm.call(call, self.keeper, gas=SETTLE_GAS)
        except Reverted:
            return None  # not triggered yet (or not fillable): try again at the next step
        return self._send(key, order, call, "settled", "its trigger met at the oracle's latest price")

    def _send(self, key: tuple[int, bytes, int], order: PendingOrder, call: object, kind: str, detail: str) -> Action:
        try:
            self.evm.send(call, self.keeper, gas=SETTLE_GAS)  # type: ignore[arg-type]
        except Reverted as error:
            return Action("refused", order.account_id, order.market_id, f"{kind}: {error}")
        del self.pending[key]
        return Action(kind, order.account_id, order.market_id, detail)

    def _schedule_dividends(self) -> list[Action]:
        actions = []
        for raw_id in self.market.functions.markets().call():
            market_id = bytes(raw_id)
            distributor_address = str(self.market.functions.dividendSourceOf(market_id).call()[0])
            if int(distributor_address, 16) == 0:
                continue
            distributor = self.evm.at("DividendDistributor", distributor_address)
            state, _ = self.market.functions.dividendsOf(market_id).call()
            key = (market_id, distributor_address)
            next_id = max(self.dividend_cursor.get(key, 0), int(state[3]) + 1)
            count = int(distributor.functions.distributionCount().call())
            while next_id <= count:
                call = self.market.functions.scheduleDividend(market_id, next_id)
                try:
                    self.evm.call(call, self.keeper)
                except Reverted as error:
                    if error.name == "PerpMarketDividendPending":
                        break  # after the scheduled one's record time
                    next_id += 1  # never schedulable on this market
                    continue
                receipt = self.evm.send(call, self.keeper)
                (event,) = self.evm.events(receipt, self.market, "DividendScheduled")
                detail = (
                    f"distribution {next_id}: ${int(event['perToken']) / 10**18:,.6f} a token at record time "
                    f"{int(event['recordTime'])}"
                )
                actions.append(Action("dividend", 0, market_id, detail))
                next_id += 1
            self.dividend_cursor[key] = next_id
        return actions

    def _settle_delisted(self) -> list[Action]:
        delisted = [
            bytes(raw_id)
            for raw_id in self.market.functions.markets().call()
            if self.market.functions.configOf(raw_id).call()[DELISTED]
        ]
        actions: list[Action] = []
        if not delisted:
            return actions
        for account in sorted(self.traders):
            held = {bytes(raw_id) for raw_id in self.market.functions.positionMarketsOf(account).call()}
            for market_id in (market_id for market_id in delisted if market_id in held):
                call = self.market.functions.settleDelisted(account, market_id)
                event = self._emitting(call, "DelistedPositionSettled", account, market_id, "delisted", actions)
                if event is None:
                    continue
                detail = (
                    f"{int(event['size']) / 10**18:g} settled at the final ${int(event['price']) / 10**18:,.2f}, "
                    f"PnL ${int(event['pnl']) / 10**18:,.2f}, funding ${int(event['funding']) / 10**18:,.2f}"
                )
                actions.append(Action("delisted", account, market_id, detail))
        return actions

    def _deleverage(self) -> list[Action]:
        _, oracle_address, _, pool_address = self.market.functions.wiring().call()
        if int(pool_address, 16) == 0:
            return []
        pool = self.evm.at("LiquidityPool", pool_address)
        oracle = self.evm.at("EquityPriceOracle", oracle_address)
        actions: list[Action] = []
        for _ in range(MAX_ADL_PER_STEP):
            if not pool.functions.adlState().call()[0]:
                break
            candidate = self._most_profitable(oracle)
            if candidate is None:
                break
            account, market_id, size = candidate
            call = self.market.functions.autoDeleverage(account, market_id, abs(size))
            event = self._emitting(call, "PositionAutoDeleveraged", account, market_id, "adl", actions)
            if event is None:
                break
            detail = (
                f"{abs(size) / 10**18:g} closed at ${int(event['price']) / 10**18:,.2f}, "
                f"PnL ${int(event['pnl']) / 10**18:,.2f}"
            )
            actions.append(Action("deleveraged", account, market_id, detail))
        return actions

    def _emitting(
        self, call: ContractFunction, event_name: str, account: int, market_id: bytes, label: str, log: list[Action]
    ) -> dict[str, Any] | None:
        """Send ``call``; the market's ``event_name`` it emitted, or None with the refusal added to ``log``."""
        try:
            receipt = self.evm.send(call, self.keeper, gas=SETTLE_GAS)
        except Reverted as error:
            log.append(Action("refused", account, market_id, f"{label}: {error}"))
            return None
        (event,) = self.evm.events(receipt, self.market, event_name)
        return event

    def _most_profitable(self, oracle: Contract) -> tuple[int, bytes, int] | None:
        """The open position with the highest return on its entry notional at the oracle's price, if any is up."""
        best: tuple[Fraction, int, bytes, int] | None = None
        for account in sorted(self.traders):
            for raw_id in self.market.functions.positionMarketsOf(account).call():
                market_id = bytes(raw_id)
                size, entry, _ = self.market.functions.positionOf(account, market_id).call()
                feed = bytes(self.market.functions.configOf(market_id).call()[0])
                price = int(oracle.functions.consumerPrice(feed).call()[0])
                if size == 0 or entry == 0:
                    continue
                ret = Fraction(int(size) * (price - int(entry)), abs(int(size)) * int(entry))
                if ret > 0 and (best is None or ret > best[0]):
                    best = (ret, account, market_id, int(size))
        return None if best is None else best[1:]

    def _liquidate(self) -> list[Action]:
        actions = []
        for account in sorted(self.traders):
            if not self.market.functions.positionMarketsOf(account).call():
                continue
            liquidatable, health = self.vault.functions.isLiquidatable(account).call()
            if not liquidatable:
                continue
            # The account's first collateral asset, sold for its debt once its positions are closed; a cash-only
            # account has none to sell: its positions are closed (a chunk per window for a large one) and that
            # is all.
            assets = self.vault.functions.assetsOf(account).call() or [self.stablecoin.address]
            if self.stablecoin.functions.allowance(self.keeper, self.vault.address).call() < MAX_UINT // 2:
                self.evm.send(self.stablecoin.functions.approve(self.vault.address, MAX_UINT), self.keeper)
            call = self.vault.functions.liquidate(account, assets[0], MAX_UINT // 2, 0)
            try:
                receipt = self.evm.send(call, self.keeper, gas=LIQUIDATE_GAS)
            except Reverted as error:
                actions.append(Action("refused", account, b"", f"liquidation: {error}"))
                continue
            closed = self.evm.events(receipt, self.market, "PositionLiquidated")
            detail = f"health {health / 10**18:.3f}: {len(closed)} position(s) closed, collateral {assets[0]}"
            actions.append(Action("liquidated", account, b"", detail))
        return actions
