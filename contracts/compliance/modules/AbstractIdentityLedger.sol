// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AbstractCustodianModule} from "./AbstractCustodianModule.sol";
import {Movement, MovementKind} from "../../interfaces/compliance/IComplianceModule.sol";

/// @title AbstractIdentityLedger - per-identity balances that look through custodians
/// @notice The ledger MaxBalanceModule and MaxHoldersModule share, so both attribute a custodian's
///         holdings the same way. Per compliance and binding epoch, each identity has one entry word:
///         its tracked balance, and in the top bit whether it is a custodian. The movement path reads
///         the two parties' entries anyway, so knowing whether either is a custodian costs nothing.
///
///         Look-through (a movement between a custodian and a non-custodian, other than a Rekey):
///         - into custody: the sender's balance is NOT debited; the amount is added to what
///           custodians hold for the sender (`_custodied`). The custodian's own balance is credited.
///         - out of custody: the custodian is debited; the receiver's custodied amount (at most its
///           balance) pays the movement first, that part leaving the receiver's balance unchanged;
///           only the rest is credited.
///         So a non-custodian's tracked balance is what its wallets hold plus what custodians hold for
///         it; a custodian's is what its own wallets hold. Mints to and burns from a custodian, Rekeys
///         and custodian-to-custodian movements only change the parties' own balances.
///         Known limit: a custodian's outflow to a third party (a liquidation, a seizure) cannot be
///         traced to the depositor it came from, so the depositor stays credited with it: balances
///         may be over-stated by what custodians gave away for their depositors, never under-stated.
/// @dev Entries saturate at 2**255 - 1 (tracked balances that large only arise from unchecked
///      movements of absurd amounts); the errors report the unsaturated sum.
abstract contract AbstractIdentityLedger is AbstractCustodianModule {
    /// @dev Top bit of an entry: the identity is a custodian.
    uint256 internal constant CUSTODIAN = 1 << 255;
    /// @dev The other 255 bits of an entry: the identity's tracked balance.
    uint256 internal constant BALANCE_MASK = (1 << 255) - 1; // a literal: no runtime arithmetic

    /// @dev The entries, read and written by the modules' hot paths directly (see `_recordWithCustodian`).
    mapping(address compliance => mapping(uint256 epoch => mapping(address identity => uint256 entry))) internal
        _entries;
    mapping(address compliance => mapping(uint256 epoch => mapping(address identity => uint256 amount))) private
        _custodied;

    // ---- Hooks for the modules ----

    /// @dev The binding epoch of `compliance` (which ledger is current).
    function _epoch(address compliance) internal view virtual returns (uint256);

    /// @dev `identity`'s custodian flag of bound `compliance` changed to `isCustodian_`; its tracked
    ///      balance is `balance`. Nothing by default.
    function _custodianChanged(address compliance, uint256 balance, bool isCustodian_) internal virtual {}

    // ---- Recording (the calling compliance's ledger) ----

    /// @dev Record, in the calling compliance's ledger `epoch`, a movement one of whose parties is a
    ///      custodian: `fromEntry` (zero for a Mint) or `toEntry` (zero for a Burn), the parties'
    ///      entries the caller read, is at least `CUSTODIAN`. The caller has returned early for a
    ///      same-identity Transfer, Forced, Recovery or Rekey. A movement between two non-custodians
    ///      the modules record themselves (their hot path, as before custodians existed).
    /// @return credit What was added to the receiver's balance (the amount less what came back
    ///         from custody).
    /// @return toBalance The receiver's balance after (saturating at 2**256 - 1, not stored so).
    /// @return senderLeft Whether the sender, not a custodian, had a balance and now has none.
    function _recordWithCustodian(uint256 epoch, Movement calldata movement, uint256 fromEntry, uint256 toEntry)
        internal
        returns (uint256 credit, uint256 toBalance, bool senderLeft)
    {
        mapping(address identity => uint256 entry) storage entries = _entries[msg.sender][epoch];
        MovementKind kind = movement.kind;
        uint256 amount = movement.amount;
        // Exactly one party is a custodian (a mint's and a burn's missing party is not), and holdings
        // changed hands: a Rekey only changes whose identity one wallet is.
        bool lookThrough = (fromEntry ^ toEntry) >= CUSTODIAN && kind != MovementKind.Rekey;
        if (kind != MovementKind.Mint) {
            if (lookThrough && toEntry >= CUSTODIAN) {
                // Into custody: the sender keeps the amount, now held for it.
                mapping(address identity => uint256 amount) storage custodied = _custodied[msg.sender][epoch];
                custodied[movement.fromIdentity] = _saturatingAdd(custodied[movement.fromIdentity], amount);
            } else {
                senderLeft = _debit(entries, movement.fromIdentity, fromEntry, amount);
            }
        }
        if (kind != MovementKind.Burn) {
            credit = amount;
            if (lookThrough && fromEntry >= CUSTODIAN) {
                // Out of custody: what custody holds for the receiver pays first.
                credit -= _takeFromCustody(
                    _custodied[msg.sender][epoch], movement.toIdentity, toEntry & BALANCE_MASK, amount
                );
            }
            toBalance = _saturatingAdd(toEntry & BALANCE_MASK, credit);
            if (credit != 0) {
                uint256 stored = toBalance > BALANCE_MASK ? BALANCE_MASK : toBalance;
                entries[movement.toIdentity] = stored | (toEntry & CUSTODIAN);
            }
        }
    }

    // ---- Reads ----

    /// @dev The entry of `identity` in `compliance`'s ledger `epoch`.
    function _entryOf(address compliance, uint256 epoch, address identity) internal view returns (uint256) {
        return _entries[compliance][epoch][identity];
    }

    /// @dev What custodians hold for `identity` in `compliance`'s ledger `epoch`.
    function _custodiedOf(address compliance, uint256 epoch, address identity) internal view returns (uint256) {
        return _custodied[compliance][epoch][identity];
    }

    /// @dev The part of `amount` that a movement out of custody to non-custodian `identity` (tracked
    ///      balance `balance`) takes from its custodied amount.
    function _returnable(address compliance, uint256 epoch, address identity, uint256 balance, uint256 amount)
        internal
        view
        returns (uint256)
    {
        return _min3(_custodied[compliance][epoch][identity], balance, amount);
    }

    // ---- Custodian flag ----

    function _setCustodian(address compliance, address identity, bool isCustodian_)
        internal
        override
        returns (bool changed)
    {
        mapping(address identity => uint256 entry) storage entries = _entries[compliance][_epoch(compliance)];
        uint256 entry = entries[identity];
        if ((entry >= CUSTODIAN) == isCustodian_) return false;
        entries[identity] = entry ^ CUSTODIAN;
        _custodianChanged(compliance, entry & BALANCE_MASK, isCustodian_);
        return true;
    }

    function _isCustodian(address compliance, address identity) internal view override returns (bool) {
        return _entries[compliance][_epoch(compliance)][identity] >= CUSTODIAN;
    }

    // ---- Internals ----

    /// @dev Debit `amount` from `identity` (entry `entry`), saturating at zero; whether a
    ///      non-custodian holder left.
    function _debit(
        mapping(address identity => uint256 entry) storage entries,
        address identity,
        uint256 entry,
        uint256 amount
    ) private returns (bool left) {
        uint256 balance = entry & BALANCE_MASK;
        if (balance == 0) return false;
        uint256 balanceAfter = _saturatingSub(balance, amount);
        entries[identity] = balanceAfter | (entry & CUSTODIAN);
        return balanceAfter == 0 && entry < CUSTODIAN;
    }

    /// @dev Take what custody holds for `identity` (at most its `balance` and `amount`); return it.
    function _takeFromCustody(
        mapping(address identity => uint256 amount) storage custodied,
        address identity,
        uint256 balance,
        uint256 amount
    ) private returns (uint256 taken) {
        uint256 held = custodied[identity];
        taken = _min3(held, balance, amount);
        if (taken != 0) custodied[identity] = held - taken;
    }

    function _min3(uint256 a, uint256 b, uint256 c) private pure returns (uint256 m) {
        m = a < b ? a : b;
        if (c < m) m = c;
    }
}
