// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {IIdentity} from "../interfaces/identity/IIdentity.sol";
import {IIdentityRegistryStorage} from "../interfaces/identity/IIdentityRegistryStorage.sol";
import {IIdentityStorageReader} from "../interfaces/identity/IIdentityStorageReader.sol";

/// @title IdentityRegistryStorage - wallet -> (identity, country), shared by several identity registries
/// @notice Each wallet's identity and ISO-3166 numeric country share one storage slot, so the transfer
///         path reads both with one SLOAD (`storedInvestor`). Only bound identity registries write; the
///         owner binds at most 300 of them (unbinding is O(1) through an index map).
contract IdentityRegistryStorage is IIdentityRegistryStorage, OwnableUpgradeable {
    /// @dev Documented cap on bound identity registries.
    uint256 private constant MAX_BOUND_REGISTRIES = 300;

    /// @dev One slot: 20-byte identity + 2-byte country.
    struct Investor {
        IIdentity identity;
        uint16 country;
    }

    /// @custom:storage-location erc7201:dualtrack.storage.IdentityRegistryStorage
    struct Layout {
        mapping(address wallet => Investor investor) investors;
        address[] registries;
        mapping(address registry => uint256 indexPlusOne) registryIndex;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.IdentityRegistryStorage")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LAYOUT_SLOT = 0xda820e2d8734c3fa5aad3255c8ed109999fab93024d78dc1eab05451033f9c00;

    modifier onlyBoundRegistry() {
        if (_layout().registryIndex[msg.sender] == 0) revert IdentityRegistryStorageNotBound(msg.sender);
        _;
    }

    constructor() {
        _disableInitializers();
    }

    /// @notice Initialize the proxy.
    /// @param owner_ The account allowed to bind and unbind identity registries.
    function initialize(address owner_) external initializer {
        __Ownable_init(owner_);
    }

    // ---- Writes by bound registries ----

    /// @inheritdoc IIdentityRegistryStorage
    function addIdentityToStorage(address userAddress, IIdentity identity, uint16 country)
        external
        onlyBoundRegistry
    {
        if (userAddress == address(0) || address(identity) == address(0)) {
            revert IdentityRegistryStorageZeroAddress();
        }
        Investor storage investor = _layout().investors[userAddress];
        if (address(investor.identity) != address(0)) revert IdentityRegistryStorageAlreadyStored(userAddress);
        investor.identity = identity;
        investor.country = country;
        emit IdentityStored(userAddress, identity);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function removeIdentityFromStorage(address userAddress) external onlyBoundRegistry {
        Layout storage $ = _layout();
        IIdentity identity = $.investors[userAddress].identity;
        if (address(identity) == address(0)) revert IdentityRegistryStorageNotStored(userAddress);
        delete $.investors[userAddress];
        emit IdentityUnstored(userAddress, identity);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function modifyStoredInvestorCountry(address userAddress, uint16 country) external onlyBoundRegistry {
        Investor storage investor = _layout().investors[userAddress];
        if (address(investor.identity) == address(0)) revert IdentityRegistryStorageNotStored(userAddress);
        investor.country = country;
        emit CountryModified(userAddress, country);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function modifyStoredIdentity(address userAddress, IIdentity identity) external onlyBoundRegistry {
        if (address(identity) == address(0)) revert IdentityRegistryStorageZeroAddress();
        Investor storage investor = _layout().investors[userAddress];
        IIdentity oldIdentity = investor.identity;
        if (address(oldIdentity) == address(0)) revert IdentityRegistryStorageNotStored(userAddress);
        investor.identity = identity;
        emit IdentityModified(oldIdentity, identity);
    }

    // ---- Binding (owner) ----

    /// @inheritdoc IIdentityRegistryStorage
    function bindIdentityRegistry(address identityRegistry) external onlyOwner {
        if (identityRegistry == address(0)) revert IdentityRegistryStorageZeroAddress();
        Layout storage $ = _layout();
        if ($.registryIndex[identityRegistry] != 0) revert IdentityRegistryStorageAlreadyBound(identityRegistry);
        if ($.registries.length >= MAX_BOUND_REGISTRIES) revert IdentityRegistryStorageCapReached(MAX_BOUND_REGISTRIES);
        $.registries.push(identityRegistry);
        $.registryIndex[identityRegistry] = $.registries.length;
        emit IdentityRegistryBound(identityRegistry);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function unbindIdentityRegistry(address identityRegistry) external onlyOwner {
        Layout storage $ = _layout();
        uint256 indexPlusOne = $.registryIndex[identityRegistry];
        if (indexPlusOne == 0) revert IdentityRegistryStorageNotBound(identityRegistry);
        address[] storage registries = $.registries;
        uint256 lastIndex = registries.length - 1;
        if (indexPlusOne - 1 != lastIndex) {
            address moved = registries[lastIndex];
            registries[indexPlusOne - 1] = moved;
            $.registryIndex[moved] = indexPlusOne;
        }
        registries.pop();
        delete $.registryIndex[identityRegistry];
        emit IdentityRegistryUnbound(identityRegistry);
    }

    // ---- Views ----

    /// @inheritdoc IIdentityStorageReader
    function linkedIdentityRegistries() external view returns (address[] memory) {
        return _layout().registries;
    }

    /// @inheritdoc IIdentityStorageReader
    function storedIdentity(address userAddress) external view returns (IIdentity) {
        return _layout().investors[userAddress].identity;
    }

    /// @inheritdoc IIdentityStorageReader
    function storedInvestorCountry(address userAddress) external view returns (uint16) {
        return _layout().investors[userAddress].country;
    }

    /// @inheritdoc IIdentityStorageReader
    function storedInvestor(address userAddress) external view returns (IIdentity identity, uint16 country) {
        Investor memory investor = _layout().investors[userAddress];
        return (investor.identity, investor.country);
    }

    /// @inheritdoc IIdentityStorageReader
    function storedInvestors(address first, address second)
        external
        view
        returns (IIdentity firstIdentity, uint16 firstCountry, IIdentity secondIdentity, uint16 secondCountry)
    {
        Layout storage $ = _layout();
        Investor memory a = $.investors[first];
        Investor memory b = $.investors[second];
        return (a.identity, a.country, b.identity, b.country);
    }

    function _layout() private pure returns (Layout storage $) {
        assembly {
            $.slot := LAYOUT_SLOT
        }
    }
}
