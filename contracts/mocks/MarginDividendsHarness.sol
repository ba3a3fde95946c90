// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MarginVaultDividends} from "../margin/MarginVaultDividends.sol";
import {IRecoveryRecord} from "../interfaces/token/IRecoveryRecord.sol";

/// @title MarginDividendsHarness - MarginVaultDividends over minimal account books (tests only)
/// @notice Stands for the vault core: accounts with an owner, booked stock balances per account and in
///         total, each change preceded by the `_beforeBookedChange` hook. `deposit`/`withdraw` move real
///         tokens (the harness must be a verified holder); `book` and `move` only rewrite the books.
contract MarginDividendsHarness is MarginVaultDividends {
    using SafeERC20 for IERC20;

    /// @notice Account `accountId` was opened for `owner`.
    event AccountOpened(uint256 indexed accountId, address indexed owner);
    /// @notice `accountId`'s booked `token` is now `balance` (the total booked: `total`).
    event Booked(uint256 indexed accountId, address indexed token, uint256 balance, uint256 total);

    /// @notice The caller does not own `accountId`.
    error MarginDividendsHarnessNotOwner(uint256 accountId, address caller);

    uint256 private _accountCount;
    mapping(uint256 accountId => address owner) private _owners;
    mapping(uint256 accountId => mapping(address token => uint256 balance)) private _balances;
    mapping(address token => uint256 total) private _totals;

    /// @param authority The AccessManager that restricts `setDistributor`.
    /// @param distributor The DividendDistributor whose payments are accepted.
    constructor(address authority, address distributor) initializer {
        __AccessManaged_init(authority);
        __MarginVaultDividends_init(distributor);
    }

    /// @notice Open an account for `owner` (ids start at 1).
    function openAccount(address owner) external returns (uint256 accountId) {
        accountId = ++_accountCount;
        _owners[accountId] = owner;
        emit AccountOpened(accountId, owner);
    }

    /// @notice Set `accountId`'s booked `token` to `balance`, moving no tokens.
    function book(uint256 accountId, address token, uint256 balance) external {
        _setBooked(accountId, token, balance);
    }

    /// @notice Move `amount` booked `token` from account `from` to account `to` (two hooks, one total).
    function move(uint256 from, uint256 to, address token, uint256 amount) external {
        _setBooked(from, token, _balances[from][token] - amount);
        _setBooked(to, token, _balances[to][token] + amount);
    }

    /// @notice Take `amount` `token` from the caller into `accountId` (approved beforehand).
    function deposit(uint256 accountId, address token, uint256 amount) external {
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        _setBooked(accountId, token, _balances[accountId][token] + amount);
    }

    /// @notice Send `amount` `token` of `accountId` to its owner (the caller).
    function withdraw(uint256 accountId, address token, uint256 amount) external {
        if (_owners[accountId] != msg.sender) revert MarginDividendsHarnessNotOwner(accountId, msg.sender);
        _setBooked(accountId, token, _balances[accountId][token] - amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /// @notice Give `accountId` to the wallet that replaced its owner on `token` (as the vault's recovery).
    function recoverAccount(uint256 accountId, address token) external {
        _owners[accountId] = IRecoveryRecord(token).currentWallet(_owners[accountId]);
    }

    /// @notice Run only the hook for `accountId` and `token` with the current books and return the gas it
    ///         used (simulate it with `eth_call`). As in a deposit, the token was called and the books read.
    function hookGas(uint256 accountId, address token) external returns (uint256 used) {
        IERC20(token).balanceOf(address(this));
        (uint256 balance, uint256 total) = (_balances[accountId][token], _totals[token]);
        uint256 start = gasleft();
        _beforeBookedChange(accountId, token, balance, total);
        used = start - gasleft();
    }

    /// @notice The owner of `accountId`.
    function accountOwner(uint256 accountId) external view returns (address) {
        return _owners[accountId];
    }

    /// @notice `accountId`'s booked `token`.
    function balanceOf(uint256 accountId, address token) external view returns (uint256) {
        return _balances[accountId][token];
    }

    /// @notice The `token` booked for all accounts.
    function totalBooked(address token) external view returns (uint256) {
        return _totals[token];
    }

    function _setBooked(uint256 accountId, address token, uint256 balance) private {
        uint256 before = _balances[accountId][token];
        uint256 total = _totals[token];
        _beforeBookedChange(accountId, token, before, total);
        total = total - before + balance;
        _balances[accountId][token] = balance;
        _totals[token] = total;
        emit Booked(accountId, token, balance, total);
    }

    function _accountOwner(uint256 accountId) internal view override returns (address) {
        return _owners[accountId];
    }

    function _booked(uint256 accountId, address token) internal view override returns (uint256) {
        return _balances[accountId][token];
    }

    function _bookedTotal(address token) internal view override returns (uint256) {
        return _totals[token];
    }
}
