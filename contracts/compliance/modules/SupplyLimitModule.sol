// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AbstractComplianceModule} from "./AbstractComplianceModule.sol";
import {IComplianceModule, Movement, MovementKind} from "../../interfaces/compliance/IComplianceModule.sol";
import {ISupplyLimitModule} from "../../interfaces/compliance/modules/ISupplyLimitModule.sol";

/// @title SupplyLimitModule - caps the total supply after each mint
/// @notice See ISupplyLimitModule. The whole state of a compliance is one slot, reset when binding
///         (from the token's `totalSupply()`), so it can be bound while the token has supply.
contract SupplyLimitModule is ISupplyLimitModule, AbstractComplianceModule {
    /// @dev One slot: the limit fits 120 bits, so a supply that passed the check fits 128 bits.
    struct Config {
        bool bound;
        uint120 limit;
        uint128 supply;
    }

    mapping(address compliance => Config) private _configs;

    // ---- Configuration (through the compliance) ----

    /// @inheritdoc ISupplyLimitModule
    function setSupplyLimit(uint120 limit) external {
        _requireBoundCaller();
        _configs[msg.sender].limit = limit;
        emit SupplyLimitSet(msg.sender, limit);
    }

    // ---- Movements ----

    /// @inheritdoc IComplianceModule
    /// @dev Transfer, Forced, Recovery and Rekey leave the supply unchanged: nothing to read or write.
    function moved(Movement calldata movement) external {
        MovementKind kind = movement.kind;
        if (kind == MovementKind.Mint) {
            Config memory config = _configs[msg.sender];
            if (!config.bound) revert ComplianceModuleNotBound(msg.sender);
            uint256 supplyAfter = _saturatingAdd(config.supply, movement.amount);
            if (supplyAfter > config.limit) revert SupplyLimitModuleExceeded(supplyAfter, config.limit);
            // supplyAfter <= limit < 2**120.
            _configs[msg.sender].supply = uint128(supplyAfter);
        } else if (kind == MovementKind.Burn) {
            Config memory config = _configs[msg.sender];
            if (!config.bound) revert ComplianceModuleNotBound(msg.sender);
            // The result is at most the stored uint128 supply.
            _configs[msg.sender].supply = uint128(_saturatingSub(config.supply, movement.amount));
        }
    }

    /// @inheritdoc IComplianceModule
    /// @dev False for an unbound compliance.
    function moduleCheck(Movement calldata movement, address compliance) external view returns (bool) {
        Config memory config = _configs[compliance];
        if (!config.bound) return false;
        if (movement.kind != MovementKind.Mint) return true;
        return _saturatingAdd(config.supply, movement.amount) <= config.limit;
    }

    // ---- Views ----

    /// @inheritdoc ISupplyLimitModule
    function supplyLimit(address compliance) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? config.limit : 0;
    }

    /// @inheritdoc ISupplyLimitModule
    function trackedSupply(address compliance) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? config.supply : 0;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "SupplyLimitModule";
    }

    // ---- Binding hooks ----

    function _isBound(address compliance) internal view override returns (bool) {
        return _configs[compliance].bound;
    }

    function _bind(address compliance) internal override {
        _configs[compliance] = Config({bound: true, limit: 0, supply: SafeCast.toUint128(_tokenSupply(compliance))});
    }

    function _unbind(address compliance) internal override {
        _configs[compliance].bound = false;
    }
}
