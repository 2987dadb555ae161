"""Whole applications photographed on a desk, screened end to end: how many genuine ones are approved on
the spot, how many go to review or are refused, and that no altered one is ever approved.

    .venv/bin/python bench/bench_desk.py --seed N [--count M] [--set DIR] [--json]

`samples.randomise.applications` draws M genuine applications from the seed (registration certificate,
ID front and back, application form, each a phone photo on a desk) and one altered copy of each (the
holder's name, the certificate number, its validity or the ID number changed on the documents, the
registry keeping the genuine value). Each is screened by `recognition.screening.screen`, the path the
service's worker and `huren verify` take, against the set's registry on the set's as-of date.

Prints, per kind, approved / review / refused and, for the genuine ones not approved, the reason codes
that held them (with the document and field), which is where work on reading desk photos goes next.
The exit code is 1 when an altered application was approved.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.settings import Settings  # noqa: E402
from matching.registry import Registry  # noqa: E402
from recognition.screening import screen  # noqa: E402
from samples.randomise.applications import GENUINE, as_of, draw_set  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=6, help="genuine applications (each with one altered copy)")
    ap.add_argument("--set", type=Path, default=None, help="draw into (or reuse) this folder, kept afterwards")
    ap.add_argument("--genuine-only", action="store_true")
    ap.add_argument("--json", action="store_true", help="one JSON object per application, then the totals")
    args = ap.parse_args()
    root = args.set or Path(tempfile.mkdtemp(prefix=f"huren-desk-{args.seed}-"))
    if not (root / "manifest.json").is_file():
        draw_set(root, args.seed, args.count, altered=not args.genuine_only)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    registry = Registry.from_csv(root / "registry.csv")
    when = as_of(manifest)
    config = Settings().engine_config()
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    held: Counter[str] = Counter()
    approved_altered: list[str] = []
    started = time.perf_counter()
    for app in manifest["applications"]:
        files = {name: root / file for name, file in app["files"].items()}
        decision = screen(files, registry, when, config).decision
        outcome = str(decision.outcome)
        outcomes[app["kind"]][outcome] += 1
        reasons = [f"{r.code}:{r.document or '-'}:{r.field or '-'}" for r in decision.reasons]
        if app["kind"] == GENUINE and not decision.approved:
            held.update(reasons)
        if app["kind"] != GENUINE and decision.approved:
            approved_altered.append(app["key"])
        if args.json:
            print(json.dumps({"key": app["key"], "kind": app["kind"], "decision": outcome, "reasons": reasons}))
        else:
            print(f"{app['key']:<22} {outcome:<8} {' '.join(reasons)}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    genuine = outcomes.get(GENUINE, Counter())
    totals = {
        "seed": args.seed,
        "applications": len(manifest["applications"]),
        "seconds": round(elapsed, 1),
        "outcomes": {k: dict(v) for k, v in sorted(outcomes.items())},
        "genuine_approved": f"{genuine['approve']}/{sum(genuine.values())}",
        "genuine_held_by": dict(held.most_common()),
        "altered_approved": approved_altered,
    }
    if args.json:
        print(json.dumps(totals, ensure_ascii=False))
    else:
        print(f"set: {root} (seed {args.seed}, as of {when}) · {elapsed:.0f} s")
        for kind, counter in sorted(outcomes.items()):
            n = sum(counter.values())
            parts = " · ".join(f"{o} {counter[o]}" for o in ("approve", "review", "reject"))
            print(f"{kind:<12} {n:>3}: {parts}")
        print(f"genuine approved on the spot: {totals['genuine_approved']}")
        for reason, n in held.most_common():
            print(f"  held by {reason} ×{n}")
        print(f"altered approved: {len(approved_altered)} {' '.join(approved_altered)}")
    return 1 if approved_altered else 0


if __name__ == "__main__":
    raise SystemExit(main())
