// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";

/// @title FeedRules - when a feed's price is usable, from the oracle's own packed state
/// @notice Pure rules of EquityPriceOracle's reads. A price is usable only if a report was accepted, the
///         feed does not hold, and the report's multiplier is the token's at that moment: the oracle keeps
///         the window of time on which the two agree (`matchWindow`, computed when either changes), so a
///         read needs no call to the token. Then each use has its staleness bound and its rules:
///         - open risk: market open, not in a maintenance window, token not paused, sequencer allows;
///         - value collateral: any known status;
///         - liquidate: open or closed (a halted venue has no price to liquidate at), sequencer allows
///           (a consumer may apply the sentinel's deeply-underwater exception to
///           `liquidatableIgnoringSequencer`);
///         - tokenized (pricing 24/7 trading while the venue is closed): a known status, the token not
///           paused, sequencer allows.
library FeedRules {
    /// @dev Per feed, what a read needs besides the accepted report: the staleness bounds, the jump band
    ///      (for submissions) and the token's state as the oracle last read it. One slot.
    struct Settings {
        uint24 maxAgeToOpenRisk;
        uint24 maxAgeToValue;
        uint24 maxAgeToLiquidate;
        uint24 maxAgeTokenized;
        uint16 jumpBandBps; // 0: the feed is not configured
        uint40 matchFrom; // the report's multiplier equals the token's on [matchFrom, matchUntil)
        uint40 matchUntil;
        uint40 maintenanceFrom; // a corporate action's maintenance window runs from then (0: none open)
        bool tokenPaused;
    }

    /// @dev What a read decides.
    struct Usability {
        bool inMaintenance;
        bool openRisk;
        bool value;
        bool liquidate;
        bool liquidatableIgnoringSequencer;
        bool tokenized;
    }

    /// @dev "From then on": the end of a window that never closes.
    uint40 internal constant FOREVER = type(uint40).max;

    /// @notice The window of time on which `reportMultiplier` equals the token's multiplier, which is
    ///         `tokenMultiplier` until `effectiveAt` and `nextMultiplier` from then on (`effectiveAt` 0:
    ///         no change pending). Empty (from FOREVER to 0) if they never agree.
    function matchWindow(uint256 reportMultiplier, uint256 tokenMultiplier, uint256 nextMultiplier, uint256 effectiveAt)
        internal
        pure
        returns (uint40 from, uint40 until)
    {
        bool before = reportMultiplier == tokenMultiplier;
        if (effectiveAt == 0 || nextMultiplier == tokenMultiplier) return before ? (uint40(0), FOREVER) : (FOREVER, 0);
        // effectiveAt < 2**40: the token only accepts activation times below it.
        if (before) return (0, uint40(effectiveAt));
        return reportMultiplier == nextMultiplier ? (uint40(effectiveAt), FOREVER) : (FOREVER, uint40(0));
    }

    /// @notice The usability of a feed's accepted report (observed at `observedAt` with `status`, holding
    ///         or not) at `timestamp`, given `sequencerAllows` (the sentinel's up-and-grace-passed answer).
    function usability(
        Settings memory settings,
        uint256 observedAt,
        IEquityPriceOracle.MarketStatus status,
        bool holding,
        uint256 timestamp,
        bool sequencerAllows
    ) internal pure returns (Usability memory u) {
        u.inMaintenance = settings.maintenanceFrom != 0 && timestamp >= settings.maintenanceFrom;
        bool sound = observedAt != 0 && !holding && timestamp >= settings.matchFrom && timestamp < settings.matchUntil;
        if (!sound) return u;
        // Reporter clocks may run up to maxFutureDrift ahead of the block: such a report has age zero.
        uint256 age = timestamp > observedAt ? timestamp - observedAt : 0;
        bool known = status != IEquityPriceOracle.MarketStatus.Unknown;
        u.openRisk = status == IEquityPriceOracle.MarketStatus.Open && age <= settings.maxAgeToOpenRisk
            && !u.inMaintenance && !settings.tokenPaused && sequencerAllows;
        u.value = known && age <= settings.maxAgeToValue;
        u.liquidatableIgnoringSequencer = (
            status == IEquityPriceOracle.MarketStatus.Open || status == IEquityPriceOracle.MarketStatus.Closed
        ) && age <= settings.maxAgeToLiquidate;
        u.liquidate = u.liquidatableIgnoringSequencer && sequencerAllows;
        u.tokenized = known && age <= settings.maxAgeTokenized && !settings.tokenPaused && sequencerAllows;
    }
}
