// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IFundingRateOracle} from "../interfaces/perp/IFundingRateOracle.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {Delegation} from "../libraries/Delegation.sol";
import {PerpMarketPositions} from "./PerpMarketPositions.sol";
import {PerpMarketStore} from "./PerpMarketStore.sol";

/// @title PerpMarketBase - the perp market's proxy set-up, module forwarders and views
/// @notice Initialisation behind the proxy, the forwarders of the paths PerpMarketModule runs by DELEGATECALL,
///         the views, and the liquidation window. Valuation and fills: PerpMarketPositions; storage and wiring:
///         PerpMarketStore.
/// @dev A UUPS proxy's implementation (`ProtocolProxy`; upgrades: UPGRADER), `AccessManaged` by the protocol's
///      manager. The wiring is immutable: an upgrade that rewires deploys a new implementation.
abstract contract PerpMarketBase is IPerpMarket, PerpMarketPositions, UUPSUpgradeable {
    /// @dev The module that runs the paths besides settlement (PerpMarketModule).
    address internal immutable _module;

    // ---- Construction ----

    /// @param vault_ The margin vault. @param priceOracle_ The EquityPriceOracle. @param fundingOracle_ The
    /// FundingRateOracle. @param settlementDecimals The vault's settlement asset's decimals (at most 18).
    /// @param module_ The PerpMarketModule built with the same wiring.
    constructor(
        IMarginVault vault_,
        IEquityPriceOracle priceOracle_,
        IFundingRateOracle fundingOracle_,
        uint8 settlementDecimals,
        address module_
    ) PerpMarketStore(vault_, priceOracle_, fundingOracle_, settlementDecimals) {
        if (module_.code.length == 0) revert PerpMarketZeroAddress();
        _module = module_;
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
        Delegation.delegateAndReturn(_module);
    }

    /// @inheritdoc IPerpMarket
    function configureMarket(bytes32, MarketConfig calldata) external {
        Delegation.delegateAndReturn(_module);
    }

    /// @inheritdoc IPerpMarket
    function setPool(address) external {
        Delegation.delegateAndReturn(_module);
    }

    /// @inheritdoc IPerpMarket
    function setDividendSource(bytes32, DividendSource calldata) external {
        Delegation.delegateAndReturn(_module);
    }

    /// @inheritdoc IPerpMarket
    function scheduleDividend(bytes32, uint256) external {
        Delegation.delegateAndReturn(_module);
    }

    /// @inheritdoc IPerpMarket
    function commitOrder(OrderRequest calldata) external returns (uint256) {
        Delegation.delegateAndReturn(_module);
    }

    /// @inheritdoc IPerpMarket
    function cancelOrder(uint256, bytes32, uint256) external {
        Delegation.delegateAndReturn(_module);
    }

    /// @inheritdoc IPerpMarket
    function autoDeleverage(uint256, bytes32, uint256) external {
        Delegation.delegateAndReturn(_module);
    }

    /// @inheritdoc IPerpMarket
    function delistMarket(bytes32) external {
        Delegation.delegateAndReturn(_module);
    }

    /// @inheritdoc IPerpMarket
    function settleDelisted(uint256, bytes32) external {
        Delegation.delegateAndReturn(_module);
    }

    // ---- Views ----

    /// @notice The module that runs the paths besides settlement (PerpMarketModule), built with this
    ///         implementation's wiring.
    function module() external view returns (address) {
        return _module;
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
    function delistingOf(bytes32 marketId) external view returns (Delisting memory) {
        return _getPerpMarketStorage().delistings[marketId];
    }

    /// @inheritdoc IPerpMarket
    function liquidationRoomOf(bytes32 marketId) external view returns (uint256 room, uint256 windowEndsAt) {
        LiquidationWindow memory window;
        (window, room) = _liquidationWindow(marketId, _getPerpMarketStorage().configs[marketId]);
        // A window in use has closed something (a stored one always has); a new one has not started.
        if (window.liquidated != 0) windowEndsAt = uint256(window.startedAt) + LIQUIDATION_WINDOW;
    }

    // ---- Internal ----

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
