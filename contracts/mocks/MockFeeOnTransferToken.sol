// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockFeeOnTransferToken
/// @notice A 6-decimal token that burns 1% of every transfer between two non-zero accounts, so the
///         receiver gets less than the amount sent (tests of contracts that must reject such shortfalls).
contract MockFeeOnTransferToken is ERC20 {
    /// @notice The fee burned on each transfer, in basis points.
    uint256 public constant FEE_BPS = 100;

    /// @param holder Receives `supply` raw units.
    /// @param supply The initial supply.
    constructor(address holder, uint256 supply) ERC20("Fee Token (mock)", "FEE") {
        _mint(holder, supply);
    }

    /// @notice Six decimals, like the stablecoins it stands in for.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @dev Burns `FEE_BPS` of `value` from `from` on transfers (not on mints or burns).
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = value * FEE_BPS / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
