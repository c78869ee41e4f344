"""solve: step-by-step worked solutions for exam-style neural-network problems.

    from solver import solve
    solution = solve("problems/exam1.yaml", carry="rounded")
    solution.to_json()          # the answer keys
    solution.render("latex")    # the worked solution
"""
from __future__ import annotations

from ._version import __version__

__all__ = ["solve", "check", "Settings", "__version__"]


def __getattr__(name):
    # Imported lazily so that `solve --help` does not pay for SymPy.
    if name == "solve":
        from .api import solve
        return solve
    if name == "check":
        from .checking import check
        return check
    if name == "Settings":
        from .settings import Settings
        return Settings
    raise AttributeError(name)
