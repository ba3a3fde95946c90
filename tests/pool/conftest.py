"""Fixtures of the pool tests, one section per component."""

from __future__ import annotations

# ---- Margin desk (oracle, tokens, vault) shared by every pool component ----
from tests.margin.conftest import desk  # noqa: F401

# ---- StockCapital (stock-token capital, one tranche per stock) ----
from tests.pool.stock_capital_fixtures import nvda, stock_desk  # noqa: F401
