// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MarginVaultModule} from "./MarginVaultModule.sol";

/// @title MarginMarketsModule - the markets' side of the margin vault, and the protocol credits
/// @notice Run only by DELEGATECALL from the MarginVault, in its storage: registered markets enter and leave
///         accounts, ask for initial margin after adding risk, and settle realised PnL and fees in the
///         settlement asset; protocol parties (the counterparty, the insurance, fee recipients) fund and
///         withdraw their credits. Rules: IMarginVault.
contract MarginMarketsModule is MarginVaultModule {
    using SafeERC20 for IERC20;

    /// @notice See IMarginVault.enterMarket.
    function enterMarket(uint256 accountId) external onlyDelegated onlyMarket {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        if ($.accounts[accountId].owner == address(0)) revert MarginVaultUnknownAccount(accountId);
        address[] storage markets = $.accountMarkets[accountId];
        uint256 count = markets.length;
        for (uint256 i; i < count; ++i) {
            if (markets[i] == msg.sender) return;
        }
        if (count == MAX_MARKETS_PER_ACCOUNT) revert MarginVaultTooManyMarkets(accountId, MAX_MARKETS_PER_ACCOUNT);
        markets.push(msg.sender);
        emit MarketEntered(accountId, msg.sender);
    }

    /// @notice See IMarginVault.leaveMarket.
    function leaveMarket(uint256 accountId) external onlyDelegated onlyMarket {
        if (_removeMarket(_getMarginVaultStorage(), accountId, msg.sender)) emit MarketLeft(accountId, msg.sender);
    }

    /// @notice See IMarginVault.requireInitialMargin.
    function requireInitialMargin(uint256 accountId) external onlyDelegated onlyMarket {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        if ($.newRiskPaused) revert MarginVaultNewRiskPaused(address(0));
        if (!$.oracle.sequencerAllows()) revert MarginVaultSequencerNotReady();
        _requireInitial($, accountId, true);
    }

    /// @notice See IMarginVault.creditProfit.
    function creditProfit(uint256 accountId, uint256 amount) external onlyDelegated onlyMarket {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        _requireEntered($, accountId);
        address counterparty = $.counterparty;
        uint256 available = $.credits[counterparty];
        if (available < amount) revert MarginVaultCreditInsufficient(counterparty, available, amount);
        $.credits[counterparty] = available - amount;
        _creditCash($, accountId, amount);
        emit ProfitCredited(accountId, msg.sender, amount);
    }

    /// @notice See IMarginVault.chargeLoss.
    function chargeLoss(uint256 accountId, uint256 amount) external onlyDelegated onlyMarket {
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        _requireEntered($, accountId);
        (uint256 fromCash, uint256 toDebt) = _charge($, accountId, amount);
        $.credits[$.counterparty] += fromCash;
        emit LossCharged(accountId, msg.sender, fromCash, toDebt);
    }

    /// @notice See IMarginVault.chargeFee.
    /// @dev The recipient (a keeper) is paid in full: what the account's cash cannot pay, the counterparty
    ///      advances from its credit and holds as the account's debt (its receivable), as it does for a loss.
    function chargeFee(uint256 accountId, uint256 amount, address recipient) external onlyDelegated onlyMarket {
        if (recipient == address(0)) revert MarginVaultZeroAddress();
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        _requireEntered($, accountId);
        (uint256 fromCash, uint256 toDebt) = _charge($, accountId, amount);
        if (toDebt != 0) {
            address counterparty = $.counterparty;
            uint256 available = $.credits[counterparty];
            if (available < toDebt) revert MarginVaultCreditInsufficient(counterparty, available, toDebt);
            $.credits[counterparty] = available - toDebt;
        }
        $.credits[recipient] += amount;
        emit FeeCharged(accountId, msg.sender, recipient, fromCash, toDebt);
    }

    /// @notice See IMarginVault.fundCredit.
    function fundCredit(address holder, uint256 amount) external onlyDelegated {
        if (holder == address(0)) revert MarginVaultZeroAddress();
        if (amount == 0) revert MarginVaultZeroAmount();
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        address settlement = $.settlement;
        uint256 held = IERC20(settlement).balanceOf(address(this));
        IERC20(settlement).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(settlement).balanceOf(address(this)) - held;
        Asset storage config = $.assets[settlement];
        uint256 booked = config.booked + received;
        if (booked > config.cap) revert MarginVaultCapExceeded(settlement, booked, config.cap);
        $.credits[holder] += received;
        config.booked = uint128(booked); // <= cap < 2^96
        emit CreditFunded(holder, msg.sender, received);
    }

    /// @notice See IMarginVault.withdrawCredit.
    function withdrawCredit(uint256 amount, address to) external onlyDelegated {
        if (to == address(0)) revert MarginVaultZeroAddress();
        if (amount == 0) revert MarginVaultZeroAmount();
        MarginVaultStorage storage $ = _getMarginVaultStorage();
        uint256 available = $.credits[msg.sender];
        if (available < amount) revert MarginVaultCreditInsufficient(msg.sender, available, amount);
        $.credits[msg.sender] = available - amount;
        $.assets[$.settlement].booked -= uint128(amount);
        IERC20($.settlement).safeTransfer(to, amount);
        emit CreditWithdrawn(msg.sender, to, amount);
    }
}
