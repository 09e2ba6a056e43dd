"""Unit tests of the pure read side."""
