"""Homeward's vocabulary, shared by every layer: the Article record, run records, paths
and defaults, the clock, TOML reading. Imports nothing else of Homeward's."""
