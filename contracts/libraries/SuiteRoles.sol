// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title SuiteRoles - the role ids a SuiteAuthority maps to implementations
library SuiteRoles {
    bytes32 internal constant TOKEN = keccak256("dualtrack.role.EquityToken");
    bytes32 internal constant IDENTITY_REGISTRY = keccak256("dualtrack.role.IdentityRegistry");
    bytes32 internal constant IDENTITY_REGISTRY_STORAGE = keccak256("dualtrack.role.IdentityRegistryStorage");
    bytes32 internal constant CLAIM_TOPICS_REGISTRY = keccak256("dualtrack.role.ClaimTopicsRegistry");
    bytes32 internal constant TRUSTED_ISSUERS_REGISTRY = keccak256("dualtrack.role.TrustedIssuersRegistry");
    bytes32 internal constant MODULAR_COMPLIANCE = keccak256("dualtrack.role.ModularCompliance");
    /// @dev Identity registry and modular compliance in one contract (the factory's default layout).
    bytes32 internal constant TRANSFER_POLICY = keccak256("dualtrack.role.TransferPolicy");
}
