// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AbstractComplianceModule} from "./AbstractComplianceModule.sol";
import {IComplianceModule, Movement, MovementKind} from "../../interfaces/compliance/IComplianceModule.sol";
import {IMaxBalanceModule} from "../../interfaces/compliance/modules/IMaxBalanceModule.sol";

/// @title MaxBalanceModule - caps each identity's balance across all its wallets
/// @notice See IMaxBalanceModule for the accounting rules. State is keyed by a binding epoch, so
///         unbinding is O(1) and a later binding starts from empty balances.
contract MaxBalanceModule is IMaxBalanceModule, AbstractComplianceModule {
    /// @dev One slot, read once per movement.
    struct Config {
        bool bound;
        uint32 epoch;
        uint216 max;
    }

    mapping(address compliance => Config) private _configs;
    mapping(address compliance => mapping(uint256 epoch => mapping(address identity => uint256 balance))) private
        _balances;

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
        mapping(address identity => uint256 balance) storage balances = _balances[msg.sender][config.epoch];
        uint256 amount = movement.amount;
        if (!isBurn) {
            uint256 balanceAfter = _saturatingAdd(balances[toIdentity], amount);
            if (_isChecked(kind) && balanceAfter > config.max) {
                revert MaxBalanceModuleExceeded(toIdentity, balanceAfter, config.max);
            }
            balances[toIdentity] = balanceAfter;
        }
        if (!isMint) balances[fromIdentity] = _saturatingSub(balances[fromIdentity], amount);
    }

    /// @inheritdoc IComplianceModule
    /// @dev False for an unbound compliance.
    function moduleCheck(Movement calldata movement, address compliance) external view returns (bool) {
        Config memory config = _configs[compliance];
        if (!config.bound) return false;
        MovementKind kind = movement.kind;
        if (!_isChecked(kind)) return true;
        address toIdentity = movement.toIdentity;
        if (kind == MovementKind.Transfer && movement.fromIdentity == toIdentity) return true;
        uint256 balance = _balances[compliance][config.epoch][toIdentity];
        return _saturatingAdd(balance, movement.amount) <= config.max;
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
        return config.bound ? _balances[compliance][config.epoch][identity] : 0;
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
}
