"""dualtrack: tokenized US stocks as live margin.

Python toolchain for the dualtrack protocol: SDK, CLI, keepers and fuzz harness.
"""

__version__ = "0.1.0"
