"""A correct network whose gradients come from PyTorch's autograd, not from a hand-written chain rule.

numpy arrays come in and go out; inside, every computation is a float64 torch tensor. backward_propagation
rebuilds the forward pass with requires_grad=True and asks autograd for the gradient of the mean loss, and
even the activations' derivatives are autograd's. Samples are columns, the hidden layers use ELU, the output
is a softmax. It needs PyTorch (pip install torch).

Verify it with:  python3 -m pytest --impl examples/torch_network.py
"""

import numpy as np
import torch

LAYOUT = "columns"
HIDDEN_ACTIVATION = "elu"
OUTPUT_ACTIVATION = "softmax"

DTYPE = torch.float64  # float32 would miss the suite's tolerances by far
# The matrices here are tiny: spreading each operation over several threads costs more than it saves (ten
# times more on a busy two-core machine).
torch.set_num_threads(1)


def _tensor(array, grad=False):
    return torch.tensor(np.asarray(array, dtype=np.float64), dtype=DTYPE, requires_grad=grad)


def _numpy(tensor):
    return tensor.detach().numpy().copy()


def _elementwise(function):
    """numpy -> numpy for a torch function of one tensor."""
    return lambda Z, **kw: _numpy(function(_tensor(Z), **kw))


def _derivative(function):
    """The elementwise derivative of `function` by autograd: d/dz sum(f(Z)) is f'(z) at every entry."""

    def derivative(Z, **kw):
        Zt = _tensor(Z, grad=True)
        (grad,) = torch.autograd.grad(function(Zt, **kw).sum(), Zt)
        return _numpy(grad)

    return derivative


def _elu(Z, alpha=1.0):
    return torch.nn.functional.elu(Z, alpha=alpha)


relu, relu_derivative = _elementwise(torch.relu), _derivative(torch.relu)
sigmoid, sigmoid_derivative = _elementwise(torch.sigmoid), _derivative(torch.sigmoid)
tanh, tanh_derivative = _elementwise(torch.tanh), _derivative(torch.tanh)
elu, elu_derivative = _elementwise(_elu), _derivative(_elu)


def softmax(Z):
    return _numpy(torch.softmax(_tensor(Z), dim=0))  # classes are rows in this layout


# -- losses (torch versions are reused by backward_propagation) ------------------------------------------------------

def _cross_entropy(Y, P):
    return -(Y * torch.log(P.clamp_min(1e-300))).sum(dim=0).mean()


def _binary_cross_entropy(Y, P):
    P = P.clamp(1e-15, 1 - 1e-15)
    return -(Y * torch.log(P) + (1 - Y) * torch.log1p(-P)).sum(dim=0).mean()


def cross_entropy_loss(y_true, y_pred):
    return float(_cross_entropy(_tensor(y_true), _tensor(y_pred)))


def binary_cross_entropy(y_true, y_pred):
    return float(_binary_cross_entropy(_tensor(y_true), _tensor(y_pred)))


def cross_entropy_derivative(y_true, y_pred):
    return np.asarray(y_pred, dtype=np.float64) - y_true


# -- the network ------------------------------------------------------------------------------------------------

def initialize_parameters(layer_dims, generator=None):
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_in, n_out = layer_dims[l - 1], layer_dims[l]
        W = torch.randn(n_out, n_in, dtype=DTYPE, generator=generator) * (2.0 / n_in) ** 0.5
        parameters[f"W{l}"] = _numpy(W)
        parameters[f"b{l}"] = np.zeros((n_out, 1))
    return parameters


def _forward(X, tensors):
    L = len(tensors) // 2
    A = X
    for l in range(1, L + 1):
        Z = tensors[f"W{l}"] @ A + tensors[f"b{l}"]
        A = torch.softmax(Z, dim=0) if l == L else _elu(Z)
    return A


def forward_propagation(X, parameters):
    with torch.no_grad():  # no graph needed here: backward_propagation builds its own
        AL = _forward(_tensor(X), {k: _tensor(v) for k, v in parameters.items()})
    return _numpy(AL), {"X": X}  # backward rebuilds the graph, so the cache needs nothing more


def backward_propagation(parameters, cache, X, Y):
    tensors = {k: _tensor(v, grad=True) for k, v in parameters.items()}
    loss = _cross_entropy(_tensor(Y), _forward(_tensor(X), tensors))
    keys = list(tensors)
    grads = torch.autograd.grad(loss, [tensors[k] for k in keys])
    return {"d" + k: _numpy(g) for k, g in zip(keys, grads)}


def update_parameters(parameters, grads, learning_rate):
    return {k: v - learning_rate * grads["d" + k] for k, v in parameters.items()}  # plain numpy is enough here


def dropout_forward(A, keep_prob, rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    mask = rng.random(np.shape(A)) < keep_prob
    return _numpy(_tensor(A) * _tensor(mask) / keep_prob), mask


def dropout_backward(dA, mask, keep_prob):
    return _numpy(_tensor(dA) * _tensor(mask) / keep_prob)


# -- training ---------------------------------------------------------------------------------------------------

def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    generator = torch.Generator().manual_seed(seed)
    parameters = initialize_parameters(layer_dims, generator)
    tensors = {k: _tensor(v, grad=True) for k, v in parameters.items()}
    Xt, Yt = _tensor(X), _tensor(Y)
    optimizer = torch.optim.SGD(tensors.values(), lr=learning_rate)
    m = Xt.shape[1]
    for _ in range(epochs):
        order = torch.randperm(m, generator=generator)
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad()
            _cross_entropy(Yt[:, batch], _forward(Xt[:, batch], tensors)).backward()
            optimizer.step()
    return {k: _numpy(v) for k, v in tensors.items()}


def predict(X, parameters):
    AL, _ = forward_propagation(X, parameters)
    return np.argmax(AL, axis=0)
