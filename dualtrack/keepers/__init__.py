"""Keepers: the off-chain jobs that keep dualtrack running, each usable from the CLI and a daemon.

- :mod:`~dualtrack.keepers.reporter`: signs price reports from a source and submits them (the
  oracle's reporters; locally, a generated path replayed into a dev node).

Every keeper sends through :class:`dualtrack.chain.Chain`, so on a testnet it signs with its own key
(:meth:`Chain.use_key`) and its reverts come back as decoded custom errors. The trading track's keepers
(order settlement, liquidations, funding) join this package.
"""
