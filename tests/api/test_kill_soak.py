"""`kill -9` of the server and the worker at random moments loses and duplicates nothing (issue 14).

Runs `bench/soak_kill.py` briefly (the bench does 100 kills; see its docstring for every check): the
server dies under uploads, the worker under screening and issuing, each comes back, and afterwards every
acknowledged application and document is there with its file, every submitted application was screened
once, every approval has exactly one certificate of its own, and the audit chain verifies.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_random_kills_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak_kill.py"), "--kills", "6", "--seed", "3", "--keep", str(tmp_path)],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert summary["kills"] == 6 and summary["failures"] == []
    assert summary["submitted"] > 0 and summary["certificates"] > 0
    assert {k.split()[0] for k in summary["kills_by_victim_and_moment"]} == {"server", "worker"}
