// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AbstractComplianceModule} from "./AbstractComplianceModule.sol";
import {ICustodianModule} from "../../interfaces/compliance/modules/ICustodianModule.sol";

/// @title AbstractCustodianModule - the custodian setting shared by the modules that need one
/// @notice One entry point, one error and one event for every module with a custodian exemption
///         (MaxBalance, MaxHolders, TimeWindowLimits); each module stores the flag where its hot path
///         reads it for free, through the two hooks. Not in AbstractComplianceModule: the country,
///         supply and lock-up modules have no per-investor rule a custodian could distort.
abstract contract AbstractCustodianModule is ICustodianModule, AbstractComplianceModule {
    /// @inheritdoc ICustodianModule
    function setCustodian(address identity, bool isCustodian_) external {
        _requireBoundCaller();
        if (identity == address(0)) revert ComplianceModuleInvalidCustodian(identity);
        if (!_setCustodian(msg.sender, identity, isCustodian_)) return;
        emit CustodianSet(msg.sender, identity, isCustodian_);
    }

    /// @inheritdoc ICustodianModule
    function isCustodian(address compliance, address identity) external view returns (bool) {
        return _isBound(compliance) && _isCustodian(compliance, identity);
    }

    /// @dev Set the flag of `identity` under bound `compliance`; false if it already had that value.
    function _setCustodian(address compliance, address identity, bool isCustodian_)
        internal
        virtual
        returns (bool changed);

    /// @dev The flag of `identity` under bound `compliance`.
    function _isCustodian(address compliance, address identity) internal view virtual returns (bool);
}
