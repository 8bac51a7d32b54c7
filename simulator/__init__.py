"""Local tools that exercise the bot brain without AWS: the ``python -m simulator`` command line.

``lambda_src/`` is the Lambda asset root, so its packages (``bot``, ``handlers``, ``storage``)
import as top-level packages there. The simulator runs the very same code from the repository
root, so it puts ``<repo>/lambda_src`` on ``sys.path`` once, here, instead of copying or
re-packaging anything: what the simulator exercises is byte for byte what Lambda runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

LAMBDA_SRC = Path(__file__).resolve().parent.parent / "lambda_src"

if str(LAMBDA_SRC) not in sys.path:
    sys.path.insert(0, str(LAMBDA_SRC))
