"""Benchmarks and the corpus generator: run each as a script (`python bench/run.py`); the tests
import the generator as `bench.generate`."""
