"""graph: the forward and backward pass through the computation graph of an expression
(fields.py, the expression parser in expression.py, steps.py)."""
