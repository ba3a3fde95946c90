// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IMarket} from "../interfaces/margin/IMarket.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IFundingRateOracle} from "../interfaces/perp/IFundingRateOracle.sol";
import {IPoolMarket} from "../interfaces/pool/IPoolMarket.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Bps, Multiplier, UsdPerShare, UsdPerToken, UsdValue, Wad} from "../interfaces/types/Units.sol";
import {MarketParams} from "../libraries/MarketParams.sol";
import {PerpMath} from "../libraries/PerpMath.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {SignedReports} from "../libraries/SignedReports.sol";
import {PerpMarketBase} from "./PerpMarketBase.sol";

/// @title PerpMarket - perpetual futures on dualtrack's stock tokens and on crypto, margined by the margin vault
/// @notice Keeper-settled orders filled at a report nobody picks, Synthetix v3's skew-priced fills and margins,
///         Hyperliquid funding through the FundingRateOracle, and the liquidity pool as the skew's counterparty.
///         Rules: IPerpMarket; arithmetic: PerpMath (fills, fees, margins) and PositionMath (PnL, funding, the O(1)
///         aggregates the pool reads).
contract PerpMarket is PerpMarketBase {
    constructor(
        IMarginVault vault_,
        IEquityPriceOracle priceOracle_,
        IFundingRateOracle fundingOracle_,
        uint8 settlementDecimals,
        address module_
    ) PerpMarketBase(vault_, priceOracle_, fundingOracle_, settlementDecimals, module_) {}

    // ---- Trading ----

    /// @inheritdoc IPerpMarket
    function settleOrder(uint256 accountId, bytes32 marketId, uint256 slot, bytes calldata signedReport) external {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        Order storage stored = _order($, accountId, marketId, slot);
        Order memory order = stored;
        stored.committedAt = 0;
        Fill memory fill = _execute($, accountId, marketId, order, signedReport);
        uint256 keeperFee = msg.sender == _vault.accountOwner(accountId) ? 0 : order.keeperFee;
        if (keeperFee != 0) _vault.chargeFee(accountId, keeperFee, msg.sender);
        if (fill.addsRisk) _vault.requireInitialMargin(accountId);
        if ($.positionMarkets[accountId].length == 0) _vault.leaveMarket(accountId);
        emit OrderSettled(
            accountId,
            marketId,
            slot,
            Settlement(
                order.sizeDelta, fill.newSize, fill.fillPrice, fill.pnl, fill.funding, fill.fee, msg.sender, keeperFee
            )
        );
    }

    // ---- The vault (IMarket) ----

    /// @inheritdoc IMarket
    /// @dev Each position at the oracle's last accepted price and the funding index now. A position whose price
    ///      cannot value collateral (stale, held) reports an initial margin of UNPRICED_MARGIN, so withdrawals and
    ///      new risk fail closed; its maintenance margin keeps the last price.
    function accountMargin(uint256 accountId)
        external
        view
        returns (UsdValue profit, UsdValue loss, UsdValue initialMargin, UsdValue maintenanceMargin)
    {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        bytes32[] storage ids = $.positionMarkets[accountId];
        int256 net;
        uint256 initial;
        uint256 maintenance;
        for (uint256 i; i < ids.length; ++i) {
            (int256 value, uint256 im, uint256 mm) = _positionValue($, accountId, ids[i]);
            net += value;
            initial += im;
            maintenance += mm;
        }
        if (net > 0) profit = UsdValue.wrap(uint256(net));
        else loss = UsdValue.wrap(uint256(-net));
        return (profit, loss, UsdValue.wrap(initial), UsdValue.wrap(maintenance));
    }

    /// @inheritdoc IMarket
    /// @dev Each position closes at the oracle price with its skew impact and no fee (the vault charges the
    ///      liquidation fee), within its market's liquidation capacity for the window (a chunk of a large
    ///      position; all of it when the account is deeply underwater). A position whose price the oracle
    ///      does not let liquidate, or that the window's capacity leaves open, stays (`false`).
    function closeForLiquidation(uint256 accountId) external returns (bool closedAll) {
        if (msg.sender != address(_vault)) revert PerpMarketNotVault(msg.sender);
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        bytes32[] storage ids = $.positionMarkets[accountId];
        // From the end: closing swaps the last position into the closed one's place, already visited.
        for (uint256 i = ids.length; i != 0;) {
            bytes32 marketId = ids[--i];
            MarketConfig memory config = _configOf($, marketId);
            Position memory position = _positionOf($, accountId, marketId);
            if (config.delisted) {
                _settleDelisted($, accountId, marketId, position);
                continue;
            }
            Fill memory fill = _liquidationFill($, accountId, marketId, config, position);
            int256 closed = fill.size - fill.newSize;
            if (closed == 0) continue;
            MarketTotals memory totals = _totalsOf($, marketId);
            fill.fillPrice = PerpMath.fillPrice(
                fill.price, PositionMath.skew(totals), -closed, config.skewScale, config.positiveImpactBps
            );
            _fill($, accountId, marketId, config, position, totals, fill);
            emit PositionLiquidated(accountId, marketId, closed, fill.fillPrice, fill.pnl, fill.funding);
        }
        return ids.length == 0;
    }

    // ---- The pool (IPoolMarket) ----

    /// @inheritdoc IPoolMarket
    /// @dev `traderProfit` nets each side: the sum over sides of max(side's PnL, 0), a lower bound of the winners'
    ///      gross profit that costs O(1) per market.
    function traderPnl() external view returns (int256 netPnlUsd, UsdValue traderProfit, UsdValue openInterest) {
        PerpMarketStorage storage $ = _getPerpMarketStorage();
        uint256 count = $.marketIds.length;
        uint256 profit;
        uint256 interest;
        for (uint256 i; i < count; ++i) {
            bytes32 marketId = $.marketIds[i];
            MarketTotals memory totals = _totalsOf($, marketId);
            if (totals.longSize == 0 && totals.shortSize == 0) continue;
            MarketConfig storage config = $.configs[marketId];
            (uint256 price, int256 index,,) = _valuation(marketId, config.feedId, config.delisted);
            (int256 longs, int256 shorts) = PositionMath.sidePnl(totals, price, index);
            netPnlUsd += longs + shorts;
            if (longs > 0) profit += uint256(longs);
            if (shorts > 0) profit += uint256(shorts);
            interest += (uint256(totals.longSize) + totals.shortSize) * price / WAD;
        }
        return (netPnlUsd, UsdValue.wrap(profit), UsdValue.wrap(interest));
    }

    // ---- Internal: settlement ----

    /// @dev `accountId`'s position on `marketId` valued at the oracle's price and the funding index now; a
    ///      delisted one at its final price and index, with no margin (its value no longer moves).
    function _positionValue(PerpMarketStorage storage $, uint256 accountId, bytes32 marketId)
        private
        view
        returns (int256 net, uint256 initial, uint256 maintenance)
    {
        MarketConfig memory config = _configOf($, marketId);
        (uint256 price, int256 index, bool usable, bool closed) = _valuation(marketId, config.feedId, config.delisted);
        (net, initial, maintenance) = _value($.positions[accountId][marketId], config, price, index, closed);
        if (config.delisted) return (net, 0, 0);
        if (!usable) initial = UNPRICED_MARGIN;
    }

    /// @dev Price the order, check it, and fill it.
    function _execute(
        PerpMarketStorage storage $,
        uint256 accountId,
        bytes32 marketId,
        Order memory order,
        bytes calldata signedReport
    ) private returns (Fill memory fill) {
        _listed(marketId);
        MarketConfig memory config = _configOf($, marketId);
        bool usable;
        (fill.price, usable, fill.closed) = _settlementPrice(order, config, signedReport);
        Position memory position = _positionOf($, accountId, marketId);
        MarketTotals memory totals = _totalsOf($, marketId);
        fill.size = position.size;
        fill.newSize = position.size + order.sizeDelta;
        _checkOrder(order, config, marketId, fill, usable);
        int256 skew = PositionMath.skew(totals);
        fill.fillPrice =
            PerpMath.fillPrice(fill.price, skew, order.sizeDelta, config.skewScale, config.positiveImpactBps);
        _checkPrices(order, fill.fillPrice, fill.price);
        fill.fee = PerpMath.orderFee(skew, order.sizeDelta, fill.fillPrice, config.makerFeeBps, config.takerFeeBps);
        _fill($, accountId, marketId, config, position, totals, fill);
    }

    /// @dev The price an order fills at (per token), whether it may add risk now, and whether the venue is closed.
    ///      Market order: the report observed exactly `settlementDelay` after the commitment, settled within the
    ///      window; submitted when newer than the feed's last one, else verified and used if it is continuous (the
    ///      feed's jump band) with the accepted price. Conditional order: the feed's latest accepted report (the
    ///      given one submitted first, if any), observed at least `settlementDelay` after the commitment.
    ///      While the venue is closed: the report's tokenized price held within the closed band of its exchange
    ///      price, and new risk only where the market trades closed and the tokenized price is live.
    function _settlementPrice(Order memory order, MarketConfig memory config, bytes calldata signedReport)
        private
        returns (uint256 price, bool usable, bool closed)
    {
        uint256 readyAt = uint256(order.committedAt) + config.settlementDelay;
        if (block.timestamp < readyAt) revert PerpMarketOrderNotReady(readyAt, block.timestamp);
        if (order.kind == OrderKind.Market) {
            uint256 expiresAt = readyAt + config.settlementWindow;
            if (block.timestamp > expiresAt) revert PerpMarketOrderExpired(expiresAt, block.timestamp);
        }
        IEquityPriceOracle.Report memory verified;
        if (signedReport.length != 0) verified = _useReport(order, config, signedReport, readyAt);
        else if (order.kind == OrderKind.Market) revert PerpMarketReportNotFirst(0, readyAt);
        IEquityPriceOracle.ConsumerPrice memory read = _priceOracle.consumerPrice(config.feedId);
        uint256 tokenized;
        IEquityPriceOracle.MarketStatus status;
        if (verified.observedAt != 0) {
            Multiplier multiplier = Multiplier.wrap(verified.currentMultiplier);
            price = UsdPerToken.unwrap(UsdPerShare.wrap(verified.price).perToken(multiplier));
            tokenized = UsdPerToken.unwrap(UsdPerShare.wrap(verified.tokenizedPrice).perToken(multiplier));
            status = verified.marketStatus;
        } else {
            if (read.observedAt < readyAt) revert PerpMarketReportTooEarly(read.observedAt, readyAt);
            price = UsdPerToken.unwrap(read.pricePerToken);
            tokenized = UsdPerToken.unwrap(read.tokenizedPricePerToken);
            status = read.marketStatus;
        }
        usable = read.usableToOpenRisk;
        closed = status == IEquityPriceOracle.MarketStatus.Closed;
        if (closed) {
            usable = config.closedMaxOpenInterest != 0 && read.usableTokenized && !read.inMaintenance
                && read.marketStatus == IEquityPriceOracle.MarketStatus.Closed;
            price = PerpMath.closedMark(price, tokenized, MarketParams.floorRatio(config, true));
        }
    }

    /// @dev Submit or verify `signedReport`; returns the report only when it is used without being stored.
    function _useReport(Order memory order, MarketConfig memory config, bytes calldata signedReport, uint256 readyAt)
        private
        returns (IEquityPriceOracle.Report memory verified)
    {
        (IEquityPriceOracle.Report memory report,) = SignedReports.decode(signedReport);
        if (report.feedId != config.feedId) revert PerpMarketReportWrongFeed(report.feedId, config.feedId);
        uint256 observedAt = report.observedAt;
        if (order.kind == OrderKind.Market && observedAt != readyAt) {
            revert PerpMarketReportNotFirst(observedAt, readyAt);
        }
        if (order.kind != OrderKind.Market && observedAt < readyAt) {
            revert PerpMarketReportTooEarly(observedAt, readyAt);
        }
        uint256 last = _priceOracle.lastObservedAt(config.feedId);
        if (observedAt > last) {
            if (_priceOracle.submit(signedReport) == IEquityPriceOracle.Outcome.Held) {
                revert PerpMarketReportHeld(config.feedId, observedAt);
            }
            return verified;
        }
        if (order.kind != OrderKind.Market) {
            if (observedAt < last) revert PerpMarketReportNotLatest(observedAt, last);
            return verified; // already the feed's latest
        }
        verified = _priceOracle.verifyReport(signedReport);
        uint256 verifiedPrice =
            UsdPerToken.unwrap(UsdPerShare.wrap(verified.price).perToken(Multiplier.wrap(verified.currentMultiplier)));
        IEquityPriceOracle.ConsumerPrice memory read = _priceOracle.consumerPrice(config.feedId);
        uint256 band = _priceOracle.feedConfig(config.feedId).jumpBandBps;
        // A report the feed never accepted is used only when continuous with the accepted price and no newer
        // report is held: it must not carry a jump past the oracle's confirmation rule.
        if (observedAt > read.observedAt || !UsdPerToken.wrap(verifiedPrice).withinBand(read.pricePerToken, _bps(band)))
        {
            revert PerpMarketReportHeld(config.feedId, observedAt);
        }
    }

    /// @dev How much of `position` a liquidation closes now, as a fill's sizes: none without a price that may
    ///      liquidate; else all of it within the market's capacity left in the window (Synthetix v3), or when the
    ///      account is deeply underwater (the bypass), else what the window has left. Records what the window used.
    function _liquidationFill(
        PerpMarketStorage storage $,
        uint256 accountId,
        bytes32 marketId,
        MarketConfig memory config,
        Position memory position
    ) private returns (Fill memory fill) {
        fill.size = position.size;
        fill.newSize = position.size;
        bool usable;
        (fill.price,, usable, fill.closed) = _markPrice(config.feedId);
        if (!usable) return fill;
        (LiquidationWindow memory window, uint256 room) = _liquidationWindow(marketId, config);
        uint256 amount = _abs(position.size);
        if (amount > room && !_deeplyUnderwater(accountId)) amount = room;
        // Sizes are below 2^127 and a window's use is at most the capacity plus bypassed positions.
        window.liquidated = uint128(Math.min(uint256(window.liquidated) + amount, type(uint128).max));
        $.liquidationWindows[marketId] = window;
        fill.newSize = _reduced(position.size, amount);
    }

    /// @dev Whether the account's maintenance health factor is below DEEP_UNDERWATER_HEALTH: too far under to wind
    ///      its positions down over several windows without risking bad debt.
    function _deeplyUnderwater(uint256 accountId) private view returns (bool) {
        (, Wad health) = _vault.isLiquidatable(accountId);
        return Wad.unwrap(health) < DEEP_UNDERWATER_HEALTH;
    }

    function _checkOrder(
        Order memory order,
        MarketConfig memory config,
        bytes32 marketId,
        Fill memory fill,
        bool usable
    ) private pure {
        int256 size = fill.size;
        int256 newSize = fill.newSize;
        bool reduces = (size > 0 && newSize >= 0 && newSize < size) || (size < 0 && newSize <= 0 && newSize > size);
        if ((order.reduceOnly || config.reduceOnly) && !reduces) {
            revert PerpMarketReduceOnly(marketId, size, order.sizeDelta);
        }
        fill.addsRisk = !reduces;
        if (fill.addsRisk && !usable) revert PerpMarketPriceUnusable(config.feedId);
    }

    /// @dev The acceptable price, and a conditional order's trigger, against the oracle `price` and the fill.
    function _checkPrices(Order memory order, uint256 fillPrice, uint256 price) private pure {
        bool buy = order.sizeDelta > 0;
        if (order.kind != OrderKind.Market) {
            // Limit and take-profit: buy at or below the trigger, sell at or above; stop-loss the reverse.
            bool belowArms = (order.kind == OrderKind.StopLoss) != buy;
            if (belowArms ? price > order.triggerPrice : price < order.triggerPrice) {
                revert PerpMarketNotTriggered(price, order.triggerPrice);
            }
        }
        if (buy ? fillPrice > order.acceptablePrice : fillPrice < order.acceptablePrice) {
            revert PerpMarketPriceNotAcceptable(fillPrice, order.acceptablePrice);
        }
    }

    function _bps(uint256 band) private pure returns (Bps) {
        return Bps.wrap(band);
    }
}
