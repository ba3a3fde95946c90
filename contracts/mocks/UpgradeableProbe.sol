// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";

/// @title UpgradeableProbe - a minimal ERC-7201 implementation for SuiteProxy / SuiteAuthority tests
/// @dev Two versions of the same storage layout let tests prove that an authority upgrade reaches
///      every proxy at once and keeps state.
contract UpgradeableProbe is Initializable {
    /// @custom:storage-location erc7201:dualtrack.storage.UpgradeableProbe
    struct ProbeStorage {
        uint256 value;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.UpgradeableProbe")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PROBE_STORAGE = 0xf00079530aa518b9515b1c746e10bd93653758a4965afa01701335c7f2ed6000;

    /// @notice Emitted when the value changes.
    event ValueSet(uint256 value);

    constructor() {
        _disableInitializers();
    }

    /// @notice Initialize the proxy's value.
    function initialize(uint256 value_) external initializer {
        _store().value = value_;
        emit ValueSet(value_);
    }

    /// @notice Set the value.
    function setValue(uint256 value_) external {
        _store().value = value_;
        emit ValueSet(value_);
    }

    /// @notice The stored value.
    function value() external view returns (uint256) {
        return _store().value;
    }

    /// @notice The implementation generation (1 here; UpgradeableProbeV2 returns 2).
    function generation() external pure virtual returns (uint256) {
        return 1;
    }

    function _store() private pure returns (ProbeStorage storage s) {
        assembly {
            s.slot := PROBE_STORAGE
        }
    }
}

/// @title UpgradeableProbeV2 - the "upgraded" probe
contract UpgradeableProbeV2 is UpgradeableProbe {
    /// @notice 2: this is the upgraded implementation.
    function generation() external pure override returns (uint256) {
        return 2;
    }
}
