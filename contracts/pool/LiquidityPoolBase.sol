// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {ILiquidityPool} from "../interfaces/pool/ILiquidityPool.sol";
import {IStockCapitalHooks} from "../interfaces/pool/IStockCapital.sol";
import {IPoolMarket} from "../interfaces/pool/IPoolMarket.sol";
import {UsdValue} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {EpochMath} from "../libraries/EpochMath.sol";
import {PoolShareMath} from "../libraries/PoolShareMath.sol";

/// @title LiquidityPoolBase - the liquidity pool's storage, its valuation, its risk views and its settings
/// @notice The LiquidityPool derives from this base: one ERC-7201 namespace (`LiquidityPoolStorage`), the
///         valuation every settlement and view uses (credit + receivables at a haircut - markets' trader PnL -
///         the stock capital's balance), the utilisation and ADL views built on it, and the restricted settings
///         (RISK_ADMIN; the deposit pause: GUARDIAN). Rules: ILiquidityPool.
abstract contract LiquidityPoolBase is ILiquidityPool, AccessManagedUpgradeable {
    // ---- Constants ----

    /// @notice Markets that may be registered at once (settlement reads each one).
    uint256 public constant MAX_MARKETS = 8;
    /// @notice The shortest epoch.
    uint32 public constant MIN_EPOCH_DURATION = 60;
    /// @notice The longest epoch.
    uint32 public constant MAX_EPOCH_DURATION = 7 days;
    /// @notice The smallest virtual-share offset (decimals the shares have beyond the asset's).
    uint8 public constant MIN_DECIMALS_OFFSET = 6;

    // ---- Storage ----

    /// @dev One request of one controller: its epoch and amount (assets for a deposit, shares for a redemption).
    struct Request {
        uint64 epoch;
        uint192 amount;
    }

    /// @dev `reserved`: the stablecoin the pool holds for requesters (its whole booked balance). `lastEquity`:
    ///      credit + receivables - trader PnL right after the last settlement (the base of the next result).
    ///      `stockBalance`: the stock capital's booked balance with the pool (raw, signed). `growth*`: the day
    ///      window of the growth cap. `virtualShares` = 10^offset; `scale` = USD (18 decimals) per raw unit.
    /// @custom:storage-location erc7201:dualtrack.storage.LiquidityPool
    struct LiquidityPoolStorage {
        IMarginVault vault;
        uint8 shareDecimals;
        bool depositsPaused;
        bool adlActive;
        IERC20 asset;
        uint64 epoch;
        IStockCapitalHooks stockCapital;
        uint40 epochEndsAt;
        RiskConfig config;
        uint128 reserved;
        uint40 growthStart;
        uint128 growthBase;
        uint128 growthUsed;
        uint256 virtualShares;
        uint256 scale;
        int256 lastEquity;
        int256 stockBalance;
        address[] markets;
        mapping(uint256 epoch => EpochTotals) epochs;
        mapping(address controller => Request) deposits;
        mapping(address controller => Request) redeems;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.LiquidityPool")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LIQUIDITY_POOL_STORAGE = 0x1e555b9780f103d0bd7f311972af9a5995d6efbb93deb1280765b297e0b58300;

    function _getLiquidityPoolStorage() internal pure returns (LiquidityPoolStorage storage $) {
        assembly {
            $.slot := LIQUIDITY_POOL_STORAGE
        }
    }

    modifier onlyStockCapital() {
        if (msg.sender != address(_getLiquidityPoolStorage().stockCapital) || msg.sender == address(0)) {
            revert LiquidityPoolNotStockCapital(msg.sender);
        }
        _;
    }

    // ---- Valuation and risk views ----

    /// @inheritdoc ILiquidityPool
    function valuation() external view returns (Valuation memory) {
        return _valuation(_getLiquidityPoolStorage());
    }

    /// @inheritdoc ILiquidityPool
    function netAssetValue() external view returns (int256) {
        return _valuation(_getLiquidityPoolStorage()).nav;
    }

    /// @inheritdoc ILiquidityPool
    function utilisation()
        public
        view
        returns (UsdValue openInterest, UsdValue backing, UsdValue maxOpenInterest, uint256 utilisationBps)
    {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        Valuation memory v = _valuation($);
        openInterest = v.openInterest;
        uint256 stable = v.nav > 0 ? uint256(v.nav) * $.scale : 0;
        backing = UsdValue.wrap(stable + UsdValue.unwrap(v.stockRisk));
        maxOpenInterest = UsdValue.wrap(EpochMath.bpsOf(UsdValue.unwrap(backing), $.config.maxUtilisationBps));
        utilisationBps = EpochMath.ratioBps(UsdValue.unwrap(openInterest), UsdValue.unwrap(backing));
    }

    /// @inheritdoc ILiquidityPool
    function requireOpenInterest(UsdValue additional) external view {
        (UsdValue openInterest,, UsdValue maxOpenInterest,) = utilisation();
        UsdValue after_ = openInterest + additional;
        if (after_ > maxOpenInterest) revert LiquidityPoolUtilisationExceeded(after_, maxOpenInterest);
    }

    /// @inheritdoc ILiquidityPool
    function adlState()
        public
        view
        returns (bool triggered, UsdValue traderProfit, UsdValue poolValue, uint256 pnlToPoolBps)
    {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        Valuation memory v = _valuation($);
        int256 capital = int256(v.credit) + int256(v.receivables) - v.stockBalance; // before traders' PnL
        uint256 value = (capital > 0 ? uint256(capital) * $.scale : 0) + UsdValue.unwrap(v.stockRisk);
        traderProfit = v.traderProfit;
        poolValue = UsdValue.wrap(value);
        uint256 profit = UsdValue.unwrap(traderProfit);
        pnlToPoolBps = EpochMath.ratioBps(profit, value);
        triggered = profit != 0 && profit * Constants.BPS > value * $.config.adlPnlFactorBps;
    }

    /// @inheritdoc ILiquidityPool
    function checkAdl() external returns (bool triggered) {
        UsdValue traderProfit;
        UsdValue poolValue;
        (triggered, traderProfit, poolValue,) = adlState();
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        if (triggered != $.adlActive) {
            $.adlActive = triggered;
            emit AdlStateChanged(triggered, traderProfit, poolValue);
        }
    }

    /// @inheritdoc ILiquidityPool
    function markets() external view returns (address[] memory) {
        return _getLiquidityPoolStorage().markets;
    }

    /// @inheritdoc ILiquidityPool
    function settings()
        external
        view
        returns (RiskConfig memory config, address stockCapital, bool depositsPaused, bool adlActive)
    {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        return ($.config, address($.stockCapital), $.depositsPaused, $.adlActive);
    }

    /// @inheritdoc ILiquidityPool
    function growthWindow() external view returns (uint256 startedAt, uint256 baseNav, uint256 accepted) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        return ($.growthStart, $.growthBase, $.growthUsed);
    }

    /// @inheritdoc ILiquidityPool
    function reservedAssets() external view returns (uint256) {
        return _getLiquidityPoolStorage().reserved;
    }

    // ---- Settings (restricted) ----

    /// @inheritdoc ILiquidityPool
    function setRiskConfig(RiskConfig calldata config) external restricted {
        _setRiskConfig(_getLiquidityPoolStorage(), config);
    }

    /// @inheritdoc ILiquidityPool
    function addMarket(address market) external restricted {
        if (market.code.length == 0) revert LiquidityPoolZeroAddress();
        address[] storage list = _getLiquidityPoolStorage().markets;
        uint256 count = list.length;
        for (uint256 i; i < count; ++i) {
            if (list[i] == market) revert LiquidityPoolMarketKnown(market);
        }
        if (count == MAX_MARKETS) revert LiquidityPoolTooManyMarkets(MAX_MARKETS);
        list.push(market);
        emit MarketAdded(market);
    }

    /// @inheritdoc ILiquidityPool
    function removeMarket(address market) external restricted {
        address[] storage list = _getLiquidityPoolStorage().markets;
        uint256 count = list.length;
        for (uint256 i; i < count; ++i) {
            if (list[i] != market) continue;
            (,, UsdValue openInterest) = IPoolMarket(market).traderPnl();
            if (UsdValue.unwrap(openInterest) != 0) revert LiquidityPoolMarketOpen(market, openInterest);
            list[i] = list[count - 1];
            list.pop();
            emit MarketRemoved(market);
            return;
        }
        revert LiquidityPoolMarketUnknown(market);
    }

    /// @inheritdoc ILiquidityPool
    function setStockCapital(address stockCapital) external restricted {
        if (stockCapital != address(0) && stockCapital.code.length == 0) revert LiquidityPoolZeroAddress();
        _getLiquidityPoolStorage().stockCapital = IStockCapitalHooks(stockCapital);
        emit StockCapitalSet(stockCapital);
    }

    /// @inheritdoc ILiquidityPool
    function setDepositsPaused(bool paused) external restricted {
        _getLiquidityPoolStorage().depositsPaused = paused;
        emit DepositsPausedSet(paused);
    }

    // ---- Internal ----

    /// @dev The pool's value now (see ILiquidityPool.Valuation). O(markets) external reads.
    function _valuation(LiquidityPoolStorage storage $) internal view returns (Valuation memory v) {
        IMarginVault vault_ = $.vault;
        uint256 scale = $.scale;
        v.credit = vault_.creditOf(address(this));
        v.receivables = EpochMath.bpsOf(vault_.totalDebt(), Constants.BPS - $.config.receivablesHaircutBps);
        int256 netUsd;
        uint256 profit;
        uint256 openInterest;
        address[] storage list = $.markets;
        uint256 count = list.length;
        for (uint256 i; i < count; ++i) {
            (int256 net, UsdValue marketProfit, UsdValue marketInterest) = IPoolMarket(list[i]).traderPnl();
            netUsd += net;
            profit += UsdValue.unwrap(marketProfit);
            openInterest += UsdValue.unwrap(marketInterest);
        }
        v.traderPnl = PoolShareMath.liabilityToRaw(netUsd, scale);
        v.traderProfit = UsdValue.wrap(profit);
        v.openInterest = UsdValue.wrap(openInterest);
        int256 equity = _equity(v);
        int256 booked = $.stockBalance;
        IStockCapitalHooks stockCapital = $.stockCapital;
        if (address(stockCapital) != address(0)) {
            (, UsdValue risk) = stockCapital.capitalValue();
            v.stockRisk = risk;
            int256 stableBase = $.lastEquity - booked;
            v.stockShare = EpochMath.stockShare(
                equity - $.lastEquity,
                stableBase > 0 ? uint256(stableBase) : 0,
                PoolShareMath.usdToRaw(UsdValue.unwrap(risk), scale)
            );
        }
        v.stockBalance = booked + v.stockShare;
        v.nav = equity - v.stockBalance;
    }

    /// @dev Credit + receivables - traders' PnL (raw settlement units): everything the pool is worth.
    function _equity(Valuation memory v) internal pure returns (int256) {
        return int256(v.credit) + int256(v.receivables) - v.traderPnl;
    }

    function _setRiskConfig(LiquidityPoolStorage storage $, RiskConfig calldata config) internal {
        if (
            config.epochDuration < MIN_EPOCH_DURATION || config.epochDuration > MAX_EPOCH_DURATION
                || config.maxUtilisationBps == 0 || config.maxUtilisationBps > Constants.BPS
                || config.receivablesHaircutBps > Constants.BPS || config.adlPnlFactorBps == 0
                || config.adlPnlFactorBps > Constants.BPS || config.growthCapBps == 0
        ) revert LiquidityPoolRiskConfigInvalid(config);
        $.config = config;
        emit RiskConfigSet(config);
    }
}
