"""The Routes page: the scenario's roof under each legal route, side by side."""
