// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICustodianModule} from "./ICustodianModule.sol";

/// @title IMaxHoldersModule - cap on the number of identities holding a non-zero balance
/// @notice Tracks every identity's balance and the holder count from the movements (same rules as
///         IMaxBalanceModule, Rekey included). The zero identity, which holds the balance of wallets
///         without an identity (e.g. deleted from a TransferPolicy while holding tokens), counts as one
///         holder while that balance is not zero. A Transfer or Mint that makes its receiver identity a
///         new holder is rejected if the holder count after it (a sender that sends its whole balance
///         leaves first) exceeds the max; other kinds are never rejected. The max is 0 after binding.
///         Binding needs a token without supply.
///
///         Custodians (ICustodianModule; e.g. the margin vault's identity) are never counted, and the
///         module looks through them with IMaxBalanceModule's rules: an identity counts while its
///         wallets' sum plus what custodians hold for it (`heldInCustody`) is not zero. So a holder
///         depositing everything into a custodian keeps its slot, the custodian takes none, and
///         withdrawing one's own deposit never needs a new slot; a custodian sending to an identity
///         that holds nothing makes it a holder (checked on Transfer). Marking a holder a custodian
///         removes it from the count; unmarking a custodian that holds adds it back (never rejected).
interface IMaxHoldersModule is ICustodianModule {
    /// @notice `compliance` set its max holder count.
    event MaxHoldersSet(address indexed compliance, uint256 max);

    /// @notice `identity` would be holder number `holdersAfter`, above `max`.
    error MaxHoldersModuleExceeded(address identity, uint256 holdersAfter, uint256 max);

    /// @notice Set the caller compliance's max holder count (bound compliance only).
    function setMaxHolders(uint64 max) external;
    /// @notice The max holder count of `compliance`.
    function maxHolders(address compliance) external view returns (uint256);
    /// @notice The number of identities with a non-zero tracked balance under `compliance`.
    function holderCount(address compliance) external view returns (uint256);
    /// @notice The tracked balance of `identity` under `compliance`: what its wallets hold plus, unless it
    ///         is a custodian, what custodians hold for it (`heldInCustody`).
    function identityBalance(address compliance, address identity) external view returns (uint256);
    /// @notice What custodians hold for `identity` under `compliance` (part of its tracked balance).
    function heldInCustody(address compliance, address identity) external view returns (uint256);
}
