// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IModularCompliance} from "../interfaces/compliance/IModularCompliance.sol";
import {BalanceCheckpoints} from "../libraries/BalanceCheckpoints.sol";
import {ICorporateActionTarget} from "../interfaces/token/ICorporateActionTarget.sol";
import {ITokenStateObserver} from "../interfaces/token/ITokenStateObserver.sol";

/// @title EquityTokenState - the storage layout shared by EquityToken and its extension
/// @notice EquityToken serves the transfer path and the ERC-3643 surface; rarely called functions
///         (corporate actions) live in EquityTokenCorporateActions, which the token delegatecalls
///         from its fallback. Both read and write this one ERC-7201 namespace, so they must agree on
///         it: this contract is the only place it is declared.
abstract contract EquityTokenState {
    /// @notice The caller left less gas than the state observer's budget needs.
    error EquityTokenStateObserverGas(uint256 left, uint256 required);

    using BalanceCheckpoints for BalanceCheckpoints.Checkpoint[];

    /// @dev One slot per wallet. 112 bits hold 5.19e33 raw units: 5e15 whole shares at 18 decimals.
    struct Account {
        uint112 balance;
        uint112 frozen;
        bool walletFrozen;
        uint24 snapshotSynced; // the snapshot id already taken at the wallet's last balance change
    }

    /// @dev ERC-8056 state in one slot. `current == 0` means 1x (never set). A pending change is
    ///      `next` from `effectiveAt` on; `effectiveAt == 0` means none was ever scheduled or the last
    ///      one was cancelled.
    struct UIMultiplier {
        uint104 current;
        uint104 next;
        uint40 effectiveAt;
    }

    /// @dev One slot per agent: membership and the powers it is denied.
    struct Agent {
        bool isAgent;
        bool disableMint;
        bool disableBurn;
        bool disableAddressFreeze;
        bool disableForceTransfer;
        bool disablePartialFreeze;
        bool disablePause;
        bool disableRecovery;
    }

    /// @custom:storage-location erc7201:dualtrack.storage.EquityToken
    struct EquityTokenStorage {
        IIdentityRegistry identityRegistry; // slot 0, packed with `paused`, `decimals` and `policyMode`
        bool paused;
        uint8 decimals;
        // identityRegistry == compliance and it is an ITransferPolicy: one `settle` call per movement
        bool policyMode;
        // Snapshots, as of the last sync: the next record time still ahead (0: none) and the number of
        // snapshots already taken. Here because every movement reads this slot anyway.
        uint40 nextRecordTime;
        uint24 lastTakenSnapshot;
        IModularCompliance compliance; // slot 1
        uint256 totalSupply;
        address onchainID;
        string name;
        string symbol;
        mapping(address wallet => Account account) accounts;
        mapping(address holder => mapping(address spender => uint256 amount)) allowances;
        mapping(address account => Agent agent) agents;
        // ---- corporate actions (appended after the original layout) ----
        UIMultiplier multiplier;
        uint24 supplySnapshotSynced;
        uint40[] snapshotTimes; // snapshot id i was taken at snapshotTimes[i - 1]
        BalanceCheckpoints.Checkpoint[] supplyHistory;
        mapping(address wallet => BalanceCheckpoints.Checkpoint[] history) balanceHistory;
        mapping(address account => bool enabled) corporateActionAgents;
        // ---- recovery record (appended; IRecoveryRecord) ----
        // Written by `recoveryAddress`: the wallet that replaced a lost one, cleared when the lost
        // wallet is itself the new wallet of a later recovery.
        mapping(address lostWallet => address newWallet) recoveredTo;
        // ---- state observer (appended; ITokenStateObserver) ----
        address stateObserver;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.EquityToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant EQUITY_TOKEN_STORAGE = 0x66075add6576ede7dae8a3bc87bd0a57a174eae64a0a1859087d6c01cac1f600;


    function _store() internal pure returns (EquityTokenStorage storage $) {
        assembly {
            $.slot := EQUITY_TOKEN_STORAGE
        }
    }

    /// @dev Gas the observer gets for `tokenStateChanged` (the oracle reads the state back: about 60k).
    uint256 internal constant STATE_OBSERVER_GAS = 150_000;

    /// @dev Tell the state observer, if any, that the pause flag or the multiplier schedule changed. Its
    ///      failure is ignored (an issuer's power never waits on it) but reported, and the caller must
    ///      leave the whole budget so a caller cannot starve the call into failing.
    function _notifyStateObserver(EquityTokenStorage storage $) internal {
        address observer = $.stateObserver;
        if (observer == address(0)) return;
        uint256 required = STATE_OBSERVER_GAS + STATE_OBSERVER_GAS / 63 + 10_000;
        if (gasleft() < required) revert EquityTokenStateObserverGas(gasleft(), required);
        bytes4 selector = ITokenStateObserver.tokenStateChanged.selector;
        bool ok;
        assembly ("memory-safe") {
            mstore(0x00, selector)
            ok := call(STATE_OBSERVER_GAS, observer, 0, 0x00, 0x04, 0x00, 0x00) // no return data copied
        }
        emit ICorporateActionTarget.StateObserverNotified(observer, ok);
    }

    /// @dev The number of snapshots taken by now, stored when record times passed since the last
    ///      sync. The fast path is a comparison with the next record time, from the config slot.
    function _syncSnapshots(EquityTokenStorage storage $) internal returns (uint24 taken) {
        taken = $.lastTakenSnapshot;
        uint256 next = $.nextRecordTime;
        if (next == 0 || block.timestamp < next) return taken;
        // Record times passed: scan the pending ones (at most MAX_PENDING_SNAPSHOTS).
        uint40[] storage times = $.snapshotTimes;
        uint256 count = times.length;
        uint256 id = taken;
        while (id < count && times[id] <= block.timestamp) ++id;
        // id <= count < 2**24 (scheduleSnapshot caps the count).
        taken = uint24(id);
        $.lastTakenSnapshot = taken;
        $.nextRecordTime = id < count ? times[id] : 0;
    }

    /// @dev `_syncSnapshots` without writing: the id of the last snapshot whose record time has passed.
    function _takenSnapshotView(EquityTokenStorage storage $) internal view returns (uint256 id) {
        id = $.lastTakenSnapshot;
        uint256 next = $.nextRecordTime;
        if (next == 0 || block.timestamp < next) return id;
        uint40[] storage times = $.snapshotTimes;
        uint256 count = times.length;
        while (id < count && times[id] <= block.timestamp) ++id;
    }
}
