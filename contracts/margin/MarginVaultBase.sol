// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IMarginVaultTypes} from "../interfaces/margin/IMarginVaultTypes.sol";
import {IMarket} from "../interfaces/margin/IMarket.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {ISequencerSentinel} from "../interfaces/oracle/ISequencerSentinel.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";
import {IAgentRole} from "../interfaces/token/IAgentRole.sol";
import {Bps, UsdValue, Wad} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {DebtMath} from "../libraries/DebtMath.sol";
import {LiquidationMath} from "../libraries/LiquidationMath.sol";
import {PriceCache} from "../libraries/PriceCache.sol";
import {MarginVaultDividends} from "./MarginVaultDividends.sol";

/// @title MarginVaultBase - the margin vault's storage and the rules every part of it shares
/// @notice The vault (`MarginVault`) and its modules (`MarginLiquidationModule`, `MarginAdminModule`, run by
///         DELEGATECALL in the vault's own context, as Euler's modules) derive from this base, so they read
///         and write one ERC-7201 namespace, `MarginVaultStorage`, through the same internal functions: the
///         books (cash, holdings, debt shares), the permissioned-token checks and the valuation. The split
///         keeps each deployed contract under the 24,576-byte code limit.
abstract contract MarginVaultBase is IMarginVaultTypes, MarginVaultDividends {
    using SafeERC20 for IERC20;


    // ---- Constants ----

    /// @notice Accounts one wallet may own.
    uint256 public constant MAX_ACCOUNTS_PER_WALLET = 4;
    /// @notice Collateral assets one account may hold at once.
    uint256 public constant MAX_ASSETS_PER_ACCOUNT = 8;
    /// @notice Markets one account may have positions in at once.
    uint256 public constant MAX_MARKETS_PER_ACCOUNT = 4;
    /// @notice The highest yearly debt interest rate (100%).
    uint256 public constant MAX_DEBT_APR_BPS = 10_000;
    /// @notice Gas given to the loss absorber (a failing absorber never blocks a write-off).
    uint256 public constant ABSORBER_GAS = 200_000;

    // ---- Storage ----

    /// @dev One slot of rules and depth (all a valuation reads besides the feed), one of the feed, one of the
    ///      cap and the booked total (what a deposit reads besides the rules).
    struct Asset {
        uint8 decimals;
        bool listed;
        bool isStock;
        bool depositsPaused;
        bool newRiskPaused;
        uint16 weightBps;
        uint16 liquidationWeightBps;
        uint16 closedHaircutBps;
        uint16 maxSizeDiscountBps;
        uint128 depth;
        bytes32 feedId;
        uint128 cap;
        uint128 booked;
    }

    /// @dev An account's owner and its cash (settlement raw units) in one slot.
    struct Account {
        address owner;
        uint96 cash;
    }

    /// @dev One asset of one account: its booked raw balance and the part its issuer froze.
    struct Holding {
        uint128 balance;
        uint128 frozen;
    }

    /// @custom:storage-location erc7201:dualtrack.storage.MarginVault
    struct MarginVaultStorage {
        // Slot 0: what every valuation reads (the settlement decimals value an account's cash).
        IEquityPriceOracle oracle;
        bool depositsPaused;
        bool newRiskPaused;
        uint16 profitShareBps;
        uint8 settlementDecimals;
        address settlement;
        uint16 debtAprBps;
        uint40 lastAccrual;
        uint128 debtIndex;
        uint128 totalDebtShares;
        address counterparty;
        address insurance;
        address lossAbsorber;
        uint256 insuranceAccount;
        uint256 accountCount;
        LiquidationConfig liquidation;
        mapping(address asset => Asset) assets;
        mapping(uint256 accountId => Account) accounts;
        mapping(uint256 accountId => uint256) debtShares;
        mapping(uint256 accountId => address[]) accountAssets;
        mapping(uint256 accountId => mapping(address asset => Holding)) holdings;
        mapping(uint256 accountId => address[]) accountMarkets;
        mapping(address wallet => uint256[]) walletAccounts;
        mapping(address market => bool) markets;
        mapping(address holder => uint256) credits;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.MarginVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant MARGIN_VAULT_STORAGE = 0x43e562a15856a8c3960411c58f6e7745b7b0f5ca9104db3a63ad7836b920db00;

    function _getMarginVaultStorage() internal pure returns (MarginVaultStorage storage $) {
        assembly {
            $.slot := MARGIN_VAULT_STORAGE
        }
    }

    // ---- Modifiers ----

    modifier onlyOwnerOf(uint256 accountId) {
        address owner = _getMarginVaultStorage().accounts[accountId].owner;
        if (owner == address(0)) revert MarginVaultUnknownAccount(accountId);
        if (owner != msg.sender) revert MarginVaultNotAccountOwner(accountId, msg.sender);
        _;
    }

    modifier onlyMarket() {
        if (!_getMarginVaultStorage().markets[msg.sender]) revert MarginVaultUnknownMarket(msg.sender);
        _;
    }

    modifier onlyAgentOf(address token) {
        if (!_getMarginVaultStorage().assets[token].isStock) revert MarginVaultAssetNotListed(token);
        if (!IAgentRole(token).isAgent(msg.sender)) revert MarginVaultNotAgent(token, msg.sender);
        _;
    }

    // ---- Internal: accounts and books ----

    function _openAccount(address owner) internal returns (uint256 accountId) {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        uint256[] storage owned = $.walletAccounts[owner];
        if (owned.length == MAX_ACCOUNTS_PER_WALLET) revert MarginVaultTooManyAccounts(owner, MAX_ACCOUNTS_PER_WALLET);
        accountId = ++$.accountCount;
        $.accounts[accountId].owner = owner;
        owned.push(accountId);
        emit AccountOpened(accountId, owner);
    }

    /// @dev Credit cash to an account, repaying its debt first (the repayment goes to the counterparty).
    function _creditCash(MarginVaultStorage storage $, uint256 accountId, uint256 amount) internal {
        uint256 shares = $.debtShares[accountId];
        if (shares != 0) {
            _accrue($);
            uint256 index = $.debtIndex;
            uint256 debt = DebtMath.debtOf(shares, index);
            uint256 repay = amount < debt ? amount : debt;
            uint256 burned = repay == debt ? shares : DebtMath.sharesForRepay(repay, index);
            $.debtShares[accountId] = shares - burned;
            $.totalDebtShares -= uint128(burned);
            $.credits[$.counterparty] += repay;
            amount -= repay;
            emit DebtRepaid(accountId, msg.sender, repay);
        }
        if (amount != 0) {
            uint256 cash = $.accounts[accountId].cash + amount;
            // Cash <= the settlement asset's booked total <= its cap (2^96 - 1); checked, not assumed.
            if (cash > type(uint96).max) revert MarginVaultCapExceeded($.settlement, cash, type(uint96).max);
            $.accounts[accountId].cash = uint96(cash);
        }
    }

    /// @dev Take `amount` from the account's cash; the rest becomes debt shares.
    function _charge(MarginVaultStorage storage $, uint256 accountId, uint256 amount)
        internal
        returns (uint256 fromCash, uint256 toDebt)
    {
        uint256 cash = $.accounts[accountId].cash;
        fromCash = amount < cash ? amount : cash;
        toDebt = amount - fromCash;
        $.accounts[accountId].cash = uint96(cash - fromCash);
        if (toDebt != 0) {
            _accrue($);
            uint256 shares = DebtMath.sharesForDebt(toDebt, $.debtIndex);
            $.debtShares[accountId] += shares;
            $.totalDebtShares += SafeCast.toUint128(shares);
        }
    }

    function _addHolding(MarginVaultStorage storage $, uint256 accountId, address asset, uint256 amount, bool isStock)
        internal
    {
        Holding storage holding = $.holdings[accountId][asset];
        uint256 balance = holding.balance;
        if (isStock) _beforeBookedChange(accountId, asset, balance, $.assets[asset].booked);
        if (balance == 0) {
            address[] storage held = $.accountAssets[accountId];
            if (held.length == MAX_ASSETS_PER_ACCOUNT) revert MarginVaultTooManyAssets(accountId, MAX_ASSETS_PER_ACCOUNT);
            held.push(asset);
        }
        holding.balance = uint128(balance + amount); // <= booked <= cap < 2^128
    }

    /// @dev Remove `amount` of `asset` from an account: from its unfrozen part (`respectFrozen`, an owner or a
    ///      liquidation) or frozen part first (an agent's seizure). Returns the balance before, for a caller
    ///      that tells the dividend books itself (`_beforeBookedChange`) once the token was called (warm).
    function _removeHolding(
        MarginVaultStorage storage $,
        uint256 accountId,
        address asset,
        uint256 amount,
        bool respectFrozen
    ) internal returns (uint256 balanceBefore) {
        Holding memory holding = $.holdings[accountId][asset];
        uint256 available = respectFrozen ? holding.balance - holding.frozen : holding.balance;
        if (available < amount) revert MarginVaultInsufficientBalance(accountId, asset, available, amount);
        balanceBefore = holding.balance;
        uint256 balance = balanceBefore - amount;
        uint256 frozen = respectFrozen ? holding.frozen : (holding.frozen > amount ? holding.frozen - amount : 0);
        $.holdings[accountId][asset] = Holding(uint128(balance), uint128(frozen));
        if (balance == 0) _removeAsset($, accountId, asset);
    }

    /// @dev `_removeHolding` that tells the dividend books at once (a stock token).
    function _removeHoldingAndBook(
        MarginVaultStorage storage $,
        uint256 accountId,
        address asset,
        uint256 amount,
        bool respectFrozen
    ) internal {
        uint256 bookedBefore = $.assets[asset].booked;
        uint256 balanceBefore = _removeHolding($, accountId, asset, amount, respectFrozen);
        if ($.assets[asset].isStock) _beforeBookedChange(accountId, asset, balanceBefore, bookedBefore);
    }

    function _removeAsset(MarginVaultStorage storage $, uint256 accountId, address asset) internal {
        address[] storage held = $.accountAssets[accountId];
        uint256 last = held.length - 1;
        for (uint256 i; i <= last; ++i) {
            if (held[i] == asset) {
                held[i] = held[last];
                held.pop();
                return;
            }
        }
    }

    function _removeMarket(MarginVaultStorage storage $, uint256 accountId, address market) internal returns (bool) {
        address[] storage markets = $.accountMarkets[accountId];
        uint256 count = markets.length;
        for (uint256 i; i < count; ++i) {
            if (markets[i] == market) {
                markets[i] = markets[count - 1];
                markets.pop();
                return true;
            }
        }
        return false;
    }

    function _requireEntered(MarginVaultStorage storage $, uint256 accountId) internal view {
        address[] storage markets = $.accountMarkets[accountId];
        uint256 count = markets.length;
        for (uint256 i; i < count; ++i) {
            if (markets[i] == msg.sender) return;
        }
        revert MarginVaultMarketNotEntered(msg.sender, accountId);
    }

    // ---- Internal: permissioned tokens ----

    function _requireVerified(address token, address wallet) internal view {
        if (!IERC3643(token).identityRegistry().isVerified(wallet)) revert MarginVaultNotVerified(token, wallet);
    }

    /// @dev Send `amount` of `asset` out of the vault. A stock token's own transfer enforces who may receive
    ///      it; only when it refuses are its rules read again, to name the reason in the vault's own error
    ///      (so the common path pays for the token's checks once).
    function _pushOut(address asset, bool isStock, address to, uint256 amount) internal {
        if (!isStock) {
            IERC20(asset).safeTransfer(to, amount);
            return;
        }
        if (!IERC20(asset).trySafeTransfer(to, amount)) {
            _requireCanReceive(asset, to, amount);
            revert MarginVaultTransferNotCompliant(asset, address(this), to, amount);
        }
    }

    /// @dev Whether `to` may receive `amount` of stock `token` from the vault: the token's own transfer rules,
    ///      checked first so a refusal is a clear error and nothing moves.
    function _requireCanReceive(address token, address to, uint256 amount) internal view {
        if (to == address(0)) revert MarginVaultZeroAddress();
        IERC3643 stock = IERC3643(token);
        if (stock.paused()) revert MarginVaultTokenPaused(token);
        if (stock.isFrozen(to)) revert MarginVaultWalletFrozen(token, to);
        _requireVerified(token, to);
        if (!stock.compliance().canTransfer(address(this), to, amount)) {
            revert MarginVaultTransferNotCompliant(token, address(this), to, amount);
        }
    }

    // ---- Internal: valuation ----

    /// @dev The account's valuation for maintenance (`maintenance`) or initial checks (`newRisk`: for new
    ///      risk, which needs open-risk prices and ignores assets paused for new risk), with prices as this
    ///      transaction first read them (views: as the oracle says now). An asset whose price cannot be used
    ///      for the check counts for nothing and is named in `unusableAsset` (the first one).
    function _valuation(MarginVaultStorage storage $, uint256 accountId, bool maintenance, bool newRisk)
        internal
        view
        returns (Health memory health)
    {
        health = _cashAndDebt($, accountId);
        address[] storage held = $.accountAssets[accountId];
        uint256 count = held.length;
        IEquityPriceOracle oracle = $.oracle;
        for (uint256 i; i < count; ++i) {
            address asset = held[i];
            PriceCache.Price memory price = PriceCache.peek(oracle, $.assets[asset].feedId);
            _addCollateral($, health, accountId, asset, price, maintenance, newRisk);
        }
        _addMarkets($, health, accountId, maintenance);
    }

    /// @dev `_valuation`, reading each price into the transaction's cache (the first read of a feed in a
    ///      transaction is the one every later read sees).
    function _valuationCaching(MarginVaultStorage storage $, uint256 accountId, bool maintenance, bool newRisk)
        internal
        returns (Health memory health)
    {
        health = _cashAndDebt($, accountId);
        address[] storage held = $.accountAssets[accountId];
        uint256 count = held.length;
        IEquityPriceOracle oracle = $.oracle;
        for (uint256 i; i < count; ++i) {
            address asset = held[i];
            PriceCache.Price memory price = PriceCache.read(oracle, $.assets[asset].feedId);
            _addCollateral($, health, accountId, asset, price, maintenance, newRisk);
        }
        _addMarkets($, health, accountId, maintenance);
    }

    function _cashAndDebt(MarginVaultStorage storage $, uint256 accountId) private view returns (Health memory health) {
        uint256 cash = $.accounts[accountId].cash;
        uint256 debt = _debtOf(accountId);
        if (cash == 0 && debt == 0) return health; // the common stock-only account reads nothing more
        uint8 settlementDecimals = $.settlementDecimals;
        health.cash = CollateralMath.atPar(cash, settlementDecimals);
        health.debt = CollateralMath.atPar(debt, settlementDecimals);
    }

    function _addCollateral(
        MarginVaultStorage storage $,
        Health memory health,
        uint256 accountId,
        address asset,
        PriceCache.Price memory price,
        bool maintenance,
        bool newRisk
    ) private view {
        Asset storage config = $.assets[asset];
        bool usable = maintenance ? price.liquidatable : (newRisk ? price.usableToOpenRisk : price.usableToValue);
        if (!usable) {
            if (health.unusableAsset == address(0)) health.unusableAsset = asset;
            return;
        }
        if (price.tokenPaused || (newRisk && config.newRiskPaused)) return;
        Holding memory holding = $.holdings[accountId][asset];
        Bps weight = CollateralMath.effectiveWeight(
            Bps.wrap(maintenance ? config.liquidationWeightBps : config.weightBps),
            holding.balance,
            Bps.wrap(config.maxSizeDiscountBps),
            config.depth,
            Bps.wrap(config.closedHaircutBps),
            price.closed
        );
        UsdValue value = price.pricePerToken.valueOf(holding.balance - holding.frozen, config.decimals);
        health.collateral = health.collateral + value.mulBpsDown(weight);
    }

    /// @dev Add the markets' PnL and requirements, then the counted profit share and the health factor.
    function _addMarkets(MarginVaultStorage storage $, Health memory health, uint256 accountId, bool maintenance)
        private
        view
    {
        address[] storage markets = $.accountMarkets[accountId];
        uint256 count = markets.length;
        for (uint256 i; i < count; ++i) {
            (UsdValue profit, UsdValue loss, UsdValue initialMargin, UsdValue maintenanceMargin) =
                IMarket(markets[i]).accountMargin(accountId);
            health.profit = health.profit + profit;
            health.loss = health.loss + loss;
            health.requirement = health.requirement + (maintenance ? maintenanceMargin : initialMargin);
        }
        if (UsdValue.unwrap(health.profit) != 0) health.profit = health.profit.mulBpsDown(Bps.wrap($.profitShareBps));
        health.healthFactor = CollateralMath.healthFactor(
            health.collateral + health.cash + health.profit, health.debt + health.loss + health.requirement
        );
    }

    function _requireInitial(MarginVaultStorage storage $, uint256 accountId, bool newRisk) internal {
        Health memory health = _valuationCaching($, accountId, false, newRisk);
        address unusable = health.unusableAsset;
        UsdValue backing = health.collateral + health.cash + health.profit;
        UsdValue owed = health.debt + health.loss + health.requirement;
        if (backing >= owed) return;
        if (unusable != address(0)) revert MarginVaultPriceUnusable(unusable, $.assets[unusable].feedId);
        (UsdValue equity, UsdValue required) =
            CollateralMath.equityAndRequired(backing, health.debt + health.loss, health.requirement);
        revert MarginVaultInsufficientMargin(accountId, equity, required);
    }

    // ---- Internal: liquidation rule shared with views ----

    function _sequencerAllowsLiquidation(MarginVaultStorage storage $, Wad healthFactor) internal view returns (bool) {
        address sentinel = $.oracle.sequencerSentinel();
        return sentinel == address(0) || ISequencerSentinel(sentinel).isLiquidationAllowed(Wad.unwrap(healthFactor));
    }

    // ---- Internal: debt interest ----

    function _currentIndex(MarginVaultStorage storage $) internal view returns (uint256) {
        return DebtMath.grow($.debtIndex, $.debtAprBps, block.timestamp - $.lastAccrual);
    }

    function _accrue(MarginVaultStorage storage $) internal {
        uint256 elapsed = block.timestamp - $.lastAccrual;
        if (elapsed == 0) return;
        $.lastAccrual = uint40(block.timestamp);
        if ($.totalDebtShares == 0 || $.debtAprBps == 0) return;
        uint256 index = $.debtIndex;
        uint256 grown = DebtMath.grow(index, $.debtAprBps, elapsed);
        $.debtIndex = uint128(grown);
        emit InterestAccrued(grown, DebtMath.debtOf($.totalDebtShares, grown) - DebtMath.debtOf($.totalDebtShares, index));
    }

    /// @dev `accountId`'s debt now, interest included, rounded up.
    function _debtOf(uint256 accountId) internal view returns (uint256) {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        uint256 shares = $.debtShares[accountId];
        return shares == 0 ? 0 : DebtMath.debtOf(shares, _currentIndex($));
    }

    // ---- Internal: settings ----

    function _setLiquidationConfig(LiquidationConfig calldata config) internal {
        if (!LiquidationMath.isValid(config)) revert MarginVaultLiquidationConfigInvalid();
        _getMarginVaultStorage().liquidation = config;
        emit LiquidationConfigSet(config);
    }

    // ---- Hooks ----

    function _accountOwner(uint256 accountId) internal view override returns (address) {
        return _getMarginVaultStorage().accounts[accountId].owner;
    }

    function _booked(uint256 accountId, address token) internal view override returns (uint256) {
        return _getMarginVaultStorage().holdings[accountId][token].balance;
    }

    function _bookedTotal(address token) internal view override returns (uint256) {
        return _getMarginVaultStorage().assets[token].booked;
    }
}
