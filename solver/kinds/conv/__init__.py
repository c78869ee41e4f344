"""conv: a convolution layer by hand, forward and backward (fields.py, run.py, steps.py)."""
