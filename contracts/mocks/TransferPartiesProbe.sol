// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";

/// @title TransferPartiesProbe - calls an identity registry's transfer-path views in a transaction
/// @notice Gas benchmarks: `eth_estimateGas` of `probe*` includes every cold access the token's
///         transfer path would pay; `lastGas` is the gas of the registry call alone (measured with
///         `gasleft()` around it), and the results are stored so the call cannot be optimized away.
contract TransferPartiesProbe {
    /// @notice Results of the last probe.
    address public fromIdentity;
    uint16 public fromCountry;
    address public toIdentity;
    uint16 public toCountry;
    bool public toVerified;
    /// @notice Gas used by the last registry call (including its cold account and storage accesses).
    uint256 public lastGas;

    /// @notice Call `registry.transferParties(from, to)` and store the result and its gas.
    function probeTransferParties(IIdentityRegistry registry, address from, address to) external {
        uint256 before = gasleft();
        (address fromId, uint16 fromC, address toId, uint16 toC, bool verified) = registry.transferParties(from, to);
        lastGas = before - gasleft();
        (fromIdentity, fromCountry, toIdentity, toCountry, toVerified) = (fromId, fromC, toId, toC, verified);
    }

    /// @notice Call `registry.isVerified(wallet)` and store the result and its gas.
    function probeIsVerified(IIdentityRegistry registry, address wallet) external {
        uint256 before = gasleft();
        bool verified = registry.isVerified(wallet);
        lastGas = before - gasleft();
        toVerified = verified;
    }
}
