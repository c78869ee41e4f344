"""forward and backprop: a network and data (read by fields.py), its steps in steps.py, and what
the batch and indexed notations show (batch_form.py, indexed_chains.py); train uses its steps."""
