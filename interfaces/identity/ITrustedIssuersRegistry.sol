// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClaimIssuer} from "./IClaimIssuer.sol";

/// @title ITrustedIssuersRegistry - which claim issuers are trusted for which topics (ERC-3643)
/// @notice At most 50 issuers and 15 topics per issuer (documented caps).
interface ITrustedIssuersRegistry {
    /// @notice `trustedIssuer` is trusted for `claimTopics`.
    event TrustedIssuerAdded(IClaimIssuer indexed trustedIssuer, uint256[] claimTopics);
    /// @notice `trustedIssuer` is no longer trusted.
    event TrustedIssuerRemoved(IClaimIssuer indexed trustedIssuer);
    /// @notice The topics `trustedIssuer` is trusted for changed.
    event ClaimTopicsUpdated(IClaimIssuer indexed trustedIssuer, uint256[] claimTopics);

    /// @notice The issuer is the zero address.
    error TrustedIssuersRegistryZeroIssuer();
    /// @notice The issuer is already trusted.
    error TrustedIssuersRegistryAlreadyTrusted(address issuer);
    /// @notice The issuer is not trusted.
    error TrustedIssuersRegistryNotTrusted(address issuer);
    /// @notice An issuer must be trusted for between 1 and 15 topics, without duplicates.
    error TrustedIssuersRegistryInvalidTopics(uint256 count);
    /// @notice The registry already holds `cap` issuers.
    error TrustedIssuersRegistryCapReached(uint256 cap);

    /// @notice Trust `trustedIssuer` for `claimTopics` (owner only).
    function addTrustedIssuer(IClaimIssuer trustedIssuer, uint256[] calldata claimTopics) external;
    /// @notice Stop trusting `trustedIssuer` (owner only).
    function removeTrustedIssuer(IClaimIssuer trustedIssuer) external;
    /// @notice Replace the topics `trustedIssuer` is trusted for (owner only).
    function updateIssuerClaimTopics(IClaimIssuer trustedIssuer, uint256[] calldata claimTopics) external;
    /// @notice Every trusted issuer.
    function getTrustedIssuers() external view returns (IClaimIssuer[] memory);
    /// @notice The issuers trusted for `claimTopic`.
    function getTrustedIssuersForClaimTopic(uint256 claimTopic) external view returns (IClaimIssuer[] memory);
    /// @notice Whether `issuer` is trusted for any topic.
    function isTrustedIssuer(address issuer) external view returns (bool);
    /// @notice The topics `trustedIssuer` is trusted for.
    function getTrustedIssuerClaimTopics(IClaimIssuer trustedIssuer) external view returns (uint256[] memory);
    /// @notice Whether `issuer` is trusted for `claimTopic`.
    function hasClaimTopic(address issuer, uint256 claimTopic) external view returns (bool);
}
