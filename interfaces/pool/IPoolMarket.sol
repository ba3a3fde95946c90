// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {UsdValue} from "../types/Units.sol";

/// @title IPoolMarket - what a market whose counterparty is the liquidity pool tells the pool
/// @notice A market registered on the LiquidityPool (RISK_ADMIN, a bounded list) reports its traders' aggregate
///         unrealised PnL against the pool, in O(1): the market keeps aggregate entry values (as Synthetix
///         tracks market debt) and never loops over positions to answer. The pool subtracts `netPnlUsd` from
///         its net asset value, compares `traderProfit` with its value for the ADL trigger, and `openInterest`
///         with its backing capital for the utilisation cap. Values are in USD, 18 decimals, at the market's
///         own mark; the call must not revert (a reverting market blocks the pool's epoch settlement).
interface IPoolMarket {
    /// @notice The traders' aggregate unrealised result against the pool.
    /// @return netPnlUsd Net unrealised PnL of all traders (positive: the pool owes traders), USD 18 decimals.
    /// @return traderProfit Sum of the unrealised profit of the winning positions only (gross, >= netPnlUsd).
    /// @return openInterest Notional of all open positions (the risk the pool backs).
    function traderPnl() external view returns (int256 netPnlUsd, UsdValue traderProfit, UsdValue openInterest);
}
