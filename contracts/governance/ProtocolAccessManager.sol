// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IProtocolAccessManager} from "../interfaces/governance/IProtocolAccessManager.sol";
import {Roles} from "../libraries/Roles.sol";

/// @title ProtocolAccessManager - the one AccessManager of a dualtrack protocol
/// @notice OpenZeppelin's audited AccessManager, with no behaviour changed: the constructor only names the
///         protocol's roles (`RoleLabel` events, read by explorers) and makes GUARDIAN the guardian of
///         RISK_ADMIN, ORACLE_ADMIN, TREASURY, UPGRADER and KEEPER, so it can cancel any operation they
///         scheduled. Role holders, their execution delays (the timelocks) and the function-to-role map are
///         set by the deployment (`dualtrack.deployment`) and read back by its checks. See
///         docs/governance.md for the roles and docs/upgrades.md for what may be upgraded, by whom.
/// @dev Every protocol contract is `AccessManaged` by this manager; ERC-3643 suite contracts are not (they
///      keep their Ownable owner and agents). ADMIN cannot be guarded (AccessManager locks it): an ADMIN
///      operation can be cancelled by its proposer or another ADMIN only, and its delay gives users time to
///      react.
contract ProtocolAccessManager is IProtocolAccessManager, AccessManager {
    /// @inheritdoc IProtocolAccessManager
    uint64 public constant GUARDIAN_ROLE = Roles.GUARDIAN;
    /// @inheritdoc IProtocolAccessManager
    uint64 public constant RISK_ADMIN_ROLE = Roles.RISK_ADMIN;
    /// @inheritdoc IProtocolAccessManager
    uint64 public constant ORACLE_ADMIN_ROLE = Roles.ORACLE_ADMIN;
    /// @inheritdoc IProtocolAccessManager
    uint64 public constant TREASURY_ROLE = Roles.TREASURY;
    /// @inheritdoc IProtocolAccessManager
    uint64 public constant UPGRADER_ROLE = Roles.UPGRADER;
    /// @inheritdoc IProtocolAccessManager
    uint64 public constant KEEPER_ROLE = Roles.KEEPER;

    /// @param initialAdmin The first ADMIN, with no delay (the deployer, who hands ADMIN over at the end).
    constructor(address initialAdmin) AccessManager(initialAdmin) {
        emit RoleLabel(Roles.GUARDIAN, "GUARDIAN");
        emit RoleLabel(Roles.RISK_ADMIN, "RISK_ADMIN");
        emit RoleLabel(Roles.ORACLE_ADMIN, "ORACLE_ADMIN");
        emit RoleLabel(Roles.TREASURY, "TREASURY");
        emit RoleLabel(Roles.UPGRADER, "UPGRADER");
        emit RoleLabel(Roles.KEEPER, "KEEPER");
        _setRoleGuardian(Roles.RISK_ADMIN, Roles.GUARDIAN);
        _setRoleGuardian(Roles.ORACLE_ADMIN, Roles.GUARDIAN);
        _setRoleGuardian(Roles.TREASURY, Roles.GUARDIAN);
        _setRoleGuardian(Roles.UPGRADER, Roles.GUARDIAN);
        _setRoleGuardian(Roles.KEEPER, Roles.GUARDIAN);
    }
}
