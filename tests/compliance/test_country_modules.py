"""CountryRestrictModule and CountryAllowModule: receiver-country checks on Transfer and Mint only.

Both keep their lists in a CountrySet (a 1,000-bit set in four words), cleared on unbind.
"""

from __future__ import annotations

from web3.contract import Contract

from dualtrack.chain import Chain
from tests.compliance.compliance_support import A1, B1, C1, DE, FR, US, Kind, Party, Suite, addr, new_suite


def test_restrict__batch__emits_once_per_new_country(evm: Chain, suite: Suite, modules: dict[str, Contract]) -> None:
    restrict = modules["CountryRestrictModule"]
    suite.add(restrict)
    c = suite.compliance.address
    receipt = suite.configure(restrict, "batchRestrictCountries", [US, DE, US])
    assert evm.events(receipt, restrict, "CountryRestricted") == [
        {"compliance": c, "country": US},
        {"compliance": c, "country": DE},
    ]
    assert restrict.functions.isCountryRestricted(c, US).call()
    assert not restrict.functions.isCountryRestricted(c, FR).call()
    receipt = suite.configure(restrict, "batchUnrestrictCountries", [DE, FR])
    assert evm.events(receipt, restrict, "CountryUnrestricted") == [{"compliance": c, "country": DE}]
    assert not restrict.functions.isCountryRestricted(c, DE).call()


def test_restrict__transfer_or_mint_to_blocked_country__reverts_with_country(
    evm: Chain, suite: Suite, modules: dict[str, Contract]
) -> None:
    restrict = modules["CountryRestrictModule"]
    suite.add(restrict)
    suite.configure(restrict, "batchRestrictCountries", [US])
    for kind, src in ((Kind.MINT, None), (Kind.TRANSFER, A1)):
        with evm.reverts("CountryRestrictModuleCountryBlocked", US):
            suite.move(kind, src, C1, 1)
        assert not suite.can_move(kind, src, C1, 1)
    suite.transfer(C1, A1, 1)  # only the receiver's country counts
    suite.mint(B1, 1)


def test_restrict__forced_recovery_burn_to_blocked_country__accepted(
    suite: Suite, modules: dict[str, Contract]
) -> None:
    restrict = modules["CountryRestrictModule"]
    suite.add(restrict)
    suite.configure(restrict, "batchRestrictCountries", [US])
    c2 = Party(addr(0xC2), C1.identity, US)
    rekeyed = Party(C1.wallet, addr(0xC9), US)
    for kind, dst in ((Kind.FORCED, C1), (Kind.RECOVERY, c2), (Kind.BURN, None), (Kind.REKEY, rekeyed)):
        suite.move(kind, C1, dst, 1)
        assert suite.can_move(kind, C1, dst, 1)


def test_restrict__country_above_999__reverts_invalid_and_never_blocked(
    evm: Chain, suite: Suite, modules: dict[str, Contract]
) -> None:
    restrict = modules["CountryRestrictModule"]
    suite.add(restrict)
    with evm.reverts("CountryRestrictModuleInvalidCountry", 65535):
        suite.configure(restrict, "batchRestrictCountries", [65535])
    suite.configure(restrict, "batchRestrictCountries", [999, 0])
    suite.mint(Party(addr(0x99), addr(0x98), 1000), 1)
    with evm.reverts("CountryRestrictModuleCountryBlocked", 0):
        suite.mint(Party(addr(0x97), addr(0x96), 0), 1)


def test_restrict__module_removed_and_added_again__list_cleared(
    evm: Chain, suite: Suite, issuer: str, modules: dict[str, Contract]
) -> None:
    restrict = modules["CountryRestrictModule"]
    suite.add(restrict)
    suite.configure(restrict, "batchRestrictCountries", [US, 1, 256, 999])
    evm.send(suite.compliance.functions.removeModule(restrict.address), issuer)
    c = suite.compliance.address
    assert not any(restrict.functions.isCountryRestricted(c, x).call() for x in (US, 1, 256, 999))
    suite.add(restrict)
    suite.mint(C1, 1)


def test_restrict__two_compliances__lists_kept_apart(
    evm: Chain, suite: Suite, authority: Contract, issuer: str, modules: dict[str, Contract]
) -> None:

    other = new_suite(evm, authority, issuer)
    restrict = modules["CountryRestrictModule"]
    suite.add(restrict)
    other.add(restrict)
    suite.configure(restrict, "batchRestrictCountries", [US])
    other.mint(C1, 1)
    with evm.reverts("CountryRestrictModuleCountryBlocked", US):
        suite.mint(C1, 1)


def test_allow__empty_list__rejects_transfer_and_mint(evm: Chain, suite: Suite, modules: dict[str, Contract]) -> None:
    allow = modules["CountryAllowModule"]
    suite.add(allow)
    for kind, src in ((Kind.MINT, None), (Kind.TRANSFER, C1)):
        with evm.reverts("CountryAllowModuleCountryNotAllowed", FR):
            suite.move(kind, src, A1, 1)
        assert not suite.can_move(kind, src, A1, 1)


def test_allow__allowed_country__accepted_until_disallowed(
    evm: Chain, suite: Suite, modules: dict[str, Contract]
) -> None:
    allow = modules["CountryAllowModule"]
    suite.add(allow)
    c = suite.compliance.address
    receipt = suite.configure(allow, "batchAllowCountries", [FR, DE, FR])
    assert evm.events(receipt, allow, "CountryAllowed") == [
        {"compliance": c, "country": FR},
        {"compliance": c, "country": DE},
    ]
    assert allow.functions.isCountryAllowed(c, FR).call()
    suite.mint(A1, 5)
    suite.transfer(C1, B1, 5)  # the sender's country is not checked
    receipt = suite.configure(allow, "batchDisallowCountries", [FR, US])
    assert evm.events(receipt, allow, "CountryDisallowed") == [{"compliance": c, "country": FR}]
    with evm.reverts("CountryAllowModuleCountryNotAllowed", FR):
        suite.transfer(B1, A1, 1)
    with evm.reverts("CountryAllowModuleInvalidCountry", 1000):
        suite.configure(allow, "batchAllowCountries", [1000])


def test_allow__forced_recovery_burn__never_rejected(suite: Suite, modules: dict[str, Contract]) -> None:
    allow = modules["CountryAllowModule"]
    suite.add(allow)
    c2 = Party(addr(0xC2), C1.identity, US)
    rekeyed = Party(C1.wallet, addr(0xC9), US)
    for kind, dst in ((Kind.FORCED, A1), (Kind.RECOVERY, c2), (Kind.BURN, None), (Kind.REKEY, rekeyed)):
        suite.move(kind, C1, dst, 3)
        assert suite.can_move(kind, C1, dst, 3)
