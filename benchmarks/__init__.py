"""Benchmarks: where every number in the README comes from."""
