"""The simulator's layout: the command line on top, no import cycle, no patching in production code.

* Every module of ``simulator/`` imports in a fresh interpreter, whatever was imported before.
* The graph of imports between simulator modules — module-level and the lazy ones inside
  functions alike; not the type-only ones under ``if TYPE_CHECKING:``, which never run — has no
  cycle, and only the command line (``cli``, ``__main__``, ``commands``) imports the command line
  or ``argparse``.
* No production package uses ``unittest.mock``: the simulator hands its stand-ins to the code it
  runs (``simulator/fakes.py``) instead of patching it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SIMULATOR = REPO_ROOT / "simulator"
#: The packages that run in production or on a developer's machine (not the tests).
PRODUCTION = (
    "app.py",
    "lambda_asset.py",
    "config",
    "constructs_lib",
    "stacks",
    "lambda_src",
    "simulator",
    "benchmarks",
    "flowlang",
    "lexbot",
)
#: The command line: it may import everything; nothing else may import it.
COMMAND_LINE = ("simulator.cli", "simulator.__main__", "simulator.commands")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def simulator_modules() -> dict[str, Path]:
    return {
        module_name(path): path for path in sorted(SIMULATOR.rglob("*.py")) if "__pycache__" not in path.parts
    }


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that can run: all of them but what sits under ``if TYPE_CHECKING:``."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        children = list(ast.iter_child_nodes(node))
        if _is_type_checking(node):
            children = [child for child in children if child in getattr(node, "orelse", [])]
        pending.extend(children)


def imported_modules(path: Path, known: set[str]) -> Iterator[str]:
    """Every module ``path`` imports when it runs, functions included, as a full name.

    Imports under ``if TYPE_CHECKING:`` never run (they only tell the type checker a name), so
    they are no edge of the import graph.
    """
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            # ``from simulator import call``: the name may be a module of the package.
            yield from (
                f"{node.module}.{alias.name}"
                for alias in node.names
                if f"{node.module}.{alias.name}" in known
            )


def import_graph() -> dict[str, set[str]]:
    modules = simulator_modules()
    known = set(modules)
    return {
        name: {
            imported for imported in imported_modules(path, known) if imported in known and imported != name
        }
        for name, path in modules.items()
    }


def is_command_line(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in COMMAND_LINE)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for target in sorted(graph[node]):
            # A package's ``__init__`` runs before any of its modules: that edge is no cycle.
            if node.startswith(target + "."):
                continue
            if cycle := visit(target, [*path, node]):
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        if cycle := visit(start, []):
            return cycle
    return None


def test_there_is_no_import_cycle_between_simulator_modules() -> None:
    assert find_cycle(import_graph()) is None


def test_lazy_imports_count_and_type_only_imports_do_not(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from simulator.b import B\nelse:\n    import simulator.c\n"
        "def f():\n    from simulator import a\n",
        encoding="utf-8",
    )
    known = {"simulator.a", "simulator.b", "simulator.c"}
    assert set(imported_modules(module, known)) & known == {"simulator.a", "simulator.c"}


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_only_the_command_line_imports_the_command_line_or_argparse() -> None:
    modules = simulator_modules()
    known = set(modules)
    offenders = {
        name: sorted(
            imported
            for imported in imported_modules(path, known)
            if imported == "argparse" or is_command_line(imported)
        )
        for name, path in modules.items()
        if not is_command_line(name)
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_every_simulator_module_imports_in_a_fresh_interpreter() -> None:
    names = sorted(simulator_modules())
    names.remove("simulator.__main__")  # runs the command line
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'simulator' or m.startswith('simulator.')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
    )
    completed = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_no_production_code_patches_with_unittest_mock() -> None:
    offenders = []
    for entry in PRODUCTION:
        root = REPO_ROOT / entry
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                imported = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                if any(name == "unittest" or name.startswith(("unittest.", "mock")) for name in imported):
                    offenders.append(str(path.relative_to(REPO_ROOT)))
    assert offenders == []
