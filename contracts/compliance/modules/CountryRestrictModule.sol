// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AbstractComplianceModule} from "./AbstractComplianceModule.sol";
import {CountrySet} from "./CountrySet.sol";
import {IComplianceModule, Movement} from "../../interfaces/compliance/IComplianceModule.sol";
import {ICountryRestrictModule} from "../../interfaces/compliance/modules/ICountryRestrictModule.sol";

/// @title CountryRestrictModule - rejects Transfers and Mints to a blocked country
/// @notice Stateless: `moved` only checks. A compliance's block list is cleared when it unbinds.
contract CountryRestrictModule is ICountryRestrictModule, AbstractComplianceModule {
    using CountrySet for uint256[4];

    mapping(address compliance => bool bound) private _bound;
    mapping(address compliance => uint256[4] words) private _restricted;

    // ---- Configuration (through the compliance) ----

    /// @inheritdoc ICountryRestrictModule
    function batchRestrictCountries(uint16[] calldata countries) external {
        _update(countries, true);
    }

    /// @inheritdoc ICountryRestrictModule
    function batchUnrestrictCountries(uint16[] calldata countries) external {
        _update(countries, false);
    }

    // ---- Movements ----

    /// @inheritdoc IComplianceModule
    /// @dev Reads no binding flag: the module keeps no movement state, and an unbound caller's
    ///      block list is empty, so calling it does nothing.
    function moved(Movement calldata movement) external view {
        if (_isChecked(movement.kind) && _restricted[msg.sender].contains(movement.toCountry)) {
            revert CountryRestrictModuleCountryBlocked(movement.toCountry);
        }
    }

    /// @inheritdoc IComplianceModule
    function moduleCheck(Movement calldata movement, address compliance) external view returns (bool) {
        return !_isChecked(movement.kind) || !_restricted[compliance].contains(movement.toCountry);
    }

    // ---- Views ----

    /// @inheritdoc ICountryRestrictModule
    function isCountryRestricted(address compliance, uint16 country) external view returns (bool) {
        return _restricted[compliance].contains(country);
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "CountryRestrictModule";
    }

    // ---- Internals ----

    function _update(uint16[] calldata countries, bool restrict) private {
        _requireBoundCaller();
        uint256[4] storage set = _restricted[msg.sender];
        for (uint256 i; i < countries.length; ++i) {
            uint16 country = countries[i];
            if (country > CountrySet.MAX_COUNTRY) revert CountryRestrictModuleInvalidCountry(country);
            if (set.set(country, restrict)) {
                if (restrict) emit CountryRestricted(msg.sender, country);
                else emit CountryUnrestricted(msg.sender, country);
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
        _restricted[compliance].clear();
    }
}
