// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDividendDistributor - cash dividends with per-jurisdiction withholding
/// @notice One distributor per protocol. A token's owner announces a distribution (the distributor,
///         a corporate-action agent of the token, schedules a record-time snapshot), funds it after
///         the record time, and reclaims what was not claimed once it expired.
///
///         Units: `amountPerShare` is in payment-token units per 1e18 RAW token units (the equity token
///         has 18 decimals, so per whole share; a 6-decimal stablecoin paying $0.25 a share uses
///         250_000). The UI multiplier plays no part: entitlements come from raw balances at the record
///         time, `balanceAt(holder, snapshotId)`, read in O(log n) whatever the number of holders.
///
///         Rounding is in the protocol's favour: the funding is `ceil(totalSupplyAt * amountPerShare /
///         1e18)`, each gross entitlement `floor(balanceAt * amountPerShare / 1e18)`, so the sum of all
///         entitlements never exceeds the funding. Withholding is `ceil(gross * rate / 10_000)` with the
///         rate of the holder's country in the token's identity registry AT CLAIM TIME (a holder who
///         moved country is taxed where they live when paid; an unregistered holder has country 0,
///         which gets the default rate unless set). The withheld part accrues here per payment token
///         and anyone may sweep it to the owner-set tax account. Invariant: total claimed (net +
///         withheld, and custodians' gross) plus reclaimed never exceeds the funded amount.
interface IDividendDistributor {
    /// @notice One distribution. `fundedAt` is 0 until funded; claims are open from funding until
    ///         `fundedAt + claimPeriod` (exclusive).
    struct Distribution {
        address token;
        uint40 recordTime;
        uint40 fundedAt;
        address paymentToken;
        uint32 claimPeriod;
        uint64 snapshotId;
        uint256 amountPerShare;
        uint128 funded;
        uint128 claimed;
        uint128 reclaimed;
    }

    // ---- Events ----

    /// @notice `token`'s owner announced distribution `distributionId`, recorded by snapshot `snapshotId`.
    event DividendAnnounced(
        uint256 indexed distributionId,
        address indexed token,
        address indexed paymentToken,
        uint256 snapshotId,
        uint256 recordTime,
        uint256 amountPerShare,
        uint256 claimPeriod
    );
    /// @notice Distribution `distributionId` received `amount`; claims are open until `expiry`.
    event DividendFunded(uint256 indexed distributionId, address indexed funder, uint256 amount, uint256 expiry);
    /// @notice `holder` was paid `net` (and `withheld` accrued to the tax account) at `country`'s rate.
    event DividendClaimed(
        uint256 indexed distributionId,
        address indexed holder,
        address indexed caller,
        uint16 country,
        uint256 gross,
        uint256 withheld,
        uint256 net
    );
    /// @notice Registered custodian `custodian` was paid its `gross` entitlement and accepted it.
    event DividendPaidToCustodian(uint256 indexed distributionId, address indexed custodian, address indexed caller, uint256 gross);
    /// @notice The token's owner took back `amount` unclaimed after expiry.
    event DividendReclaimed(uint256 indexed distributionId, address indexed to, uint256 amount);
    /// @notice The withholding rate of `country` is now `rateBps` (set explicitly: 0 is a rate).
    event WithholdingRateSet(uint16 indexed country, uint256 rateBps);
    /// @notice `country` no longer has its own rate: it gets the default rate.
    event WithholdingRateCleared(uint16 indexed country);
    /// @notice The rate of every country without its own rate is now `rateBps`.
    event DefaultWithholdingRateSet(uint256 rateBps);
    /// @notice Withheld amounts are now swept to `taxAccount`.
    event TaxAccountSet(address indexed taxAccount);
    /// @notice `amount` of withheld `paymentToken` went to `taxAccount`.
    event TaxSwept(address indexed paymentToken, address indexed taxAccount, uint256 amount);
    /// @notice `custodian` is (or is no longer) paid gross through the IDividendCustodian hook.
    event CustodianSet(address indexed custodian, bool enabled);

    // ---- Errors ----

    /// @notice The caller is not the owner of `token`.
    error DividendDistributorNotTokenOwner(address token, address caller);
    /// @notice A token, payment token, tax account or custodian address is zero.
    error DividendDistributorZeroAddress();
    /// @notice The amount per share is zero.
    error DividendDistributorZeroAmountPerShare();
    /// @notice The claim period is zero or above `MAX_CLAIM_PERIOD`.
    error DividendDistributorInvalidClaimPeriod(uint256 claimPeriod, uint256 maxClaimPeriod);
    /// @notice No distribution has this id.
    error DividendDistributorUnknownDistribution(uint256 distributionId);
    /// @notice The record time has not passed yet.
    error DividendDistributorRecordTimeNotReached(uint256 distributionId, uint256 recordTime, uint256 currentTime);
    /// @notice The distribution was already funded.
    error DividendDistributorAlreadyFunded(uint256 distributionId);
    /// @notice The distribution is not funded yet: nothing can be claimed or reclaimed.
    error DividendDistributorNotFunded(uint256 distributionId);
    /// @notice The token had no supply at the record time (or the amount rounds to zero).
    error DividendDistributorNothingToFund(uint256 distributionId);
    /// @notice The funding amount does not fit the 128-bit accounting.
    error DividendDistributorAmountTooLarge(uint256 amount);
    /// @notice The payment token delivered less than required (fee-on-transfer or similar).
    error DividendDistributorFundingShortfall(uint256 distributionId, uint256 expected, uint256 received);
    /// @notice The claim period ended at `expiry`.
    error DividendDistributorExpired(uint256 distributionId, uint256 expiry);
    /// @notice The claim period runs until `expiry`: nothing can be reclaimed yet.
    error DividendDistributorNotExpired(uint256 distributionId, uint256 expiry);
    /// @notice `holder` already claimed this distribution.
    error DividendDistributorAlreadyClaimed(uint256 distributionId, address holder);
    /// @notice `holder` is entitled to nothing.
    error DividendDistributorNothingToClaim(uint256 distributionId, address holder);
    /// @notice Everything unclaimed was already reclaimed.
    error DividendDistributorNothingToReclaim(uint256 distributionId);
    /// @notice A rate is above 100% (10_000 bps).
    error DividendDistributorInvalidRate(uint256 rateBps);
    /// @notice Nothing withheld in `paymentToken` is waiting to be swept.
    error DividendDistributorNothingToSweep(address paymentToken);
    /// @notice A custodian must be a contract (it answers the hook).
    error DividendDistributorNotAContract(address account);
    /// @notice The custodian's hook returned `returned` instead of its selector.
    error DividendDistributorCustodianRejected(address custodian, bytes4 returned);

    // ---- Issuer ----

    /// @notice Announce a distribution of `amountPerShare` `paymentToken` units per 1e18 raw units of
    ///         `token` held at `recordTime` (> now), claimable for `claimPeriod` seconds after funding
    ///         (the token's owner only; this distributor must be a corporate-action agent of `token`).
    /// @return distributionId The new distribution's id (ids start at 1).
    function announce(address token, address paymentToken, uint256 recordTime, uint256 amountPerShare, uint256 claimPeriod)
        external
        returns (uint256 distributionId);
    /// @notice Fund `distributionId` after its record time (the token's owner only): pulls exactly
    ///         `ceil(totalSupplyAt(snapshotId) * amountPerShare / 1e18)` from the caller, which must have
    ///         approved it. Claims open now and expire `claimPeriod` seconds later.
    function fund(uint256 distributionId) external;
    /// @notice After expiry, send everything unclaimed and not yet reclaimed to the caller (the
    ///         token's owner only).
    function reclaim(uint256 distributionId) external;

    // ---- Holders ----

    /// @notice Claim the caller's dividend (net of withholding; gross through the hook for a custodian).
    function claim(uint256 distributionId) external;
    /// @notice Claim `holder`'s dividend, paid to `holder` (anyone may call).
    function claimFor(uint256 distributionId, address holder) external;
    /// @notice Send everything withheld in `paymentToken` to the tax account (anyone may call).
    function sweepTax(address paymentToken) external;

    // ---- Admin (owner) ----

    /// @notice Set `country`'s withholding rate to `rateBps` (<= 10_000; 0 is a valid rate).
    function setWithholdingRate(uint16 country, uint256 rateBps) external;
    /// @notice Remove `country`'s own rate: it gets the default rate again.
    function clearWithholdingRate(uint16 country) external;
    /// @notice Set the rate of countries without their own rate (starts at 3000 bps, 30%).
    function setDefaultWithholdingRate(uint256 rateBps) external;
    /// @notice Set the account that withheld amounts are swept to.
    function setTaxAccount(address account) external;
    /// @notice Register (or unregister) `custodian`, a contract implementing IDividendCustodian.
    function setCustodian(address custodian, bool enabled) external;

    // ---- Views ----

    /// @notice The longest claim period (10 years).
    function MAX_CLAIM_PERIOD() external view returns (uint256);
    /// @notice The withholding rate of `country` in bps: its own rate if set, else the default.
    function withholdingRate(uint16 country) external view returns (uint256 rateBps);
    /// @notice Whether `country` has its own rate (which may be 0).
    function hasOwnWithholdingRate(uint16 country) external view returns (bool);
    /// @notice The rate of countries without their own rate, in bps.
    function defaultWithholdingRate() external view returns (uint256);
    /// @notice The account withheld amounts are swept to.
    function taxAccount() external view returns (address);
    /// @notice Withheld `paymentToken` waiting to be swept.
    function accruedTax(address paymentToken) external view returns (uint256);
    /// @notice Whether `account` is a registered custodian.
    function isCustodian(address account) external view returns (bool);
    /// @notice How many distributions were announced (the last id).
    function distributionCount() external view returns (uint256);
    /// @notice Distribution `distributionId`.
    function distribution(uint256 distributionId) external view returns (Distribution memory);
    /// @notice When claims on `distributionId` end (0 while unfunded).
    function expiry(uint256 distributionId) external view returns (uint256);
    /// @notice Whether `holder` claimed `distributionId`.
    function isClaimed(uint256 distributionId, address holder) external view returns (bool);
    /// @notice What a claim of `holder` would pay now: gross, withheld and net (a custodian: withheld 0).
    ///         Reverts before the record time; ignores whether it was claimed or expired.
    function previewClaim(uint256 distributionId, address holder)
        external
        view
        returns (uint256 gross, uint256 withheld, uint256 net);
}
