// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IDividendCustodian} from "../interfaces/corporate/IDividendCustodian.sol";
import {IDividendDistributor} from "../interfaces/corporate/IDividendDistributor.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";

/// @title MockDividendCustodian - a minimal custodian passing dividends through to its depositors
/// @notice Holds one equity token for at most `MAX_DEPOSITORS` depositors. When the distributor pays it
///         a dividend (gross), it splits it pro rata to the deposits, withholds each depositor's share
///         at the depositor's own country rate (`withholdingRate` of the distributor, country from the
///         token's identity registry) and remits the withheld part to the distributor's `taxAccount()`.
///         Rounding dust of the pro-rata split stays here.
/// @dev A mock: it splits by the deposits held when the dividend arrives, which equal the record-time
///      positions only if nobody deposited or withdrew in between (the tests keep it so). A production
///      custodian (the margin vault) must checkpoint its depositors' positions and split by their value
///      at `snapshotTime(snapshotId)`.
contract MockDividendCustodian is IDividendCustodian {
    using SafeERC20 for IERC20;

    /// @notice The most depositors this mock tracks (its loops are bounded by it).
    uint256 public constant MAX_DEPOSITORS = 8;

    /// @notice `depositor` deposited `amount` raw token units.
    event Deposited(address indexed depositor, uint256 amount);
    /// @notice `depositor` withdrew `amount` raw token units.
    event Withdrawn(address indexed depositor, uint256 amount);
    /// @notice `depositor` received `net` of its `share` of distribution `distributionId`; `withheld` was remitted.
    event DividendPassedThrough(
        uint256 indexed distributionId, address indexed depositor, uint16 country, uint256 share, uint256 withheld, uint256 net
    );

    /// @notice Only the configured distributor may call the hook.
    error MockDividendCustodianNotDistributor(address caller);
    /// @notice The dividend is for another token than the one held here.
    error MockDividendCustodianWrongToken(address token);
    /// @notice A new depositor would exceed `MAX_DEPOSITORS`.
    error MockDividendCustodianFull(uint256 maxDepositors);
    /// @notice `depositor` holds less than `amount` here.
    error MockDividendCustodianInsufficientDeposit(address depositor, uint256 deposit, uint256 amount);
    /// @notice Deposits and withdrawals must be positive.
    error MockDividendCustodianZeroAmount();

    IERC3643 private immutable _token;
    IDividendDistributor private immutable _distributor;
    address[] private _depositors;
    mapping(address depositor => uint256 amount) private _deposits;
    uint256 private _totalDeposits;
    bool private _refusing;

    /// @param token_ The equity token held for depositors.
    /// @param distributor_ The distributor whose hook calls are accepted.
    constructor(IERC3643 token_, IDividendDistributor distributor_) {
        _token = token_;
        _distributor = distributor_;
    }

    /// @notice Make the hook answer a wrong value (`true`) to test that the distributor rejects it.
    function setRefusing(bool refusing) external {
        _refusing = refusing;
    }

    /// @notice Deposit `amount` raw units of the token (approved beforehand).
    function deposit(uint256 amount) external {
        if (amount == 0) revert MockDividendCustodianZeroAmount();
        if (_deposits[msg.sender] == 0) {
            if (_depositors.length == MAX_DEPOSITORS) revert MockDividendCustodianFull(MAX_DEPOSITORS);
            _depositors.push(msg.sender);
        }
        _deposits[msg.sender] += amount;
        _totalDeposits += amount;
        IERC20(address(_token)).safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(msg.sender, amount);
    }

    /// @notice Withdraw `amount` raw units of the caller's deposit (the depositor stays listed).
    function withdraw(uint256 amount) external {
        if (amount == 0) revert MockDividendCustodianZeroAmount();
        uint256 held = _deposits[msg.sender];
        if (held < amount) revert MockDividendCustodianInsufficientDeposit(msg.sender, held, amount);
        _deposits[msg.sender] = held - amount;
        _totalDeposits -= amount;
        IERC20(address(_token)).safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    /// @inheritdoc IDividendCustodian
    function onDividendReceived(uint256 distributionId, address token, address paymentToken, uint256 gross, uint256)
        external
        returns (bytes4)
    {
        if (msg.sender != address(_distributor)) revert MockDividendCustodianNotDistributor(msg.sender);
        if (token != address(_token)) revert MockDividendCustodianWrongToken(token);
        if (_refusing) return bytes4(0xdeadbeef);
        uint256 total = _totalDeposits;
        address taxAccount = _distributor.taxAccount();
        uint256 remitted;
        uint256 count = _depositors.length; // <= MAX_DEPOSITORS
        for (uint256 i; i < count; ++i) {
            remitted += _passThrough(distributionId, _depositors[i], paymentToken, gross, total);
        }
        if (remitted != 0) IERC20(paymentToken).safeTransfer(taxAccount, remitted);
        return IDividendCustodian.onDividendReceived.selector;
    }

    /// @dev Pay `depositor` its pro-rata share net of its own country's rate; return the withheld part.
    function _passThrough(uint256 distributionId, address depositor, address paymentToken, uint256 gross, uint256 total)
        private
        returns (uint256 withheld)
    {
        uint256 held = _deposits[depositor];
        if (held == 0) return 0;
        uint256 share = Math.mulDiv(gross, held, total);
        uint16 country = _token.identityRegistry().investorCountry(depositor);
        withheld = Math.mulDiv(share, _distributor.withholdingRate(country), 10_000, Math.Rounding.Ceil);
        if (share > withheld) IERC20(paymentToken).safeTransfer(depositor, share - withheld);
        emit DividendPassedThrough(distributionId, depositor, country, share, withheld, share - withheld);
    }

    /// @notice `depositor`'s deposit in raw token units.
    function depositOf(address depositor) external view returns (uint256) {
        return _deposits[depositor];
    }

    /// @notice The sum of the deposits.
    function totalDeposits() external view returns (uint256) {
        return _totalDeposits;
    }
}
