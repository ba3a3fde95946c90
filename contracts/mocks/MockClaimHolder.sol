// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title MockClaimHolder - an identity whose `getClaim` answers whatever the test sets (tests only)
/// @notice Stands for a malicious or broken identity: it can return a claim whose issuer field was
///         forged (ERC-3643 issue #101: the registry must not trust it), raw bytes of any shape
///         (out-of-bounds offsets, short data), or revert. It can also tell callers apart: one
///         audience (e.g. the claim's issuer, when asked to revoke it) gets a decoy signature and data
///         (e.g. another holder's claim) while everyone else (the registries) gets the real claim.
contract MockClaimHolder {
    /// @notice A stored claim, returned for every claim id.
    struct Claim {
        uint256 topic;
        uint256 scheme;
        address issuer;
        bytes signature;
        bytes data;
        string uri;
    }

    /// @notice `getClaim` was called while `reverting` is set.
    error MockClaimHolderReverted();

    Claim private _claim;
    bytes private _raw;
    bool private _useRaw;
    bool private _reverting;
    address private _decoyAudience;
    bytes private _decoySignature;
    bytes private _decoyData;

    /// @notice Return this claim from `getClaim`, whatever the claim id.
    function setClaim(
        uint256 topic,
        uint256 scheme,
        address issuer,
        bytes calldata signature,
        bytes calldata data,
        string calldata uri
    ) external {
        _claim = Claim(topic, scheme, issuer, signature, data, uri);
        _useRaw = false;
    }

    /// @notice Return exactly `raw` as `getClaim`'s return data.
    function setRawResponse(bytes calldata raw) external {
        _raw = raw;
        _useRaw = true;
    }

    /// @notice Answer `audience` (and only it) with this signature and data instead of the stored
    ///         claim's; the zero address turns the decoy off.
    function setDecoy(address audience, bytes calldata signature, bytes calldata data) external {
        _decoyAudience = audience;
        _decoySignature = signature;
        _decoyData = data;
    }

    /// @notice Make `getClaim` revert (or stop reverting).
    function setReverting(bool reverting) external {
        _reverting = reverting;
    }

    /// @notice The stored claim (with the decoy's signature and data for the decoy's audience), the raw
    ///         bytes, or a revert, whatever `claimId` is.
    function getClaim(bytes32)
        external
        view
        returns (uint256, uint256, address, bytes memory, bytes memory, string memory)
    {
        if (_reverting) revert MockClaimHolderReverted();
        if (_useRaw) {
            bytes memory raw = _raw;
            assembly {
                return(add(raw, 0x20), mload(raw))
            }
        }
        Claim memory c = _claim;
        if (msg.sender == _decoyAudience && msg.sender != address(0)) {
            return (c.topic, c.scheme, c.issuer, _decoySignature, _decoyData, c.uri);
        }
        return (c.topic, c.scheme, c.issuer, c.signature, c.data, c.uri);
    }
}
