// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {IPerpMarket} from "../interfaces/perp/IPerpMarket.sol";
import {PerpMath} from "./PerpMath.sol";

/// @title MarketParams - a perp market's configuration as PerpMath's parameters, for the session the oracle reports
/// @notice One reading of IPerpMarket.MarketConfig for the market (PerpMarket) and the periphery (PerpLens): the
///         closed session's IMR floor applies while the venue is not open or the token is in maintenance.
library MarketParams {
    /// @notice Whether `read` puts the market in its closed session (venue closed or halted, token in maintenance).
    function closedSession(IEquityPriceOracle.ConsumerPrice memory read) internal pure returns (bool) {
        return read.marketStatus != IEquityPriceOracle.MarketStatus.Open || read.inMaintenance;
    }

    /// @notice The IMR floor of the session: the closed one (when set) while `closed`, else the open one.
    function floorRatio(IPerpMarket.MarketConfig memory config, bool closed) internal pure returns (uint256) {
        uint256 ratio = config.closedMinInitialMarginRatio;
        return closed && ratio != 0 ? ratio : config.minInitialMarginRatio;
    }

    /// @notice `config`'s pricing and margin parameters in the session (`closed` or not).
    function params(IPerpMarket.MarketConfig memory config, bool closed)
        internal
        pure
        returns (PerpMath.Params memory)
    {
        return PerpMath.Params({
            skewScale: config.skewScale,
            makerFeeBps: config.makerFeeBps,
            takerFeeBps: config.takerFeeBps,
            initialMarginRatio: config.initialMarginRatio,
            minInitialMarginRatio: floorRatio(config, closed),
            maintenanceScalar: config.maintenanceScalar,
            minPositionMargin: config.minPositionMargin
        });
    }
}
