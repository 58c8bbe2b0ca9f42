"""For benchmarks that time this checkout against another git revision in one run: the revision
checked out beside it (a temporary `git worktree`, removed afterwards), and a measurement run in
a process of its own whose jobtal is one checkout's."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def checked_out(revision: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "tree"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), revision],
            check=True,
            capture_output=True,
        )
        try:
            yield tree
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False
            )


def measured_in_process(script: str, tree: Path, *arguments: str) -> dict:
    """What `script ARGUMENTS... --measure TREE` prints as JSON on its last line: the script
    measures with `tree`'s jobtal, in a process of its own."""
    result = subprocess.run(
        [sys.executable, script, *arguments, "--measure", str(tree)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"{tree}: the measurement failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])
