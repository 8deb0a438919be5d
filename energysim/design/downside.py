"""What could go worse: the yield of a poor weather year, dearer panels, lower prices later.

The margin (:mod:`~energysim.design.margin`) and the sensitivity
(:mod:`~energysim.design.sensitivity`) change a design's scenario in a few stated ways;
each change here is a scenario a user can run (``energysim run``), never a figure
patched into a result:

- **yield** at a quantile of the weather years: every array's system losses such that
  its DC output is ``factor`` times the scenario's, ``1 - l' = (1 - l) factor``
  (PVWatts: DC power is proportional to ``1 - l``; the inverter's efficiency curve makes
  the AC yield follow within a fraction of a percent, which the design reports as run);
- **capex**: the panels' capex per kWp and a battery's capex per kWh times a factor;
- **prices after 2030**: energy prices follow a late indexation from 2031
  (``finance.late_price_indexation_frac_per_yr``,
  :func:`energysim.money.business.energy_price_factors`).

The yield's quantiles come from the KNMI weather years the package is calibrated on
(``energysim/data/knmi_weather_stats.json``, Rotterdam 2018-2024): each month's
irradiation varies from year to year by its coefficient of variation ``cv_m``, drawn
independently per month as the package's stochastic weather years draw them
(:func:`energysim.inputs.weather.embedded.embedded_weather` with
``interannual_variability``). With ``E_m`` the roof's generation in month ``m`` of the
run, the year's yield varies by ``cv = sqrt(sum_m (E_m cv_m)^2) / sum_m E_m`` and
``P90 = 1 - z_0.9 cv``, ``P10 = 1 + z_0.9 cv`` (normal; ``z_0.9 = 1.2816``), relative
to the reference year's yield (the KNMI mean, P50). The one-year P90 is applied to every
year of the lifetime: the conservative reading banks use for a single year; the P90 of
a lifetime's mean yield is ``1 - z_0.9 cv / sqrt(N)``, much closer to P50.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from energysim.config.scenario import Scenario
from energysim.design.money import with_finance
from energysim.design.words import say
from energysim.inputs.weather.embedded import knmi_stats
from energysim.results.result import Result

Z90 = 1.2815515655446004
"""The standard normal quantile of 0.9 [-] (``scipy.stats.norm.ppf(0.9)``)."""
CAPEX_DOWN_FACTOR = 1.15
"""Capex in the downside [-]: +15%, the spread of the domain's EUR 650-900/kWp around
its EUR 750/kWp estimate (domain.md section 7)."""
LATE_LOW_FRAC_PER_YR = 0.0
"""Energy prices' indexation from 2031 in the low path [-/yr] (*estimate*, ours): flat
in nominal terms, i.e. falling by the inflation the scenario assumes for running costs
(2%, the ECB's target): a stress case, not a forecast (no published Dutch projection of
retail supply prices after 2030 was found)."""
LATE_HIGH_FRAC_PER_YR = 0.04
"""Energy prices' indexation from 2031 in the high path [-/yr] (*estimate*, ours): twice
the default 2%, the mirror of the low path."""
LATE_FROM_YEAR = 2031
"""First calendar year of the late price path: after the feed-in minimum of 2027-2029
(50% of the supply price until 1 January 2030, Kamerstukken 36 611) and the
Klimaatakkoord's 2030 horizon."""


@dataclass(frozen=True)
class YieldSpread:
    """The year-to-year spread of a roof's yield from the KNMI weather years.

    Attributes
    ----------
    cv_frac : float
        Coefficient of variation of the annual yield [-].
    p90_factor, p10_factor : float
        The yield exceeded in 90% and in 10% of years, relative to P50 [-].
    """

    cv_frac: float
    p90_factor: float
    p10_factor: float


def yield_spread(result: Result) -> YieldSpread:
    """The spread of the run's annual yield over weather years (see the module notes).

    Parameters
    ----------
    result : Result
        A run; its generation per interval gives the weights of the months.

    Returns
    -------
    YieldSpread
    """
    months = knmi_stats()["months"]
    cv = np.array([m["ghi_interannual_cv"] for m in months])
    gen = result.generation_kwh.to_numpy().sum(axis=1)
    local = result.generation_kwh.index.tz_convert(result.scenario.site.timezone)
    by_month = np.bincount(local.month.to_numpy() - 1, weights=gen, minlength=12)
    total = float(by_month.sum())
    spread = float(np.sqrt(np.sum((by_month * cv) ** 2)) / total) if total > 0 else 0.0
    return YieldSpread(spread, 1.0 - Z90 * spread, 1.0 + Z90 * spread)


def with_yield(scenario: Scenario, factor: float) -> Scenario:
    """The scenario with every array's DC output times ``factor``, through its losses
    (``1 - l' = (1 - l) factor``).

    Raises
    ------
    ValueError
        When the scenario's generation is measured (a file, not simulated), or the
        factor would need losses outside [0, 1).
    """
    if scenario.generation_csv is not None:
        raise ValueError(
            "yield case: the scenario's generation is measured (generation_csv); "
            "its yield cannot be changed through the weather"
        )
    buildings = []
    for b in scenario.buildings:
        arrays = []
        for a in b.arrays:
            losses = 1.0 - (1.0 - a.total_losses_frac) * factor
            if not 0.0 <= losses < 1.0:
                raise ValueError(
                    f"yield case: array '{a.id}' would need losses of {losses:.3f}, "
                    "expected a share in [0, 1)"
                )
            arrays.append(a.model_copy(update={"losses_frac": losses}))
        buildings.append(b.model_copy(update={"arrays": arrays}))
    return scenario.model_copy(update={"buildings": buildings})


def with_capex(scenario: Scenario, factor: float) -> Scenario:
    """The scenario with the panels' capex per kWp and every battery's capex per kWh
    times ``factor`` (a battery's replacement follows its capex when not given)."""
    out = with_finance(scenario, capex_eur_per_kwp=scenario.finance.capex_eur_per_kwp * factor)
    if not any(b.battery is not None for b in out.buildings):
        return out
    buildings = [
        b
        if b.battery is None
        else b.model_copy(
            update={
                "battery": b.battery.model_copy(
                    update={"capex_eur_per_kwh": b.battery.capex_eur_per_kwh * factor}
                )
            }
        )
        for b in out.buildings
    ]
    return out.model_copy(update={"buildings": buildings})


def with_late_prices(
    scenario: Scenario, frac_per_yr: float, from_year: int = LATE_FROM_YEAR
) -> Scenario:
    """The scenario with energy prices indexed by ``frac_per_yr`` from ``from_year`` on."""
    return with_finance(
        scenario,
        late_price_indexation_frac_per_yr=frac_per_yr,
        late_prices_from_year=from_year,
    )


@dataclass(frozen=True)
class Downside:
    """A stated downside: the figures that are worse than the scenario's, with sources.

    Attributes
    ----------
    yield_factor : float or None
        Yield relative to the scenario's (P90 of the weather years) [-]; None when the
        generation is measured and cannot be changed.
    yield_cv_frac : float
        The spread it comes from [-].
    capex_factor : float
        Capex relative to the scenario's [-].
    late_price_indexation_frac_per_yr : float
        Energy prices' indexation from ``late_prices_from_year`` on [-/yr].
    late_prices_from_year : int
        First calendar year of that path.
    """

    yield_factor: float | None
    yield_cv_frac: float
    capex_factor: float = CAPEX_DOWN_FACTOR
    late_price_indexation_frac_per_yr: float = LATE_LOW_FRAC_PER_YR
    late_prices_from_year: int = LATE_FROM_YEAR

    @classmethod
    def of(cls, result: Result) -> Downside:
        """The default downside of a run: P90 yield, capex +15%, flat prices after 2030."""
        spread = yield_spread(result)
        measured = result.scenario.generation_csv is not None
        return cls(None if measured else spread.p90_factor, spread.cv_frac)

    def scenario(self, scenario: Scenario) -> Scenario:
        """The scenario under this downside (a scenario to run)."""
        out = scenario if self.yield_factor is None else with_yield(scenario, self.yield_factor)
        out = with_capex(out, self.capex_factor)
        return with_late_prices(
            out, self.late_price_indexation_frac_per_yr, self.late_prices_from_year
        )

    def figures(self, scenario: Scenario) -> list[dict[str, Any]]:
        """Each downside figure with the scenario's value, its own and its source."""
        fin = scenario.finance
        rows: list[dict[str, Any]] = []
        if self.yield_factor is not None:
            rows.append(
                {
                    "figure": "yield",
                    "scenario": say("downside.yield_scenario"),
                    "downside": say(
                        "downside.yield",
                        factor=self.yield_factor,
                        z=Z90,
                        cv_frac=self.yield_cv_frac,
                    ),
                    "value": self.yield_factor,
                    "source": say("downside.knmi_source"),
                }
            )
        else:
            rows.append(
                {
                    "figure": "yield",
                    "scenario": say("downside.measured_scenario"),
                    "downside": say("downside.measured"),
                    "value": 1.0,
                    "source": say("downside.measured_source"),
                }
            )
        rows.append(
            {
                "figure": "capex",
                "scenario": say("downside.capex_scenario", capex=fin.capex_eur_per_kwp),
                "downside": say(
                    "downside.capex",
                    rise_frac=self.capex_factor - 1,
                    capex=fin.capex_eur_per_kwp * self.capex_factor,
                ),
                "value": self.capex_factor,
                "source": say("downside.capex_source"),
            }
        )
        rows.append(
            {
                "figure": "energy prices after 2030",
                "scenario": say("downside.prices_scenario", frac=fin.price_indexation_frac_per_yr),
                "downside": say(
                    "downside.prices",
                    late_frac=self.late_price_indexation_frac_per_yr,
                    year=self.late_prices_from_year,
                    frac=fin.price_indexation_frac_per_yr,
                ),
                "value": self.late_price_indexation_frac_per_yr,
                "source": say("downside.prices_source"),
            }
        )
        return rows
