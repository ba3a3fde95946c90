// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISuiteFactory - deploys a complete ERC-3643 suite for one stock in one transaction
/// @notice Every suite contract is a SuiteProxy at a CREATE2 address derived from the caller, a salt
///         and the contract's role, reading its implementation from the version's SuiteAuthority:
///         upgrading the authority upgrades every suite of that version together.
///         Layouts: by default the identity registry and the modular compliance are ONE TransferPolicy
///         (role `dualtrack.role.TransferPolicy`), so `Suite.identityRegistry == Suite.compliance` and
///         the token makes one call per movement. `SuiteParams.separateRegistryAndCompliance` deploys
///         a stand-alone IdentityRegistry and ModularCompliance instead (two calls per movement).
interface ISuiteFactory {
    /// @notice Parameters of a new suite.
    struct SuiteParams {
        string name;
        string symbol;
        uint8 decimals;
        address onchainID; // the token's own identity (may be zero)
        address owner; // final owner of every suite contract
        address identityStorage; // shared IdentityRegistryStorage, or zero: the registry keeps the records
        uint256[] claimTopics;
        address[] trustedIssuers;
        uint256[][] issuerClaimTopics; // one list per trusted issuer
        address[] tokenAgents;
        address[] registryAgents;
        address[] complianceModules;
        address[] moduleCallTargets; // module of each configuration call (must be in complianceModules)
        bytes[] moduleCalls; // configuration calldata, run through ModularCompliance.callModuleFunction
        // false (default): one TransferPolicy is both registry and compliance; true: an IdentityRegistry
        // and a ModularCompliance, each behind its own proxy
        bool separateRegistryAndCompliance;
    }

    /// @notice The addresses of one suite. By default identityRegistry == compliance (the suite's
    ///         TransferPolicy); `identityStorage` is `identityRegistry` when the registry keeps the
    ///         wallet records itself.
    struct Suite {
        address token;
        address identityRegistry;
        address identityStorage;
        address claimTopicsRegistry;
        address trustedIssuersRegistry;
        address compliance;
    }

    /// @notice A suite was deployed with the authority `authority`.
    event SuiteDeployed(
        address indexed token,
        address indexed deployer,
        bytes32 indexed salt,
        address authority,
        address identityRegistry,
        address identityStorage,
        address claimTopicsRegistry,
        address trustedIssuersRegistry,
        address compliance
    );
    /// @notice A stand-alone identity storage (for several suites to share) was deployed.
    event IdentityStorageDeployed(
        address indexed identityStorage, address indexed deployer, bytes32 indexed salt, address owner
    );
    /// @notice New suites are deployed with `authority` from now on.
    event CurrentAuthoritySet(address indexed authority, string version);

    /// @notice The caller already used this salt.
    error SuiteFactorySaltUsed(address deployer, bytes32 salt);
    /// @notice Parameter arrays differ in length.
    error SuiteFactoryLengthMismatch(uint256 first, uint256 second);
    /// @notice Zero owner or no authority set.
    error SuiteFactoryZeroAddress();

    /// @notice Deploy and wire a full suite; the caller's `salt` fixes every address.
    function deploySuite(bytes32 salt, SuiteParams calldata params) external returns (Suite memory suite);
    /// @notice Deploy a stand-alone IdentityRegistryStorage that several suites can share.
    function deployIdentityStorage(bytes32 salt, address owner) external returns (address identityStorage);
    /// @notice The addresses `deploySuite(salt, ...)` from `deployer` will use, with local records
    ///         (`identityStorage` = the registry; with a shared storage it is that storage instead), for
    ///         `separateRegistryAndCompliance` equal to `separate`.
    function predictSuite(address deployer, bytes32 salt, bool separate) external view returns (Suite memory suite);
    /// @notice Use `authority` (a SuiteAuthority) for new suites; existing suites keep theirs. Restricted by
    ///         the protocol's AccessManager (UPGRADER, delayed; `AccessManagedUnauthorized(caller)` otherwise).
    function setCurrentAuthority(address authority) external;
    /// @notice The authority new suites use.
    function currentAuthority() external view returns (address);
    /// @notice Whether `token` is the token of a suite this factory deployed (set in `deploySuite`,
    ///         never cleared). Contracts that must only act on genuine dualtrack equity tokens (the
    ///         DividendDistributor) check it: such a token runs the implementation of its suite's
    ///         SuiteAuthority, so trusting this answer means trusting whoever holds UPGRADER on this
    ///         factory and on the authorities it used (who pick the code the tokens run).
    function isSuiteToken(address token) external view returns (bool);
}
