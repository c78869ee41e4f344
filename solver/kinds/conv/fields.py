"""The fields of a conv question: an input, kernels, and what the layer does with them.

    input: [[3, 0, 1], [1, 5, 8], [2, 7, 2]]   # H x W (one channel), or C x H x W
    kernels: [[1, 0], [0, -1]]                 # k x k, F x k x k (one channel), or F x C x k x k
    biases: [0]                                # one per kernel (default 0)
    stride: 1                                  # default 1
    padding: 0                                 # zeros around the input (default 0)
    activation: relu                           # optional, on the feature maps
    pool: {type: max, size: 2, stride: 2}      # optional: max | average (stride defaults to size)
    grad_output: [[0.1, -0.2], [0.0, 0.3]]     # optional: dL/d(convolution output), maps' shape
    learning_rate: 0.1                         # optional with grad_output: the update

A feature map is H_out x W_out for one kernel given as k x k, F x H_out x W_out otherwise; the
reader keeps every array as given and its full form (input C x H x W, kernels F x C x k x k,
maps F x H_out x W_out) beside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...activations import ACTIVATIONS
from ...fieldtypes import NUMBER, choice, integer, list_of, positive
from ...model import arrays
from ...reading import Reader, describe, plural
from ...yamlsource import Path_

MAX_SIDE = 16          # rows or columns of the input: a worked solution writes every output entry
MAX_CHANNELS = 8       # channels of the input, and kernels
MAX_PADDING = 4
MAX_STRIDE = 8
POOLS = ("max", "average")
# elementwise activations without a slope (the feature maps are activated entry by entry)
ACTIVATION_NAMES = tuple(name for name, a in ACTIVATIONS.items() if a.elementwise and not a.slope)

ARRAY = {"anyOf": [NUMBER, list_of({"type": ["number", "array"]})]}   # lists nested up to 4 deep (the reader checks)
POOL_KEYS = {"type": choice(POOLS), "size": integer(1, MAX_SIDE), "stride": integer(1, MAX_SIDE)}
KEYS = {"input": ARRAY, "kernels": ARRAY, "biases": {"anyOf": [NUMBER, list_of(NUMBER)]},
        "stride": integer(1, MAX_STRIDE), "padding": integer(0, MAX_PADDING),
        "activation": choice(ACTIVATION_NAMES),
        "pool": {"type": "object", "properties": POOL_KEYS, "additionalProperties": False},
        "grad_output": ARRAY, "learning_rate": positive()}     # key -> type (solver/fieldtypes.py)


@dataclass(frozen=True)
class Pool:
    type: str            # max | average
    size: int
    stride: int


@dataclass(frozen=True, eq=False)
class ConvSpec:
    x: Any                       # C x H x W (tuples when read, a NumPy array for solving)
    kernels: Any                 # F x C x k x k
    biases: Any                  # F
    stride: int = 1
    padding: int = 0
    activation: str | None = None
    pool: Pool | None = None
    grad_output: Any = None      # F x H_out x W_out, or None
    learning_rate: float | None = None
    input_rank: int = 2          # 2: H x W as given, 3: C x H x W
    kernel_rank: int = 2         # 2: k x k, 3: F x k x k, 4: F x C x k x k

    @property
    def channels(self) -> int:
        return len(self.x)

    @property
    def filters(self) -> int:
        return len(self.kernels)

    @property
    def k(self) -> int:
        return len(self.kernels[0][0])

    @property
    def height(self) -> int:
        return len(self.x[0])

    @property
    def width(self) -> int:
        return len(self.x[0][0])

    @property
    def out_size(self) -> tuple[int, int]:
        return out_side(self.height, self.padding, self.k, self.stride), \
            out_side(self.width, self.padding, self.k, self.stride)

    @property
    def single(self) -> bool:
        """One kernel given as k x k: the maps are written H_out x W_out, not 1 x H_out x W_out."""
        return self.kernel_rank == 2

    def for_solving(self) -> "ConvSpec":
        return arrays(self, "x", "kernels", "biases", "grad_output")


def out_side(n: int, padding: int, k: int, stride: int) -> int:
    return (n + 2 * padding - k) // stride + 1


def read(r: Reader, node: dict, path: Path_, question) -> ConvSpec:
    for needed, what in (("input", "give the input, H x W or C x H x W"),
                         ("kernels", "give the kernels, k x k, F x k x k or F x C x k x k")):
        if needed not in node:
            raise r.fail(path, f"{needed}: missing; {what}")
    x, x_rank = nested(r, node["input"], path + ("input",), (2, 3), "H x W or C x H x W")
    if x_rank == 2:
        x = (x,)
    kernels, k_rank = nested(r, node["kernels"], path + ("kernels",), (2, 3, 4), "k x k, F x k x k or F x C x k x k")
    kernels = {2: lambda: ((kernels,),), 3: lambda: tuple((kk,) for kk in kernels), 4: lambda: kernels}[k_rank]()
    C, H, W = len(x), len(x[0]), len(x[0][0])
    F, KC, kh, kw = len(kernels), len(kernels[0]), len(kernels[0][0]), len(kernels[0][0][0])
    for what, n, most in (("rows of the input", H, MAX_SIDE), ("columns of the input", W, MAX_SIDE),
                          ("channels of the input", C, MAX_CHANNELS), ("kernels", F, MAX_CHANNELS)):
        if n > most:
            raise r.fail(path + ("input" if "input" in what else "kernels",),
                         f"{n} {what}; a worked solution takes at most {most}")
    if kh != kw:
        raise r.fail(path + ("kernels",), f"expected square kernels (k x k), got {kh} x {kw}")
    if KC != C:
        shape = f"{F} x {C} x {kh} x {kh}" if C > 1 else (f"{F} x {kh} x {kh}" if F > 1 else f"{kh} x {kh}")
        raise r.fail(path + ("kernels",), f"the input has {plural(C, 'channel')} but the kernels have {KC}: "
                     f"expected kernels {shape} (filters x channels x k x k)")
    stride = r.integer(node.get("stride", 1), path + ("stride",), 1, MAX_STRIDE)
    padding = r.integer(node.get("padding", 0), path + ("padding",), 0, MAX_PADDING)
    k = kh
    for side, n in (("rows", H), ("columns", W)):
        if k > n + 2 * padding:
            raise r.fail(path + ("kernels",), f"a {k} x {k} kernel is larger than the padded input "
                         f"({n} {side} + 2 x {padding} padding = {n + 2 * padding}): expected a kernel of at most "
                         f"{n + 2 * padding} x {n + 2 * padding}, or more padding")
        if (n + 2 * padding - k) % stride:
            raise r.fail(path + ("stride",), f"stride {stride} does not fit: (H + 2P - k) / S = ({n} + 2 x {padding} "
                         f"- {k}) / {stride} is not a whole number for the {side}; use a stride that divides "
                         f"{n + 2 * padding - k}, or change the padding")
    biases = _biases(r, node, path, F)
    activation = None
    if "activation" in node:
        if isinstance(node["activation"], str) and node["activation"] in ACTIVATIONS \
                and node["activation"] not in ACTIVATION_NAMES:
            raise r.fail(path + ("activation",), f"{node['activation']} does not act entry by entry with a fixed "
                         f"form; a convolution layer here takes one of {', '.join(ACTIVATION_NAMES)}")
        activation = r.choice(node["activation"], path + ("activation",), ACTIVATION_NAMES)
    spec = ConvSpec(x, kernels, biases, stride, padding, activation, None, None, None, x_rank, k_rank)
    Ho, Wo = spec.out_size
    pool = _pool(r, node["pool"], path + ("pool",), Ho, Wo) if "pool" in node else None
    grad = None
    if "grad_output" in node:
        grad = _grad(r, node["grad_output"], path + ("grad_output",), spec)
    lr = None
    if "learning_rate" in node:
        if grad is None:
            raise r.fail(path + ("learning_rate",), "learning_rate updates the kernels with their gradient: "
                         "give grad_output too, or remove learning_rate")
        lr = r.number(node["learning_rate"], path + ("learning_rate",), positive=True)
    return ConvSpec(x, kernels, biases, stride, padding, activation, pool, grad, lr, x_rank, k_rank)


def nested(r: Reader, value: Any, path: Path_, ranks: tuple[int, ...], expected: str) -> tuple[tuple, int]:
    """A rectangular array of numbers nested `rank` deep (one of `ranks`), as tuples, and its rank.
    Every list must hold as many items as its first sibling (no ragged rows)."""
    depth, v = 0, value
    while isinstance(v, list) and v:
        depth, v = depth + 1, v[0]
    if depth not in ranks:
        raise r.fail(path, f"expected {expected}, got {describe(value) if depth == 0 else f'lists nested {depth} deep'}")

    def walk(v: Any, at: Path_, level: int):
        if level == depth:
            return r.number(v, at)
        if not isinstance(v, list) or not v:
            raise r.fail(at, f"expected a list (array {expected}), got {describe(v)}")
        return tuple(walk(item, at + (i,), level + 1) for i, item in enumerate(v))

    out = walk(value, path, 0)

    def dims(a, level):
        return () if level == depth else (len(a),) + dims(a[0], level + 1)

    def check(a, at: Path_, level: int, want: tuple[int, ...]):
        if level == depth:
            return
        if len(a) != want[0]:
            what = "number" if level == depth - 1 else ("row" if level == depth - 2 else "item")
            raise r.fail(at, f"has {plural(len(a), what)} but the first has {want[0]}: every "
                         f"{'row' if level == depth - 1 else 'item'} needs the same shape "
                         f"({' x '.join(map(str, dims(out, 0)))})")
        for i, item in enumerate(a):
            check(item, at + (i,), level + 1, want[1:])

    shape = dims(out, 0)
    for i, item in enumerate(out):
        check(item, path + (i,), 1, shape[1:])
    return out, depth


def _biases(r: Reader, node: dict, path: Path_, F: int) -> tuple[float, ...]:
    if "biases" not in node:
        return (0.0,) * F
    value = node["biases"]
    if isinstance(value, list) and value and isinstance(value[0], list):
        raise r.fail(path + ("biases",), f"expected one number per kernel, a list of {F}, got {describe(value)}")
    b = r.vector(value, path + ("biases",))
    if len(b) != F:
        raise r.fail(path + ("biases",), f"expected {plural(F, 'bias')} (one per kernel), got {len(b)}")
    return tuple(float(v) for v in b)


def _pool(r: Reader, value: Any, path: Path_, Ho: int, Wo: int) -> Pool:
    node = r.mapping(value, path, POOL_KEYS)
    for needed in ("type", "size"):
        if needed not in node:
            raise r.fail(path, f"{needed}: missing; e.g. pool: {{type: max, size: 2, stride: 2}}")
    kind = r.choice(node["type"], path + ("type",), POOLS)
    size = r.integer(node["size"], path + ("size",), 1, MAX_SIDE)
    stride = r.integer(node.get("stride", size), path + ("stride",), 1, MAX_SIDE)
    for side, n in (("rows", Ho), ("columns", Wo)):
        if size > n:
            raise r.fail(path + ("size",), f"a {size} x {size} pooling window is larger than the feature maps "
                         f"({Ho} x {Wo}): expected a size of at most {min(Ho, Wo)}")
        if (n - size) % stride:
            raise r.fail(path + ("stride",), f"pooling stride {stride} does not fit the {n} {side} of the feature "
                         f"maps: ({n} - {size}) / {stride} is not a whole number")
    return Pool(kind, size, stride)


def _grad(r: Reader, value: Any, path: Path_, spec: ConvSpec) -> tuple:
    Ho, Wo = spec.out_size
    F = spec.filters
    want = (Ho, Wo) if spec.single else (F, Ho, Wo)
    text = " x ".join(map(str, want))
    g, rank = nested(r, value, path, (len(want),), f"{text}, the shape of the feature maps")
    got = (len(g), len(g[0])) if rank == 2 else (len(g), len(g[0]), len(g[0][0]))
    if got != want:
        raise r.fail(path, f"expected {text} (the shape of the feature maps), got {' x '.join(map(str, got))}")
    return (g,) if spec.single else g

