// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICustodianModule} from "./ICustodianModule.sol";

/// @title IMaxBalanceModule - cap on the balance of each identity (all its wallets together)
/// @notice Tracks every identity's balance from the movements (Mint credits, Burn debits, the
///         others move between identities; Recovery and other same-identity movements leave it
///         unchanged; Rekey moves a re-keyed wallet's balance to its new identity). The zero
///         identity stands for wallets without one. A Transfer or Mint is rejected if the receiver
///         identity's balance after it exceeds the max; a same-identity Transfer does not change it
///         and is not checked, nor are Burn, Forced, Recovery and Rekey. Debits saturate at zero (an
///         identity only differs from its wallets' sum if a stand-alone registry changed a wallet's
///         identity while it held tokens). The max is 0 after binding: set it before minting.
///         Binding needs a token without supply.
///
///         Custodians (ICustodianModule; e.g. the margin vault's identity): a custodian's balance
///         is tracked but never capped, and the module looks through it. A movement (other than a
///         Rekey) from a non-custodian into a custodian leaves the sender's balance unchanged and
///         adds the amount to what custodians hold for it (`heldInCustody`); one from a custodian to
///         a non-custodian is first paid out of what they hold for the receiver (at most its
///         balance), which leaves its balance unchanged, and only the rest is credited and checked.
///         So an investor's balance is its wallets' sum plus what custodians hold for it: a deposit
///         frees no room under the cap, and withdrawing one's own deposit never exceeds it (a
///         receiver whose balance does not grow is not checked). A custodian's outflow to a third
///         party (a liquidation, a seizure) cannot be traced to its depositor, who stays credited
///         with it: a balance may be over-stated by that, never under-stated. Marking or unmarking
///         changes no balance.
interface IMaxBalanceModule is ICustodianModule {
    /// @notice `compliance` set its max identity balance.
    event MaxBalanceSet(address indexed compliance, uint256 max);

    /// @notice The receiver identity's balance would be `balanceAfter`, above `max`.
    error MaxBalanceModuleExceeded(address identity, uint256 balanceAfter, uint256 max);

    /// @notice Set the caller compliance's max identity balance (bound compliance only).
    function setMaxBalance(uint216 max) external;
    /// @notice The max identity balance of `compliance`.
    function maxBalance(address compliance) external view returns (uint256);
    /// @notice The tracked balance of `identity` under `compliance`: what its wallets hold plus, unless it
    ///         is a custodian, what custodians hold for it (`heldInCustody`).
    function identityBalance(address compliance, address identity) external view returns (uint256);
    /// @notice What custodians hold for `identity` under `compliance` (part of its tracked balance).
    function heldInCustody(address compliance, address identity) external view returns (uint256);
}
