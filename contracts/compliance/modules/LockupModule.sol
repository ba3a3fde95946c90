// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AbstractComplianceModule} from "./AbstractComplianceModule.sol";
import {IComplianceModule, Movement, MovementKind} from "../../interfaces/compliance/IComplianceModule.sol";
import {ILockupModule} from "../../interfaces/compliance/modules/ILockupModule.sol";

/// @title LockupModule - minted tokens stay locked in the receiving wallet for a period
/// @notice See ILockupModule for the rules. The module tracks each wallet's balance itself from the
///         movements (it never calls the token) and keeps at most 4 lots per wallet, so every
///         movement touches a bounded number of slots. State is keyed by a binding epoch.
/// @dev A lot is one word: `unlockTime << 216 | amount`. Lots are kept sorted by unlock time, and
///      expired lots are pruned whenever their wallet is written.
contract LockupModule is ILockupModule, AbstractComplianceModule {
    /// @notice The most lots a wallet keeps.
    uint256 public constant MAX_LOTS = 4;
    /// @notice The longest lock-up period (10 years).
    uint256 public constant MAX_PERIOD = 3650 days;

    uint256 private constant AMOUNT_BITS = 216;
    uint256 private constant AMOUNT_MASK = (1 << AMOUNT_BITS) - 1;

    struct Config {
        bool bound;
        uint32 epoch;
        uint64 period;
    }

    /// @dev Balance and lot count share the first slot; `lots[0..lotCount)` are sorted by unlock time.
    struct Wallet {
        uint248 balance;
        uint8 lotCount;
        uint256[4] lots;
    }

    mapping(address compliance => Config) private _configs;
    mapping(address compliance => mapping(uint256 epoch => mapping(address wallet => Wallet))) private _wallets;

    // ---- Configuration (through the compliance) ----

    /// @inheritdoc ILockupModule
    function setLockupPeriod(uint64 period) external {
        _requireBoundCaller();
        if (period > MAX_PERIOD) revert LockupModulePeriodTooLong(period, MAX_PERIOD);
        _configs[msg.sender].period = period;
        emit LockupPeriodSet(msg.sender, period);
    }

    // ---- Movements ----

    /// @inheritdoc IComplianceModule
    function moved(Movement calldata movement) external {
        Config memory config = _configs[msg.sender];
        if (!config.bound) revert ComplianceModuleNotBound(msg.sender);
        mapping(address wallet => Wallet) storage wallets = _wallets[msg.sender][config.epoch];
        MovementKind kind = movement.kind;
        uint256 amount = movement.amount;
        uint256[4] memory incoming;
        if (kind == MovementKind.Mint) {
            uint256 incomingCount;
            if (config.period != 0 && amount != 0) {
                incoming[0] = _lot(block.timestamp + config.period, amount);
                incomingCount = 1;
            }
            _credit(wallets[movement.to], amount, incoming, incomingCount);
            return;
        }

        Wallet storage source = wallets[movement.from];
        uint256 balance = source.balance;
        uint256 count = source.lotCount;
        uint256[4] memory held = _load(source, count);
        uint256 kept = _prune(held, count);
        uint256 unlocked = _saturatingSub(balance, _sum(held, kept));

        if (kind == MovementKind.Transfer) {
            if (amount > unlocked) revert LockupModuleLocked(movement.from, amount, unlocked);
            // Only unlocked tokens leave: the lots stay (minus any expired ones).
            _store(source, balance - amount, held, count, kept, kept != count);
            _credit(wallets[movement.to], amount, incoming, 0);
            return;
        }
        // Rekey: only the wallet's identity changed; it keeps its tokens and their lots.
        if (kind == MovementKind.Rekey) return;

        // Burn, Forced, Recovery: never rejected. Unlocked tokens go first, then locked lots,
        // soonest-unlocking first; Forced and Recovery carry those lots to the receiver.
        uint256 carried;
        if (amount > unlocked) (kept, carried) = _consume(held, kept, amount - unlocked, incoming);
        _store(source, _saturatingSub(balance, amount), held, count, kept, true);
        if (kind != MovementKind.Burn) _credit(wallets[movement.to], amount, incoming, carried);
    }

    /// @inheritdoc IComplianceModule
    /// @dev False for an unbound compliance.
    function moduleCheck(Movement calldata movement, address compliance) external view returns (bool) {
        Config memory config = _configs[compliance];
        if (!config.bound) return false;
        if (movement.kind != MovementKind.Transfer) return true;
        Wallet storage source = _wallets[compliance][config.epoch][movement.from];
        return movement.amount <= _saturatingSub(source.balance, _lockedNow(source));
    }

    // ---- Views ----

    /// @inheritdoc ILockupModule
    function lockupPeriod(address compliance) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? config.period : 0;
    }

    /// @inheritdoc ILockupModule
    function walletBalance(address compliance, address wallet) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? _wallets[compliance][config.epoch][wallet].balance : 0;
    }

    /// @inheritdoc ILockupModule
    function lockedBalance(address compliance, address wallet) external view returns (uint256) {
        Config memory config = _configs[compliance];
        return config.bound ? _lockedNow(_wallets[compliance][config.epoch][wallet]) : 0;
    }

    /// @inheritdoc ILockupModule
    function lots(address compliance, address wallet)
        external
        view
        returns (uint256[] memory unlockTimes, uint256[] memory amounts)
    {
        Config memory config = _configs[compliance];
        Wallet storage w = _wallets[compliance][config.epoch][wallet];
        uint256 count = config.bound ? w.lotCount : 0;
        unlockTimes = new uint256[](count);
        amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            uint256 lot = w.lots[i];
            unlockTimes[i] = lot >> AMOUNT_BITS;
            amounts[i] = lot & AMOUNT_MASK;
        }
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "LockupModule";
    }

    // ---- Lots ----

    /// @dev Credit `amount` to `w` and add `count` lots from `incoming` (sorted or not).
    function _credit(Wallet storage w, uint256 amount, uint256[4] memory incoming, uint256 count) private {
        uint256 balance = SafeCast.toUint248(uint256(w.balance) + amount);
        if (count == 0) {
            w.balance = uint248(balance);
            return;
        }
        uint256 oldCount = w.lotCount;
        uint256[4] memory held = _load(w, oldCount);
        uint256 kept = _prune(held, oldCount);
        for (uint256 i; i < count; ++i) {
            kept = _insert(held, kept, incoming[i]);
        }
        _store(w, balance, held, oldCount, kept, true);
    }

    /// @dev Insert `lot` into the sorted `held[0..count)`; returns the new count. An equal unlock
    ///      time merges; with no free place the lot merges into the first later lot, or into the
    ///      last one whose unlock time then moves out to the new lot's (locks never get shorter).
    function _insert(uint256[4] memory held, uint256 count, uint256 lot) private pure returns (uint256) {
        uint256 unlock = lot >> AMOUNT_BITS;
        uint256 at;
        while (at < count && held[at] >> AMOUNT_BITS < unlock) ++at;
        if (at < count && held[at] >> AMOUNT_BITS == unlock) {
            held[at] = _lot(unlock, (held[at] & AMOUNT_MASK) + (lot & AMOUNT_MASK));
            return count;
        }
        if (count == MAX_LOTS) {
            if (at < count) {
                held[at] = _lot(held[at] >> AMOUNT_BITS, (held[at] & AMOUNT_MASK) + (lot & AMOUNT_MASK));
            } else {
                held[count - 1] = _lot(unlock, (held[count - 1] & AMOUNT_MASK) + (lot & AMOUNT_MASK));
            }
            return count;
        }
        for (uint256 i = count; i > at; --i) {
            held[i] = held[i - 1];
        }
        held[at] = lot;
        return count + 1;
    }

    /// @dev Take `excess` from the front lots of `held[0..count)` into `taken` (same unlock times);
    ///      returns the lots left and the number taken.
    function _consume(uint256[4] memory held, uint256 count, uint256 excess, uint256[4] memory taken)
        private
        pure
        returns (uint256 left, uint256 takenCount)
    {
        uint256 emptied;
        while (excess != 0 && emptied < count) {
            uint256 lot = held[emptied];
            uint256 amount = lot & AMOUNT_MASK;
            uint256 take = amount < excess ? amount : excess;
            taken[takenCount++] = _lot(lot >> AMOUNT_BITS, take);
            // take <= excess and take <= amount.
            unchecked {
                excess -= take;
                if (take == amount) ++emptied;
                else held[emptied] = lot - take;
            }
        }
        left = _shift(held, count, emptied);
    }

    /// @dev Drop the expired prefix of the sorted `held[0..count)`; returns the lots left.
    function _prune(uint256[4] memory held, uint256 count) private view returns (uint256) {
        uint256 expired;
        while (expired < count && held[expired] >> AMOUNT_BITS <= block.timestamp) ++expired;
        return _shift(held, count, expired);
    }

    /// @dev Remove the first `drop` of `held[0..count)`, zeroing the freed tail; returns count - drop.
    function _shift(uint256[4] memory held, uint256 count, uint256 drop) private pure returns (uint256 left) {
        if (drop == 0) return count;
        left = count - drop;
        for (uint256 i; i < count; ++i) {
            held[i] = i < left ? held[i + drop] : 0;
        }
    }

    function _load(Wallet storage w, uint256 count) private view returns (uint256[4] memory held) {
        for (uint256 i; i < count; ++i) {
            held[i] = w.lots[i];
        }
    }

    /// @dev Write the balance and, if `lotsChanged`, `held[0..newCount)`, clearing old slots past it.
    function _store(
        Wallet storage w,
        uint256 balance,
        uint256[4] memory held,
        uint256 oldCount,
        uint256 newCount,
        bool lotsChanged
    ) private {
        // balance is the old uint248 balance minus something, or SafeCast-checked by _credit.
        w.balance = uint248(balance);
        if (!lotsChanged) return;
        // newCount <= MAX_LOTS fits in uint8.
        w.lotCount = uint8(newCount);
        uint256 end = oldCount > newCount ? oldCount : newCount;
        for (uint256 i; i < end; ++i) {
            if (w.lots[i] != held[i]) w.lots[i] = held[i];
        }
    }

    function _sum(uint256[4] memory held, uint256 count) private pure returns (uint256 total) {
        for (uint256 i; i < count; ++i) {
            total += held[i] & AMOUNT_MASK;
        }
    }

    function _lockedNow(Wallet storage w) private view returns (uint256 locked) {
        uint256 count = w.lotCount;
        for (uint256 i; i < count; ++i) {
            uint256 lot = w.lots[i];
            if (lot >> AMOUNT_BITS > block.timestamp) locked += lot & AMOUNT_MASK;
        }
    }

    /// @dev Pack a lot; amounts above 2**216 are refused (SafeCast).
    function _lot(uint256 unlockTime, uint256 amount) private pure returns (uint256) {
        return (unlockTime << AMOUNT_BITS) | SafeCast.toUint216(amount);
    }

    // ---- Binding hooks ----

    function _isBound(address compliance) internal view override returns (bool) {
        return _configs[compliance].bound;
    }

    function _bind(address compliance) internal override {
        _requireEmptyToken(compliance);
        Config storage config = _configs[compliance];
        config.bound = true;
        ++config.epoch;
        config.period = 0;
    }

    function _unbind(address compliance) internal override {
        _configs[compliance].bound = false;
    }
}
