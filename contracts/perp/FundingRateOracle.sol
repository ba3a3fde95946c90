// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFundingRateOracle} from "../interfaces/perp/IFundingRateOracle.sol";
import {FundingMath} from "../libraries/FundingMath.sol";

/// @title FundingRateOracle - the funding rate and cumulative funding index of every dualtrack perp market
/// @notice Hyperliquid's hourly funding on the skew each market reports, averaged exactly over the hour, and a
///         cumulative index that makes a position's funding O(1). Rules: IFundingRateOracle; arithmetic:
///         FundingMath. A contract of its own so that integrators read one address for every market's rate.
/// @dev A UUPS proxy (`ProtocolProxy`; upgrades: UPGRADER), `AccessManaged` by the protocol's manager. One
///      ERC-7201 namespace (`FundingRateOracleStorage`); a market is five slots, an update writes three.
contract FundingRateOracle is IFundingRateOracle, AccessManagedUpgradeable, UUPSUpgradeable {
    // ---- Constants ----

    /// @notice The largest |skew| a market may report, in skew scales (a premium of at most 1,000%).
    uint256 public constant MAX_SKEW_SCALES = 10;
    /// @notice The largest price accepted (USD, 18 decimals, per 1e18 base units): a trillion dollars.
    uint256 public constant MAX_PRICE = 1e30;
    /// @notice The largest |interest| per 8 hours (1%).
    int256 public constant MAX_INTEREST_PER_8H = 1e16;

    // ---- Storage ----

    /// @dev One market. Slots 0-1: configuration; 2-4: state (`lastSettledHour` as an hour number).
    struct Market {
        uint128 skewScale;
        uint128 impactSize;
        int64 interestPer8h;
        address market;
        int128 skew;
        uint32 lastUpdate;
        uint32 lastSettledHour;
        int64 lastRate;
        int128 premiumSum;
        int128 index;
        uint128 lastPrice;
    }

    /// @custom:storage-location erc7201:dualtrack.storage.FundingRateOracle
    struct FundingRateOracleStorage {
        mapping(bytes32 marketId => Market) markets;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.FundingRateOracle")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FUNDING_RATE_ORACLE_STORAGE =
        0xf35104e243f0a8d686e245e6fea0b45f9b52559411f01cc6f7abc398f6c7fd00;

    function _getFundingRateOracleStorage() private pure returns (FundingRateOracleStorage storage $) {
        assembly {
            $.slot := FUNDING_RATE_ORACLE_STORAGE
        }
    }

    // ---- Construction ----

    constructor() {
        _disableInitializers();
    }

    /// @notice Set up the oracle behind its proxy.
    /// @param authority The protocol's AccessManager.
    function initialize(address authority) external initializer {
        if (authority.code.length == 0) revert FundingOracleZeroAddress();
        __AccessManaged_init(authority);
    }

    // ---- The markets ----

    /// @inheritdoc IFundingRateOracle
    function update(bytes32 marketId, int256 skew, uint256 price) external returns (int256 index) {
        // Not `_configured`: this path runs on every fill, and the inline read costs about 160 gas less (measured).
        Market storage m = _getFundingRateOracleStorage().markets[marketId];
        FundingConfig memory config = _config(m);
        if (config.market == address(0)) revert FundingOracleUnknownMarket(marketId);
        if (msg.sender != config.market) revert FundingOracleNotMarket(marketId, msg.sender);
        _requirePrice(marketId, price);
        uint256 bound = uint256(config.skewScale) * MAX_SKEW_SCALES;
        if ((skew < 0 ? uint256(-skew) : uint256(skew)) > bound) {
            revert FundingOracleSkewOutOfRange(marketId, skew, bound);
        }
        FundingState memory state = _accrueAndStore(marketId, m, config, price);
        m.skew = int128(skew); // |skew| <= bound <= int128's max (configureMarket)
        index = state.index;
        emit SkewUpdated(marketId, skew, price, index);
    }

    // ---- Settings (restricted) ----

    /// @inheritdoc IFundingRateOracle
    function configureMarket(bytes32 marketId, FundingConfig calldata config) external restricted {
        if (
            config.skewScale == 0 || config.impactSize == 0 || config.impactSize > config.skewScale
                || config.interestPer8h > MAX_INTEREST_PER_8H || config.interestPer8h < -MAX_INTEREST_PER_8H
                || config.market == address(0)
                || uint256(config.skewScale) * MAX_SKEW_SCALES > uint256(uint128(type(int128).max))
        ) revert FundingOracleConfigInvalid(marketId);
        Market storage m = _getFundingRateOracleStorage().markets[marketId];
        // The time since the last update accrues under the parameters in force then, at the last price.
        if (m.lastUpdate != 0) _accrueAndStore(marketId, m, _config(m), m.lastPrice);
        (m.skewScale, m.impactSize, m.interestPer8h, m.market) =
            (config.skewScale, config.impactSize, config.interestPer8h, config.market);
        emit MarketConfigured(marketId, config);
    }

    // ---- Views ----

    /// @inheritdoc IFundingRateOracle
    function configOf(bytes32 marketId) external view returns (FundingConfig memory) {
        return _config(_getFundingRateOracleStorage().markets[marketId]);
    }

    /// @inheritdoc IFundingRateOracle
    function stateOf(bytes32 marketId) external view returns (FundingState memory) {
        return _state(_getFundingRateOracleStorage().markets[marketId]);
    }

    /// @inheritdoc IFundingRateOracle
    function previewState(bytes32 marketId, uint256 price) external view returns (FundingState memory state) {
        (Market storage m, FundingConfig memory config) = _configured(marketId);
        _requirePrice(marketId, price);
        (state,) = _accrue(config, _state(m), block.timestamp, price);
    }

    /// @inheritdoc IFundingRateOracle
    function premiumAt(bytes32 marketId, int256 skew) external view returns (int256) {
        (, FundingConfig memory config) = _configured(marketId);
        return FundingMath.premium(skew, config.impactSize, config.skewScale);
    }

    /// @inheritdoc IFundingRateOracle
    function predictedRate(bytes32 marketId) external view returns (int256) {
        (Market storage m, FundingConfig memory config) = _configured(marketId);
        FundingState memory state = _state(m);
        // The rate the current hour settles at if the skew holds: accrue to its end. A market never updated has
        // no skew (its clock would start now); the price does not enter the rate.
        if (state.lastUpdate == 0) state.lastUpdate = block.timestamp;
        uint256 hourEnd = (block.timestamp / FundingMath.HOUR + 1) * FundingMath.HOUR;
        (state,) = _accrue(config, state, hourEnd, 1);
        return state.lastRate;
    }

    // ---- Internal ----

    /// @dev Accrue `m` to now at `price` under `config`, store the state and report the settled hours.
    function _accrueAndStore(bytes32 marketId, Market storage m, FundingConfig memory config, uint256 price)
        private
        returns (FundingState memory state)
    {
        uint256 settled;
        (state, settled) = _accrue(config, _state(m), block.timestamp, price);
        m.lastUpdate = uint32(state.lastUpdate); // block timestamps fit 32 bits until 2106
        m.premiumSum = int128(state.premiumSum); // |premium| <= 10 WAD, x < 3600 s
        m.lastPrice = uint128(price); // <= MAX_PRICE
        if (settled != 0) {
            m.index = SafeCast.toInt128(state.index);
            m.lastRate = int64(state.lastRate); // |rate| <= 4e16
            m.lastSettledHour = uint32(state.lastSettledHour / FundingMath.HOUR);
            emit FundingSettled(marketId, state.lastSettledHour, settled, state.lastRate, state.index);
        }
    }

    /// @dev `state` accrued to `timestamp` under `config`, each ended hour paid at `price`; the number of hours
    ///      settled. The hour the last update fell in averages its premium-seconds over the whole hour; the
    ///      hours after it, in which the skew did not change, average exactly the premium at that skew.
    function _accrue(FundingConfig memory config, FundingState memory state, uint256 timestamp, uint256 price)
        private
        pure
        returns (FundingState memory, uint256 settled)
    {
        uint256 last = state.lastUpdate;
        if (last == 0) {
            state.lastUpdate = timestamp; // the first update starts the clock
            return (state, 0);
        }
        if (timestamp <= last) return (state, 0);
        int256 premium = FundingMath.premium(state.skew, config.impactSize, config.skewScale);
        uint256 hourEnd = (last / FundingMath.HOUR + 1) * FundingMath.HOUR;
        if (timestamp < hourEnd) {
            state.premiumSum += premium * int256(timestamp - last);
            state.lastUpdate = timestamp;
            return (state, 0);
        }
        int256 sum = state.premiumSum + premium * int256(hourEnd - last);
        int256 rate = FundingMath.hourlyRate(sum / int256(FundingMath.HOUR), config.interestPer8h);
        int256 index = state.index + FundingMath.indexStep(rate, price);
        uint256 idle = (timestamp - hourEnd) / FundingMath.HOUR;
        if (idle != 0) {
            rate = FundingMath.hourlyRate(premium, config.interestPer8h);
            index += int256(idle) * FundingMath.indexStep(rate, price);
        }
        uint256 resumed = hourEnd + idle * FundingMath.HOUR; // the start of the hour `timestamp` is in
        state.premiumSum = premium * int256(timestamp - resumed);
        state.index = index;
        state.lastRate = rate;
        state.lastSettledHour = resumed - FundingMath.HOUR;
        state.lastUpdate = timestamp;
        return (state, idle + 1);
    }

    /// @dev `marketId`'s storage and configuration; reverts when it has none.
    function _configured(bytes32 marketId) private view returns (Market storage m, FundingConfig memory config) {
        m = _getFundingRateOracleStorage().markets[marketId];
        config = _config(m);
        if (config.market == address(0)) revert FundingOracleUnknownMarket(marketId);
    }

    function _requirePrice(bytes32 marketId, uint256 price) private pure {
        if (price == 0 || price > MAX_PRICE) revert FundingOraclePriceOutOfRange(marketId, price);
    }

    function _config(Market storage m) private view returns (FundingConfig memory) {
        return FundingConfig(m.skewScale, m.impactSize, m.interestPer8h, m.market);
    }

    function _state(Market storage m) private view returns (FundingState memory) {
        return FundingState(
            m.skew,
            m.lastUpdate,
            m.premiumSum,
            m.index,
            m.lastRate,
            uint256(m.lastSettledHour) * FundingMath.HOUR,
            m.lastPrice
        );
    }

    /// @dev Upgrades are restricted to UPGRADER (wired at deployment).
    function _authorizeUpgrade(address) internal override restricted {}
}
