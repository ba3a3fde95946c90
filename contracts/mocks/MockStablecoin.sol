// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title MockStablecoin
/// @notice A 6-decimal USD stablecoin for local runs and tests (dividends, margin, LP deposits).
/// @dev Mirrors USDC's decimals and supports EIP-2612 permit. Only the owner mints, so tests can
///      fund actors deterministically; anyone may burn their own balance.
contract MockStablecoin is ERC20, ERC20Permit, Ownable {
    /// @notice Emitted when the owner mints new units.
    /// @param to The receiver of the minted units.
    /// @param amount The raw amount minted (6 decimals).
    event Minted(address indexed to, uint256 amount);

    /// @param name_ The ERC-20 name, e.g. "USD Coin (mock)".
    /// @param symbol_ The ERC-20 symbol, e.g. "USDC".
    /// @param owner_ The account allowed to mint.
    constructor(string memory name_, string memory symbol_, address owner_)
        ERC20(name_, symbol_)
        ERC20Permit(name_)
        Ownable(owner_)
    {}

    /// @notice Six decimals, as USDC on Base.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mint `amount` raw units to `to`.
    /// @dev Reverts with `OwnableUnauthorizedAccount` for callers other than the owner and with
    ///      `ERC20InvalidReceiver` for the zero address.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
        emit Minted(to, amount);
    }

    /// @notice Burn `amount` raw units from the caller's balance.
    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }
}
