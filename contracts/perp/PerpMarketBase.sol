// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IFundingRateOracle} from "../interfaces/perp/IFundingRateOracle.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {Delegation} from "../libraries/Delegation.sol";
import {MarketParams} from "../libraries/MarketParams.sol";
import {PerpMath} from "../libraries/PerpMath.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {UsdPerToken} from "../interfaces/types/Units.sol";
import {PerpMarketStore} from "./PerpMarketStore.sol";

/// @title PerpMarketBase - the perp market's proxy set-up, settings forwarders, views and valuation helpers
/// @notice Everything PerpMarket's trading paths share: initialisation behind the proxy, the settings (run in
///         PerpMarketAdminModule by DELEGATECALL), the views, and the valuation of a position at the oracle's
///         price and the funding index now. Storage and wiring: PerpMarketStore.
/// @dev A UUPS proxy's implementation (`ProtocolProxy`; upgrades: UPGRADER), `AccessManaged` by the protocol's
///      manager. The wiring is immutable: an upgrade that rewires deploys a new implementation.
abstract contract PerpMarketBase is IPerpMarket, PerpMarketStore, UUPSUpgradeable {
    /// @dev The module that runs the settings (PerpMarketAdminModule).
    address internal immutable _adminModule;

    // ---- Construction ----

    /// @param vault_ The margin vault. @param priceOracle_ The EquityPriceOracle. @param fundingOracle_ The
    /// FundingRateOracle. @param settlementDecimals The vault's settlement asset's decimals (at most 18).
    /// @param adminModule The PerpMarketAdminModule built with the same wiring.
    constructor(
        IMarginVault vault_,
        IEquityPriceOracle priceOracle_,
        IFundingRateOracle fundingOracle_,
        uint8 settlementDecimals,
        address adminModule
    ) PerpMarketStore(vault_, priceOracle_, fundingOracle_, settlementDecimals) {
        if (adminModule.code.length == 0) revert PerpMarketZeroAddress();
        _adminModule = adminModule;
    }

    /// @notice Set up the market behind its proxy.
    /// @param authority The protocol's AccessManager.
    function initialize(address authority) external initializer {
        if (authority.code.length == 0) revert PerpMarketZeroAddress();
        __AccessManaged_init(authority);
    }

    // ---- Settings (restricted) ----

    /// @inheritdoc IPerpMarket
    function listMarket(bytes32, MarketConfig calldata) external {
        Delegation.delegateAndReturn(_adminModule);
    }

    /// @inheritdoc IPerpMarket
    function configureMarket(bytes32, MarketConfig calldata) external {
        Delegation.delegateAndReturn(_adminModule);
    }

    /// @inheritdoc IPerpMarket
    function setPool(address) external {
        Delegation.delegateAndReturn(_adminModule);
    }

    /// @inheritdoc IPerpMarket
    function setDividendSource(bytes32, DividendSource calldata) external {
        Delegation.delegateAndReturn(_adminModule);
    }

    /// @inheritdoc IPerpMarket
    function scheduleDividend(bytes32, uint256) external {
        Delegation.delegateAndReturn(_adminModule);
    }

    /// @inheritdoc IPerpMarket
    function cancelOrder(uint256, bytes32, uint256) external {
        Delegation.delegateAndReturn(_adminModule);
    }

    // ---- Views ----

    /// @notice The module that runs the settings (PerpMarketAdminModule), built with this implementation's wiring.
    function adminModule() external view returns (address) {
        return _adminModule;
    }

    /// @inheritdoc IPerpMarket
    function wiring() external view returns (address vault, address priceOracle, address fundingOracle, address pool) {
        return (address(_vault), address(_priceOracle), address(_fundingOracle), address(_getPerpMarketStorage().pool));
    }

    /// @inheritdoc IPerpMarket
    function markets() external view returns (bytes32[] memory) {
        return _getPerpMarketStorage().marketIds;
    }

    /// @inheritdoc IPerpMarket
    function configOf(bytes32 marketId) external view returns (MarketConfig memory) {
        return _getPerpMarketStorage().configs[marketId];
    }

    /// @inheritdoc IPerpMarket
    function totalsOf(bytes32 marketId) external view returns (MarketTotals memory) {
        return _getPerpMarketStorage().totals[marketId];
    }

    /// @inheritdoc IPerpMarket
    function orderOf(uint256 accountId, bytes32 marketId, uint256 slot) external view returns (Order memory) {
        if (slot >= MAX_ORDERS) revert PerpMarketNoOrder(accountId, marketId, slot);
        return _getPerpMarketStorage().orders[accountId][marketId][slot];
    }

    /// @inheritdoc IPerpMarket
    function positionOf(uint256 accountId, bytes32 marketId) external view returns (Position memory) {
        return _getPerpMarketStorage().positions[accountId][marketId];
    }

    /// @inheritdoc IPerpMarket
    function positionMarketsOf(uint256 accountId) external view returns (bytes32[] memory) {
        return _getPerpMarketStorage().positionMarkets[accountId];
    }

    /// @inheritdoc IPerpMarket
    function dividendSourceOf(bytes32 marketId) external view returns (DividendSource memory) {
        return _getPerpMarketStorage().dividendSources[marketId];
    }

    /// @inheritdoc IPerpMarket
    function dividendsOf(bytes32 marketId) external view returns (DividendState memory state, uint256 index) {
        return (_getPerpMarketStorage().dividends[marketId], _dividendIndex(marketId));
    }

    /// @inheritdoc IPerpMarket
    function liquidationRoomOf(bytes32 marketId) external view returns (uint256 room, uint256 windowEndsAt) {
        LiquidationWindow memory window;
        (window, room) = _liquidationWindow(marketId, _getPerpMarketStorage().configs[marketId]);
        // A window in use has closed something (a stored one always has); a new one has not started.
        if (window.liquidated != 0) windowEndsAt = uint256(window.startedAt) + LIQUIDATION_WINDOW;
    }

    // ---- Internal ----

    function _listed(bytes32 marketId) internal view returns (MarketConfig storage config) {
        config = _getPerpMarketStorage().configs[marketId];
        if (config.skewScale == 0) revert PerpMarketUnknownMarket(marketId);
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

    /// @dev The carry index `marketId` would have if funding were updated now at `price`: the funding index less
    ///      the dividend index (PositionMath values a position's funding and dividends as one difference of it).
    function _indexAt(bytes32 marketId, uint256 price) internal view returns (int256) {
        int256 funding =
            price == 0 ? _fundingOracle.stateOf(marketId).index : _fundingOracle.previewState(marketId, price).index;
        return funding - int256(_dividendIndex(marketId));
    }

    /// @dev The dividends paid per token so far, the scheduled one included once its record time has come.
    function _dividendIndex(bytes32 marketId) internal view returns (uint256 index) {
        DividendState memory state = _getPerpMarketStorage().dividends[marketId];
        index = state.paidIndex;
        if (block.timestamp >= state.recordTime) index += state.pendingPerToken;
    }

    /// @dev `position`'s PnL net of its funding (USD, signed) and its initial and maintenance margins at `price`
    ///      (the closed session's when `closed`).
    function _value(Position memory position, MarketConfig memory config, uint256 price, int256 index, bool closed)
        internal
        pure
        returns (int256 net, uint256 initial, uint256 maintenance)
    {
        int256 size = position.size;
        if (size == 0) return (0, 0, 0);
        net = PositionMath.pnl(size, position.entryPrice, price)
            - PositionMath.fundingOwed(size, position.entryFundingIndex, index);
        PerpMath.Params memory params = MarketParams.params(config, closed);
        initial = PerpMath.initialMargin(size, price, params);
        maintenance = PerpMath.maintenanceMargin(size, price, params);
    }

    /// @dev `marketId`'s liquidation window now (a new one once the last has run LIQUIDATION_WINDOW) and the size
    ///      it may still close. Capacity per window (Synthetix v3): the skew scale times the maker plus taker fee (at
    ///      least MIN_LIQUIDATION_CAPACITY_BPS), the size whose impact the fees pay for, so arbitrageurs take the
    ///      other side between windows.
    function _liquidationWindow(bytes32 marketId, MarketConfig memory config)
        internal
        view
        returns (LiquidationWindow memory window, uint256 room)
    {
        window = _getPerpMarketStorage().liquidationWindows[marketId];
        if (block.timestamp >= uint256(window.startedAt) + LIQUIDATION_WINDOW) {
            window = LiquidationWindow(uint40(block.timestamp), 0);
        }
        uint256 feeBps = uint256(config.makerFeeBps) + config.takerFeeBps;
        if (feeBps < MIN_LIQUIDATION_CAPACITY_BPS) feeBps = MIN_LIQUIDATION_CAPACITY_BPS;
        uint256 capacity = uint256(config.skewScale) * feeBps / BPS;
        room = capacity > window.liquidated ? capacity - window.liquidated : 0;
    }

    function _authorizeUpgrade(address) internal override restricted {}
}
