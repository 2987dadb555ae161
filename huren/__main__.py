"""`python -m huren`: the same command line as `huren`."""

from huren.cli import app

app(prog_name="huren")
