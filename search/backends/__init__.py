"""The archive backends; search/open.py picks one by URL scheme."""
