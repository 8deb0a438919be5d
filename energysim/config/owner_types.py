"""Who can own an installation: the owner types of a scenario's ``[[ownership]]`` and of
a register (no pandas, so that reading a scenario does not import it), and how each pays
VAT by default.

:mod:`energysim.ownership.rules` says which of them count as local (``OWNER_CLASSES``) and
re-exports these names.
"""

from __future__ import annotations

from typing import Literal, get_args

OwnerType = Literal[
    "resident_cooperative",
    "tenants_collective",
    "local_crowdfunding",
    "resident",
    "local_business",
    "municipality",
    "water_board",
    "housing_corporation",
    "non_local_investor",
    "other",
]
OWNER_TYPES: tuple[str, ...] = get_args(OwnerType)

VatRegime = Literal["exempt", "taxable"]
"""How an owner pays VAT on the installation (``[[ownership]] vat``).

- ``exempt``: the owner cannot deduct VAT: its costs (investment, running costs,
  replacements) count incl. VAT, the fees it receives as received (no output VAT). A
  housing corporation that lets the panels with the dwelling: letting dwellings is
  VAT-exempt (Wet op de omzetbelasting 1968 art. 11 lid 1 onderdeel b), so the panel fee
  is part of the exempt letting and the VAT on the panels is not deductible (BDO,
  "Extra aftrek van btw mogelijk bij exploitatie van zonnepanelen?", 5 April 2019,
  bdo.nl).
- ``taxable``: the owner is an entrepreneur for VAT: its costs count excl. VAT (it
  deducts the input VAT), the fees and electricity sales it receives net of the output
  VAT it remits. A cooperative that sells electricity; a corporation whose panel fee is
  a separate service (BDO, idem).
"""
VAT_REGIMES: tuple[str, ...] = get_args(VatRegime)

DEFAULT_VAT_REGIME: dict[str, VatRegime] = {
    "resident_cooperative": "taxable",
    "tenants_collective": "exempt",
    "local_crowdfunding": "taxable",
    "resident": "exempt",
    "local_business": "taxable",
    "municipality": "taxable",
    "water_board": "taxable",
    "housing_corporation": "exempt",
    "non_local_investor": "taxable",
    "other": "taxable",
}
"""The VAT regime an owner type gets when ``[[ownership]] vat`` is not given (a reading
of the law, listed in every run's ``assumptions``): ``exempt`` for a housing corporation
(exempt letting, BDO 5 April 2019), a tenants' collective and a resident (households
under the small-business scheme, KOR, automatic for private owners of panels selling up
to EUR 1,800 a year: no VAT charged, none deducted; vwg.nl, 2022); ``taxable`` for
everyone that sells electricity as a business: a cooperative, a crowdfunding vehicle, a
business, an investor, and public bodies (the supply of electricity makes a public body a
taxable person, VAT Directive 2006/112/EC art. 13 and annex I)."""

DEFAULT_VAT_REASON: dict[VatRegime, str] = {
    "exempt": "letting dwellings is VAT-exempt (Wet OB 1968 art. 11 lid 1 b): a panel fee "
    "let with the dwelling carries no VAT and the VAT on costs is not deductible (BDO, "
    "5 April 2019); costs incl. VAT, fees as received",
    "taxable": "an owner that sells electricity is an entrepreneur for VAT: it deducts "
    "the VAT on its costs and remits VAT on its fees and sales (BDO, 5 April 2019); costs "
    "excl. VAT, fees net of output VAT",
}
"""Why each regime, for the run's ``assumptions``."""


def vat_regime(owner_type: str, given: VatRegime | None = None) -> VatRegime:
    """An owner's VAT regime: the one given, else its type's default (``DEFAULT_VAT_REGIME``)."""
    return given if given is not None else DEFAULT_VAT_REGIME[owner_type]
