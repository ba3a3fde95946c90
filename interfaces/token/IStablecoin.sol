// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title IStablecoin - what dualtrack uses of its settlement stablecoin (USDC on Base)
/// @notice ERC-20 with metadata (6 decimals expected) and EIP-2612 permit. The deployment manifest names
///         this ABI for a stablecoin dualtrack did not deploy itself.
interface IStablecoin is IERC20Metadata, IERC20Permit {}
