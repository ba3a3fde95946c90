// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IModularCompliance} from "../interfaces/compliance/IModularCompliance.sol";
import {Movement} from "../interfaces/compliance/IComplianceModule.sol";

/// @title MockComplianceRegistry - test-only identity registry lite: wallet -> (identity, country)
/// @notice Implements only what ModularCompliance's ERC-3643 compatibility path reads.
contract MockComplianceRegistry {
    struct Entry {
        address identity;
        uint16 country;
    }

    mapping(address wallet => Entry) private _entries;

    /// @notice Register (or overwrite) `wallet` with `identity_` and `country`.
    function setIdentity(address wallet, address identity_, uint16 country) external {
        _entries[wallet] = Entry(identity_, country);
    }

    /// @notice The identity of `wallet` (zero if unknown), typed as an address (ABI-compatible
    ///         with `IIdentityRegistry.identity`, which returns an IIdentity).
    function identity(address wallet) external view returns (address) {
        return _entries[wallet].identity;
    }

    /// @notice The country of `wallet` (0 if unknown).
    function investorCountry(address wallet) external view returns (uint16) {
        return _entries[wallet].country;
    }
}

/// @title MockComplianceToken - test-only stand-in for the token bound to a ModularCompliance
/// @notice Reports given movements to the compliance, exposes `identityRegistry()` and a settable
///         `totalSupply()` for the compliance's compatibility path and the modules' binding checks,
///         and meters the gas of the `moved` call.
contract MockComplianceToken {
    IModularCompliance private _compliance;
    address private _registry;
    uint256 private _totalSupply;

    /// @notice Gas used by the last `movedMetered` call into the compliance (CALL included).
    uint256 public lastComplianceGas;

    /// @param registry The identity registry `identityRegistry()` returns.
    constructor(address registry) {
        _registry = registry;
    }

    /// @notice Point at `compliance`.
    function setCompliance(address compliance_) external {
        _compliance = IModularCompliance(compliance_);
    }

    /// @notice Set what `totalSupply()` returns.
    function setTotalSupply(uint256 supply) external {
        _totalSupply = supply;
    }

    /// @notice The settable supply.
    function totalSupply() external view returns (uint256) {
        return _totalSupply;
    }

    /// @notice The registry given at construction.
    function identityRegistry() external view returns (address) {
        return _registry;
    }

    /// @notice The compliance set.
    function compliance() external view returns (address) {
        return address(_compliance);
    }

    /// @notice Try to bind this token to `compliance_` itself (must fail: binding is owner-only).
    function bindSelf(address compliance_) external {
        IModularCompliance(compliance_).bindToken(address(this));
    }

    /// @notice Report `movement` to the compliance.
    function moved(Movement calldata movement) external {
        _compliance.moved(movement);
    }

    /// @notice Report `movement` and store the gas the compliance call used in `lastComplianceGas`.
    function movedMetered(Movement calldata movement) external {
        uint256 before = gasleft();
        _compliance.moved(movement);
        lastComplianceGas = before - gasleft();
    }

    /// @notice ERC-3643 hook `transferred`.
    function transferred(address from, address to, uint256 amount) external {
        _compliance.transferred(from, to, amount);
    }

    /// @notice ERC-3643 hook `created`.
    function created(address to, uint256 amount) external {
        _compliance.created(to, amount);
    }

    /// @notice ERC-3643 hook `destroyed`.
    function destroyed(address from, uint256 amount) external {
        _compliance.destroyed(from, amount);
    }
}

/// @title MockRevertingModule - test-only broken module: binds, then rejects every movement and
///        reverts on unbind (ModularCompliance must still be able to remove it)
contract MockRevertingModule {
    /// @notice Every movement and unbind reverts with this.
    error MockRevertingModuleRejected(uint256 amount);

    /// @notice Accept any binding.
    function bindCompliance(address) external {}

    /// @notice Always revert.
    function unbindCompliance(address) external pure {
        revert MockRevertingModuleRejected(0);
    }

    /// @notice Always revert with the movement's amount.
    function moved(Movement calldata movement) external pure {
        revert MockRevertingModuleRejected(movement.amount);
    }

    /// @notice Always false.
    function moduleCheck(Movement calldata, address) external pure returns (bool) {
        return false;
    }
}
