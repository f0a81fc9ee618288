"""Scaling out: the per-file work on a Dask cluster, or in shards joined by merge."""
