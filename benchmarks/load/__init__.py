"""The pieces of benchmarks/bench_load.py: data set and server, HTTP client, profile."""
