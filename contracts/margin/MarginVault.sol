// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {Wad} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {DebtMath} from "../libraries/DebtMath.sol";
import {Delegation} from "../libraries/Delegation.sol";
import {MarginVaultBase} from "./MarginVaultBase.sol";

/// @title MarginVault - cross-margin accounts that pledge stock tokens, stablecoins, BTC and ETH
/// @notice Holds every account's collateral, values it with the EquityPriceOracle, margins the positions of
///         registered markets, settles their PnL in the settlement stablecoin, liquidates accounts below
///         maintenance, and keeps the stock issuers' powers real on the tokens it holds for its depositors.
///         Rules: IMarginVault; design: docs/margin.md.
/// @dev A UUPS proxy (upgrades: UPGRADER, under its delay). This contract has the depositors' and markets'
///      paths; liquidation and the issuer/admin paths run by DELEGATECALL in `MarginLiquidationModule` and
///      `MarginAdminModule` (immutable per implementation), all on one storage (`MarginVaultBase`).
contract MarginVault is IMarginVault, MarginVaultBase, UUPSUpgradeable {
    using SafeERC20 for IERC20;

    /// @notice The module that runs `liquidate` and `writeOffBadDebt`.
    address public immutable LIQUIDATION_MODULE;
    /// @notice The module that runs the issuer powers and the settings.
    address public immutable ADMIN_MODULE;
    /// @notice The module that runs the markets' callbacks and the protocol credits.
    address public immutable MARKETS_MODULE;

    // ---- Construction ----

    /// @param liquidationModule_ The code of `liquidate` and `writeOffBadDebt`.
    /// @param adminModule_ The code of the issuer powers and the settings.
    /// @param marketsModule_ The code of the markets' callbacks and the protocol credits.
    constructor(address liquidationModule_, address adminModule_, address marketsModule_) {
        if (
            liquidationModule_.code.length == 0 || adminModule_.code.length == 0 || marketsModule_.code.length == 0
        ) revert MarginVaultZeroAddress();
        LIQUIDATION_MODULE = liquidationModule_;
        ADMIN_MODULE = adminModule_;
        MARKETS_MODULE = marketsModule_;
        _disableInitializers();
    }

    /// @notice Set up the vault behind its proxy (run by MarginAdminModule).
    /// @param authority The protocol's AccessManager.
    /// @param oracle_ The EquityPriceOracle.
    /// @param settlement_ The settlement stablecoin (at most 18 decimals), valued at par.
    /// @param liquidation_ The liquidation settings.
    function initialize(address authority, IEquityPriceOracle oracle_, address settlement_, LiquidationConfig calldata liquidation_)
        external
    {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    // ---- Accounts ----

    /// @inheritdoc IMarginVault
    function openAccount() external returns (uint256 accountId) {
        return _openAccount(msg.sender);
    }

    /// @inheritdoc IMarginVault
    function accountOwner(uint256 accountId) external view returns (address) {
        return _getMarginVaultStorage().accounts[accountId].owner;
    }

    /// @inheritdoc IMarginVault
    function accountsOf(address wallet) external view returns (uint256[] memory) {
        return _getMarginVaultStorage().walletAccounts[wallet];
    }

    // ---- Collateral ----

    /// @inheritdoc IMarginVault
    function deposit(uint256 accountId, address asset, uint256 amount)
        external
        nonReentrant
        onlyOwnerOf(accountId)
        returns (uint256 credited)
    {
        if (amount == 0) revert MarginVaultZeroAmount();
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        Asset storage config = $.assets[asset];
        if (!config.listed) revert MarginVaultAssetNotListed(asset);
        if ($.depositsPaused || config.depositsPaused) revert MarginVaultDepositsPaused(asset);
        if (config.isStock) _requireVerified(asset, msg.sender);

        uint256 booked = config.booked;
        uint256 held = IERC20(asset).balanceOf(address(this));
        IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
        uint256 heldAfter = IERC20(asset).balanceOf(address(this));
        credited = heldAfter - held;
        if (credited == 0) revert MarginVaultZeroAmount();
        if (heldAfter < booked + credited) revert MarginVaultBooksExceedHoldings(asset, booked + credited, heldAfter);
        if (booked + credited > config.cap) revert MarginVaultCapExceeded(asset, booked + credited, config.cap);

        if (!config.isStock && asset == $.settlement) {
            _creditCash($, accountId, credited);
        } else {
            _addHolding($, accountId, asset, credited, config.isStock);
        }
        config.booked = uint128(booked + credited); // <= cap <= 2^128 - 1
        emit Deposited(accountId, asset, msg.sender, credited);
    }

    /// @inheritdoc IMarginVault
    function withdraw(uint256 accountId, address asset, uint256 amount) external nonReentrant onlyOwnerOf(accountId) {
        if (amount == 0) revert MarginVaultZeroAmount();
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        Asset storage config = $.assets[asset];
        if (!config.listed) revert MarginVaultAssetNotListed(asset);
        bool isStock = config.isStock;
        uint256 balanceBefore;
        if (!isStock && asset == $.settlement) {
            uint256 cash = $.accounts[accountId].cash;
            if (cash < amount) revert MarginVaultInsufficientBalance(accountId, asset, cash, amount);
            $.accounts[accountId].cash = uint96(cash - amount); // < cash
        } else {
            balanceBefore = _removeHolding($, accountId, asset, amount, true);
        }
        if ($.accountMarkets[accountId].length != 0 || $.debtShares[accountId] != 0) {
            _requireInitial($, accountId, false);
        }
        uint256 booked = config.booked;
        uint256 held = IERC20(asset).balanceOf(address(this));
        if (held < booked) revert MarginVaultBooksExceedHoldings(asset, booked, held);
        config.booked = uint128(booked - amount); // amount <= the account's balance <= booked
        _pushOut(asset, isStock, msg.sender, amount);
        // After the transfer: the token is warm and has synced its snapshots; the values are from before.
        if (isStock) _beforeBookedChange(accountId, asset, balanceBefore, booked);
        emit Withdrawn(accountId, asset, msg.sender, amount);
    }

    /// @inheritdoc IMarginVault
    function balanceOf(uint256 accountId, address asset) external view returns (uint256 balance, uint256 frozen) {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        if (asset == $.settlement) return ($.accounts[accountId].cash, 0);
        Holding memory holding = $.holdings[accountId][asset];
        return (holding.balance, holding.frozen);
    }

    /// @inheritdoc IMarginVault
    function debtOf(uint256 accountId) external view returns (uint256) {
        return _debtOf(accountId);
    }

    /// @inheritdoc IMarginVault
    function assetsOf(uint256 accountId) external view returns (address[] memory) {
        return _getMarginVaultStorage().accountAssets[accountId];
    }

    /// @inheritdoc IMarginVault
    function totalBooked(address asset) external view returns (uint256) {
        return _getMarginVaultStorage().assets[asset].booked;
    }

    // ---- Health ----

    /// @inheritdoc IMarginVault
    function healthOf(uint256 accountId) external view returns (Health memory initial, Health memory maintenance) {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        initial = _valuation($, accountId, false, false);
        maintenance = _valuation($, accountId, true, false);
    }

    /// @inheritdoc IMarginVault
    function isLiquidatable(uint256 accountId) external view returns (bool liquidatable, Wad healthFactor) {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        Health memory health = _valuation($, accountId, true, false);
        healthFactor = health.healthFactor;
        if (health.unusableAsset != address(0) || Wad.unwrap(healthFactor) >= Constants.WAD) return (false, healthFactor);
        liquidatable = _sequencerAllowsLiquidation($, healthFactor);
    }

    // ---- Markets and credits (MarginMarketsModule) ----

    /// @inheritdoc IMarginVault
    function enterMarket(uint256) external {
        Delegation.delegateAndReturn(MARKETS_MODULE);
    }

    /// @inheritdoc IMarginVault
    function leaveMarket(uint256) external {
        Delegation.delegateAndReturn(MARKETS_MODULE);
    }

    /// @inheritdoc IMarginVault
    function requireInitialMargin(uint256) external {
        Delegation.delegateAndReturn(MARKETS_MODULE);
    }

    /// @inheritdoc IMarginVault
    function creditProfit(uint256, uint256) external {
        Delegation.delegateAndReturn(MARKETS_MODULE);
    }

    /// @inheritdoc IMarginVault
    function chargeLoss(uint256, uint256) external {
        Delegation.delegateAndReturn(MARKETS_MODULE);
    }

    /// @inheritdoc IMarginVault
    function chargeFee(uint256, uint256, address) external {
        Delegation.delegateAndReturn(MARKETS_MODULE);
    }

    /// @inheritdoc IMarginVault
    function fundCredit(address, uint256) external nonReentrant {
        Delegation.delegateAndReturn(MARKETS_MODULE);
    }

    /// @inheritdoc IMarginVault
    function withdrawCredit(uint256, address) external nonReentrant {
        Delegation.delegateAndReturn(MARKETS_MODULE);
    }

    // ---- Protocol credits ----

    /// @inheritdoc IMarginVault
    function creditOf(address holder) external view returns (uint256) {
        return _getMarginVaultStorage().credits[holder];
    }

    // ---- Liquidation (MarginLiquidationModule) ----

    /// @inheritdoc IMarginVault
    function liquidate(uint256, address, uint256, uint256) external nonReentrant returns (uint256, uint256) {
        Delegation.delegateAndReturn(LIQUIDATION_MODULE);
    }

    /// @inheritdoc IMarginVault
    /// @dev The module takes the lock for the write-off and releases it before telling the loss absorber.
    function writeOffBadDebt(uint256) external returns (uint256) {
        Delegation.delegateAndReturn(LIQUIDATION_MODULE);
    }

    // ---- Issuer powers (MarginAdminModule) ----

    /// @inheritdoc IMarginVault
    function setFrozen(uint256, address, uint256) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function seize(uint256, address, uint256, address) external nonReentrant {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function recoverAccounts(address, address) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    // ---- Settings (MarginAdminModule, restricted) ----

    /// @inheritdoc IMarginVault
    function listAsset(address, AssetConfig calldata) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function configureAsset(address, AssetConfig calldata) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function setAssetPaused(address, bool, bool) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function setVaultPaused(bool, bool) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function registerMarket(address) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function deregisterMarket(address) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function setLiquidationConfig(LiquidationConfig calldata) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function setUnrealizedProfitShare(uint256) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function setDebtInterestRate(uint256) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function setCounterparty(address) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function setInsurance(address) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    /// @inheritdoc IMarginVault
    function setLossAbsorber(address) external {
        Delegation.delegateAndReturn(ADMIN_MODULE);
    }

    // ---- Views of settings ----

    /// @inheritdoc IMarginVault
    function wiring()
        external
        view
        returns (
            address oracle_,
            address settlement_,
            address counterparty_,
            address insurance_,
            uint256 insuranceAccount_,
            address lossAbsorber_
        )
    {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        return (address($.oracle), $.settlement, $.counterparty, $.insurance, $.insuranceAccount, $.lossAbsorber);
    }

    /// @inheritdoc IMarginVault
    function assetState(address asset)
        external
        view
        returns (AssetConfig memory config, uint8 decimals, bool listed, bool depositsPaused, bool newRiskPaused)
    {
        Asset storage a = _getMarginVaultStorage().assets[asset];
        config = AssetConfig(
            a.feedId, a.weightBps, a.liquidationWeightBps, a.closedHaircutBps, a.maxSizeDiscountBps, a.depth, a.cap, a.isStock
        );
        return (config, a.decimals, a.listed, a.depositsPaused, a.newRiskPaused);
    }

    /// @inheritdoc IMarginVault
    function riskSettings()
        external
        view
        returns (LiquidationConfig memory liquidation, uint256 profitShareBps, uint256 debtAprBps, uint256 debtIndex)
    {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        return ($.liquidation, $.profitShareBps, $.debtAprBps, _currentIndex($));
    }

    /// @inheritdoc IMarginVault
    function pauses() external view returns (bool depositsPaused, bool newRiskPaused) {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        return ($.depositsPaused, $.newRiskPaused);
    }

    /// @inheritdoc IMarginVault
    function marketsOf(uint256 accountId) external view returns (address[] memory) {
        return _getMarginVaultStorage().accountMarkets[accountId];
    }

    /// @inheritdoc IMarginVault
    function isMarket(address market) external view returns (bool) {
        return _getMarginVaultStorage().markets[market];
    }

    /// @inheritdoc IMarginVault
    function totalDebt() external view returns (uint256) {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        return DebtMath.debtOf($.totalDebtShares, _currentIndex($));
    }

    /// @dev Upgrades are restricted to UPGRADER (wired at deployment).
    function _authorizeUpgrade(address) internal override restricted {}
}
