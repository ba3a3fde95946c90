// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IComplianceModule} from "../IComplianceModule.sol";

/// @title ICountryRestrictModule - the receiver's country must not be blocked by the compliance
/// @notice Checked for Transfer and Mint. Countries are ISO-3166 numeric codes 0..999 (0 = none);
///         the block list is a 1000-bit set per compliance, cleared when the compliance unbinds.
///         Configuration goes through `ModularCompliance.callModuleFunction` (caller = compliance).
interface ICountryRestrictModule is IComplianceModule {
    /// @notice `country` was blocked for `compliance`.
    event CountryRestricted(address indexed compliance, uint16 country);
    /// @notice `country` was unblocked for `compliance`.
    event CountryUnrestricted(address indexed compliance, uint16 country);

    /// @notice The receiver's `country` is blocked.
    error CountryRestrictModuleCountryBlocked(uint16 country);
    /// @notice `country` is above 999.
    error CountryRestrictModuleInvalidCountry(uint16 country);

    /// @notice Block every country in `countries` (bound compliance only; already blocked ones are skipped).
    function batchRestrictCountries(uint16[] calldata countries) external;
    /// @notice Unblock every country in `countries` (bound compliance only; absent ones are skipped).
    function batchUnrestrictCountries(uint16[] calldata countries) external;
    /// @notice Whether `country` is blocked for `compliance`.
    function isCountryRestricted(address compliance, uint16 country) external view returns (bool);
}
