// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AbstractIdentityLedger} from "./AbstractIdentityLedger.sol";
import {IComplianceModule, Movement, MovementKind} from "../../interfaces/compliance/IComplianceModule.sol";
import {IMaxHoldersModule} from "../../interfaces/compliance/modules/IMaxHoldersModule.sol";

/// @title MaxHoldersModule - caps the number of identities holding tokens
/// @notice See IMaxHoldersModule. Balances are keyed by a binding epoch, so unbinding is O(1) and
///         a later binding starts empty and without custodians; the holder count lives in the
///         configuration slot. Custodians (`setCustodian`, the compliance's owner) are never counted,
///         and looked through: a depositor keeps counting while a custodian holds anything for it
///         (AbstractIdentityLedger), so a deposit frees no slot and a withdrawal takes none. The flag
///         lives in the identity's balance word, so a plain transfer reads nothing more.
contract MaxHoldersModule is IMaxHoldersModule, AbstractIdentityLedger {
    /// @dev One slot, read once per movement and written only when the holder count changes.
    struct Config {
        bool bound;
        uint32 epoch;
        uint64 holders;
        uint64 max;
    }

    mapping(address compliance => Config) private _configs;

    // ---- Configuration (through the compliance) ----

    /// @inheritdoc IMaxHoldersModule
    function setMaxHolders(uint64 max) external {
        _requireBoundCaller();
        _configs[msg.sender].max = max;
        emit MaxHoldersSet(msg.sender, max);
    }

    // ---- Movements ----

    /// @inheritdoc IComplianceModule
    function moved(Movement calldata movement) external {
        Config memory config = _configs[msg.sender];
        if (!config.bound) revert ComplianceModuleNotBound(msg.sender);
        uint256 amount = movement.amount;
        if (amount == 0) return; // changes no balance and makes no holder
        MovementKind kind = movement.kind;
        bool isMint = kind == MovementKind.Mint;
        bool isBurn = kind == MovementKind.Burn;
        address fromIdentity = movement.fromIdentity;
        address toIdentity = movement.toIdentity;
        if (!isMint && !isBurn && fromIdentity == toIdentity) return;
        mapping(address identity => uint256 entry) storage balances = _entries[msg.sender][config.epoch];
        uint256 fromEntry;
        uint256 toEntry;
        if (!isMint) fromEntry = balances[fromIdentity];
        if (!isBurn) toEntry = balances[toIdentity];
        uint64 holders = config.holders;
        if ((fromEntry | toEntry) >= CUSTODIAN) {
            (bool senderLeft, bool joined) = _recordHolders(config.epoch, movement, fromEntry, toEntry);
            if (senderLeft) --holders;
            if (joined) {
                ++holders;
                if (_isChecked(kind) && holders > config.max) {
                    revert MaxHoldersModuleExceeded(toIdentity, holders, config.max);
                }
            }
        } else {
            // Neither party is a custodian: entries are plain balances. The sender leaves first, so a
            // full-balance transfer to a new holder keeps the count.
            if (fromEntry != 0) {
                uint256 balanceAfter = _saturatingSub(fromEntry, amount);
                balances[fromIdentity] = balanceAfter;
                if (balanceAfter == 0) --holders;
            }
            if (!isBurn) {
                if (toEntry == 0) {
                    ++holders;
                    if (_isChecked(kind) && holders > config.max) {
                        revert MaxHoldersModuleExceeded(toIdentity, holders, config.max);
                    }
                }
                uint256 balanceAfter;
                // unchecked: a wrap-around (toEntry < 2**255) and a sum reaching the custodian bit are
                // both replaced by the saturated balance (only absurd unchecked amounts get there).
                unchecked {
                    balanceAfter = toEntry + amount;
                }
                if (balanceAfter > BALANCE_MASK || balanceAfter < toEntry) balanceAfter = BALANCE_MASK;
                balances[toIdentity] = balanceAfter;
            }
        }
        if (holders != config.holders) _configs[msg.sender].holders = holders;
    }

    /// @inheritdoc IComplianceModule
    /// @dev False for an unbound compliance.
    function moduleCheck(Movement calldata movement, address compliance) external view returns (bool) {
        Config memory config = _configs[compliance];
        if (!config.bound) return false;
        MovementKind kind = movement.kind;
        uint256 amount = movement.amount;
        if (!_isChecked(kind) || amount == 0) return true;
        address toIdentity = movement.toIdentity;
        bool isTransfer = kind == MovementKind.Transfer;
        if (isTransfer && movement.fromIdentity == toIdentity) return true;
        // A custodian, or already a holder. Otherwise custody holds nothing for the receiver (at most
        // its zero balance), so it becomes a holder whoever sends.
        if (_entryOf(compliance, config.epoch, toIdentity) != 0) return true;
        uint256 holdersAfter = uint256(config.holders) + 1;
        if (isTransfer) {
            uint256 fromEntry = _entryOf(compliance, config.epoch, movement.fromIdentity);
            // A sender (not a custodian) sending its whole balance leaves first.
            if (fromEntry != 0 && fromEntry < CUSTODIAN && fromEntry <= amount) --holdersAfter;
        }
        return holdersAfter <= config.max;
    }

    /// @dev `_recordWithCustodian`, as holder changes: whether the sender left and the receiver
    ///      joined (an entry of 0: neither a custodian nor a holder before).
    function _recordHolders(uint256 epoch, Movement calldata movement, uint256 fromEntry, uint256 toEntry)
        private
        returns (bool senderLeft, bool joined)
    {
        uint256 balanceAfter;
        (, balanceAfter, senderLeft) = _recordWithCustodian(epoch, movement, fromEntry, toEntry);
        joined = toEntry == 0 && balanceAfter != 0;
    }

    // ---- Views ----

    /// @inheritdoc IMaxHoldersModule
    function maxHolders(address compliance) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? config.max : 0;
    }

    /// @inheritdoc IMaxHoldersModule
    function holderCount(address compliance) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? config.holders : 0;
    }

    /// @inheritdoc IMaxHoldersModule
    function identityBalance(address compliance, address identity) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? _entryOf(compliance, config.epoch, identity) & BALANCE_MASK : 0;
    }

    /// @inheritdoc IMaxHoldersModule
    function heldInCustody(address compliance, address identity) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? _custodiedOf(compliance, config.epoch, identity) : 0;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "MaxHoldersModule";
    }

    // ---- Binding hooks ----

    function _isBound(address compliance) internal view override returns (bool) {
        return _configs[compliance].bound;
    }

    function _bind(address compliance) internal override {
        _requireEmptyToken(compliance);
        Config storage config = _configs[compliance];
        config.bound = true;
        ++config.epoch;
        config.holders = 0;
        config.max = 0;
    }

    function _unbind(address compliance) internal override {
        _configs[compliance].bound = false;
    }

    function _epoch(address compliance) internal view override returns (uint256) {
        return _configs[compliance].epoch;
    }

    /// @dev A holder marked custodian stops counting; a custodian unmarked while it holds starts
    ///      counting again (never rejected, like a max set below the count).
    function _custodianChanged(address compliance, uint256 balance, bool isCustodian_) internal override {
        if (balance == 0) return;
        Config storage config = _configs[compliance];
        if (isCustodian_) --config.holders;
        else ++config.holders;
    }
}
