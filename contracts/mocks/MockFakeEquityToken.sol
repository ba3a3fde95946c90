// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ICorporateActionTarget} from "../interfaces/token/ICorporateActionTarget.sol";

/// @title MockFakeEquityToken - an attacker's contract posing as an equity token to a distributor
/// @notice Answers everything the DividendDistributor calls on a token (`owner`, `scheduleSnapshot`,
///         `totalSupplyAt`, `balanceAt`, `identityRegistry` + `investorCountry`, `positionAt`) with
///         whatever its owner sets: a supply of one raw unit so funding costs almost nothing, and any
///         balance for any holder so a claim asks for the distributor's whole payment-token balance.
///         Review finding 1 (the fake-token drain) and the per-distribution bound are tested with it:
///         a distributor must refuse it at announce, and, if its owner allow-lists it anyway, pay it
///         no more than it was funded.
contract MockFakeEquityToken {
    address private immutable _owner;
    uint256 private _fakeSupply;
    uint16 private _country;
    uint256 private _snapshotCount;
    mapping(address holder => uint256 balance) private _fakeBalances;

    /// @notice Only the owner may set the lies.
    error MockFakeEquityTokenNotOwner(address caller);

    /// @param owner_ The attacker: the "issuer" the distributor sees.
    constructor(address owner_) {
        _owner = owner_;
    }

    // ---- the attacker's knobs ----

    /// @notice Claim that `holder` held `balance` raw units at every record time.
    function setFakeBalance(address holder, uint256 balance) external {
        if (msg.sender != _owner) revert MockFakeEquityTokenNotOwner(msg.sender);
        _fakeBalances[holder] = balance;
    }

    /// @notice Claim a total supply of `supply` raw units at every record time.
    function setFakeSupply(uint256 supply) external {
        if (msg.sender != _owner) revert MockFakeEquityTokenNotOwner(msg.sender);
        _fakeSupply = supply;
    }

    /// @notice Claim that every holder lives in `country` (e.g. one with a 0% withholding rate).
    function setCountry(uint16 country) external {
        if (msg.sender != _owner) revert MockFakeEquityTokenNotOwner(msg.sender);
        _country = country;
    }

    // ---- what a distributor calls ----

    /// @notice The attacker, so it passes an issuer check.
    function owner() external view returns (address) {
        return _owner;
    }

    /// @notice Accepts any record time from anyone.
    function scheduleSnapshot(uint256) external returns (uint256 snapshotId) {
        snapshotId = ++_snapshotCount;
    }

    /// @notice The fake supply.
    function totalSupplyAt(uint256) external view returns (uint256) {
        return _fakeSupply;
    }

    /// @notice The fake balance.
    function balanceAt(address holder, uint256) external view returns (uint256) {
        return _fakeBalances[holder];
    }

    /// @notice Itself: it also answers the registry's `investorCountry`.
    function identityRegistry() external view returns (address) {
        return address(this);
    }

    /// @notice The fake country of every wallet.
    function investorCountry(address) external view returns (uint16) {
        return _country;
    }

    /// @notice A fake position: the fake balance, paid to the holder itself, never frozen, registered.
    function positionAt(address holder, uint256) external view returns (ICorporateActionTarget.RecordPosition memory) {
        return ICorporateActionTarget.RecordPosition({
            balance: _fakeBalances[holder],
            wallet: holder,
            walletFrozen: false,
            identity: address(this),
            country: _country
        });
    }
}
