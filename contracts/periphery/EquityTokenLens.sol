// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityToken} from "../interfaces/token/IEquityToken.sol";

/// @title EquityTokenLens - batched read-only views over EquityToken accounts
/// @notice A periphery contract for integrators, keepers and the fuzz harness: one call returns the
///         balance, frozen amount and frozen flag of many wallets, and the total supply, all read in
///         the same block.
contract EquityTokenLens {
    /// @notice One wallet's state.
    struct AccountView {
        address wallet;
        uint256 balance;
        uint256 frozen;
        bool walletFrozen;
    }

    /// @notice The state of `wallets` in `token` and the token's total supply.
    function accounts(IEquityToken token, address[] calldata wallets)
        external
        view
        returns (AccountView[] memory views, uint256 totalSupply)
    {
        views = new AccountView[](wallets.length);
        for (uint256 i; i < wallets.length; ++i) {
            address wallet = wallets[i];
            views[i] = AccountView(wallet, token.balanceOf(wallet), token.getFrozenTokens(wallet), token.isFrozen(wallet));
        }
        totalSupply = token.totalSupply();
    }
}
