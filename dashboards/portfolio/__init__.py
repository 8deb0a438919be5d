"""The Portfolio page: a batch summary of ``energysim batch``, filtered and sorted."""
