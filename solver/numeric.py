"""The NumPy path: the forward and backward passes for all examples at once.

Written from the textbook matrix equations, independently of the SymPy derivation,
so that each can check the other. Rows are examples throughout.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, softmax_jacobian
from .tolerances import snap
from .losses import LOSSES, REDUCTIONS
from .model import Layer, Network


@dataclass(frozen=True, eq=False)
class Forward:
    z: list[np.ndarray]   # per layer, examples x units
    a: list[np.ndarray]   # a[0] is the input; a[l] the output of layer l


@dataclass(frozen=True, eq=False)
class Backward:
    example_losses: np.ndarray    # ell_e, one per example
    loss: float                   # L
    delta: list[np.ndarray]       # per layer (index l-1), examples x units: d ell_e / d z
    dW: list[np.ndarray]          # per layer, units x inputs: dL/dW
    db: list[np.ndarray]          # per layer, units: dL/db


def forward(net: Network, x: np.ndarray) -> Forward:
    a_prev, zs, acts = x, [], [x]
    for layer in net.layers:
        z = snap(a_prev @ layer.weights.T + layer.biases)
        a = ACTIVATIONS[layer.activation].forward(z, layer.alpha)
        zs.append(z)
        acts.append(a)
        a_prev = a
    return Forward(zs, acts)


def example_losses(loss: str, reduction: str, y: np.ndarray, yhat: np.ndarray, delta: float) -> np.ndarray:
    per_element = LOSSES[loss].value(y, yhat, delta)
    return float(REDUCTIONS[reduction].example_factor) * per_element.sum(axis=1)


def total_loss(reduction: str, losses: np.ndarray) -> float:
    return float(REDUCTIONS[reduction].batch_factor(len(losses))) * float(losses.sum())


def output_grad(loss: str, reduction: str, y: np.ndarray, yhat: np.ndarray, huber_delta: float) -> np.ndarray:
    """d ell_e / d yhat for each example (ell_e carries the reduction's 1/2, if any)."""
    return float(REDUCTIONS[reduction].example_factor) * LOSSES[loss].grad(y, yhat, huber_delta)


def through_activation(layer: Layer, grad_a: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """delta = d ell/d z from d ell/d a: elementwise g'(z), or the softmax Jacobian."""
    if not ACTIVATIONS[layer.activation].elementwise:    # softmax
        return np.einsum("ei,eij->ej", grad_a, softmax_jacobian(a))
    return grad_a * ACTIVATIONS[layer.activation].derivative(z, a, layer.alpha)


def backward(net: Network, fwd: Forward, y: np.ndarray, loss: str, reduction: str,
             huber_delta: float = 1.0) -> Backward:
    red = REDUCTIONS[reduction]
    n = y.shape[0]
    yhat = fwd.a[-1]
    ells = example_losses(loss, reduction, y, yhat, huber_delta)
    # d ell_e / d a for the output layer, then back through each layer.
    grad_a = output_grad(loss, reduction, y, yhat, huber_delta)
    deltas: list[np.ndarray] = [None] * len(net.layers)
    for l in reversed(range(len(net.layers))):
        layer = net.layers[l]
        deltas[l] = through_activation(layer, grad_a, fwd.z[l], fwd.a[l + 1])
        grad_a = deltas[l] @ layer.weights
    m = float(red.batch_factor(n))
    dW = [m * deltas[l].T @ fwd.a[l] for l in range(len(net.layers))]
    db = [m * deltas[l].sum(axis=0) for l in range(len(net.layers))]
    return Backward(ells, total_loss(reduction, ells), deltas, dW, db)


def loss_of_parameters(net: Network, x: np.ndarray, y: np.ndarray, loss: str, reduction: str,
                       huber_delta: float = 1.0) -> float:
    """L as a function of the network's parameters (for finite differences)."""
    yhat = forward(net, x).a[-1]
    return total_loss(reduction, example_losses(loss, reduction, y, yhat, huber_delta))
