// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IStockCapital, IStockCapitalHooks, IStockCapitalPool} from "../interfaces/pool/IStockCapital.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";
import {Bps, UsdPerToken, UsdValue} from "../interfaces/types/Units.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {Delegation} from "../libraries/Delegation.sol";
import {IncomeMath} from "../libraries/IncomeMath.sol";
import {PriceCache} from "../libraries/PriceCache.sol";
import {TrancheMath} from "../libraries/TrancheMath.sol";
import {StockCapitalBase} from "./StockCapitalBase.sol";

/// @title StockCapital - stock-token seller capital of the main pool, one tranche per stock
/// @notice Holds the EquityTokens that verified holders supply as seller capital, one tranche per stock, for
///         non-transferable shares priced at fair value; books the tranches' share of the pool's trading
///         result as a signed USD balance; sells tranche tokens to verified bidders in a Dutch auction to
///         settle a deficit; passes the stock's dividends to each LP at its own withholding rate; keeps the
///         issuers' powers (freeze, seize) real on the positions. Rules: IStockCapital.
/// @dev A UUPS proxy (upgrades: UPGRADER, under its delay) behind `ProtocolProxy`. The set-up, the settings
///      and the freeze run by DELEGATECALL in `StockCapitalAdminModule` (immutable per implementation), on one
///      storage (`StockCapitalBase`). StockCapital is a custodian and a verified holder of every listed token
///      (registered by each issuer, as the margin vault is).
contract StockCapital is IStockCapital, StockCapitalBase, UUPSUpgradeable {
    using SafeERC20 for IERC20;

    /// @notice The module that runs the set-up, the settings and the freeze.
    address public immutable ADMIN_MODULE;

    // ---- Construction ----

    /// @param adminModule_ The code of the set-up, the settings and the freeze.
    constructor(address adminModule_) {
        if (adminModule_.code.length == 0) revert StockCapitalZeroAddress();
        ADMIN_MODULE = adminModule_;
        _disableInitializers();
    }

    /// @notice Set up StockCapital behind its proxy (run by StockCapitalAdminModule).
    /// @param authority The protocol's AccessManager.
    /// @param oracle_ The EquityPriceOracle.
    /// @param settlement_ The settlement stablecoin (at most 18 decimals), valued at par.
    /// @param pool_ The liquidity pool (zero: set later with `setPool`).
    /// @param auction_ The Dutch auction's settings.
    /// @param lockPeriod_ How long a deposit locks its position (seconds).
    function initialize(
        address authority,
        IEquityPriceOracle oracle_,
        address settlement_,
        address pool_,
        AuctionConfig calldata auction_,
        uint256 lockPeriod_
    ) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    // ---- LPs ----

    /// @inheritdoc IStockCapital
    function deposit(address token, uint256 amount) external nonReentrant returns (uint256 shares) {
        if (amount == 0) revert StockCapitalZeroAmount();
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Stock storage stock = $.stocks[token];
        if (!stock.listed) revert StockCapitalStockNotListed(token);
        if (stock.depositsPaused) revert StockCapitalDepositsPaused(token);
        _requireVerified(token, msg.sender);

        uint256 booked = stock.tokens;
        uint256 total = stock.totalShares;
        // An EquityToken moves exactly `amount` or reverts (no fee): only its refusal needs its rules read, to
        // name the reason. The books check after it catches an agent's burn or forced transfer of our tokens;
        // a donation is never credited (the credit is `amount`, not the balance).
        if (!IERC20(token).trySafeTransferFrom(msg.sender, address(this), amount)) _refuseDeposit(token, amount);
        uint256 held = IERC20(token).balanceOf(address(this));
        if (held < booked + amount) revert StockCapitalBooksExceedHoldings(token, booked + amount, held);
        if (booked + amount > stock.cap) revert StockCapitalCapExceeded(token, booked + amount, stock.cap);

        int256 balance = stock.balance;
        // Gains are income of the shares that held them (the index), so the balance is only a deficit or a gain
        // booked while the tranche had no shares: without one, shares are priced in tokens alone, no oracle read.
        UsdPerToken price = balance == 0 ? UsdPerToken.wrap(0) : _usablePrice($, stock, token);
        shares = TrancheMath.sharesForDeposit(amount, booked, total, balance, price, stock.decimals);
        if (shares == 0) {
            if (balance < 0) revert StockCapitalTrancheInsolvent(token, balance);
            revert StockCapitalZeroAmount(); // too little to buy one share
        }

        Holding memory holding = $.positions[token][msg.sender];
        uint256 before = holding.shares;
        $.positions[token][msg.sender] = Holding(
            SafeCast.toUint112(before + shares),
            IncomeMath.debtAfterDeposit(holding.incomeDebt, shares, stock.incomePerShare),
            SafeCast.toUint32(block.timestamp + $.lockPeriod)
        );
        stock.tokens = uint128(booked + amount); // <= cap < 2^96
        stock.totalShares = SafeCast.toUint112(total + shares); // the checkpoints keep 112 bits
        // After the transfer: the token is warm and has synced its snapshots; the values are from before.
        _afterSharesChange(token, msg.sender, before, total);
        emit Deposited(token, msg.sender, amount, shares);
    }

    /// @dev Revert with the reason the token refused `amount` from the caller: paused, frozen wallet, or the
    ///      token's own error (insufficient balance or allowance, frozen tokens), raised by trying again.
    function _refuseDeposit(address token, uint256 amount) private {
        IERC3643 stock = IERC3643(token);
        if (stock.paused()) revert StockCapitalTokenPaused(token);
        if (stock.isFrozen(msg.sender)) revert StockCapitalWalletFrozen(token, msg.sender);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        revert StockCapitalTransferNotCompliant(token, msg.sender, address(this), amount);
    }

    /// @inheritdoc IStockCapital
    function withdraw(address token, uint256 shares)
        external
        nonReentrant
        returns (uint256 tokensOut, uint256 stablePaid)
    {
        uint256 unlockAt = _getStockCapitalStorage().positions[token][msg.sender].unlockAt;
        if (block.timestamp < unlockAt) revert StockCapitalLocked(token, msg.sender, unlockAt);
        (tokensOut, stablePaid) = _redeem(token, msg.sender, shares, msg.sender, true);
    }

    /// @inheritdoc IStockCapital
    function collect(address token) external nonReentrant returns (uint256 paid) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Stock storage stock = _listed($, token);
        Holding memory holding = $.positions[token][msg.sender];
        uint256 owed = IncomeMath.pending(holding.shares, stock.incomePerShare, holding.incomeDebt);
        uint8 settlementDecimals = $.settlementDecimals;
        paid = CollateralMath.toRawDown(UsdValue.wrap(owed), settlementDecimals);
        if (paid == 0) revert StockCapitalNothingToCollect(token, msg.sender);
        int256 usd = SafeCast.toInt256(UsdValue.unwrap(CollateralMath.atPar(paid, settlementDecimals)));
        // What is left below one stablecoin unit stays owed (usd <= owed).
        $.positions[token][msg.sender].incomeDebt = SafeCast.toInt112(holding.incomeDebt + usd);
        $.totalBalance -= usd;
        IStockCapitalPool($.pool).payStockCapital(msg.sender, paid);
        emit IncomeCollected(token, msg.sender, paid);
    }

    // ---- The pool ----

    /// @inheritdoc IStockCapitalHooks
    function bookResult(int256 resultUsd) external nonReentrant {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        if (msg.sender != $.pool) revert StockCapitalNotPool(msg.sender);
        if (resultUsd == 0) return;
        uint256 count = $.stockList.length;
        UsdValue[] memory risks = new UsdValue[](count);
        UsdValue totalRisk;
        for (uint256 i; i < count; ++i) {
            address token = $.stockList[i];
            Stock storage stock = $.stocks[token];
            (, risks[i]) = _trancheValues(stock, PriceCache.read($.oracle, stock.feedId));
            totalRisk = totalRisk + risks[i];
        }
        if (UsdValue.unwrap(totalRisk) == 0) revert StockCapitalNoRiskCapital(resultUsd);
        int256 booked;
        for (uint256 i; i < count; ++i) {
            if (UsdValue.unwrap(risks[i]) == 0) continue;
            address token = $.stockList[i];
            int256 part = TrancheMath.spread(resultUsd, risks[i], totalRisk);
            (int256 balance, uint256 index) = _book($.stocks[token], part);
            booked += part;
            emit TrancheResultBooked(token, part, balance, index);
        }
        $.totalBalance += booked;
        emit ResultBooked(resultUsd, totalRisk);
    }

    /// @dev Book `part` to a tranche: a loss to its balance (a deficit, which the shares bear in kind); a gain
    ///      first to a deficit (ending its auction when settled), then to the income index of the shares that hold it (to the balance when there
    ///      are none, or when the index would overflow).
    function _book(Stock storage stock, int256 part) private returns (int256 balance, uint256 index) {
        balance = stock.balance;
        index = stock.incomePerShare;
        int256 rest = part;
        if (part > 0 && balance < 0) {
            int256 cover = part < -balance ? part : -balance;
            balance += cover;
            rest -= cover;
            // The deficit is settled: a later one starts its own auction, at the start price.
            if (balance == 0) stock.auctionStart = 0;
        }
        if (part > 0 && rest > 0) {
            uint256 total = stock.totalShares;
            uint256 next = total == 0 ? type(uint256).max : index + IncomeMath.perShare(uint256(rest), total);
            if (next <= type(uint184).max) {
                index = next;
                stock.incomePerShare = uint184(next);
                rest = 0;
            }
        }
        balance += rest;
        stock.balance = SafeCast.toInt128(balance);
    }

    /// @inheritdoc IStockCapitalHooks
    function capitalValue() external view returns (UsdValue fair, UsdValue risk) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        uint256 count = $.stockList.length;
        for (uint256 i; i < count; ++i) {
            Stock storage stock = $.stocks[$.stockList[i]];
            (UsdValue f, UsdValue r) = _trancheValues(stock, PriceCache.peek($.oracle, stock.feedId));
            fair = fair + f;
            risk = risk + r;
        }
    }

    /// @inheritdoc IStockCapital
    function usdBalance() external view returns (int256) {
        return _getStockCapitalStorage().totalBalance;
    }

    // ---- Dutch auction ----

    /// @inheritdoc IStockCapital
    function startAuction(address token) external {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Stock storage stock = _listed($, token);
        int256 balance = stock.balance;
        if (balance >= 0) revert StockCapitalNoDeficit(token, balance);
        uint256 start = stock.auctionStart;
        uint256 duration = $.auction.duration;
        if (start != 0 && block.timestamp <= start + duration) revert StockCapitalAuctionActive(token, start + duration);
        stock.auctionStart = uint40(block.timestamp);
        emit AuctionStarted(token, balance, block.timestamp + duration);
    }

    /// @inheritdoc IStockCapital
    function bid(address token, uint256 amount, uint256 maxCost) external nonReentrant returns (uint256 bought, uint256 cost) {
        if (amount == 0) revert StockCapitalZeroAmount();
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Stock storage stock = _listed($, token);
        int256 balance = stock.balance;
        UsdPerToken price = _runningAuctionPrice($, stock, token, balance);
        uint8 decimals = stock.decimals;
        uint256 tokens = stock.tokens;
        uint256 covering = TrancheMath.tokensForDeficit(UsdValue.wrap(uint256(-balance)), price, decimals);
        bought = amount < covering ? amount : covering;
        if (bought > tokens) bought = tokens;
        if (bought == 0) revert StockCapitalZeroAmount();
        uint8 settlementDecimals = $.settlementDecimals;
        cost = CollateralMath.toRawUp(price.valueOfUp(bought, decimals), settlementDecimals);
        if (cost > maxCost) revert StockCapitalCostAboveLimit(cost, maxCost);
        // The bidder must be able to hold what it buys: refused with the reason before anything moves.
        _requireCanReceive(token, msg.sender, bought);

        int256 paid = SafeCast.toInt256(UsdValue.unwrap(CollateralMath.atPar(cost, settlementDecimals)));
        int256 after_ = balance + paid;
        stock.balance = SafeCast.toInt128(after_);
        stock.tokens = uint128(tokens - bought);
        if (after_ >= 0) stock.auctionStart = 0; // the deficit is settled
        $.totalBalance += paid;
        _payProceeds($, cost);
        _pushOut(token, msg.sender, bought);
        emit AuctionBid(token, msg.sender, bought, price, cost, after_);
    }

    /// @dev An auction's proceeds go from the bidder to the pool through its books (they settle the tranche's
    ///      deficit with the pool, whose own record of the stock balance rises by the same amount).
    function _payProceeds(StockCapitalStorage storage $, uint256 cost) private {
        IERC20 settlement = IERC20($.settlement);
        address pool = $.pool;
        settlement.safeTransferFrom(msg.sender, address(this), cost);
        settlement.forceApprove(pool, cost);
        IStockCapitalPool(pool).receiveStockProceeds(cost);
    }

    /// @inheritdoc IStockCapital
    function auctionPrice(address token) external view returns (UsdPerToken price, uint256 forSale) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Stock storage stock = $.stocks[token];
        int256 balance = stock.balance;
        uint256 start = stock.auctionStart;
        if (balance >= 0 || start == 0 || block.timestamp > start + $.auction.duration) return (price, 0);
        price = _runningAuctionPrice($, stock, token, balance);
        forSale = TrancheMath.tokensForDeficit(UsdValue.wrap(uint256(-balance)), price, stock.decimals);
        if (forSale > stock.tokens) forSale = stock.tokens;
    }

    // ---- Issuer powers ----

    /// @inheritdoc IStockCapital
    function setFrozen(address, address, uint256) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IStockCapital
    function seize(address token, address lp, uint256 shares, address to) external nonReentrant onlyAgentOf(token) {
        if (to == address(0)) revert StockCapitalZeroAddress();
        _redeem(token, lp, shares, to, false);
        emit PositionSeized(token, lp, msg.sender, to, shares);
    }

    // ---- Settings (StockCapitalAdminModule, restricted) ----

    /// @inheritdoc IStockCapital
    function listStock(address, StockConfig calldata) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IStockCapital
    function configureStock(address, StockConfig calldata) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IStockCapital
    function setDepositsPaused(address, bool) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IStockCapital
    function setAuctionConfig(AuctionConfig calldata) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IStockCapital
    function setLockPeriod(uint256) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IStockCapital
    function setPool(address) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    // ---- Views ----

    /// @inheritdoc IStockCapital
    function stocks() external view returns (address[] memory) {
        return _getStockCapitalStorage().stockList;
    }

    /// @inheritdoc IStockCapital
    function tranche(address token) external view returns (TrancheView memory) {
        Stock storage s = _getStockCapitalStorage().stocks[token];
        StockConfig memory config = StockConfig(s.feedId, s.openWeightBps, s.closedWeightBps, s.cap);
        return TrancheView(
            token, s.decimals, s.depositsPaused, config, s.tokens, s.totalShares, s.balance, s.auctionStart, s.incomePerShare
        );
    }

    /// @inheritdoc IStockCapital
    function positionOf(address token, address lp) external view returns (Position memory) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Holding memory h = $.positions[token][lp];
        uint256 income = IncomeMath.pending(h.shares, $.stocks[token].incomePerShare, h.incomeDebt);
        return Position(h.shares, $.frozenShares[token][lp], h.unlockAt, income);
    }

    /// @inheritdoc IStockCapital
    function pendingIncome(address token, address lp) external view returns (UsdValue) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Holding memory h = $.positions[token][lp];
        return UsdValue.wrap(IncomeMath.pending(h.shares, $.stocks[token].incomePerShare, h.incomeDebt));
    }

    /// @inheritdoc IStockCapital
    function previewRedeem(address token, uint256 shares)
        external
        view
        returns (uint256 tokensOut, uint256 stablePaid, uint256 tokensKept)
    {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Stock storage stock = $.stocks[token];
        (uint256 tokenShare, int256 balanceShare) =
            TrancheMath.redeem(shares, stock.tokens, stock.totalShares, stock.balance);
        (tokensOut, stablePaid, tokensKept) = _split($, stock, token, tokenShare, balanceShare);
    }

    /// @inheritdoc IStockCapital
    function previewDeposit(address token, uint256 amount) external view returns (uint256) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Stock storage stock = $.stocks[token];
        int256 balance = stock.balance;
        UsdPerToken price = balance == 0 ? UsdPerToken.wrap(0) : _usablePrice($, stock, token);
        return TrancheMath.sharesForDeposit(amount, stock.tokens, stock.totalShares, balance, price, stock.decimals);
    }

    /// @inheritdoc IStockCapital
    function positionValue(address token, address lp) external view returns (UsdValue) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Stock storage stock = $.stocks[token];
        Holding memory h = $.positions[token][lp];
        (uint256 tokenShare, int256 balanceShare) =
            TrancheMath.redeem(h.shares, stock.tokens, stock.totalShares, stock.balance);
        UsdPerToken price = PriceCache.peek($.oracle, stock.feedId).pricePerToken;
        (UsdValue fair,) = TrancheMath.values(tokenShare, balanceShare, price, stock.decimals, Bps.wrap(0));
        return fair + UsdValue.wrap(IncomeMath.pending(h.shares, stock.incomePerShare, h.incomeDebt));
    }

    /// @inheritdoc IStockCapital
    function trancheValue(address token) external view returns (UsdValue fair, UsdValue risk) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        Stock storage stock = $.stocks[token];
        return _trancheValues(stock, PriceCache.peek($.oracle, stock.feedId));
    }

    /// @inheritdoc IStockCapital
    function wiring() external view returns (address oracle, address settlement, address pool) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        return (address($.oracle), $.settlement, $.pool);
    }

    /// @inheritdoc IStockCapital
    function settings() external view returns (AuctionConfig memory auction, uint256 lockPeriod) {
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        return ($.auction, $.lockPeriod);
    }

    // ---- Internal: redemption ----

    /// @dev Redeem `shares` of `lp`'s position to `to`: from its unfrozen part (`respectFrozen`, the LP) or
    ///      its frozen part first (an agent's seizure).
    function _redeem(address token, address lp, uint256 shares, address to, bool respectFrozen)
        internal
        returns (uint256 tokensOut, uint256 stablePaid)
    {
        if (shares == 0) revert StockCapitalZeroAmount();
        StockCapitalStorage storage $ = _getStockCapitalStorage();
        uint256 sharesBefore = _debit($, token, lp, shares, respectFrozen);
        uint256 total;
        uint256 tokensKept;
        (tokensOut, stablePaid, tokensKept, total) = _takeOut($, token, shares);
        if (tokensOut != 0) _pushOut(token, to, tokensOut);
        if (stablePaid != 0) IStockCapitalPool($.pool).payStockCapital(to, stablePaid);
        _afterSharesChange(token, lp, sharesBefore, total);
        emit Withdrawn(token, lp, to, shares, tokensOut, stablePaid, tokensKept);
    }

    /// @dev Take `shares` from `lp`'s position (their income stays owed to it); returns its shares before.
    function _debit(StockCapitalStorage storage $, address token, address lp, uint256 shares, bool respectFrozen)
        private
        returns (uint256)
    {
        Holding memory holding = $.positions[token][lp];
        uint256 frozen = $.frozenShares[token][lp];
        uint256 available = respectFrozen ? holding.shares - frozen : holding.shares;
        if (available < shares) revert StockCapitalInsufficientShares(token, lp, available, shares);
        if (!respectFrozen && frozen != 0) $.frozenShares[token][lp] = frozen > shares ? frozen - shares : 0;
        $.positions[token][lp] = Holding(
            uint112(holding.shares - shares),
            IncomeMath.debtAfterWithdrawal(holding.incomeDebt, shares, $.stocks[token].incomePerShare),
            holding.unlockAt
        );
        return holding.shares;
    }

    /// @dev Take `shares` out of the tranche's books: their tokens less those kept against their part of a
    ///      deficit, and their part of a gain (paid by the pool; a deficit's part stays in the balance, with
    ///      the tokens kept against it). Returns the tranche's shares before, too.
    function _takeOut(StockCapitalStorage storage $, address token, uint256 shares)
        private
        returns (uint256 tokensOut, uint256 stablePaid, uint256 tokensKept, uint256 total)
    {
        Stock storage stock = _listed($, token);
        uint256 tokens = stock.tokens;
        total = stock.totalShares;
        (uint256 tokenShare, int256 balanceShare) = TrancheMath.redeem(shares, tokens, total, stock.balance);
        (tokensOut, stablePaid, tokensKept) = _split($, stock, token, tokenShare, balanceShare);
        if (stablePaid != 0) {
            int256 paid = SafeCast.toInt256(UsdValue.unwrap(CollateralMath.atPar(stablePaid, $.settlementDecimals)));
            stock.balance -= SafeCast.toInt128(paid);
            $.totalBalance -= paid;
        }
        stock.totalShares = uint128(total - shares); // shares <= the position <= total
        stock.tokens = uint128(tokens - tokensOut); // tokensOut <= tokenShare <= tokens
    }

    /// @dev A redemption's tokens out, stablecoin paid by the pool and tokens kept against a deficit.
    function _split(
        StockCapitalStorage storage $,
        Stock storage stock,
        address token,
        uint256 tokenShare,
        int256 balanceShare
    ) private view returns (uint256 tokensOut, uint256 stablePaid, uint256 tokensKept) {
        if (balanceShare > 0) {
            stablePaid = CollateralMath.toRawDown(UsdValue.wrap(uint256(balanceShare)), $.settlementDecimals);
        } else if (balanceShare < 0) {
            UsdPerToken price = _usablePrice($, stock, token);
            tokensKept = TrancheMath.tokensForDeficit(UsdValue.wrap(uint256(-balanceShare)), price, stock.decimals);
            if (tokensKept > tokenShare) tokensKept = tokenShare;
        }
        tokensOut = tokenShare - tokensKept;
    }

    // ---- Internal: auction ----

    /// @dev The running auction's price now; reverts when none runs.
    function _runningAuctionPrice(
        StockCapitalStorage storage $,
        Stock storage stock,
        address token,
        int256 balance
    ) private view returns (UsdPerToken) {
        uint256 start = stock.auctionStart;
        AuctionConfig memory auction = $.auction;
        if (balance >= 0 || start == 0 || block.timestamp > start + auction.duration) {
            revert StockCapitalAuctionNotActive(token);
        }
        UsdPerToken oracle = _usablePrice($, stock, token);
        return TrancheMath.auctionPrice(
            oracle, Bps.wrap(auction.premiumBps), Bps.wrap(auction.maxDiscountBps), block.timestamp - start, auction.duration
        );
    }

    /// @dev Upgrades are restricted to UPGRADER (wired at deployment).
    function _authorizeUpgrade(address) internal override restricted {}
}
