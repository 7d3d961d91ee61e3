"""Exports of a search or a set (csv, jsonl, xlsx, HTML/PDF report), charts and name masking."""
