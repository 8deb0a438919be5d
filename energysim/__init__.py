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

from energysim.core.version import __version__

_EXPORTS = {
    "run": "energysim.simulate",
    "summary": "energysim.results.tables",
    "check_inputs": "energysim.validate",
    "load_scenario": "energysim.config.scenario",
    "scenario_from_dict": "energysim.config.scenario",
    "write_run": "energysim.results.outputs",
    "plausibility_warnings": "energysim.config.plausibility",
    "result_warnings": "energysim.results.warnings",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    """Import a public function of the package on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'energysim' has no attribute {name!r}")
