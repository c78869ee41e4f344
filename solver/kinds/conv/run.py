"""The arithmetic of a convolution layer, two independent ways.

`vectorized`: NumPy over every window at once (sliding windows and einsum; dX as the full
convolution of the output gradient, dilated by the stride, with the kernels turned by 180
degrees). `by_windows`: plain Python floats, one window at a time (dX by sending each output
gradient back to the inputs of its window). The steps cross-check the two.

Conventions: the convolution is cross-correlation, as the frameworks compute it,
    conv[f, i, j] = sum_{c, a, b} X_pad[c, i S + a, j S + b] K[f, c, a, b] + b_f;
the activation acts entry by entry; pooling takes the max (or the mean) of each window of the
activated maps. grad_output is dL/d conv, so
    dK[f, c, a, b] = sum_{i, j} X_pad[c, i S + a, j S + b] G[f, i, j],   db_f = sum_{i, j} G[f, i, j],
    dX = the padding cropped off sum_f full_conv(G_f dilated by S, rot180(K[f, c])).
All arrays in full form: X C x H x W, K F x C x k x k, maps F x H_out x W_out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The activations in plain floats, written apart from the table's NumPy forms (the cross-check).
PLAIN = {"linear": lambda z: z, "relu": lambda z: z if z > 0 else 0.0,
         "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z)),
         "tanh": math.tanh, "step": lambda z: 1.0 if z >= 0 else 0.0}


@dataclass(frozen=True, eq=False)
class Result:
    padded: np.ndarray          # C x (H + 2P) x (W + 2P)
    conv: np.ndarray            # F x H_out x W_out, with the bias
    activated: np.ndarray | None
    pooled: np.ndarray | None
    dK: np.ndarray | None = None
    db: np.ndarray | None = None
    dX: np.ndarray | None = None


def activate(name: str | None, z: np.ndarray) -> np.ndarray | None:
    if name is None:
        return None
    from ...activations import ACTIVATIONS
    return np.asarray(ACTIVATIONS[name].forward(z, 0.01), dtype=float)


def pool_maps(maps: np.ndarray, pool) -> np.ndarray:
    """Max or average pooling of F x H x W maps (or one H x W map)."""
    maps = np.asarray(maps, dtype=float)
    pw = np.lib.stride_tricks.sliding_window_view(maps, (pool.size,) * 2, axis=(-2, -1))
    pw = pw[..., ::pool.stride, ::pool.stride, :, :]
    return pw.max(axis=(-2, -1)) if pool.type == "max" else pw.mean(axis=(-2, -1))


def vectorized(spec) -> Result:
    X, K, b = (np.asarray(a, dtype=float) for a in (spec.x, spec.kernels, spec.biases))
    P, S, k = spec.padding, spec.stride, spec.k
    Xp = np.pad(X, ((0, 0), (P, P), (P, P)))
    win = np.lib.stride_tricks.sliding_window_view(Xp, (k, k), axis=(1, 2))[:, ::S, ::S]   # C Ho Wo k k
    conv = np.einsum("cijab,fcab->fij", win, K) + b[:, None, None]
    act = activate(spec.activation, conv)
    pooled = None if spec.pool is None else pool_maps(act if act is not None else conv, spec.pool)
    out = Result(Xp, conv, act, pooled)
    if spec.grad_output is None:
        return out
    G = np.asarray(spec.grad_output, dtype=float)
    dK = np.einsum("cijab,fij->fcab", win, G)
    db = G.sum(axis=(1, 2))
    F, Ho, Wo = G.shape
    dil = np.zeros((F, (Ho - 1) * S + 1, (Wo - 1) * S + 1))
    dil[:, ::S, ::S] = G
    full = np.pad(dil, ((0, 0), (k - 1, k - 1), (k - 1, k - 1)))
    fw = np.lib.stride_tricks.sliding_window_view(full, (k, k), axis=(1, 2))     # F Hp Wp k k
    dXp = np.einsum("fijab,fcab->cij", fw, K[:, :, ::-1, ::-1])
    H, W = X.shape[1:]
    dX = dXp[:, P:P + H, P:P + W]
    return Result(Xp, conv, act, pooled, dK, db, dX)


def by_windows(spec) -> Result:
    """The same numbers in plain Python floats, window by window."""
    X = [[[float(v) for v in row] for row in ch] for ch in np.asarray(spec.x).tolist()]
    K = np.asarray(spec.kernels, dtype=float).tolist()
    b = [float(v) for v in np.asarray(spec.biases).tolist()]
    P, S, k = spec.padding, spec.stride, spec.k
    C, H, W = len(X), len(X[0]), len(X[0][0])
    Xp = [[[X[c][i - P][j - P] if P <= i < H + P and P <= j < W + P else 0.0 for j in range(W + 2 * P)]
           for i in range(H + 2 * P)] for c in range(C)]
    Ho, Wo = (H + 2 * P - k) // S + 1, (W + 2 * P - k) // S + 1
    F = len(K)
    conv = [[[sum(Xp[c][i * S + a][j * S + bb] * K[f][c][a][bb]
                  for c in range(C) for a in range(k) for bb in range(k)) + b[f]
              for j in range(Wo)] for i in range(Ho)] for f in range(F)]
    act = None
    if spec.activation is not None:
        g = PLAIN[spec.activation]
        act = [[[g(v) for v in row] for row in m] for m in conv]
    pooled = None
    if spec.pool is not None:
        src = act if act is not None else conv
        n, s = spec.pool.size, spec.pool.stride
        pooled = []
        for m in src:
            rows = []
            for i in range(0, Ho - n + 1, s):
                row = []
                for j in range(0, Wo - n + 1, s):
                    window = [m[i + a][j + bb] for a in range(n) for bb in range(n)]
                    row.append(max(window) if spec.pool.type == "max" else sum(window) / len(window))
                rows.append(row)
            pooled.append(rows)
    arr = np.array
    out = Result(arr(Xp), arr(conv), None if act is None else arr(act), None if pooled is None else arr(pooled))
    if spec.grad_output is None:
        return out
    G = np.asarray(spec.grad_output, dtype=float).tolist()
    dK = [[[[0.0] * k for _ in range(k)] for _ in range(C)] for _ in range(F)]
    dXp = [[[0.0] * (W + 2 * P) for _ in range(H + 2 * P)] for _ in range(C)]
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                g = G[f][i][j]
                for c in range(C):
                    for a in range(k):
                        for bb in range(k):
                            dK[f][c][a][bb] += Xp[c][i * S + a][j * S + bb] * g
                            dXp[c][i * S + a][j * S + bb] += K[f][c][a][bb] * g
    db = [sum(sum(row) for row in G[f]) for f in range(F)]
    dX = [[row[P:P + W] for row in ch[P:P + H]] for ch in dXp]
    return Result(out.padded, out.conv, out.activated, out.pooled, arr(dK), arr(db), arr(dX))
