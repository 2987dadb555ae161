"""Whole applications photographed on a desk: `python -m samples.randomise.applications --out DIR --seed N`.

An application is what an applicant uploads from a phone: the registration certificate, both sides of
the ID card and the form (filled in, signed, under the employer's seal), each photographed on a desk (perspective, uneven light, the page's
shadow, wood, laminate or cloth around it). Layouts come from the randomiser's parts (`families`,
`id_cards`, `forms`), so every seed draws documents Huren has not seen.

Beside each genuine application the set holds altered ones: the same documents with one thing changed
where a forger changes it — the holder's name (on every document, so they agree with each other), the
certificate number, the certificate's validity (extended), or the ID number (another valid GB 11643
number, on every document). `DIR/registry.csv` holds what the issuers recorded, the genuine values
only, so an altered application must never be approved. `DIR/manifest.json` lists every application
with its `kind` (`genuine` or the field altered) and its files.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from samples import degrade
from samples.fonts import check_fonts
from samples.generate import REGISTRY_COLUMNS, _usable_chars, registry_rows
from samples.layouts import Built
from samples.people import REFERENCE_DATE, CertNumbers, Person, make_id_number, make_person
from samples.randomise import families, forms, id_cards
from samples.randomise.generate import FONTS
from samples.randomise.sheet import render, single

SALT = 0xDE5C
AS_OF = REFERENCE_DATE
"""The day the applications are decided on: every genuine certificate and ID card is valid then."""
GENUINE = "genuine"
ALTERATIONS: tuple[str, ...] = ("name", "cert_number", "valid_until", "id_number")
"""What a forger changes, one per altered application: the registry keeps the genuine value."""
# The certificate families an application's registration certificate is drawn in (a page or a card).
CERTIFICATE_FAMILIES: tuple[str, ...] = (
    "ecert_card",
    "booklet_open",
    "ruled_table",
    "left_column",
    "bilingual",
    "reordered",
    "name_title",
)
DOCUMENTS: tuple[str, ...] = ("certificate", "id_front", "id_back", "form")


@dataclass(slots=True)
class Application:
    """One application's documents as photographed, and what (if anything) was altered on them."""

    key: str
    kind: str  # GENUINE or one of ALTERATIONS
    person: str  # the genuine holder's pid (the registry's record)
    files: dict[str, str] = field(default_factory=dict)  # document → file name in the set
    altered: dict[str, str] = field(default_factory=dict)  # field → the value printed instead (masked for ID)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "person": self.person, "files": self.files, "altered": self.altered}


def valid_on(p: Person, day: date) -> bool:
    """The holder's registration certificate and ID card are both valid on `day`."""
    reg = p.registration
    return bool(reg.valid_until and reg.valid_until >= day) and (p.id_valid_until is None or p.id_valid_until >= day)


def _other_name(p: Person, rng: random.Random, usable: str) -> str:
    """A name that differs from the holder's in one character (the surname kept), as a forger writes it."""
    chars = [c for c in usable if "\u4e00" <= c <= "\u9fff" and c not in p.name]
    i = rng.randrange(1, len(p.name))
    return p.name[:i] + rng.choice(chars) + p.name[i + 1 :]


def alter(p: Person, kind: str, rng: random.Random, usable: str) -> tuple[Person, str]:
    """The holder as a forger prints them for `kind`, and the value printed instead of the genuine one."""
    reg = p.registration
    if kind == "name":
        name = _other_name(p, rng, usable)
        return replace(p, name=name), name
    if kind == "cert_number":
        year = (reg.valid_from or AS_OF).year
        number = reg.cert_number
        while number == reg.cert_number:  # the issuer's scheme, drawn apart from the set's own numbers
            number = CertNumbers(rng).make("registration", reg.issuing_authority, year, reg.level)
        cert = replace(reg, cert_number=number)
        return replace(p, certificates=[cert]), number
    if kind == "valid_until":
        until = (reg.valid_until or AS_OF) + timedelta(days=365 * rng.randint(2, 4))
        cert = replace(reg, valid_until=until)
        return replace(p, certificates=[cert]), until.isoformat()
    if kind == "id_number":
        number = p.id_number
        while number == p.id_number:
            number = make_id_number(p.id_number[:6], p.birth_date, p.gender, rng)
        return replace(p, id_number=number), number[:6] + "*" * 8 + number[-4:]
    raise ValueError(kind)


def documents(p: Person, rng: random.Random, font: str) -> dict[str, Built]:
    """The four documents of one application, each in a drawn layout (the certificate: a registration)."""
    holder = replace(p, certificates=[p.registration])  # the families then always draw the registration
    family = rng.choice(CERTIFICATE_FAMILIES)
    certificate = families.FAMILIES[family](holder, rng, font).placed[0].built
    return {
        "certificate": certificate,
        "id_front": id_cards.draw("front", holder, rng, font),
        "id_back": id_cards.draw("back", holder, rng, font),
        "form": forms.draw(holder, rng, font, complete=True),  # as the guide asks: signed, under the seal
    }


def photograph(built: Built, rng: random.Random) -> degrade.Degraded:
    """The document photographed on a desk, at the resolution a phone gives a page of its size."""
    side_mm = max(built.page.width, built.page.height)
    dpi = max(150, min(rng.randint(200, 260), int(degrade.MAX_SIDE / (side_mm / 25.4))))
    image, _ = render(single(built, "desk"), dpi)
    return degrade.photo(image, rng)


def draw_set(out: Path, seed: int, count: int = 6, altered: bool = True) -> list[Application]:
    """`count` genuine applications (and, with `altered`, one altered copy of each, the kinds in turn)
    photographed into `out`, with the registry and a manifest; returns the applications."""
    check_fonts(FONTS)
    out.mkdir(parents=True, exist_ok=True)
    usable = _usable_chars(FONTS)
    numbers = CertNumbers(random.Random(f"{seed}:numbers"))
    deck = random.Random(seed ^ SALT).sample(ALTERATIONS, len(ALTERATIONS))
    people: list[Person] = []
    apps: list[Application] = []
    for i in range(count):
        rng = random.Random(f"{seed}:{i}:application")
        person = make_person(i + 1, rng, numbers, usable, prefix="D")
        while not valid_on(person, AS_OF):  # a genuine application is made while the certificate holds
            person = make_person(i + 1, rng, numbers, usable, prefix="D")
        people.append(person)
        kinds = [GENUINE] + ([deck[i % len(deck)]] if altered else [])
        for kind in kinds:
            krng = random.Random(f"{seed}:{i}:{kind}")
            printed, value = (person, "") if kind == GENUINE else alter(person, kind, krng, usable)
            app = Application(f"a{i + 1:03d}-{kind}", kind, person.pid)
            if kind != GENUINE:
                app.altered[kind] = value
            font = krng.choice(FONTS)
            for name, built in documents(printed, krng, font).items():
                shot = photograph(built, krng)
                path = out / f"{app.key}-{name}.jpg"
                shot.image.convert("RGB").save(path, "JPEG", quality=shot.jpeg_quality or 85)
                app.files[name] = path.name
            apps.append(app)
    with (out / "registry.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_COLUMNS)
        writer.writeheader()
        writer.writerows(registry_rows(people))
    manifest = {
        "generator": "samples.randomise.applications",
        "seed": seed,
        "count": count,
        "as_of": AS_OF.isoformat(),
        "applications": [a.to_json() for a in apps],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return apps


def as_of(manifest: dict[str, Any]) -> date:
    return date.fromisoformat(str(manifest.get("as_of", AS_OF.isoformat())))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m samples.randomise.applications", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, required=True, help="the same seed draws the same applications")
    ap.add_argument("--count", type=int, default=6, help="genuine applications (each with one altered copy)")
    ap.add_argument("--genuine-only", action="store_true", help="no altered copies")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    apps = draw_set(args.out, args.seed, args.count, altered=not args.genuine_only)
    print(f"{len(apps)} applications in {args.out} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
