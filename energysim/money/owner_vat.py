"""VAT as the owners pay it: each owner's regime, its costs and fees after VAT.

An owner is ``exempt`` (it cannot deduct VAT: costs incl. VAT, fees as received) or
``taxable`` (an entrepreneur for VAT: costs excl. VAT, fees net of the output VAT it
remits); :mod:`energysim.config.owner_types` gives each owner type's default and the
rule's sources. The investment's VAT is the rate on supplying and installing solar panels
on dwellings (0% since 1 January 2023); running costs and a later inverter carry the
general rate (``TariffSet.vat_frac``). Export value (the feed-in compensation, paid
without VAT, or a netted bill) and the SCE's market revenue (RVO's correctiebedrag, a
wholesale price excl. VAT) are what the owner keeps in either regime.

References
----------
Wet op de omzetbelasting 1968 art. 11 lid 1 onderdeel b (letting dwellings is exempt),
tabel II (0% on solar panels on or near dwellings since 2023); BDO, "Extra aftrek van
btw mogelijk bij exploitatie van zonnepanelen?", 5 April 2019.
"""

from __future__ import annotations

from energysim.config.economics import Owner
from energysim.config.owner_types import DEFAULT_VAT_REASON, VatRegime, vat_regime
from energysim.config.scenario import Scenario
from energysim.config.scheme_rules import SCHEME_OWNER_TYPES
from energysim.config.tariffs import Figure, TariffSet, yearly_figure

INSTALLATION_VAT = "solar_installation_vat_frac"
"""The data file's figure of the VAT rate on supplying and installing solar panels."""


def regime(owner: Owner) -> VatRegime:
    """An owner's VAT regime: its ``vat``, else its type's default."""
    return vat_regime(owner.owner_type, owner.vat)


def installation_vat(scenario: Scenario) -> Figure:
    """The VAT rate on the investment, supplied and installed on dwellings before the
    first operating year (the rules year's figure) [-]."""
    return yearly_figure(INSTALLATION_VAT, scenario.rules_year)


def exempt_share_frac(scenario: Scenario, owner_types: tuple[str, ...] | None = None) -> float:
    """Share of the owners (of ``owner_types``, when given) that cannot deduct VAT [-].

    Each owner counts with its ``share_frac``, relative to the owners considered; 0 when
    there are none.
    """
    owners = [o for o in scenario.ownership if owner_types is None or o.owner_type in owner_types]
    total = sum(o.share_frac for o in owners)
    exempt = sum(o.share_frac for o in owners if regime(o) == "exempt")
    return exempt / total if total > 0 else 0.0


def cooperative_scheme_vat_frac(scenario: Scenario, tariffs: TariffSet) -> float:
    """VAT on the members' scheme's running costs that the cooperative cannot deduct, as
    a fraction of them: the VAT rate times the exempt share of its cooperative owners [-]."""
    return tariffs.vat_frac * exempt_share_frac(scenario, SCHEME_OWNER_TYPES)


def owner_terms(scenario: Scenario, tariffs: TariffSet, owner: Owner) -> dict[str, float]:
    """What the owner's regime does to its amounts, as factors on the given figures.

    Returns
    -------
    dict
        ``capex`` (on the investment excl. VAT: ``1 + installation VAT`` when exempt),
        ``running`` (on opex and the inverter replacement: ``1 + VAT`` when exempt),
        ``fees`` (on fees as households pay them: ``1 / (1 + VAT)`` when taxable) [-].
    """
    if regime(owner) == "exempt":
        return {
            "capex": 1.0 + installation_vat(scenario).value,
            "running": 1.0 + tariffs.vat_frac,
            "fees": 1.0,
        }
    return {"capex": 1.0, "running": 1.0, "fees": 1.0 / (1.0 + tariffs.vat_frac)}


def with_owners_vat(
    scenario: Scenario, tariffs: TariffSet, scheme: dict[str, float]
) -> dict[str, float]:
    """The year-1 scheme totals with each owner's VAT: the owners' revenue net of the
    output VAT taxable owners remit on fees, their net running cash flow after the VAT
    exempt owners pay on running costs.

    Notes
    -----
    Per owner ``o`` with share ``s``: ``output VAT = s x fees x VAT / (1 + VAT)`` when
    taxable; ``input VAT = s x opex x VAT`` when exempt (opex: the running costs the
    members' scheme does not carry). ``output_vat_eur`` and ``input_vat_eur`` add them
    (``input_vat_eur`` already holds the members' scheme's own, see
    :func:`cooperative_scheme_vat_frac`); ``owners_revenue_eur`` loses the output VAT,
    ``owners_net_running_eur`` both. What leaves the scheme as VAT is the difference the
    money balance (tests/test_money.py) subtracts.
    """
    out = dict(scheme)
    fees = scheme["panel_fees_eur"] + scheme["sharing_fees_eur"] + scheme["common_fees_eur"]
    opex = scheme["opex_eur"] - scheme["opex_paid_by_cooperative_scheme_eur"]
    output_vat = input_vat = 0.0
    for o in scenario.ownership:
        terms = owner_terms(scenario, tariffs, o)
        output_vat += o.share_frac * fees * (1.0 - terms["fees"])
        input_vat += o.share_frac * opex * (terms["running"] - 1.0)
    out["output_vat_eur"] = scheme["output_vat_eur"] + output_vat
    out["input_vat_eur"] = scheme["input_vat_eur"] + input_vat
    out["owners_revenue_eur"] = scheme["owners_revenue_eur"] - output_vat
    out["owners_net_running_eur"] = scheme["owners_net_running_eur"] - output_vat - input_vat
    return out


def vat_assumptions(scenario: Scenario, tariffs: TariffSet) -> list[Figure]:
    """The VAT readings a run used: each owner's default regime, as the VAT it bears on
    its running costs (the VAT rate when exempt, 0 when taxable), and the installation's
    rate when an exempt owner pays it and it is an estimate.
    """
    year = scenario.rules_year
    used: list[Figure] = []
    for o in scenario.ownership:
        if o.vat is not None:
            continue
        given = regime(o)
        used.append(
            Figure(
                f"{o.owner}.owner_cost_vat_frac",
                year,
                tariffs.vat_frac if given == "exempt" else 0.0,
                "-",
                "none",
                "estimate",
                f"default VAT regime of a {o.owner_type}: '{given}', {DEFAULT_VAT_REASON[given]}; "
                "set [[ownership]] vat",
                year,
            )
        )
    fig = installation_vat(scenario)
    if fig.is_estimate and exempt_share_frac(scenario) > 0:
        used.append(fig)
    return used


def investment_paid_frac(scenario: Scenario) -> float:
    """The investment as the owners paid it, as a fraction of the figure excl. VAT: ``1 +
    installation VAT x exempt share`` (the VAT exempt owners could not deduct) [-]."""
    return 1.0 + installation_vat(scenario).value * exempt_share_frac(scenario)


SALES_VAT_SOURCE = (
    "the owners' sales of electricity (feed-in compensation, the SCE's market revenue) "
    "are taken excl. VAT whatever an owner's regime: whoever sells the electricity of its "
    "installation to a supplier is an entrepreneur for those sales (HvJ EU 20 June 2013, "
    "C-219/12, Fuchs), charges VAT on top, remits it and the supplier deducts it; an owner "
    "under the small-business scheme (KOR) would keep it; a reading"
)
"""Why sales of electricity count excl. VAT, for the run's ``assumptions``."""


def sales_vat_reading(scenario: Scenario) -> Figure:
    """The reading that the owners keep no VAT on their sales of electricity: a record
    for the run's ``assumptions`` (status ``reading``), value 0 (the share of VAT kept).

    Notes
    -----
    Feed-in compensation and the SCE market value are excl. VAT in the money model for an
    exempt and a taxable owner alike (:func:`owner_terms` nets only fees): selling the
    output of a solar installation to the grid makes its owner a taxable person for those
    sales (HvJ EU C-219/12, Fuchs), so the VAT it charges the supplier is remitted.
    """
    year = scenario.rules_year
    return Figure(
        "owner_sales_vat_kept_frac", year, 0.0, "-", "none", "reading", SALES_VAT_SOURCE, year
    )
