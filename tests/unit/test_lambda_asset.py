"""The Lambda asset (``lambda_src`` minus ``LAMBDA_ASSET_EXCLUDES``) holds runtime code only."""

from __future__ import annotations

import ast
import fnmatch
import json
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import pytest

from constructs_lib.asset_excludes import LAMBDA_ASSET_EXCLUDES

ASSET_ROOT = Path(__file__).resolve().parents[2] / "lambda_src"

#: What the Lambda runtime provides beyond the standard library: the runtime's boto3/botocore and
#: the Powertools layer (which brings the X-Ray SDK and its dependencies).
RUNTIME_PROVIDED = {
    "boto3",
    "botocore",
    "aws_lambda_powertools",
    "aws_xray_sdk",
    "typing_extensions",
    "jmespath",
}


def _excluded(relative: PurePosixPath, patterns: Iterable[str]) -> bool:
    """CDK's glob ignore: slash-less patterns match the base name, others the relative path."""
    for pattern in patterns:
        target = relative.name if "/" not in pattern else relative.as_posix()
        if fnmatch.fnmatchcase(target, pattern):
            return True
    return False


def asset_files(root: Path, patterns: Iterable[str] = LAMBDA_ASSET_EXCLUDES) -> list[PurePosixPath]:
    """Files CDK would package from ``root``; an excluded directory is skipped with its contents."""
    patterns = tuple(patterns)
    kept: list[PurePosixPath] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        for path in sorted(directory.iterdir()):
            relative = PurePosixPath(path.relative_to(root).as_posix())
            if _excluded(relative, patterns):
                continue
            if path.is_dir():
                pending.append(path)
            else:
                kept.append(relative)
    return sorted(kept)


def _is_runtime_file(relative: PurePosixPath) -> bool:
    return relative.suffix == ".py" or (relative.suffix == ".json" and "data" in relative.parts)


def test_the_asset_holds_only_python_modules_and_data_files() -> None:
    files = asset_files(ASSET_ROOT)

    unexpected = [str(path) for path in files if not _is_runtime_file(path)]
    assert unexpected == []
    for handler in (
        "contract.py",
        "handlers/lex_hook.py",
        "handlers/contact_flow.py",
        "bot/models.py",
        "storage/dynamodb.py",
    ):
        assert PurePosixPath(handler) in files


def test_data_files_in_the_asset_are_valid_json() -> None:
    for relative in asset_files(ASSET_ROOT):
        if relative.suffix == ".json":
            json.loads((ASSET_ROOT / relative).read_text(encoding="utf-8"))


def test_the_exclude_list_removes_caches_tests_and_virtualenvs(tmp_path: Path) -> None:
    for name in (
        "handlers/lex_hook.py",
        "bot/data/faq.json",
        "bot/__pycache__/models.cpython-311.pyc",
        "bot/stale.pyc",
        "tests/test_engine.py",
        "bot/test_local.py",
        "bot/conftest.py",
        ".venv/lib/python3.11/site-packages/boto3/__init__.py",
        ".pytest_cache/v/cache/nodeids",
        ".hypothesis/examples/abc",
        "requirements.txt",
        "README.md",
        "pkg.egg-info/PKG-INFO",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")

    assert asset_files(tmp_path) == [
        PurePosixPath("bot/data/faq.json"),
        PurePosixPath("handlers/lex_hook.py"),
    ]


def _imported_top_level_modules(source: str) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


@pytest.mark.parametrize("relative", [p for p in asset_files(ASSET_ROOT) if p.suffix == ".py"], ids=str)
def test_runtime_code_imports_only_what_lambda_provides(relative: PurePosixPath) -> None:
    own_modules = {path.name if path.is_dir() else path.stem for path in ASSET_ROOT.iterdir()}
    allowed = set(sys.stdlib_module_names) | RUNTIME_PROVIDED | own_modules

    imported = _imported_top_level_modules((ASSET_ROOT / relative).read_text(encoding="utf-8"))

    assert imported <= allowed, f"{relative} imports {sorted(imported - allowed)}, absent on Lambda"


# --- no test doubles in the asset ------------------------------------------------------------------------

#: Names that mark a test double (the in-memory repositories live in ``tests/support/memory.py``).
_TEST_DOUBLE_PREFIXES = ("InMemory", "Fake", "Stub")
#: Packages no runtime module may import: the tests (and their support code) and ``unittest``.
_TEST_PACKAGES = {"tests", "unittest"}


def _test_doubles(root: Path) -> set[str]:
    """``file: name`` for every test double the asset built from ``root`` defines or imports."""
    found: set[str] = set()
    for relative in asset_files(root):
        if relative.suffix != ".py":
            continue
        for node in ast.walk(ast.parse((root / relative).read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ClassDef | ast.FunctionDef):
                names.append(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names.extend(alias.asname or alias.name for alias in node.names)
                if isinstance(node, ast.ImportFrom) and node.module:
                    names.append(node.module)
            found.update(
                f"{relative}: {name}"
                for name in names
                if name.split(".")[-1].startswith(_TEST_DOUBLE_PREFIXES)
                or name.split(".")[0] in _TEST_PACKAGES
            )
    return found


def test_no_test_double_ships_in_the_asset() -> None:
    assert [path for path in asset_files(ASSET_ROOT) if path.name == "memory.py"] == []
    assert _test_doubles(ASSET_ROOT) == set()


def test_the_test_double_check_sees_a_test_double(tmp_path: Path) -> None:
    (tmp_path / "storage").mkdir()
    (tmp_path / "storage" / "memory.py").write_text("class InMemoryOrderRepository: ...\n", encoding="utf-8")
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "app.py").write_text(
        "from storage.memory import InMemoryOrderRepository\nfrom tests.support import memory\n",
        encoding="utf-8",
    )
    assert _test_doubles(tmp_path) == {
        "storage/memory.py: InMemoryOrderRepository",
        "handlers/app.py: InMemoryOrderRepository",
        "handlers/app.py: tests.support",
    }
