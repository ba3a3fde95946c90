// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IMarket} from "../interfaces/margin/IMarket.sol";
import {ILossAbsorber} from "../interfaces/margin/ILossAbsorber.sol";
import {Bps, UsdPerToken, UsdValue, Wad} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {DebtMath} from "../libraries/DebtMath.sol";
import {LiquidationMath} from "../libraries/LiquidationMath.sol";
import {PriceCache} from "../libraries/PriceCache.sol";
import {MarginVaultModule} from "./MarginVaultModule.sol";

/// @title MarginLiquidationModule - liquidation and bad-debt write-off of the margin vault
/// @notice Run only by DELEGATECALL from the MarginVault (its `liquidate` and `writeOffBadDebt`), in the
///         vault's storage and balance. Rules: IMarginVault; fee model: LiquidationMath.
contract MarginLiquidationModule is MarginVaultModule {
    using SafeERC20 for IERC20;

    /// @notice See IMarginVault.liquidate.
    function liquidate(uint256 accountId, address asset, uint256 repayAmount, uint256 minSeized)
        external
        onlyDelegated
        returns (uint256 repaid, uint256 seized)
    {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        if ($.accounts[accountId].owner == address(0)) revert MarginVaultUnknownAccount(accountId);
        _accrue($);
        Wad healthFactor = _requireLiquidatable($, accountId);
        if ($.accountMarkets[accountId].length != 0) {
            _closePositions($, accountId);
            // Same cached prices: the account is re-valued only for what the markets settled.
            Health memory after_ = _valuation($, accountId, true, false);
            healthFactor = after_.healthFactor;
            // Healthy again, or no debt to repay yet: a market closed what it could now (a chunk of a large
            // position per window, or nothing at a price it may not liquidate at), the rest in a later call.
            if (Wad.unwrap(healthFactor) >= Constants.WAD || _debtOf(accountId) == 0) {
                emit Liquidated(accountId, msg.sender, asset, 0, 0, 0, healthFactor);
                return (0, 0);
            }
        }
        (repaid, seized) = _sellCollateral($, accountId, asset, repayAmount, healthFactor);
        if (seized < minSeized) revert MarginVaultSlippage(seized, minSeized);
    }

    /// @notice See IMarginVault.writeOffBadDebt.
    function writeOffBadDebt(uint256 accountId) external onlyDelegated returns (uint256 amount) {
        address absorber;
        (amount, absorber) = _writeOff(accountId);
        bool absorbed;
        if (absorber != address(0)) {
            // After the lock is released (the books are final): the absorber may call back, e.g. the insurance
            // pool funding the counterparty's credit at once. A low-level call with its own gas: an absorber
            // that reverts, runs out of gas or answers anything but its selector (even nothing at all) is
            // recorded as not having absorbed; it never blocks the write-off.
            bytes memory data =
                abi.encodeCall(ILossAbsorber.onBadDebt, (accountId, _getMarginVaultStorage().settlement, amount));
            (bool ok, bytes memory answer) = absorber.call{gas: ABSORBER_GAS}(data);
            absorbed = ok && answer.length >= 32 && bytes4(answer) == ILossAbsorber.onBadDebt.selector;
        }
        emit BadDebtWrittenOff(accountId, amount, absorber, absorbed);
    }

    /// @dev The write-off itself, under the vault's lock: the debt leaves the books.
    function _writeOff(uint256 accountId) private nonReentrant returns (uint256 amount, address absorber) {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        if ($.accountAssets[accountId].length != 0 || $.accountMarkets[accountId].length != 0) {
            revert MarginVaultNotBadDebt(accountId);
        }
        _accrue($);
        uint256 shares = $.debtShares[accountId];
        if (shares == 0) revert MarginVaultNotBadDebt(accountId);
        amount = DebtMath.debtOf(shares, $.debtIndex);
        $.debtShares[accountId] = 0;
        $.totalDebtShares -= uint128(shares);
        absorber = $.lossAbsorber;
    }

    // ---- Internal ----

    function _requireLiquidatable(MarginVaultStorage storage $, uint256 accountId) private returns (Wad) {
        Health memory health = _valuationCaching($, accountId, true, false);
        address unusable = health.unusableAsset;
        if (unusable != address(0)) revert MarginVaultPriceUnusable(unusable, $.assets[unusable].feedId);
        if (Wad.unwrap(health.healthFactor) >= Constants.WAD) {
            revert MarginVaultNotLiquidatable(accountId, health.healthFactor);
        }
        if (!_sequencerAllowsLiquidation($, health.healthFactor)) {
            revert MarginVaultSequencerGrace(accountId, health.healthFactor);
        }
        return health.healthFactor;
    }

    function _closePositions(MarginVaultStorage storage $, uint256 accountId) private {
        address[] memory markets = $.accountMarkets[accountId];
        for (uint256 i; i < markets.length; ++i) {
            if (IMarket(markets[i]).closeForLiquidation(accountId)) _removeMarket($, accountId, markets[i]);
        }
    }

    /// @dev Repay up to `repayAmount` of the account's debt from the caller and hand it `asset` at the
    ///      penalty's keeper share; the rest of the penalty goes to the insurance's account.
    function _sellCollateral(
        MarginVaultStorage storage $,
        uint256 accountId,
        address asset,
        uint256 repayAmount,
        Wad healthFactor
    ) private returns (uint256 repaid, uint256 seized) {
        Asset storage config = $.assets[asset];
        if (!config.listed || asset == $.settlement) revert MarginVaultAssetNotListed(asset);
        uint256 toInsurance;
        (repaid, seized, toInsurance) = _saleAmounts($, accountId, asset, repayAmount, healthFactor);
        bool isStock = config.isStock;

        address settlement = $.settlement;
        IERC20(settlement).safeTransferFrom(msg.sender, address(this), repaid);
        $.assets[settlement].booked += SafeCast.toUint128(repaid);
        _creditCash($, accountId, repaid);

        _removeHoldingAndBook($, accountId, asset, seized + toInsurance, true);
        if (toInsurance != 0) _addHolding($, $.insuranceAccount, asset, toInsurance, isStock);
        config.booked -= uint128(seized); // seized <= the account's balance <= booked
        _pushOut(asset, isStock, msg.sender, seized);
        emit Liquidated(accountId, msg.sender, asset, repaid, seized, toInsurance, healthFactor);
    }

    /// @dev What a sale repays and hands out: capped by the close factor, the caller's offer and the
    ///      account's unfrozen balance of the asset (then the repayment shrinks, rounded down).
    function _saleAmounts(
        MarginVaultStorage storage $,
        uint256 accountId,
        address asset,
        uint256 repayAmount,
        Wad healthFactor
    ) private view returns (uint256 repaid, uint256 seized, uint256 toInsurance) {
        LiquidationConfig memory rules = $.liquidation;
        repaid = LiquidationMath.maxRepay(_debtOf(accountId), healthFactor, rules);
        if (repayAmount < repaid) repaid = repayAmount;
        if (repaid == 0) revert MarginVaultNothingToRepay(accountId);
        Holding memory holding = $.holdings[accountId][asset];
        uint256 available = holding.balance - holding.frozen;
        if (available == 0) revert MarginVaultInsufficientBalance(accountId, asset, 0, 1);
        Bps penaltyBps = LiquidationMath.penalty(healthFactor, rules);
        (seized, toInsurance) = _seizeAmounts($, asset, repaid, penaltyBps, rules);
        if (seized + toInsurance > available) {
            // Not enough of this asset: it all goes, in the same proportions, against a repayment scaled
            // down (rounded down); the buyer takes the remainder, so no dust is left behind.
            uint256 total = seized + toInsurance;
            repaid = repaid * available / total;
            if (repaid == 0) revert MarginVaultNothingToRepay(accountId);
            toInsurance = toInsurance * available / total;
            seized = available - toInsurance;
        }
        // A repayment too small to buy one raw unit would take the debt for nothing.
        if (seized == 0) revert MarginVaultNothingToRepay(accountId);
    }

    function _seizeAmounts(
        MarginVaultStorage storage $,
        address asset,
        uint256 repaid,
        Bps penaltyBps,
        LiquidationConfig memory rules
    ) private view returns (uint256 toBuyer, uint256 toInsurance) {
        (UsdValue buyerValue, UsdValue insuranceValue) =
            LiquidationMath.split(CollateralMath.atPar(repaid, $.settlementDecimals), penaltyBps, rules);
        Asset storage config = $.assets[asset];
        UsdPerToken price = PriceCache.peek($.oracle, config.feedId).pricePerToken;
        toBuyer = price.rawAmountOf(buyerValue, config.decimals);
        // Without an insurance account the penalty's remainder stays with the account.
        toInsurance = $.insurance == address(0) ? 0 : price.rawAmountOf(insuranceValue, config.decimals);
    }
}
