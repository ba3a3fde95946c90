// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title MockCollateralToken - a plain ERC-20 with any decimals (WETH: 18, WBTC: 8) for local runs and tests
/// @dev Only the owner mints, so tests fund actors deterministically.
contract MockCollateralToken is ERC20, Ownable {
    uint8 private immutable _decimals;

    /// @param name_ The ERC-20 name. @param symbol_ The symbol. @param decimals_ Its decimals.
    /// @param owner_ The account allowed to mint.
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_)
        ERC20(name_, symbol_)
        Ownable(owner_)
    {
        _decimals = decimals_;
    }

    /// @notice The decimals given at deployment.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Mint `amount` raw units to `to` (owner only).
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
