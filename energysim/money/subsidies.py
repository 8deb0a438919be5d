"""Subsidies and schemes for cooperative solar: SCE and the old postcoderoos.

References
----------
Subsidieregeling Coöperatieve Energieopwekking (SCE), Staatscourant 2020, in force
1 April 2021, closed to new applications on 1 April 2026 (RVO): for 15 years from the
decision, subsidy per kWh = basisbedrag - correctiebedrag, never negative. The basisbedrag
and the basisenergieprijs are those of the decision and stay fixed in nominal euros; the
correctiebedrag is the market value RVO sets each year from wholesale prices (what a
supplier pays for the feed-in), never below the basisenergieprijs, so the subsidy per kWh
moves each year against the market ("als de energieprijs stijgt, ontvangt u minder
subsidie", RVO, Rekenvoorbeelden SCE, checked 25 March 2024). Fed-in kWh (netlevering)
and, on a large connection, own use behind the meter (niet-netlevering) each have their
own correctiebedrag and basisenergieprijs; the subsidised production is capped at the
capacity times the category's full-load hours. Basisbedragen: 2022-2023 EUR 0.140 / 0.131
per kWh (small / large connection), 2024 EUR 0.124 / 0.109 (RVO).
Regeling verlaagd tarief (postcoderoos), until 1 April 2021: members get the energy tax
back on their share of production, capped at their own consumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from energysim.config.buildings import Building
from energysim.config.scenario import Scenario, participant_ids
from energysim.config.scheme_rules import SCE_DECISION_YEARS
from energysim.config.tariffs import Figure, yearly_figure
from energysim.core.errors import ScenarioError
from energysim.core.messages import Message
from energysim.money import business

SCE_FULL_LOAD_H = {"small": 900.0, "large": 800.0}
"""Full-load hours that cap the subsidised production: small connection 15-100 kWp with
100% feed-in 900 h, large connection up to 500 kWp 800 h (SCE)."""
SCE_DURATION_YR = 15


def sce_subsidy_eur_per_kwh(
    basisbedrag_eur_per_kwh: float,
    market_value_eur_per_kwh: float,
    basisenergieprijs_eur_per_kwh: float,
) -> float:
    """Subsidy per kWh under the SCE [EUR/kWh].

    Notes
    -----
    ``max(0, basisbedrag - max(market value, basisenergieprijs))``: the correctiebedrag is
    the market value floored at the basisenergieprijs; the subsidy is never negative.
    """
    correction = max(market_value_eur_per_kwh, basisenergieprijs_eur_per_kwh)
    return max(0.0, basisbedrag_eur_per_kwh - correction)


def sce_subsidised_kwh(
    production_kwh: float, capacity_kwp: float, connection: str = "small"
) -> float:
    """Production eligible for SCE subsidy in a year [kWh]: capped at kWp x full-load hours."""
    return float(min(production_kwh, capacity_kwp * SCE_FULL_LOAD_H[connection]))


# --------------------------------------------------------------------------- the decision
def sce_decision_year(scenario: Scenario) -> tuple[int | None, str]:
    """The year of the SCE decision the scenario's scheme runs on, and where it comes from.

    Returns
    -------
    year : int or None
        None: no SCE subsidy.
    how : str
        ``given`` (``finance.sce_decision_year``), ``off`` (``sce_available = false``),
        ``data_year`` or ``rules_year`` (the default), ``what_if`` (``sce_available =
        true`` after the scheme closed: a decision in the rules year) or ``closed``
        (neither year lies in :data:`energysim.config.scheme_rules.SCE_DECISION_YEARS`).

    Notes
    -----
    Availability follows the decision, not the rules year: a granted subsidy runs its 15
    years after the scheme closed to new applications (1 April 2026). Default: the data
    year when it lies in 2021-2026 and not after the rules year (measured data of a year
    the installation ran in), else the rules year when it lies in 2021-2026, else none.
    """
    fin = scenario.finance
    if fin.sce_available is False:
        return None, "off"
    if fin.sce_decision_year is not None:
        return fin.sce_decision_year, "given"
    rules = scenario.rules_year
    if scenario.year in SCE_DECISION_YEARS and scenario.year <= rules:
        return scenario.year, "data_year"
    if rules in SCE_DECISION_YEARS:
        return rules, "rules_year"
    if fin.sce_available:
        return rules, "what_if"
    return None, "closed"


def _given(name: str, year: int, value: float) -> Figure:
    """A figure the scenario gives itself (never listed as an estimate)."""
    return Figure(name, year, value, "EUR/kWh", "none", "published", "scenario", year)


def _data_figure(name: str, year: int, field: str) -> Figure:
    """A data-file figure of ``year``; an error naming the scenario field that gives it."""
    try:
        return yearly_figure(name, year)
    except ScenarioError:
        raise ScenarioError(
            f"finance.{field}: the tariff data file has no {name} for {year} or before; "
            "give the figure in [finance]"
        ) from None


def sce_market_value(scenario: Scenario, building: Building) -> Figure:
    """What a supplier pays the cooperative per fed-in kWh in the first operating year.

    The scenario's ``finance.sce_market_value_eur_per_kwh``, else RVO's correctiebedrag of
    fed-in kWh of the rules year and the common connection's size from the data file
    (solar-weighted wholesale value; an estimate after RVO's last published year).
    """
    given = scenario.finance.sce_market_value_eur_per_kwh
    name = f"sce_correctiebedrag_{building.common.connection}_eur_per_kwh"
    if given is not None:
        return _given(name, scenario.rules_year, given)
    return _data_figure(name, scenario.rules_year, "sce_market_value_eur_per_kwh")


@dataclass(frozen=True)
class SceTerms:
    """One building's SCE decision and the market of its first operating year.

    Attributes
    ----------
    decision_year : int
        The subsidy runs in calendar years ``decision_year`` to ``decision_year + 14``.
    connection : str
        ``small`` or ``large``: the category (full-load hours; own use subsidised on a
        large one only).
    capacity_kwp : float
        The installation on the common connection [kWp].
    figures : tuple of Figure
        Basisbedrag, basisenergieprijs of fed-in kWh and of own use, correctiebedrag
        (market value) of fed-in kWh and of own use in the first operating year, in that
        order [EUR/kWh]; the basisbedrag and basisenergieprijzen are the decision year's.
    """

    decision_year: int
    connection: str
    capacity_kwp: float
    figures: tuple[Figure, ...]

    @property
    def values(self) -> tuple[float, ...]:
        """The figures' values: basisbedrag, two floors, two market values [EUR/kWh]."""
        return tuple(f.value for f in self.figures)


def sce_terms(scenario: Scenario, building: Building, decision_year: int) -> SceTerms:
    """The SCE terms of a building's installation under a decision of ``decision_year``.

    The basisbedrag (by the common connection's size) and the basisenergieprijs come from
    the scenario's ``[finance]`` or the data file's row of the decision year; the
    correctiebedragen of the rules year from the data file (the fed-in one from
    ``finance.sce_market_value_eur_per_kwh`` when given). Figures that do not apply (own
    use on a small connection) are 0.
    """
    fin = scenario.finance
    size = building.common.connection
    basis = f"sce_basisbedrag_{size}_eur_per_kwh"
    floor = "sce_basisenergieprijs_grid_eur_per_kwh"
    figures = [
        _given(basis, decision_year, fin.sce_basisbedrag_eur_per_kwh)
        if fin.sce_basisbedrag_eur_per_kwh is not None
        else _data_figure(basis, decision_year, "sce_basisbedrag_eur_per_kwh"),
        _given(floor, decision_year, fin.sce_basisenergieprijs_eur_per_kwh)
        if fin.sce_basisenergieprijs_eur_per_kwh is not None
        else _data_figure(floor, decision_year, "sce_basisenergieprijs_eur_per_kwh"),
    ]
    own_floor = "sce_basisenergieprijs_own_use_eur_per_kwh"
    own_market = "sce_correctiebedrag_own_use_eur_per_kwh"
    if size == "large":
        figures.append(_data_figure(own_floor, decision_year, "sce_decision_year"))
    else:
        figures.append(_given(own_floor, decision_year, 0.0))
    figures.append(sce_market_value(scenario, building))
    if size == "large":
        figures.append(_data_figure(own_market, scenario.rules_year, "sce_decision_year"))
    else:
        figures.append(_given(own_market, scenario.rules_year, 0.0))
    kwp = sum(a.dc_capacity_kwp for a in building.arrays if a.setup == "common")
    return SceTerms(decision_year, size, float(kwp), tuple(figures))


def sce_subsidy_by_year_eur(
    terms: SceTerms,
    fed_in_kwh: float,
    own_use_kwh: float,
    first_year: int,
    lifetime_yr: int,
    degradation_frac_per_yr: float = 0.0,
    indexation_frac_per_yr: float = 0.0,
    price_factor: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """The SCE subsidy of one installation in each operating year 1..N [EUR].

    Parameters
    ----------
    terms : SceTerms
        The decision and the first year's market (:func:`sce_terms`).
    fed_in_kwh, own_use_kwh : float
        Fed-in kWh and own use behind a large connection in year 1 [kWh/yr] (own use
        counts only on a large connection).
    first_year : int
        Calendar year of operating year 1 (the rules year).
    lifetime_yr : int
        Operating years N.
    degradation_frac_per_yr, indexation_frac_per_yr : float
        ``d`` and ``i`` of :func:`energysim.money.business.item_paths` [-/yr].
    price_factor : numpy.ndarray, optional
        ``P_y`` when energy prices follow another path than ``(1 + i)^(y-1)``
        (:func:`energysim.money.business.energy_price_factors`) [-].

    Notes
    -----
    With ``E_y = (1 - d)^(y-1)`` and ``P_y = (1 + i)^(y-1)``, in operating year ``y``
    (calendar year ``c = first_year + y - 1``) the market values follow prices,
    ``M_y = M_1 P_y``, and the subsidy per kWh of each kind is ``s_y = max(0, B -
    max(M_y, floor))`` with the decision's basisbedrag ``B`` and floor, fixed in nominal
    euros. The kWh ``E_y (fed in + own use)`` are capped at ``kWp x full-load hours``,
    both kinds pro rata. The subsidy is paid while ``decision <= c <= decision + 14``,
    then 0: after year 15 only market revenue remains.
    """
    basis, grid_floor, own_floor, grid_market, own_market = terms.values
    own = own_use_kwh if terms.connection == "large" else 0.0
    years = np.arange(1, lifetime_yr + 1)
    energy = (1.0 - degradation_frac_per_yr) ** (years - 1)
    price = (
        (1.0 + indexation_frac_per_yr) ** (years - 1)
        if price_factor is None
        else np.asarray(price_factor)
    )
    per_grid = np.maximum(0.0, basis - np.maximum(grid_market * price, grid_floor))
    per_own = np.maximum(0.0, basis - np.maximum(own_market * price, own_floor))
    total = (fed_in_kwh + own) * energy
    cap = terms.capacity_kwp * SCE_FULL_LOAD_H[terms.connection]
    scale = np.where(total > cap, cap / np.where(total > 0, total, 1.0), 1.0)
    calendar = first_year + years - 1
    runs = (calendar >= terms.decision_year) & (calendar < terms.decision_year + SCE_DURATION_YR)
    subsidy = scale * energy * (fed_in_kwh * per_grid + own * per_own)
    return np.asarray(np.where(runs, subsidy, 0.0), dtype=np.float64)


# --------------------------------------------------------------------------- the members
def certificates(building: Building) -> NDArray[np.float64]:
    """Each member's certificates of the scheme (default one each)."""
    given = building.members.certificates
    return np.asarray(given or np.ones(building.members.count), dtype=np.float64)


def certificate_keys(building: Building) -> NDArray[np.float64]:
    """Each member's share of the scheme's payout: its certificates over all [-]."""
    held = certificates(building)
    return np.asarray(held / held.sum(), dtype=np.float64)


def scheme_buildings(scenario: Scenario) -> list[Building]:
    """The buildings whose members take part in an SCE or postcoderoos scheme."""
    if scenario.allocation.members.mode not in ("sce", "postcoderoos"):
        return []
    return [b for b in scenario.buildings if b.members.count]


def members_subsidy_by_year_eur(
    scenario: Scenario,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
    degradation_frac_per_yr: float,
) -> NDArray[np.float64]:
    """Each member's part of its building's SCE subsidy in each operating year, by its
    certificates (operating year x participant, in participant order) [EUR].

    The subsidy of each year is :func:`sce_subsidy_by_year_eur` of the building's fed-in
    kWh (``buildings.sce_kwh``) and, on a large connection, the common connection's own
    use of the roof (its ``shared_kwh``); year 1 is the subsidy of
    :func:`energysim.money.year_one.year_one_parts`.
    """
    fin = scenario.finance
    out = np.zeros((fin.lifetime_yr, len(participants)))
    decided, _ = sce_decision_year(scenario)
    if scenario.allocation.members.mode != "sce" or decided is None:
        return out
    position = {pid: j for j, pid in enumerate(participants.index)}
    for b in scheme_buildings(scenario):
        fed_in = float(buildings.loc[b.id, "sce_kwh"])
        if fed_in <= 0:
            continue
        ids = participant_ids(b)
        by_year = sce_subsidy_by_year_eur(
            sce_terms(scenario, b, decided),
            fed_in,
            float(annual.loc[ids["common"][0], "shared_kwh"]),
            scenario.rules_year,
            fin.lifetime_yr,
            degradation_frac_per_yr,
            fin.price_indexation_frac_per_yr,
            price_factor=business.energy_price_factors(fin, scenario.rules_year),
        )
        columns = [position[p] for p in ids["members"]]
        out[:, columns] = by_year[:, None] * certificate_keys(b)[None, :]
    return out


def certificates_paid_eur(scenario: Scenario, participants: pd.DataFrame) -> NDArray[np.float64]:
    """What each member paid for its certificates of the scheme, in year 0 [EUR]:
    ``finance.certificate_price_eur x its certificates`` (default price 0), in
    participant order."""
    paid = np.zeros(len(participants))
    price = scenario.finance.certificate_price_eur or 0.0
    buildings = scheme_buildings(scenario)
    if not buildings:
        return paid
    position = {pid: j for j, pid in enumerate(participants.index)}
    for b in buildings:
        rows = [position[p] for p in participant_ids(b)["members"]]
        paid[rows] = price * certificates(b)
    return paid


def certificates_total_eur(scenario: Scenario) -> float:
    """What all members paid for their certificates: the cooperative's receipt in year 0
    [EUR]."""
    price = scenario.finance.certificate_price_eur or 0.0
    return price * float(sum(certificates(b).sum() for b in scheme_buildings(scenario)))


# --------------------------------------------------------------------------- what a run says
_DECISION_WHY = {
    "data_year": "default: the data year (an installation measured in a year ran under a "
    "decision of that year or before); set finance.sce_decision_year",
    "rules_year": "default: the rules year, the data year lying outside 2021-2026 or after "
    "the rules year; set finance.sce_decision_year",
    "what_if": "sce_available = true after the SCE closed to new applications (1 April "
    "2026): a what-if decision in the rules year; set finance.sce_decision_year",
}


def sce_assumptions(scenario: Scenario) -> list[Figure]:
    """The estimated figures and readings of the members' scheme a run used.

    The market value of the fed-in kWh (both schemes), the price of a certificate left
    at 0, and under the SCE while it pays: the decision year when not given, and the
    decision's and the market's figures that are estimates (:func:`sce_terms`).
    """
    year = scenario.rules_year
    used: list[Figure] = []
    buildings = scheme_buildings(scenario)
    for b in buildings:
        used.append(sce_market_value(scenario, b))
    if buildings and scenario.finance.certificate_price_eur is None:
        used.append(
            Figure(
                "certificate_price_eur",
                year,
                0.0,
                "EUR per certificate",
                "none",
                "estimate",
                "assumed: members paid nothing for their certificates, so their NPV counts "
                "only the payouts; set finance.certificate_price_eur (e.g. Opgewekt Houten "
                "EUR 300 for 300 kWh a year)",
                year,
            )
        )
    decided, how = sce_decision_year(scenario)
    if scenario.allocation.members.mode == "sce" and buildings and decided is not None:
        if how in _DECISION_WHY:
            used.append(
                Figure(
                    "sce_decision_year",
                    year,
                    float(decided),
                    "year",
                    "none",
                    "estimate",
                    _DECISION_WHY[how],
                    year,
                )
            )
        for b in buildings:
            used.extend(sce_terms(scenario, b, decided).figures)
    out: list[Figure] = []
    for fig in used:
        if fig.is_estimate and fig not in out:
            out.append(fig)
    return out


def sce_notes(scenario: Scenario) -> list[str]:
    """A note when the SCE pays nothing because no decision can be assumed."""
    decided, how = sce_decision_year(scenario)
    if scenario.allocation.members.mode != "sce" or not scheme_buildings(scenario):
        return []
    if decided is not None or how != "closed":
        return []
    return [
        Message(
            f"no SCE subsidy: the data year {scenario.year} and the rules year "
            f"{scenario.rules_year} fall outside the years the SCE took applications "
            "(1 April 2021 - 1 April 2026); a scheme decided then keeps its subsidy for 15 "
            "years: set finance.sce_decision_year",
            "sce_closed",
            year=scenario.year,
            rules_year=scenario.rules_year,
        )
    ]


def postcoderoos_refund_eur(
    share_kwh: ArrayLike,
    consumption_kwh: ArrayLike,
    energy_tax_eur_per_kwh: float,
    vat_frac: float = 0.21,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Energy-tax refund of postcoderoos members, excl. and incl. VAT [EUR/yr].

    Parameters
    ----------
    share_kwh : array_like
        Each member's share of the production [kWh/yr].
    consumption_kwh : array_like
        Each member's consumption [kWh/yr]; the refund is capped at it.
    energy_tax_eur_per_kwh : float
        Energy tax excl. VAT [EUR/kWh].
    vat_frac : float
        VAT [-].

    Notes
    -----
    ``refund = min(share, consumption) * tax``, and ``* (1 + VAT)`` incl. VAT. Worked
    example (HIER opgewekt): 20 members, 50,000 kWh, tax EUR 0.1007 -> EUR 251.75 each,
    EUR 304.62 incl. VAT.
    """
    eligible = np.minimum(
        np.asarray(share_kwh, dtype=np.float64), np.asarray(consumption_kwh, dtype=np.float64)
    )
    excl = eligible * energy_tax_eur_per_kwh
    return excl, excl * (1.0 + vat_frac)
