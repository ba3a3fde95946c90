// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {UsdValue} from "../types/Units.sol";

/// @title IMarket - what a market (perpetual futures, perpetual options) answers to the margin vault
/// @notice A market registered on the MarginVault (RISK_ADMIN) margins its positions from vault accounts.
///         The vault asks each market an account has entered (at most `MAX_MARKETS_PER_ACCOUNT`) for the
///         account's unrealised PnL and requirements whenever it values the account, and asks it to close
///         the account's positions when the account is liquidated. The market settles realised PnL and
///         fees through the vault (`IMarginVault.creditProfit`, `chargeLoss`, `chargeFee`), in the
///         settlement asset. Every value is in USD, 18 decimals (`UsdValue`), valued at the market's own
///         mark; a market must answer `accountMargin` without reverting for any account id (zero for one
///         it does not know), or the vault cannot value, and so cannot liquidate, that account.
interface IMarket {
    /// @notice The margin state of `accountId`'s positions in this market.
    /// @return profit Unrealised profit (the vault counts at most its configured share of it, never
    ///         lets it be withdrawn).
    /// @return loss Unrealised loss (counted in full).
    /// @return initialMargin What the positions require to open or grow, and to withdraw collateral.
    /// @return maintenanceMargin What they require to stay open (below it the account is liquidatable).
    function accountMargin(uint256 accountId)
        external
        view
        returns (UsdValue profit, UsdValue loss, UsdValue initialMargin, UsdValue maintenanceMargin);

    /// @notice Close `accountId`'s positions (wholly or as far as the market's own rules allow in one
    ///         call), settling their PnL through the vault. Only the vault calls it, during a liquidation.
    /// @return closedAll Whether the account has no position left in this market (the vault then removes
    ///         the market from the account).
    function closeForLiquidation(uint256 accountId) external returns (bool closedAll);
}
