"""The readings of the law a run's bills apply, and how a run says which it used.

Two rules of the bills are readings, not figures, and each run names the one it used:

- **Energy tax on shared kWh** (``[tariffs] shared_energy_tax``): ``"charged"`` (the law,
  the default) or ``"exempt"`` (a what-if). Energy tax is levied on the electricity a
  connection takes from the grid; only feed-in on the *same* connection is netted (Wet
  belastingen op milieugrondslag art. 50 lid 1-2). The Energiewet (2026) adds no exemption
  for electricity shared over the grid, so a shared kWh replaces the supply price only
  (Belgium's energy sharing likewise: network costs, levies and taxes apply to all
  electricity consumed, Fluvius). Behind a meter nothing is taken from the grid: a
  dwelling's own string and the common connection's own use of its roof stay untaxed,
  unless the owners sell them per kWh (art. 50 lid 4-5: only a consumer that generated
  the electricity itself is exempt).
- **A dynamic contract's feed-in** (``[tariffs] supply_price_csv``): every fed-in kWh is
  paid its interval's price, as every kWh taken is charged at it (Frank Energie,
  "Saldering bij dynamische contracten", frankenergie.nl; De Geschillencommissie, Energie
  Zakelijk 2023, 197473/201288: feed-in at the exchange price of its hour is not
  unreasonable and complies with the Elektriciteitswet); negative prices cost money.

:func:`reading_records` gives the records of ``summary.json``'s ``assumptions``;
:func:`reading_notes` the run's notes (messages with a code, said in Dutch and English on
the dashboard).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from energysim.config.scenario import Scenario
from energysim.config.tariffs import Figure, TariffSet
from energysim.core.messages import Message
from energysim.money import finance
from energysim.money.records import figure_record
from energysim.money.table_columns import float_columns

SHARED_TAX_SOURCE = (
    "Wet belastingen op milieugrondslag art. 50: energy tax on all a connection takes from "
    "the grid, only feed-in on the same connection netted (lid 2); the Energiewet has no "
    "exemption for shared kWh, so they replace the supply price only (Fluvius: the same in "
    "Belgium); a price per kWh behind a meter is a supply (art. 50 lid 4-5)"
)
DYNAMIC_FEED_IN_SOURCE = (
    "a dynamic contract pays each fed-in kWh its interval's price (Frank Energie, "
    "'Saldering bij dynamische contracten'; De Geschillencommissie, Energie Zakelijk 2023, "
    "197473/201288); energy tax netted in kWh while net metering lasts"
)


def shared_kwh_taxed(scenario: Scenario) -> bool:
    """Whether kWh shared over the grid (and kWh the owners sell behind a meter per kWh)
    carry energy tax: ``[tariffs] shared_energy_tax``, default ``"charged"`` (the law);
    ``"exempt"`` is a what-if."""
    return scenario.tariffs.shared_energy_tax == "charged"


def dynamic_feed_in(scenario: Scenario) -> bool:
    """Whether feed-in is paid per interval: a dynamic contract (``supply_price_csv``)
    pays every fed-in kWh its interval's price; a flat contract the flat feed-in
    compensation."""
    return scenario.tariffs.supply_price_csv is not None


def shared_kwh_saving_eur_per_kwh(scenario: Scenario, tariffs: TariffSet) -> float:
    """What a kWh shared over the grid, or sold behind a meter for a price per kWh, saves
    its receiver in year 1, incl. VAT [EUR/kWh].

    The supply price with VAT while ``shared_energy_tax = "charged"`` (its energy tax stays
    on the receiver's bill: Wbm art. 50 lid 2, lid 4-5); the retail import price (supply
    price and energy tax, with VAT) under the what-if ``"exempt"``. A price per kWh above
    it makes every such kWh a loss to whoever receives it.
    """
    tax = 0.0 if shared_kwh_taxed(scenario) else tariffs.energy_tax_excl_vat_eur_per_kwh
    return (tariffs.supply_price_excl_vat_eur_per_kwh + tax) * (1.0 + tariffs.vat_frac)


def metered_offtake_kwh(annual: pd.DataFrame, roles: pd.Series) -> pd.Series:
    """What each participant's meter records taken from the grid in the year [kWh/yr].

    ``consumption - own string`` for a household (its string is behind its meter), and
    ``consumption - shared`` for the common connection (its own use of the roof on it
    is behind its meter); kWh shared to a household over the grid are offtake.
    """
    behind = annual["own_string_kwh"] + annual["shared_kwh"].where(roles == "common", 0.0)
    return (annual["consumption_kwh"] - behind).clip(lower=0.0)


def _household_rows(annual: pd.DataFrame, participants: pd.DataFrame) -> np.ndarray:
    """Positions in ``annual`` of the households (every participant but the common
    connections), in participant order."""
    household = participants["role"].to_numpy() != "common"
    if annual.index.equals(participants.index):
        return np.flatnonzero(household)
    return annual.index.get_indexer(participants.index[household])


def _households_shared_kwh(annual: pd.DataFrame, participants: pd.DataFrame) -> float:
    """The kWh shared over the grid to households in the year [kWh/yr] (NaN counts 0,
    as in a pandas sum)."""
    shared = float_columns(annual, ["shared_kwh"])["shared_kwh"]
    shared = shared[_household_rows(annual, participants)]
    return float(np.nansum(shared))


def shared_tax_eur(annual: pd.DataFrame, tariffs: TariffSet) -> float:
    """Energy tax incl. VAT the households' shared kWh carry in year 1 [EUR/yr]: each
    household's tax on its taxed kWh (:func:`energysim.money.finance.taxed_offtake_kwh`)
    with its shared kWh taxed less that without."""
    return _shared_tax_eur(annual, np.arange(len(annual)), tariffs)


def _shared_tax_eur(annual: pd.DataFrame, rows: np.ndarray, tariffs: TariffSet) -> float:
    """:func:`shared_tax_eur` of the rows ``rows`` (positions) of ``annual`` [EUR/yr]."""

    names = ("consumption_kwh", "own_string_kwh", "own_export_kwh", "shared_kwh")
    column = {name: values[rows] for name, values in float_columns(annual, names).items()}
    offtake = column["consumption_kwh"] - column["own_string_kwh"]
    export = column["own_export_kwh"]
    shared = column["shared_kwh"]
    with_tax = finance.taxed_offtake_kwh(offtake, export, tariffs)
    without = finance.taxed_offtake_kwh(offtake, export, tariffs, untaxed_kwh=shared)
    tax = finance.energy_tax_eur(with_tax, tariffs) - finance.energy_tax_eur(without, tariffs)
    return float(tax.sum()) * (1.0 + tariffs.vat_frac)


def reading_records(
    scenario: Scenario, tariffs: TariffSet, participants: pd.DataFrame, annual: pd.DataFrame
) -> list[dict[str, Any]]:
    """The readings a run used, as ``assumptions`` records (:meth:`Figure.as_record`,
    status ``reading``): energy tax per kWh shared over the grid (0 under the what-if)
    when households received shared kWh or the common connection buys its roof's power per
    kWh; a dynamic contract's feed-in as a share of the interval price."""
    year = scenario.rules_year
    out: list[dict[str, Any]] = []
    shared = _households_shared_kwh(annual, participants)
    if shared > 0 or scenario.finance.common_fee_eur_per_kwh > 0:
        tax = tariffs.energy_tax_excl_vat_eur_per_kwh if shared_kwh_taxed(scenario) else 0.0
        reading = scenario.tariffs.shared_energy_tax
        out.append(
            figure_record(
                Figure(
                    "shared_energy_tax_excl_vat_eur_per_kwh",
                    year,
                    tax,
                    "EUR/kWh shared",
                    "excl",
                    "reading",
                    f"shared_energy_tax = '{reading}'"
                    + (" (a what-if, not the law)" if reading == "exempt" else "")
                    + f": {SHARED_TAX_SOURCE}",
                    year,
                )
            )
        )
    if dynamic_feed_in(scenario):
        out.append(
            figure_record(
                Figure(
                    "dynamic_feed_in_price_frac",
                    year,
                    1.0,
                    "-",
                    "none",
                    "reading",
                    DYNAMIC_FEED_IN_SOURCE,
                    year,
                )
            )
        )
    return out


def reading_notes(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    scheme: dict[str, float],
) -> list[str]:
    """What the run says of its readings: the energy tax the shared kWh carry (or that
    the what-if leaves them untaxed), a dynamic contract's feed-in at the interval prices,
    and the tax on a common connection's roof power bought per kWh
    (``scheme["common_fee_energy_tax_eur"]``)."""
    shared = _households_shared_kwh(annual, participants)
    out: list[str] = []
    if shared > 0 and shared_kwh_taxed(scenario):
        tax = _shared_tax_eur(annual, _household_rows(annual, participants), tariffs)
        out.append(
            Message(
                f"energy tax is due on the {shared:,.0f} kWh shared to households over the "
                f"grid (EUR {tax:,.2f} a year incl. VAT): a connection pays energy tax on all "
                "it takes from the grid and nets only its own feed-in (Wbm art. 50 lid 2; the "
                "Energiewet has no exemption), so a shared kWh saves the supply price only; "
                "[tariffs] shared_energy_tax = 'exempt' shows the untaxed what-if",
                "shared_energy_tax_charged",
                shared_kwh=shared,
                tax_eur=tax,
            )
        )
    elif shared > 0:
        out.append(
            Message(
                f"what-if: the {shared:,.0f} kWh shared to households over the grid carry no "
                "energy tax ([tariffs] shared_energy_tax = 'exempt'); the law taxes them "
                "(Wbm art. 50 lid 2: only a connection's own feed-in is netted)",
                "shared_energy_tax_exempt",
                shared_kwh=shared,
            )
        )
    if dynamic_feed_in(scenario):
        out.append(
            Message(
                "a dynamic contract (supply_price_csv): every kWh fed in (own strings, the "
                "common connection) is paid its interval's price excl. VAT, so negative "
                "prices cost money (Frank Energie, 'Saldering bij dynamische contracten'); "
                "while net metering lasts the supply is netted in money, the energy tax "
                "in kWh",
                "dynamic_feed_in",
            )
        )
    fee_tax = scheme.get("common_fee_energy_tax_eur", 0.0)
    if fee_tax > 0:
        out.append(
            Message(
                "the common connection pays the owners per kWh of the roof's power it uses: "
                "a supply of electricity, whose energy tax and VAT "
                f"(EUR {fee_tax:,.2f} a year) are on its bill and in the service costs "
                "at actual cost (Wbm art. 50 lid 4-5)",
                "common_fee_energy_tax",
                tax_eur=fee_tax,
            )
        )
    return out
