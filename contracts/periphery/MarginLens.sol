// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IMarginVaultTypes} from "../interfaces/margin/IMarginVaultTypes.sol";
import {IMarket} from "../interfaces/margin/IMarket.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {Bps, UsdValue} from "../interfaces/types/Units.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";

/// @title MarginLens - one call for everything a margin account holds, owes and is worth
/// @notice A periphery view for wallets, keepers and the fuzz suites: an account's collateral (balances,
///         frozen parts, values and weighted values for both checks, each asset's price usability), cash,
///         debt, positions per market, both valuations and whether it can be liquidated now, all read in
///         one block with the vault's own rules (CollateralMath). It holds nothing and changes nothing.
contract MarginLens {
    /// @notice One collateral asset of an account.
    struct CollateralLine {
        address asset;
        uint256 balance;
        uint256 frozen;
        uint8 decimals;
        bool isStock;
        UsdValue value;
        Bps initialWeightBps;
        Bps maintenanceWeightBps;
        UsdValue weightedInitial;
        UsdValue weightedMaintenance;
        bool usableToValue;
        bool usableToLiquidate;
        bool marketClosed;
        bool tokenPaused;
    }

    /// @notice One market position's margin state.
    struct MarketLine {
        address market;
        UsdValue profit;
        UsdValue loss;
        UsdValue initialMargin;
        UsdValue maintenanceMargin;
    }

    /// @notice An account as a whole.
    struct AccountView {
        uint256 accountId;
        address owner;
        uint256 cash;
        uint256 debt;
        CollateralLine[] collateral;
        MarketLine[] markets;
        IMarginVaultTypes.Health initial;
        IMarginVaultTypes.Health maintenance;
        bool liquidatable;
    }

    /// @notice `accountId` in `vault`.
    function account(IMarginVault vault, uint256 accountId) public view returns (AccountView memory view_) {
        (address oracle, address settlement,,,,) = vault.wiring();
        view_.accountId = accountId;
        view_.owner = vault.accountOwner(accountId);
        (view_.cash,) = vault.balanceOf(accountId, settlement);
        view_.debt = vault.debtOf(accountId);
        address[] memory assets = vault.assetsOf(accountId);
        view_.collateral = new CollateralLine[](assets.length);
        for (uint256 i; i < assets.length; ++i) {
            view_.collateral[i] = _line(vault, IEquityPriceOracle(oracle), accountId, assets[i]);
        }
        address[] memory markets = vault.marketsOf(accountId);
        view_.markets = new MarketLine[](markets.length);
        for (uint256 i; i < markets.length; ++i) {
            MarketLine memory line = view_.markets[i];
            line.market = markets[i];
            (line.profit, line.loss, line.initialMargin, line.maintenanceMargin) =
                IMarket(markets[i]).accountMargin(accountId);
        }
        (view_.initial, view_.maintenance) = vault.healthOf(accountId);
        (view_.liquidatable,) = vault.isLiquidatable(accountId);
    }

    /// @notice Every account of `wallet` in `vault`.
    function accountsOf(IMarginVault vault, address wallet) external view returns (AccountView[] memory views) {
        uint256[] memory ids = vault.accountsOf(wallet);
        views = new AccountView[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            views[i] = account(vault, ids[i]);
        }
    }

    function _line(IMarginVault vault, IEquityPriceOracle oracle, uint256 accountId, address asset)
        private
        view
        returns (CollateralLine memory line)
    {
        (IMarginVaultTypes.AssetConfig memory config, uint8 decimals,,,) = vault.assetState(asset);
        line.asset = asset;
        (line.balance, line.frozen) = vault.balanceOf(accountId, asset);
        line.decimals = decimals;
        line.isStock = config.isStock;
        IEquityPriceOracle.ConsumerPrice memory price = oracle.consumerPriceIgnoringSequencer(config.feedId);
        line.usableToValue = price.usableToValue;
        line.usableToLiquidate = price.liquidatableIgnoringSequencer;
        line.marketClosed = price.marketStatus != IEquityPriceOracle.MarketStatus.Open || price.inMaintenance;
        line.tokenPaused = price.tokenPaused;
        line.value = price.pricePerToken.valueOf(line.balance - line.frozen, decimals);
        if (!price.tokenPaused) {
            line.initialWeightBps = _weight(config, config.weightBps, line.balance, line.marketClosed);
            line.maintenanceWeightBps = _weight(config, config.liquidationWeightBps, line.balance, line.marketClosed);
        }
        if (line.usableToValue) line.weightedInitial = line.value.mulBpsDown(line.initialWeightBps);
        if (line.usableToLiquidate) line.weightedMaintenance = line.value.mulBpsDown(line.maintenanceWeightBps);
    }

    function _weight(IMarginVaultTypes.AssetConfig memory config, uint16 weight, uint256 balance, bool closed)
        private
        pure
        returns (Bps)
    {
        return CollateralMath.effectiveWeight(
            Bps.wrap(weight),
            balance,
            Bps.wrap(config.maxSizeDiscountBps),
            config.depth,
            Bps.wrap(config.closedHaircutBps),
            closed
        );
    }
}
