// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDividendCustodian} from "../interfaces/corporate/IDividendCustodian.sol";
import {IDividendDistributor} from "../interfaces/corporate/IDividendDistributor.sol";
import {IStockCapitalDividends} from "../interfaces/pool/IStockCapital.sol";
import {IBalanceSnapshots} from "../interfaces/token/IBalanceSnapshots.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";
import {BookedCheckpoints} from "../libraries/BookedCheckpoints.sol";
import {DividendShares} from "../libraries/DividendShares.sol";

/// @title StockCapitalDividends - StockCapital passes the stock dividends it receives to its LPs
/// @notice StockCapital holds every tranche's tokens, so the DividendDistributor pays it (a registered custodian)
///         one gross amount per distribution. This part records each payment and lets anyone pay an LP its
///         share: gross x the LP's shares of the tranche at the record time / the tranche's shares then
///         (rounded down), to the LP, withheld at the LP's country rate of the paying distributor (rounded
///         up) for the distributor's tax account. The margin vault's pattern (MarginVaultDividends), keyed by
///         (token, LP) instead of account, on the same libraries (BookedCheckpoints, DividendShares).
/// @dev Record-time shares are checkpointed lazily: the core calls `_afterSharesChange` after every change of
///      an LP's shares (with the values before it), which writes only when a snapshot was taken since the
///      LP's last change.
abstract contract StockCapitalDividends is IStockCapitalDividends, AccessManagedUpgradeable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using BookedCheckpoints for BookedCheckpoints.Track;

    /// @dev A CapitalDistribution, packed, and the distributor that paid it.
    struct Received {
        address token;
        uint64 snapshotId;
        address paymentToken;
        address distributor;
        uint128 gross;
        uint128 paid;
        uint256 sharesAtRecord;
    }

    /// @custom:storage-location erc7201:dualtrack.storage.StockCapitalDividends
    struct StockCapitalDividendsStorage {
        address distributor;
        Received[] distributions; // capital distribution id i is distributions[i - 1]
        mapping(uint256 capitalDistributionId => mapping(address lp => bool)) claimed;
        mapping(address token => mapping(address lp => BookedCheckpoints.Track)) shares;
        mapping(address token => BookedCheckpoints.Track) totalShares;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.StockCapitalDividends")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STOCK_CAPITAL_DIVIDENDS_STORAGE =
        0x2e50282786192e13b3ab36efb079145679c029cead58c9556ae0ef3676002100;

    // ---- Hooks of the core ----

    /// @dev `lp`'s shares of `token`'s tranche now.
    function _sharesOf(address token, address lp) internal view virtual returns (uint256);

    /// @dev The shares of `token`'s tranche now.
    function _totalSharesOf(address token) internal view virtual returns (uint256);

    /// @dev Called after every change of `lp`'s shares of `token`'s tranche, with the values before it, once
    ///      the token was called (warm, snapshots synced). No snapshot taken since the LP's last change: one
    ///      slot read and one `lastTakenSnapshot` call, nothing written.
    function _afterSharesChange(address token, address lp, uint256 sharesBefore, uint256 totalBefore) internal {
        StockCapitalDividendsStorage storage $ = _getStockCapitalDividendsStorage();
        BookedCheckpoints.Track storage track = $.shares[token][lp];
        uint256 taken = IBalanceSnapshots(token).lastTakenSnapshot();
        if (taken == track.synced) return; // the total was synced to `taken` too, at that same change
        track.record(taken, sharesBefore);
        $.totalShares[token].record(taken, totalBefore);
    }

    // ---- Distributions ----

    /// @inheritdoc IDividendCustodian
    function onDividendReceived(uint256 distributionId, address token, address paymentToken, uint256 gross, uint256 snapshotId)
        external
        nonReentrant
        returns (bytes4)
    {
        StockCapitalDividendsStorage storage $ = _getStockCapitalDividendsStorage();
        if (msg.sender != $.distributor) revert StockCapitalNotDistributor(msg.sender);
        $.distributions.push(
            Received({
                token: token,
                snapshotId: SafeCast.toUint64(snapshotId),
                paymentToken: paymentToken,
                distributor: msg.sender,
                gross: SafeCast.toUint128(gross),
                paid: 0,
                sharesAtRecord: $.totalShares[token].valueAt(snapshotId, _totalSharesOf(token))
            })
        );
        emit CapitalDividendReceived($.distributions.length, distributionId, token, paymentToken, gross, snapshotId);
        return IDividendCustodian.onDividendReceived.selector;
    }

    /// @inheritdoc IStockCapitalDividends
    function claimDividend(uint256 capitalDistributionId, address lp) external nonReentrant returns (uint256 net) {
        StockCapitalDividendsStorage storage $ = _getStockCapitalDividendsStorage();
        Received storage d = _received($, capitalDistributionId);
        if ($.claimed[capitalDistributionId][lp]) revert StockCapitalAlreadyClaimed(capitalDistributionId, lp);
        uint256 gross = _entitlement($, d, lp);
        if (gross == 0) revert StockCapitalNothingToClaim(capitalDistributionId, lp);
        uint256 available = d.gross - d.paid;
        if (gross > available) revert StockCapitalExceedsGross(capitalDistributionId, gross, available);
        $.claimed[capitalDistributionId][lp] = true;
        d.paid += uint128(gross); // paid + gross <= d.gross < 2**128, checked above
        IDividendDistributor distributor = IDividendDistributor(d.distributor);
        uint16 country = IERC3643(d.token).identityRegistry().investorCountry(lp);
        uint256 withheld = DividendShares.withheld(gross, distributor.withholdingRate(country));
        net = gross - withheld; // the distributor's rates are at most 100%
        IERC20 paymentToken = IERC20(d.paymentToken);
        if (withheld != 0) paymentToken.safeTransfer(distributor.taxAccount(), withheld);
        if (net != 0) paymentToken.safeTransfer(lp, net);
        emit CapitalDividendClaimed(capitalDistributionId, lp, gross, withheld);
    }

    /// @inheritdoc IStockCapitalDividends
    function setDistributor(address distributor) external restricted {
        _getStockCapitalDividendsStorage().distributor = distributor;
        emit DistributorSet(distributor);
    }

    // ---- Views ----

    /// @inheritdoc IStockCapitalDividends
    function dividendOf(uint256 capitalDistributionId, address lp) external view returns (uint256 gross) {
        StockCapitalDividendsStorage storage $ = _getStockCapitalDividendsStorage();
        Received storage d = _received($, capitalDistributionId);
        if ($.claimed[capitalDistributionId][lp]) return 0;
        return _entitlement($, d, lp);
    }

    /// @inheritdoc IStockCapitalDividends
    function capitalDistribution(uint256 capitalDistributionId) external view returns (CapitalDistribution memory) {
        Received storage d = _received(_getStockCapitalDividendsStorage(), capitalDistributionId);
        return CapitalDistribution(d.token, d.paymentToken, d.snapshotId, d.gross, d.sharesAtRecord, d.paid);
    }

    /// @inheritdoc IStockCapitalDividends
    function capitalDistributionCount() external view returns (uint256) {
        return _getStockCapitalDividendsStorage().distributions.length;
    }

    /// @inheritdoc IStockCapitalDividends
    /// @dev Reverts as the token does for a snapshot that does not exist or was not taken yet.
    function sharesAt(address token, address lp, uint256 snapshotId) external view returns (uint256) {
        uint256 recordTime = IBalanceSnapshots(token).snapshotTime(snapshotId);
        if (recordTime > block.timestamp) revert IBalanceSnapshots.BalanceSnapshotsNotTaken(snapshotId, recordTime);
        return _getStockCapitalDividendsStorage().shares[token][lp].valueAt(snapshotId, _sharesOf(token, lp));
    }

    /// @inheritdoc IStockCapitalDividends
    function dividendDistributor() external view returns (address) {
        return _getStockCapitalDividendsStorage().distributor;
    }

    // ---- Internals ----

    function _entitlement(StockCapitalDividendsStorage storage $, Received storage d, address lp)
        private
        view
        returns (uint256)
    {
        address token = d.token;
        uint256 position = $.shares[token][lp].valueAt(d.snapshotId, _sharesOf(token, lp));
        return DividendShares.share(d.gross, position, d.sharesAtRecord);
    }

    function _received(StockCapitalDividendsStorage storage $, uint256 capitalDistributionId)
        private
        view
        returns (Received storage)
    {
        if (capitalDistributionId == 0 || capitalDistributionId > $.distributions.length) {
            revert StockCapitalUnknownDistribution(capitalDistributionId);
        }
        return $.distributions[capitalDistributionId - 1];
    }

    function _getStockCapitalDividendsStorage() private pure returns (StockCapitalDividendsStorage storage $) {
        assembly {
            $.slot := STOCK_CAPITAL_DIVIDENDS_STORAGE
        }
    }
}
