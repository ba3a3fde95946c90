// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

/// @title IProtocolAccessManager - the one AccessManager of a dualtrack protocol, with its role ids
/// @notice OpenZeppelin's AccessManager (5.4), unchanged, plus the ids of the protocol's named roles. At
///         construction it labels them (`RoleLabel`) and makes GUARDIAN the guardian of every role but
///         ADMIN and itself, so the guardian can cancel any of their scheduled operations. Everything else
///         (who holds which role with which execution delay, which function needs which role) is set by
///         the deployment and changed by ADMIN. See docs/governance.md.
/// @dev AccessManager itself also answers `ADMIN_ROLE()` (0: role grants, function mapping, targets) and
///      `PUBLIC_ROLE()` (2^64 - 1: open to everyone); they are not redeclared here.
interface IProtocolAccessManager is IAccessManager {
    /// @notice GUARDIAN (1): cancels scheduled operations, removes reporters, pauses; never delayed.
    function GUARDIAN_ROLE() external view returns (uint64);
    /// @notice RISK_ADMIN (2): risk parameters, through its execution delay (the timelock).
    function RISK_ADMIN_ROLE() external view returns (uint64);
    /// @notice ORACLE_ADMIN (3): reporters, quorums, report timing, uptime feed, oracle wiring.
    function ORACLE_ADMIN_ROLE() external view returns (uint64);
    /// @notice TREASURY (4): the dividend distributor's rates, tax account, custodians and trust list.
    function TREASURY_ROLE() external view returns (uint64);
    /// @notice UPGRADER (5): suite implementations and the factory's version.
    function UPGRADER_ROLE() external view returns (uint64);
    /// @notice KEEPER (6): the trading track's keepers.
    function KEEPER_ROLE() external view returns (uint64);
}
