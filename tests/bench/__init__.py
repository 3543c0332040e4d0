"""Tests of the benchmarks' own logic: the real-world matrix's measuring stick."""
