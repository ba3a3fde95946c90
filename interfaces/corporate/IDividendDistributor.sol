// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDividendDistributor - cash dividends with per-jurisdiction withholding
/// @notice One distributor per protocol. A token's owner announces a distribution (the distributor,
///         a corporate-action agent of the token, schedules a record-time snapshot), funds it after
///         the record time, and reclaims what was not claimed once it expired.
///
///         Eligible tokens: only genuine dualtrack equity tokens can be announced, because the
///         distributor trusts the token's answers (balances, supply, recovery record, registry). A
///         token is eligible if a trusted factory (at most `MAX_TRUSTED_FACTORIES`, set by the
///         protocol's TREASURY role) deployed it (`ISuiteFactory.isSuiteToken`), or if TREASURY
///         allow-listed it (a dualtrack token deployed another way). Eligibility is checked at announce only: an
///         announced distribution stays payable if its factory is later removed.
///
///         Per-distribution bound: every distribution is its own account. `claimed` (gross paid:
///         net plus withheld, a custodian's gross, released holds) + `held` + `reclaimed` never
///         exceeds `funded`, and every payment checks it (`DividendDistributorFundingExceeded`), so no
///         distribution, even of a token that lies about balances, can pay out another's funds or
///         the accrued tax.
///
///         Units: `amountPerShare` is in payment-token units per 1e18 RAW token units (the equity token
///         has 18 decimals, so per whole share; a 6-decimal stablecoin paying $0.25 a share uses
///         250_000). The UI multiplier plays no part: entitlements come from raw balances at the record
///         time, `balanceAt(holder, snapshotId)`, read in O(log n) whatever the number of holders.
///
///         Rounding is in the protocol's favour: the funding is `ceil(totalSupplyAt * amountPerShare /
///         1e18)`, each gross entitlement `floor(balanceAt * amountPerShare / 1e18)`, so the sum of all
///         entitlements never exceeds the funding. Withholding is `ceil(gross * rate / 10_000)` with the
///         rate of the PAID wallet's country in the token's identity registry AT PAYMENT TIME (a holder
///         who moved country is taxed where they live when paid). The withheld part accrues here per
///         payment token and anyone may sweep it to the tax account TREASURY set.
///
///         Who is paid: an entitlement belongs to the wallet that held the tokens at the record time
///         (the "holder", the key of `claim`/`claimFor`/`isClaimed`), and is paid to the wallet that
///         stands for it now: the holder, or, if the token's agent recovered the holder's wallet since
///         (`IRecoveryRecord`), the end of its chain of recoveries. The lost wallet is never paid;
///         its new wallet collects with `claimFor(distributionId, lostWallet)` (anyone may call it).
///
///         Held dividends: when the wallet to pay is frozen on the token (`isFrozen`; partial freezes
///         do not count) or has no identity in the token's registry, a claim (by anyone, before
///         expiry) pays nothing: it moves the gross into a hold for that holder (counted in `held`,
///         the holder marked claimed) and emits `DividendHeld` with the reason. A hold never expires
///         and the issuer cannot reclaim it; `releaseHeld` (anyone) pays it, net of withholding at
///         that time, once the wallet to pay is unfrozen and registered again, or to the wallet that
///         replaced it in a recovery. Registered custodians are never held. A hold follows the token's
///         own records only: no one, not even the token's agent, can direct it to another wallet
///         (an agent who wants it paid elsewhere recovers the wallet on the token, which also moves
///         the holder's tokens and is checked against the holder's identity).
interface IDividendDistributor {
    /// @notice One distribution. `fundedAt` is 0 until funded; claims are open from funding until
    ///         `fundedAt + claimPeriod` (exclusive). `claimed + held + reclaimed <= funded` always.
    struct Distribution {
        address token;
        uint40 recordTime;
        uint40 fundedAt;
        address paymentToken;
        uint32 claimPeriod;
        uint64 snapshotId;
        uint256 amountPerShare;
        uint128 funded;
        uint128 claimed; // gross paid: net + withheld, custodians' gross, released holds
        uint128 held; // gross in holds, waiting for `releaseHeld`
        uint128 reclaimed;
    }

    /// @notice Why a claim was held instead of paid.
    enum HoldReason {
        WalletFrozen, // the wallet to pay is frozen on the token
        WalletUnregistered // the wallet to pay has no identity in the token's identity registry
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
    /// @notice `holder`'s entitlement was paid: `wallet` (the holder, or the wallet that replaced it in
    ///         a recovery) received `net`, and `withheld` accrued to the tax account at `country`'s rate.
    event DividendClaimed(
        uint256 indexed distributionId,
        address indexed holder,
        address indexed wallet,
        address caller,
        uint16 country,
        uint256 gross,
        uint256 withheld,
        uint256 net
    );
    /// @notice `holder`'s entitlement `gross` was held, not paid: the wallet to pay, `wallet`, is
    ///         frozen or unregistered (`reason`). `releaseHeld` pays it later.
    event DividendHeld(
        uint256 indexed distributionId,
        address indexed holder,
        address indexed wallet,
        address caller,
        HoldReason reason,
        uint256 gross
    );
    /// @notice `holder`'s held `gross` left the hold for `wallet`; the payment event follows
    ///         (`DividendClaimed`, or `DividendPaidToCustodian`).
    event DividendReleased(
        uint256 indexed distributionId, address indexed holder, address indexed wallet, address caller, uint256 gross
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
    /// @notice Tokens deployed by `factory` (`ISuiteFactory.isSuiteToken`) may now be announced.
    event TrustedFactoryAdded(address indexed factory);
    /// @notice Tokens deployed by `factory` may no longer be announced (unless allow-listed).
    event TrustedFactoryRemoved(address indexed factory);
    /// @notice `token` is (or is no longer) allow-listed for announcements by the owner.
    event TokenAllowedSet(address indexed token, bool allowed);

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
    /// @notice A custodian, trusted factory or allow-listed token must be a contract.
    error DividendDistributorNotAContract(address account);
    /// @notice The custodian's hook returned `returned` instead of its selector.
    error DividendDistributorCustodianRejected(address custodian, bytes4 returned);
    /// @notice `token` is not a dualtrack equity token this distributor accepts: no trusted factory
    ///         deployed it and the owner did not allow-list it.
    error DividendDistributorIneligibleToken(address token);
    /// @notice A payment of `requested` would take distribution `distributionId` beyond its funding:
    ///         only `available` (funded - claimed - held - reclaimed; the held amount for a release)
    ///         is left.
    error DividendDistributorFundingExceeded(uint256 distributionId, uint256 requested, uint256 available);
    /// @notice `factory` does not answer `ISuiteFactory.isSuiteToken` as a factory does.
    error DividendDistributorNotAFactory(address factory);
    /// @notice `factory` is already trusted.
    error DividendDistributorFactoryAlreadyTrusted(address factory);
    /// @notice `factory` is not trusted.
    error DividendDistributorFactoryNotTrusted(address factory);
    /// @notice Already `maxFactories` trusted factories.
    error DividendDistributorTooManyFactories(uint256 maxFactories);
    /// @notice Nothing of `holder`'s entitlement is held.
    error DividendDistributorNothingHeld(uint256 distributionId, address holder);
    /// @notice `holder`'s held dividend cannot be released yet: the wallet to pay, `wallet`, is still
    ///         frozen or unregistered (`reason`).
    error DividendDistributorStillHeld(uint256 distributionId, address holder, address wallet, HoldReason reason);

    // ---- Issuer ----

    /// @notice Announce a distribution of `amountPerShare` `paymentToken` units per 1e18 raw units of
    ///         `token` held at `recordTime` (> now), claimable for `claimPeriod` seconds after funding
    ///         (the token's owner only; `token` must be eligible, see `isEligibleToken`, and this
    ///         distributor a corporate-action agent of it).
    /// @return distributionId The new distribution's id (ids start at 1).
    function announce(address token, address paymentToken, uint256 recordTime, uint256 amountPerShare, uint256 claimPeriod)
        external
        returns (uint256 distributionId);
    /// @notice Fund `distributionId` after its record time (the token's owner only): pulls exactly
    ///         `ceil(totalSupplyAt(snapshotId) * amountPerShare / 1e18)` from the caller, which must have
    ///         approved it. Claims open now and expire `claimPeriod` seconds later.
    function fund(uint256 distributionId) external;
    /// @notice After expiry, send everything neither claimed, held nor yet reclaimed to the caller
    ///         (the token's owner only): `funded - claimed - held - reclaimed`. Holds stay.
    function reclaim(uint256 distributionId) external;

    // ---- Holders ----

    /// @notice Claim the dividend of the caller's record-time holding, paid to the caller or, if the
    ///         caller's wallet was recovered since, to the wallet that replaced it (net of withholding;
    ///         gross through the hook for a custodian). Held instead if that wallet is frozen or
    ///         unregistered.
    function claim(uint256 distributionId) external;
    /// @notice `claim` for `holder`, the wallet that held the tokens at the record time (anyone may
    ///         call; the payment goes to the wallet that stands for `holder` now, never the caller).
    ///         A recovered wallet collects its lost wallet's dividend with `claimFor(id, lostWallet)`.
    function claimFor(uint256 distributionId, address holder) external;
    /// @notice Pay `holder`'s held dividend (anyone may call; it never expires) to the wallet that
    ///         stands for `holder` now, net of withholding at that wallet's country now. Reverts with
    ///         `DividendDistributorStillHeld` while that wallet is frozen or unregistered.
    function releaseHeld(uint256 distributionId, address holder) external;
    /// @notice Send everything withheld in `paymentToken` to the tax account (anyone may call).
    function sweepTax(address paymentToken) external;

    // ---- Settings ----
    // Restricted by the protocol's AccessManager, not by any token's owner (`AccessManagedUnauthorized(caller)`
    // otherwise); the deployment maps all of them to TREASURY, granted with a delay (docs/governance.md).

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
    /// @notice Trust `factory` (an ISuiteFactory contract, which must answer `isSuiteToken(0)` with
    ///         false): tokens it deployed may be announced. At most `MAX_TRUSTED_FACTORIES`. Trusting a
    ///         factory trusts whoever may upgrade its suites (its AccessManager's UPGRADER: they choose the
    ///         code its tokens run).
    function addTrustedFactory(address factory) external;
    /// @notice Stop trusting `factory` for new announcements (announced distributions are unaffected).
    function removeTrustedFactory(address factory) external;
    /// @notice Allow-list (or un-list) `token`, a dualtrack equity token deployed without a trusted
    ///         factory, for new announcements.
    function setTokenAllowed(address token, bool allowed) external;

    // ---- Views ----

    /// @notice The longest claim period (10 years).
    function MAX_CLAIM_PERIOD() external view returns (uint256);
    /// @notice The most factories trusted at once (8).
    function MAX_TRUSTED_FACTORIES() external view returns (uint256);
    /// @notice The trusted factories.
    function trustedFactories() external view returns (address[] memory);
    /// @notice Whether `factory` is trusted.
    function isTrustedFactory(address factory) external view returns (bool);
    /// @notice Whether TREASURY allow-listed `token`.
    function isTokenAllowed(address token) external view returns (bool);
    /// @notice Whether `token` may be announced: allow-listed, or deployed by a trusted factory.
    function isEligibleToken(address token) external view returns (bool);
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
    /// @notice Whether `holder`'s entitlement to `distributionId` was claimed (paid or held).
    function isClaimed(uint256 distributionId, address holder) external view returns (bool);
    /// @notice The gross of `holder`'s entitlement held in `distributionId` (0: none held).
    function heldAmount(uint256 distributionId, address holder) external view returns (uint256);
    /// @notice What a claim of `holder` would do now: the wallet it pays (`wallet`, see `claim`), the
    ///         gross, and the withheld and net parts at that wallet's country (a custodian: withheld 0);
    ///         `held` is true if the claim would hold the gross instead (withheld and net are then
    ///         what a release would pay now). Reverts before the record time; ignores whether it was
    ///         claimed or expired.
    function previewClaim(uint256 distributionId, address holder)
        external
        view
        returns (uint256 gross, uint256 withheld, uint256 net, address wallet, bool held);
}
