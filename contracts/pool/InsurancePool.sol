// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ILossAbsorber} from "../interfaces/margin/ILossAbsorber.sol";
import {IMarginVault} from "../interfaces/margin/IMarginVault.sol";
import {IInsurancePool} from "../interfaces/pool/IInsurancePool.sol";
import {Bps} from "../interfaces/types/Units.sol";
import {Constants} from "../interfaces/types/Constants.sol";
import {InsuranceMath} from "../libraries/InsuranceMath.sol";

/// @title InsurancePool - the trading track's first-loss capital, in the settlement stablecoin
/// @notice Stakers' stablecoin absorbs the margin vault's bad debt before the liquidity pool's LPs, capped per
///         event; fees, liquidation penalties and gifts feed it; stakers leave through a long unstaking delay
///         (Drift's 13 days) during which their shares still bear losses. Rules and money flows:
///         IInsurancePool.
/// @dev A UUPS proxy (`ProtocolProxy`; upgrades: UPGRADER, under its delay), `AccessManaged` by the protocol's
///      manager. Its own state lives in one ERC-7201 namespace (`InsurancePoolStorage`); the shares' balances
///      in ERC20Upgradeable's. Escrowed shares sit at the pool's own address, which no one else may send to.
contract InsurancePool is
    IInsurancePool,
    ERC20Upgradeable,
    AccessManagedUpgradeable,
    ReentrancyGuardTransient,
    UUPSUpgradeable
{
    using SafeERC20 for IERC20;

    // ---- Constants ----

    /// @notice The unstaking delay a new pool starts with (Drift's insurance fund).
    uint64 public constant DEFAULT_UNSTAKE_DELAY = 13 days;
    /// @notice The shortest unstaking delay RISK_ADMIN may set.
    uint64 public constant MIN_UNSTAKE_DELAY = 1 days;
    /// @notice The longest unstaking delay RISK_ADMIN may set.
    uint64 public constant MAX_UNSTAKE_DELAY = 60 days;
    /// @notice The cause of every draw reported by the vault's `onBadDebt`.
    bytes32 public constant BAD_DEBT_CAUSE = keccak256("dualtrack.insurance.badDebt");
    /// @notice Extra decimals of the shares over the stablecoin (the virtual-share offset).
    uint8 public constant DECIMALS_OFFSET = InsuranceMath.DECIMALS_OFFSET;

    // ---- Storage ----

    /// @custom:storage-location erc7201:dualtrack.storage.InsurancePool
    struct InsurancePoolStorage {
        IMarginVault vault;
        uint64 unstakeDelay;
        uint16 maxDrawBps;
        IERC20 asset;
        uint8 assetDecimals;
        uint128 maxDrawAmount;
        uint128 held;
        uint128 owed;
        mapping(address staker => UnstakeRequest) requests;
        mapping(address claimant => bool) claimants;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.InsurancePool")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant INSURANCE_POOL_STORAGE = 0xefb7e26b331dbbb041a73377e05221f111d96ef25534b4442da781ba0758a700;

    function _getInsurancePoolStorage() private pure returns (InsurancePoolStorage storage $) {
        assembly {
            $.slot := INSURANCE_POOL_STORAGE
        }
    }

    // ---- Construction ----

    constructor() {
        _disableInitializers();
    }

    /// @notice Set up the pool behind its proxy.
    /// @param authority The protocol's AccessManager.
    /// @param vault_ The margin vault it insures; its settlement asset becomes the pool's asset.
    /// @param name_ The shares' name.
    /// @param symbol_ The shares' symbol.
    /// @param maxDrawBps_ The per-event cap in bps of assets (at most 10,000).
    /// @param maxDrawAmount_ The absolute per-event cap, stablecoin raw units.
    function initialize(
        address authority,
        IMarginVault vault_,
        string calldata name_,
        string calldata symbol_,
        uint16 maxDrawBps_,
        uint128 maxDrawAmount_
    ) external initializer {
        if (authority.code.length == 0 || address(vault_).code.length == 0) revert InsurancePoolZeroAddress();
        __ERC20_init(name_, symbol_);
        __AccessManaged_init(authority);
        (, address settlement,,,,) = vault_.wiring();
        if (settlement == address(0)) revert InsurancePoolZeroAddress();
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        $.vault = vault_;
        $.asset = IERC20(settlement);
        $.assetDecimals = IERC20Metadata(settlement).decimals();
        // The vault only ever pulls from its caller (fundCredit): this approval serves the pool's own calls.
        IERC20(settlement).forceApprove(address(vault_), type(uint256).max);
        _setUnstakeDelay($, DEFAULT_UNSTAKE_DELAY);
        _setDrawCap($, maxDrawBps_, maxDrawAmount_);
    }

    // ---- Staking ----

    /// @inheritdoc IInsurancePool
    function stake(uint256 assets, address receiver) external nonReentrant returns (uint256 shares) {
        if (assets == 0) revert InsurancePoolZeroAmount();
        if (receiver == address(0)) revert InsurancePoolZeroAddress();
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        uint256 total = _totalAssets($);
        uint256 received = _pullIn($, assets);
        shares = InsuranceMath.toShares(received, total, totalSupply());
        if (shares == 0) revert InsurancePoolZeroShares(received);
        _mint(receiver, shares);
        emit Staked(msg.sender, receiver, received, shares);
    }

    /// @inheritdoc IInsurancePool
    function requestUnstake(uint256 shares) external nonReentrant returns (uint64 claimableAt) {
        if (shares == 0) revert InsurancePoolZeroAmount();
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        UnstakeRequest storage request = $.requests[msg.sender];
        if (request.shares != 0) revert InsurancePoolRequestPending(msg.sender, request.shares, request.claimableAt);
        uint256 available = balanceOf(msg.sender);
        if (available < shares) revert InsurancePoolInsufficientShares(msg.sender, available, shares);
        uint256 assetsAtRequest = InsuranceMath.toAssets(shares, _totalAssets($), totalSupply());
        claimableAt = uint64(block.timestamp) + $.unstakeDelay;
        $.requests[msg.sender] = UnstakeRequest(
            SafeCast.toUint128(shares), SafeCast.toUint96(assetsAtRequest), SafeCast.toUint32(claimableAt)
        );
        super._update(msg.sender, address(this), shares); // the escrow: the only way shares reach the pool
        emit UnstakeRequested(msg.sender, shares, assetsAtRequest, claimableAt);
    }

    /// @inheritdoc IInsurancePool
    function cancelUnstake() external nonReentrant returns (uint256 returned) {
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        UnstakeRequest memory request = $.requests[msg.sender];
        if (request.shares == 0) revert InsurancePoolNoRequest(msg.sender);
        returned = InsuranceMath.sharesKept(request.shares, request.assetsAtRequest, _totalAssets($), totalSupply());
        uint256 forfeited = request.shares - returned; // sharesKept <= shares
        delete $.requests[msg.sender];
        super._update(address(this), msg.sender, returned);
        if (forfeited != 0) _burn(address(this), forfeited);
        emit UnstakeCancelled(msg.sender, returned, forfeited);
    }

    /// @inheritdoc IInsurancePool
    function claimUnstake(address to) external nonReentrant returns (uint256 assets) {
        if (to == address(0)) revert InsurancePoolZeroAddress();
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        UnstakeRequest memory request = $.requests[msg.sender];
        if (request.shares == 0) revert InsurancePoolNoRequest(msg.sender);
        if (block.timestamp < request.claimableAt) {
            revert InsurancePoolClaimTooEarly(msg.sender, request.claimableAt, block.timestamp);
        }
        assets = InsuranceMath.claimValue(request.shares, request.assetsAtRequest, _totalAssets($), totalSupply());
        delete $.requests[msg.sender];
        _burn(address(this), request.shares);
        if (assets != 0) {
            _makeFree($, assets);
            $.held -= uint128(assets); // assets <= free <= held
            $.asset.safeTransfer(to, assets);
        }
        emit UnstakeClaimed(msg.sender, to, request.shares, assets);
    }

    /// @inheritdoc IInsurancePool
    function fund(uint256 amount) external nonReentrant {
        if (amount == 0) revert InsurancePoolZeroAmount();
        uint256 received = _pullIn(_getInsurancePoolStorage(), amount);
        emit Funded(msg.sender, received);
    }

    /// @inheritdoc IInsurancePool
    function collect() external nonReentrant returns (uint256 credit, uint256 cash) {
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        IMarginVault vault_ = $.vault;
        credit = vault_.creditOf(address(this));
        if (credit != 0) _withdrawCredit($, credit);
        (, address settlement,, address insurance, uint256 account,) = vault_.wiring();
        if (insurance == address(this) && account != 0) {
            (cash,) = vault_.balanceOf(account, settlement);
            if (cash != 0) {
                uint256 before = $.asset.balanceOf(address(this));
                vault_.withdraw(account, settlement, cash);
                cash = $.asset.balanceOf(address(this)) - before;
                $.held += SafeCast.toUint128(cash);
            }
        }
        emit Collected(credit, cash);
    }

    /// @inheritdoc IInsurancePool
    function payOwed() external nonReentrant returns (uint256 paid) {
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        paid = $.owed;
        if (paid == 0) return 0;
        (,, address counterparty,,,) = $.vault.wiring();
        if (counterparty == address(0)) revert InsurancePoolZeroAddress();
        $.vault.fundCredit(counterparty, paid);
        $.held -= uint128(paid); // owed <= held
        $.owed = 0;
        emit OwedPaid(counterparty, paid);
    }

    // ---- Draws ----

    /// @inheritdoc ILossAbsorber
    /// @dev Called by the vault inside its reentrancy lock with a bounded gas budget: the payment into the
    ///      counterparty's credit is tried, and booked as owed (paid by `payOwed`) when the vault refuses it.
    function onBadDebt(uint256 accountId, address asset_, uint256 amount) external nonReentrant returns (bytes4) {
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        if (msg.sender != address($.vault)) revert InsurancePoolNotVault(msg.sender);
        if (asset_ != address($.asset)) revert InsurancePoolSettlementMismatch(asset_, address($.asset));
        _draw($, BAD_DEBT_CAUSE, accountId, amount);
        return ILossAbsorber.onBadDebt.selector;
    }

    /// @inheritdoc IInsurancePool
    function cover(uint256 amount, bytes32 cause) external nonReentrant returns (uint256 paid) {
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        if (!$.claimants[msg.sender]) revert InsurancePoolNotClaimant(msg.sender);
        if (amount == 0) revert InsurancePoolZeroAmount();
        return _draw($, cause, 0, amount);
    }

    // ---- Views ----

    /// @inheritdoc IInsurancePool
    function vault() external view returns (address) {
        return address(_getInsurancePoolStorage().vault);
    }

    /// @inheritdoc IInsurancePool
    function asset() external view returns (address) {
        return address(_getInsurancePoolStorage().asset);
    }

    /// @inheritdoc IInsurancePool
    function totalAssets() external view returns (uint256) {
        return _totalAssets(_getInsurancePoolStorage());
    }

    /// @inheritdoc IInsurancePool
    function books() external view returns (uint256 held, uint256 owed) {
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        return ($.held, $.owed);
    }

    /// @inheritdoc IInsurancePool
    function convertToShares(uint256 assets) external view returns (uint256) {
        return InsuranceMath.toShares(assets, _totalAssets(_getInsurancePoolStorage()), totalSupply());
    }

    /// @inheritdoc IInsurancePool
    function convertToAssets(uint256 shares) external view returns (uint256) {
        return InsuranceMath.toAssets(shares, _totalAssets(_getInsurancePoolStorage()), totalSupply());
    }

    /// @inheritdoc IInsurancePool
    function requestOf(address staker) external view returns (UnstakeRequest memory request, uint256 payable_) {
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        request = $.requests[staker];
        payable_ = InsuranceMath.claimValue(request.shares, request.assetsAtRequest, _totalAssets($), totalSupply());
    }

    /// @inheritdoc IInsurancePool
    function escrowedShares() external view returns (uint256) {
        return balanceOf(address(this)); // requests are the only way shares reach the pool
    }

    /// @inheritdoc IInsurancePool
    function drawCap() external view returns (uint256) {
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        return InsuranceMath.cap(_totalAssets($), Bps.wrap($.maxDrawBps), $.maxDrawAmount);
    }

    /// @inheritdoc IInsurancePool
    function settings() external view returns (uint64 unstakeDelay, uint16 maxDrawBps, uint128 maxDrawAmount) {
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        return ($.unstakeDelay, $.maxDrawBps, $.maxDrawAmount);
    }

    /// @inheritdoc IInsurancePool
    function isClaimant(address claimant) external view returns (bool) {
        return _getInsurancePoolStorage().claimants[claimant];
    }

    /// @inheritdoc IERC20Metadata
    /// @dev The stablecoin's decimals plus the virtual-share offset (12 for a 6-decimal stablecoin).
    function decimals() public view override(ERC20Upgradeable, IERC20Metadata) returns (uint8) {
        return _getInsurancePoolStorage().assetDecimals + DECIMALS_OFFSET;
    }

    // ---- Settings (restricted) ----

    /// @inheritdoc IInsurancePool
    function setUnstakeDelay(uint64 delay) external restricted {
        _setUnstakeDelay(_getInsurancePoolStorage(), delay);
    }

    /// @inheritdoc IInsurancePool
    function setDrawCap(uint16 maxDrawBps, uint128 maxDrawAmount) external restricted {
        _setDrawCap(_getInsurancePoolStorage(), maxDrawBps, maxDrawAmount);
    }

    /// @inheritdoc IInsurancePool
    function setClaimant(address claimant, bool allowed) external restricted {
        if (claimant == address(0)) revert InsurancePoolZeroAddress();
        _getInsurancePoolStorage().claimants[claimant] = allowed;
        emit ClaimantSet(claimant, allowed);
    }

    /// @inheritdoc IInsurancePool
    function releaseCollateral(address asset_, uint256 amount, address to) external restricted nonReentrant {
        if (amount == 0) revert InsurancePoolZeroAmount();
        if (to == address(0)) revert InsurancePoolZeroAddress();
        InsurancePoolStorage storage $ = _getInsurancePoolStorage();
        if (asset_ == address($.asset)) revert InsurancePoolSettlementAsset(asset_);
        (,,, address insurance, uint256 account,) = $.vault.wiring();
        if (insurance != address(this)) revert InsurancePoolNotInsurance(insurance);
        $.vault.withdraw(account, asset_, amount);
        IERC20(asset_).safeTransfer(to, amount);
        emit CollateralReleased(asset_, to, amount);
    }

    // ---- Internal ----

    /// @dev Held stablecoin + vault credit - owed.
    function _totalAssets(InsurancePoolStorage storage $) private view returns (uint256) {
        return $.held - $.owed + $.vault.creditOf(address(this)); // owed <= held
    }

    /// @dev Take `amount` stablecoin from the caller onto the books; what arrived is what counts.
    function _pullIn(InsurancePoolStorage storage $, uint256 amount) private returns (uint256 received) {
        IERC20 token = $.asset;
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        received = token.balanceOf(address(this)) - before;
        if (received == 0) revert InsurancePoolZeroAmount();
        $.held += SafeCast.toUint128(received);
    }

    /// @dev Make at least `amount` held and not owed, withdrawing the shortfall from the pool's vault credit.
    function _makeFree(InsurancePoolStorage storage $, uint256 amount) private {
        uint256 free = $.held - $.owed;
        if (free >= amount) return;
        uint256 shortfall = amount - free;
        uint256 credit = $.vault.creditOf(address(this));
        if (credit < shortfall) revert InsurancePoolInsufficientLiquidity(free + credit, amount);
        _withdrawCredit($, shortfall);
    }

    function _withdrawCredit(InsurancePoolStorage storage $, uint256 amount) private {
        uint256 before = $.asset.balanceOf(address(this));
        $.vault.withdrawCredit(amount, address(this));
        $.held += SafeCast.toUint128($.asset.balanceOf(address(this)) - before);
    }

    /// @dev One event's draw: min(requested, cap, free held stablecoin) for the vault's counterparty, paid
    ///      into its vault credit now if the vault accepts it, else owed until `payOwed`.
    function _draw(InsurancePoolStorage storage $, bytes32 cause, uint256 accountId, uint256 requested)
        private
        returns (uint256 paid)
    {
        IMarginVault vault_ = $.vault;
        (,, address counterparty,,,) = vault_.wiring();
        uint256 held = $.held;
        uint256 owed = $.owed;
        uint256 free = held - owed;
        uint256 cap_ = InsuranceMath.cap(free + vault_.creditOf(address(this)), Bps.wrap($.maxDrawBps), $.maxDrawAmount);
        if (counterparty != address(0)) paid = InsuranceMath.draw(requested, cap_, free);
        emit LossCovered(msg.sender, cause, accountId, address($.asset), requested, paid, cap_, free, counterparty);
        if (paid == 0) return 0;
        owed += paid;
        // Inside the vault's lock (onBadDebt) the vault refuses; elsewhere this also pays what was owed.
        try vault_.fundCredit(counterparty, owed) {
            $.held = uint128(held - owed); // owed <= held
            $.owed = 0;
            emit OwedPaid(counterparty, owed);
        } catch {
            $.owed = uint128(owed); // <= held
            emit CoverDeferred(counterparty, paid, owed);
        }
    }

    function _setUnstakeDelay(InsurancePoolStorage storage $, uint64 delay) private {
        if (delay < MIN_UNSTAKE_DELAY || delay > MAX_UNSTAKE_DELAY) {
            revert InsurancePoolUnstakeDelayInvalid(delay, MIN_UNSTAKE_DELAY, MAX_UNSTAKE_DELAY);
        }
        $.unstakeDelay = delay;
        emit UnstakeDelaySet(delay);
    }

    function _setDrawCap(InsurancePoolStorage storage $, uint16 maxDrawBps, uint128 maxDrawAmount) private {
        if (maxDrawBps > Constants.BPS) revert InsurancePoolDrawCapInvalid(maxDrawBps);
        $.maxDrawBps = maxDrawBps;
        $.maxDrawAmount = maxDrawAmount;
        emit DrawCapSet(maxDrawBps, maxDrawAmount);
    }

    /// @dev Shares reach the pool's own address only through a request's escrow (which bypasses this).
    function _update(address from, address to, uint256 value) internal override {
        if (to == address(this)) revert InsurancePoolSharesToPool();
        super._update(from, to, value);
    }

    /// @dev Upgrades are restricted to UPGRADER (wired at deployment).
    function _authorizeUpgrade(address) internal override restricted {}
}
