"""Benchmarks that measure project components on data they were not built or tuned on."""
