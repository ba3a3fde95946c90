// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ILossAbsorber - who takes an account's residual bad debt (the insurance pool, then the liquidity pool)
/// @notice When a liquidated account has no collateral and no position left but still owes debt, the
///         margin vault writes the debt off its books (the counterparty's receivable shrinks by the same
///         amount) and reports it here. The absorber decides how the loss is covered (its own funds first,
///         then socialised). The vault calls it after its books are final and its lock released (so the
///         absorber may call back, e.g. `fundCredit` for the counterparty), with a bounded gas budget, and
///         records a failed call as unabsorbed, so a broken absorber never blocks a write-off.
interface ILossAbsorber {
    /// @notice `amount` raw units of the settlement `asset` owed by `accountId` were written off as bad
    ///         debt by the calling vault.
    /// @return The selector `ILossAbsorber.onBadDebt.selector` to acknowledge.
    function onBadDebt(uint256 accountId, address asset, uint256 amount) external returns (bytes4);
}
