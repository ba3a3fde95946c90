// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {StockCapitalBase} from "./StockCapitalBase.sol";

/// @title StockCapitalAdminModule - StockCapital's set-up, settings and the issuers' freeze
/// @notice Run only by DELEGATECALL from StockCapital, in its storage: the initialisation, the protocol's
///         settings (RISK_ADMIN under its delay; the deposit pause by GUARDIAN at once) and the token agents'
///         freeze of a position. Rules: IStockCapital.
contract StockCapitalAdminModule is StockCapitalBase {
    /// @notice The module was called directly instead of through StockCapital.
    error StockCapitalModuleNotDelegated();

    address private immutable _self = address(this);

    modifier onlyDelegated() {
        if (address(this) == _self) revert StockCapitalModuleNotDelegated();
        _;
    }

    constructor() {
        _disableInitializers();
    }

    // ---- Initialisation ----

    /// @notice See StockCapital.initialize.
    function initialize(
        address authority,
        IEquityPriceOracle oracle_,
        address settlement_,
        address pool_,
        AuctionConfig calldata auction_,
        uint256 lockPeriod_
    ) external onlyDelegated initializer {
        if (authority.code.length == 0 || address(oracle_) == address(0) || settlement_ == address(0)) {
            revert StockCapitalZeroAddress();
        }
        __AccessManaged_init(authority);
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        uint8 decimals = IERC20Metadata(settlement_).decimals();
        if (decimals > 18) revert StockCapitalStockConfigInvalid(settlement_);
        $.oracle = oracle_;
        $.settlement = settlement_;
        $.settlementDecimals = decimals;
        if (pool_ != address(0)) _setPool($, pool_);
        _setAuctionConfig($, auction_);
        _setLockPeriod($, lockPeriod_);
    }

    // ---- Issuer powers ----

    /// @notice See IStockCapital.setFrozen.
    function setFrozen(address token, address lp, uint256 shares) external onlyDelegated onlyAgentOf(token) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        uint256 held = $.positions[token][lp].shares;
        if (shares > held) revert StockCapitalInsufficientShares(token, lp, held, shares);
        $.frozenShares[token][lp] = shares;
        emit PositionFrozen(token, lp, msg.sender, shares);
    }

    // ---- Settings (restricted) ----

    /// @notice See IStockCapital.listStock.
    function listStock(address token, StockConfig calldata config) external onlyDelegated restricted {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        if (token == address(0)) revert StockCapitalZeroAddress();
        Stock storage stock = $.stocks[token];
        if (stock.listed) revert StockCapitalStockAlreadyListed(token);
        if ($.stockList.length == MAX_STOCKS) revert StockCapitalTooManyStocks(MAX_STOCKS);
        uint8 decimals = IERC20Metadata(token).decimals();
        if (decimals > Constants.MAX_DECIMALS) revert StockCapitalStockConfigInvalid(token);
        stock.listed = true;
        stock.decimals = decimals;
        _configure($, stock, token, config);
        $.stockList.push(token);
        emit StockListed(token, decimals, config);
    }

    /// @notice See IStockCapital.configureStock.
    function configureStock(address token, StockConfig calldata config) external onlyDelegated restricted {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        _configure($, _listed($, token), token, config);
        emit StockConfigured(token, config);
    }

    /// @notice See IStockCapital.setDepositsPaused.
    function setDepositsPaused(address token, bool paused) external onlyDelegated restricted {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        _listed($, token).depositsPaused = paused;
        emit DepositsPausedSet(token, paused);
    }

    /// @notice See IStockCapital.setAuctionConfig.
    function setAuctionConfig(AuctionConfig calldata config) external onlyDelegated restricted {
        _setAuctionConfig(_getStockCapitalStorage(), config);
    }

    /// @notice See IStockCapital.setLockPeriod.
    function setLockPeriod(uint256 lockPeriod) external onlyDelegated restricted {
        _setLockPeriod(_getStockCapitalStorage(), lockPeriod);
    }

    /// @notice See IStockCapital.setPool.
    function setPool(address pool) external onlyDelegated restricted {
        if (pool == address(0)) revert StockCapitalZeroAddress();
        _setPool(_getStockCapitalStorage(), pool);
    }

    // ---- Internal ----

    function _configure(StockCapitalStorage storage $, Stock storage stock, address token, StockConfig calldata config)
        private
    {
        if (
            config.feedId == bytes32(0) || config.closedWeightBps > config.openWeightBps
                || config.openWeightBps > Constants.BPS || config.cap == 0
                || $.oracle.feedOfToken(token) != config.feedId
        ) revert StockCapitalStockConfigInvalid(token);
        stock.feedId = config.feedId;
        stock.openWeightBps = config.openWeightBps;
        stock.closedWeightBps = config.closedWeightBps;
        stock.cap = config.cap;
    }

    function _setAuctionConfig(StockCapitalStorage storage $, AuctionConfig calldata config) private {
        if (config.maxDiscountBps >= Constants.BPS || config.premiumBps > Constants.BPS || config.duration == 0) {
            revert StockCapitalAuctionConfigInvalid();
        }
        $.auction = config;
        emit AuctionConfigSet(config);
    }

    function _setLockPeriod(StockCapitalStorage storage $, uint256 lockPeriod) private {
        if (lockPeriod > MAX_LOCK_PERIOD) revert StockCapitalLockPeriodInvalid(lockPeriod, MAX_LOCK_PERIOD);
        $.lockPeriod = uint32(lockPeriod);
        emit LockPeriodSet(lockPeriod);
    }

    function _setPool(StockCapitalStorage storage $, address pool) private {
        $.pool = pool;
        emit PoolSet(pool);
    }
}
