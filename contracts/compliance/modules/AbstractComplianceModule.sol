// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IComplianceModule, MovementKind} from "../../interfaces/compliance/IComplianceModule.sol";
import {IModularCompliance} from "../../interfaces/compliance/IModularCompliance.sol";

/// @title AbstractComplianceModule - binding rules shared by every dualtrack compliance module
/// @notice A module is one non-upgradeable contract shared by many compliances; its state is keyed
///         by compliance. Only a compliance binds or unbinds itself (its owner adds or removes the
///         module), and configuration functions accept only a bound compliance as caller, which
///         only forwards its owner's `callModuleFunction`. Each module keeps its binding flag in
///         the same slot as its hot configuration so `moved` reads one slot for both.
abstract contract AbstractComplianceModule is IComplianceModule {
    // ---- Binding ----

    /// @inheritdoc IComplianceModule
    function bindCompliance(address compliance) external {
        if (msg.sender != compliance) revert ComplianceModuleOnlyCompliance(msg.sender, compliance);
        if (_isBound(compliance)) revert ComplianceModuleAlreadyBound(compliance);
        _bind(compliance);
        emit ComplianceBound(compliance);
    }

    /// @inheritdoc IComplianceModule
    function unbindCompliance(address compliance) external {
        if (msg.sender != compliance) revert ComplianceModuleOnlyCompliance(msg.sender, compliance);
        if (!_isBound(compliance)) revert ComplianceModuleNotBound(compliance);
        _unbind(compliance);
        emit ComplianceUnbound(compliance);
    }

    /// @inheritdoc IComplianceModule
    function isComplianceBound(address compliance) external view returns (bool) {
        return _isBound(compliance);
    }

    // ---- Hooks for the modules ----

    /// @dev Whether `compliance` is bound.
    function _isBound(address compliance) internal view virtual returns (bool);

    /// @dev Mark `compliance` bound and start its state afresh.
    function _bind(address compliance) internal virtual;

    /// @dev Mark `compliance` unbound (its state is then ignored, or cleared when that is cheap).
    function _unbind(address compliance) internal virtual;

    // ---- Helpers ----

    /// @dev Configuration functions: the caller must be a bound compliance.
    function _requireBoundCaller() internal view {
        if (!_isBound(msg.sender)) revert ComplianceModuleNotBound(msg.sender);
    }

    /// @dev The total supply of `compliance`'s token (0 without a token or before it is deployed).
    function _tokenSupply(address compliance) internal view returns (uint256) {
        address token = IModularCompliance(compliance).getTokenBound();
        if (token == address(0) || token.code.length == 0) return 0;
        return IERC20(token).totalSupply();
    }

    /// @dev Stateful modules whose state is a function of balances start empty: refuse a token
    ///      that already has supply.
    function _requireEmptyToken(address compliance) internal view {
        uint256 supply = _tokenSupply(compliance);
        if (supply != 0) revert ComplianceModuleTokenNotEmpty(compliance, supply);
    }

    /// @dev Transfer and Mint are the only kinds a module may reject.
    function _isChecked(MovementKind kind) internal pure returns (bool) {
        return uint8(kind) <= uint8(MovementKind.Mint);
    }

    /// @dev a + b, or type(uint256).max on overflow (for the amounts reported in errors).
    function _saturatingAdd(uint256 a, uint256 b) internal pure returns (uint256) {
        // unchecked: the wrap-around is detected and replaced by the maximum.
        unchecked {
            uint256 sum = a + b;
            return sum < a ? type(uint256).max : sum;
        }
    }

    /// @dev a - b, or 0 when b > a (debits saturate: see the modules' notes).
    function _saturatingSub(uint256 a, uint256 b) internal pure returns (uint256) {
        // unchecked: only taken when a > b.
        unchecked {
            return a > b ? a - b : 0;
        }
    }
}
