// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IFundingRateOracle} from "../interfaces/perp/IFundingRateOracle.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {UsdPerToken} from "../interfaces/types/Units.sol";
import {MarketParams} from "../libraries/MarketParams.sol";
import {PerpMath} from "../libraries/PerpMath.sol";
import {PositionMath} from "../libraries/PositionMath.sol";

/// @title PerpLens - what a perp position is worth now and what an order would do, with the market's own rules
/// @notice A periphery view for wallets, keepers and the CLI: a position valued at the oracle's exchange price and
///         the carry index now (PnL, accrued funding net of dividends, both margins of the session), and an order's
///         preview (fill price with the skew impact, fee with its maker part, the PnL and funding it would
///         realise, the margins after it), read with PerpMath, PositionMath and MarketParams as the market settles.
///         It holds nothing and changes nothing.
contract PerpLens {
    /// @notice A position valued now (USD, 18 decimals; funding positive when owed, dividends included).
    struct PositionView {
        int256 size;
        uint256 entryPrice;
        uint256 price;
        int256 pnl;
        int256 accruedFunding;
        uint256 initialMargin;
        uint256 maintenanceMargin;
    }

    /// @notice An order's preview at `price`: fill price and fee (USD), `makerPart` (base units paying the maker
    ///         fee), the PnL and funding the fill realises on the current position, the new size and its margins.
    struct FillPreview {
        uint256 fillPrice;
        uint256 fee;
        uint256 makerPart;
        int256 realisedPnl;
        int256 realisedFunding;
        int256 newSize;
        uint256 initialMarginAfter;
        uint256 maintenanceMarginAfter;
    }

    /// @notice `accountId`'s position on `marketId` of `market`, valued at the oracle price and funding index now (a
    ///         delisted market's: at its final price and carry index, with no margin).
    function positionView(IPerpMarket market, uint256 accountId, bytes32 marketId)
        external
        view
        returns (PositionView memory view_)
    {
        IPerpMarket.MarketConfig memory config = market.configOf(marketId);
        IPerpMarket.Position memory position = market.positionOf(accountId, marketId);
        (uint256 price, bool closed) = _price(market, config.feedId);
        IPerpMarket.Delisting memory final_ = market.delistingOf(marketId);
        if (config.delisted) price = final_.price;
        view_.size = position.size;
        view_.entryPrice = position.entryPrice;
        view_.price = price;
        if (position.size == 0) return view_;
        view_.pnl = PositionMath.pnl(position.size, position.entryPrice, price);
        int256 index = config.delisted ? int256(final_.index) : _index(market, marketId, price);
        view_.accruedFunding = PositionMath.fundingOwed(position.size, position.entryFundingIndex, index);
        // A delisted position's value no longer moves: it needs no margin.
        if (config.delisted) return view_;
        PerpMath.Params memory params = MarketParams.params(config, closed);
        view_.initialMargin = PerpMath.initialMargin(position.size, price, params);
        view_.maintenanceMargin = PerpMath.maintenanceMargin(position.size, price, params);
    }

    /// @notice What an order of `sizeDelta` by `accountId` on `marketId` would do if it filled at oracle `price`.
    function previewOrder(IPerpMarket market, uint256 accountId, bytes32 marketId, int256 sizeDelta, uint256 price)
        external
        view
        returns (FillPreview memory preview)
    {
        IPerpMarket.MarketConfig memory config = market.configOf(marketId);
        IPerpMarket.Position memory position = market.positionOf(accountId, marketId);
        int256 skew = PositionMath.skew(market.totalsOf(marketId));
        preview.fillPrice = PerpMath.fillPrice(price, skew, sizeDelta, config.skewScale, config.positiveImpactBps);
        preview.fee = PerpMath.orderFee(skew, sizeDelta, preview.fillPrice, config.makerFeeBps, config.takerFeeBps);
        if ((skew > 0 && sizeDelta < 0) || (skew < 0 && sizeDelta > 0)) {
            preview.makerPart = _min(_abs(sizeDelta), _abs(skew));
        }
        preview.realisedPnl = PositionMath.pnl(position.size, position.entryPrice, preview.fillPrice);
        preview.realisedFunding =
            PositionMath.fundingOwed(position.size, position.entryFundingIndex, _index(market, marketId, price));
        preview.newSize = position.size + sizeDelta;
        if (preview.newSize != 0) {
            (, bool closed) = _price(market, config.feedId);
            PerpMath.Params memory params = MarketParams.params(config, closed);
            preview.initialMarginAfter = PerpMath.initialMargin(preview.newSize, price, params);
            preview.maintenanceMarginAfter = PerpMath.maintenanceMargin(preview.newSize, price, params);
        }
    }

    /// @dev The exchange price positions are valued at, and whether the closed session's margins apply.
    function _price(IPerpMarket market, bytes32 feedId) private view returns (uint256 price, bool closed) {
        (, address priceOracle,,) = market.wiring();
        IEquityPriceOracle.ConsumerPrice memory read = IEquityPriceOracle(priceOracle).consumerPrice(feedId);
        return (UsdPerToken.unwrap(read.pricePerToken), MarketParams.closedSession(read));
    }

    /// @dev The market's carry index now: funding (previewed at `price`) less dividends.
    function _index(IPerpMarket market, bytes32 marketId, uint256 price) private view returns (int256) {
        (,, address fundingOracle,) = market.wiring();
        (, uint256 dividends) = market.dividendsOf(marketId);
        int256 funding = price == 0
            ? IFundingRateOracle(fundingOracle).stateOf(marketId).index
            : IFundingRateOracle(fundingOracle).previewState(marketId, price).index;
        return funding - int256(dividends);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    function _abs(int256 value) private pure returns (uint256) {
        return value < 0 ? uint256(-value) : uint256(value);
    }
}
