// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {UsdValue, Wad} from "../types/Units.sol";

/// @title IMarginVaultTypes - the margin vault's structs, errors and events
/// @notice Apart from IMarginVault's functions so that the vault and its modules (which share its storage
///         and raise its errors and events) can all inherit them. Integrators import IMarginVault.
interface IMarginVaultTypes {
    // ---- Types ----

    /// @notice Risk settings of one collateral asset.
    /// @param feedId Its EquityPriceOracle feed.
    /// @param weightBps Weight for initial checks (withdrawals, new risk), at most 10,000.
    /// @param liquidationWeightBps Weight for maintenance, at least `weightBps`, at most 10,000.
    /// @param closedHaircutBps Extra haircut while the stock's market is not open or the token is in maintenance.
    /// @param maxSizeDiscountBps Extra haircut of an account holding `depth` or more (linear below).
    /// @param depth Raw units of one account's balance at which the size discount is at its maximum.
    /// @param cap The most raw units the vault books for all accounts together.
    /// @param isStock A dualtrack equity token: permissioned deposits and withdrawals, issuer powers.
    struct AssetConfig {
        bytes32 feedId;
        uint16 weightBps;
        uint16 liquidationWeightBps;
        uint16 closedHaircutBps;
        uint16 maxSizeDiscountBps;
        uint128 depth;
        uint128 cap;
        bool isStock;
    }

    /// @notice Liquidation settings (one fee model for the protocol).
    /// @param minPenaltyBps Penalty at health 1 (of the debt repaid).
    /// @param maxPenaltyBps Penalty cap, reached `rampBps` below health 1 (reverse Dutch auction).
    /// @param rampBps How far below health 1 the penalty reaches its cap.
    /// @param keeperShareBps Share of the penalty that goes to the keeper (the collateral buyer's discount).
    /// @param maxKeeperReward Cap of the keeper's share, USD 18 decimals.
    /// @param closeFactorBps Share of the debt one liquidation may repay...
    /// @param fullCloseHealth ...unless health is below this (WAD): then all of it.
    struct LiquidationConfig {
        uint16 minPenaltyBps;
        uint16 maxPenaltyBps;
        uint16 rampBps;
        uint16 keeperShareBps;
        uint16 closeFactorBps;
        uint64 fullCloseHealth;
        uint128 maxKeeperReward;
    }

    /// @notice An account's valuation for one kind of check: weighted collateral, cash at par, the counted
    ///         share of unrealised profit, unrealised loss, debt, the markets' requirement (initial or
    ///         maintenance), the health factor, and the first asset whose price could not be used for this
    ///         check (zero if none; such an asset counts for nothing here).
    struct Health {
        UsdValue collateral;
        UsdValue cash;
        UsdValue profit;
        UsdValue loss;
        UsdValue debt;
        UsdValue requirement;
        Wad healthFactor;
        address unusableAsset;
    }

    /// @notice One collateral asset of an account, as the lens shows it.
    struct CollateralView {
        address asset;
        uint256 balance;
        uint256 frozen;
        UsdValue value;
        UsdValue weightedInitial;
        UsdValue weightedMaintenance;
    }

    // ---- Errors ----

    error MarginVaultZeroAmount();
    error MarginVaultZeroAddress();
    error MarginVaultNotAccountOwner(uint256 accountId, address caller);
    error MarginVaultUnknownAccount(uint256 accountId);
    error MarginVaultTooManyAccounts(address wallet, uint256 max);
    error MarginVaultAssetNotListed(address asset);
    error MarginVaultAssetAlreadyListed(address asset);
    error MarginVaultAssetConfigInvalid(address asset);
    error MarginVaultTooManyAssets(uint256 accountId, uint256 max);
    error MarginVaultCapExceeded(address asset, uint256 booked, uint256 cap);
    error MarginVaultDepositsPaused(address asset);
    error MarginVaultNewRiskPaused(address asset);
    error MarginVaultInsufficientBalance(uint256 accountId, address asset, uint256 available, uint256 requested);
    error MarginVaultInsufficientMargin(uint256 accountId, UsdValue equity, UsdValue required);
    error MarginVaultPriceUnusable(address asset, bytes32 feedId);
    error MarginVaultNotVerified(address token, address wallet);
    error MarginVaultTransferNotCompliant(address token, address from, address to, uint256 amount);
    error MarginVaultWalletFrozen(address token, address wallet);
    error MarginVaultTokenPaused(address token);
    error MarginVaultBooksExceedHoldings(address asset, uint256 booked, uint256 held);
    error MarginVaultNotAgent(address token, address caller);
    error MarginVaultNotRecovered(address token, address lostWallet);
    error MarginVaultUnknownMarket(address market);
    error MarginVaultMarketAlreadyRegistered(address market);
    error MarginVaultTooManyMarkets(uint256 accountId, uint256 max);
    error MarginVaultMarketNotEntered(address market, uint256 accountId);
    error MarginVaultSequencerNotReady();
    error MarginVaultCreditInsufficient(address holder, uint256 available, uint256 requested);
    error MarginVaultNotLiquidatable(uint256 accountId, Wad healthFactor);
    error MarginVaultSequencerGrace(uint256 accountId, Wad healthFactor);
    error MarginVaultNothingToRepay(uint256 accountId);
    error MarginVaultSlippage(uint256 seized, uint256 minSeized);
    error MarginVaultNotBadDebt(uint256 accountId);
    error MarginVaultLiquidationConfigInvalid();
    error MarginVaultRateInvalid(uint256 rateBps);

    // ---- Events ----

    event AccountOpened(uint256 indexed accountId, address indexed owner);
    event AccountMoved(uint256 indexed accountId, address indexed from, address indexed to, address token);
    event Deposited(uint256 indexed accountId, address indexed asset, address indexed from, uint256 amount);
    event Withdrawn(uint256 indexed accountId, address indexed asset, address indexed to, uint256 amount);
    event DebtRepaid(uint256 indexed accountId, address indexed payer, uint256 amount);
    event AssetListed(address indexed asset, uint8 decimals, AssetConfig config);
    event AssetConfigured(address indexed asset, AssetConfig config);
    event AssetPauseSet(address indexed asset, bool depositsPaused, bool newRiskPaused);
    event VaultPauseSet(bool depositsPaused, bool newRiskPaused);
    event MarketRegistered(address indexed market);
    event MarketDeregistered(address indexed market);
    event MarketEntered(uint256 indexed accountId, address indexed market);
    event MarketLeft(uint256 indexed accountId, address indexed market);
    event ProfitCredited(uint256 indexed accountId, address indexed market, uint256 amount);
    event LossCharged(uint256 indexed accountId, address indexed market, uint256 paidFromCash, uint256 toDebt);
    event FeeCharged(
        uint256 indexed accountId, address indexed market, address indexed recipient, uint256 paidFromCash, uint256 toDebt
    );
    event CreditFunded(address indexed holder, address indexed from, uint256 amount);
    event CreditWithdrawn(address indexed holder, address indexed to, uint256 amount);
    event CollateralFrozen(uint256 indexed accountId, address indexed token, address indexed agent, uint256 frozen);
    event CollateralSeized(uint256 indexed accountId, address indexed token, address indexed agent, address to, uint256 amount);
    event Liquidated(
        uint256 indexed accountId,
        address indexed liquidator,
        address indexed asset,
        uint256 repaid,
        uint256 seized,
        uint256 toInsurance,
        Wad healthFactor
    );
    event BadDebtWrittenOff(uint256 indexed accountId, uint256 amount, address absorber, bool absorbed);
    event UnrealizedProfitShareSet(uint256 shareBps);
    event LiquidationConfigSet(LiquidationConfig config);
    event DebtInterestRateSet(uint256 aprBps);
    event CounterpartySet(address counterparty);
    event InsuranceSet(address insurance);
    event LossAbsorberSet(address absorber);
    event InterestAccrued(uint256 debtIndex, uint256 interest);
}
