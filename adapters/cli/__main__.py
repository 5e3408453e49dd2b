"""Run the command-line interface with ``python -m adapters.cli``."""

from adapters.cli import main

raise SystemExit(main())
