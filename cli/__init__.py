"""The `homeward` command (`main.py`), one module per command group."""
