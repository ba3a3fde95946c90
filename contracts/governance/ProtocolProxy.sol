// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title ProtocolProxy - the ERC-1967 proxy of the trading track's fund-holding contracts
/// @notice The margin vault (and the pools and markets after it) live behind this proxy; their UUPS
///         implementation decides upgrades (`upgradeToAndCall`, restricted to UPGRADER under its delay).
///         See docs/upgrades.md.
contract ProtocolProxy is ERC1967Proxy {
    /// @param implementation The first implementation.
    /// @param data The initializer call (e.g. `initialize(...)`), run in the proxy's context.
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}
