// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDividendCustodian - the hook of contracts that hold tokens for others (vault, liquidity pool)
/// @notice The protocol's TREASURY role registers a custodian on the DividendDistributor. A custodian's claim is paid GROSS
///         (nothing withheld: the custodian is not the beneficial owner), then the distributor calls
///         `onDividendReceived`, which must return its own selector. The custodian then owes its
///         depositors their share, each withheld at the depositor's own country rate read from the
///         distributor's `withholdingRate(country)`, the withheld part remitted to its `taxAccount()`.
///         To be exact, a custodian attributes the dividend by its depositors' positions at the record
///         time, `snapshotTime(snapshotId)` on the token.
interface IDividendCustodian {
    /// @notice `gross` units of `paymentToken` were paid to this custodian for the `token` it held at
    ///         `snapshotId` under distribution `distributionId` of the calling distributor.
    /// @return The selector `IDividendCustodian.onDividendReceived.selector` to accept the payment.
    function onDividendReceived(
        uint256 distributionId,
        address token,
        address paymentToken,
        uint256 gross,
        uint256 snapshotId
    ) external returns (bytes4);
}
