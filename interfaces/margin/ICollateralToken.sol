// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title ICollateralToken - what dualtrack uses of a collateral token that is not a stock (WETH, a BTC token)
/// @notice ERC-20 with metadata: the margin vault reads its decimals once, when it lists it. The deployment
///         manifest names this ABI for a collateral token dualtrack did not deploy itself.
interface ICollateralToken is IERC20Metadata {}
