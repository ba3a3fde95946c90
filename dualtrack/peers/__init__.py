"""Reference implementations deployed from their published npm artifacts, as peers.

T-REX (``@tokenysolutions/t-rex``) and ONCHAINID (``@onchain-id/solidity``) are
GPL-3.0: their sources are never copied into dualtrack. Their compiled Hardhat
artifacts are deployed here, in tests and benchmarks only, to check
interoperability and to compare gas against dualtrack's own contracts.
"""
