"""What a shared battery adds to the default scenario, in 2026 and in 2027.

Runs ``scenarios/rotterdam-galerijflat.toml`` (15 minutes, embedded weather) as it is
and with a shared battery at the common connection, for the data and rules years 2026
(net metering) and 2027 (none), and prints the self-consumption with and without the
battery (the figures of ``docs/storage-and-electrification.md``).

    python scripts/battery_gain.py [--capacity-kwh 100] [--power-kw 50]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from energysim.config.scenario import load_scenario, scenario_from_dict  # noqa: E402
from energysim.results.tables import summary  # noqa: E402
from energysim.simulate import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capacity-kwh", type=float, default=100.0)
    parser.add_argument("--power-kw", type=float, default=50.0)
    args = parser.parse_args()
    base = load_scenario(REPO / "scenarios" / "rotterdam-galerijflat.toml")
    print(
        f"default scenario + shared battery {args.capacity_kwh:g} kWh / {args.power_kw:g} kW "
        "(self-consumption dispatch, other figures default)"
    )
    print(
        "year  self-consumption without  with   gain   delivered kWh  loss kWh  "
        "households' battery benefit EUR/yr  owners' export value lost EUR/yr"
    )
    for year in (2026, 2027):
        data = base.model_dump(mode="json")
        data["year"] = year
        data.pop("tariff_year", None)
        without = summary(run(scenario_from_dict(data)))
        data["buildings"][0]["battery"] = {
            "capacity_kwh": args.capacity_kwh,
            "power_kw": args.power_kw,
        }
        with_b = summary(run(scenario_from_dict(data)))
        st = with_b["storage"]
        lost = (
            without["scheme_eur"]["owners_export_value_eur"]
            - with_b["scheme_eur"]["owners_export_value_eur"]
        )
        benefit = st["battery_benefit_eur"]["tenants"] + st["battery_benefit_eur"]["members"]
        print(
            f"{year}  {without['self_consumption_frac']:24.1%}  "
            f"{with_b['self_consumption_frac']:5.1%}  {st['self_consumption_gain_frac']:+5.1%}"
            f"  {st['delivered_kwh']:13,.0f}  {st['loss_kwh']:8,.0f}  {benefit:34,.0f}"
            f"  {lost:32,.0f}"
        )


if __name__ == "__main__":
    main()
