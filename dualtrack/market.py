"""Market status codes shared by the price-path generator, the reporter and the oracle SDK.

They are the codes of Chainlink Data Streams v10 reports (0 unknown, 1 closed, 2 open, later 3
halted) and of the on-chain ``IEquityPriceOracle.MarketStatus`` enum.
"""

from __future__ import annotations

from enum import IntEnum


class MarketStatus(IntEnum):
    """The listing venue's status at a report's observation time."""

    UNKNOWN = 0
    CLOSED = 1
    OPEN = 2
    HALTED = 3
