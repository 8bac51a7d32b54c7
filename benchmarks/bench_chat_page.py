"""The chat page's download size: its JavaScript gzipped, against the 150 KB budget.

Why gzip: CloudFront compresses the page's files for every browser that accepts it (the
distribution has ``compress`` on), so the gzipped size is what a caller on a phone downloads.
Level 9 is what CloudFront's gzip is compared against here (a slightly pessimistic stand-in: it
also serves Brotli, which is smaller). The budget covers every ``.js`` file of the built page;
``tests/web/test_chat_page_bundle.py`` checks it on a fresh build.

Usage: ``.venv/bin/python benchmarks/bench_chat_page.py [DIST]`` (default ``web/chat-page/dist``,
build it with ``make chat-page``). Prints one line per file and a total; exits 1 over budget and 2
with one line when the page is not built.
"""

from __future__ import annotations

import gzip
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

DIST: Final = Path(__file__).resolve().parents[1] / "web" / "chat-page" / "dist"
#: The JavaScript budget, gzipped (issue 15): 150 KB.
JS_BUDGET_BYTES: Final = 150 * 1024


@dataclass(frozen=True, slots=True)
class FileSize:
    name: str
    raw: int
    gzipped: int


def measure(dist: Path) -> list[FileSize]:
    """Raw and gzipped (level 9) size of every file of the built page, by name."""
    files = sorted(path for path in dist.iterdir() if path.is_file())
    return [
        FileSize(path.name, path.stat().st_size, len(gzip.compress(path.read_bytes(), 9, mtime=0)))
        for path in files
    ]


def javascript_gzipped(sizes: list[FileSize]) -> int:
    return sum(size.gzipped for size in sizes if size.name.endswith(".js"))


def main(argv: list[str]) -> int:
    dist = Path(argv[0]) if argv else DIST
    if not (dist / "index.html").is_file():
        print(f"bench_chat_page: {dist} has no built page: run `make chat-page` first", file=sys.stderr)
        return 2
    sizes = measure(dist)
    for size in sizes:
        print(f"{size.name:<12} {size.raw / 1024:8.1f} KB  gzipped {size.gzipped / 1024:7.1f} KB")
    total = javascript_gzipped(sizes)
    verdict = "within" if total <= JS_BUDGET_BYTES else "OVER"
    print(f"JavaScript gzipped: {total / 1024:.1f} KB ({verdict} the {JS_BUDGET_BYTES // 1024} KB budget)")
    return 0 if total <= JS_BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
