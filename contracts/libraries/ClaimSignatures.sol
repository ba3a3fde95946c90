// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Constants} from "../interfaces/types/Constants.sol";

/// @title ClaimSignatures - ONCHAINID claim digests, canonical ECDSA parsing and malleability-proof hashing
/// @notice An ECDSA signature `(r, s, v)` has other encodings that recover the same signer: `(r, n - s, v ^ 1)`
///         (high-s), `v` written as 0/1 instead of 27/28, and the 64-byte EIP-2098 form `r || (v-27) << 255 | s`.
///         Validation here accepts exactly one of them (65 bytes, `s <= n/2`, `v` in {27, 28}); revocation keys
///         on `keccak256(abi.encodePacked(r, s_low))`, which every encoding maps to, so no re-encoding of a
///         revoked signature escapes its revocation.
library ClaimSignatures {
    /// @dev Order of the secp256k1 group.
    /// @dev Mask clearing the `v` bit of an EIP-2098 `vs` word.
    uint256 private constant VS_S_MASK = (1 << 255) - 1;

    /// @notice The hash a claim issuer signs: the Ethereum signed-message hash of
    ///         `keccak256(abi.encode(identity, topic, data))` (ONCHAINID's claim digest).
    function claimDigest(address identity, uint256 topic, bytes calldata data) internal pure returns (bytes32) {
        return MessageHashUtils.toEthSignedMessageHash(keccak256(abi.encode(identity, topic, data)));
    }

    /// @notice Recover the signer of `digest` from a canonical signature.
    /// @return signer The signer, or the zero address when `sig` is not canonical (length != 65, `s > n/2`,
    ///         `v` not in {27, 28}) or does not recover. Never reverts.
    /// @return canonicalHash `keccak256(abi.encodePacked(r, s))` of the signature (zero when `signer` is zero).
    function recoverCanonical(bytes32 digest, bytes calldata sig)
        internal
        pure
        returns (address signer, bytes32 canonicalHash)
    {
        if (sig.length != 65) return (address(0), bytes32(0));
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (uint256(s) > Constants.SECP256K1_HALF_N || (v != 27 && v != 28)) return (address(0), bytes32(0));
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, v, r, s);
        if (error != ECDSA.RecoverError.NoError) return (address(0), bytes32(0));
        return (recovered, hashRS(r, uint256(s)));
    }

    /// @notice The canonical hash of any encoding of a signature: 65-byte `r || s || v` (any `v`, either `s`)
    ///         or 64-byte EIP-2098 `r || vs`; `s` is normalised to the low half.
    /// @return ok False when `sig` has another length or `r`/`s` are outside `[1, n - 1]` (never a valid signature).
    /// @return canonicalHash `keccak256(abi.encodePacked(r, s_low))`.
    function canonicalHash(bytes memory sig) internal pure returns (bool ok, bytes32 canonicalHash) {
        uint256 length = sig.length;
        if (length != 64 && length != 65) return (false, bytes32(0));
        uint256 r;
        uint256 s;
        assembly ("memory-safe") {
            r := mload(add(sig, 0x20))
            s := mload(add(sig, 0x40))
        }
        if (length == 64) s &= VS_S_MASK;
        if (r == 0 || r >= Constants.SECP256K1_N || s == 0 || s >= Constants.SECP256K1_N) return (false, bytes32(0));
        // Cannot underflow: s < SECP256K1_N was checked just above.
        unchecked {
            if (s > Constants.SECP256K1_HALF_N) s = Constants.SECP256K1_N - s;
        }
        return (true, hashRS(bytes32(r), s));
    }

    /// @notice `keccak256(abi.encodePacked(r, s))`, the key a revocation set uses.
    function hashRS(bytes32 r, uint256 s) internal pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            mstore(0x00, r)
            mstore(0x20, s)
            digest := keccak256(0x00, 0x40)
        }
    }
}
