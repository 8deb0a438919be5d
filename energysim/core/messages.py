"""The run's messages: English sentences that also carry a stable code and their figures.

A run's notes and warnings (``Result.messages``, ``summary.json`` ``messages``, what
the CLI prints) are English sentences. Each is a :class:`Message`: a ``str`` whose text
is exactly that sentence, so files and the command line read as before, and which also
carries ``code`` (a stable name from :data:`CODES`) and ``params`` (the figures and
names the sentence mentions, as plain numbers and strings). A screen in another
language says the same thing from the code and the params (the dashboard's catalogues
have one entry per code, ``msg.<code>``, in Dutch and English; a test checks that
every code in :data:`CODES` has both) and never needs to parse the English.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CODES", "Message"]

CODES: dict[str, tuple[str, ...]] = {
    # plausibility of a scenario (energysim.config.plausibility.plausibility_warnings)
    "kwp_per_dwelling_high": ("building", "kwp_per_dwelling", "usual_max"),
    "packing_unusual": ("building", "array", "packing_kwp_per_m2"),
    "consumption_households_unusual": ("building", "group", "count", "low", "high", "example_kwh"),
    "consumption_mean_unusual": ("building", "group", "mean_kwh", "low", "high"),
    "common_per_dwelling_high": ("building", "kwh_per_dwelling"),
    "dwellings_many": ("building", "dwellings"),
    "members_many": ("building", "members"),
    "floor_area_unusual": ("building", "count", "low", "high", "example_m2"),
    "sce_members_few": ("building", "needed", "capacity_kwp", "members"),
    "sce_capacity_high": ("building", "capacity_kwp"),
    # plausibility of a finished run (energysim.results.warnings.result_warnings)
    "benefit_above_bill": ("count", "participant", "benefit_eur", "bill_eur"),
    "specific_yield_unusual": ("specific_yield", "low", "high"),
    "ev_kwh_per_day_high": ("building", "count", "usual_max", "example_kwh"),
    "ev_charger_short": (
        "building",
        "count",
        "example_kwh",
        "charger_kw",
        "plugged_h",
        "max_kwh",
    ),
    # money and connections (energysim.money.accounts)
    "panel_fee_above_limit": ("building", "fee_eur", "limit_eur", "limit_after_eur"),
    "panel_fee_above_limit_after": ("building", "fee_eur", "limit_after_eur"),
    # the Huurcommissie's service-cost rules (energysim.money.service_costs)
    "service_cost_removable": ("building", "fee_eur"),
    "service_cost_no_maintenance": ("building", "maintenance_eur"),
    "service_cost_not_nom": ("building", "dwellings"),
    "service_cost_common_actual_cost": ("building", "charged_eur", "actual_eur"),
    "common_connection_too_small": ("building", "inverter_kw", "max_kva"),
    "sce_category_mismatch": ("building", "connection", "low_kwp", "high_kwp", "kwp"),
    "estimated_figures": ("year", "figures"),
    # readings of the law the bills apply (energysim.money.readings)
    "shared_energy_tax_charged": ("shared_kwh", "tax_eur"),
    "shared_energy_tax_exempt": ("shared_kwh",),
    "common_fee_energy_tax": ("tax_eur",),
    "dynamic_feed_in": (),
    "sce_closed": ("year", "rules_year"),
    # inputs (energysim.simulate, energysim.inputs.participants)
    "other_supplier_left_out": ("count", "supplier", "households"),
    "meter_gap_filled": ("participant", "column", "intervals", "start", "energy_kwh"),
    "household_pool": ("households", "band_ratio"),
    "consumption_single_precision": ("participants", "intervals"),
    # storage (energysim.money.batteries)
    "battery_state_of_health": (
        "building",
        "kind",
        "count",
        "lifetime_yr",
        "soh_frac",
        "capacity_kwh",
        "cycles_per_yr",
        "replacement_years",
    ),
    "battery_perfect_foresight": ("building",),
    "ev_unserved": ("building", "missing_kwh", "asked_kwh", "count", "vehicles"),
    # local ownership (energysim.ownership.tables)
    "ownership_local_rule": ("rule", "owner_types"),
    "ownership_target": ("target_frac", "scope_kw"),
    "ownership_regions": ("source",),
    "ownership_small_outside_scope": ("count", "scope_kw", "capacity_kw"),
    "ownership_mounting_unspecified": ("count",),
    "ownership_undated_counted": ("count",),
    "ownership_pipeline": ("count", "undated", "late", "target_year"),
    "ownership_target_full": (),
    "ownership_rooftop_yield": ("specific_yield",),
    "ownership_what_if": ("count", "area", "without_frac", "with_frac", "change_pp"),
    # a roof and a connection that exist (energysim.design.roof)
    "design_roof_area_missing": ("building", "capacity_kwp", "arrays_m2"),
    "design_roof_full": (
        "building",
        "arrays_m2",
        "usable_m2",
        "usable_frac",
        "roof_m2",
        "factor",
    ),
    "design_connection_large": (
        "building",
        "inverter_kw",
        "max_kva",
        "contracted_kw",
        "upgrade_eur",
    ),
    # the legal routes of a roof: why one cannot apply, what one changed (energysim.batch.routes)
    "route_sharing_not_in_force": ("year",),
    "route_nobody_to_share": (),
    "route_no_dwellings": ("building",),
    "route_no_members": ("building",),
    "route_sce_members_few": ("building", "needed", "capacity_kwp", "members"),
    "route_sce_too_large": ("building", "capacity_kwp", "max_kwp"),
    "route_sce_closed": ("year",),
    "route_postcoderoos_closed": (),
    "route_postcoderoos_ended": ("year",),
    "route_cannot_run": ("error",),
    "route_whole_roof_common": ("building", "kwp"),
    "route_whole_roof_strings": ("building", "kwp_per_dwelling", "dwellings"),
    "route_connection_large": ("building", "inverter_kw", "max_kva", "contracted_kw"),
    "route_members_left_out": ("building", "members"),
    "route_tenants_no_direct_use": ("building", "dwellings"),
    "route_home_batteries_dropped": ("building",),
    "route_shared_battery_dropped": ("building",),
    "route_panel_fee_dropped": ("fee_eur",),
    "route_one_supplier": (),
    "route_cooperative_owner": ("owner",),
    "route_members_first": (),
    "route_surplus_exported": (),
}
"""Every message code -> the names of its params (the figures a translation may use)."""


class Message(str):
    """An English sentence with a stable code and the figures it names.

    Parameters
    ----------
    text : str
        The sentence, in English, as the CLI prints it and ``summary.json`` lists it.
    code : str
        Its code, a key of :data:`CODES`.
    **params
        The figures and names the sentence mentions: exactly the names
        ``CODES[code]`` lists; numbers, strings or lists of strings.

    Raises
    ------
    ValueError
        An unknown code, or params other than the code's (a programming error, caught by
        the tests that run every message).
    """

    code: str
    params: dict[str, Any]

    def __new__(cls, text: str, code: str, **params: Any) -> Message:
        if code not in CODES:
            raise ValueError(
                f"message code: expected one of energysim.core.messages.CODES, found {code!r}"
            )
        if set(params) != set(CODES[code]):
            raise ValueError(
                f"message {code}: expected params {sorted(CODES[code])}, found {sorted(params)}"
            )
        self = super().__new__(cls, text)
        self.code = code
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # pickling (caches, process pools) keeps the code and params
        return (_rebuild, (str(self), self.code, self.params))


def _rebuild(text: str, code: str, params: dict[str, Any]) -> Message:
    return Message(text, code, **params)
