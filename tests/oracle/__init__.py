"""The fix oracle: generated models x data faults, every printed fix applied literally and
judged by real Keras (see test_fix_oracle.py)."""
