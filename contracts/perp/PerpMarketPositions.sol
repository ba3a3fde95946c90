// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {UsdPerToken, UsdValue} from "../interfaces/types/Units.sol";
import {MarketParams} from "../libraries/MarketParams.sol";
import {PerpMath} from "../libraries/PerpMath.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {PerpMarketStore} from "./PerpMarketStore.sol";

/// @title PerpMarketPositions - how the perp market values and fills a position
/// @notice The code PerpMarket's trading paths and its module's (ADL, delisting) share: a position valued at the
///         oracle's price and the carry index now (or at a delisted market's final ones), a fill realised and
///         restarted with the funding oracle, the aggregates, the open-interest caps and the vault's cash kept
///         in step, and a delisted position settled. Storage and wiring: PerpMarketStore.
abstract contract PerpMarketPositions is PerpMarketStore {
    /// @dev What a fill changes, carried between the steps of a settlement.
    struct Fill {
        uint256 price;
        uint256 fillPrice;
        uint256 fee;
        int256 size;
        int256 newSize;
        int256 index;
        int256 pnl;
        int256 funding;
        bool addsRisk;
        bool closed;
    }

    /// @dev `marketId`'s configuration, if it is listed and not delisted (orders fill on it).
    function _listed(bytes32 marketId) internal view returns (IPerpMarket.MarketConfig storage config) {
        config = _getPerpMarketStorage().configs[marketId];
        if (config.skewScale == 0) revert IPerpMarket.PerpMarketUnknownMarket(marketId);
        if (config.delisted) revert IPerpMarket.PerpMarketDelisted(marketId);
    }

    function _configOf(PerpMarketStorage storage $, bytes32 marketId)
        internal
        view
        returns (IPerpMarket.MarketConfig memory)
    {
        return $.configs[marketId];
    }

    function _totalsOf(PerpMarketStorage storage $, bytes32 marketId)
        internal
        view
        returns (IPerpMarket.MarketTotals memory)
    {
        return $.totals[marketId];
    }

    function _positionOf(PerpMarketStorage storage $, uint256 accountId, bytes32 marketId)
        internal
        view
        returns (IPerpMarket.Position memory)
    {
        return $.positions[accountId][marketId];
    }

    /// @dev The oracle's last accepted exchange price per token (continuous across splits; the last close while
    ///      the venue is closed), whether it may value collateral and liquidate, and whether the closed session's
    ///      margins apply (venue not open, or the token in maintenance).
    function _markPrice(bytes32 feedId)
        internal
        view
        returns (uint256 price, bool usableToValue, bool usableToLiquidate, bool closed)
    {
        IEquityPriceOracle.ConsumerPrice memory read = _priceOracle.consumerPrice(feedId);
        closed = MarketParams.closedSession(read);
        return (UsdPerToken.unwrap(read.pricePerToken), read.usableToValue, read.usableToLiquidate, closed);
    }

    /// @dev The price (per token) and carry index `marketId`'s positions are valued at now, whether the price may
    ///      value collateral, and whether the closed session's margins apply: once `delisted`, the final ones.
    function _valuation(bytes32 marketId, bytes32 feedId, bool delisted)
        internal
        view
        returns (uint256 price, int256 index, bool usableToValue, bool closed)
    {
        if (delisted) {
            IPerpMarket.Delisting memory final_ = _getPerpMarketStorage().delistings[marketId];
            return (final_.price, final_.index, true, false);
        }
        (price, usableToValue,, closed) = _markPrice(feedId);
        index = _indexAt(marketId, price);
    }

    /// @dev The carry index `marketId` would have if funding were updated now at `price`: the funding index less
    ///      the dividend index (PositionMath values a position's funding and dividends as one difference of it).
    function _indexAt(bytes32 marketId, uint256 price) internal view returns (int256) {
        int256 funding =
            price == 0 ? _fundingOracle.stateOf(marketId).index : _fundingOracle.previewState(marketId, price).index;
        return funding - int256(_dividendIndex(marketId));
    }

    /// @dev The dividends paid per token so far, the scheduled one included once its record time has come.
    function _dividendIndex(bytes32 marketId) internal view returns (uint256 index) {
        IPerpMarket.DividendState memory state = _getPerpMarketStorage().dividends[marketId];
        index = state.paidIndex;
        if (block.timestamp >= state.recordTime) index += state.pendingPerToken;
    }

    /// @dev `position`'s PnL net of its funding (USD, signed) and its initial and maintenance margins at `price`
    ///      (the closed session's when `closed`).
    function _value(
        IPerpMarket.Position memory position,
        IPerpMarket.MarketConfig memory config,
        uint256 price,
        int256 index,
        bool closed
    ) internal pure returns (int256 net, uint256 initial, uint256 maintenance) {
        int256 size = position.size;
        if (size == 0) return (0, 0, 0);
        net = PositionMath.pnl(size, position.entryPrice, price)
            - PositionMath.fundingOwed(size, position.entryFundingIndex, index);
        PerpMath.Params memory params = MarketParams.params(config, closed);
        initial = PerpMath.initialMargin(size, price, params);
        maintenance = PerpMath.maintenanceMargin(size, price, params);
    }

    /// @dev Realise the position's PnL and funding at the fill, restart it there, update the funding oracle, the
    ///      aggregates (checking the open-interest caps and the pool's) and the vault's cash.
    function _fill(
        PerpMarketStorage storage $,
        uint256 accountId,
        bytes32 marketId,
        IPerpMarket.MarketConfig memory config,
        IPerpMarket.Position memory position,
        IPerpMarket.MarketTotals memory totals,
        Fill memory fill
    ) internal {
        PositionMath.apply_(totals, position, false);
        int256 newSkew = PositionMath.skew(totals) + fill.newSize;
        fill.index = _fundingOracle.update(marketId, newSkew, fill.price) - int256(_dividendIndex(marketId));
        fill.pnl = PositionMath.pnl(fill.size, position.entryPrice, fill.fillPrice);
        fill.funding = PositionMath.fundingOwed(fill.size, position.entryFundingIndex, fill.index);
        IPerpMarket.Position memory next = IPerpMarket.Position({
            size: int128(fill.newSize), entryPrice: uint128(fill.fillPrice), entryFundingIndex: int128(fill.index)
        });
        PositionMath.apply_(totals, next, true);
        if (fill.addsRisk) _checkOpenInterest($, marketId, config, totals, fill);
        $.totals[marketId] = totals;
        _storePosition($, accountId, marketId, fill.size, next);
        _settleCash(accountId, fill.pnl - fill.funding - int256(fill.fee));
    }

    function _checkOpenInterest(
        PerpMarketStorage storage $,
        bytes32 marketId,
        IPerpMarket.MarketConfig memory config,
        IPerpMarket.MarketTotals memory totals,
        Fill memory fill
    ) internal view {
        uint256 side = fill.newSize > 0 ? totals.longSize : totals.shortSize;
        uint256 cap = fill.closed ? config.closedMaxOpenInterest : config.maxOpenInterest;
        if (side > cap) revert IPerpMarket.PerpMarketOpenInterestExceeded(marketId, side, cap);
        if (address($.pool) == address(0)) return;
        uint256 before = _abs(fill.size);
        uint256 after_ = _abs(fill.newSize);
        if (after_ > before) $.pool.requireOpenInterest(UsdValue.wrap((after_ - before) * fill.price / WAD));
    }

    /// @dev Write the position; keep the account's position list and its entry in the vault in step (the caller
    ///      leaves the vault's market when the list empties).
    function _storePosition(
        PerpMarketStorage storage $,
        uint256 accountId,
        bytes32 marketId,
        int256 previous,
        IPerpMarket.Position memory next
    ) internal {
        bytes32[] storage ids = $.positionMarkets[accountId];
        if (next.size == 0) {
            delete $.positions[accountId][marketId];
            for (uint256 i; i < ids.length; ++i) {
                if (ids[i] != marketId) continue;
                ids[i] = ids[ids.length - 1];
                ids.pop();
                break;
            }
            return;
        }
        $.positions[accountId][marketId] = next;
        if (previous != 0) return;
        if (ids.length == MAX_POSITIONS) revert IPerpMarket.PerpMarketTooManyPositions(accountId, MAX_POSITIONS);
        if (ids.length == 0) _vault.enterMarket(accountId);
        ids.push(marketId);
    }

    /// @dev Settle `net` (USD, 18 decimals; positive to the trader) in the vault: a profit rounded down, a loss up.
    function _settleCash(uint256 accountId, int256 net) internal {
        if (net > 0) _vault.creditProfit(accountId, uint256(net) / _usdPerUnit);
        else if (net < 0) _vault.chargeLoss(accountId, (uint256(-net) + _usdPerUnit - 1) / _usdPerUnit);
    }

    /// @dev Settle `position` on delisted `marketId` at its final price and carry index (no fee, no impact): take
    ///      it out of the aggregates and the account's list, and settle its PnL less its funding in the vault.
    function _settleDelisted(
        PerpMarketStorage storage $,
        uint256 accountId,
        bytes32 marketId,
        IPerpMarket.Position memory position
    ) internal {
        IPerpMarket.Delisting memory final_ = $.delistings[marketId];
        IPerpMarket.MarketTotals memory totals = $.totals[marketId];
        PositionMath.apply_(totals, position, false);
        $.totals[marketId] = totals;
        int256 size = position.size;
        int256 pnl = PositionMath.pnl(size, position.entryPrice, final_.price);
        int256 funding = PositionMath.fundingOwed(size, position.entryFundingIndex, final_.index);
        _storePosition($, accountId, marketId, size, IPerpMarket.Position(0, 0, 0));
        _settleCash(accountId, pnl - funding);
        emit IPerpMarket.DelistedPositionSettled(accountId, marketId, size, final_.price, pnl, funding);
    }

    /// @dev `size` moved `amount` (at most |size|, below 2^127) toward zero.
    function _reduced(int256 size, uint256 amount) internal pure returns (int256) {
        return size > 0 ? size - int256(amount) : size + int256(amount);
    }

    function _abs(int256 value) internal pure returns (uint256) {
        return value < 0 ? uint256(-value) : uint256(value);
    }
}
