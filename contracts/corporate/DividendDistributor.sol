// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IDividendDistributor} from "../interfaces/corporate/IDividendDistributor.sol";
import {IDividendCustodian} from "../interfaces/corporate/IDividendCustodian.sol";
import {IBalanceSnapshots} from "../interfaces/token/IBalanceSnapshots.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";

/// @title DividendDistributor - cash dividends from record-time snapshots, withheld per country
/// @notice One per protocol; its owner (the protocol admin) sets the withholding table, the tax account
///         and the custodians. Each token's owner announces, funds and reclaims its own distributions
///         after naming this contract a corporate-action agent of the token. No function loops over
///         holders: a claim costs the same whatever the number of holders.
/// @dev Accounting: `funded` is pulled once; each claim adds its gross to `claimed` and each reclaim
///      adds to `reclaimed`; `claimed + reclaimed <= funded` holds because the gross entitlements sum
///      to at most `floor(totalSupplyAt * amountPerShare / 1e18) <= funded` and a reclaim takes only
///      `funded - claimed - reclaimed` once claims are closed. Withheld amounts stay here, per payment
///      token, until swept to the tax account.
contract DividendDistributor is IDividendDistributor, Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IDividendDistributor
    uint256 public constant MAX_CLAIM_PERIOD = 3650 days;
    /// @dev Rates are in basis points of the gross amount.
    uint256 private constant BPS = 10_000;
    /// @dev `amountPerShare` is per 1e18 raw token units.
    uint256 private constant SHARE = 1e18;
    /// @dev The default rate a new distributor starts with: 30%, the US statutory rate.
    uint256 private constant INITIAL_DEFAULT_RATE = 3_000;

    /// @dev A country's own rate; `set` distinguishes an explicit 0% from "use the default".
    struct CountryRate {
        bool set;
        uint16 rateBps;
    }

    uint256 private _distributionCount;
    uint256 private _defaultRate;
    address private _taxAccount;
    mapping(uint256 distributionId => Distribution) private _distributions;
    mapping(uint256 distributionId => mapping(address holder => bool)) private _claimed;
    mapping(uint16 country => CountryRate) private _rates;
    mapping(address paymentToken => uint256 amount) private _accruedTax;
    mapping(address account => bool) private _custodians;

    /// @param owner_ The protocol admin (rates, tax account, custodians).
    /// @param taxAccount_ Where withheld amounts are swept to.
    constructor(address owner_, address taxAccount_) Ownable(owner_) {
        if (taxAccount_ == address(0)) revert DividendDistributorZeroAddress();
        _taxAccount = taxAccount_;
        _defaultRate = INITIAL_DEFAULT_RATE;
        emit TaxAccountSet(taxAccount_);
        emit DefaultWithholdingRateSet(INITIAL_DEFAULT_RATE);
    }

    // ---- Issuer ----

    /// @inheritdoc IDividendDistributor
    function announce(address token, address paymentToken, uint256 recordTime, uint256 amountPerShare, uint256 claimPeriod)
        external
        returns (uint256 distributionId)
    {
        if (token == address(0) || paymentToken == address(0)) revert DividendDistributorZeroAddress();
        _requireTokenOwner(token);
        if (amountPerShare == 0) revert DividendDistributorZeroAmountPerShare();
        if (claimPeriod == 0 || claimPeriod > MAX_CLAIM_PERIOD) {
            revert DividendDistributorInvalidClaimPeriod(claimPeriod, MAX_CLAIM_PERIOD);
        }
        // The token checks the record time (strictly future, increasing, below 2**40) and our agent role.
        uint256 snapshotId = IBalanceSnapshots(token).scheduleSnapshot(recordTime);
        distributionId = ++_distributionCount;
        _distributions[distributionId] = Distribution({
            token: token,
            recordTime: uint40(recordTime), // the token rejects record times from 2**40 on
            fundedAt: 0,
            paymentToken: paymentToken,
            claimPeriod: uint32(claimPeriod), // <= MAX_CLAIM_PERIOD < 2**32
            snapshotId: uint64(snapshotId), // the token caps snapshot ids below 2**24
            amountPerShare: amountPerShare,
            funded: 0,
            claimed: 0,
            reclaimed: 0
        });
        emit DividendAnnounced(distributionId, token, paymentToken, snapshotId, recordTime, amountPerShare, claimPeriod);
    }

    /// @inheritdoc IDividendDistributor
    function fund(uint256 distributionId) external nonReentrant {
        Distribution storage d = _distribution(distributionId);
        _requireTokenOwner(d.token);
        if (d.fundedAt != 0) revert DividendDistributorAlreadyFunded(distributionId);
        if (block.timestamp < d.recordTime) {
            revert DividendDistributorRecordTimeNotReached(distributionId, d.recordTime, block.timestamp);
        }
        uint256 supply = IBalanceSnapshots(d.token).totalSupplyAt(d.snapshotId);
        uint256 amount = Math.mulDiv(supply, d.amountPerShare, SHARE, Math.Rounding.Ceil);
        if (amount == 0) revert DividendDistributorNothingToFund(distributionId);
        if (amount > type(uint128).max) revert DividendDistributorAmountTooLarge(amount);
        IERC20 paymentToken = IERC20(d.paymentToken);
        uint256 before = paymentToken.balanceOf(address(this));
        paymentToken.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = paymentToken.balanceOf(address(this)) - before;
        if (received < amount) revert DividendDistributorFundingShortfall(distributionId, amount, received);
        d.funded = uint128(amount); // checked above
        d.fundedAt = uint40(block.timestamp);
        emit DividendFunded(distributionId, msg.sender, amount, block.timestamp + d.claimPeriod);
    }

    /// @inheritdoc IDividendDistributor
    function reclaim(uint256 distributionId) external nonReentrant {
        Distribution storage d = _distribution(distributionId);
        _requireTokenOwner(d.token);
        if (d.fundedAt == 0) revert DividendDistributorNotFunded(distributionId);
        uint256 end = uint256(d.fundedAt) + d.claimPeriod;
        if (block.timestamp < end) revert DividendDistributorNotExpired(distributionId, end);
        uint256 amount = uint256(d.funded) - d.claimed - d.reclaimed;
        if (amount == 0) revert DividendDistributorNothingToReclaim(distributionId);
        d.reclaimed += uint128(amount); // claimed + reclaimed <= funded < 2**128
        IERC20(d.paymentToken).safeTransfer(msg.sender, amount);
        emit DividendReclaimed(distributionId, msg.sender, amount);
    }

    // ---- Holders ----

    /// @inheritdoc IDividendDistributor
    function claim(uint256 distributionId) external nonReentrant {
        _claim(distributionId, msg.sender);
    }

    /// @inheritdoc IDividendDistributor
    function claimFor(uint256 distributionId, address holder) external nonReentrant {
        _claim(distributionId, holder);
    }

    /// @inheritdoc IDividendDistributor
    function sweepTax(address paymentToken) external nonReentrant {
        uint256 amount = _accruedTax[paymentToken];
        if (amount == 0) revert DividendDistributorNothingToSweep(paymentToken);
        _accruedTax[paymentToken] = 0;
        address account = _taxAccount;
        IERC20(paymentToken).safeTransfer(account, amount);
        emit TaxSwept(paymentToken, account, amount);
    }

    // ---- Admin ----

    /// @inheritdoc IDividendDistributor
    function setWithholdingRate(uint16 country, uint256 rateBps) external onlyOwner {
        if (rateBps > BPS) revert DividendDistributorInvalidRate(rateBps);
        _rates[country] = CountryRate({set: true, rateBps: uint16(rateBps)}); // <= 10_000
        emit WithholdingRateSet(country, rateBps);
    }

    /// @inheritdoc IDividendDistributor
    function clearWithholdingRate(uint16 country) external onlyOwner {
        delete _rates[country];
        emit WithholdingRateCleared(country);
    }

    /// @inheritdoc IDividendDistributor
    function setDefaultWithholdingRate(uint256 rateBps) external onlyOwner {
        if (rateBps > BPS) revert DividendDistributorInvalidRate(rateBps);
        _defaultRate = rateBps;
        emit DefaultWithholdingRateSet(rateBps);
    }

    /// @inheritdoc IDividendDistributor
    function setTaxAccount(address account) external onlyOwner {
        if (account == address(0)) revert DividendDistributorZeroAddress();
        _taxAccount = account;
        emit TaxAccountSet(account);
    }

    /// @inheritdoc IDividendDistributor
    function setCustodian(address custodian, bool enabled) external onlyOwner {
        if (custodian == address(0)) revert DividendDistributorZeroAddress();
        if (enabled && custodian.code.length == 0) revert DividendDistributorNotAContract(custodian);
        _custodians[custodian] = enabled;
        emit CustodianSet(custodian, enabled);
    }

    // ---- Views ----

    /// @inheritdoc IDividendDistributor
    function withholdingRate(uint16 country) public view returns (uint256 rateBps) {
        CountryRate memory rate = _rates[country];
        return rate.set ? rate.rateBps : _defaultRate;
    }

    /// @inheritdoc IDividendDistributor
    function hasOwnWithholdingRate(uint16 country) external view returns (bool) {
        return _rates[country].set;
    }

    /// @inheritdoc IDividendDistributor
    function defaultWithholdingRate() external view returns (uint256) {
        return _defaultRate;
    }

    /// @inheritdoc IDividendDistributor
    function taxAccount() external view returns (address) {
        return _taxAccount;
    }

    /// @inheritdoc IDividendDistributor
    function accruedTax(address paymentToken) external view returns (uint256) {
        return _accruedTax[paymentToken];
    }

    /// @inheritdoc IDividendDistributor
    function isCustodian(address account) external view returns (bool) {
        return _custodians[account];
    }

    /// @inheritdoc IDividendDistributor
    function distributionCount() external view returns (uint256) {
        return _distributionCount;
    }

    /// @inheritdoc IDividendDistributor
    function distribution(uint256 distributionId) external view returns (Distribution memory) {
        return _distribution(distributionId);
    }

    /// @inheritdoc IDividendDistributor
    function expiry(uint256 distributionId) external view returns (uint256) {
        Distribution storage d = _distribution(distributionId);
        return d.fundedAt == 0 ? 0 : uint256(d.fundedAt) + d.claimPeriod;
    }

    /// @inheritdoc IDividendDistributor
    function isClaimed(uint256 distributionId, address holder) external view returns (bool) {
        return _claimed[distributionId][holder];
    }

    /// @inheritdoc IDividendDistributor
    function previewClaim(uint256 distributionId, address holder)
        external
        view
        returns (uint256 gross, uint256 withheld, uint256 net)
    {
        Distribution storage d = _distribution(distributionId);
        gross = _gross(d, holder);
        if (!_custodians[holder]) withheld = _withheld(d.token, holder, gross);
        net = gross - withheld;
    }

    // ---- Internals ----

    function _claim(uint256 distributionId, address holder) private {
        Distribution storage d = _distribution(distributionId);
        uint256 fundedAt = d.fundedAt;
        if (fundedAt == 0) revert DividendDistributorNotFunded(distributionId);
        uint256 end = fundedAt + d.claimPeriod;
        if (block.timestamp >= end) revert DividendDistributorExpired(distributionId, end);
        if (_claimed[distributionId][holder]) revert DividendDistributorAlreadyClaimed(distributionId, holder);
        uint256 gross = _gross(d, holder);
        if (gross == 0) revert DividendDistributorNothingToClaim(distributionId, holder);
        _claimed[distributionId][holder] = true;
        d.claimed += uint128(gross); // the entitlements sum to at most `funded` < 2**128
        IERC20 paymentToken = IERC20(d.paymentToken);
        if (_custodians[holder]) {
            paymentToken.safeTransfer(holder, gross);
            bytes4 answer = IDividendCustodian(holder).onDividendReceived(
                distributionId, d.token, address(paymentToken), gross, d.snapshotId
            );
            if (answer != IDividendCustodian.onDividendReceived.selector) {
                revert DividendDistributorCustodianRejected(holder, answer);
            }
            emit DividendPaidToCustodian(distributionId, holder, msg.sender, gross);
            return;
        }
        uint16 country = IERC3643(d.token).identityRegistry().investorCountry(holder);
        uint256 withheld = Math.mulDiv(gross, withholdingRate(country), BPS, Math.Rounding.Ceil);
        uint256 net = gross - withheld; // withheld <= gross as the rate is <= 100%
        if (withheld != 0) _accruedTax[address(paymentToken)] += withheld;
        if (net != 0) paymentToken.safeTransfer(holder, net);
        emit DividendClaimed(distributionId, holder, msg.sender, country, gross, withheld, net);
    }

    /// @dev `floor(balanceAt(holder, snapshot) * amountPerShare / 1e18)`; reverts before the record time.
    function _gross(Distribution storage d, address holder) private view returns (uint256) {
        uint256 balance = IBalanceSnapshots(d.token).balanceAt(holder, d.snapshotId);
        return Math.mulDiv(balance, d.amountPerShare, SHARE);
    }

    /// @dev `ceil(gross * rate(country) / 10_000)`, country read now from the token's identity registry.
    function _withheld(address token, address holder, uint256 gross) private view returns (uint256) {
        uint16 country = IERC3643(token).identityRegistry().investorCountry(holder);
        return Math.mulDiv(gross, withholdingRate(country), BPS, Math.Rounding.Ceil);
    }

    function _distribution(uint256 distributionId) private view returns (Distribution storage d) {
        d = _distributions[distributionId];
        if (d.token == address(0)) revert DividendDistributorUnknownDistribution(distributionId);
    }

    /// @dev The token's owner (ERC-173 `owner()`) is the issuer of its distributions.
    function _requireTokenOwner(address token) private view {
        if (Ownable(token).owner() != msg.sender) revert DividendDistributorNotTokenOwner(token, msg.sender);
    }
}
