// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title CountrySet - a set of ISO-3166 numeric country codes 0..999 in four storage words
/// @dev Bit `c & 255` of word `c >> 8` is country `c`. Four words keep clearing bounded.
library CountrySet {
    /// @dev The largest ISO-3166 numeric code.
    uint16 internal constant MAX_COUNTRY = 999;

    /// @dev Whether `country` is in the set (codes above 999 never are).
    function contains(uint256[4] storage words, uint16 country) internal view returns (bool) {
        if (country > MAX_COUNTRY) return false;
        return words[country >> 8] & (1 << (country & 0xff)) != 0;
    }

    /// @dev Add (`value` true) or remove `country` (<= 999, checked by the caller); whether it changed.
    function set(uint256[4] storage words, uint16 country, bool value) internal returns (bool changed) {
        uint256 index = country >> 8;
        uint256 bit = 1 << (country & 0xff);
        uint256 word = words[index];
        uint256 updated = value ? word | bit : word & ~bit;
        changed = updated != word;
        if (changed) words[index] = updated;
    }

    /// @dev Empty the set.
    function clear(uint256[4] storage words) internal {
        for (uint256 i; i < 4; ++i) {
            if (words[i] != 0) words[i] = 0;
        }
    }
}
