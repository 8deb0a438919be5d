"""Many runs: a portfolio of complexes on a scenario template, sweeps of a scenario's
fields, scenarios side by side, on processes or Dask.

Sits on the pipeline (:mod:`energysim.simulate`).
"""
