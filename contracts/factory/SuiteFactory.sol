// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";

import {ISuiteFactory} from "../interfaces/factory/ISuiteFactory.sol";
import {ISuiteAuthority} from "../interfaces/factory/ISuiteAuthority.sol";
import {IEquityToken} from "../interfaces/token/IEquityToken.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IStandaloneIdentityRegistry} from "../interfaces/identity/IStandaloneIdentityRegistry.sol";
import {IClaimTopicsRegistry} from "../interfaces/identity/IClaimTopicsRegistry.sol";
import {ITrustedIssuersRegistry} from "../interfaces/identity/ITrustedIssuersRegistry.sol";
import {IClaimIssuer} from "../interfaces/identity/IClaimIssuer.sol";
import {IPolicyPublisher} from "../interfaces/identity/IPolicyPublisher.sol";
import {IModularCompliance} from "../interfaces/compliance/IModularCompliance.sol";
import {SuiteProxy} from "./SuiteProxy.sol";
import {SuiteRoles} from "../libraries/SuiteRoles.sol";

/// @notice Initializers of the suite contracts.
interface ISuiteInitializers {
    function initialize(address owner) external;
    function initialize(address owner, address issuers, address topics, address identityStorage) external;
}

/// @title SuiteFactory - one transaction, one complete ERC-3643 suite for a new stock
/// @notice Proxies are created with empty initializer data and initialized in the same transaction,
///         so a suite's addresses depend only on (deployer, salt, role) and can be predicted (e.g. so
///         the owner of a shared identity storage binds the new registry beforehand).
///         Default layout: one TransferPolicy (role TRANSFER_POLICY) is the suite's identity registry
///         AND its compliance, so the token settles each movement with one call; with
///         `separateRegistryAndCompliance` the suite gets a stand-alone IdentityRegistry and
///         ModularCompliance as before.
///         Administration: `setCurrentAuthority` (the version new suites use) is `restricted` by the
///         protocol's AccessManager (UPGRADER, with its delay); deploying suites is open to anyone, and
///         every suite is owned by the `owner` its deployer names (ERC-3643 ownership, not a protocol role).
contract SuiteFactory is ISuiteFactory, AccessManaged {
    address private _currentAuthority;
    mapping(address deployer => mapping(bytes32 salt => bool used)) private _usedSalts;
    mapping(address token => bool deployed) private _suiteTokens;

    /// @param initialAuthority The protocol's AccessManager (who may choose the version: UPGRADER).
    /// @param authority The SuiteAuthority new suites use.
    constructor(address initialAuthority, address authority) AccessManaged(initialAuthority) {
        // A manager without code would lock every restricted function for good.
        if (initialAuthority.code.length == 0) revert AccessManagedInvalidAuthority(initialAuthority);
        _setCurrentAuthority(authority);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ISuiteFactory
    function setCurrentAuthority(address authority) external restricted {
        _setCurrentAuthority(authority);
    }

    /// @inheritdoc ISuiteFactory
    function currentAuthority() external view returns (address) {
        return _currentAuthority;
    }

    // ------------------------------------------------------------------ deployment

    /// @inheritdoc ISuiteFactory
    function deploySuite(bytes32 salt, SuiteParams calldata p) external returns (Suite memory suite) {
        if (p.owner == address(0)) revert SuiteFactoryZeroAddress();
        if (p.trustedIssuers.length != p.issuerClaimTopics.length) {
            revert SuiteFactoryLengthMismatch(p.trustedIssuers.length, p.issuerClaimTopics.length);
        }
        if (p.moduleCallTargets.length != p.moduleCalls.length) {
            revert SuiteFactoryLengthMismatch(p.moduleCallTargets.length, p.moduleCalls.length);
        }
        if (_usedSalts[msg.sender][salt]) revert SuiteFactorySaltUsed(msg.sender, salt);
        _usedSalts[msg.sender][salt] = true;
        address authority = _currentAuthority;

        suite.claimTopicsRegistry = _deployOwnedByFactory(authority, salt, SuiteRoles.CLAIM_TOPICS_REGISTRY);
        suite.trustedIssuersRegistry = _deployOwnedByFactory(authority, salt, SuiteRoles.TRUSTED_ISSUERS_REGISTRY);
        bool separate = p.separateRegistryAndCompliance;
        // TransferPolicy and IdentityRegistry share the initializer; the policy is also the compliance.
        // No shared storage: the registry keeps the wallet records itself and is its own identity storage.
        suite.identityRegistry =
            _deploy(authority, salt, separate ? SuiteRoles.IDENTITY_REGISTRY : SuiteRoles.TRANSFER_POLICY);
        ISuiteInitializers(suite.identityRegistry).initialize(
            address(this), suite.trustedIssuersRegistry, suite.claimTopicsRegistry, p.identityStorage
        );
        suite.identityStorage = p.identityStorage == address(0) ? suite.identityRegistry : p.identityStorage;
        suite.compliance = separate
            ? _deployOwnedByFactory(authority, salt, SuiteRoles.MODULAR_COMPLIANCE)
            : suite.identityRegistry;
        suite.token = _deploy(authority, salt, SuiteRoles.TOKEN);
        _suiteTokens[suite.token] = true; // SuiteDeployed (below) names it
        IEquityToken(suite.token).initialize(
            IEquityToken.InitParams({
                name: p.name,
                symbol: p.symbol,
                decimals: p.decimals,
                onchainID: p.onchainID,
                owner: address(this),
                identityRegistry: suite.identityRegistry,
                compliance: suite.compliance
            })
        );

        _configureClaims(suite, p);
        _configureCompliance(suite, p);
        _configureAgents(suite, p);

        OwnableUpgradeable(suite.token).transferOwnership(p.owner);
        OwnableUpgradeable(suite.identityRegistry).transferOwnership(p.owner);
        OwnableUpgradeable(suite.claimTopicsRegistry).transferOwnership(p.owner);
        OwnableUpgradeable(suite.trustedIssuersRegistry).transferOwnership(p.owner);
        if (separate) OwnableUpgradeable(suite.compliance).transferOwnership(p.owner);

        emit SuiteDeployed(
            suite.token,
            msg.sender,
            salt,
            authority,
            suite.identityRegistry,
            suite.identityStorage,
            suite.claimTopicsRegistry,
            suite.trustedIssuersRegistry,
            suite.compliance
        );
    }

    /// @inheritdoc ISuiteFactory
    function deployIdentityStorage(bytes32 salt, address owner_) external returns (address identityStorage) {
        if (owner_ == address(0)) revert SuiteFactoryZeroAddress();
        if (_usedSalts[msg.sender][salt]) revert SuiteFactorySaltUsed(msg.sender, salt);
        _usedSalts[msg.sender][salt] = true;
        identityStorage = _deploy(_currentAuthority, salt, SuiteRoles.IDENTITY_REGISTRY_STORAGE);
        ISuiteInitializers(identityStorage).initialize(owner_);
        emit IdentityStorageDeployed(identityStorage, msg.sender, salt, owner_);
    }

    /// @inheritdoc ISuiteFactory
    function isSuiteToken(address token) external view returns (bool) {
        return _suiteTokens[token];
    }

    /// @inheritdoc ISuiteFactory
    function predictSuite(address deployer, bytes32 salt, bool separate) external view returns (Suite memory suite) {
        address authority = _currentAuthority;
        suite.token = _predict(authority, deployer, salt, SuiteRoles.TOKEN);
        suite.identityRegistry = _predict(
            authority, deployer, salt, separate ? SuiteRoles.IDENTITY_REGISTRY : SuiteRoles.TRANSFER_POLICY
        );
        // with local records (no shared storage) the registry is its own identity storage
        suite.identityStorage = suite.identityRegistry;
        suite.claimTopicsRegistry = _predict(authority, deployer, salt, SuiteRoles.CLAIM_TOPICS_REGISTRY);
        suite.trustedIssuersRegistry = _predict(authority, deployer, salt, SuiteRoles.TRUSTED_ISSUERS_REGISTRY);
        suite.compliance =
            separate ? _predict(authority, deployer, salt, SuiteRoles.MODULAR_COMPLIANCE) : suite.identityRegistry;
    }

    // ------------------------------------------------------------------ internals

    function _configureClaims(Suite memory suite, SuiteParams calldata p) private {
        // Subscribe the registry to both policy registries: every later change of topics or trusted
        // issuers is pushed to it, so it can verify from its own cached policy (fewer cold calls)
        // while staying live.
        IPolicyPublisher(suite.claimTopicsRegistry).addPolicySubscriber(suite.identityRegistry);
        IPolicyPublisher(suite.trustedIssuersRegistry).addPolicySubscriber(suite.identityRegistry);
        for (uint256 i; i < p.claimTopics.length; ++i) {
            IClaimTopicsRegistry(suite.claimTopicsRegistry).addClaimTopic(p.claimTopics[i]);
        }
        for (uint256 i; i < p.trustedIssuers.length; ++i) {
            ITrustedIssuersRegistry(suite.trustedIssuersRegistry).addTrustedIssuer(
                IClaimIssuer(p.trustedIssuers[i]), p.issuerClaimTopics[i]
            );
        }
    }

    function _configureCompliance(Suite memory suite, SuiteParams calldata p) private {
        IModularCompliance compliance = IModularCompliance(suite.compliance);
        for (uint256 i; i < p.complianceModules.length; ++i) {
            compliance.addModule(p.complianceModules[i]);
        }
        for (uint256 i; i < p.moduleCalls.length; ++i) {
            compliance.callModuleFunction(p.moduleCalls[i], p.moduleCallTargets[i]);
        }
        compliance.bindToken(suite.token);
        // Separate layout: the stand-alone registry re-attributes re-keyed holdings through the token's compliance.
        if (suite.compliance != suite.identityRegistry) {
            IStandaloneIdentityRegistry(suite.identityRegistry).bindToken(suite.token);
        }
    }

    function _configureAgents(Suite memory suite, SuiteParams calldata p) private {
        // The token is an agent of its registry so `recoveryAddress` can re-point the lost wallet.
        IIdentityRegistry(suite.identityRegistry).addAgent(suite.token);
        for (uint256 i; i < p.registryAgents.length; ++i) {
            IIdentityRegistry(suite.identityRegistry).addAgent(p.registryAgents[i]);
        }
        for (uint256 i; i < p.tokenAgents.length; ++i) {
            IEquityToken(suite.token).addAgent(p.tokenAgents[i]);
        }
    }

    function _deployOwnedByFactory(address authority, bytes32 salt, bytes32 role) private returns (address proxy) {
        proxy = _deploy(authority, salt, role);
        ISuiteInitializers(proxy).initialize(address(this));
    }

    function _deploy(address authority, bytes32 salt, bytes32 role) private returns (address) {
        return Create2.deploy(0, _roleSalt(msg.sender, salt, role), _initCode(authority, role));
    }

    function _predict(address authority, address deployer, bytes32 salt, bytes32 role) private view returns (address) {
        return Create2.computeAddress(_roleSalt(deployer, salt, role), keccak256(_initCode(authority, role)));
    }

    function _roleSalt(address deployer, bytes32 salt, bytes32 role) private pure returns (bytes32) {
        return keccak256(abi.encode(deployer, salt, role));
    }

    function _initCode(address authority, bytes32 role) private pure returns (bytes memory) {
        return abi.encodePacked(type(SuiteProxy).creationCode, abi.encode(authority, role, bytes("")));
    }

    function _setCurrentAuthority(address authority) private {
        if (authority == address(0)) revert SuiteFactoryZeroAddress();
        _currentAuthority = authority;
        emit CurrentAuthoritySet(authority, ISuiteAuthority(authority).version());
    }
}
