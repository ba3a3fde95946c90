// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Roles - the role ids of a dualtrack protocol's AccessManager
/// @notice One `ProtocolAccessManager` per protocol holds every role of the protocol contracts (the
///         EquityPriceOracle, SequencerSentinel, CorporateActions, DividendDistributor, SuiteFactory and
///         every SuiteAuthority). Which function needs which role is wired at deployment
///         (`setTargetFunctionRole`, `dualtrack.governance.FUNCTION_ROLES`); an unmapped function needs
///         ADMIN. A role's execution delay is per holder (`grantRole(role, account, executionDelay)`): a
///         holder with a delay must `schedule` each call and may execute it only once the delay has passed,
///         which makes the delay the role's timelock. See docs/governance.md.
/// @dev ERC-3643 suite contracts (EquityToken, registries, compliance, modules) are not governed by these
///      roles: they keep their owner and agents as the standard defines them.
library Roles {
    /// @notice AccessManager's ADMIN_ROLE: grants and revokes every role, maps functions to roles, opens
    ///         and closes targets, moves a contract to another manager. Holds no protocol function itself
    ///         unless one is left unmapped. Granted with the longest delay of the protocol.
    uint64 internal constant ADMIN = 0;
    /// @notice Acts at once, never adds risk: cancels any scheduled operation of the roles it guards
    ///         (every role but ADMIN and itself), removes an oracle reporter (a compromised key), and will
    ///         pause the trading-track contracts. Granted without delay.
    uint64 internal constant GUARDIAN = 1;
    /// @notice Risk parameters: feed staleness bounds and jump bands, the sequencer grace period, the
    ///         corporate-action notice and maintenance lead, and the trading track's margin, funding and
    ///         liquidation parameters. Granted with an execution delay: the protocol's timelock.
    uint64 internal constant RISK_ADMIN = 2;
    /// @notice The price source: reporters added, quorums, report timing, the uptime feed, and the
    ///         oracle's wiring to CorporateActions and the sentinel (and back). Granted with a delay.
    uint64 internal constant ORACLE_ADMIN = 3;
    /// @notice The DividendDistributor's settings: withholding rates, the tax account, custodians, trusted
    ///         factories and allow-listed tokens. Granted with a delay.
    uint64 internal constant TREASURY = 4;
    /// @notice Code: every SuiteAuthority's implementations (one call upgrades every suite of a version)
    ///         and the SuiteFactory's version for new suites; the trading track's proxies. Granted with the
    ///         longest delay after ADMIN's.
    uint64 internal constant UPGRADER = 5;
    /// @notice The trading track's keepers (liquidations, funding updates). No asset-track function needs
    ///         it: reports, policy re-syncs and dividend releases are open to anyone.
    uint64 internal constant KEEPER = 6;
    /// @notice AccessManager's PUBLIC_ROLE: a function mapped to it is open to everyone.
    uint64 internal constant PUBLIC = type(uint64).max;
}
