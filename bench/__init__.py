"""Benchmarks: quality and speed of the engine beside the peers a user would otherwise assemble."""
