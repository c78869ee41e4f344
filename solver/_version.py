"""The version of solve: its one home (pyproject.toml reads it, `solve --version` prints it)."""
__version__ = "0.1.0"
