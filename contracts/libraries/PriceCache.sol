// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {IEquityPriceOracle} from "../interfaces/oracle/IEquityPriceOracle.sol";
import {UsdPerToken} from "../interfaces/types/Units.sol";

/// @title PriceCache - one price per feed per transaction
/// @notice The first read of a feed in a transaction is kept in transient storage and every later read in
///         the same transaction returns it, so no call (nor a sequence of calls in one transaction) can value
///         an account with one price and act on another (the pull-oracle price picking users complain of).
///         The read is the oracle's cheapest consumer read, `consumerPriceIgnoringSequencer`; the caller
///         applies the sequencer sentinel's rule once per transaction.
library PriceCache {
    using TransientSlot for bytes32;
    using TransientSlot for TransientSlot.Uint256Slot;

    /// @notice A cached read: the price per whole token and what it may be used for (sequencer ignored).
    ///         `usableToOpenRisk`: an exchange price fit to open risk, or, while the venue is closed (not halted,
    ///         not in maintenance), a last close fit to value collateral while the 24/7 reporting is live: closed
    ///         collateral backs new risk (a weekend BTC short on TSLA) at the closed haircut (`closed`).
    struct Price {
        UsdPerToken pricePerToken;
        bool usableToValue;
        bool usableToOpenRisk;
        bool usableToLiquidate;
        bool liquidatable;
        bool closed;
        bool tokenPaused;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.transient.PriceCache")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant NAMESPACE = 0xcadf3d445f018505e54053ed383817ee3a0e8030bfa112a16816f06367a15100;

    uint256 private constant PRESENT = 1 << 128;
    uint256 private constant VALUE = 1 << 129;
    uint256 private constant OPEN_RISK = 1 << 130;
    uint256 private constant LIQUIDATE = 1 << 131;
    uint256 private constant LIQUIDATABLE = 1 << 132;
    uint256 private constant CLOSED = 1 << 133;
    uint256 private constant PAUSED = 1 << 134;

    /// @notice `feedId`'s price for this transaction, read from `oracle` the first time.
    function read(IEquityPriceOracle oracle, bytes32 feedId) internal returns (Price memory price) {
        TransientSlot.Uint256Slot slot = keccak256(abi.encode(NAMESPACE, oracle, feedId)).asUint256();
        uint256 word = slot.tload();
        if (word & PRESENT == 0) {
            IEquityPriceOracle.ConsumerPrice memory read_ = oracle.consumerPriceIgnoringSequencer(feedId);
            word = _pack(read_);
            slot.tstore(word);
        }
        return _unpack(word);
    }

    /// @notice The same without caching, for views (a view cannot write transient storage).
    function peek(IEquityPriceOracle oracle, bytes32 feedId) internal view returns (Price memory) {
        TransientSlot.Uint256Slot slot = keccak256(abi.encode(NAMESPACE, oracle, feedId)).asUint256();
        uint256 word = slot.tload();
        if (word & PRESENT == 0) word = _pack(oracle.consumerPriceIgnoringSequencer(feedId));
        return _unpack(word);
    }

    function _pack(IEquityPriceOracle.ConsumerPrice memory p) private pure returns (uint256 word) {
        uint256 raw = UsdPerToken.unwrap(p.pricePerToken);
        // A price above 2^128 (3.4e20 dollars a token) is not a price: treat it as unusable.
        bool sane = raw < PRESENT;
        word = (sane ? raw : 0) | PRESENT;
        if (sane && p.usableToValue) word |= VALUE;
        bool weekend = p.marketStatus == IEquityPriceOracle.MarketStatus.Closed && !p.inMaintenance
            && p.usableToValue && p.usableTokenized;
        if (sane && (p.usableToOpenRisk || weekend)) word |= OPEN_RISK;
        if (sane && p.usableToLiquidate) word |= LIQUIDATE;
        if (sane && p.liquidatableIgnoringSequencer) word |= LIQUIDATABLE;
        if (p.marketStatus != IEquityPriceOracle.MarketStatus.Open || p.inMaintenance) word |= CLOSED;
        if (p.tokenPaused) word |= PAUSED;
    }

    function _unpack(uint256 word) private pure returns (Price memory price) {
        price.pricePerToken = UsdPerToken.wrap(uint128(word));
        price.usableToValue = word & VALUE != 0;
        price.usableToOpenRisk = word & OPEN_RISK != 0;
        price.usableToLiquidate = word & LIQUIDATE != 0;
        price.liquidatable = word & LIQUIDATABLE != 0;
        price.closed = word & CLOSED != 0;
        price.tokenPaused = word & PAUSED != 0;
    }
}
