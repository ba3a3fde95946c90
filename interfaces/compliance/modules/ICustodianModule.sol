// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IComplianceModule} from "../IComplianceModule.sol";

/// @title ICustodianModule - a module that knows custodians: identities holding tokens for others
/// @notice A custodian is a contract that holds one token for many investors (the margin vault, an
///         omnibus account): it must be a verified holder of the token, but a per-investor rule must
///         not treat it as one investor. The compliance's owner (the issuer, through
///         `callModuleFunction`, like every other module setting) marks the custodian's IDENTITY, as
///         registered for the custodian's wallet in the token's identity registry: modules key their
///         state by identity and never call the registry, so the flag costs a plain transfer nothing
///         extra. Every wallet of a custodian identity is a custodian: give each custodian contract an
///         identity of its own. Flags are per compliance and per binding (a module removed and added
///         again starts without custodians); each module keeps its own, so the issuer marks the
///         custodian in every such module it binds. What a custodian changes is each module's own rule
///         (see its interface).
interface ICustodianModule is IComplianceModule {
    /// @notice `compliance` marked (`isCustodian`) or unmarked `identity` as a custodian.
    event CustodianSet(address indexed compliance, address indexed identity, bool isCustodian);

    /// @notice `identity` cannot be a custodian (the zero identity stands for wallets without one).
    error ComplianceModuleInvalidCustodian(address identity);

    /// @notice Mark or unmark `identity` as a custodian of the caller compliance (bound compliance
    ///         only, i.e. its owner through `callModuleFunction`). Setting the current value changes
    ///         nothing and emits nothing.
    function setCustodian(address identity, bool isCustodian) external;

    /// @notice Whether `identity` is a custodian of `compliance` (false for an unbound compliance).
    function isCustodian(address compliance, address identity) external view returns (bool);
}
