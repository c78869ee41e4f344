"""loss: a loss and its derivative on given outputs and targets (fields.py, steps.py)."""
