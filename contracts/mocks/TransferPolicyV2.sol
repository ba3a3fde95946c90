// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TransferPolicy} from "../compliance/TransferPolicy.sol";

/// @title TransferPolicyV2 - a test implementation proving an authority upgrade reaches every policy
/// @dev Same storage layout (the bases' ERC-7201 namespaces); only adds a version getter.
contract TransferPolicyV2 is TransferPolicy {
    /// @notice "2.0.0": this is the upgraded implementation.
    function policyVersion() external pure returns (string memory) {
        return "2.0.0";
    }
}
