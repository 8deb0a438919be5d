"""The scheme against the Huurcommissie's service-cost rules, building by building.

Five rules of the Huurcommissie's policy on service costs (beleidsboek servicekosten)
apply to a scheme that charges tenants through the service costs (domain.md section 4):

1. panels may be charged as a fixed usage fee only if they are removable (panels built
   into the roof belong in the rent, under the points system);
2. that fee is at most 10% of the investment a year in the first 10 years and 6% after
   (one row per period);
3. no maintenance in the fee;
4. not for near-zero-energy (NOM) dwellings, which pay the energy performance fee (EPV);
5. the common area's electricity is passed on at its actual cost, split by the agreed key.

:func:`compliance_table` checks them (one row per building and rule), :func:`compliance_warnings`
says each broken one in a run's messages, and :func:`panel_fee_limit_eur_per_yr` is the
highest year-1 fee every rule allows, the bound of the design advisor's panel fee. What a
scenario does not say (``buildings[].service_costs``) takes a documented default, listed
by :func:`service_cost_assumptions` in the run's assumptions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.buildings import Building
from energysim.config.scenario import Scenario
from energysim.config.tariffs import Figure
from energysim.core.messages import Message
from energysim.money import owner_vat
from energysim.money.records import figure_record
from energysim.money.table_columns import float_columns

__all__ = [
    "COMPLIANCE_COLUMNS",
    "HUURCOMMISSIE_FEE_FRAC",
    "RULES",
    "compliance_rows",
    "compliance_table",
    "compliance_warnings",
    "panel_fee_by_period_eur_per_yr",
    "panel_fee_limit_eur_per_yr",
    "panel_fee_limits_eur_per_yr",
    "service_cost_assumptions",
    "terms_of",
]

HUURCOMMISSIE_FEE_FRAC = (0.10, 0.06)
"""Panel usage fee at most 10% of the investment per year for the first 10 years, 6%
after (Huurcommissie, beleidsboek servicekosten)."""

SOURCE = "Huurcommissie, beleidsboek servicekosten"

RULES: dict[str, tuple[str, str, str]] = {
    "removable": (
        "Panels may be charged as a fixed usage fee only if they are removable; panels "
        "built into the roof belong in the rent",
        "Panelen mogen alleen als vaste gebruiksvergoeding in de servicekosten als ze "
        "afneembaar zijn; in het dak verwerkte panelen horen in de huur",
        f"{SOURCE}; Besluit servicekosten",
    ),
    "fee_first_10_years": (
        "Usage fee at most 10% of the investment a year in the first 10 years",
        "Gebruiksvergoeding hooguit 10% van de investering per jaar in de eerste 10 jaar",
        SOURCE,
    ),
    "fee_after_10_years": (
        "Usage fee at most 6% of the investment a year after the first 10 years",
        "Gebruiksvergoeding hooguit 6% van de investering per jaar na de eerste 10 jaar",
        SOURCE,
    ),
    "no_maintenance": (
        "No maintenance in the usage fee",
        "Geen onderhoud in de gebruiksvergoeding",
        SOURCE,
    ),
    "not_nom": (
        "No usage fee for near-zero-energy (NOM) dwellings: they pay the energy performance fee",
        "Geen gebruiksvergoeding voor nul-op-de-meterwoningen: die betalen de "
        "energieprestatievergoeding",
        f"{SOURCE}; Besluit energieprestatievergoeding huur",
    ),
    "common_actual_cost": (
        "Common-area electricity passed on at its actual cost, split by the agreed key",
        "Stroom van de algemene ruimten tegen de werkelijke kosten doorberekend, verdeeld "
        "volgens de afgesproken sleutel",
        SOURCE,
    ),
}
"""Each rule's code: its sentence in English and in Dutch, and its source."""

COMPLIANCE_COLUMNS = (
    "building_id",
    "rule",
    "rule_en",
    "rule_nl",
    "source",
    "scheme_value",
    "limit_value",
    "unit",
    "holds",
    "assumed",
)
"""The columns of :func:`compliance_table`."""

ASSUMED_SOURCE = {
    "panels_removable": "not given in the scenario (buildings[].service_costs): assumed "
    "removable, as panels on frames or ballast on a flat roof are; built into the roof they "
    "belong in the rent",
    "nom_dwellings": "not given in the scenario (buildings[].service_costs): assumed no "
    "near-zero-energy (NOM) dwelling among the participants",
    "panel_fee_maintenance_eur_per_yr": "not given in the scenario "
    "(buildings[].service_costs): assumed no maintenance in the panel fee (the owners' "
    "running costs pay it)",
}
"""Where each default of a building's ``service_costs`` comes from, for the assumptions."""

_DEFAULTS: dict[str, Any] = {
    "panels_removable": True,
    "nom_dwellings": 0,
    "panel_fee_maintenance_eur_per_yr": 0.0,
}
"""What a building's ``service_costs`` field takes when the scenario leaves it out."""

_TOLERANCE_EUR = 0.01
"""Rounding allowed between the amounts of the actual-cost rule [EUR/yr]."""


def terms_of(b: Building) -> tuple[dict[str, Any], list[str]]:
    """A building's service-cost terms, with the defaults of what the scenario leaves out.

    Returns
    -------
    tuple
        (``panels_removable``, ``nom_dwellings``, ``panel_fee_maintenance_eur_per_yr``
        by name; the names taken by default).
    """
    given = b.service_costs
    out: dict[str, Any] = {}
    assumed: list[str] = []
    for name, default in _DEFAULTS.items():
        value = getattr(given, name) if given is not None else None
        if value is None:
            assumed.append(name)
            value = default
        out[name] = value
    return out, assumed


def _fee_allowed(terms: dict[str, Any]) -> bool:
    """Whether any usage fee may be charged at all (rules 1, 3 and 4)."""
    return (
        bool(terms["panels_removable"])
        and terms["nom_dwellings"] == 0
        and terms["panel_fee_maintenance_eur_per_yr"] == 0
    )


def panel_fee_limits_eur_per_yr(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Huurcommissie limits of the panel fee per participating dwelling [EUR/yr].

    Returns
    -------
    dict
        Per building with participating tenants: (limit in the first 10 years, limit
        after), 10% and 6% of the investment per dwelling in the panels it uses (its own
        strings, or else its part of the whole roof), as the owners paid it: with the
        VAT on the installation that VAT-exempt owners cannot deduct
        (:func:`energysim.money.owner_vat.investment_paid_frac`; 0% on panels on
        dwellings since 2023).

    References
    ----------
    Huurcommissie, beleidsboek servicekosten: a removable installation may be charged
    as a usage fee of at most 10% of the investment per year for 10 years, 6% after.
    """
    fin = scenario.finance
    out: dict[str, tuple[float, float]] = {}
    for b in scenario.buildings:
        n = b.tenants.participating
        if n == 0:
            continue
        strings = [a for a in b.arrays if a.setup == "per_dwelling"] or b.arrays
        investment = (
            sum(a.dc_capacity_kwp for a in strings)
            * fin.capex_eur_per_kwp
            * owner_vat.investment_paid_frac(scenario)
            / n
        )
        first, after = (f * investment for f in HUURCOMMISSIE_FEE_FRAC)
        out[b.id] = (first, after)
    return out


def _fee_factors(scenario: Scenario) -> tuple[float, float]:
    """The highest indexation factor of the fee in years 1-10 and after (0 without such
    years) [-]: the fee of year ``y`` is the year-1 fee times ``(1 + i)^(y-1)``."""
    fin = scenario.finance
    factors = (1.0 + fin.fee_indexation_frac_per_yr) ** np.arange(fin.lifetime_yr)
    return float(factors[:10].max()), float(factors[10:].max(initial=0.0))


def panel_fee_by_period_eur_per_yr(scenario: Scenario) -> tuple[float, float]:
    """The highest panel fee of years 1-10 and of the years after, with its indexation.

    Returns
    -------
    tuple of float
        (highest fee in years 1-10, highest fee after; 0 without such years) [EUR/yr].
    """
    fee = scenario.finance.panel_fee_eur_per_yr
    first, after = _fee_factors(scenario)
    return fee * first, fee * after


def panel_fee_limit_eur_per_yr(scenario: Scenario) -> float | None:
    """The highest year-1 panel fee that breaks none of the rules [EUR/yr].

    The indexed fee's highest value in years 1-10 within 10% of the investment per
    dwelling, after within 6% (:func:`panel_fee_limits_eur_per_yr`), in every building
    with participating tenants; 0 where no fee may be charged at all (panels not
    removable, NOM dwellings among the participants, maintenance in the fee). None when
    no building has participating tenants.
    """
    limits = panel_fee_limits_eur_per_yr(scenario)
    if not limits:
        return None
    first_factor, after_factor = _fee_factors(scenario)
    by_id = {b.id: b for b in scenario.buildings}
    out = math.inf
    for b_id, (first, after) in limits.items():
        if not _fee_allowed(terms_of(by_id[b_id])[0]):
            return 0.0
        out = min(out, first / first_factor)
        if scenario.finance.lifetime_yr > 10 and after_factor > 0:
            out = min(out, after / after_factor)
    return out


def _common_amounts(
    b: Building, amounts: dict[str, np.ndarray], building_ids: np.ndarray, roles: np.ndarray
) -> tuple[float, float]:
    """What the building's dwellings' service costs change by, and the common
    connection's actual net cost change passed on [EUR/yr].

    ``amounts`` holds ``passed_to_service_costs_eur`` and ``service_cost_saving_eur`` per
    participant, ``building_ids`` and ``roles`` each participant's building and role (all
    in participant order); NaN counts as 0, as in a pandas sum.
    """
    rows = building_ids == b.id
    passed = amounts["passed_to_service_costs_eur"][rows & (roles == "common")]
    charged = amounts["service_cost_saving_eur"][rows & (roles == "tenant")]
    return float(np.nansum(charged)), float(np.nansum(passed))


def _agreed_key_used(scenario: Scenario, b: Building) -> bool:
    """Whether the split follows the scenario's key (floor area needs every area)."""
    return scenario.finance.service_cost_key != "floor_area" or b.floor_area_m2 is not None


def _building_rows(
    scenario: Scenario, b: Building, charged: float, passed: float
) -> list[dict[str, Any]]:
    """The six rows of one building (see :func:`compliance_table`)."""
    terms, assumed = terms_of(b)
    fee = scenario.finance.panel_fee_eur_per_yr if b.tenants.participating else 0.0
    first, after = panel_fee_by_period_eur_per_yr(scenario)
    if not b.tenants.participating:
        first = after = 0.0
    limit_first, limit_after = panel_fee_limits_eur_per_yr(scenario).get(b.id, (0.0, 0.0))
    has_after = scenario.finance.lifetime_yr > 10
    rows: list[tuple[str, float, float, str, bool, list[str]]] = [
        (
            "removable",
            fee,
            math.inf if terms["panels_removable"] else 0.0,
            "EUR/yr",
            fee == 0 or terms["panels_removable"],
            ["panels_removable"],
        ),
        ("fee_first_10_years", first, limit_first, "EUR/yr", first <= limit_first + 1e-9, []),
        (
            "fee_after_10_years",
            after,
            limit_after if has_after else math.inf,
            "EUR/yr",
            not has_after or after <= limit_after + 1e-9,
            [],
        ),
        (
            "no_maintenance",
            terms["panel_fee_maintenance_eur_per_yr"] if fee > 0 else 0.0,
            0.0,
            "EUR/yr",
            fee == 0 or terms["panel_fee_maintenance_eur_per_yr"] == 0,
            ["panel_fee_maintenance_eur_per_yr"],
        ),
        (
            "not_nom",
            float(terms["nom_dwellings"]) if fee > 0 else 0.0,
            0.0,
            "dwellings",
            fee == 0 or terms["nom_dwellings"] == 0,
            ["nom_dwellings"],
        ),
        (
            "common_actual_cost",
            charged,
            passed,
            "EUR/yr",
            abs(charged - passed) <= _TOLERANCE_EUR and _agreed_key_used(scenario, b),
            [],
        ),
    ]
    out = []
    for rule, value, limit, unit, holds, fields in rows:
        en, nl, source = RULES[rule]
        out.append(
            {
                "building_id": b.id,
                "rule": rule,
                "rule_en": en,
                "rule_nl": nl,
                "source": source,
                "scheme_value": float(value),
                "limit_value": float(limit) if math.isfinite(limit) else np.nan,
                "unit": unit,
                "holds": bool(holds),
                "assumed": " ".join(f for f in fields if f in assumed),
            }
        )
    return out


def compliance_table(
    scenario: Scenario, money: pd.DataFrame, participants: pd.DataFrame
) -> pd.DataFrame:
    """The scheme against the Huurcommissie's rules: one row per building and rule.

    Parameters
    ----------
    scenario : Scenario
        Its panel fee, investment, indexation and ``buildings[].service_costs``.
    money : pandas.DataFrame
        Year-1 money per participant (``service_cost_saving_eur``,
        ``passed_to_service_costs_eur``) [EUR/yr].
    participants : pandas.DataFrame
        One row per participant (``building_id``, ``role``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COMPLIANCE_COLUMNS`: the rule's code (:data:`RULES`), its sentence
        in English and Dutch, its source, the scheme's figure and the limit in ``unit``
        (the limit empty where the rule sets none: a removable panel, a lifetime of 10
        years or less), whether it holds, and the ``service_costs`` fields whose default
        the row rests on. For the actual-cost rule the scheme's figure is what the
        dwellings' service costs change by and the limit the common connection's actual
        net cost change; it holds when they are equal and the split follows the agreed
        key (a floor-area key needs every dwelling's area).

    Notes
    -----
    The fee rules hold trivially when no fee is charged. A year-1 fee ``f`` indexed at
    ``i`` a year is ``f (1 + i)^(y-1)`` in year ``y``: the highest of years 1-10 is held
    against 10% of the investment per dwelling, the highest after against 6%.

    References
    ----------
    Huurcommissie, beleidsboek servicekosten; Besluit servicekosten; Besluit
    energieprestatievergoeding huur.
    """
    rows = compliance_rows(scenario, money, participants)
    return pd.DataFrame(rows, columns=list(COMPLIANCE_COLUMNS))


def compliance_rows(
    scenario: Scenario, money: pd.DataFrame, participants: pd.DataFrame
) -> list[dict[str, Any]]:
    """The rows of :func:`compliance_table` as dicts (the same arguments): what a run
    checks before it makes a table of them."""
    if not money.index.equals(participants.index):
        money = money.loc[participants.index]
    amounts = float_columns(money, ("passed_to_service_costs_eur", "service_cost_saving_eur"))
    building_ids = participants["building_id"].to_numpy()
    roles = participants["role"].to_numpy()
    rows: list[dict[str, Any]] = []
    for b in scenario.buildings:
        charged, passed = _common_amounts(b, amounts, building_ids, roles)
        rows += _building_rows(scenario, b, charged, passed)
    return rows


def compliance_warnings(table: pd.DataFrame) -> list[str]:
    """A run's message for every rule of :func:`compliance_table` that is broken."""
    out: list[str] = []
    if table["holds"].to_numpy(dtype=bool).all():
        return out
    for row in table.itertuples(index=False):
        if row.holds:
            continue
        b, value, limit = row.building_id, float(row.scheme_value), float(row.limit_value)
        if row.rule in ("fee_first_10_years", "fee_after_10_years"):
            code = (
                "panel_fee_above_limit"
                if row.rule == "fee_first_10_years"
                else ("panel_fee_above_limit_after")
            )
            out.append(_fee_message(code, b, value, limit, table))
            continue
        by_rule: dict[str, dict[str, Any]] = {
            "removable": {"fee_eur": value},
            "no_maintenance": {"maintenance_eur": value},
            "not_nom": {"dwellings": int(value)},
            "common_actual_cost": {"charged_eur": value, "actual_eur": limit},
        }
        params = by_rule[row.rule]
        text = {
            "removable": f"{b}: a panel fee of EUR {value:.2f}/yr for panels that are not "
            "removable breaks the Huurcommissie's rules (built-in panels belong in the rent)",
            "no_maintenance": f"{b}: the panel fee holds EUR {value:.2f}/yr of maintenance; "
            "the Huurcommissie allows no maintenance in a usage fee",
            "not_nom": f"{b}: {value:.0f} near-zero-energy (NOM) dwellings pay the panel "
            "fee; they pay the energy performance fee instead (Huurcommissie)",
            "common_actual_cost": f"{b}: the service costs pass on EUR {value:.2f}/yr for "
            f"the common area's electricity, its actual cost change is EUR {limit:.2f}/yr, "
            "or the split is not the agreed key (Huurcommissie: actual cost, agreed key)",
        }[row.rule]
        out.append(Message(text, f"service_cost_{row.rule}", building=b, **params))
    return out


def _fee_message(code: str, b: str, fee: float, limit: float, table: pd.DataFrame) -> Message:
    """The message of a fee above the 10% or 6% limit."""
    if code == "panel_fee_above_limit_after":
        return Message(
            f"{b}: panel fee up to EUR {fee:.2f}/yr after the first 10 years exceeds the "
            f"Huurcommissie limit of 6% then (EUR {limit:.2f}/yr)",
            code,
            building=b,
            fee_eur=fee,
            limit_after_eur=limit,
        )
    after = table[(table["building_id"] == b) & (table["rule"] == "fee_after_10_years")]
    limit_after = float(after["limit_value"].fillna(0.0).iloc[0]) if len(after) else 0.0
    return Message(
        f"{b}: panel fee up to EUR {fee:.2f}/yr exceeds the Huurcommissie limit of 10% of "
        f"the investment per dwelling (EUR {limit:.2f}/yr; EUR {limit_after:.2f}/yr after "
        "10 years)",
        code,
        building=b,
        fee_eur=fee,
        limit_eur=limit,
        limit_after_eur=limit_after,
    )


def service_cost_assumptions(scenario: Scenario) -> list[dict[str, Any]]:
    """The run's assumptions for the service-cost fields a scenario leaves out: one
    record per building and field that takes its default (status ``assumption``)."""
    year = scenario.rules_year
    out: list[dict[str, Any]] = []
    for b in scenario.buildings:
        if not b.tenants.participating:
            continue
        terms, assumed = terms_of(b)
        for name in assumed:
            unit = {"panels_removable": "-", "nom_dwellings": "dwellings"}.get(name, "EUR/yr")
            out.append(
                figure_record(
                    Figure(
                        f"{b.id}.{name}",
                        year,
                        float(terms[name]),
                        unit,
                        "none",
                        "assumption",
                        ASSUMED_SOURCE[name],
                        year,
                    )
                )
            )
    return out
