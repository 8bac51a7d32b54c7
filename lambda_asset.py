"""The Lambda asset root, importable from the rest of the repository.

``lambda_src/`` is packaged as the Lambda functions' code: its modules import as top-level modules
(``contract``, ``bot``, ``handlers``, ``storage``) as they do in Lambda. The infrastructure
(``config``, ``constructs_lib``, ``flowlang``, ``lexbot``) imports the contract the runtime
imports — :mod:`contract`, the one definition of every name both sides share — and the simulator
runs the handlers themselves, so each of those packages imports this module first: it puts the
asset root on ``sys.path`` once, instead of any code being copied out of the asset. pytest
(``pythonpath``) and mypy (``mypy_path``) are configured the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

#: ``<repo>/lambda_src``: what ``Code.from_asset`` packages (minus ``LAMBDA_ASSET_EXCLUDES``).
ASSET_ROOT: Final = Path(__file__).resolve().parent / "lambda_src"

if str(ASSET_ROOT) not in sys.path:
    sys.path.insert(0, str(ASSET_ROOT))
