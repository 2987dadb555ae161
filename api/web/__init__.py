"""The reviewers' web pages, served by the service's FastAPI app under `/`.

Server-rendered (Jinja2) with a little plain JavaScript from `static/`: nothing is fetched from the
internet, so the pages work on an intranet. The pages call `api.service` for every read and every
decision; this package only turns its results into HTML.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES_DIR = Path(__file__).parent / "templates"
