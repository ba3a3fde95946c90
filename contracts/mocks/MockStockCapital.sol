// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ILiquidityPool} from "../interfaces/pool/ILiquidityPool.sol";
import {IStockCapitalHooks} from "../interfaces/pool/IStockCapital.sol";
import {UsdValue} from "../interfaces/types/Units.sol";

/// @title MockStockCapital - stock capital whose values tests set by hand, to drive the liquidity pool's split
/// @notice Reports the fair and risk values tests set, records every result the pool books, and calls the
///         pool's stock-capital entry points (a payout to a stock LP, auction proceeds) on a test's behalf.
contract MockStockCapital is IStockCapitalHooks {
    /// @notice Only the pool books results.
    error MockStockCapitalNotPool(address caller);

    ILiquidityPool public immutable pool;
    UsdValue public fairValue;
    UsdValue public riskValue;
    /// @notice The sum of the results booked (USD, 18 decimals) and how many bookings there were.
    int256 public bookedTotal;
    uint256 public bookings;

    /// @param pool_ The liquidity pool.
    constructor(ILiquidityPool pool_) {
        pool = pool_;
    }

    /// @notice Set the values `capitalValue` reports.
    function setValues(UsdValue fair, UsdValue risk) external {
        fairValue = fair;
        riskValue = risk;
    }

    /// @inheritdoc IStockCapitalHooks
    function capitalValue() external view returns (UsdValue fair, UsdValue risk) {
        return (fairValue, riskValue);
    }

    /// @inheritdoc IStockCapitalHooks
    function bookResult(int256 resultUsd) external {
        if (msg.sender != address(pool)) revert MockStockCapitalNotPool(msg.sender);
        bookedTotal += resultUsd;
        ++bookings;
    }

    /// @notice Have the pool pay `amount` of this capital's balance to `to`.
    function pay(address to, uint256 amount) external {
        pool.payStockCapital(to, amount);
    }

    /// @notice Pay `amount` of stablecoin this contract holds into the pool (auction proceeds).
    function sendProceeds(uint256 amount) external {
        IERC20 asset = pool.asset();
        asset.approve(address(pool), amount);
        pool.receiveStockProceeds(amount);
    }
}
