"""perceptron: the perceptron rule on points in the plane (fields.py, the run in run.py, steps.py,
and what makes a drawn variant degenerate in variants.py)."""
