"""Local-ownership tables of a register: per installation, area, kind and year.

The rules (scope, who is local, target) live in :mod:`energysim.ownership.rules`; this module
applies them. Levels: municipality, province, RES region (when the register has CBS
municipality codes) and total. Only operational installations above the scope threshold
count toward today's share; smaller ones are reported beside it; permitted and planned
installations enter the 2030 figures only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from energysim.core.errors import DataError, EnergysimError
from energysim.core.messages import Message
from energysim.ownership.rules import (
    KINDS,
    LEVELS,
    LOCAL_RULES,
    PIPELINE,
    REGISTER_DEFAULTS,
    TARGET_YEAR,
    OwnershipRules,
    installation_kind,
)


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
        only when the register has municipality codes): operational installations in
        scope (see :func:`area_figures`), the same without the what-if rooftops
        (``..._without_added``), ``added_change_pp`` (signed change of the local share by
        the added rooftops, in percentage points), ``rooftop_kwp_to_close_gap`` and the
        installations at or below the scope threshold (``small_...``).
    kinds : pandas.DataFrame
        One row per (``level``, ``area``, ``kind``), kinds ``wind``, ``solar_ground``,
        ``solar_rooftop``, ``solar_unspecified`` present, plus ``monitor_scope`` (wind and
        ground solar, what the monitor covers) and ``all``.
    progress : pandas.DataFrame
        One row per (``level``, ``area``, ``year``, ``basis``): ``basis`` is
        ``operational`` for each year up to ``now_yr``, and ``operational+permitted`` and
        ``operational+permitted+planned`` for 2030.
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
            Columns ``area``, ``series`` ("without added rooftops", "with added
            rooftops"; only "register" when nothing was added),
            ``local_share_production_frac`` and ``target_frac``.
        """
        rows = self.level(level).reset_index().rename(columns={level: "area"})
        if not self.installations["what_if"].any():
            series = {"register": "local_share_production_frac"}
        else:
            series = {
                "without added rooftops": "local_share_production_without_added_frac",
                "with added rooftops": "local_share_production_frac",
            }
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
    messages = _messages(register, inst, areas, rules, coded, regions_source)
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
    small = operational[~operational["in_scope"]]
    base = scope[~scope["what_if"]]
    frames = {}
    for level in levels:
        names = pd.Index(sorted(operational[level].unique()), name=level)
        figures = area_figures(scope, [level], rules).reindex(names)
        without = area_figures(base, [level], rules).reindex(names)
        figures["local_share_production_without_added_frac"] = without[
            "local_share_production_frac"
        ]
        figures["rooftop_kwp_to_close_gap_without_added"] = without["rooftop_kwp_to_close_gap"]
        figures["added_installations"] = (
            scope[scope["what_if"]].groupby(level).size().reindex(names).fillna(0).astype(int)
        )
        figures["added_change_pp"] = 100 * (
            figures["local_share_production_frac"].fillna(0.0)
            - figures["local_share_production_without_added_frac"].fillna(0.0)
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
        figures["target_met"] = figures["target_met"].fillna(False).astype(bool)
        sums = ["production_mwh", "local_production_mwh", "capacity_mw", "local_capacity_mw"]
        figures[sums] = figures[sums].fillna(0.0)
        codes = operational.groupby(level)["municipality_code"].first().reindex(names)
        figures.insert(0, "code", codes if level == "municipality" else "")
        frames[level] = figures
    return _stack(frames)


def _kinds(scope: pd.DataFrame, levels: list[str], rules: OwnershipRules) -> pd.DataFrame:
    monitor = scope[scope["kind"].isin(["wind", "solar_ground"])]
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
    year = scope["commissioning_year"]
    operational = scope["status"] == "operational"
    known = year[operational & year.notna() & ~scope["what_if"]]
    first_yr = int(known.min()) if len(known) else rules.now_yr
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
        "local_production_mwh": present
        * scope["local_production_kwh"].to_numpy()[:, None]
        / 1000,
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
    columns = ["level", "area", "year", "basis", "installations", "production_mwh"]
    columns += ["local_production_mwh", "local_share_production_frac", "target_met"]
    return out[columns].reset_index(drop=True)


def _messages(
    register: pd.DataFrame,
    inst: pd.DataFrame,
    areas: pd.DataFrame,
    rules: OwnershipRules,
    coded: bool,
    regions_source: str,
) -> list[str]:
    msgs: list[str] = [
        Message(
            f"Local owners counted: {LOCAL_RULES[rules.rule]} (rule '{rules.rule}'); owner "
            f"types counted as local: {', '.join(sorted(rules.local))}.",
            "ownership_local_rule",
            rule=rules.rule,
            owner_types=sorted(rules.local),
        ),
        Message(
            f"Target {rules.target_frac:.0%} of production of wind and solar above "
            f"{rules.scope_above_kw:g} kW; only operational installations count today.",
            "ownership_target",
            target_frac=rules.target_frac,
            scope_kw=rules.scope_above_kw,
        ),
        Message(f"Regions: {regions_source}.", "ownership_regions", source=regions_source),
    ]
    if "code_note" in register.columns:
        msgs += sorted({str(n) for n in register["code_note"] if n})
    small = inst[~inst["in_scope"] & (inst["status"] == "operational")]
    if len(small):
        msgs.append(
            Message(
                f"{len(small)} installation(s) of {rules.scope_above_kw:g} kW or less "
                f"({small['capacity_kw'].sum():,.1f} kW) are outside the target's scope and "
                "reported separately (small_... columns).",
                "ownership_small_outside_scope",
                count=len(small),
                scope_kw=rules.scope_above_kw,
                capacity_kw=float(small["capacity_kw"].sum()),
            )
        )
    msgs += _dating_messages(inst)
    if rules.target_frac >= 1:
        msgs.append(
            Message(
                "With a target of 100%, adding local production never closes a gap while any "
                "non-local production remains: additional_local_mwh and "
                "rooftop_kwp_to_close_gap are infinite (null in JSON) wherever the target is "
                "not met.",
                "ownership_target_full",
            )
        )
    msgs.append(
        Message(
            f"rooftop_kwp_to_close_gap assumes new, fully local rooftops yielding "
            f"{rules.specific_yield_kwh_per_kwp:,.0f} kWh/kWp/yr (an estimate).",
            "ownership_rooftop_yield",
            specific_yield=rules.specific_yield_kwh_per_kwp,
        )
    )
    added = inst[inst["what_if"]]
    if len(added):
        rows = areas[(areas["level"] == "municipality") & (areas["added_installations"] > 0)]
        for _, row in rows.iterrows():
            msgs.append(
                Message(
                    f"What-if: {row['added_installations']} added rooftop(s) change the local "
                    f"share of {row['area']} from "
                    f"{row['local_share_production_without_added_frac']:.2%} "
                    f"to {row['local_share_production_frac']:.2%} "
                    f"({row['added_change_pp']:+.3f} percentage points).",
                    "ownership_what_if",
                    count=int(row["added_installations"]),
                    area=str(row["area"]),
                    without_frac=float(row["local_share_production_without_added_frac"]),
                    with_frac=float(row["local_share_production_frac"]),
                    change_pp=float(row["added_change_pp"]),
                )
            )
    return msgs


def _dating_messages(inst: pd.DataFrame) -> list[str]:
    """Operational installations without a year; the pipeline's permitted and planned."""
    msgs: list[str] = []
    in_scope = inst[inst["in_scope"]]
    undated = in_scope[
        (in_scope["status"] == "operational")
        & in_scope["commissioning_year"].isna()
        & ~in_scope["what_if"]
    ]
    if len(undated) and len(undated) < len(in_scope):
        msgs.append(
            Message(
                f"Assumption: {len(undated)} operational installation(s) without "
                "commissioning_year are counted in every year of the history.",
                "ownership_undated_counted",
                count=len(undated),
            )
        )
    pipeline = in_scope[in_scope["status"] != "operational"]
    if len(pipeline):
        undated_pipe = int(pipeline["commissioning_year"].isna().sum())
        late = int((pipeline["commissioning_year"] > TARGET_YEAR).sum())
        msgs.append(
            Message(
                f"Pipeline: {len(pipeline)} permitted or planned installation(s) in scope; "
                f"{undated_pipe} without a year are assumed built by {TARGET_YEAR}, {late} "
                f"expected after {TARGET_YEAR} are left out of the {TARGET_YEAR} figures "
                "(an estimate: not every planned project is built).",
                "ownership_pipeline",
                count=len(pipeline),
                undated=undated_pipe,
                late=late,
                target_year=TARGET_YEAR,
            )
        )
    return msgs
