"""The Compare page: the scenario under the rules of other years, or beside examples."""
