// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC5313} from "@openzeppelin/contracts/interfaces/IERC5313.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {IDividendDistributor} from "../interfaces/corporate/IDividendDistributor.sol";
import {IDividendCustodian} from "../interfaces/corporate/IDividendCustodian.sol";
import {IBalanceSnapshots} from "../interfaces/token/IBalanceSnapshots.sol";
import {ICorporateActionTarget} from "../interfaces/token/ICorporateActionTarget.sol";
import {ISuiteFactory} from "../interfaces/factory/ISuiteFactory.sol";

/// @title DividendDistributor - cash dividends from record-time snapshots, withheld per country
/// @notice One per protocol; the protocol's AccessManager restricts its settings (the deployment maps them
///         to TREASURY, granted with a delay: docs/governance.md): the withholding table, the tax account,
///         the custodians, the trusted factories and allow-listed tokens. Each eligible token's owner
///         announces, funds and reclaims its own distributions after naming this contract a
///         corporate-action agent of the token. No function loops over holders: a claim costs the
///         same whatever the number of holders (the one loop, over trusted factories at announce,
///         is bounded by MAX_TRUSTED_FACTORIES).
/// @dev Accounting, per distribution: `funded` is pulled once; a paid claim adds its gross to
///      `claimed`, a held claim adds it to `held`, a release moves it from `held` to `claimed`, and a
///      reclaim adds `funded - claimed - held - reclaimed` to `reclaimed`. Every claim is checked
///      against `funded - claimed - held - reclaimed` before it is paid or held, a release against
///      `held`, and a reclaim takes exactly what is left, so `claimed + held + reclaimed <= funded`
///      holds for every distribution whatever its token answers (an honest token never hits the
///      check: its entitlements sum to at most `floor(totalSupplyAt * amountPerShare / 1e18) <= funded`).
///      The payment-token balance therefore covers, per payment token, the sum over its distributions
///      of `funded - claimed - reclaimed` (held amounts included) plus the accrued tax; withheld
///      amounts stay here until swept to the tax account.
///      Trust: announce accepts only tokens of trusted factories or allow-listed by TREASURY
///      (eligibility is not re-checked when paying: the distribution was vetted at announce, and the
///      per-distribution bound caps what any token can make it pay).
///      Not upgradeable (it holds funds): a new distributor is deployed beside it, and the old one keeps
///      paying its own distributions until they expire (docs/upgrades.md).
contract DividendDistributor is IDividendDistributor, AccessManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IDividendDistributor
    uint256 public constant MAX_CLAIM_PERIOD = 3650 days;
    /// @inheritdoc IDividendDistributor
    uint256 public constant MAX_TRUSTED_FACTORIES = 8;
    /// @dev Rates are in basis points of the gross amount (Constants.BPS); `amountPerShare` is per 1e18 raw
    ///      token units (Constants.WAD). The default rate a new distributor starts with: 30%, the US statutory rate.
    uint256 private constant INITIAL_DEFAULT_RATE = 3_000;

    /// @dev A country's own rate; `set` distinguishes an explicit 0% from "use the default".
    struct CountryRate {
        bool set;
        uint16 rateBps;
    }

    /// @dev One slot per (distribution, holder): claimed (paid or held) and the gross still held.
    struct HolderClaim {
        bool claimed;
        uint128 held;
    }

    uint256 private _distributionCount;
    uint256 private _defaultRate;
    address private _taxAccount;
    mapping(uint256 distributionId => Distribution) private _distributions;
    mapping(uint256 distributionId => mapping(address holder => HolderClaim)) private _claims;
    mapping(uint16 country => CountryRate) private _rates;
    mapping(address paymentToken => uint256 amount) private _accruedTax;
    mapping(address account => bool) private _custodians;
    address[] private _trustedFactories; // at most MAX_TRUSTED_FACTORIES
    mapping(address token => bool) private _allowedTokens;

    /// @param initialAuthority The protocol's AccessManager (who may set rates, tax account, custodians).
    /// @param taxAccount_ Where withheld amounts are swept to.
    constructor(address initialAuthority, address taxAccount_) AccessManaged(initialAuthority) {
        // A manager without code would lock every restricted function for good.
        if (initialAuthority.code.length == 0) revert AccessManagedInvalidAuthority(initialAuthority);
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
        // Before any call to `token`: an ineligible token's answers mean nothing.
        if (!isEligibleToken(token)) revert DividendDistributorIneligibleToken(token);
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
            held: 0,
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
        uint256 amount = Math.mulDiv(supply, d.amountPerShare, Constants.WAD, Math.Rounding.Ceil);
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
        // Exactly what the bound leaves (holds stay): claimed + held + reclaimed == funded after this.
        uint256 amount = _available(d);
        if (amount == 0) revert DividendDistributorNothingToReclaim(distributionId);
        d.reclaimed += uint128(amount); // claimed + held + reclaimed <= funded < 2**128
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
    function releaseHeld(uint256 distributionId, address holder) external nonReentrant {
        Distribution storage d = _distribution(distributionId);
        HolderClaim storage holderClaim = _claims[distributionId][holder];
        uint256 gross = holderClaim.held;
        if (gross == 0) revert DividendDistributorNothingHeld(distributionId, holder);
        ICorporateActionTarget.RecordPosition memory position =
            ICorporateActionTarget(d.token).positionAt(holder, d.snapshotId);
        if (!_custodians[position.wallet]) {
            (bool hold, HoldReason reason) = _holdReason(position);
            if (hold) revert DividendDistributorStillHeld(distributionId, holder, position.wallet, reason);
        }
        // The per-distribution bound for a release: it can only pay out of this distribution's holds.
        uint256 heldTotal = d.held;
        if (gross > heldTotal) revert DividendDistributorFundingExceeded(distributionId, gross, heldTotal);
        holderClaim.held = 0;
        d.held = uint128(heldTotal - gross); // checked above
        d.claimed += uint128(gross); // claimed + held unchanged: still <= funded < 2**128
        emit DividendReleased(distributionId, holder, position.wallet, msg.sender, gross);
        _pay(distributionId, d, holder, position, gross);
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

    // ---- Settings (restricted) ----

    /// @inheritdoc IDividendDistributor
    function setWithholdingRate(uint16 country, uint256 rateBps) external restricted {
        if (rateBps > Constants.BPS) revert DividendDistributorInvalidRate(rateBps);
        _rates[country] = CountryRate({set: true, rateBps: uint16(rateBps)}); // <= 10_000
        emit WithholdingRateSet(country, rateBps);
    }

    /// @inheritdoc IDividendDistributor
    function clearWithholdingRate(uint16 country) external restricted {
        delete _rates[country];
        emit WithholdingRateCleared(country);
    }

    /// @inheritdoc IDividendDistributor
    function setDefaultWithholdingRate(uint256 rateBps) external restricted {
        if (rateBps > Constants.BPS) revert DividendDistributorInvalidRate(rateBps);
        _defaultRate = rateBps;
        emit DefaultWithholdingRateSet(rateBps);
    }

    /// @inheritdoc IDividendDistributor
    function setTaxAccount(address account) external restricted {
        if (account == address(0)) revert DividendDistributorZeroAddress();
        _taxAccount = account;
        emit TaxAccountSet(account);
    }

    /// @inheritdoc IDividendDistributor
    function setCustodian(address custodian, bool enabled) external restricted {
        if (custodian == address(0)) revert DividendDistributorZeroAddress();
        if (enabled && custodian.code.length == 0) revert DividendDistributorNotAContract(custodian);
        _custodians[custodian] = enabled;
        emit CustodianSet(custodian, enabled);
    }

    /// @inheritdoc IDividendDistributor
    function addTrustedFactory(address factory) external restricted {
        if (factory == address(0)) revert DividendDistributorZeroAddress();
        if (factory.code.length == 0) revert DividendDistributorNotAContract(factory);
        // A contract that does not answer as a factory would make every `isEligibleToken` revert.
        try ISuiteFactory(factory).isSuiteToken(address(0)) returns (bool answer) {
            if (answer) revert DividendDistributorNotAFactory(factory);
        } catch {
            revert DividendDistributorNotAFactory(factory);
        }
        if (isTrustedFactory(factory)) revert DividendDistributorFactoryAlreadyTrusted(factory);
        if (_trustedFactories.length == MAX_TRUSTED_FACTORIES) {
            revert DividendDistributorTooManyFactories(MAX_TRUSTED_FACTORIES);
        }
        _trustedFactories.push(factory);
        emit TrustedFactoryAdded(factory);
    }

    /// @inheritdoc IDividendDistributor
    function removeTrustedFactory(address factory) external restricted {
        address[] storage factories = _trustedFactories;
        uint256 count = factories.length; // <= MAX_TRUSTED_FACTORIES
        for (uint256 i; i < count; ++i) {
            if (factories[i] == factory) {
                factories[i] = factories[count - 1];
                factories.pop();
                emit TrustedFactoryRemoved(factory);
                return;
            }
        }
        revert DividendDistributorFactoryNotTrusted(factory);
    }

    /// @inheritdoc IDividendDistributor
    function setTokenAllowed(address token, bool allowed) external restricted {
        if (token == address(0)) revert DividendDistributorZeroAddress();
        if (allowed && token.code.length == 0) revert DividendDistributorNotAContract(token);
        _allowedTokens[token] = allowed;
        emit TokenAllowedSet(token, allowed);
    }

    // ---- Views ----

    /// @inheritdoc IDividendDistributor
    function trustedFactories() external view returns (address[] memory) {
        return _trustedFactories;
    }

    /// @inheritdoc IDividendDistributor
    function isTrustedFactory(address factory) public view returns (bool) {
        address[] storage factories = _trustedFactories;
        uint256 count = factories.length; // <= MAX_TRUSTED_FACTORIES
        for (uint256 i; i < count; ++i) {
            if (factories[i] == factory) return true;
        }
        return false;
    }

    /// @inheritdoc IDividendDistributor
    function isTokenAllowed(address token) external view returns (bool) {
        return _allowedTokens[token];
    }

    /// @inheritdoc IDividendDistributor
    function isEligibleToken(address token) public view returns (bool) {
        if (_allowedTokens[token]) return true;
        address[] storage factories = _trustedFactories;
        uint256 count = factories.length; // <= MAX_TRUSTED_FACTORIES
        for (uint256 i; i < count; ++i) {
            if (ISuiteFactory(factories[i]).isSuiteToken(token)) return true;
        }
        return false;
    }

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
        return _claims[distributionId][holder].claimed;
    }

    /// @inheritdoc IDividendDistributor
    function heldAmount(uint256 distributionId, address holder) external view returns (uint256) {
        return _claims[distributionId][holder].held;
    }

    /// @inheritdoc IDividendDistributor
    function previewClaim(uint256 distributionId, address holder)
        external
        view
        returns (uint256 gross, uint256 withheld, uint256 net, address wallet, bool held)
    {
        Distribution storage d = _distribution(distributionId);
        ICorporateActionTarget.RecordPosition memory position =
            ICorporateActionTarget(d.token).positionAt(holder, d.snapshotId);
        gross = Math.mulDiv(position.balance, d.amountPerShare, Constants.WAD);
        wallet = position.wallet;
        if (_custodians[wallet]) return (gross, 0, gross, wallet, false);
        (held,) = _holdReason(position);
        withheld = Math.mulDiv(gross, withholdingRate(position.country), Constants.BPS, Math.Rounding.Ceil);
        net = gross - withheld;
    }

    // ---- Internals ----

    /// @dev A claim: entitlement from the holder's record-time balance, checked against the
    ///      distribution's bound, then held or paid to the wallet that stands for the holder now.
    function _claim(uint256 distributionId, address holder) private {
        Distribution storage d = _distribution(distributionId);
        uint256 fundedAt = d.fundedAt;
        if (fundedAt == 0) revert DividendDistributorNotFunded(distributionId);
        uint256 end = fundedAt + d.claimPeriod;
        if (block.timestamp >= end) revert DividendDistributorExpired(distributionId, end);
        HolderClaim storage holderClaim = _claims[distributionId][holder];
        if (holderClaim.claimed) revert DividendDistributorAlreadyClaimed(distributionId, holder);
        // One call: balance at the record time, the wallet to pay, its frozen flag, identity, country.
        ICorporateActionTarget.RecordPosition memory position =
            ICorporateActionTarget(d.token).positionAt(holder, d.snapshotId);
        uint256 gross = Math.mulDiv(position.balance, d.amountPerShare, Constants.WAD);
        if (gross == 0) revert DividendDistributorNothingToClaim(distributionId, holder);
        uint256 available = _available(d);
        if (gross > available) revert DividendDistributorFundingExceeded(distributionId, gross, available);
        // From here gross <= available <= funded < 2**128: the uint128 casts below are exact.
        if (!_custodians[position.wallet]) {
            (bool hold, HoldReason reason) = _holdReason(position);
            if (hold) {
                holderClaim.claimed = true;
                holderClaim.held = uint128(gross);
                d.held += uint128(gross);
                emit DividendHeld(distributionId, holder, position.wallet, msg.sender, reason, gross);
                return;
            }
        }
        holderClaim.claimed = true;
        d.claimed += uint128(gross);
        _pay(distributionId, d, holder, position, gross);
    }

    /// @dev Pays `gross` of `holder`'s entitlement to `position.wallet`: gross through the hook for a
    ///      registered custodian, otherwise net of `ceil(gross * rate / 10_000)` at the wallet's country,
    ///      the withheld part accruing to the tax account. The books were updated by the caller.
    function _pay(
        uint256 distributionId,
        Distribution storage d,
        address holder,
        ICorporateActionTarget.RecordPosition memory position,
        uint256 gross
    ) private {
        IERC20 paymentToken = IERC20(d.paymentToken);
        address wallet = position.wallet;
        if (_custodians[wallet]) {
            paymentToken.safeTransfer(wallet, gross);
            bytes4 answer = IDividendCustodian(wallet).onDividendReceived(
                distributionId, d.token, address(paymentToken), gross, d.snapshotId
            );
            if (answer != IDividendCustodian.onDividendReceived.selector) {
                revert DividendDistributorCustodianRejected(wallet, answer);
            }
            emit DividendPaidToCustodian(distributionId, wallet, msg.sender, gross);
            return;
        }
        uint16 country = position.country;
        uint256 withheld = Math.mulDiv(gross, withholdingRate(country), Constants.BPS, Math.Rounding.Ceil);
        uint256 net = gross - withheld; // withheld <= gross as the rate is <= 100%
        if (withheld != 0) _accruedTax[address(paymentToken)] += withheld;
        if (net != 0) paymentToken.safeTransfer(wallet, net);
        emit DividendClaimed(distributionId, holder, wallet, msg.sender, country, gross, withheld, net);
    }

    /// @dev Whether a dividend for `position.wallet` must be held, and why: the whole wallet is frozen
    ///      on the token, or it has no identity in the token's registry. Partial freezes
    ///      (`freezePartialTokens`) do not hold dividends: the wallet still transacts.
    function _holdReason(ICorporateActionTarget.RecordPosition memory position)
        private
        pure
        returns (bool hold, HoldReason reason)
    {
        if (position.walletFrozen) return (true, HoldReason.WalletFrozen);
        if (position.identity == address(0)) return (true, HoldReason.WalletUnregistered);
        return (false, HoldReason.WalletFrozen);
    }

    /// @dev `funded - claimed - held - reclaimed`: what may still leave distribution `d`. Every write
    ///      keeps `claimed + held + reclaimed <= funded`, so this never underflows (checked anyway).
    function _available(Distribution storage d) private view returns (uint256) {
        return uint256(d.funded) - d.claimed - d.held - d.reclaimed;
    }

    function _distribution(uint256 distributionId) private view returns (Distribution storage d) {
        d = _distributions[distributionId];
        if (d.token == address(0)) revert DividendDistributorUnknownDistribution(distributionId);
    }

    /// @dev The token's owner (ERC-173 `owner()`) is the issuer of its distributions.
    function _requireTokenOwner(address token) private view {
        if (IERC5313(token).owner() != msg.sender) revert DividendDistributorNotTokenOwner(token, msg.sender);
    }
}
