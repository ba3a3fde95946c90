// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILossAbsorber} from "../interfaces/margin/ILossAbsorber.sol";

/// @title MockLossAbsorber - records the bad debt a margin vault reports, or misbehaves on request
/// @notice In `Acknowledge` mode (the default) `onBadDebt` records the call (count, caller, last
///         account, asset and amount, running total) and returns its selector. The other modes test
///         that a broken absorber never blocks a liquidation: `Revert` reverts, `BurnGas` consumes all
///         the gas it is given, `WrongValue` records the call but returns another value, `ReturnNothing`
///         records it but returns no data at all (a `bytes4` decoding failure in the caller, which a
///         Solidity try/catch does not catch).
contract MockLossAbsorber is ILossAbsorber {
    /// @notice What `onBadDebt` does.
    enum Mode {
        Acknowledge,
        Revert,
        BurnGas,
        WrongValue,
        ReturnNothing
    }

    /// @notice The value `WrongValue` mode returns.
    bytes4 public constant WRONG_VALUE = 0xdeadbeef;

    /// @notice The current mode.
    Mode public mode;
    /// @notice How many calls were recorded.
    uint256 public calls;
    /// @notice The caller of the last recorded call (the vault).
    address public lastCaller;
    /// @notice The account of the last recorded call.
    uint256 public lastAccountId;
    /// @notice The asset of the last recorded call.
    address public lastAsset;
    /// @notice The amount of the last recorded call.
    uint256 public lastAmount;
    /// @notice The sum of the recorded amounts.
    uint256 public totalAmount;

    /// @notice `caller` reported `amount` of `asset` written off for `accountId`.
    event BadDebtRecorded(address indexed caller, uint256 indexed accountId, address asset, uint256 amount);

    /// @notice `Revert` mode.
    error MockLossAbsorberRefused(uint256 accountId, address asset, uint256 amount);

    /// @notice Choose what `onBadDebt` does.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @inheritdoc ILossAbsorber
    function onBadDebt(uint256 accountId, address asset, uint256 amount) external returns (bytes4) {
        Mode current = mode;
        if (current == Mode.Revert) revert MockLossAbsorberRefused(accountId, asset, amount);
        if (current == Mode.BurnGas) {
            // INVALID consumes every unit of gas the call was given.
            assembly ("memory-safe") {
                invalid()
            }
        }
        ++calls;
        lastCaller = msg.sender;
        lastAccountId = accountId;
        lastAsset = asset;
        lastAmount = amount;
        totalAmount += amount;
        emit BadDebtRecorded(msg.sender, accountId, asset, amount);
        if (current == Mode.WrongValue) return WRONG_VALUE;
        if (current == Mode.ReturnNothing) {
            assembly ("memory-safe") {
                return(0, 0)
            }
        }
        return ILossAbsorber.onBadDebt.selector;
    }
}
