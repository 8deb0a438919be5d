"""A building's optional features: batteries, heat pumps and EV charging.

Optional per building (docs/storage-and-electrification.md). Absent fields leave every
result as it was: they are left out of the resolved scenario too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from energysim.config.base_model import DataPath, Model, check_list_length
from energysim.config.limits import bounds

__all__ = ["BatteryFigures", "EvCharging", "HeatPumps", "HomeBatteries", "SharedBattery"]


class BatteryFigures(Model):
    """Physical and money figures of a battery (estimates marked; excl. VAT).

    Shared and home batteries have the same ranges (their fields name the shared
    battery's rows of :data:`energysim.config.limits.LIMITS`; ``tests/test_limits.py``
    checks the home battery's rows agree); their physical limits differ by place.
    """

    capacity_kwh: Annotated[float, bounds("buildings[].battery.capacity_kwh")] = Field(
        description="Usable nominal capacity [kWh]."
    )
    power_kw: Annotated[float, bounds("buildings[].battery.power_kw")] = Field(
        description="Charge and discharge power [kW]."
    )
    charge_power_kw: Annotated[float | None, bounds("buildings[].battery.charge_power_kw")] = Field(
        default=None, description="Default power_kw."
    )
    discharge_power_kw: Annotated[
        float | None, bounds("buildings[].battery.discharge_power_kw")
    ] = Field(default=None, description="Default power_kw.")
    round_trip_efficiency_frac: Annotated[
        float, bounds("buildings[].battery.round_trip_efficiency_frac")
    ] = Field(
        default=0.90,
        description="AC round trip, split equally per direction (estimate: LFP 0.85-0.92).",
    )
    soc_min_frac: Annotated[float, bounds("buildings[].battery.soc_min_frac")] = 0.05
    soc_max_frac: Annotated[float, bounds("buildings[].battery.soc_max_frac")] = 0.95
    initial_soc_frac: Annotated[float | None, bounds("buildings[].battery.initial_soc_frac")] = (
        Field(default=None, description="Default min.")
    )
    capex_eur_per_kwh: Annotated[float, bounds("buildings[].battery.capex_eur_per_kwh")] = Field(
        default=600.0, description="Installed cost (estimate) [EUR/kWh]."
    )
    opex_eur_per_kwh_per_yr: Annotated[
        float, bounds("buildings[].battery.opex_eur_per_kwh_per_yr")
    ] = Field(default=6.0, description="Running costs (estimate: 1% of capex) [EUR/kWh/yr].")
    fade_frac_per_cycle: Annotated[float, bounds("buildings[].battery.fade_frac_per_cycle")] = (
        Field(
            default=0.2 / 6000,
            description="Capacity lost per equivalent full cycle (estimate: LFP 6,000 cycles "
            "to 80%).",
        )
    )
    calendar_fade_frac_per_yr: Annotated[
        float, bounds("buildings[].battery.calendar_fade_frac_per_yr")
    ] = Field(default=0.01, description="Capacity lost per year (estimate).")
    end_of_life_frac: Annotated[float, bounds("buildings[].battery.end_of_life_frac")] = Field(
        default=0.7, description="Replaced at this share of the nominal capacity."
    )
    replacement_eur_per_kwh: Annotated[
        float | None, bounds("buildings[].battery.replacement_eur_per_kwh")
    ] = Field(default=None, description="Replacement cost [EUR/kWh]; default capex.")

    @model_validator(mode="after")
    def _soc_window(self) -> BatteryFigures:
        start = self.soc_min_frac if self.initial_soc_frac is None else self.initial_soc_frac
        if not self.soc_min_frac <= start <= self.soc_max_frac:
            raise ValueError(
                "expected soc_min_frac <= initial_soc_frac <= soc_max_frac, found "
                f"{self.soc_min_frac}, {start}, {self.soc_max_frac}"
            )
        return self


class SharedBattery(BatteryFigures):
    """A battery at the building's common connection, discharging into the waterfall."""

    dispatch: Literal["self_consumption", "price_aware"] = "self_consumption"
    foresight: Literal["causal", "perfect"] = Field(
        default="causal",
        description="'perfect' plans the year knowing every future price and kWh (an upper "
        "bound, labelled as such in the outputs).",
    )
    price_csv: DataPath | None = Field(
        default=None,
        description="Day-ahead prices (column price_excl_vat_eur_per_kwh) for 'price_aware', "
        "causal or with perfect foresight; default the tariffs' supply_price_csv.",
    )
    discharge_price_quantile_frac: Annotated[
        float, bounds("buildings[].battery.discharge_price_quantile_frac")
    ] = Field(
        default=0.5,
        description="price_aware: discharge at or above this quantile of the day's prices.",
    )
    discharge_counts_as_shared: bool = Field(
        default=True,
        description="Battery energy may be shared with tenants and members (Energiewet not "
        "settled; default yes, as EU Directive 2024/1711 art. 15a covers stored energy); "
        "false: it serves the common installations only.",
    )
    discharge_energy_tax_paid_by: Literal["nobody", "owners", "households"] | None = Field(
        default=None,
        description="Energy tax on battery kWh delivered to households over the grid: "
        "default as any shared kWh ([tariffs] shared_energy_tax: 'charged' -> "
        "'households', on their bill, as Wbm art. 50 has it; 'exempt' -> 'nobody'); "
        "'owners' pay it instead (a what-if).",
    )

    def energy_tax_payer(self, shared_energy_tax: str) -> str:
        """Who pays energy tax on the battery kWh households receive: the field, else as
        any kWh shared over the grid (``"households"`` while ``shared_energy_tax`` is
        ``"charged"``, ``"nobody"`` under the what-if ``"exempt"``)."""
        if self.discharge_energy_tax_paid_by is not None:
            return self.discharge_energy_tax_paid_by
        return "households" if shared_energy_tax == "charged" else "nobody"


class HomeBatteries(BatteryFigures):
    """A battery behind each of the first dwellings' meters, charged by its own string."""

    dwellings: Annotated[int | None, bounds("buildings[].home_batteries.dwellings")] = Field(
        default=None,
        description="How many dwellings (the first ones); default every participating dwelling.",
    )


class HeatPumps(Model):
    """Air-source heat pumps in the first dwellings (space heating and hot water)."""

    dwellings: Annotated[int | None, bounds("buildings[].heat_pumps.dwellings")] = Field(
        default=None, description="Default every dwelling."
    )
    space_heat_kwh_per_yr: Annotated[
        float | None, bounds("buildings[].heat_pumps.space_heat_kwh_per_yr")
    ] = Field(default=None, description="Net space-heat demand per dwelling [kWh/yr].")
    space_heat_kwh_per_m2_per_yr: Annotated[
        float | None, bounds("buildings[].heat_pumps.space_heat_kwh_per_m2_per_yr")
    ] = Field(default=None, description="Default: the Standaard voor woningisolatie.")
    dwelling_type: Literal["apartment", "single_family"] = "apartment"
    built_before_1945: bool = False
    compactness_als_ag: Annotated[float, bounds("buildings[].heat_pumps.compactness_als_ag")] = (
        Field(default=1.0, description="Als/Ag [-].")
    )
    floor_area_m2: Annotated[float, bounds("buildings[].heat_pumps.floor_area_m2")] = Field(
        default=65.0, description="Per dwelling when the building gives none (estimate)."
    )
    heating_base_temp_degc: Annotated[
        float, bounds("buildings[].heat_pumps.heating_base_temp_degc")
    ] = 18.0
    emitter: Literal["radiator", "floor"] = "radiator"
    cop_correction_frac: Annotated[float, bounds("buildings[].heat_pumps.cop_correction_frac")] = (
        0.85
    )
    hot_water_litres_per_day: Annotated[
        float, bounds("buildings[].heat_pumps.hot_water_litres_per_day")
    ] = Field(default=80.0, description="Per dwelling (estimate: 2 persons x 40 L).")
    hot_water_temp_degc: Annotated[float, bounds("buildings[].heat_pumps.hot_water_temp_degc")] = (
        50.0
    )
    cold_water_temp_degc: Annotated[
        float, bounds("buildings[].heat_pumps.cold_water_temp_degc")
    ] = 10.0
    hot_water_reheat_hours: list[
        Annotated[int, bounds("buildings[].heat_pumps.hot_water_reheat_hours[]")]
    ] = Field(
        default_factory=lambda: [5, 6, 17, 18],
        min_length=1,
        description="Local hours in which the hot-water tank is reheated.",
    )


HourOfDay = Annotated[float, bounds("buildings[].ev_charging.arrival_h")]


class EvCharging(Model):
    """Electric vehicles of the first dwellings, charged at home once a day."""

    vehicles: Annotated[int, bounds("buildings[].ev_charging.vehicles")]
    kwh_per_day: (
        Annotated[float, bounds("buildings[].ev_charging.kwh_per_day")]
        | list[Annotated[float, bounds("buildings[].ev_charging.kwh_per_day[]")]]
    ) = Field(default=6.0, description="Per vehicle (estimate: 12,000 km/yr x 0.18 kWh/km) [kWh].")
    charger_kw: (
        Annotated[float, bounds("buildings[].ev_charging.charger_kw")]
        | list[Annotated[float, bounds("buildings[].ev_charging.charger_kw[]")]]
    ) = Field(default=11.0)
    arrival_h: HourOfDay | list[HourOfDay] = 18.0
    departure_h: HourOfDay | list[HourOfDay] = 7.5
    control: Literal["uncontrolled", "solar_following"] = "uncontrolled"

    @model_validator(mode="after")
    def _lists_per_vehicle(self) -> EvCharging:
        for name in ("kwh_per_day", "charger_kw", "arrival_h", "departure_h"):
            check_list_length(name, getattr(self, name), self.vehicles)
        return self
