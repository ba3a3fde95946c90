// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";
import {IModularCompliance} from "../compliance/IModularCompliance.sol";

/// @title IERC3643 - permissioned security token (the EIP's interface)
/// @notice Transfer checks, in order: not paused; neither wallet frozen; amount <= balance - frozen;
///         receiver verified; compliance allows; then compliance records the movement.
interface IERC3643 is IERC20 {
    /// @notice Name, symbol, decimals, version or onchainID changed.
    event UpdatedTokenInformation(
        string newName, string newSymbol, uint8 newDecimals, string newVersion, address newOnchainID
    );
    /// @notice The identity registry was set.
    event IdentityRegistryAdded(address indexed identityRegistry);
    /// @notice The compliance was set.
    event ComplianceAdded(address indexed compliance);
    /// @notice An agent recovered `lostWallet` into `newWallet`.
    event RecoverySuccess(address indexed lostWallet, address indexed newWallet, address indexed investorOnchainID);
    /// @notice A wallet was frozen or unfrozen.
    event AddressFrozen(address indexed userAddress, bool indexed isFrozen, address indexed owner);
    /// @notice Part of a wallet's balance was frozen.
    event TokensFrozen(address indexed userAddress, uint256 amount);
    /// @notice Part of a wallet's frozen balance was unfrozen.
    event TokensUnfrozen(address indexed userAddress, uint256 amount);
    /// @notice The token was paused.
    event Paused(address userAddress);
    /// @notice The token was unpaused.
    event Unpaused(address userAddress);

    /// @notice Change the name (owner only; not empty). The EIP-712 domain of `permit` follows it.
    function setName(string calldata name) external;
    /// @notice Change the symbol (owner only; not empty).
    function setSymbol(string calldata symbol) external;
    /// @notice Change the token's own identity (owner only).
    function setOnchainID(address onchainID) external;
    /// @notice Pause holder transfers (agent).
    function pause() external;
    /// @notice Unpause holder transfers (agent).
    function unpause() external;
    /// @notice Freeze or unfreeze a wallet (agent).
    function setAddressFrozen(address userAddress, bool freeze) external;
    /// @notice Freeze part of a wallet's balance (agent).
    function freezePartialTokens(address userAddress, uint256 amount) external;
    /// @notice Unfreeze part of a wallet's frozen balance (agent).
    function unfreezePartialTokens(address userAddress, uint256 amount) external;
    /// @notice Point at another identity registry (owner only; refused while the token has supply and
    ///         its compliance has modules, whose state is keyed by the registry's identities).
    function setIdentityRegistry(address identityRegistry) external;
    /// @notice Point at another compliance, which must already be bound to this token (owner only).
    function setCompliance(address compliance) external;
    /// @notice Move tokens regardless of compliance, unfreezing any shortfall (agent).
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool);
    /// @notice Mint to a verified wallet that compliance accepts (agent).
    function mint(address to, uint256 amount) external;
    /// @notice Burn, unfreezing any shortfall (agent).
    function burn(address userAddress, uint256 amount) external;
    /// @notice Move a lost wallet's balance, frozen amount and frozen flag to a new wallet of the
    ///         same identity (agent).
    function recoveryAddress(address lostWallet, address newWallet, address investorOnchainID)
        external
        returns (bool);
    /// @notice Transfer to many receivers (arrays must have equal lengths).
    function batchTransfer(address[] calldata toList, uint256[] calldata amounts) external;
    /// @notice Forced transfers in a batch (agent).
    function batchForcedTransfer(address[] calldata fromList, address[] calldata toList, uint256[] calldata amounts)
        external;
    /// @notice Mints in a batch (agent).
    function batchMint(address[] calldata toList, uint256[] calldata amounts) external;
    /// @notice Burns in a batch (agent).
    function batchBurn(address[] calldata userAddresses, uint256[] calldata amounts) external;
    /// @notice Freeze or unfreeze many wallets (agent).
    function batchSetAddressFrozen(address[] calldata userAddresses, bool[] calldata freeze) external;
    /// @notice Partial freezes in a batch (agent).
    function batchFreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external;
    /// @notice Partial unfreezes in a batch (agent).
    function batchUnfreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external;

    /// @notice The token's own identity.
    function onchainID() external view returns (address);
    /// @notice The implementation version.
    function version() external view returns (string memory);
    /// @notice The identity registry.
    function identityRegistry() external view returns (IIdentityRegistry);
    /// @notice The compliance.
    function compliance() external view returns (IModularCompliance);
    /// @notice Whether holder transfers are paused.
    function paused() external view returns (bool);
    /// @notice Whether `userAddress` is frozen.
    function isFrozen(address userAddress) external view returns (bool);
    /// @notice The frozen part of `userAddress`'s balance.
    function getFrozenTokens(address userAddress) external view returns (uint256);
}
