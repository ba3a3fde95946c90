// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title MockClaimIssuer - a claim issuer that misbehaves on purpose (identity registry tests only)
/// @notice `isClaimValid` reverts, answers a non-boolean word, answers too short, or accepts everything,
///         depending on `mode`: the registry must count every answer but a clean `true` as "not valid"
///         and move on to the next trusted issuer.
contract MockClaimIssuer {
    /// @notice How `isClaimValid` answers.
    enum Mode {
        Revert,
        ReturnTwo,
        ReturnShort,
        AcceptAll
    }

    /// @notice `isClaimValid` was called in Revert mode.
    error MockClaimIssuerReverted();

    /// @notice The current answer mode.
    Mode public mode;

    /// @param mode_ The initial answer mode.
    constructor(Mode mode_) {
        mode = mode_;
    }

    /// @notice Change the answer mode.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Answers according to `mode` (ONCHAINID-compatible signature).
    function isClaimValid(address, uint256, bytes calldata, bytes calldata) external view returns (bool) {
        Mode current = mode;
        if (current == Mode.Revert) revert MockClaimIssuerReverted();
        if (current == Mode.ReturnTwo) {
            assembly {
                mstore(0x00, 2)
                return(0x00, 0x20)
            }
        }
        if (current == Mode.ReturnShort) {
            assembly {
                mstore(0x00, shl(248, 1))
                return(0x00, 0x01)
            }
        }
        return true;
    }
}
