// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILossAbsorber} from "../interfaces/margin/ILossAbsorber.sol";

/// @title MockLossAbsorber - records the bad debt a vault reports; can misbehave on demand
contract MockLossAbsorber is ILossAbsorber {
    enum Mode {
        Accept,
        Revert,
        BurnGas,
        WrongAnswer,
        NoAnswer
    }

    /// @notice Thrown in `Revert` mode: the absorber is down.
    error MockLossAbsorberDown();

    Mode public mode;
    uint256 public calls;
    uint256 public lastAccount;
    uint256 public total;

    /// @notice How to answer the next reports.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @inheritdoc ILossAbsorber
    function onBadDebt(uint256 accountId, address, uint256 amount) external returns (bytes4) {
        if (mode == Mode.Revert) revert MockLossAbsorberDown();
        if (mode == Mode.NoAnswer) {
            calls += 1;
            assembly {
                return(0, 0) // returns nothing: a try/catch expecting bytes4 would fail to decode it
            }
        }
        if (mode == Mode.BurnGas) {
            while (true) {
                calls += 1;
            }
        }
        calls += 1;
        lastAccount = accountId;
        total += amount;
        return mode == Mode.WrongAnswer ? bytes4(0xdeadbeef) : ILossAbsorber.onBadDebt.selector;
    }
}
