"""The Results page's figures and tables as plain Python, testable without a browser.

From a run's summary, participants table and time series (nothing recomputed): the
headline figures, where the energy went, typical days, months, benefit per household.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t

SEASONS = ("winter", "spring", "summer", "autumn")
"""Seasons in calendar order (the year starts in winter)."""
_SEASON = {1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring", 6: "summer"}
_SEASON |= {7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn", 12: "winter"}
ROLES = ("common", "tenants", "members")
"""The tiers of the summary's ``allocated_kwh``, in the engine's default order."""


def typical_days(ts: pd.DataFrame) -> pd.DataFrame:
    """Mean kW by time of day and season: generation and each tier's consumption."""
    step_h = (ts.index[1] - ts.index[0]) / pd.Timedelta(hours=1)
    cols = [
        "generation_kwh",
        "consumption_common_kwh",
        "consumption_tenants_kwh",
        "consumption_members_kwh",
    ]
    frame = ts[cols] / step_h
    frame.columns = [c.replace("_kwh", "_kw") for c in cols]
    # the season of each interval by its month's code (a lookup, not a map of 35,040 labels)
    codes = np.array([SEASONS.index(_SEASON[m]) for m in range(1, 13)], dtype=np.int8)
    frame["season"] = pd.Categorical.from_codes(
        codes[ts.index.month.to_numpy() - 1], categories=list(SEASONS), ordered=True
    )
    frame["time_of_day_h"] = ts.index.hour + ts.index.minute / 60
    return frame.groupby(["season", "time_of_day_h"], observed=True).mean().reset_index()


def monthly(ts: pd.DataFrame) -> pd.DataFrame:
    """Monthly kWh: generation, allocation per role, export."""
    cols = [
        "generation_kwh",
        "allocated_common_kwh",
        "allocated_tenants_kwh",
        "allocated_members_kwh",
        "export_kwh",
    ]
    out = ts[cols].groupby(ts.index.month).sum()
    out.index.name = "month"
    return out


STAT_COLUMNS = ["households", "mean_eur", "p10_eur", "median_eur", "p90_eur", "better_off_frac"]
LEAST = 5


def headline(s: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The five headline figures: label key -> (value as shown, help key)."""
    return {
        "results.generation": (fmt.number(s["generation_kwh"]), "help.generation"),
        "results.self_consumption": (
            fmt.percent(s["self_consumption_frac"]),
            "help.self_consumption",
        ),
        "results.self_sufficiency": (
            fmt.percent(s["self_sufficiency_frac"]),
            "help.self_sufficiency",
        ),
        "results.local_ownership": (fmt.percent(s["local_ownership_frac"]), "help.local_ownership"),
        "results.benefit_total": (
            fmt.eur(s["household_benefit_total_eur"]),
            "help.benefit_total",
        ),
    }


def benefit_stats(s: dict[str, Any]) -> pd.DataFrame:
    """The summary's statistics of benefit per household, one row per role."""
    stats = pd.DataFrame(
        {role: {k: v[k] for k in STAT_COLUMNS} for role, v in s["household_benefit_eur"].items()}
    ).T
    stats.index.name = "role"
    return stats


def shown_stats(stats: pd.DataFrame) -> pd.DataFrame:
    """The statistics as people read them (words, %, whole euros)."""
    out = pd.DataFrame(index=[t(f"role_plural.{r}") for r in stats.index])
    out[t("col.households")] = [fmt.count(v) for v in stats["households"]]
    for column in ("mean_eur", "p10_eur", "median_eur", "p90_eur"):
        out[t(f"col.{column}")] = [fmt.eur(v) for v in stats[column]]
    out[t("col.better_off_frac")] = [fmt.percent(v, 0) for v in stats["better_off_frac"]]
    return out


def least(households: pd.DataFrame) -> pd.DataFrame:
    """The households that gain least (lowest benefit first), per group: tenants taking
    part, tenants not taking part (they gain through the common installations' service
    costs, often least of all), members."""
    columns = [
        "participant_id",
        "role",
        "participating",
        "consumption_kwh",
        "allocated_kwh",
        "benefit_eur",
    ]
    groups = households.groupby(["role", "participating"], sort=False)
    order = sorted(groups.groups, key=lambda g: (g[0] != "tenant", not g[1]))
    parts = [groups.get_group(g).nsmallest(LEAST, "benefit_eur")[columns] for g in order]
    return pd.concat(parts, ignore_index=True) if parts else households[columns].head(0)


def with_role_words(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with roles in words (tenant -> huurder)."""
    return frame.assign(role=frame["role"].map(lambda r: t(f"role.{r}")))
