"""Tests of the thesis engine (SYNTHETIC inputs, plus one run on the bundled data)."""
