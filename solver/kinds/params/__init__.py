"""params: count the weights and biases of a network (fields.py reads it, steps.py counts)."""
