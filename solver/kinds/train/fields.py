"""The fields of a train question beyond its network, data, loss and learning rate.

    kind: train
    epochs: 20                 # passes over the training set (1 to 100,000)
    batch: full                # full (default) | a size from 1 to the number of examples (1: stochastic)
                               #   | a list of these, to compare them on the same data: [full, 1, 2]
    shuffle: false             # false (default): the given order | a whole number: the seed of
                               #   numpy.random.default_rng, which draws a new order every epoch
    tolerance: 0.0001          # optional: stop after the first epoch whose loss differs from the
                               #   previous epoch's by less than this
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...fieldtypes import any_of, const, integer, one_or_list, positive
from ...reading import Reader, describe, suggest

MAX_EPOCHS = 100_000
MAX_SEED = 2**32 - 1
MAX_SETTINGS = 6                  # one colour each in the loss curve
KEYS = {"epochs": integer(1, MAX_EPOCHS), "batch": one_or_list(any_of(const("full"), integer(1)), MAX_SETTINGS),
        "shuffle": any_of(const(False), integer(0, MAX_SEED)),
        "tolerance": positive()}     # key -> type (solver/fieldtypes.py); tolerance: stop training
# Work limits, so that the largest run allowed ends within a minute on a small machine (measured
# on 2 shared cores, bench/train.py --large: an update of a small network costs about 60
# microseconds of CPU, an example pass about 0.05; 500,000 updates of batch 16 on 10,000
# examples take about 30 s). Under carry: rounded every value computed is rounded as it is
# written, which makes an update about 3.5 times dearer, and the unrounded run is done beside
# it: there every update and every example pass counts ROUNDED_WORK times. A long run shows
# its progress on a terminal (run.Progress).
MAX_UPDATES = 500_000
MAX_EXAMPLE_PASSES = 20_000_000
ROUNDED_WORK = 5
BATCH_ALIASES = {
    "batch": "full", "all": "full", "whole": "full", "gd": "full", "vanilla": "full",
    "stochastic": "1", "sgd": "1", "online": "1",
    "mini-batch": "a size, e.g. 2", "minibatch": "a size, e.g. 2", "mini_batch": "a size, e.g. 2",
}


@dataclass(frozen=True)
class BatchSetting:
    """How many examples each update uses."""
    size: int          # examples per mini-batch; the number of examples for full batch
    full: bool         # every example in one batch (written `full`, or as the number of examples)

    @property
    def name(self) -> str:
        """The prefix of this setting's answer keys when several settings are compared."""
        if self.full:
            return "full"
        return "sgd" if self.size == 1 else f"mb{self.size}"

    @property
    def label(self) -> str:
        if self.full:
            return "batch GD (full batch)"
        return "stochastic GD (batch 1)" if self.size == 1 else f"mini-batch GD (batch {self.size})"

    def updates_per_epoch(self, n: int) -> int:
        return -(-n // self.size)


@dataclass(frozen=True)
class Train:
    epochs: int                          # at most this many; fewer when `tolerance` stops the run
    batches: tuple[BatchSetting, ...]    # one run per setting, in the file's order
    shuffle: int | None                  # None: the given order every epoch; else the seed
    tolerance: float | None

    @property
    def compared(self) -> bool:
        return len(self.batches) > 1

    def prefix(self, setting: BatchSetting) -> str:
        """Answer keys of one setting: plain when it is the only one, else `full_`, `sgd_`, `mb2_`..."""
        return f"{setting.name}_" if self.compared else ""


def read(r: Reader, node: dict, path, question) -> Train:
    n = question.data.n
    if "epochs" not in node:
        raise r.fail(path, "epochs: missing; say how many passes over the training set, e.g. epochs: 10")
    epochs = _epochs(r, node["epochs"], path + ("epochs",))
    batches = _batches(r, node.get("batch", "full"), path + ("batch",), n)
    shuffle = _shuffle(r, node.get("shuffle", False), path + ("shuffle",))
    tolerance = None
    if "tolerance" in node:
        tolerance = r.number(node["tolerance"], path + ("tolerance",), positive=True,
                             hint="training stops once the loss changes by less than this from one epoch "
                                  "to the next; leave it out to run every epoch")
    _check_work(r, path, epochs, batches, n, question.display.carry == "rounded")
    return Train(epochs, batches, shuffle, tolerance)


def _epochs(r: Reader, value: Any, path) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            (isinstance(value, float) and not value.is_integer()):
        raise r.fail(path, f"expected a whole number of epochs from 1 to {MAX_EPOCHS:,}, got {describe(value)}")
    value = int(value)
    if value < 1:
        raise r.fail(path, f"must be at least 1, got {value}: an epoch is one pass over the training set")
    if value > MAX_EPOCHS:
        raise r.fail(path, f"{value:,} epochs is more than {MAX_EPOCHS:,}: the loss of every epoch is an "
                     "answer and the run would take too long; use tolerance to stop once the loss settles")
    return value


def _batches(r: Reader, value: Any, path, n: int) -> tuple[BatchSetting, ...]:
    if isinstance(value, list):
        if not value:
            raise r.fail(path, "an empty list: give full, a size, or a list of these, e.g. [full, 1, 2]")
        if len(value) > MAX_SETTINGS:
            raise r.fail(path, f"{len(value)} settings; compare at most {MAX_SETTINGS} "
                         "(one table column and one colour in the plot each)")
        settings = [_batch(r, v, path + (i,), n) for i, v in enumerate(value)]
        for i, s in enumerate(settings):
            for j in range(i):
                if settings[j].size == s.size:
                    same = "full batch" if s.full else f"batch {s.size}"
                    written = isinstance(value[i], str) and isinstance(value[j], str)
                    also = f" ({n} examples: a size of {n} is full batch)" if s.full and not written else ""
                    raise r.fail(path + (i,), f"{same} is listed twice (also as item {j + 1}){also}: "
                                 "give each setting once")
        return tuple(settings)
    return (_batch(r, value, path, n),)


def _batch(r: Reader, value: Any, path, n: int) -> BatchSetting:
    if isinstance(value, str):
        if value == "full":
            return BatchSetting(n, True)
        alias = BATCH_ALIASES.get(value.lower())
        if alias is not None:
            raise r.fail(path, f"unknown value {value!r}: write {alias} here (full for batch GD, 1 for "
                         "stochastic GD, a size for mini-batch GD)")
        raise r.fail(path, f"unknown value {value!r}{suggest(value, ('full',))} (full, or a whole number "
                     f"of examples per update from 1 to {n})")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            (isinstance(value, float) and not value.is_integer()):
        raise r.fail(path, f"expected full or a whole number of examples per update from 1 to {n}, "
                     f"got {describe(value)}")
    size = int(value)
    if size < 1:
        raise r.fail(path, f"must be from 1 to {n} (examples per update), got {size}; "
                     "1 is stochastic GD, full is batch GD")
    if size > n:
        raise r.fail(path, f"batch {size} is more than the {n} examples of data.x; use full "
                     f"(or a size up to {n})")
    return BatchSetting(size, size == n)


def _shuffle(r: Reader, value: Any, path) -> int | None:
    if value is False:
        return None
    if value is True:
        raise r.fail(path, "give a seed (a whole number, e.g. shuffle: 42) rather than true, so that the "
                     "order of every epoch can be shown and drawn again")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise r.fail(path, f"expected false or a seed (a whole number from 0 to {MAX_SEED}), got {describe(value)}")
    if not 0 <= value <= MAX_SEED:
        raise r.fail(path, f"a seed is a whole number from 0 to {MAX_SEED}, got {value}")
    return value


def _check_work(r: Reader, path, epochs: int, batches, n: int, rounded: bool = False) -> None:
    weight = ROUNDED_WORK if rounded else 1
    why = (f" (with carry: rounded each counts {ROUNDED_WORK} times: the run rounded as written, and the "
           "exact run beside it)") if rounded else ""
    updates = sum(epochs * s.updates_per_epoch(n) for s in batches)
    if updates * weight > MAX_UPDATES:
        most = MAX_UPDATES // weight
        raise r.fail(path + ("epochs",), f"{epochs:,} epochs make {updates:,} updates in all (over "
                     f"{n:,} examples), more than {most:,}{why}: that takes minutes; use fewer epochs, "
                     "larger batches or a tolerance")
    passes = epochs * n * (len(batches) + sum(1 for s in batches if not s.full))
    if passes * weight > MAX_EXAMPLE_PASSES:
        most = MAX_EXAMPLE_PASSES // weight
        raise r.fail(path + ("epochs",), f"{epochs:,} epochs over {n:,} examples are {passes:,} example "
                     f"passes, more than {most:,}{why}: that takes minutes; use fewer epochs or "
                     "a tolerance")
