// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IStockCapital, IStockCapitalPool} from "../interfaces/pool/IStockCapital.sol";

/// @title MockStockCapitalPool - the liquidity pool as StockCapital sees it, for tests
/// @notice Books results into StockCapital (as the pool does at epoch settlement) and pays a positive tranche
///         balance from the stablecoin it holds (tests mint it).
contract MockStockCapitalPool is IStockCapitalPool {
    using SafeERC20 for IERC20;

    /// @notice Only the StockCapital set here may ask for a payment.
    error MockStockCapitalPoolNotStockCapital(address caller);

    IERC20 public immutable STABLECOIN;
    IStockCapital public stockCapital;

    /// @param stablecoin The settlement stablecoin the pool pays in.
    constructor(IERC20 stablecoin) {
        STABLECOIN = stablecoin;
    }

    /// @notice Set the StockCapital this pool books into and pays.
    function setStockCapital(IStockCapital stockCapital_) external {
        stockCapital = stockCapital_;
    }

    /// @notice Book `resultUsd` (18 decimals, signed) into StockCapital.
    function bookResult(int256 resultUsd) external {
        stockCapital.bookResult(resultUsd);
    }

    /// @inheritdoc IStockCapitalPool
    function receiveStockProceeds(uint256 amount) external {
        if (msg.sender != address(stockCapital)) revert MockStockCapitalPoolNotStockCapital(msg.sender);
        STABLECOIN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IStockCapitalPool
    function payStockCapital(address to, uint256 amount) external {
        if (msg.sender != address(stockCapital)) revert MockStockCapitalPoolNotStockCapital(msg.sender);
        STABLECOIN.safeTransfer(to, amount);
    }
}
