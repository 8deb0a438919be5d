"""What a run reads or makes before anything is shared: the checks before any file
is read, the time axis, weather, generation, the households' and common installations'
consumption, meter exports, heat pumps and EV charging.

Imports :mod:`energysim.core` and :mod:`energysim.config`.
"""
