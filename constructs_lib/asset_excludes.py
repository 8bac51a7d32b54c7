"""What never goes into the Lambda asset built from ``lambda_src/``.

``Code.from_asset("lambda_src", exclude=list(LAMBDA_ASSET_EXCLUDES))`` uses CDK's default glob
ignore mode: a pattern without a slash matches a file or directory name at any depth (minimatch
``matchBase``), and an excluded directory is skipped whole. What remains is runtime code only:
the Python packages and their data files (``tests/unit/test_lambda_asset.py`` checks it).
"""

from __future__ import annotations

from typing import Final

LAMBDA_ASSET_EXCLUDES: Final[tuple[str, ...]] = (
    # Bytecode and tool caches: rebuilt by the runtime, and they would change the asset hash.
    "__pycache__",
    "*.pyc",
    "*.pyo",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".coverage",
    "htmlcov",
    # Virtual environments and packaging metadata: boto3 comes with the runtime and Powertools
    # from the layer, so nothing installed locally belongs in the asset.
    ".venv",
    "venv",
    "*.egg-info",
    "*.dist-info",
    "requirements*.txt",
    # Tests, wherever someone puts them.
    "tests",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    # Editor and OS droppings, notes.
    ".DS_Store",
    "*.swp",
    "*~",
    "*.md",
)
