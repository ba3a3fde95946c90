// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Constants} from "../interfaces/types/Constants.sol";

/// @title DividendShares - a custodian's split of a dividend among its depositors
/// @notice Both roundings favour the custodian's books: a share rounds down, so the shares of positions
///         that sum to at most the total never sum to more than the gross; withholding rounds up, as the
///         DividendDistributor's does.
library DividendShares {
    /// @dev `floor(gross * position / total)`; zero when nothing was booked (`total == 0`).
    function share(uint256 gross, uint256 position, uint256 total) internal pure returns (uint256) {
        return total == 0 ? 0 : Math.mulDiv(gross, position, total);
    }

    /// @dev `ceil(gross * rateBps / 10_000)`: the part of `gross` withheld at `rateBps` (<= 10_000).
    function withheld(uint256 gross, uint256 rateBps) internal pure returns (uint256) {
        return Math.mulDiv(gross, rateBps, Constants.BPS, Math.Rounding.Ceil);
    }
}
