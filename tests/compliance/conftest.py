"""Fixtures for the compliance tests: a ModularCompliance behind SuiteProxy bound to a mock token
that reports movements, and one shared instance of every module."""

from __future__ import annotations

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.proxy import deploy_authority
from tests.compliance.compliance_support import MODULE_NAMES, Suite, new_suite


@pytest.fixture(scope="session")
def authority(evm: Chain, issuer: str) -> Contract:
    return deploy_authority(evm, issuer)


@pytest.fixture(scope="session")
def suite(evm: Chain, authority: Contract, issuer: str) -> Suite:
    """A compliance owned by `issuer`, bound to a mock token, without modules."""
    return new_suite(evm, authority, issuer)


@pytest.fixture(scope="session")
def modules(evm: Chain, issuer: str) -> dict[str, Contract]:
    """One shared instance of every module."""
    return {name: evm.deploy(name, sender=issuer) for name in MODULE_NAMES}
