"""`python -m cli`: the `homeward` command without its console script."""

from cli.main import main

main()
