// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AbstractComplianceModule} from "./AbstractComplianceModule.sol";
import {IComplianceModule, Movement, MovementKind} from "../../interfaces/compliance/IComplianceModule.sol";
import {IMaxHoldersModule} from "../../interfaces/compliance/modules/IMaxHoldersModule.sol";

/// @title MaxHoldersModule - caps the number of identities holding tokens
/// @notice See IMaxHoldersModule. Balances are keyed by a binding epoch, so unbinding is O(1) and
///         a later binding starts empty; the holder count lives in the configuration slot.
contract MaxHoldersModule is IMaxHoldersModule, AbstractComplianceModule {
    /// @dev One slot, read once per movement and written only when the holder count changes.
    struct Config {
        bool bound;
        uint32 epoch;
        uint64 holders;
        uint64 max;
    }

    mapping(address compliance => Config) private _configs;
    mapping(address compliance => mapping(uint256 epoch => mapping(address identity => uint256 balance))) private
        _balances;

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
        mapping(address identity => uint256 balance) storage balances = _balances[msg.sender][config.epoch];
        uint64 holders = config.holders;
        // The sender leaves first, so a full-balance transfer to a new holder keeps the count.
        if (!isMint) {
            uint256 balance = balances[fromIdentity];
            if (balance != 0) {
                uint256 balanceAfter = _saturatingSub(balance, amount);
                balances[fromIdentity] = balanceAfter;
                if (balanceAfter == 0) --holders;
            }
        }
        if (!isBurn) {
            uint256 balance = balances[toIdentity];
            if (balance == 0) {
                ++holders;
                if (_isChecked(kind) && holders > config.max) {
                    revert MaxHoldersModuleExceeded(toIdentity, holders, config.max);
                }
            }
            balances[toIdentity] = _saturatingAdd(balance, amount);
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
        if (kind == MovementKind.Transfer && movement.fromIdentity == toIdentity) return true;
        mapping(address identity => uint256 balance) storage balances = _balances[compliance][config.epoch];
        if (balances[toIdentity] != 0) return true;
        uint256 holdersAfter = uint256(config.holders) + 1;
        if (kind == MovementKind.Transfer) {
            uint256 fromBalance = balances[movement.fromIdentity];
            if (fromBalance != 0 && fromBalance <= amount) --holdersAfter;
        }
        return holdersAfter <= config.max;
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
        return config.bound ? _balances[compliance][config.epoch][identity] : 0;
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
}
