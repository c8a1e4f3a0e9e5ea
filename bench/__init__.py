"""Performance benchmark of the KAM app: ``python -m bench.run`` (see bench/README.md)."""
