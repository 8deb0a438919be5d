"""The Design page: what would make the scenario work for everyone, and applying it."""
