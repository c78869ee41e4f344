"""train: several epochs of gradient descent (fields.py, the run in run.py, steps.py; its worked
update is the network kind's)."""
