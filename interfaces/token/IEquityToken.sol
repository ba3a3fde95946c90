// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC3643} from "./IERC3643.sol";
import {IAgentRole} from "./IAgentRole.sol";

/// @title IEquityToken - dualtrack's ERC-3643 stock token
/// @notice ERC-20 + permit + the full IERC3643 surface + per-agent restrictions. Balances are raw
///         units; `decimals()` applies. Improvements over the reference: the allowance is checked
///         before any costly check, batch arrays must have equal lengths, forced transfers and
///         recoveries emit their own events and notify compliance, and recovery checks that the
///         lost wallet belongs to the given identity. The token also answers ICorporateActionTarget
///         (an ERC-8056 UI multiplier for splits and stock dividends, record-time balance snapshots
///         for cash dividends; neither ever changes a raw balance): integrators use both interfaces
///         on the same address.
interface IEquityToken is IERC3643, IERC20Metadata, IERC20Permit, IAgentRole {
    /// @notice An agent moved tokens with `forcedTransfer` (emitted besides `Transfer`).
    event ForcedTransfer(address indexed agent, address indexed from, address indexed to, uint256 amount);

    /// @notice Holder transfers are paused.
    error EquityTokenPaused();
    /// @notice The token is not paused.
    error EquityTokenNotPaused();
    /// @notice The wallet is frozen.
    error EquityTokenFrozenWallet(address wallet);
    /// @notice The wallet's unfrozen balance is smaller than `needed`.
    error EquityTokenInsufficientUnfrozenBalance(address wallet, uint256 available, uint256 needed);
    /// @notice The receiver is not verified by the identity registry.
    error EquityTokenUnverifiedReceiver(address wallet);
    /// @notice Batch arrays differ in length.
    error EquityTokenLengthMismatch(uint256 first, uint256 second);
    /// @notice Freezing would make the frozen amount exceed the balance.
    error EquityTokenFreezeExceedsBalance(address wallet, uint256 balance, uint256 frozenAfter);
    /// @notice Unfreezing more than is frozen.
    error EquityTokenUnfreezeExceedsFrozen(address wallet, uint256 frozen, uint256 amount);
    /// @notice The lost wallet's identity is not the identity given.
    error EquityTokenRecoveryIdentityMismatch(address lostWallet, address expected, address actual);
    /// @notice The new wallet is not a MANAGEMENT key of the identity.
    error EquityTokenRecoveryWalletNotKey(address newWallet, address identity);
    /// @notice The lost wallet holds nothing to recover.
    error EquityTokenRecoveryNothingToRecover(address lostWallet);
    /// @notice The compliance has not been bound to this token by its owner.
    error EquityTokenComplianceNotBound(address compliance);
    /// @notice A compliance with modules cannot take over a token that has supply: stateful module
    ///         state must start at zero supply. Switch to it with no modules, then add them (stateful
    ///         modules refuse binding while there is supply; stateless ones bind normally).
    error EquityTokenComplianceHasModules(address compliance, uint256 modules);
    /// @notice While the token has supply and its compliance has modules, the identity registry cannot
    ///         change: modules key balances by the registry's identities (MaxBalance, MaxHolders), and a
    ///         new registry would silently re-key that state. The same rule as `setCompliance`: remove
    ///         the modules (or reach zero supply) first.
    error EquityTokenRegistryChangeWithModules(address compliance, uint256 modules, uint256 totalSupply);
    /// @notice The token's name cannot be empty (as the ERC-3643 reference requires).
    error EquityTokenEmptyName();
    /// @notice The token's symbol cannot be empty (as the ERC-3643 reference requires).
    error EquityTokenEmptySymbol();
    /// @notice A forced transfer needs two different wallets (a self-transfer would only unfreeze).
    error EquityTokenForcedSelfTransfer(address wallet);
    /// @notice Zero address where a contract or holder is required.
    error EquityTokenZeroAddress();
    /// @notice Supply would exceed the 112-bit raw-unit capacity.
    error EquityTokenSupplyOverflow(uint256 supplyAfter);
    /// @notice The decimals are above 18.
    error EquityTokenInvalidDecimals(uint8 decimals);
    /// @notice `permit` after its deadline (OpenZeppelin's error, same selector).
    error ERC2612ExpiredSignature(uint256 deadline);
    /// @notice `permit` signed by someone other than the holder (OpenZeppelin's error, same selector).
    error ERC2612InvalidSigner(address signer, address owner);

    /// @notice Initializer parameters.
    struct InitParams {
        string name;
        string symbol;
        uint8 decimals;
        address onchainID;
        address owner;
        address identityRegistry;
        address compliance;
    }

    /// @notice Initialize a token behind its proxy. The compliance owner binds the compliance to the
    ///         token (any time before the first mint); `setCompliance` later requires that binding.
    function initialize(InitParams calldata params) external;
}
