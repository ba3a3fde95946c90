// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {ILiquidityPool} from "../interfaces/pool/ILiquidityPool.sol";
import {IStockCapitalPool} from "../interfaces/pool/IStockCapital.sol";
import {UsdValue} from "../interfaces/types/Units.sol";
import {EpochMath} from "../libraries/EpochMath.sol";
import {PoolShareMath} from "../libraries/PoolShareMath.sol";
import {LiquidityPoolBase} from "./LiquidityPoolBase.sol";

/// @title LiquidityPool - the main pool: stablecoin LPs are the counterparty of every registered market
/// @notice ERC-20 shares over the pool's stablecoin capital, which lives as the pool's credit in the margin
///         vault (where the vault pays winning traders from and books losers' losses and fees into, so income
///         accrues to the share price by itself). Deposits and redemptions are requests settled per epoch at the
///         NAV of the settlement, under a utilisation cap and a daily growth cap. Rules: ILiquidityPool;
///         design: issue 14 (`issues show 14`).
/// @dev A UUPS proxy (`ProtocolProxy`; upgrades: UPGRADER, under its delay). One ERC-7201 namespace besides
///      OpenZeppelin's own (ERC20, AccessManaged), in LiquidityPoolBase with the valuation, the risk views and the
///      settings. Settlement is O(markets) (at most `MAX_MARKETS`); a claim is
///      O(1): per-epoch totals, each request's part pro rata, rounded down.
contract LiquidityPool is LiquidityPoolBase, ERC20Upgradeable, ReentrancyGuardTransient, UUPSUpgradeable {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    // ---- Construction ----

    constructor() {
        _disableInitializers();
    }

    /// @notice Set up the pool behind its proxy. The first epoch ends `config.epochDuration` from now.
    /// @param authority The protocol's AccessManager.
    /// @param vault_ The margin vault whose counterparty the pool is (its settlement asset is the pool's asset).
    /// @param config The risk settings.
    /// @param name_ The share token's name.
    /// @param symbol_ The share token's symbol.
    function initialize(
        address authority,
        IMarginVault vault_,
        RiskConfig calldata config,
        string calldata name_,
        string calldata symbol_
    ) external initializer {
        if (authority.code.length == 0 || address(vault_).code.length == 0) revert LiquidityPoolZeroAddress();
        __ERC20_init(name_, symbol_);
        __AccessManaged_init(authority);
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        (, address settlement,,,,) = vault_.wiring();
        uint8 decimals_ = IERC20Metadata(settlement).decimals(); // the vault accepts at most 18
        uint8 offset = decimals_ + MIN_DECIMALS_OFFSET >= 18 ? MIN_DECIMALS_OFFSET : 18 - decimals_;
        $.vault = vault_;
        $.asset = IERC20(settlement);
        $.shareDecimals = decimals_ + offset;
        $.virtualShares = 10 ** offset;
        $.scale = 10 ** (18 - decimals_);
        _setRiskConfig($, config);
        $.epoch = 1;
        $.epochEndsAt = uint40(block.timestamp + config.epochDuration);
        $.growthStart = uint40(block.timestamp);
        IERC20(settlement).forceApprove(address(vault_), type(uint256).max);
    }

    // ---- Requests ----

    /// @inheritdoc ILiquidityPool
    function requestDeposit(uint256 assets, address controller) external nonReentrant returns (uint256 epoch) {
        if (assets == 0) revert LiquidityPoolZeroAmount();
        if (controller == address(0)) revert LiquidityPoolZeroAddress();
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        if ($.depositsPaused) revert LiquidityPoolDepositsPaused();
        epoch = $.epoch;
        Request memory request = $.deposits[controller];
        if (request.amount != 0 && request.epoch != epoch) {
            _claimDeposit($, controller, request);
            request.amount = 0;
        }
        $.asset.safeTransferFrom(msg.sender, address(this), assets);
        $.deposits[controller] = Request(uint64(epoch), (request.amount + assets).toUint192());
        $.epochs[epoch].depositAssets += assets.toUint128();
        $.reserved += assets.toUint128();
        emit DepositRequested(controller, msg.sender, epoch, assets);
    }

    /// @inheritdoc ILiquidityPool
    function requestRedeem(uint256 shares, address controller, address owner)
        external
        nonReentrant
        returns (uint256 epoch)
    {
        if (shares == 0) revert LiquidityPoolZeroAmount();
        if (controller == address(0)) revert LiquidityPoolZeroAddress();
        if (msg.sender != owner) _spendAllowance(owner, msg.sender, shares);
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        epoch = $.epoch;
        Request memory request = $.redeems[controller];
        if (request.amount != 0 && request.epoch != epoch) {
            _claimRedeem($, controller, request);
            request.amount = 0;
        }
        _transfer(owner, address(this), shares);
        $.redeems[controller] = Request(uint64(epoch), (request.amount + shares).toUint192());
        $.epochs[epoch].redeemShares += shares.toUint128();
        emit RedeemRequested(controller, owner, epoch, shares);
    }

    // ---- Settlement ----

    /// @dev What one settlement decided, kept in memory (the stack is too small for it).
    struct Settlement {
        uint256 nav;
        uint256 supply;
        bool priced;
    }

    /// @inheritdoc ILiquidityPool
    function settleEpoch() external nonReentrant {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        uint256 epoch = $.epoch;
        if (block.timestamp < $.epochEndsAt) revert LiquidityPoolEpochNotEnded(epoch, $.epochEndsAt, block.timestamp);
        Valuation memory v = _valuation($);
        int256 equity = _equity(v);
        _bookStockResult($, epoch, v);

        EpochTotals memory totals = $.epochs[epoch];
        Settlement memory s;
        s.supply = totalSupply();
        s.nav = v.nav > 0 ? uint256(v.nav) : 0;
        // A bankrupt pool prices nothing: deposits are refunded, redemptions returned.
        s.priced = v.nav > 0 || (v.nav == 0 && s.supply == 0);
        if (s.priced) {
            _acceptDeposits($, totals, s);
            _fillRedemptions($, totals, s, v);
        }
        if (totals.filledShares != 0) _burn(address(this), totals.filledShares);
        if (totals.mintedShares != 0) _mint(address(this), totals.mintedShares);
        if (totals.acceptedAssets > totals.paidAssets) {
            $.vault.fundCredit(address(this), totals.acceptedAssets - totals.paidAssets);
        } else if (totals.paidAssets > totals.acceptedAssets) {
            $.vault.withdrawCredit(totals.paidAssets - totals.acceptedAssets, address(this));
        }
        $.reserved = $.reserved - totals.acceptedAssets + totals.paidAssets;
        $.lastEquity = equity + int256(uint256(totals.acceptedAssets)) - int256(uint256(totals.paidAssets));
        $.epochs[epoch] = totals;
        uint256 nextEndsAt = block.timestamp + $.config.epochDuration;
        $.epoch = uint64(epoch + 1);
        $.epochEndsAt = uint40(nextEndsAt);
        emit EpochSettled(epoch, v.nav, s.supply, totals, nextEndsAt);
    }

    /// @dev Book the stock capital's share of the result since the last settlement, and tell it.
    function _bookStockResult(LiquidityPoolStorage storage $, uint256 epoch, Valuation memory v) private {
        if (v.stockShare == 0) return;
        $.stockBalance = v.stockBalance;
        int256 resultUsd = v.stockShare * int256($.scale);
        $.stockCapital.bookResult(resultUsd);
        emit StockResultBooked(epoch, resultUsd, v.stockBalance);
    }

    /// @dev Accept the deposits the day's growth allowance lets through (all requests pro rata) and price them.
    function _acceptDeposits(LiquidityPoolStorage storage $, EpochTotals memory totals, Settlement memory s) private {
        if (totals.depositAssets == 0) return;
        if (block.timestamp >= uint256($.growthStart) + EpochMath.GROWTH_WINDOW) {
            $.growthStart = uint40(block.timestamp);
            $.growthBase = s.nav.toUint128();
            $.growthUsed = 0;
        }
        uint256 used = $.growthUsed;
        uint256 allowance = EpochMath.growthAllowance($.growthBase, $.config.growthCapBps, $.config.growthFloor, used);
        uint256 accepted = Math.min(totals.depositAssets, allowance);
        uint256 minted = PoolShareMath.sharesFor(accepted, s.supply, s.nav, $.virtualShares);
        if (minted == 0) return; // too small to buy one share: refunded
        totals.acceptedAssets = uint128(accepted); // <= depositAssets
        totals.mintedShares = minted.toUint128();
        $.growthUsed = uint128(used + accepted); // <= the allowance's cap, a uint128 or mulDiv of one
    }

    /// @dev Fill the redemptions the utilisation cap and the pool's liquidity let through (pro rata).
    function _fillRedemptions(
        LiquidityPoolStorage storage $,
        EpochTotals memory totals,
        Settlement memory s,
        Valuation memory v
    ) private view {
        if (totals.redeemShares == 0 || s.nav == 0) return;
        uint256 scale = $.scale;
        uint256 value = PoolShareMath.assetsFor(totals.redeemShares, s.supply, s.nav, $.virtualShares);
        uint256 backing = s.nav + totals.acceptedAssets + PoolShareMath.usdToRaw(UsdValue.unwrap(v.stockRisk), scale);
        uint256 openInterest = Math.ceilDiv(UsdValue.unwrap(v.openInterest), scale);
        uint256 limit = Math.min(
            EpochMath.releasable(backing, openInterest, $.config.maxUtilisationBps), v.credit + totals.acceptedAssets
        );
        uint256 filled = EpochMath.fillShares(totals.redeemShares, value, limit);
        totals.filledShares = uint128(filled); // <= redeemShares
        totals.paidAssets = PoolShareMath.assetsFor(filled, s.supply, s.nav, $.virtualShares).toUint128();
    }

    // ---- Claims ----

    /// @inheritdoc ILiquidityPool
    function claimDeposit(address controller) external nonReentrant returns (uint256 shares, uint256 refund) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        Request memory request = $.deposits[controller];
        if (request.amount == 0 || request.epoch >= $.epoch) revert LiquidityPoolNothingToClaim(controller);
        return _claimDeposit($, controller, request);
    }

    /// @inheritdoc ILiquidityPool
    function claimRedeem(address controller) external nonReentrant returns (uint256 assets, uint256 sharesReturned) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        Request memory request = $.redeems[controller];
        if (request.amount == 0 || request.epoch >= $.epoch) revert LiquidityPoolNothingToClaim(controller);
        return _claimRedeem($, controller, request);
    }

    function _claimDeposit(LiquidityPoolStorage storage $, address controller, Request memory request)
        private
        returns (uint256 shares, uint256 refund)
    {
        (shares, refund) = _depositClaimOf($, request);
        delete $.deposits[controller];
        if (shares != 0) _transfer(address(this), controller, shares);
        if (refund != 0) {
            $.reserved -= uint128(refund); // a part of the epoch's refused assets, still reserved
            $.asset.safeTransfer(controller, refund);
        }
        emit DepositClaimed(controller, request.epoch, shares, refund);
    }

    function _claimRedeem(LiquidityPoolStorage storage $, address controller, Request memory request)
        private
        returns (uint256 assets, uint256 sharesReturned)
    {
        (assets, sharesReturned) = _redeemClaimOf($, request);
        delete $.redeems[controller];
        if (sharesReturned != 0) _transfer(address(this), controller, sharesReturned);
        if (assets != 0) {
            $.reserved -= uint128(assets); // a part of the epoch's paid assets, still reserved
            $.asset.safeTransfer(controller, assets);
        }
        emit RedeemClaimed(controller, request.epoch, assets, sharesReturned);
    }

    /// @dev A settled deposit request's shares and refund (its pro-rata parts of its epoch's totals).
    function _depositClaimOf(LiquidityPoolStorage storage $, Request memory request)
        private
        view
        returns (uint256 shares, uint256 refund)
    {
        EpochTotals storage t = $.epochs[request.epoch];
        return PoolShareMath.claimOf(request.amount, t.depositAssets, t.acceptedAssets, t.mintedShares);
    }

    /// @dev A settled redemption request's assets and unfilled shares.
    function _redeemClaimOf(LiquidityPoolStorage storage $, Request memory request)
        private
        view
        returns (uint256 assets, uint256 sharesReturned)
    {
        EpochTotals storage t = $.epochs[request.epoch];
        return PoolShareMath.claimOf(request.amount, t.redeemShares, t.filledShares, t.paidAssets);
    }

    // ---- Stock capital ----

    /// @inheritdoc IStockCapitalPool
    function payStockCapital(address to, uint256 amount) external nonReentrant onlyStockCapital {
        if (amount == 0) revert LiquidityPoolZeroAmount();
        if (to == address(0)) revert LiquidityPoolZeroAddress();
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        int256 balance = $.stockBalance;
        if (balance < 0 || uint256(balance) < amount) revert LiquidityPoolStockBalanceExceeded(balance, amount);
        balance -= int256(amount); // amount <= balance
        $.stockBalance = balance;
        $.lastEquity -= int256(amount); // the credit falls by what the stock capital's balance falls: no result
        $.vault.withdrawCredit(amount, to);
        emit StockCapitalPaid(to, amount, balance);
    }

    /// @inheritdoc IStockCapitalPool
    function receiveStockProceeds(uint256 amount) external nonReentrant onlyStockCapital {
        if (amount == 0) revert LiquidityPoolZeroAmount();
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        $.asset.safeTransferFrom(msg.sender, address(this), amount);
        $.vault.fundCredit(address(this), amount);
        int256 balance = $.stockBalance + amount.toInt256();
        $.stockBalance = balance;
        $.lastEquity += int256(amount); // the credit rises by what the stock capital's balance rises: no result
        emit StockProceedsReceived(amount, balance);
    }

    /// @inheritdoc ILiquidityPool
    function sweepSurplus() external nonReentrant returns (uint256 amount) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        uint256 held = $.asset.balanceOf(address(this));
        uint256 reserved = $.reserved;
        if (held <= reserved) revert LiquidityPoolZeroAmount();
        amount = held - reserved;
        $.vault.fundCredit(address(this), amount);
        emit SurplusSwept(amount);
    }

    // ---- Views ----

    /// @notice The share token's decimals: the asset's plus the virtual-share offset.
    function decimals() public view override returns (uint8) {
        return _getLiquidityPoolStorage().shareDecimals;
    }

    /// @inheritdoc ILiquidityPool
    function asset() external view returns (IERC20) {
        return _getLiquidityPoolStorage().asset;
    }

    /// @inheritdoc ILiquidityPool
    function vault() external view returns (address) {
        return address(_getLiquidityPoolStorage().vault);
    }

    /// @inheritdoc ILiquidityPool
    function convertToAssets(uint256 shares) external view returns (uint256) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        int256 nav = _valuation($).nav;
        if (nav <= 0) return 0;
        return PoolShareMath.assetsFor(shares, totalSupply(), uint256(nav), $.virtualShares);
    }

    /// @inheritdoc ILiquidityPool
    function convertToShares(uint256 assets) external view returns (uint256) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        int256 nav = _valuation($).nav;
        return PoolShareMath.sharesFor(assets, totalSupply(), nav > 0 ? uint256(nav) : 0, $.virtualShares);
    }

    /// @inheritdoc ILiquidityPool
    function currentEpoch() external view returns (uint256 epoch, uint256 endsAt, EpochTotals memory totals) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        epoch = $.epoch;
        return (epoch, $.epochEndsAt, $.epochs[epoch]);
    }

    /// @inheritdoc ILiquidityPool
    function epochTotals(uint256 epoch) external view returns (EpochTotals memory) {
        return _getLiquidityPoolStorage().epochs[epoch];
    }

    /// @inheritdoc ILiquidityPool
    function depositRequest(address controller) external view returns (uint256 epoch, uint256 assets, bool claimable) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        Request memory request = $.deposits[controller];
        return (request.epoch, request.amount, request.amount != 0 && request.epoch < $.epoch);
    }

    /// @inheritdoc ILiquidityPool
    function redeemRequest(address controller) external view returns (uint256 epoch, uint256 shares, bool claimable) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        Request memory request = $.redeems[controller];
        return (request.epoch, request.amount, request.amount != 0 && request.epoch < $.epoch);
    }

    /// @inheritdoc ILiquidityPool
    function previewClaimDeposit(address controller) external view returns (uint256 shares, uint256 refund) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        Request memory request = $.deposits[controller];
        if (request.epoch < $.epoch) (shares, refund) = _depositClaimOf($, request);
    }

    /// @inheritdoc ILiquidityPool
    function previewClaimRedeem(address controller) external view returns (uint256 assets, uint256 sharesReturned) {
        LiquidityPoolStorage storage $ = _getLiquidityPoolStorage();
        Request memory request = $.redeems[controller];
        if (request.epoch < $.epoch) (assets, sharesReturned) = _redeemClaimOf($, request);
    }

    /// @inheritdoc ILiquidityPool
    function bankruptcy() external view returns (bool bankrupt, int256 nav) {
        nav = _valuation(_getLiquidityPoolStorage()).nav;
        bankrupt = nav < 0 || (nav == 0 && totalSupply() != 0);
    }

    /// @dev Upgrades are restricted to UPGRADER (wired at deployment).
    function _authorizeUpgrade(address) internal override restricted {}
}
