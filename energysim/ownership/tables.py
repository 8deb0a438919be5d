"""Local-ownership tables of a register: per installation, area, kind and year.

The rules (scope, who is local, target) live in :mod:`energysim.ownership.rules`; this module
applies them. Levels: municipality, province, RES region (when the register has CBS
municipality codes) and total. Only operational installations above the scope threshold
count toward today's share; smaller ones are reported beside it; permitted and planned
installations enter the 2030 figures only.

The headline share follows the Participatiemonitor's scope: wind and solar on land, not on
buildings (:data:`HEADLINE_KINDS`). Rooftop solar above the threshold is reported beside
it, labelled: its own production and the share including it (``..._incl_rooftops_...``
columns), which is what added rooftops change and what rooftops could close.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from energysim.core.errors import DataError, EnergysimError
from energysim.ownership.notes import report_notes
from energysim.ownership.rules import (
    KINDS,
    LEVELS,
    PIPELINE,
    REGISTER_DEFAULTS,
    TARGET_YEAR,
    OwnershipRules,
    installation_kind,
)

HEADLINE_KINDS = ("wind", "solar_ground", "solar_unspecified")
"""The kinds the headline share counts: the Participatiemonitor's scope, wind and solar on
land, not on buildings (Monitor participatie hernieuwbare energie op land, RVO/EZK).
Solar whose ``mounting`` is not given counts as not on a building (a note says how many);
rooftop solar is reported beside the headline, never in it."""

INCL_ROOFTOPS = {
    "production_mwh": "production_incl_rooftops_mwh",
    "local_production_mwh": "local_production_incl_rooftops_mwh",
    "capacity_mw": "capacity_incl_rooftops_mw",
    "local_capacity_mw": "local_capacity_incl_rooftops_mw",
    "local_share_production_frac": "local_share_production_incl_rooftops_frac",
    "local_share_capacity_frac": "local_share_capacity_incl_rooftops_frac",
    "gap_mwh": "gap_incl_rooftops_mwh",
    "additional_local_mwh": "additional_local_incl_rooftops_mwh",
    "rooftop_kwp_to_close_gap": "rooftop_kwp_to_close_gap",
    "target_met": "target_met_incl_rooftops",
}
"""The figures of all installations in scope, rooftops included: the labelled second
figure, by the names of :func:`area_figures` (the rooftop kWp that closes a gap is of this
figure only: rooftops are outside the headline's scope)."""


@dataclass(frozen=True)
class OwnershipReport:
    """Local-ownership figures of a register, ready to print, write or chart.

    Attributes
    ----------
    installations : pandas.DataFrame
        One row per installation (index ``installation_id``): place, ``kind``,
        ``status``, ``commissioning_year``, ``capacity_kw``, ``production_kwh``,
        ``local_frac``, ``local_production_kwh``, ``local_capacity_kw``, ``in_scope``,
        ``what_if``, ``carries_local_frac`` (its part of all local production in scope),
        sorted by local production.
    areas : pandas.DataFrame
        One row per (``level``, ``area``), levels :data:`LEVELS` (province and RES region
        only when the register has municipality codes). The headline figures (see
        :func:`area_figures`) count the operational installations in scope of
        :data:`HEADLINE_KINDS`, the Participatiemonitor's scope; beside them: the rooftop
        solar in scope (``rooftop_...``), the figures with it (the ``..._incl_rooftops_...``
        names of :data:`INCL_ROOFTOPS`, and ``rooftop_kwp_to_close_gap``), each share
        without the what-if rooftops (``..._without_added_frac``) and the signed change the
        added ones make in percentage points (``added_change_pp``,
        ``added_change_incl_rooftops_pp``), and the installations at or below the scope
        threshold (``small_...``).
    kinds : pandas.DataFrame
        One row per (``level``, ``area``, ``kind``), kinds ``wind``, ``solar_ground``,
        ``solar_rooftop``, ``solar_unspecified`` present, plus ``monitor_scope`` (the
        headline's :data:`HEADLINE_KINDS`, what the monitor covers) and ``all``.
    progress : pandas.DataFrame
        One row per (``level``, ``area``, ``year``, ``basis``): ``basis`` is
        ``operational`` for each year up to ``now_yr``, and ``operational+permitted`` and
        ``operational+permitted+planned`` for 2030; the headline's figures and, beside
        them, ``production_incl_rooftops_mwh``,
        ``local_share_production_incl_rooftops_frac`` and ``target_met_incl_rooftops``.
    rules : OwnershipRules
    regions_source : str
        Where the province and RES-region figures come from, or why there are none.
    messages : list of str
        Assumptions and notes a reader must see (estimates, former codes, the rule).
    """

    installations: pd.DataFrame
    areas: pd.DataFrame
    kinds: pd.DataFrame
    progress: pd.DataFrame
    rules: OwnershipRules
    regions_source: str
    messages: list[str]

    @property
    def target_frac(self) -> float:
        """The target share [-]."""
        return self.rules.target_frac

    @property
    def local_types(self) -> frozenset[str]:
        """Owner types counted as local."""
        return self.rules.local

    def level(self, level: str) -> pd.DataFrame:
        """The rows of one level of :attr:`areas`, indexed by area name."""
        if level not in LEVELS:
            raise EnergysimError(f"level: expected one of {', '.join(LEVELS)}, found {level!r}")
        rows = self.areas[self.areas["level"] == level].drop(columns="level")
        return rows.set_index("area").rename_axis(level)

    @property
    def municipalities(self) -> pd.DataFrame:
        """One row per municipality (the total is :attr:`total`, never a row here)."""
        return self.level("municipality")

    @property
    def total(self) -> pd.Series:
        """The figures of the whole register."""
        return self.level("total").iloc[0]

    def chart_table(self, level: str) -> pd.DataFrame:
        """Local share per area of one level, long form, for a chart against the target.

        Returns
        -------
        pandas.DataFrame
            Columns ``area``, ``series``, ``local_share_production_frac`` and
            ``target_frac``. The series are ``monitor_scope`` (the headline: wind and solar
            on land, not on buildings) and, beside it, ``incl_rooftops`` (with rooftop solar
            above the threshold); with added rooftops ``incl_rooftops_without_added`` and
            ``incl_rooftops_with_added`` instead of the latter.
        """
        rows = self.level(level).reset_index().rename(columns={level: "area"})
        series = {"monitor_scope": "local_share_production_frac"}
        if not self.installations["what_if"].any():
            series["incl_rooftops"] = "local_share_production_incl_rooftops_frac"
        else:
            series["incl_rooftops_without_added"] = (
                "local_share_production_incl_rooftops_without_added_frac"
            )
            series["incl_rooftops_with_added"] = "local_share_production_incl_rooftops_frac"
        parts = [
            pd.DataFrame(
                {
                    "area": rows["area"],
                    "series": name,
                    "local_share_production_frac": rows[column],
                    "target_frac": self.rules.target_frac,
                }
            )
            for name, column in series.items()
        ]
        return pd.concat(parts, ignore_index=True)


def area_figures(inst: pd.DataFrame, by: list[str], rules: OwnershipRules) -> pd.DataFrame:
    """Sum installations by area and derive local shares and the gap to the target.

    Parameters
    ----------
    inst : pandas.DataFrame
        Installations with ``production_kwh``, ``local_production_kwh``, ``capacity_kw``,
        ``local_capacity_kw`` and the ``by`` columns.
    by : list of str
        Grouping columns.
    rules : OwnershipRules

    Returns
    -------
    pandas.DataFrame
        Per group: ``installations``, ``production_mwh``, ``local_production_mwh``,
        ``local_share_production_frac`` (NaN without production), ``capacity_mw``,
        ``local_capacity_mw``, ``local_share_capacity_frac``, ``gap_mwh``,
        ``additional_local_mwh``, ``rooftop_kwp_to_close_gap``, ``target_met``.

    Notes
    -----
    Local share by production ``L / E = sum_i f_i E_i / sum_i E_i`` and by capacity
    ``sum_i f_i P_i / sum_i P_i``, ``f_i`` the local fraction of installation ``i``.
    ``gap = max(0, t E - L)``. New, fully local production ``dE`` closes it when
    ``(L + dE) / (E + dE) = t``: ``dE = gap / (1 - t)``, infinite for ``t = 1`` (adding
    production never makes a share with non-local owners 100%). Rooftop capacity to
    close it: ``dE / specific yield``.
    """
    g = inst.groupby(by, sort=True)
    sums = pd.DataFrame(
        {
            "installations": g.size(),
            "production_mwh": g["production_kwh"].sum() / 1000,
            "local_production_mwh": g["local_production_kwh"].sum() / 1000,
            "capacity_mw": g["capacity_kw"].sum() / 1000,
            "local_capacity_mw": g["local_capacity_kw"].sum() / 1000,
        }
    )
    return derive_figures(sums, rules)


def derive_figures(sums: pd.DataFrame, rules: OwnershipRules) -> pd.DataFrame:
    """Add shares, gap and the rooftop capacity that closes it to summed production.

    ``sums`` has ``production_mwh`` and ``local_production_mwh`` (and, optionally,
    ``capacity_mw`` and ``local_capacity_mw``); the formulas are those of
    :func:`area_figures`.
    """
    out = sums.copy()
    production = out["production_mwh"]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (out["local_production_mwh"] / production).where(production > 0)
        out["local_share_production_frac"] = share
        if "capacity_mw" in out.columns:
            capacity = out["capacity_mw"]
            out["local_share_capacity_frac"] = (out["local_capacity_mw"] / capacity).where(
                capacity > 0
            )
        gap = (rules.target_frac * production - out["local_production_mwh"]).clip(lower=0.0)
        # a gap below a millionth of the production is rounding, not a gap
        gap = gap.where(gap > 1e-9 * production, 0.0)
        out["gap_mwh"] = gap
        t = rules.target_frac
        out["additional_local_mwh"] = gap / (1 - t) if t < 1 else gap.where(gap == 0, np.inf)
    out["rooftop_kwp_to_close_gap"] = (
        out["additional_local_mwh"] * 1000 / rules.specific_yield_kwh_per_kwp
    )
    out["target_met"] = (production > 0) & (gap == 0)
    return out


def build_report(register: pd.DataFrame, rules: OwnershipRules) -> OwnershipReport:
    """Compute local ownership per installation, area, kind and year.

    Parameters
    ----------
    register : pandas.DataFrame
        As returned by :func:`energysim.ownership.register.read_register`, possibly with rows from
        :func:`add_installations`.
    rules : OwnershipRules

    Raises
    ------
    DataError
        For an operational installation commissioned after ``rules.now_yr``.
    """
    inst = _installations(register, rules)
    late = (inst["status"] == "operational") & (inst["commissioning_year"] > rules.now_yr)
    if late.any():
        name = inst.index[late][0]
        raise DataError(
            f"installation {name!r}: status 'operational' with commissioning_year "
            f"{inst.loc[name, 'commissioning_year']:.0f}, after the current year {rules.now_yr} "
            "(give status permitted or planned)"
        )
    coded = bool((inst["municipality_code"] != "").all())
    levels = list(LEVELS) if coded else ["municipality", "total"]
    operational = inst[inst["status"] == "operational"]
    areas = _areas(operational, levels, rules)
    kinds = _kinds(operational[operational["in_scope"]], levels, rules)
    progress = _progress(inst[inst["in_scope"]], levels, rules)
    regions_source = (
        str(register.attrs.get("regions_source", "region table of energysim.ownership.regions"))
        if coded
        else "no province or RES-region totals: the register has no municipality_code column "
        "(or not for every installation)"
    )
    messages = report_notes(register, inst, areas, rules, regions_source)
    return OwnershipReport(inst, areas, kinds, progress, rules, regions_source, messages)


def ownership_report(
    register: pd.DataFrame, rules: OwnershipRules | None = None
) -> OwnershipReport:
    """Compute local ownership per installation, area, kind and year: :func:`build_report`
    under ``rules`` (default :class:`~energysim.ownership.rules.OwnershipRules`)."""
    return build_report(register, rules or OwnershipRules())


def _installations(register: pd.DataFrame, rules: OwnershipRules) -> pd.DataFrame:
    reg = register.copy()
    for column, default in REGISTER_DEFAULTS.items():
        if column not in reg.columns:
            reg[column] = default
    if "kind" not in reg.columns:
        reg["kind"] = installation_kind(reg["technology"], reg["mounting"])
    reg["local_share"] = np.where(reg["owner_type"].isin(rules.local), reg["share_frac"], 0.0)
    first = [
        "municipality",
        "municipality_code",
        "province",
        "res_region",
        "technology",
        "kind",
        "status",
        "commissioning_year",
        "capacity_kw",
        "production_kwh",
        "what_if",
    ]
    inst = reg.groupby("installation_id", sort=True).agg(
        **{c: (c, "first") for c in first}, local_frac=("local_share", "sum")
    )
    inst["what_if"] = inst["what_if"].astype(bool)
    inst["local_production_kwh"] = inst["local_frac"] * inst["production_kwh"]
    inst["local_capacity_kw"] = inst["local_frac"] * inst["capacity_kw"]
    inst["in_scope"] = inst["capacity_kw"] > rules.scope_above_kw
    inst["total"] = "total"
    inst = inst.sort_values(["local_production_kwh", "production_kwh"], ascending=False)
    counted = inst["in_scope"] & (inst["status"] == "operational")
    total_local = inst.loc[counted, "local_production_kwh"].sum()
    inst["carries_local_frac"] = np.where(
        counted & (total_local > 0), inst["local_production_kwh"] / max(total_local, 1e-300), 0.0
    )
    return inst


def _stack(frames: dict[str, pd.DataFrame], extra: list[str] | None = None) -> pd.DataFrame:
    """Stack per-level frames indexed by area (and ``extra`` keys) into long form."""
    parts = []
    for level, frame in frames.items():
        part = frame.reset_index()
        part = part.rename(columns={part.columns[0]: "area"})
        part.insert(0, "level", level)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    order = ["level", "area", *(extra or [])]
    return out[order + [c for c in out.columns if c not in order]]


def _areas(operational: pd.DataFrame, levels: list[str], rules: OwnershipRules) -> pd.DataFrame:
    scope = operational[operational["in_scope"]]
    headline = scope[scope["kind"].isin(HEADLINE_KINDS)]
    rooftops = scope[~scope["kind"].isin(HEADLINE_KINDS)]
    small = operational[~operational["in_scope"]]
    frames = {}
    for level in levels:
        names = pd.Index(sorted(operational[level].unique()), name=level)
        figures = area_figures(headline, [level], rules).reindex(names)
        figures = figures.drop(columns="rooftop_kwp_to_close_gap")
        _what_if(figures, headline, level, names, rules, "local_share_production", "added_change")
        roofs = rooftops.groupby(level)
        figures["rooftop_installations"] = roofs.size().reindex(names).fillna(0).astype(int)
        for column in ("production", "local_production"):
            figures[f"rooftop_{column}_mwh"] = (
                (roofs[f"{column}_kwh"].sum() / 1000).reindex(names).fillna(0.0)
            )
        figures["rooftop_capacity_mw"] = (roofs["capacity_kw"].sum() / 1000).reindex(names)
        figures["rooftop_capacity_mw"] = figures["rooftop_capacity_mw"].fillna(0.0)
        incl = area_figures(scope, [level], rules).reindex(names)
        for column, name in INCL_ROOFTOPS.items():
            figures[name] = incl[column]
        _what_if(
            figures,
            scope,
            level,
            names,
            rules,
            "local_share_production_incl_rooftops",
            "added_change_incl_rooftops",
        )
        base = scope[~scope["what_if"]]
        without = area_figures(base, [level], rules).reindex(names)
        figures["rooftop_kwp_to_close_gap_without_added"] = without["rooftop_kwp_to_close_gap"]
        figures["added_installations"] = (
            scope[scope["what_if"]].groupby(level).size().reindex(names).fillna(0).astype(int)
        )
        sm = small.groupby(level)
        figures["small_installations"] = sm.size().reindex(names).fillna(0).astype(int)
        figures["small_capacity_mw"] = (sm["capacity_kw"].sum() / 1000).reindex(names).fillna(0.0)
        figures["small_production_mwh"] = (
            (sm["production_kwh"].sum() / 1000).reindex(names).fillna(0.0)
        )
        figures["small_local_production_mwh"] = (
            (sm["local_production_kwh"].sum() / 1000).reindex(names).fillna(0.0)
        )
        figures["installations"] = figures["installations"].fillna(0).astype(int)
        for met in ("target_met", "target_met_incl_rooftops"):
            figures[met] = figures[met].fillna(False).astype(bool)
        sums = ["production_mwh", "local_production_mwh", "capacity_mw", "local_capacity_mw"]
        sums += [INCL_ROOFTOPS[c] for c in sums]
        figures[sums] = figures[sums].fillna(0.0)
        codes = operational.groupby(level)["municipality_code"].first().reindex(names)
        figures.insert(0, "code", codes if level == "municipality" else "")
        frames[level] = figures
    return _stack(frames)


def _what_if(
    figures: pd.DataFrame,
    counted: pd.DataFrame,
    level: str,
    names: pd.Index,
    rules: OwnershipRules,
    share: str,
    change: str,
) -> None:
    """Add ``<share>_without_added_frac`` (the share of ``counted`` without the what-if
    installations) and ``<change>_pp``, the signed change the added ones make, in
    percentage points (0 where they are outside what ``counted`` holds)."""
    without = area_figures(counted[~counted["what_if"]], [level], rules).reindex(names)
    figures[f"{share}_without_added_frac"] = without["local_share_production_frac"]
    figures[f"{change}_pp"] = 100 * (
        figures[f"{share}_frac"].fillna(0.0) - without["local_share_production_frac"].fillna(0.0)
    )


def _kinds(scope: pd.DataFrame, levels: list[str], rules: OwnershipRules) -> pd.DataFrame:
    monitor = scope[scope["kind"].isin(HEADLINE_KINDS)]
    frames = {}
    for level in levels:
        parts = [area_figures(scope, [level, "kind"], rules).reset_index("kind")]
        for kind, rows in (("monitor_scope", monitor), ("all", scope)):
            if len(rows):
                figures = area_figures(rows, [level], rules)
                figures.insert(0, "kind", kind)
                parts.append(figures)
        frames[level] = pd.concat(parts)
    columns = [
        "kind",
        "installations",
        "production_mwh",
        "local_production_mwh",
        "local_share_production_frac",
        "capacity_mw",
        "local_share_capacity_frac",
    ]
    if scope.empty:
        return pd.DataFrame(columns=["level", "area", *columns])
    out = _stack({lv: f[columns] for lv, f in frames.items()}, ["kind"])
    order = {k: i for i, k in enumerate(KINDS)}
    out["_order"] = out["kind"].map(order)
    return (
        out.sort_values(["level", "area", "_order"], key=_level_key, kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _level_key(column: pd.Series) -> pd.Series:
    return column.map({lv: i for i, lv in enumerate(LEVELS)}) if column.name == "level" else column


def _progress(scope: pd.DataFrame, levels: list[str], rules: OwnershipRules) -> pd.DataFrame:
    """The share per year and in 2030: the headline's (:data:`HEADLINE_KINDS`), and beside
    it the share with rooftops, over the same years (from the first commissioning year of
    any installation in scope)."""
    year = scope["commissioning_year"]
    known = year[(scope["status"] == "operational") & year.notna() & ~scope["what_if"]]
    first_yr = int(known.min()) if len(known) else rules.now_yr
    keys = ["level", "area", "year", "basis"]
    incl = _progress_of(scope, levels, rules, first_yr)
    head = _progress_of(scope[scope["kind"].isin(HEADLINE_KINDS)], levels, rules, first_yr)
    out = head.merge(
        incl[[*keys, "production_mwh", "local_share_production_frac", "target_met"]].rename(
            columns={
                "production_mwh": "production_incl_rooftops_mwh",
                "local_share_production_frac": "local_share_production_incl_rooftops_frac",
                "target_met": "target_met_incl_rooftops",
            }
        ),
        on=keys,
        how="right",
    )
    filled = {"installations": 0, "production_mwh": 0.0, "local_production_mwh": 0.0}
    out = out.fillna(filled)
    out["installations"] = out["installations"].astype(int)
    out["target_met"] = out["target_met"].astype("boolean").fillna(False).astype(bool)
    return out


def _progress_of(
    scope: pd.DataFrame, levels: list[str], rules: OwnershipRules, first_yr: int
) -> pd.DataFrame:
    columns = ["level", "area", "year", "basis", "installations", "production_mwh"]
    columns += ["local_production_mwh", "local_share_production_frac", "target_met"]
    if scope.empty:
        return pd.DataFrame(columns=columns)
    year = scope["commissioning_year"]
    operational = scope["status"] == "operational"
    snapshots: list[tuple[int, str, pd.Series]] = []
    for yr in range(min(first_yr, rules.now_yr), rules.now_yr + 1):
        present = operational & (year.isna() | (year <= yr))
        present &= ~scope["what_if"] | (yr >= rules.now_yr)
        snapshots.append((yr, "operational", present))
    for basis, statuses in PIPELINE.items():
        present = scope["status"].isin(statuses) & (year.isna() | (year <= TARGET_YEAR))
        snapshots.append((TARGET_YEAR, basis, present))
    present = np.column_stack([p.to_numpy() for _, _, p in snapshots]).astype(np.float64)
    amounts = {
        "installations": present,
        "production_mwh": present * scope["production_kwh"].to_numpy()[:, None] / 1000,
        "local_production_mwh": present * scope["local_production_kwh"].to_numpy()[:, None] / 1000,
    }
    parts = []
    for level in levels:
        keys = scope[level].to_numpy()
        sums = {
            name: pd.DataFrame(values).groupby(keys, sort=True).sum().stack()
            for name, values in amounts.items()
        }
        long = pd.DataFrame(sums).rename_axis(["area", "snapshot"]).reset_index()
        long.insert(0, "level", level)
        parts.append(long)
    out = pd.concat(parts, ignore_index=True)
    out = out[out["installations"] > 0]
    out.insert(2, "year", [snapshots[i][0] for i in out["snapshot"]])
    out.insert(3, "basis", [snapshots[i][1] for i in out["snapshot"]])
    out["installations"] = out["installations"].round().astype(int)
    out = derive_figures(out.drop(columns="snapshot"), rules)
    return out[columns].reset_index(drop=True)
