"""`conv` questions: a convolution layer by hand, forward and (with grad_output) backward.

Steps, each an answer key: out_shape and params (the sizes), conv (the feature maps with the
bias), activated (with an activation), pooled (with pool), and with grad_output dK, db, dX, and
with learning_rate K_new, b_new. The page writes the first entries of each map with the numbers
put in, the rest as matrices. Every array is computed twice (run.py: NumPy over all windows at
once, and plain floats window by window); a disagreement raises CrossCheckError.
"""
from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from ...errors import CrossCheckError
from ...model import Question
from ...rounding import round_half_up
from ...steps import Step, StepKind
from ...tolerances import ATOL, RTOL
from . import run
from .fields import ConvSpec

SHOWN_ENTRIES = 2        # entries of each map written out with their numbers
SHOWN_TOTAL = 4          # ... and at most this many over all maps
MAX_WRITTEN = 64         # --detail full writes every entry of the maps, up to this many


@dataclass(frozen=True, eq=False)
class Entry:
    """One entry written out: its place (1-based filter/channel, row, column), the products that
    make it (pairs of numbers), what is added (the bias) and its value."""
    where: tuple[int, int, int]
    terms: tuple[tuple[float, float], ...]
    bias: float | None
    value: float


@dataclass(frozen=True, eq=False)
class SizeInfo:
    """CONV_SIZE: the question (role 'shape': the output size; 'params': the count)."""
    role: str
    spec: ConvSpec
    out: tuple[int, int]

    @property
    def words(self) -> str:
        return WORDS[self.role]


@dataclass(frozen=True, eq=False)
class MapInfo:
    """CONV_MAP: one array of the layer. role: conv | activated | pooled | dK | db | dX | K_new | b_new.
    `maps` are the 2-D matrices shown (one per filter or channel), `before` what they came from
    (the maps before the activation or the pooling, the given kernels or biases before the update),
    `entries` the entries written out, `padded` the padded input (conv)."""
    role: str
    spec: ConvSpec
    maps: tuple[np.ndarray, ...]
    before: tuple[np.ndarray, ...] = ()
    entries: tuple[Entry, ...] = ()
    every_entry: tuple[Entry, ...] = ()                         # conv: the entries --detail full writes
    padded: tuple[np.ndarray, ...] = ()
    windows: tuple[tuple[tuple[float, ...], float], ...] = ()    # pooled: the first windows and results

    @property
    def axes(self) -> str:
        return axes(self.role, self.spec)

    @property
    def words(self) -> str:
        return WORDS[self.role]


_AXES = {"maps": ("rows x columns", "kernels x rows x columns"), "input": ("rows x columns", "channels x rows x columns"),
         "kernels": {2: "rows x columns", 3: "kernels x rows x columns", 4: "kernels x channels x rows x columns"}}


WORDS = {"conv": "the feature maps (with the bias)", "activated": "the activated maps", "pooled": "the pooled maps",
         "dK": "the gradient of the kernels", "db": "the gradient of the biases", "dX": "the gradient of the input",
         "K_new": "the updated kernels", "b_new": "the updated biases",
         "shape": "the output size", "count": "the number of parameters"}


def axes(role: str, spec: ConvSpec) -> str:
    """The axes of an answer of this role, as the answer sheet names them."""
    if role in ("dK", "K_new"):
        return _AXES["kernels"][spec.kernel_rank]
    if role == "dX":
        return _AXES["input"][spec.input_rank == 3]
    if role in ("db", "b_new"):
        return "one per kernel"
    return _AXES["maps"][not spec.single]


def _check(name: str, a: np.ndarray, b: np.ndarray) -> None:
    if a.shape != b.shape or not np.allclose(a, b, rtol=RTOL, atol=ATOL):
        raise CrossCheckError(f"conv {name}: the vectorized path gives {a.tolist()}, "
                              f"the window-by-window path {b.tolist()}")


def cross_checked(spec: ConvSpec) -> run.Result:
    fast, slow = run.vectorized(spec), run.by_windows(spec)
    for name in ("padded", "conv", "activated", "pooled", "dK", "db", "dX"):
        a, b = getattr(fast, name), getattr(slow, name)
        if (a is None) != (b is None):
            raise CrossCheckError(f"conv {name}: computed one way only")
        if a is not None:
            _check(name, a, b)
    return fast


def _maps_answer(spec: ConvSpec, maps: np.ndarray) -> np.ndarray:
    return maps[0] if spec.single else maps


def _kernels_answer(spec: ConvSpec, K: np.ndarray) -> np.ndarray:
    return {2: lambda: K[0, 0], 3: lambda: K[:, 0], 4: lambda: K}[spec.kernel_rank]()


def _input_answer(spec: ConvSpec, X: np.ndarray) -> np.ndarray:
    return X[0] if spec.input_rank == 2 else X


def _conv_entries(spec: ConvSpec, padded: np.ndarray, conv: np.ndarray, every: bool = False) -> tuple[Entry, ...]:
    """The entries written out: the first few of each map, or (`every`, for --detail full) all of them."""
    K, S, k = np.asarray(spec.kernels, dtype=float), spec.stride, spec.k
    out = []
    for f in range(spec.filters):
        for n in range(conv[f].size if every else min(SHOWN_ENTRIES, conv[f].size)):
            if len(out) >= (MAX_WRITTEN if every else SHOWN_TOTAL):
                break
            i, j = divmod(n, conv.shape[2])
            terms = tuple((float(padded[c, i * S + a, j * S + b]), float(K[f, c, a, b]))
                          for c in range(spec.channels) for a in range(k) for b in range(k))
            out.append(Entry((f + 1, i + 1, j + 1), terms, float(spec.biases[f]), float(conv[f, i, j])))
    return tuple(out)


def _dK_entries(spec: ConvSpec, padded: np.ndarray, G: np.ndarray, dK: np.ndarray) -> tuple[Entry, ...]:
    S = spec.stride
    out = []
    for f in range(spec.filters):
        if len(out) >= SHOWN_TOTAL:
            break
        c, a, b = 0, 0, 0
        terms = tuple((float(padded[c, i * S + a, j * S + b]), float(G[f, i, j]))
                      for i in range(G.shape[1]) for j in range(G.shape[2]))
        out.append(Entry((f + 1, 1, 1), terms, None, float(dK[f, c, a, b])))
    return tuple(out)


def _dX_entries(spec: ConvSpec, G: np.ndarray, dX: np.ndarray) -> tuple[Entry, ...]:
    """dX[c, 0, 0]: each output gradient whose window covers that input, times the kernel weight on it."""
    K, S, P, k = np.asarray(spec.kernels, dtype=float), spec.stride, spec.padding, spec.k
    out = []
    for c in range(min(spec.channels, SHOWN_TOTAL)):
        terms = []
        for f in range(spec.filters):
            for i in range(G.shape[1]):
                for j in range(G.shape[2]):
                    a, b = P - i * S, P - j * S
                    if 0 <= a < k and 0 <= b < k:
                        terms.append((float(G[f, i, j]), float(K[f, c, a, b])))
        out.append(Entry((c + 1, 1, 1), tuple(terms), None, float(dX[c, 0, 0])))
    return tuple(out)


def _pool_windows(spec: ConvSpec, src: np.ndarray, pooled: np.ndarray):
    n, s = spec.pool.size, spec.pool.stride
    out = []
    for idx in range(min(SHOWN_ENTRIES, pooled[0].size)):
        i, j = divmod(idx, pooled.shape[2])
        window = tuple(float(v) for v in src[0, i * s:i * s + n, j * s:j * s + n].ravel())
        out.append((window, float(pooled[0, i, j])))
    return tuple(out)


def _const(value):
    return lambda v: value


def solve(q: Question) -> list[Step]:
    spec: ConvSpec = q.spec
    res = cross_checked(spec)
    Ho, Wo = spec.out_size
    F, C, k = spec.filters, spec.channels, spec.k
    shape = np.array([Ho, Wo] if spec.single else [F, Ho, Wo])
    count = F * (C * k * k + 1)
    steps = [Step("out_shape", StepKind.CONV_SIZE, None, (), _const(shape), value=shape, exact=shape,
                  info=SizeInfo("shape", spec, (Ho, Wo))),
             Step("params", StepKind.CONV_SIZE, None, (), _const(count), value=count, exact=count,
                  info=SizeInfo("count", spec, (Ho, Wo)))]
    d, rounded = q.display.decimals, q.display.carry == "rounded"

    def shown(x):
        return round_half_up(x, d)

    def carried(x):
        """What the next step computes from: the value shown under carry: rounded, else the exact one."""
        return shown(x) if rounded else x

    def full_maps(a: np.ndarray) -> tuple:
        return tuple(a[None] if spec.single else a)

    conv = _maps_answer(spec, res.conv)
    steps.append(Step("conv", StepKind.CONV_MAP, None, (), _const(conv), value=shown(conv), exact=conv,
                      info=MapInfo("conv", spec, tuple(res.conv), entries=_conv_entries(spec, res.padded, res.conv),
                                   every_entry=_conv_entries(spec, res.padded, res.conv, every=True),
                                   padded=tuple(res.padded))))
    last, before = "conv", conv
    if res.activated is not None:
        def activated(v):
            return run.activate(spec.activation, np.asarray(v["conv"], dtype=float))
        act = activated({"conv": carried(conv)})
        steps.append(Step("activated", StepKind.CONV_MAP, None, ("conv",), activated, value=shown(act), exact=act,
                          info=MapInfo("activated", spec, full_maps(act), full_maps(carried(conv)))))
        last, before = "activated", act
    if res.pooled is not None:
        def pooled_of(v, key=last):
            return run.pool_maps(v[key], spec.pool)
        pooled = pooled_of({last: carried(before)})
        src = np.asarray(full_maps(carried(before)))
        steps.append(Step("pooled", StepKind.CONV_MAP, None, (last,), pooled_of, value=shown(pooled), exact=pooled,
                          info=MapInfo("pooled", spec, full_maps(pooled), tuple(src),
                                       windows=_pool_windows(spec, src, np.asarray(full_maps(pooled))))))
    if res.dK is not None:
        G = np.asarray(spec.grad_output, dtype=float)
        K = np.asarray(spec.kernels, dtype=float)
        dK = _kernels_answer(spec, res.dK)
        dX = _input_answer(spec, res.dX)
        db = res.db
        flat_K = tuple(K.reshape(F * C, k, k))
        steps.append(Step("dK", StepKind.CONV_MAP, None, (), _const(dK), value=shown(dK), exact=dK,
                          info=MapInfo("dK", spec, tuple(res.dK.reshape(F * C, k, k)), tuple(G),
                                       entries=_dK_entries(spec, res.padded, G, res.dK))))
        steps.append(Step("db", StepKind.CONV_MAP, None, (), _const(db), value=shown(db), exact=db,
                          info=MapInfo("db", spec, (db,), tuple(G))))
        steps.append(Step("dX", StepKind.CONV_MAP, None, (), _const(dX), value=shown(dX), exact=dX,
                          info=MapInfo("dX", spec, tuple(res.dX), tuple(G), entries=_dX_entries(spec, G, res.dX))))
        if spec.learning_rate is not None:
            lr = spec.learning_rate
            K_given, b_given = _kernels_answer(spec, K), np.asarray(spec.biases, dtype=float)

            def K_new_of(v):
                return K_given - lr * np.asarray(v["dK"], dtype=float)

            def b_new_of(v):
                return b_given - lr * np.asarray(v["db"], dtype=float)

            K_new, b_new = K_new_of({"dK": carried(dK)}), b_new_of({"db": carried(db)})
            steps.append(Step("K_new", StepKind.CONV_MAP, None, ("dK",), K_new_of, value=shown(K_new), exact=K_new,
                              info=MapInfo("K_new", spec, tuple(np.asarray(K_new).reshape(F * C, k, k)), flat_K)))
            steps.append(Step("b_new", StepKind.CONV_MAP, None, ("db",), b_new_of, value=shown(b_new), exact=b_new,
                              info=MapInfo("b_new", spec, (b_new,), (b_given,))))
    return steps
