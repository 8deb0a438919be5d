"""energysim: energy communities on Dutch housing-corporation buildings.

PV yield (pvlib) -> allocation between common installations, tenants and
neighbourhood members -> money per household under Dutch rules -> local ownership.

The main functions are reachable from the package (imported on first use, so the
command line starts quickly)::

    import energysim
    result = energysim.run("scenarios/rotterdam-galerijflat.toml")
    energysim.summary(result)["generation_kwh"]
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "run": "energysim.simulate",
    "summary": "energysim.result_tables",
    "check_inputs": "energysim.validate",
    "load_scenario": "energysim.scenario",
    "scenario_from_dict": "energysim.scenario",
    "write_run": "energysim.outputs",
    "plausibility_warnings": "energysim.plausibility",
    "result_warnings": "energysim.plausibility",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    """Import a public function of the package on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'energysim' has no attribute {name!r}")
