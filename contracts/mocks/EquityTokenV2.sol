// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EquityToken} from "../token/EquityToken.sol";

/// @title EquityTokenV2 - a test implementation proving an authority upgrade reaches every suite
/// @dev Same storage layout (ERC-7201 namespace); only the version string differs.
contract EquityTokenV2 is EquityToken {
    constructor(address corporateActions) EquityToken(corporateActions) {}

    /// @notice "2.0.0": this is the upgraded implementation.
    function version() external pure override returns (string memory) {
        return "2.0.0";
    }
}
