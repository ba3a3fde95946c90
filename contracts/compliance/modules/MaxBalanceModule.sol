// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AbstractIdentityLedger} from "./AbstractIdentityLedger.sol";
import {IComplianceModule, Movement, MovementKind} from "../../interfaces/compliance/IComplianceModule.sol";
import {IMaxBalanceModule} from "../../interfaces/compliance/modules/IMaxBalanceModule.sol";

/// @title MaxBalanceModule - caps each identity's balance across all its wallets
/// @notice See IMaxBalanceModule for the accounting rules. State is keyed by a binding epoch, so
///         unbinding is O(1) and a later binding starts from empty balances and no custodians.
///         Custodians (`setCustodian`, the compliance's owner): not capped, and looked through, so
///         a depositor's balance keeps what a custodian holds for it (AbstractIdentityLedger). The
///         flag lives in the identity's balance word, so a plain transfer reads nothing more.
contract MaxBalanceModule is IMaxBalanceModule, AbstractIdentityLedger {
    /// @dev One slot, read once per movement.
    struct Config {
        bool bound;
        uint32 epoch;
        uint216 max;
    }

    mapping(address compliance => Config) private _configs;

    // ---- Configuration (through the compliance) ----

    /// @inheritdoc IMaxBalanceModule
    function setMaxBalance(uint216 max) external {
        _requireBoundCaller();
        _configs[msg.sender].max = max;
        emit MaxBalanceSet(msg.sender, max);
    }

    // ---- Movements ----

    /// @inheritdoc IComplianceModule
    function moved(Movement calldata movement) external {
        Config memory config = _configs[msg.sender];
        if (!config.bound) revert ComplianceModuleNotBound(msg.sender);
        MovementKind kind = movement.kind;
        bool isMint = kind == MovementKind.Mint;
        bool isBurn = kind == MovementKind.Burn;
        address fromIdentity = movement.fromIdentity;
        address toIdentity = movement.toIdentity;
        // Recovery and other same-identity movements leave every identity balance unchanged.
        if (!isMint && !isBurn && fromIdentity == toIdentity) return;
        mapping(address identity => uint256 entry) storage balances = _entries[msg.sender][config.epoch];
        uint256 fromEntry;
        uint256 toEntry;
        if (!isMint) fromEntry = balances[fromIdentity];
        if (!isBurn) toEntry = balances[toIdentity];
        uint256 amount = movement.amount;
        if ((fromEntry | toEntry) >= CUSTODIAN) {
            (uint256 credit, uint256 balanceAfter,) =
                _recordWithCustodian(config.epoch, movement, fromEntry, toEntry);
            // Not capped: a custodian, and a receiver whose balance did not grow because custody paid
            // the whole (non-zero) amount back.
            if (
                _isChecked(kind) && balanceAfter > config.max && toEntry < CUSTODIAN
                    && (credit != 0 || amount == 0)
            ) revert MaxBalanceModuleExceeded(toIdentity, balanceAfter, config.max);
            return;
        }
        // Neither party is a custodian: entries are plain balances.
        if (!isBurn) {
            uint256 balanceAfter = _saturatingAdd(toEntry, amount);
            if (balanceAfter > config.max) {
                if (_isChecked(kind)) revert MaxBalanceModuleExceeded(toIdentity, balanceAfter, config.max);
                // Saturate below the custodian bit (max < 2**216, so only here can it be reached).
                if (balanceAfter > BALANCE_MASK) balanceAfter = BALANCE_MASK;
            }
            balances[toIdentity] = balanceAfter;
        }
        if (!isMint) balances[fromIdentity] = _saturatingSub(fromEntry, amount);
    }

    /// @inheritdoc IComplianceModule
    /// @dev False for an unbound compliance.
    function moduleCheck(Movement calldata movement, address compliance) external view returns (bool) {
        Config memory config = _configs[compliance];
        if (!config.bound) return false;
        MovementKind kind = movement.kind;
        if (!_isChecked(kind)) return true;
        address toIdentity = movement.toIdentity;
        bool isTransfer = kind == MovementKind.Transfer;
        if (isTransfer && movement.fromIdentity == toIdentity) return true;
        uint256 toEntry = _entryOf(compliance, config.epoch, toIdentity);
        if (toEntry >= CUSTODIAN) return true;
        uint256 amount = movement.amount;
        if (_saturatingAdd(toEntry, amount) <= config.max) return true;
        // Above the cap unless it comes out of custody, which pays back what it holds for the receiver first.
        if (!isTransfer || amount == 0 || _entryOf(compliance, config.epoch, movement.fromIdentity) < CUSTODIAN) {
            return false;
        }
        uint256 credit = amount - _returnable(compliance, config.epoch, toIdentity, toEntry, amount);
        return credit == 0 || _saturatingAdd(toEntry, credit) <= config.max;
    }

    // ---- Views ----

    /// @inheritdoc IMaxBalanceModule
    function maxBalance(address compliance) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? config.max : 0;
    }

    /// @inheritdoc IMaxBalanceModule
    function identityBalance(address compliance, address identity) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? _entryOf(compliance, config.epoch, identity) & BALANCE_MASK : 0;
    }

    /// @inheritdoc IMaxBalanceModule
    function heldInCustody(address compliance, address identity) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? _custodiedOf(compliance, config.epoch, identity) : 0;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "MaxBalanceModule";
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
        config.max = 0;
    }

    function _unbind(address compliance) internal override {
        _configs[compliance].bound = false;
    }

    function _epoch(address compliance) internal view override returns (uint256) {
        return _configs[compliance].epoch;
    }
}
