"""The settings of one run, built once (by the command line or the caller) and frozen."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields

from .errors import UsageError
from .formats import NOTATIONS, listing

MAX_PARAMETERS = 1000      # the default of --max-params: a worked solution shows every parameter
COLORS = ("auto", "always", "never")
MAX_VARIANTS = 10_000     # --variants N, and the variant an answer sheet may name


@dataclass(frozen=True)
class Settings:
    """Command-line overrides; None keeps what the problem file says."""

    decimals: int | None = None
    carry: str | None = None          # rounded | exact
    notation: str | None = None       # layer | indexed | batch
    question: str | None = None       # solve only this question id
    max_parameters: int = MAX_PARAMETERS

    def __post_init__(self):
        if self.decimals is not None and not 0 <= self.decimals <= 10:
            raise UsageError(f"--decimals must be from 0 to 10, got {self.decimals}")
        if self.carry not in (None, "rounded", "exact"):
            raise UsageError(f"--carry must be rounded or exact, got {self.carry!r}")
        if self.notation is not None and self.notation not in NOTATIONS:
            raise UsageError(f"--notation must be {listing(NOTATIONS)}, got {self.notation!r}")
        if self.max_parameters < 1:
            raise UsageError("--max-params must be at least 1")

    @classmethod
    def of(cls, **kwargs) -> "Settings":
        known = {f.name for f in fields(cls)}
        for key in kwargs:
            if key not in known:
                raise UsageError(f"unknown setting {key!r} (known: {', '.join(sorted(known))})")
        return cls(**kwargs)

    def shown(self, display):
        """The display (a model.Display) with these overrides of how a question is shown."""
        for name in ("decimals", "carry", "notation"):
            value = getattr(self, name)
            if value is not None:
                display = dataclasses.replace(display, **{name: value})
        return display

    def applied_to(self, question):
        """The question (a model.Question) with these overrides of how it is shown."""
        return dataclasses.replace(question, display=self.shown(question.display))
