"""Entry point of ``python -m flowlang``."""

from flowlang.cli import main

raise SystemExit(main())
