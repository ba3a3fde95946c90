// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AbstractCustodianModule} from "./AbstractCustodianModule.sol";
import {IComplianceModule, Movement, MovementKind} from "../../interfaces/compliance/IComplianceModule.sol";
import {ITimeWindowLimitsModule} from "../../interfaces/compliance/modules/ITimeWindowLimitsModule.sol";

/// @title TimeWindowLimitsModule - caps what each identity sends by Transfer per time window
/// @notice See ITimeWindowLimitsModule. Up to 4 limits per compliance; one counter slot per
///         (identity, window). Counters are keyed by a binding epoch and by the window length, so
///         updating a limit keeps the running count of its window. Custodians (`setCustodian`, the
///         compliance's owner) are never rejected as senders; their flag is read only when a Transfer
///         would exceed a limit, so a plain transfer reads nothing more.
contract TimeWindowLimitsModule is ITimeWindowLimitsModule, AbstractCustodianModule {
    /// @notice The most limits a compliance sets.
    uint256 public constant MAX_LIMITS = 4;

    struct Config {
        bool bound;
        uint32 epoch;
        uint8 count;
    }

    /// @dev `spent` <= the window's limit < 2**192.
    struct Counter {
        uint64 windowEnd;
        uint192 spent;
    }

    mapping(address compliance => Config) private _configs;
    mapping(address compliance => WindowLimit[4]) private _limits;
    mapping(
        address compliance
            => mapping(uint256 epoch => mapping(address identity => mapping(uint32 window => Counter)))
    ) private _counters;
    mapping(address compliance => mapping(uint256 epoch => mapping(address identity => bool))) private _custodians;

    // ---- Configuration (through the compliance) ----

    /// @inheritdoc ITimeWindowLimitsModule
    function setTimeWindowLimit(uint32 window, uint192 limit) external {
        _requireBoundCaller();
        if (window == 0) revert TimeWindowLimitsModuleInvalidWindow(window);
        Config storage config = _configs[msg.sender];
        WindowLimit[4] storage limits = _limits[msg.sender];
        uint256 count = config.count;
        uint256 at;
        while (at < count && limits[at].window != window) ++at;
        if (at == count) {
            if (count == MAX_LIMITS) revert TimeWindowLimitsModuleTooManyLimits(MAX_LIMITS);
            // count < MAX_LIMITS fits in uint8.
            config.count = uint8(count + 1);
        }
        limits[at] = WindowLimit(window, limit);
        emit TimeWindowLimitSet(msg.sender, window, limit);
    }

    /// @inheritdoc ITimeWindowLimitsModule
    function removeTimeWindowLimit(uint32 window) external {
        _requireBoundCaller();
        Config storage config = _configs[msg.sender];
        WindowLimit[4] storage limits = _limits[msg.sender];
        uint256 count = config.count;
        uint256 at;
        while (at < count && limits[at].window != window) ++at;
        if (at == count) revert TimeWindowLimitsModuleLimitNotFound(window);
        uint256 last = count - 1;
        limits[at] = limits[last];
        delete limits[last];
        // last < MAX_LIMITS fits in uint8.
        config.count = uint8(last);
        emit TimeWindowLimitRemoved(msg.sender, window);
    }

    // ---- Movements ----

    /// @inheritdoc IComplianceModule
    /// @dev Only Transfers between different identities are checked and counted; a custodian
    ///      sender's flag is read only on the path that would revert.
    function moved(Movement calldata movement) external {
        if (movement.kind != MovementKind.Transfer) return;
        Config memory config = _configs[msg.sender];
        if (!config.bound) revert ComplianceModuleNotBound(msg.sender);
        address fromIdentity = movement.fromIdentity;
        if (fromIdentity == movement.toIdentity) return;
        uint256 count = config.count;
        WindowLimit[4] storage limits = _limits[msg.sender];
        mapping(uint32 window => Counter) storage counters = _counters[msg.sender][config.epoch][fromIdentity];
        uint256 amount = movement.amount;
        for (uint256 i; i < count; ++i) {
            WindowLimit memory limit = limits[i];
            (uint256 windowEnd, uint256 spentAfter) = _next(counters[limit.window], limit.window, amount);
            if (spentAfter > limit.limit) {
                // A custodian is never rejected; its counters stop here.
                if (_custodians[msg.sender][config.epoch][fromIdentity]) return;
                revert TimeWindowLimitsModuleExceeded(fromIdentity, limit.window, spentAfter, limit.limit);
            }
            // windowEnd = now + uint32 fits in 64 bits; spentAfter <= limit < 2**192.
            counters[limit.window] = Counter(uint64(windowEnd), uint192(spentAfter));
        }
    }

    /// @inheritdoc IComplianceModule
    /// @dev False for an unbound compliance.
    function moduleCheck(Movement calldata movement, address compliance) external view returns (bool) {
        Config memory config = _configs[compliance];
        if (!config.bound) return false;
        if (movement.kind != MovementKind.Transfer) return true;
        address fromIdentity = movement.fromIdentity;
        if (fromIdentity == movement.toIdentity) return true;
        uint256 count = config.count;
        WindowLimit[4] storage limits = _limits[compliance];
        mapping(uint32 window => Counter) storage counters = _counters[compliance][config.epoch][fromIdentity];
        for (uint256 i; i < count; ++i) {
            WindowLimit memory limit = limits[i];
            (, uint256 spentAfter) = _next(counters[limit.window], limit.window, movement.amount);
            if (spentAfter > limit.limit) return _custodians[compliance][config.epoch][fromIdentity];
        }
        return true;
    }

    // ---- Views ----

    /// @inheritdoc ITimeWindowLimitsModule
    function getTimeWindowLimits(address compliance) external view returns (WindowLimit[] memory list) {
        Config memory config = _configs[compliance];
        uint256 count = config.bound ? config.count : 0;
        list = new WindowLimit[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = _limits[compliance][i];
        }
    }

    /// @inheritdoc ITimeWindowLimitsModule
    function windowCounter(address compliance, address identity, uint32 window)
        external
        view
        returns (uint256 spent, uint256 windowEnd)
    {
        Config memory config = _configs[compliance];
        if (!config.bound) return (0, 0);
        Counter memory counter = _counters[compliance][config.epoch][identity][window];
        return (counter.spent, counter.windowEnd);
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "TimeWindowLimitsModule";
    }

    // ---- Internals ----

    /// @dev The counter after counting `amount`: a window that has ended restarts now from 0.
    function _next(Counter storage counter, uint32 window, uint256 amount)
        private
        view
        returns (uint256 windowEnd, uint256 spentAfter)
    {
        windowEnd = counter.windowEnd;
        uint256 spent = counter.spent;
        if (windowEnd <= block.timestamp) {
            windowEnd = block.timestamp + window;
            spent = 0;
        }
        spentAfter = _saturatingAdd(spent, amount);
    }

    // ---- Binding hooks ----

    function _isBound(address compliance) internal view override returns (bool) {
        return _configs[compliance].bound;
    }

    /// @dev Counters count Transfers from the binding on, so any token supply is fine.
    function _bind(address compliance) internal override {
        Config storage config = _configs[compliance];
        config.bound = true;
        ++config.epoch;
        config.count = 0;
    }

    function _unbind(address compliance) internal override {
        _configs[compliance].bound = false;
    }

    // ---- Custodian hooks ----

    function _setCustodian(address compliance, address identity, bool isCustodian_)
        internal
        override
        returns (bool changed)
    {
        mapping(address identity => bool) storage flags = _custodians[compliance][_configs[compliance].epoch];
        if (flags[identity] == isCustodian_) return false;
        flags[identity] = isCustodian_;
        return true;
    }

    function _isCustodian(address compliance, address identity) internal view override returns (bool) {
        return _custodians[compliance][_configs[compliance].epoch][identity];
    }
}
