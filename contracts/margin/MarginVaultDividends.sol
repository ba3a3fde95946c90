// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {IDividendCustodian} from "../interfaces/corporate/IDividendCustodian.sol";
import {IDividendDistributor} from "../interfaces/corporate/IDividendDistributor.sol";
import {IMarginDividends} from "../interfaces/margin/IMarginDividends.sol";
import {IBalanceSnapshots} from "../interfaces/token/IBalanceSnapshots.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";
import {BookedCheckpoints} from "../libraries/BookedCheckpoints.sol";
import {DividendShares} from "../libraries/DividendShares.sol";

/// @title MarginVaultDividends - the margin vault passes the stock dividends it receives to its accounts
/// @notice The vault holds every account's stock tokens, so the DividendDistributor pays it (a registered
///         custodian) one gross amount per distribution. This part of the vault records each payment and
///         lets anyone pay an account its share: gross x the account's booked balance at the record time /
///         the vault's booked total then (rounded down), to the account's owner now, withheld at that
///         owner's country rate of the paying distributor (rounded up) for the distributor's tax account.
/// @dev Record-time balances are checkpointed lazily, per (account, token) and per token for the total,
///      as the token does it (BookedCheckpoints): the core calls `_beforeBookedChange` before every change
///      of a booked stock balance, which only writes when a snapshot was taken since the account's last
///      change. Rates and the tax account are those of the distributor that paid, read at claim time.
abstract contract MarginVaultDividends is IMarginDividends, AccessManagedUpgradeable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;
    using BookedCheckpoints for BookedCheckpoints.Track;

    /// @dev A VaultDistribution, packed (a claim reads and writes `gross` and `paid` in one slot), and the
    ///      distributor that paid it. `gross` fits: the distributor's funding is below 2**128.
    struct Received {
        address token;
        uint64 snapshotId;
        address paymentToken;
        address distributor;
        uint128 gross;
        uint128 paid;
        uint256 bookedAtRecord;
    }

    /// @custom:storage-location erc7201:dualtrack.storage.MarginVaultDividends
    struct MarginVaultDividendsStorage {
        address distributor;
        Received[] distributions; // vault distribution id i is distributions[i - 1]
        mapping(uint256 vaultDistributionId => BitMaps.BitMap accountIds) claimed;
        mapping(uint256 accountId => mapping(address token => BookedCheckpoints.Track)) booked;
        mapping(address token => BookedCheckpoints.Track) bookedTotal;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.MarginVaultDividends")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant MARGIN_VAULT_DIVIDENDS_STORAGE =
        0x609992c865db4b7030d9e9c5912b99c4a198ecca0636a1ce79e3336d82d5bb00;

    function __MarginVaultDividends_init(address distributor) internal onlyInitializing {
        _setDistributor(distributor);
    }

    // ---- Hooks and views of the vault core ----

    /// @dev The core calls this BEFORE any change of `accountId`'s booked balance of the stock `token`
    ///      (deposit, withdrawal, seizure, liquidation, move between accounts; once per account touched),
    ///      with the balance and the vault's booked total of `token` before the change. No snapshot taken
    ///      since the account's last change: one slot read and one `lastTakenSnapshot` call, nothing written.
    function _beforeBookedChange(uint256 accountId, address token, uint256 accountBalanceBefore, uint256 totalBookedBefore)
        internal
    {
        MarginVaultDividendsStorage storage $ = _getMarginVaultDividendsStorage();
        BookedCheckpoints.Track storage account = $.booked[accountId][token];
        uint256 synced = account.synced;
        uint256 taken = IBalanceSnapshots(token).lastTakenSnapshot();
        if (taken == synced) return; // the total was synced to `taken` too, at that same change
        account.record(taken, accountBalanceBefore);
        $.bookedTotal[token].record(taken, totalBookedBefore);
    }

    /// @dev The wallet that owns `accountId` now (zero if none).
    function _accountOwner(uint256 accountId) internal view virtual returns (address);

    /// @dev `accountId`'s booked raw balance of `token` now.
    function _booked(uint256 accountId, address token) internal view virtual returns (uint256);

    /// @dev The raw units of `token` booked for all accounts now.
    function _bookedTotal(address token) internal view virtual returns (uint256);

    // ---- Distributions ----

    /// @inheritdoc IDividendCustodian
    function onDividendReceived(uint256 distributionId, address token, address paymentToken, uint256 gross, uint256 snapshotId)
        external
        nonReentrant
        returns (bytes4)
    {
        MarginVaultDividendsStorage storage $ = _getMarginVaultDividendsStorage();
        if (msg.sender != $.distributor) revert MarginDividendsNotDistributor(msg.sender);
        $.distributions.push(
            Received({
                token: token,
                snapshotId: SafeCast.toUint64(snapshotId),
                paymentToken: paymentToken,
                distributor: msg.sender,
                gross: SafeCast.toUint128(gross),
                paid: 0,
                bookedAtRecord: $.bookedTotal[token].valueAt(snapshotId, _bookedTotal(token))
            })
        );
        emit VaultDividendReceived($.distributions.length, distributionId, token, paymentToken, gross, snapshotId);
        return IDividendCustodian.onDividendReceived.selector;
    }

    /// @inheritdoc IMarginDividends
    function claimDividend(uint256 vaultDistributionId, uint256 accountId) external nonReentrant returns (uint256 net) {
        MarginVaultDividendsStorage storage $ = _getMarginVaultDividendsStorage();
        Received storage d = _received($, vaultDistributionId);
        if ($.claimed[vaultDistributionId].get(accountId)) {
            revert MarginDividendsAlreadyClaimed(vaultDistributionId, accountId);
        }
        uint256 gross = _entitlement($, d, accountId);
        if (gross == 0) revert MarginDividendsNothingToClaim(vaultDistributionId, accountId);
        uint256 available = d.gross - d.paid;
        if (gross > available) revert MarginDividendsExceedsGross(vaultDistributionId, gross, available);
        $.claimed[vaultDistributionId].set(accountId);
        d.paid += uint128(gross); // paid + gross <= d.gross < 2**128, checked above
        address owner = _accountOwner(accountId);
        IDividendDistributor distributor = IDividendDistributor(d.distributor);
        uint16 country = IERC3643(d.token).identityRegistry().investorCountry(owner);
        uint256 withheld = DividendShares.withheld(gross, distributor.withholdingRate(country));
        net = gross - withheld; // the distributor's rates are at most 100%
        IERC20 paymentToken = IERC20(d.paymentToken);
        if (withheld != 0) paymentToken.safeTransfer(distributor.taxAccount(), withheld);
        if (net != 0) paymentToken.safeTransfer(owner, net);
        emit VaultDividendClaimed(vaultDistributionId, accountId, owner, gross, withheld);
    }

    // ---- Settings ----

    /// @inheritdoc IMarginDividends
    function setDistributor(address distributor) external restricted {
        _setDistributor(distributor);
    }

    // ---- Views ----

    /// @inheritdoc IMarginDividends
    function dividendOf(uint256 vaultDistributionId, uint256 accountId) external view returns (uint256 gross) {
        MarginVaultDividendsStorage storage $ = _getMarginVaultDividendsStorage();
        Received storage d = _received($, vaultDistributionId);
        if ($.claimed[vaultDistributionId].get(accountId)) return 0;
        return _entitlement($, d, accountId);
    }

    /// @inheritdoc IMarginDividends
    function vaultDistribution(uint256 vaultDistributionId) external view returns (VaultDistribution memory) {
        Received storage d = _received(_getMarginVaultDividendsStorage(), vaultDistributionId);
        return VaultDistribution(d.token, d.paymentToken, d.snapshotId, d.gross, d.bookedAtRecord, d.paid);
    }

    /// @inheritdoc IMarginDividends
    function vaultDistributionCount() external view returns (uint256) {
        return _getMarginVaultDividendsStorage().distributions.length;
    }

    /// @inheritdoc IMarginDividends
    /// @dev Reverts as the token does for a snapshot that does not exist or was not taken yet.
    function bookedAt(uint256 accountId, address token, uint256 snapshotId) external view returns (uint256) {
        uint256 recordTime = IBalanceSnapshots(token).snapshotTime(snapshotId);
        if (recordTime > block.timestamp) revert IBalanceSnapshots.BalanceSnapshotsNotTaken(snapshotId, recordTime);
        BookedCheckpoints.Track storage track = _getMarginVaultDividendsStorage().booked[accountId][token];
        return track.valueAt(snapshotId, _booked(accountId, token));
    }

    /// @inheritdoc IMarginDividends
    function dividendDistributor() external view returns (address) {
        return _getMarginVaultDividendsStorage().distributor;
    }

    // ---- Internals ----

    function _setDistributor(address distributor) private {
        _getMarginVaultDividendsStorage().distributor = distributor;
        emit DistributorSet(distributor);
    }

    function _entitlement(MarginVaultDividendsStorage storage $, Received storage d, uint256 accountId)
        private
        view
        returns (uint256)
    {
        address token = d.token;
        uint256 position = $.booked[accountId][token].valueAt(d.snapshotId, _booked(accountId, token));
        return DividendShares.share(d.gross, position, d.bookedAtRecord);
    }

    function _received(MarginVaultDividendsStorage storage $, uint256 vaultDistributionId)
        private
        view
        returns (Received storage)
    {
        if (vaultDistributionId == 0 || vaultDistributionId > $.distributions.length) {
            revert MarginDividendsUnknownDistribution(vaultDistributionId);
        }
        return $.distributions[vaultDistributionId - 1];
    }

    function _getMarginVaultDividendsStorage() private pure returns (MarginVaultDividendsStorage storage $) {
        assembly {
            $.slot := MARGIN_VAULT_DIVIDENDS_STORAGE
        }
    }
}
