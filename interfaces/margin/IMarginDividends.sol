// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDividendCustodian} from "../corporate/IDividendCustodian.sol";

/// @title IMarginDividends - the margin vault passes stock dividends through to its depositors
/// @notice The vault is a custodian registered on the DividendDistributor: its claim for the stock tokens
///         it holds is paid gross, then `onDividendReceived` records a vault distribution. Each account is
///         entitled to gross x (its booked balance of the token at the record time) / (the vault's booked
///         total at the record time), rounded down, so entitlements never exceed what was received. A claim
///         pays the account's owner now (after a recovery, the new wallet), withheld at that owner's
///         country rate in the token's identity registry (`withholdingRate(country)` of the distributor,
///         rounded up); the withheld part goes to the distributor's `taxAccount()`.
///         Balances at the record time come from per-account checkpoints written lazily (only when a
///         balance changes after a snapshot was taken), so a deposit with no snapshot in between writes
///         nothing extra.
interface IMarginDividends is IDividendCustodian {
    /// @notice One distribution received by the vault.
    struct VaultDistribution {
        address token;
        address paymentToken;
        uint64 snapshotId;
        uint256 gross;
        uint256 bookedAtRecord;
        uint256 paid;
    }

    error MarginDividendsNotDistributor(address caller);
    error MarginDividendsUnknownDistribution(uint256 vaultDistributionId);
    error MarginDividendsAlreadyClaimed(uint256 vaultDistributionId, uint256 accountId);
    error MarginDividendsNothingToClaim(uint256 vaultDistributionId, uint256 accountId);
    /// @notice A claim of `requested` would take the distribution's payouts beyond its gross: only
    ///         `available` is left (the books the entitlements come from are inconsistent).
    error MarginDividendsExceedsGross(uint256 vaultDistributionId, uint256 requested, uint256 available);

    event VaultDividendReceived(
        uint256 indexed vaultDistributionId,
        uint256 indexed distributionId,
        address indexed token,
        address paymentToken,
        uint256 gross,
        uint256 snapshotId
    );
    event VaultDividendClaimed(
        uint256 indexed vaultDistributionId,
        uint256 indexed accountId,
        address indexed paidTo,
        uint256 gross,
        uint256 withheld
    );
    event DistributorSet(address distributor);

    /// @notice Pay `accountId`'s share of vault distribution `vaultDistributionId` to the account's owner,
    ///         net of withholding. Anyone may call it.
    function claimDividend(uint256 vaultDistributionId, uint256 accountId) external returns (uint256 net);

    /// @notice `accountId`'s gross entitlement in `vaultDistributionId` (zero once claimed).
    function dividendOf(uint256 vaultDistributionId, uint256 accountId) external view returns (uint256 gross);

    /// @notice A distribution the vault received.
    function vaultDistribution(uint256 vaultDistributionId) external view returns (VaultDistribution memory);

    /// @notice How many distributions the vault received.
    function vaultDistributionCount() external view returns (uint256);

    /// @notice `accountId`'s booked balance of `token` at the token's snapshot `snapshotId`.
    function bookedAt(uint256 accountId, address token, uint256 snapshotId) external view returns (uint256);

    /// @notice The DividendDistributor whose payments the vault accepts (zero: none).
    function dividendDistributor() external view returns (address);

    /// @notice Set the DividendDistributor whose payments the vault accepts (RISK_ADMIN).
    function setDistributor(address distributor) external;
}
