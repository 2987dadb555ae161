"""`python -m cli`: the same command line as `huren`."""

from cli.app import app

app(prog_name="huren")
