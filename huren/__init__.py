"""Huren (互认): certificate verification for Yangtze River Delta mutual recognition of registered metrologists."""

__version__ = "0.1.0"
