// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AbstractComplianceModule} from "./AbstractComplianceModule.sol";
import {CountrySet} from "./CountrySet.sol";
import {IComplianceModule, Movement} from "../../interfaces/compliance/IComplianceModule.sol";
import {ICountryAllowModule} from "../../interfaces/compliance/modules/ICountryAllowModule.sol";

/// @title CountryAllowModule - rejects Transfers and Mints to a country that is not allowed
/// @notice Stateless: `moved` only checks. A compliance's allow list is cleared when it unbinds.
contract CountryAllowModule is ICountryAllowModule, AbstractComplianceModule {
    using CountrySet for uint256[4];

    mapping(address compliance => bool bound) private _bound;
    mapping(address compliance => uint256[4] words) private _allowed;

    // ---- Configuration (through the compliance) ----

    /// @inheritdoc ICountryAllowModule
    function batchAllowCountries(uint16[] calldata countries) external {
        _update(countries, true);
    }

    /// @inheritdoc ICountryAllowModule
    function batchDisallowCountries(uint16[] calldata countries) external {
        _update(countries, false);
    }

    // ---- Movements ----

    /// @inheritdoc IComplianceModule
    /// @dev Reads no binding flag: the module keeps no movement state, and an unbound caller's
    ///      allow list is empty, so it only gets a rejection.
    function moved(Movement calldata movement) external view {
        if (_isChecked(movement.kind) && !_allowed[msg.sender].contains(movement.toCountry)) {
            revert CountryAllowModuleCountryNotAllowed(movement.toCountry);
        }
    }

    /// @inheritdoc IComplianceModule
    function moduleCheck(Movement calldata movement, address compliance) external view returns (bool) {
        return !_isChecked(movement.kind) || _allowed[compliance].contains(movement.toCountry);
    }

    // ---- Views ----

    /// @inheritdoc ICountryAllowModule
    function isCountryAllowed(address compliance, uint16 country) external view returns (bool) {
        return _allowed[compliance].contains(country);
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "CountryAllowModule";
    }

    // ---- Internals ----

    function _update(uint16[] calldata countries, bool allow) private {
        _requireBoundCaller();
        uint256[4] storage set = _allowed[msg.sender];
        for (uint256 i; i < countries.length; ++i) {
            uint16 country = countries[i];
            if (country > CountrySet.MAX_COUNTRY) revert CountryAllowModuleInvalidCountry(country);
            if (set.set(country, allow)) {
                if (allow) emit CountryAllowed(msg.sender, country);
                else emit CountryDisallowed(msg.sender, country);
            }
        }
    }

    function _isBound(address compliance) internal view override returns (bool) {
        return _bound[compliance];
    }

    function _bind(address compliance) internal override {
        _bound[compliance] = true;
    }

    function _unbind(address compliance) internal override {
        _bound[compliance] = false;
        _allowed[compliance].clear();
    }
}
