// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IComplianceModule} from "../IComplianceModule.sol";

/// @title ICountryAllowModule - the receiver's country must be on the compliance's allow list
/// @notice Checked for Transfer and Mint. Countries are ISO-3166 numeric codes 0..999 (0 = none);
///         the list is a 1000-bit set per compliance, cleared when the compliance unbinds.
///         Configuration goes through `ModularCompliance.callModuleFunction` (caller = compliance).
interface ICountryAllowModule is IComplianceModule {
    /// @notice `country` was added to `compliance`'s allow list.
    event CountryAllowed(address indexed compliance, uint16 country);
    /// @notice `country` was removed from `compliance`'s allow list.
    event CountryDisallowed(address indexed compliance, uint16 country);

    /// @notice The receiver's `country` is not allowed.
    error CountryAllowModuleCountryNotAllowed(uint16 country);
    /// @notice `country` is above 999.
    error CountryAllowModuleInvalidCountry(uint16 country);

    /// @notice Allow every country in `countries` (bound compliance only; already allowed ones are skipped).
    function batchAllowCountries(uint16[] calldata countries) external;
    /// @notice Disallow every country in `countries` (bound compliance only; absent ones are skipped).
    function batchDisallowCountries(uint16[] calldata countries) external;
    /// @notice Whether `country` is allowed for `compliance`.
    function isCountryAllowed(address compliance, uint16 country) external view returns (bool);
}
