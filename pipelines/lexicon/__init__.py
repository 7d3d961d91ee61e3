"""Data files of the relevance stage (`topic.toml`).

A package of its own so that the lexicon ships inside built wheels with the
project's `*.toml` package data.
"""
