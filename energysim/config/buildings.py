"""A building: its dwellings and households, common installations and roof.

The households of each role (tenants of the dwellings, neighbourhood members) with
their annual consumption, the common installations behind the common connection, and
the :class:`Building` that holds them with its roof arrays and optional features
(:mod:`energysim.config.features`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import (
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    model_serializer,
    model_validator,
)

from energysim.config.allocation_policy import IncomeClass
from energysim.config.base_model import DataPath, Model, check_list_length
from energysim.config.features import EvCharging, HeatPumps, HomeBatteries, SharedBattery
from energysim.config.limits import bounds
from energysim.config.site import RoofArray

__all__ = [
    "ARCHETYPES",
    "CONNECTION_UPGRADE_ESTIMATE_EUR",
    "ROOF_USABLE_FRAC",
    "Archetype",
    "Building",
    "CommonInstallations",
    "ConsumptionDistribution",
    "ConsumptionSpec",
    "Households",
    "Members",
    "ServiceCostTerms",
    "Tenants",
]


Archetype = Literal["retired_single", "working_single", "working_couple", "family"]
"""A household's daily routine, which shapes its load profile
(:mod:`energysim.inputs.demand`)."""
ARCHETYPES: tuple[str, ...] = get_args(Archetype)
"""The archetypes by name, in the order of the demand model's tables."""


class ConsumptionDistribution(Model):
    """Annual consumption drawn per household from a distribution [kWh/yr].

    Tenants' and members' have the same ranges and limits (the fields name the tenants'
    rows of :data:`energysim.config.limits.LIMITS`, which match both).
    """

    distribution: Literal["lognormal", "normal", "uniform"] = "lognormal"
    mean_kwh: Annotated[float, bounds("buildings[].tenants.annual_kwh.mean_kwh")] = Field(
        description="Mean annual consumption [kWh/yr]."
    )
    sd_kwh: Annotated[float, bounds("buildings[].tenants.annual_kwh.sd_kwh")] = Field(
        description="Standard deviation [kWh/yr] (half-width for uniform)."
    )
    min_kwh: Annotated[float, bounds("buildings[].tenants.annual_kwh.min_kwh")] = Field(
        default=300.0, description="Floor of a draw [kWh/yr]."
    )
    seed: Annotated[int, bounds("buildings[].tenants.annual_kwh.seed")] = 0

    @model_validator(mode="after")
    def _spread_of_households(self) -> ConsumptionDistribution:
        if self.sd_kwh > MAX_CONSUMPTION_SPREAD * self.mean_kwh:
            raise ValueError(
                f"sd_kwh: expected at most {MAX_CONSUMPTION_SPREAD:g} x mean_kwh "
                f"({MAX_CONSUMPTION_SPREAD * self.mean_kwh:.6g} kWh/yr; households spread "
                f"with about 0.3-0.5 x the mean), found {self.sd_kwh:.6g}"
            )
        return self


MAX_CONSUMPTION_SPREAD = 10.0
"""Largest ``sd_kwh / mean_kwh`` of a household distribution [-]."""


def _consumption_kind(value: Any) -> str:
    """A table is a distribution, anything else is read as a list (and says so)."""
    return "~table" if isinstance(value, dict | ConsumptionDistribution) else "~list"


ConsumptionSpec = Annotated[
    Annotated[list[Annotated[float, bounds("buildings[].tenants.annual_kwh[]")]], Tag("~list")]
    | Annotated[ConsumptionDistribution, Tag("~table")],
    Discriminator(_consumption_kind),
]
"""One annual kWh per household, or a table describing their distribution."""


class Households(Model):
    """Households of one role: how their annual kWh and their profiles are made (ranges as
    the tenants' rows of the limits, which match the members too)."""

    annual_kwh: ConsumptionSpec = Field(
        default_factory=lambda: ConsumptionDistribution(mean_kwh=2000.0, sd_kwh=700.0),
        description="A list (one per household) or a distribution [kWh/yr]. Default: CBS "
        "apartments 1,930-2,070 kWh (domain.md section 7).",
    )
    archetypes: list[Archetype] | Literal["mixed"] = Field(
        default="mixed", description="Per household, or 'mixed' for the default social-housing mix."
    )
    profile_seed: Annotated[int, bounds("buildings[].tenants.profile_seed")] = Field(
        default=0, description="Seed of the household profiles."
    )
    suppliers: list[str] | None = Field(
        default=None, description="Supplier per household; sharing needs the scheme's supplier."
    )
    energy_poor: bool | list[bool] | None = Field(
        default=None,
        description="Energy-poor households, served first by a priority key: one flag for "
        "the whole group or one per household.",
    )
    income_class: IncomeClass | list[IncomeClass] | None = Field(
        default=None,
        description="Income class (low, middle, high), for a priority key by income: one "
        "for the whole group or one per household.",
    )

    @model_serializer(mode="wrap")
    def _omit_absent_flags(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        for name in ("energy_poor", "income_class"):
            if isinstance(data, dict) and name in data and data[name] is None:
                del data[name]
        return data


class Tenants(Households):
    """Dwellings of the complex that take part (the others still share the common saving)."""

    participating: Annotated[int, bounds("buildings[].tenants.participating")] = Field(
        description="Dwellings taking part in direct use."
    )


class Members(Households):
    """Neighbourhood members of the energy cooperative for this building's roof."""

    count: Annotated[int, bounds("buildings[].members.count")] = 0
    certificates: list[Annotated[float, bounds("buildings[].members.certificates[]")]] | None = (
        Field(
            default=None,
            description="Certificates per member (SCE payout key), each above 0; default equal.",
        )
    )


class CommonInstallations(Model):
    """Common installations behind the complex's common connection [kWh/yr each]."""

    lift_kwh_per_yr: Annotated[float, bounds("buildings[].common.lift_kwh_per_yr")] = 0.0
    lighting_kwh_per_yr: Annotated[float, bounds("buildings[].common.lighting_kwh_per_yr")] = 0.0
    ventilation_kwh_per_yr: Annotated[
        float, bounds("buildings[].common.ventilation_kwh_per_yr")
    ] = 0.0
    pumps_kwh_per_yr: Annotated[float, bounds("buildings[].common.pumps_kwh_per_yr")] = 0.0
    other_kwh_per_yr: Annotated[float, bounds("buildings[].common.other_kwh_per_yr")] = 0.0
    connection: Literal["small", "large"] = Field(
        default="small",
        description="Size of the common connection: small (kleinverbruik, up to 3x80 A: fixed "
        "network charge, net metering until 2026) or large (grootverbruik: capacity-based "
        "network tariff, never net metering, no tax rebate).",
    )
    contracted_capacity_kw: Annotated[
        float, bounds("buildings[].common.contracted_capacity_kw")
    ] = Field(
        default=60.0,
        description="Contracted transport capacity of a large common connection [kW] "
        "(estimate: just above 3x80 A = 55 kVA).",
    )
    connection_upgrade_eur: Annotated[
        float | None, bounds("buildings[].common.connection_upgrade_eur")
    ] = Field(
        default=None,
        description="One-off cost of making the common connection large, paid by the owners "
        "in year 0 with the installation [EUR, excl. VAT]; none when left out. `energysim "
        "design` puts in its estimate (CONNECTION_UPGRADE_ESTIMATE_EUR) when a size needs it.",
    )
    lighting_presence_dimming_frac: Annotated[
        float, bounds("buildings[].common.lighting_presence_dimming_frac")
    ] = 0.0
    ventilation_night_setback_frac: Annotated[
        float, bounds("buildings[].common.ventilation_night_setback_frac")
    ] = 0.0
    profiles_csv: DataPath | None = Field(
        default=None,
        description="Measured series replacing modelled installations: columns among lift, "
        "lighting, ventilation, pumps, other [kWh/interval], the measured-CSV format.",
    )

    def annual_kwh(self) -> dict[str, float]:
        """Annual consumption per installation kind [kWh/yr]."""
        return {
            "lift": self.lift_kwh_per_yr,
            "lighting": self.lighting_kwh_per_yr,
            "ventilation": self.ventilation_kwh_per_yr,
            "pumps": self.pumps_kwh_per_yr,
            "other": self.other_kwh_per_yr,
        }

    @property
    def total_kwh_per_yr(self) -> float:
        """Sum of all installations [kWh/yr]."""
        return float(sum(self.annual_kwh().values()))


class ServiceCostTerms(Model):
    """What the Huurcommissie's service-cost rules ask of a building's scheme that the rest
    of the scenario does not say. A field left out takes its default, and every run lists
    it among its assumptions (:mod:`energysim.money.service_costs`)."""

    panels_removable: bool | None = Field(
        default=None,
        description="The panels the fee pays for can be taken off without damage (on "
        "frames or ballast, not built into the roof); default: assumed true.",
    )
    nom_dwellings: Annotated[int | None, bounds("buildings[].service_costs.nom_dwellings")] = Field(
        default=None,
        description="Participating dwellings that are near-zero-energy (nul-op-de-meter, "
        "NOM) with an energy performance fee (EPV); default: assumed 0.",
    )
    panel_fee_maintenance_eur_per_yr: Annotated[
        float | None, bounds("buildings[].service_costs.panel_fee_maintenance_eur_per_yr")
    ] = Field(
        default=None,
        description="The part of the panel fee per dwelling that pays for maintenance "
        "[EUR/yr]; default: assumed 0 (maintenance is in the owners' running costs).",
    )


ROOF_USABLE_FRAC = 0.7
"""Default share of a flat roof's area that can carry arrays [-] (*estimate*).

A flat roof keeps an edge zone free (wind loads are highest at edges and corners,
NEN-EN 1991-1-4; work within 2 m of an unprotected edge needs fall protection,
Arbobesluit art. 3.16), plus walkways to service the arrays and room for roof
installations (ventilation units, a lift's machine room, hatches). On the 12 m deep roof
of a gallery flat a 1.5 m edge zone alone leaves (12 - 3) / 12 = 75% of the width; 70%
allows for walkways and installations. A roof survey gives the real figure:
``buildings[].roof_usable_frac``."""

CONNECTION_UPGRADE_ESTIMATE_EUR = 15_000.0
"""One-off cost of turning a small common connection (up to 3x80 A) into a large one
[EUR, excl. VAT] (*estimate*): the grid operator's one-off connection fee for a larger
low-voltage connection (regulated by the ACM, quoted per case: ACM, "Hoe kom ik aan een
nieuwe aansluiting voor elektriciteit?") plus a new main switchboard and the metering of
a large connection by the installer. Not a published figure: replace it with the grid
operator's quote (``buildings[].common.connection_upgrade_eur``)."""


FEATURE_FIELDS = ("battery", "home_batteries", "heat_pumps", "ev_charging")
"""Optional building fields (batteries, heat pumps, EV charging), left out of a dump when
absent."""


class Building(Model):
    """One apartment complex with its roof, common installations, tenants and members."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.]+$")
    postcode: str = Field(pattern=r"^[1-9][0-9]{3}( ?[A-Z]{2})?$", description="Dutch postcode.")
    dwellings: Annotated[int, bounds("buildings[].dwellings")]
    floor_area_m2: list[Annotated[float, bounds("buildings[].floor_area_m2[]")]] | None = Field(
        default=None, description="Floor area per dwelling [m2] (service-cost key 'floor_area')."
    )
    arrays: list[RoofArray] = Field(min_length=1)
    roof_area_m2: Annotated[float | None, bounds("buildings[].roof_area_m2")] = Field(
        default=None,
        description="Gross area of the roof the arrays stand on [m2] (flat roof: the "
        "building's footprint). `energysim design` proposes no size whose arrays need more "
        "than roof_area_m2 x roof_usable_frac; without it, no size above the scenario's.",
    )
    roof_usable_frac: Annotated[float, bounds("buildings[].roof_usable_frac")] = Field(
        default=ROOF_USABLE_FRAC,
        description="Share of the roof that can carry arrays [-] (estimate 0.7: edge zones, "
        "walkways, roof installations).",
    )
    common: CommonInstallations = Field(default_factory=CommonInstallations)
    tenants: Tenants
    members: Members = Field(default_factory=Members)
    battery: SharedBattery | None = None
    home_batteries: HomeBatteries | None = None
    heat_pumps: HeatPumps | None = None
    ev_charging: EvCharging | None = None
    service_costs: ServiceCostTerms | None = None

    @model_serializer(mode="wrap")
    def _omit_absent_features(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        for name in (*FEATURE_FIELDS, "service_costs"):
            if isinstance(data, dict) and data.get(name, 0) is None:
                del data[name]
        return data

    @model_validator(mode="after")
    def _features_fit(self) -> Building:
        hp, cars, home = self.heat_pumps, self.ev_charging, self.home_batteries
        limits = {
            "heat_pumps.dwellings": (hp and hp.dwellings, self.dwellings),
            "ev_charging.vehicles": (cars and cars.vehicles, self.dwellings),
            "home_batteries.dwellings": (home and home.dwellings, self.tenants.participating),
        }
        for name, (value, most) in limits.items():
            if value and value > most:
                raise ValueError(f"{name}: expected at most {most}, found {value}")
        if self.home_batteries is not None and not any(
            a.setup == "per_dwelling" for a in self.arrays
        ):
            raise ValueError(
                "home_batteries: expected an array with setup = 'per_dwelling' (a home "
                "battery charges from the dwelling's own string), found none"
            )
        return self

    @model_validator(mode="after")
    def _consistent(self) -> Building:
        if self.tenants.participating == 0 and any(a.setup == "per_dwelling" for a in self.arrays):
            raise ValueError("arrays: per_dwelling strings need tenants.participating > 0, found 0")
        if self.tenants.participating > self.dwellings:
            raise ValueError(
                f"tenants.participating: expected at most dwellings={self.dwellings}, "
                f"found {self.tenants.participating}"
            )
        check_list_length("tenants.annual_kwh", self.tenants.annual_kwh, self.dwellings)
        check_list_length("tenants.archetypes", self.tenants.archetypes, self.dwellings)
        check_list_length("tenants.suppliers", self.tenants.suppliers, self.dwellings)
        check_list_length("members.annual_kwh", self.members.annual_kwh, self.members.count)
        check_list_length("members.archetypes", self.members.archetypes, self.members.count)
        check_list_length("members.suppliers", self.members.suppliers, self.members.count)
        for role, n in (("tenants", self.dwellings), ("members", self.members.count)):
            group = getattr(self, role)
            for name in ("energy_poor", "income_class"):
                value = getattr(group, name)
                if isinstance(value, list):
                    check_list_length(f"{role}.{name}", value, n)
        check_list_length("members.certificates", self.members.certificates, self.members.count)
        check_list_length("floor_area_m2", self.floor_area_m2, self.dwellings)
        nom = self.service_costs and self.service_costs.nom_dwellings
        if nom and nom > self.tenants.participating:
            raise ValueError(
                "service_costs.nom_dwellings: expected at most tenants.participating="
                f"{self.tenants.participating}, found {nom}"
            )
        ids = [a.id for a in self.arrays]
        if len(set(ids)) != len(ids):
            raise ValueError(f"arrays: expected unique ids, found {ids}")
        return self

    @property
    def capacity_kwp(self) -> float:
        """Total DC capacity of the building's arrays [kWp]."""
        return float(sum(a.dc_capacity_kwp for a in self.arrays))

    @property
    def arrays_roof_m2(self) -> float:
        """Roof area the arrays take [m2]: each array's ``area_m2``, or its ``capacity_kwp``
        over its ``packing_kwp_per_m2`` (kWp per m2 of roof, module rows and their spacing
        included; 0.15 for east-west ballasted systems)."""
        return float(
            sum(
                a.area_m2 if a.area_m2 is not None else a.dc_capacity_kwp / a.packing_kwp_per_m2
                for a in self.arrays
            )
        )

    @property
    def usable_roof_m2(self) -> float | None:
        """Roof area that can carry arrays, ``roof_area_m2 x roof_usable_frac`` [m2];
        None when the scenario does not give the roof's area."""
        if self.roof_area_m2 is None:
            return None
        return self.roof_area_m2 * self.roof_usable_frac
