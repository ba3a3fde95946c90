// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IMarket} from "../interfaces/margin/IMarket.sol";
import {ILiquidityPool} from "../interfaces/pool/ILiquidityPool.sol";
import {IPoolMarket} from "../interfaces/pool/IPoolMarket.sol";
import {UsdValue} from "../interfaces/types/Units.sol";

/// @title MockMarket - a market whose positions tests set by hand, to drive the margin vault as a market would
/// @notice Per account: unrealised profit and loss, initial and maintenance margin (USD, 18 decimals), and an
///         open notional. `closeForLiquidation` (and `closePosition`) realises the unrealised PnL through the
///         vault in settlement units (6 decimals; a loss rounded up, a profit down) and clears the account.
///         Flags make it refuse to close or revert on reads, for tests of a broken market. As a pool market
///         (IPoolMarket) it keeps O(1) aggregates of its accounts' profit, loss and notional, updated on every
///         change, and asks its pool (if set) before adding open interest.
contract MockMarket is IMarket, IPoolMarket {
    /// @dev Packed in two slots, as a real market packs its positions (USD, 18 decimals, < 2^128).
    struct Position {
        uint128 profit;
        uint128 loss;
        uint128 initialMargin;
        uint128 maintenanceMargin;
    }

    /// @notice Thrown by `accountMargin` while `brokenReads` is set.
    error MockMarketBroken();
    /// @notice Only the vault closes positions for a liquidation.
    error MockMarketNotVault(address caller);

    IMarginVault public immutable vault;
    uint256 private immutable _usdPerSettlementUnit;

    mapping(uint256 accountId => Position) public positions;
    /// @notice Each account's open notional (USD, 18 decimals).
    mapping(uint256 accountId => uint256) public notionalOf;
    bool public refuseToClose;
    bool public brokenReads;
    /// @notice The liquidity pool asked before open interest grows (zero: none).
    ILiquidityPool public pool;
    /// @notice Sum of every account's unrealised profit, loss and notional (USD, 18 decimals).
    uint256 public totalProfit;
    uint256 public totalLoss;
    uint256 public totalNotional;

    /// @param vault_ The margin vault. @param settlementDecimals The settlement asset's decimals.
    constructor(IMarginVault vault_, uint8 settlementDecimals) {
        vault = vault_;
        _usdPerSettlementUnit = 10 ** (18 - settlementDecimals);
    }

    /// @notice Enter `accountId` in this market (the vault adds it to the account's markets).
    function enter(uint256 accountId) external {
        vault.enterMarket(accountId);
    }

    /// @notice Clear `accountId`'s position and leave.
    function leave(uint256 accountId) external {
        _clear(accountId);
        vault.leaveMarket(accountId);
    }

    /// @notice Set `accountId`'s position without any check (a price move).
    function setPosition(uint256 accountId, UsdValue profit, UsdValue loss, UsdValue im, UsdValue mm) external {
        _store(accountId, _pack(profit, loss, im, mm));
    }

    /// @notice Enter, set the position, then ask the vault for initial margin (opening risk).
    function openRisk(uint256 accountId, UsdValue profit, UsdValue loss, UsdValue im, UsdValue mm) external {
        vault.enterMarket(accountId);
        _store(accountId, _pack(profit, loss, im, mm));
        vault.requireInitialMargin(accountId);
    }

    /// @notice Set `accountId`'s open notional; growth is first checked with the pool's utilisation cap.
    function setNotional(uint256 accountId, UsdValue notional) external {
        uint256 previous = notionalOf[accountId];
        uint256 next = UsdValue.unwrap(notional);
        if (next > previous && address(pool) != address(0)) pool.requireOpenInterest(UsdValue.wrap(next - previous));
        notionalOf[accountId] = next;
        totalNotional = totalNotional + next - previous;
    }

    /// @notice Set the pool asked before open interest grows (zero: none).
    function setPool(ILiquidityPool pool_) external {
        pool = pool_;
    }

    /// @notice Settle realised PnL (settlement units, signed) and a fee through the vault.
    function realize(uint256 accountId, int256 pnl, uint256 fee, address feeRecipient) external {
        if (pnl > 0) vault.creditProfit(accountId, uint256(pnl));
        if (pnl < 0) vault.chargeLoss(accountId, uint256(-pnl));
        if (fee != 0) vault.chargeFee(accountId, fee, feeRecipient);
    }

    /// @notice Make `closeForLiquidation` leave positions open, and `accountMargin` revert.
    function setFlags(bool refuseToClose_, bool brokenReads_) external {
        refuseToClose = refuseToClose_;
        brokenReads = brokenReads_;
    }

    /// @notice Close `accountId`'s position as its trader would: realise its PnL through the vault, clear it.
    function closePosition(uint256 accountId) external {
        _close(accountId);
    }

    /// @inheritdoc IMarket
    function accountMargin(uint256 accountId)
        external
        view
        returns (UsdValue profit, UsdValue loss, UsdValue initialMargin, UsdValue maintenanceMargin)
    {
        if (brokenReads) revert MockMarketBroken();
        Position memory position = positions[accountId];
        return (
            UsdValue.wrap(position.profit),
            UsdValue.wrap(position.loss),
            UsdValue.wrap(position.initialMargin),
            UsdValue.wrap(position.maintenanceMargin)
        );
    }

    /// @inheritdoc IMarket
    function closeForLiquidation(uint256 accountId) external returns (bool closedAll) {
        if (msg.sender != address(vault)) revert MockMarketNotVault(msg.sender);
        if (refuseToClose) return false;
        _close(accountId);
        return true;
    }

    /// @inheritdoc IPoolMarket
    function traderPnl() external view returns (int256 netPnlUsd, UsdValue traderProfit, UsdValue openInterest) {
        return (int256(totalProfit) - int256(totalLoss), UsdValue.wrap(totalProfit), UsdValue.wrap(totalNotional));
    }

    function _close(uint256 accountId) private {
        Position memory position = positions[accountId];
        _clear(accountId);
        uint256 profit = position.profit / _usdPerSettlementUnit;
        uint256 loss = (uint256(position.loss) + _usdPerSettlementUnit - 1) / _usdPerSettlementUnit;
        if (profit > loss) vault.creditProfit(accountId, profit - loss);
        if (loss > profit) vault.chargeLoss(accountId, loss - profit);
    }

    /// @dev Replace `accountId`'s position, keeping the aggregates in step (O(1)).
    function _store(uint256 accountId, Position memory next) private {
        Position memory previous = positions[accountId];
        totalProfit = totalProfit + next.profit - previous.profit;
        totalLoss = totalLoss + next.loss - previous.loss;
        positions[accountId] = next;
    }

    function _clear(uint256 accountId) private {
        _store(accountId, Position(0, 0, 0, 0));
        totalNotional -= notionalOf[accountId];
        delete notionalOf[accountId];
    }

    function _pack(UsdValue profit, UsdValue loss, UsdValue im, UsdValue mm) private pure returns (Position memory) {
        return Position(
            uint128(UsdValue.unwrap(profit)),
            uint128(UsdValue.unwrap(loss)),
            uint128(UsdValue.unwrap(im)),
            uint128(UsdValue.unwrap(mm))
        );
    }
}
