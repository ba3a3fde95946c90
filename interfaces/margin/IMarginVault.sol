// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarginVaultTypes} from "./IMarginVaultTypes.sol";
import {Wad} from "../types/Units.sol";

/// @title IMarginVault - cross-margin accounts backed by stock tokens, stablecoins, BTC and ETH
/// @notice One vault holds every account's collateral. An account belongs to the wallet that opened it and
///         cannot be transferred (only a token agent's recovery moves it, to the wallet the token's
///         recovery record names). A wallet holds at most `MAX_ACCOUNTS_PER_WALLET` accounts (its first is
///         its main account, the others isolate margin).
///
///         Balances: each listed collateral asset is booked per account in raw units of the asset; the
///         settlement asset (a 6-decimal stablecoin) is the account's `cash`, valued at par. A loss is paid
///         only from the account's own cash; what it cannot pay becomes the account's `debt` to the
///         counterparty (the liquidity pool), charged interest, backed by the account's other collateral,
///         repaid first by any cash that comes in. An account never has cash and debt at once.
///
///         Valuation (the unit rule of `Units.sol`: price per whole token x raw / 10^decimals):
///         weighted collateral = sum over assets of value x weight x (1 - size discount) x (1 - closed
///         haircut while the stock's market is not open, halted, or the token in a corporate-action
///         maintenance window); a paused token and the frozen part of a balance weigh zero. Initial checks
///         (withdrawals, new risk) use `weightBps` and the oracle's collateral price, failing closed on an
///         unusable price; maintenance (liquidation) uses `liquidationWeightBps` and the liquidation price.
///         Equity = weighted collateral + cash + capped unrealised profit - unrealised loss - debt; the
///         health factor is (weighted collateral + cash + capped profit) / (debt + loss + requirement),
///         `type(uint256).max` when nothing is owed or required. One price per feed per transaction.
///
///         Roles (the protocol's AccessManager): RISK_ADMIN lists assets, sets weights, caps, markets and
///         liquidation parameters under its delay; GUARDIAN pauses deposits and new risk at once; the
///         token's own agents (`isAgent` on that token) freeze, seize and recover stock collateral.
interface IMarginVault is IMarginVaultTypes {
    // ---- Accounts ----

    /// @notice Open a new account for the caller; the first one is its main account.
    function openAccount() external returns (uint256 accountId);

    /// @notice The wallet that owns `accountId` (zero if none).
    function accountOwner(uint256 accountId) external view returns (address);

    /// @notice The accounts `wallet` owns, in opening order.
    function accountsOf(address wallet) external view returns (uint256[] memory);

    // ---- Collateral ----

    /// @notice Deposit `amount` raw units of `asset` from the caller into its account `accountId`. A stock
    ///         token is taken only from a verified wallet; cash first repays the account's debt.
    /// @return credited What the vault received (measured by its balance delta).
    function deposit(uint256 accountId, address asset, uint256 amount) external returns (uint256 credited);

    /// @notice Withdraw `amount` raw units of `asset` from `accountId` to its owner, who must be verified and
    ///         allowed by the token's compliance for a stock token. The account must meet its initial
    ///         margin afterwards, valued with usable collateral prices.
    function withdraw(uint256 accountId, address asset, uint256 amount) external;

    /// @notice `accountId`'s booked raw balance of `asset` (cash for the settlement asset) and its frozen part.
    function balanceOf(uint256 accountId, address asset) external view returns (uint256 balance, uint256 frozen);

    /// @notice `accountId`'s debt now, interest included, in raw settlement units (rounded up).
    function debtOf(uint256 accountId) external view returns (uint256);

    /// @notice The collateral assets `accountId` holds (at most `MAX_ASSETS_PER_ACCOUNT`).
    function assetsOf(uint256 accountId) external view returns (address[] memory);

    /// @notice The raw units of `asset` booked for all accounts and protocol credits.
    function totalBooked(address asset) external view returns (uint256);

    // ---- Health ----

    /// @notice `accountId` valued for initial checks (withdrawals; collateral prices) and for maintenance
    ///         (liquidation prices). Never reverts for a price: an asset whose price cannot be used counts
    ///         for nothing and is named in `unusableAsset`.
    function healthOf(uint256 accountId) external view returns (Health memory initial, Health memory maintenance);

    /// @notice Whether `accountId` is below maintenance with usable liquidation prices and the sequencer
    ///         sentinel's rule applied, and its maintenance health factor.
    function isLiquidatable(uint256 accountId) external view returns (bool liquidatable, Wad healthFactor);

    // ---- Markets ----

    /// @notice Called by a registered market when `accountId` opens its first position there. The caller
    ///         must be authorised by the account owner through the market's own entry point.
    function enterMarket(uint256 accountId) external;

    /// @notice Called by a registered market once `accountId` holds nothing there.
    function leaveMarket(uint256 accountId) external;

    /// @notice Called by a market after it added risk to `accountId`: reverts unless the account meets its
    ///         initial margin with usable open-risk prices and the sequencer allows new risk.
    function requireInitialMargin(uint256 accountId) external;

    /// @notice A market pays `accountId` realised profit of `amount` settlement units, out of the
    ///         counterparty's credit.
    function creditProfit(uint256 accountId, uint256 amount) external;

    /// @notice A market charges `accountId` a realised loss of `amount`, paid to the counterparty's credit
    ///         from the account's cash; the rest becomes the account's debt (a receivable of the counterparty).
    function chargeLoss(uint256 accountId, uint256 amount) external;

    /// @notice A market charges `accountId` a fee of `amount` for `recipient` (a keeper), paid in full: from the
    ///         account's cash, the rest advanced by the counterparty's credit and owed to it as the account's debt.
    function chargeFee(uint256 accountId, uint256 amount, address recipient) external;

    // ---- Protocol credits ----

    /// @notice Settlement units held in the vault for a protocol party (the counterparty, the insurance,
    ///         fee recipients, keepers).
    function creditOf(address holder) external view returns (uint256);

    /// @notice Add `amount` settlement units from the caller to `holder`'s credit.
    function fundCredit(address holder, uint256 amount) external;

    /// @notice Withdraw `amount` of the caller's credit to `to`.
    function withdrawCredit(uint256 amount, address to) external;

    // ---- Liquidation ----

    /// @notice Liquidate `accountId`: close its positions through their markets, then repay up to
    ///         `repayAmount` of its debt from the caller's settlement tokens and take its `asset` at the
    ///         discount. The account pays a penalty on what is repaid; the keeper's share (capped) is the
    ///         caller's discount, the rest is credited to the insurance. A stock token goes only to a caller
    ///         that may hold it.
    /// @return repaid Settlement units taken from the caller.
    /// @return seized Raw units of `asset` sent to the caller.
    function liquidate(uint256 accountId, address asset, uint256 repayAmount, uint256 minSeized)
        external
        returns (uint256 repaid, uint256 seized);

    /// @notice Write off the debt of an account that has no collateral and no position left, reporting it
    ///         to the loss absorber. Anyone may call it. The absorber is called once the books are final and
    ///         the vault's lock released, so it may pay the counterparty's credit (`fundCredit`) at once.
    function writeOffBadDebt(uint256 accountId) external returns (uint256 amount);

    // ---- Issuer powers (the token's agents) ----

    /// @notice Freeze `amount` raw units of `token` collateral of `accountId` (replacing the previous
    ///         frozen amount; zero unfreezes). Only an agent of `token`.
    function setFrozen(uint256 accountId, address token, uint256 amount) external;

    /// @notice Move `amount` raw units of `token` collateral of `accountId` (frozen first) to `to`, a wallet
    ///         of the agent's choice that the token accepts. Only an agent of `token`.
    function seize(uint256 accountId, address token, uint256 amount, address to) external;

    /// @notice Move every account of `lostWallet` to the wallet that replaced it on `token`
    ///         (`IRecoveryRecord.currentWallet`). Only an agent of `token`.
    function recoverAccounts(address token, address lostWallet) external;

    // ---- Views of settings ----

    /// @notice The oracle, settlement asset, counterparty, insurance (and its account) and loss absorber.
    function wiring()
        external
        view
        returns (
            address oracle,
            address settlement,
            address counterparty,
            address insurance,
            uint256 insuranceAccount,
            address lossAbsorber
        );

    /// @notice `asset`'s settings, decimals, whether it is listed, and its pauses.
    function assetState(address asset)
        external
        view
        returns (AssetConfig memory config, uint8 decimals, bool listed, bool depositsPaused, bool newRiskPaused);

    /// @notice The risk settings that are not per asset, and the debt index now (18 decimals).
    function riskSettings()
        external
        view
        returns (LiquidationConfig memory liquidation, uint256 profitShareBps, uint256 debtAprBps, uint256 debtIndex);

    /// @notice The vault-wide pauses.
    function pauses() external view returns (bool depositsPaused, bool newRiskPaused);

    /// @notice The markets `accountId` has positions in.
    function marketsOf(uint256 accountId) external view returns (address[] memory);

    /// @notice Whether `market` is registered.
    function isMarket(address market) external view returns (bool);

    /// @notice The total debt owed to the counterparty (its receivable), interest included.
    function totalDebt() external view returns (uint256);

    // ---- Settings (restricted) ----

    /// @notice List `asset` as collateral with `config` (RISK_ADMIN). Its decimals are read once.
    function listAsset(address asset, AssetConfig calldata config) external;

    /// @notice Change a listed asset's settings (RISK_ADMIN).
    function configureAsset(address asset, AssetConfig calldata config) external;

    /// @notice Pause deposits of `asset` and its use for new risk (GUARDIAN, at once).
    function setAssetPaused(address asset, bool depositsPaused, bool newRiskPaused) external;

    /// @notice Pause every deposit and all new risk (GUARDIAN, at once). Withdrawals are never paused.
    function setVaultPaused(bool depositsPaused, bool newRiskPaused) external;

    /// @notice Register `market` (RISK_ADMIN).
    function registerMarket(address market) external;

    /// @notice Deregister `market` (RISK_ADMIN): accounts can no longer enter it.
    function deregisterMarket(address market) external;

    /// @notice Set the liquidation settings (RISK_ADMIN).
    function setLiquidationConfig(LiquidationConfig calldata config) external;

    /// @notice Set the share of unrealised profit that counts toward margin (RISK_ADMIN).
    function setUnrealizedProfitShare(uint256 shareBps) external;

    /// @notice Set the yearly simple interest rate charged on debt (RISK_ADMIN).
    function setDebtInterestRate(uint256 aprBps) external;

    /// @notice Set who takes realised losses and pays realised profit: the liquidity pool (RISK_ADMIN).
    function setCounterparty(address counterparty) external;

    /// @notice Set the insurance fund that receives the penalty's remainder (RISK_ADMIN).
    function setInsurance(address insurance) external;

    /// @notice Set the loss absorber of bad debt (RISK_ADMIN).
    function setLossAbsorber(address absorber) external;
}
