"""The `huren` command line: the top layer, one module per command group, thin over the packages below.

The settings (`api.settings.Settings`, read from `HUREN_*`) are built here, once per command, and passed
down as plain arguments; nothing below `cli` and `api` reads the environment.
"""
