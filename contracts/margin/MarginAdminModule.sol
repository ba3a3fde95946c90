// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IRecoveryRecord} from "../interfaces/token/IRecoveryRecord.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {MarginVaultModule} from "./MarginVaultModule.sol";

/// @title MarginAdminModule - what others than depositors may do to the margin vault
/// @notice Run only by DELEGATECALL from the MarginVault, in its storage: the stock issuers' powers over the
///         collateral the vault holds for depositors (freeze, seize, recover: each token's own agents), and
///         the protocol's settings (RISK_ADMIN under its delay; pauses by GUARDIAN at once). Rules: IMarginVault.
contract MarginAdminModule is MarginVaultModule {
    using SafeERC20 for IERC20;

    // ---- Initialisation ----

    /// @notice Set up the vault behind its proxy.
    /// @param authority The protocol's AccessManager.
    /// @param oracle_ The EquityPriceOracle.
    /// @param settlement_ The settlement stablecoin (at most 18 decimals), valued at par.
    /// @param liquidation_ The liquidation settings.
    function initialize(
        address authority,
        IEquityPriceOracle oracle_,
        address settlement_,
        LiquidationConfig calldata liquidation_
    ) external onlyDelegated initializer {
        if (authority.code.length == 0 || address(oracle_) == address(0) || settlement_ == address(0)) {
            revert MarginVaultZeroAddress();
        }
        __AccessManaged_init(authority);
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        uint8 decimals = IERC20Metadata(settlement_).decimals();
        if (decimals > 18) revert MarginVaultAssetConfigInvalid(settlement_);
        $.oracle = oracle_;
        $.settlement = settlement_;
        $.settlementDecimals = decimals;
        $.assets[settlement_].listed = true;
        $.assets[settlement_].decimals = decimals;
        $.assets[settlement_].cap = type(uint96).max; // every account's cash fits its uint96 field
        $.debtIndex = uint128(Constants.WAD);
        $.lastAccrual = uint40(block.timestamp);
        _setLiquidationConfig(liquidation_);
    }

    // ---- Issuer powers ----

    /// @notice See IMarginVault.setFrozen.
    function setFrozen(uint256 accountId, address token, uint256 amount) external onlyDelegated onlyAgentOf(token) {
        Holding storage holding = _getMarginVaultStorage().holdings[accountId][token];
        if (amount > holding.balance) {
            revert MarginVaultInsufficientBalance(accountId, token, holding.balance, amount);
        }
        holding.frozen = uint128(amount); // <= balance
        emit CollateralFrozen(accountId, token, msg.sender, amount);
    }

    /// @notice See IMarginVault.seize.
    function seize(uint256 accountId, address token, uint256 amount, address to)
        external
        onlyDelegated
        onlyAgentOf(token)
    {
        if (amount == 0) revert MarginVaultZeroAmount();
        if (to == address(0)) revert MarginVaultZeroAddress();
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        _removeHoldingAndBook($, accountId, token, amount, false);
        Asset storage config = $.assets[token];
        config.booked -= uint128(amount); // amount <= the account's balance <= booked
        _pushOut(token, true, to, amount);
        emit CollateralSeized(accountId, token, msg.sender, to, amount);
    }

    /// @notice See IMarginVault.recoverAccounts.
    function recoverAccounts(address token, address lostWallet) external onlyDelegated onlyAgentOf(token) {
        address newWallet = IRecoveryRecord(token).currentWallet(lostWallet);
        if (newWallet == lostWallet || newWallet == address(0)) revert MarginVaultNotRecovered(token, lostWallet);
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        uint256[] storage moving = $.walletAccounts[lostWallet];
        uint256[] storage receiving = $.walletAccounts[newWallet];
        uint256 count = moving.length;
        if (receiving.length + count > MAX_ACCOUNTS_PER_WALLET) {
            revert MarginVaultTooManyAccounts(newWallet, MAX_ACCOUNTS_PER_WALLET);
        }
        for (uint256 i; i < count; ++i) {
            uint256 accountId = moving[i];
            $.accounts[accountId].owner = newWallet;
            receiving.push(accountId);
            emit AccountMoved(accountId, lostWallet, newWallet, token);
        }
        delete $.walletAccounts[lostWallet];
    }

    // ---- Settings (restricted) ----

    /// @notice See IMarginVault.listAsset.
    function listAsset(address asset, AssetConfig calldata config) external onlyDelegated restricted {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        if (asset == address(0)) revert MarginVaultZeroAddress();
        if ($.assets[asset].listed) revert MarginVaultAssetAlreadyListed(asset);
        uint8 decimals = IERC20Metadata(asset).decimals();
        if (decimals > Constants.MAX_DECIMALS) revert MarginVaultAssetConfigInvalid(asset);
        $.assets[asset].listed = true;
        $.assets[asset].decimals = decimals;
        _configure($, asset, config);
        emit AssetListed(asset, decimals, config);
    }

    /// @notice See IMarginVault.configureAsset.
    function configureAsset(address asset, AssetConfig calldata config) external onlyDelegated restricted {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        if (!$.assets[asset].listed || asset == $.settlement) revert MarginVaultAssetNotListed(asset);
        _configure($, asset, config);
        emit AssetConfigured(asset, config);
    }

    /// @notice See IMarginVault.setAssetPaused.
    function setAssetPaused(address asset, bool depositsPaused, bool newRiskPaused) external onlyDelegated restricted {
        Asset storage config = _getMarginVaultStorage().assets[asset];
        if (!config.listed) revert MarginVaultAssetNotListed(asset);
        config.depositsPaused = depositsPaused;
        config.newRiskPaused = newRiskPaused;
        emit AssetPauseSet(asset, depositsPaused, newRiskPaused);
    }

    /// @notice See IMarginVault.setVaultPaused.
    function setVaultPaused(bool depositsPaused, bool newRiskPaused) external onlyDelegated restricted {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        $.depositsPaused = depositsPaused;
        $.newRiskPaused = newRiskPaused;
        emit VaultPauseSet(depositsPaused, newRiskPaused);
    }

    /// @notice See IMarginVault.registerMarket.
    function registerMarket(address market) external onlyDelegated restricted {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        if (market.code.length == 0) revert MarginVaultZeroAddress();
        if ($.markets[market]) revert MarginVaultMarketAlreadyRegistered(market);
        $.markets[market] = true;
        emit MarketRegistered(market);
    }

    /// @notice See IMarginVault.deregisterMarket.
    /// @dev Accounts already in the market keep it in their valuation until the market lets them leave.
    function deregisterMarket(address market) external onlyDelegated restricted {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        if (!$.markets[market]) revert MarginVaultUnknownMarket(market);
        $.markets[market] = false;
        emit MarketDeregistered(market);
    }

    /// @notice See IMarginVault.setLiquidationConfig.
    function setLiquidationConfig(LiquidationConfig calldata config) external onlyDelegated restricted {
        _setLiquidationConfig(config);
    }

    /// @notice See IMarginVault.setUnrealizedProfitShare.
    function setUnrealizedProfitShare(uint256 shareBps) external onlyDelegated restricted {
        if (shareBps > Constants.BPS) revert MarginVaultRateInvalid(shareBps);
        _getMarginVaultStorage().profitShareBps = uint16(shareBps);
        emit UnrealizedProfitShareSet(shareBps);
    }

    /// @notice See IMarginVault.setDebtInterestRate.
    function setDebtInterestRate(uint256 aprBps) external onlyDelegated restricted {
        if (aprBps > MAX_DEBT_APR_BPS) revert MarginVaultRateInvalid(aprBps);
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        _accrue($);
        $.debtAprBps = uint16(aprBps);
        emit DebtInterestRateSet(aprBps);
    }

    /// @notice See IMarginVault.setCounterparty.
    function setCounterparty(address counterparty_) external onlyDelegated restricted {
        if (counterparty_ == address(0)) revert MarginVaultZeroAddress();
        _getMarginVaultStorage().counterparty = counterparty_;
        emit CounterpartySet(counterparty_);
    }

    /// @notice See IMarginVault.setInsurance.
    /// @dev Opens the insurance's vault account, which receives the penalty's collateral.
    function setInsurance(address insurance_) external onlyDelegated restricted {
        if (insurance_ == address(0)) revert MarginVaultZeroAddress();
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        $.insurance = insurance_;
        uint256[] storage owned = $.walletAccounts[insurance_];
        $.insuranceAccount = owned.length != 0 ? owned[0] : _openAccount(insurance_);
        emit InsuranceSet(insurance_);
    }

    /// @notice See IMarginVault.setLossAbsorber.
    function setLossAbsorber(address absorber) external onlyDelegated restricted {
        _getMarginVaultStorage().lossAbsorber = absorber;
        emit LossAbsorberSet(absorber);
    }

    // ---- Internal ----

    function _configure(MarginVaultStorage storage $, address asset, AssetConfig calldata config) internal {
        if (
            config.feedId == bytes32(0) || config.weightBps > config.liquidationWeightBps
                || config.liquidationWeightBps > Constants.BPS || config.closedHaircutBps > Constants.BPS
                || config.maxSizeDiscountBps > Constants.BPS || config.cap == 0
                || (config.isStock && $.oracle.feedOfToken(asset) != config.feedId)
        ) revert MarginVaultAssetConfigInvalid(asset);
        Asset storage a = $.assets[asset];
        if (a.isStock != config.isStock && a.booked != 0) revert MarginVaultAssetConfigInvalid(asset);
        a.feedId = config.feedId;
        a.weightBps = config.weightBps;
        a.liquidationWeightBps = config.liquidationWeightBps;
        a.closedHaircutBps = config.closedHaircutBps;
        a.maxSizeDiscountBps = config.maxSizeDiscountBps;
        a.depth = config.depth;
        a.cap = config.cap;
        a.isStock = config.isStock;
    }
}
