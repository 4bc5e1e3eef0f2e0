"""Copy this file, paste your own code into the functions, and run:  python3 -m pytest --impl my_network.py

Shapes below are for LAYOUT = "columns"; with LAYOUT = "rows" every data array and weight is transposed
(X is (m, n), W_l is (n_{l-1}, n_l), b_l is (1, n_l), classes along axis 1). A function you leave raising
NotImplementedError fails its checks; a function you delete is reported as "not provided" and its checks
are skipped (a skipped check does not count as passing).
"""

import numpy as np  # noqa: F401 - your code will need it

# -- declarations: what your network is, so the suite builds the right inputs and expectations --------------------

# "columns": samples are columns, X (n_features, m), W_l (n_l, n_{l-1}), b_l (n_l, 1)  (Andrew Ng's notation)
# "rows":    samples are rows,    X (m, n_features), W_l (n_{l-1}, n_l), b_l (1, n_l)  (pandas / scikit-learn)
LAYOUT = "columns"

# The activation forward_propagation uses in every hidden layer: "relu", "tanh", "sigmoid" or "elu".
HIDDEN_ACTIVATION = "relu"

# "softmax": one unit per class, one-hot Y, categorical cross-entropy.
# "sigmoid": one output unit, Y of 0/1 labels, binary cross-entropy.
OUTPUT_ACTIVATION = "softmax"

# The numbers of weight layers your forward/backward support: (2,) is "exactly one hidden layer".
# Delete the line if any depth works (the suite then tries 1, 2 and 3).
DEPTHS = (2,)


# -- activations: Z is any array; derivatives take the pre-activation Z, not A ------------------------------------

def relu(Z):
    """max(0, Z), same shape as Z."""
    raise NotImplementedError("paste your code here")


def relu_derivative(Z):
    """1 where Z > 0, else 0 (any value in [0, 1] at Z == 0); same shape as Z."""
    raise NotImplementedError("paste your code here")


def sigmoid(Z):
    """1 / (1 + e^-Z), same shape as Z."""
    raise NotImplementedError("paste your code here")


def sigmoid_derivative(Z):
    """sigmoid(Z) * (1 - sigmoid(Z)), same shape as Z."""
    raise NotImplementedError("paste your code here")


def tanh(Z):
    """tanh(Z), same shape as Z."""
    raise NotImplementedError("paste your code here")


def tanh_derivative(Z):
    """1 - tanh(Z)**2, same shape as Z."""
    raise NotImplementedError("paste your code here")


def elu(Z, alpha=1.0):
    """Z where Z > 0, else alpha * (e^Z - 1); same shape as Z."""
    raise NotImplementedError("paste your code here")


def elu_derivative(Z, alpha=1.0):
    """1 where Z > 0, else alpha * e^Z; same shape as Z."""
    raise NotImplementedError("paste your code here")


def softmax(Z):
    """Z (K, m) -> probabilities (K, m), each sample's column summing to 1 (subtract the max before exp)."""
    raise NotImplementedError("paste your code here")


# -- losses: means over the m samples -----------------------------------------------------------------------------

def cross_entropy_loss(y_true, y_pred):
    """One-hot y_true (K, m), probabilities y_pred (K, m) -> a float: -(1/m) sum y log p."""
    raise NotImplementedError("paste your code here")


def binary_cross_entropy(y_true, y_pred):
    """0/1 y_true (1, m), probabilities y_pred (1, m) -> a float: -(1/m) sum [y log p + (1-y) log(1-p)]."""
    raise NotImplementedError("paste your code here")


def cross_entropy_derivative(y_true, y_pred):
    """dZ of the output layer, per sample: y_pred - y_true, shape (K, m) (no 1/m here)."""
    raise NotImplementedError("paste your code here")


# -- the network --------------------------------------------------------------------------------------------------

def initialize_parameters(layer_dims):
    """[n0, n1, ..., nL] -> {"W1": (n1, n0), "b1": (n1, 1), ...}, random weights (e.g. randn * sqrt(2 / n_in))."""
    raise NotImplementedError("paste your code here")


def forward_propagation(X, parameters):
    """X (n0, m) -> (AL (nL, m), cache): the output layer's probabilities and whatever backward needs."""
    raise NotImplementedError("paste your code here")


def backward_propagation(parameters, cache, X, Y):
    """-> {"dW1": shape of W1, "db1": shape of b1, ...}: gradients of the mean loss over the m samples."""
    raise NotImplementedError("paste your code here")


def update_parameters(parameters, grads, learning_rate):
    """-> parameters with W - learning_rate * dW for every W and b (in place or new arrays; return the dict)."""
    raise NotImplementedError("paste your code here")


def dropout_forward(A, keep_prob, rng=None):
    """A -> (A * mask / keep_prob, mask): a unit is kept with probability keep_prob, a new mask each call."""
    raise NotImplementedError("paste your code here")


def dropout_backward(dA, mask, keep_prob):
    """dA * mask / keep_prob: the same mask and scale as the forward pass."""
    raise NotImplementedError("paste your code here")


# -- training -----------------------------------------------------------------------------------------------------

def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    """X (n0, m), Y (nL, m) -> the trained parameters dict, by mini-batch gradient descent from `seed`."""
    raise NotImplementedError("paste your code here")


def predict(X, parameters):
    """X (n0, m) -> labels (m,): class indices (softmax) or 0/1 (sigmoid)."""
    raise NotImplementedError("paste your code here")
