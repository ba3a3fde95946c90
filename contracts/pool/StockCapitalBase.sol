// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IAgentRole} from "../interfaces/token/IAgentRole.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";
import {Bps, UsdPerToken, UsdValue} from "../interfaces/types/Units.sol";
import {PriceCache} from "../libraries/PriceCache.sol";
import {TrancheMath} from "../libraries/TrancheMath.sol";
import {StockCapitalDividends} from "./StockCapitalDividends.sol";

/// @title StockCapitalBase - StockCapital's storage and the rules every part of it shares
/// @notice StockCapital and its admin module (run by DELEGATECALL in StockCapital's context, as the margin
///         vault's modules) derive from this base, so they read and write one ERC-7201 namespace,
///         `StockCapitalStorage`, through the same internal functions: the permissioned-token checks, the
///         prices and the tranche values. The split keeps each deployed contract well under the 24,576-byte
///         code limit.
abstract contract StockCapitalBase is StockCapitalDividends {
    using SafeERC20 for IERC20;

    // ---- Constants ----

    /// @notice The most stocks (tranches): every valuation is O(stocks).
    uint256 public constant MAX_STOCKS = 16;
    /// @notice The longest lock of a deposit.
    uint256 public constant MAX_LOCK_PERIOD = 30 days;

    // ---- Storage ----

    /// @dev One tranche. Slots 0 and 1 are what a deposit or a withdrawal reads, slot 3 (`incomePerShare`,
    ///      with the weights and the auction start) what a change of shares reads too; the feed is read only by
    ///      valuations and auctions. `incomePerShare` is the USD income (18 decimals) booked per share, scaled
    ///      by IncomeMath.PRECISION, since the tranche was listed.
    struct Stock {
        uint128 tokens;
        uint128 totalShares;
        int128 balance;
        uint96 cap;
        uint8 decimals;
        bool listed;
        bool depositsPaused;
        bytes32 feedId;
        uint16 openWeightBps;
        uint16 closedWeightBps;
        uint40 auctionStart;
        uint184 incomePerShare;
    }

    /// @dev One LP's position in one tranche, one slot (shares below 2**112, as the checkpoints keep them).
    ///      `incomeDebt`: the USD income (18 decimals) of the tranche's index the position is not owed (its
    ///      pending income is shares x index - incomeDebt); it falls below zero when shares leave with income
    ///      still uncollected.
    struct Holding {
        uint112 shares;
        int112 incomeDebt;
        uint32 unlockAt;
    }

    /// @custom:storage-location erc7201:dualtrack.storage.StockCapital
    struct StockCapitalStorage {
        IEquityPriceOracle oracle;
        address settlement;
        uint8 settlementDecimals;
        address pool;
        AuctionConfig auction;
        uint32 lockPeriod;
        int256 totalBalance;
        address[] stockList;
        mapping(address token => Stock) stocks;
        mapping(address token => mapping(address lp => Holding)) positions;
        mapping(address token => mapping(address lp => uint256)) frozenShares; // <= the position's shares
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.StockCapital")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STOCK_CAPITAL_STORAGE = 0x44dd2292282045ea210f8dc423a2cf4f1054b7d32f38517f782f520387fbe700;

    function _getStockCapitalStorage() internal pure returns (StockCapitalStorage storage $) {
        assembly {
            $.slot := STOCK_CAPITAL_STORAGE
        }
    }

    // ---- Modifiers ----

    modifier onlyAgentOf(address token) {
        if (!_getStockCapitalStorage().stocks[token].listed) revert StockCapitalStockNotListed(token);
        if (!IAgentRole(token).isAgent(msg.sender)) revert StockCapitalNotAgent(token, msg.sender);
        _;
    }

    // ---- Internal: books ----

    function _listed(StockCapitalStorage storage $, address token) internal view returns (Stock storage stock) {
        stock = $.stocks[token];
        if (!stock.listed) revert StockCapitalStockNotListed(token);
    }

    // ---- Internal: prices and values ----

    /// @dev The tranche's fair and risk values at `price` (the token counts zero toward risk while paused or
    ///      its price is unusable; the closed weight while closed, halted or in maintenance).
    function _trancheValues(Stock storage stock, PriceCache.Price memory price)
        internal
        view
        returns (UsdValue fair, UsdValue risk)
    {
        uint256 weight;
        if (price.usableToValue && !price.tokenPaused) weight = price.closed ? stock.closedWeightBps : stock.openWeightBps;
        return TrancheMath.values(stock.tokens, stock.balance, price.pricePerToken, stock.decimals, Bps.wrap(weight));
    }

    /// @dev The stock's price usable to value collateral (the one this transaction cached, if any).
    function _usablePrice(StockCapitalStorage storage $, Stock storage stock, address token)
        internal
        view
        returns (UsdPerToken)
    {
        PriceCache.Price memory price = PriceCache.peek($.oracle, stock.feedId);
        if (!price.usableToValue || UsdPerToken.unwrap(price.pricePerToken) == 0) {
            revert StockCapitalPriceUnusable(token, stock.feedId);
        }
        return price.pricePerToken;
    }

    // ---- Internal: permissioned tokens ----

    function _requireVerified(address token, address wallet) internal view {
        if (!IERC3643(token).identityRegistry().isVerified(wallet)) revert StockCapitalNotVerified(token, wallet);
    }

    /// @dev Send `amount` of stock `token` out. The token's own transfer enforces who may receive it; only
    ///      when it refuses are its rules read again, to name the reason in a custom error.
    function _pushOut(address token, address to, uint256 amount) internal {
        if (!IERC20(token).trySafeTransfer(to, amount)) {
            _requireCanReceive(token, to, amount);
            revert StockCapitalTransferNotCompliant(token, address(this), to, amount);
        }
    }

    /// @dev Whether `to` may receive `amount` of `token` from here: the token's own rules, checked so that a
    ///      refusal is a clear error and nothing moves.
    function _requireCanReceive(address token, address to, uint256 amount) internal view {
        IERC3643 stock = IERC3643(token);
        if (stock.paused()) revert StockCapitalTokenPaused(token);
        if (stock.isFrozen(to)) revert StockCapitalWalletFrozen(token, to);
        _requireVerified(token, to);
        if (!stock.compliance().canTransfer(address(this), to, amount)) {
            revert StockCapitalTransferNotCompliant(token, address(this), to, amount);
        }
    }

    // ---- Hooks of the dividends part ----

    function _sharesOf(address token, address lp) internal view override returns (uint256) {
        return _getStockCapitalStorage().positions[token][lp].shares;
    }

    function _totalSharesOf(address token) internal view override returns (uint256) {
        return _getStockCapitalStorage().stocks[token].totalShares;
    }
}
