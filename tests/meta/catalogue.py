"""A catalogue of deliberately broken implementations: one realistic mistake each, and the check that catches it.

Each entry starts from a fresh copy of a correct example in examples/ and replaces one function (or one
declaration) with the broken version, written as the real code someone would write. tests/meta/
test_meta_catalogue.py proves that the expected check fails on it with a message containing `fragment`, and
that the same check passes on the unbroken base, so the catch is due to the mistake.
"""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass

from nnspec.implementation import Implementation, Session, load_source

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, "examples")
# columns, ReLU hidden, softmax output, any depth, in-place updates, global np.random
COLUMNS = "epsilon_network.py"
# rows, tanh hidden, sigmoid output, exactly one hidden layer, functional updates, numpy Generators
ROWS = "rows_network.py"


@dataclass(frozen=True)
class Mistake:
    name: str  # a sentence, as a test id
    description: str
    base: str  # the example file the mistake is made in
    code: str  # Python source run in the base module's namespace after the base, replacing what it defines
    check: str  # the name of the check (nnspec.checks.by_name) expected to catch it
    fragment: str  # a piece of the failure message that explains the mistake
    blames: str = ""  # the function the message must name first; "" for the first function `code` defines

    @property
    def culprit(self) -> str:
        """The function the failure message must start with."""
        return self.blames or (re.search(r"^\s*def (\w+)", self.code, re.M) or [None, ""])[1]

    def source(self) -> str:
        return base_source(self.base, self.code)

    def implementation(self) -> Implementation:
        return load_source(self.source(), self.name, session=shared_session())[0]


def base_source(base: str, code: str = "") -> str:
    """examples/`base` with `code` after it (so later definitions win): one module's source."""
    with open(os.path.normpath(os.path.join(EXAMPLES, base))) as handle:
        return handle.read() + "\n\n" + textwrap.dedent(code)


_SESSION = []


def shared_session() -> Session:
    """One implementation process for the whole catalogue: each entry is a module of its own in it."""
    if not _SESSION:
        _SESSION.append(Session([], "catalogue"))
    return _SESSION[0]


def implementations_of(source: str, name: str) -> list[Implementation]:
    """A module's source loaded as an implementation, in the catalogue's process."""
    return load_source(source, name, session=shared_session())


def base_implementation(base: str) -> Implementation:
    return load_source(base_source(base), base, session=shared_session())[0]


CATALOGUE = [
    # -- activations --------------------------------------------------------------------------------------------
    Mistake(
        "tanh_derivative_forgets_the_square", "tanh's derivative written 1 - tanh(Z) instead of 1 - tanh(Z)**2",
        COLUMNS, """
        def tanh_derivative(Z):
            return 1 - np.tanh(Z)
        """, "tanh_derivative_matches_the_spec_and_finite_differences", "this is 1 - tanh(Z): the derivative"),
    Mistake(
        "tanh_derivative_written_for_the_activation",
        "1 - Z**2: the derivative in terms of A = tanh(Z), applied to the Z the contract passes",
        COLUMNS, """
        def tanh_derivative(Z):
            return 1 - Z**2
        """, "tanh_derivative_matches_the_spec_and_finite_differences", "derivative written for the activation"),
    Mistake(
        "sigmoid_derivative_written_for_the_activation", "Z * (1 - Z): sigma's derivative in terms of A, applied to Z",
        COLUMNS, """
        def sigmoid_derivative(Z):
            return Z * (1 - Z)
        """, "sigmoid_derivative_matches_the_spec_and_finite_differences", "derivative written for the activation"),
    Mistake(
        "relu_derivative_reversed", "1 for negative Z and 0 for positive Z",
        COLUMNS, """
        def relu_derivative(Z):
            return Z <= 0
        """, "relu_derivative_matches_the_spec_and_finite_differences", "not reversed"),
    Mistake(
        "elu_derivative_ignores_alpha", "e^Z for Z <= 0, without the factor alpha",
        COLUMNS, """
        def elu_derivative(Z, alpha=1.0):
            return np.where(Z > 0, 1.0, np.exp(Z))
        """, "elu_derivative_matches_the_spec_and_finite_differences", "alpha is missing"),
    Mistake(
        "elu_derivative_is_elu_plus_alpha_everywhere", "elu(Z) + alpha, which is right only for Z <= 0",
        COLUMNS, """
        def elu_derivative(Z, alpha=1.0):
            return elu(Z, alpha) + alpha
        """, "elu_derivative_matches_the_spec_and_finite_differences", "only for Z <= 0"),
    Mistake(
        "elu_ignores_its_alpha_argument", "alpha fixed at 1 whatever is passed",
        COLUMNS, """
        def elu(Z, alpha=1.0):
            return np.where(Z > 0, Z, np.exp(np.minimum(Z, 0)) - 1)
        """, "elu_matches_the_spec", "ignores its alpha"),
    Mistake(
        "relu_overwrites_its_input", "Z[Z < 0] = 0 writes into the caller's array",
        COLUMNS, """
        def relu(Z):
            Z[Z < 0] = 0
            return Z
        """, "relu_matches_the_spec", "modified its argument 1 (Z) in place"),
    Mistake(
        "softmax_over_the_sample_axis", "columns layout, but the sums run over axis 1 (the samples)",
        COLUMNS, """
        def softmax(Z):
            expZ = np.exp(Z - np.max(Z, axis=1, keepdims=True))
            return expZ / np.sum(expZ, axis=1, keepdims=True)
        """, "softmax_matches_the_spec", "normalised over the wrong axis"),
    Mistake(
        "softmax_of_a_rows_module_over_axis_0", "rows layout, but softmax copied from a columns notebook",
        ROWS, """
        def softmax(z):
            e = np.exp(z - z.max(axis=0, keepdims=True))
            return e / e.sum(axis=0, keepdims=True)
        """, "softmax_sums_to_one_over_the_class_axis", "LAYOUT 'rows' the classes are axis 1"),
    Mistake(
        "softmax_without_the_max_shift", "exp(Z) overflows to inf for logits above 709",
        COLUMNS, """
        def softmax(Z):
            expZ = np.exp(Z)
            return expZ / np.sum(expZ, axis=0, keepdims=True)
        """, "softmax_has_no_overflow_for_logits_up_to_1e4", "subtract the max over the class axis before exp"),
    # -- losses -------------------------------------------------------------------------------------------------
    Mistake(
        "cross_entropy_summed_not_averaged", "the loss of the batch, not the mean loss per sample",
        COLUMNS, """
        def cross_entropy_loss(y_true, y_pred):
            return -np.sum(y_true * np.log(y_pred + EPSILON))
        """, "cross_entropy_loss_matches_the_spec", "not a mean: divide by m"),
    Mistake(
        "cross_entropy_averaged_over_every_element", "np.mean over K*m entries instead of a sum over classes / m",
        COLUMNS, """
        def cross_entropy_loss(y_true, y_pred):
            return -np.mean(y_true * np.log(y_pred + EPSILON))
        """, "cross_entropy_loss_matches_the_spec", "divided by every element"),
    Mistake(
        "cross_entropy_uses_the_binary_formula", "y log p + (1 - y) log(1 - p) for a softmax output",
        COLUMNS, """
        def cross_entropy_loss(y_true, y_pred):
            m = y_true.shape[1]
            return -np.sum(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)) / m
        """, "cross_entropy_loss_matches_the_spec", "binary cross-entropy formula"),
    Mistake(
        "binary_cross_entropy_with_log10", "np.log10 instead of the natural log",
        ROWS, """
        def binary_cross_entropy(y_true, y_pred):
            p = np.clip(y_pred, CLIP, 1 - CLIP)
            return float(-(y_true * np.log10(p) + (1 - y_true) * np.log10(1 - p)).sum(axis=1).mean())
        """, "binary_cross_entropy_matches_the_spec", "log10"),
    Mistake(
        "binary_cross_entropy_without_the_minus", "the log-likelihood, not its negative",
        ROWS, """
        def binary_cross_entropy(y_true, y_pred):
            p = np.clip(y_pred, CLIP, 1 - CLIP)
            return float((y_true * np.log(p) + (1 - y_true) * np.log(1 - p)).sum(axis=1).mean())
        """, "binary_cross_entropy_matches_the_spec", "wrong sign"),
    Mistake(
        "cross_entropy_derivative_divided_by_m", "(A - Y) / m, so the 1/m is applied again in dW",
        COLUMNS, """
        def cross_entropy_derivative(y_true, y_pred):
            return (y_pred - y_true) / y_true.shape[1]
        """, "cross_entropy_derivative_is_a_minus_y", "(A - Y) / m"),
    Mistake(
        "cross_entropy_derivative_y_minus_a", "Y - A: the sign flipped",
        COLUMNS, """
        def cross_entropy_derivative(y_true, y_pred):
            return y_true - y_pred
        """, "cross_entropy_derivative_is_a_minus_y", "it is Y - A"),
    # -- parameters ---------------------------------------------------------------------------------------------
    Mistake(
        "weights_initialised_to_zero", "np.zeros weights: every unit of a layer stays identical",
        COLUMNS, """
        def initialize_parameters(layer_dims):
            parameters = {}
            for l in range(1, len(layer_dims)):
                parameters["W" + str(l)] = np.zeros((layer_dims[l], layer_dims[l - 1]))
                parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
            return parameters
        """, "initialize_parameters_breaks_symmetry", "identical incoming weights"),
    Mistake(
        "weights_not_scaled_by_fan_in", "plain randn: std 1 whatever the layer's width",
        COLUMNS, """
        def initialize_parameters(layer_dims):
            parameters = {}
            for l in range(1, len(layer_dims)):
                parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1])
                parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
            return parameters
        """, "initialize_parameters_has_a_sane_scale", "sqrt(2 / n_in)"),
    Mistake(
        "weights_shaped_for_the_other_layout", "columns declared, W_l drawn as (n_{l-1}, n_l)",
        COLUMNS, """
        def initialize_parameters(layer_dims):
            parameters = {}
            for l in range(1, len(layer_dims)):
                parameters["W" + str(l)] = np.random.randn(layer_dims[l - 1], layer_dims[l]) * np.sqrt(2 / layer_dims[l - 1])
                parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
            return parameters
        """, "initialize_parameters_gives_every_layer_its_shape", "LAYOUT 'rows'?"),
    Mistake(
        "update_climbs_the_gradient", "+= instead of -=: gradient ascent",
        COLUMNS, """
        def update_parameters(parameters, grads, learning_rate):
            for key in parameters:
                parameters[key] += learning_rate * grads["d" + key]
            return parameters
        """, "update_parameters_subtracts_the_scaled_gradient", "gradient ascent"),
    Mistake(
        "update_ignores_the_learning_rate", "W - dW: the learning rate is never used",
        COLUMNS, """
        def update_parameters(parameters, grads, learning_rate):
            for key in parameters:
                parameters[key] -= grads["d" + key]
            return parameters
        """, "update_parameters_subtracts_the_scaled_gradient", "learning rate was not applied"),
    Mistake(
        "update_skips_the_biases", "only the weights are updated",
        COLUMNS, """
        def update_parameters(parameters, grads, learning_rate):
            for key in parameters:
                if key.startswith("W"):
                    parameters[key] -= learning_rate * grads["d" + key]
            return parameters
        """, "update_parameters_subtracts_the_scaled_gradient", "b1 was not updated"),
    Mistake(
        "in_place_update_returns_nothing", "the arrays are updated in place, but the dict is not returned",
        COLUMNS, """
        def update_parameters(parameters, grads, learning_rate):
            for key in parameters:
                parameters[key] -= learning_rate * grads["d" + key]
        """, "update_parameters_subtracts_the_scaled_gradient", "must `return parameters`"),
    # -- forward ------------------------------------------------------------------------------------------------
    Mistake(
        "forward_uses_relu_but_declares_tanh", "HIDDEN_ACTIVATION says tanh, the hidden layer applies relu",
        ROWS, """
        def forward_propagation(X, parameters):
            Z1 = X @ parameters["W1"] + parameters["b1"]
            A1 = relu(Z1)
            Z2 = A1 @ parameters["W2"] + parameters["b2"]
            A2 = sigmoid(Z2)
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
        """, "forward_propagation_matches_the_spec", "AL is what hidden layers with relu give"),
    Mistake(
        "forward_of_a_rows_module_returns_columns", "rows declared, AL returned as (1, m)",
        ROWS, """
        def forward_propagation(X, parameters):
            Z1 = X @ parameters["W1"] + parameters["b1"]
            A1 = tanh(Z1)
            Z2 = A1 @ parameters["W2"] + parameters["b2"]
            A2 = sigmoid(Z2)
            return A2.T, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
        """, "forward_propagation_matches_the_spec", "LAYOUT 'columns'?"),
    Mistake(
        "forward_forgets_the_output_softmax", "the last layer returns the logits Z",
        COLUMNS, """
        def forward_propagation(X, parameters):
            L = len(parameters) // 2
            caches = []
            A = X
            for l in range(1, L + 1):
                A_prev = A
                Z = parameters["W" + str(l)] @ A_prev + parameters["b" + str(l)]
                A = Z if l == L else relu(Z)
                caches.append((A_prev, Z))
            return A, caches
        """, "forward_propagation_outputs_probabilities", "output layer's softmax applied"),
    Mistake(
        "forward_always_applies_dropout", "dropout with keep_prob 0.8 on every hidden layer, also at prediction",
        COLUMNS, """
        def forward_propagation(X, parameters):
            L = len(parameters) // 2
            caches = []
            A = X
            for l in range(1, L + 1):
                A_prev = A
                Z = parameters["W" + str(l)] @ A_prev + parameters["b" + str(l)]
                A = softmax(Z) if l == L else dropout_forward(relu(Z), 0.8)[0]
                caches.append((A_prev, Z))
            return A, caches
        """, "forward_propagation_is_deterministic", "is dropout applied in forward_propagation"),
    # -- backward -----------------------------------------------------------------------------------------------
    Mistake(
        "dW_not_divided_by_m", "dW = dZ @ A_prev.T: the gradient of the summed loss",
        COLUMNS, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = (parameters["W" + str(l)].T @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """, "backward_propagation_matches_finite_differences", "did you forget to divide by m?"),
    Mistake(
        "one_over_m_applied_twice", "dZ divided by m, and dW divided by m again",
        COLUMNS, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1])) / m
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = (parameters["W" + str(l)].T @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """, "backward_propagation_matches_finite_differences", "1/m applied twice"),
    Mistake(
        "db_summed_over_the_units", "np.sum(dZ, axis=0): one number per sample instead of per unit",
        COLUMNS, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=0, keepdims=True) / m
                if l > 1:
                    dZ = (parameters["W" + str(l)].T @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """, "backward_propagation_matches_finite_differences", "sum dZ over the samples"),
    Mistake(
        "backward_forgets_the_activation_derivative", "dZ = W.T @ dZ: the hidden layers' g'(Z) is missing",
        COLUMNS, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = parameters["W" + str(l)].T @ dZ
            return grads
        """, "backward_propagation_matches_finite_differences", "missing the activation's derivative"),
    Mistake(
        "backward_uses_W_instead_of_its_transpose", "dA_prev = W @ dZ: shapes agree only when the layers are square",
        COLUMNS, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = (parameters["W" + str(l)] @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """, "backward_propagation_matches_finite_differences", "dA_prev = W.T @ dZ"),
    Mistake(
        "hidden_derivative_taken_at_A", "tanh_derivative(A1): the derivative evaluated at the activation",
        ROWS, """
        def backward_propagation(parameters, cache, X, Y):
            m = X.shape[0]
            dZ2 = cache["A2"] - Y
            dA1 = dZ2 @ parameters["W2"].T
            dZ1 = dA1 * tanh_derivative(cache["A1"])
            return {"dW1": X.T @ dZ1 / m, "db1": dZ1.sum(axis=0, keepdims=True) / m,
                    "dW2": cache["A1"].T @ dZ2 / m, "db2": dZ2.sum(axis=0, keepdims=True) / m}
        """, "backward_propagation_matches_finite_differences", "evaluated at A = g(Z)"),
    Mistake(
        "sigmoid_output_derivative_applied_twice", "dZ2 = (A2 - Y) * sigma'(Z2): BCE's A - Y already includes it",
        ROWS, """
        def backward_propagation(parameters, cache, X, Y):
            m = X.shape[0]
            dZ2 = (cache["A2"] - Y) * sigmoid_derivative(cache["Z2"])
            dA1 = dZ2 @ parameters["W2"].T
            dZ1 = dA1 * tanh_derivative(cache["Z1"])
            return {"dW1": X.T @ dZ1 / m, "db1": dZ1.sum(axis=0, keepdims=True) / m,
                    "dW2": cache["A1"].T @ dZ2 / m, "db2": dZ2.sum(axis=0, keepdims=True) / m}
        """, "backward_propagation_matches_finite_differences", "already includes it"),
    # -- dropout ------------------------------------------------------------------------------------------------
    Mistake(
        "dropout_not_rescaled", "A * mask without / keep_prob: the expected activation shrinks",
        COLUMNS, """
        def dropout_forward(A, keep_prob):
            mask = np.random.rand(*A.shape) < keep_prob
            return A * mask, mask
        """, "dropout_forward_preserves_the_expected_activation", "not rescaled"),
    Mistake(
        "dropout_keeps_one_minus_keep_prob", "rand > keep_prob: keep_prob read as the drop probability",
        COLUMNS, """
        def dropout_forward(A, keep_prob):
            mask = np.random.rand(*A.shape) > keep_prob
            return A * mask / keep_prob, mask
        """, "dropout_forward_keeps_the_fraction_keep_prob", "it keeps 1 - keep_prob"),
    Mistake(
        "dropout_reseeds_on_every_call", "np.random.seed(0) inside: the same mask every time",
        COLUMNS, """
        def dropout_forward(A, keep_prob):
            np.random.seed(0)
            mask = np.random.rand(*A.shape) < keep_prob
            return A * mask / keep_prob, mask
        """, "dropout_forward_draws_a_new_mask_each_call", "re-seeded inside dropout_forward"),
    Mistake(
        "dropout_backward_without_the_scale", "dA * mask: forward divided by keep_prob, backward does not",
        COLUMNS, """
        def dropout_backward(dA, mask, keep_prob):
            return dA * mask
        """, "dropout_backward_applies_the_same_mask_and_scale", "not rescaled by 1/keep_prob"),
    # -- training -----------------------------------------------------------------------------------------------
    Mistake(
        "predict_returns_probabilities", "predict hands back the softmax output instead of class indices",
        COLUMNS, """
        def predict(X, parameters):
            probabilities, _ = forward_propagation(X, parameters)
            return probabilities
        """, "train_and_predict_learn_moons", "these are forward_propagation's probabilities"),

    # -- state kept outside the arguments -----------------------------------------------------------------------
    Mistake(
        "backward_reads_the_cache_kept_by_the_last_forward",
        "forward stores its caches in a module-level variable, backward reads that instead of its cache argument",
        COLUMNS, """
        _last_caches = None

        def forward_propagation(X, parameters):
            global _last_caches
            L = len(parameters) // 2
            caches = []
            A = X
            for l in range(1, L + 1):
                A_prev = A
                Z = parameters["W" + str(l)] @ A_prev + parameters["b" + str(l)]
                A = softmax(Z) if l == L else relu(Z)
                caches.append((A_prev, Z))
            _last_caches = caches
            return A, caches

        def backward_propagation(parameters, cache, X, Y):
            cache = _last_caches
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = (parameters["W" + str(l)].T @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """, "backward_propagation_uses_the_cache_and_parameters_it_is_given", "depends on which forward_propagation ran last",
        blames="backward_propagation"),
    Mistake(
        "backward_uses_the_parameters_kept_by_the_last_forward",
        "forward keeps the parameters in a global (a notebook's `params`), backward multiplies by those",
        COLUMNS, """
        params = None

        def forward_propagation(X, parameters):
            global params
            params = parameters
            L = len(parameters) // 2
            caches = []
            A = X
            for l in range(1, L + 1):
                A_prev = A
                Z = parameters["W" + str(l)] @ A_prev + parameters["b" + str(l)]
                A = softmax(Z) if l == L else relu(Z)
                caches.append((A_prev, Z))
            return A, caches

        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = (params["W" + str(l)].T @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """, "backward_propagation_uses_the_cache_and_parameters_it_is_given",
        "depends on which forward_propagation ran last", blames="backward_propagation"),
    Mistake(
        "backward_uses_module_level_activations",
        "forward assigns `global Z1, A1, A2`, backward reads the globals instead of its cache",
        ROWS, """
        Z1 = A1 = A2 = None

        def forward_propagation(X, parameters):
            global Z1, A1, A2
            Z1 = X @ parameters["W1"] + parameters["b1"]
            A1 = tanh(Z1)
            A2 = sigmoid(A1 @ parameters["W2"] + parameters["b2"])
            return A2, {"Z1": Z1, "A1": A1, "A2": A2}

        def backward_propagation(parameters, cache, X, Y):
            m = X.shape[0]
            dZ2 = A2 - Y
            dZ1 = (dZ2 @ parameters["W2"].T) * tanh_derivative(Z1)
            return {"dW1": X.T @ dZ1 / m, "db1": dZ1.sum(axis=0, keepdims=True) / m,
                    "dW2": A1.T @ dZ2 / m, "db2": dZ2.sum(axis=0, keepdims=True) / m}
        """, "backward_propagation_uses_the_cache_and_parameters_it_is_given", "depends on which forward_propagation ran last",
        blames="backward_propagation"),
    Mistake(
        "backward_uses_the_input_kept_by_the_last_forward",
        "forward keeps X in a module-level variable; backward's dW1 uses it instead of the X it is given",
        ROWS, """
        _inputs = None

        def forward_propagation(X, parameters):
            global _inputs
            _inputs = X
            Z1 = X @ parameters["W1"] + parameters["b1"]
            A1 = tanh(Z1)
            Z2 = A1 @ parameters["W2"] + parameters["b2"]
            return sigmoid(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": sigmoid(Z2)}

        def backward_propagation(parameters, cache, X, Y):
            m = X.shape[0]
            dZ2 = cache["A2"] - Y
            dZ1 = (dZ2 @ parameters["W2"].T) * tanh_derivative(cache["Z1"])
            return {"dW1": _inputs.T @ dZ1 / m, "db1": dZ1.sum(axis=0, keepdims=True) / m,
                    "dW2": cache["A1"].T @ dZ2 / m, "db2": dZ2.sum(axis=0, keepdims=True) / m}
        """, "backward_propagation_uses_the_cache_and_parameters_it_is_given", "depends on which forward_propagation ran last",
        blames="backward_propagation"),
    Mistake(
        "backward_uses_the_output_kept_by_the_last_forward",
        "forward keeps AL in a global for the loss; backward starts from it (dZ = AL - Y)",
        COLUMNS, """
        AL = None

        def forward_propagation(X, parameters):
            global AL
            L = len(parameters) // 2
            caches = []
            A = X
            for l in range(1, L + 1):
                A_prev = A
                Z = parameters["W" + str(l)] @ A_prev + parameters["b" + str(l)]
                A = softmax(Z) if l == L else relu(Z)
                caches.append((A_prev, Z))
            AL = A
            return A, caches

        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, AL)
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = (parameters["W" + str(l)].T @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """, "backward_propagation_uses_the_cache_and_parameters_it_is_given",
        "depends on which forward_propagation ran last", blames="backward_propagation"),
    # -- train's arguments --------------------------------------------------------------------------------------
    Mistake(
        "train_with_a_hard_coded_learning_rate", "update_parameters(parameters, grads, 0.1): the argument is unused",
        COLUMNS, """
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            np.random.seed(seed)
            parameters = initialize_parameters(layer_dims)
            m = X.shape[1]
            for epoch in range(epochs):
                order = np.random.permutation(m)
                for start in range(0, m, batch_size):
                    batch = order[start:start + batch_size]
                    _, cache = forward_propagation(X[:, batch], parameters)
                    grads = backward_propagation(parameters, cache, X[:, batch], Y[:, batch])
                    parameters = update_parameters(parameters, grads, 0.1)
            return parameters
        """, "train_uses_its_learning_rate_and_batch_size", "learning_rate has no effect"),
    Mistake(
        "train_is_full_batch_whatever_batch_size_says", "gradient descent on all of X each epoch",
        COLUMNS, """
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            np.random.seed(seed)
            parameters = initialize_parameters(layer_dims)
            for epoch in range(epochs):
                _, cache = forward_propagation(X, parameters)
                grads = backward_propagation(parameters, cache, X, Y)
                parameters = update_parameters(parameters, grads, learning_rate)
            return parameters
        """, "train_uses_its_learning_rate_and_batch_size", "batch_size has no effect"),
    Mistake(
        "train_with_a_fixed_seed", "np.random.seed(42) whatever seed is passed",
        COLUMNS, """
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            np.random.seed(42)
            parameters = initialize_parameters(layer_dims)
            m = X.shape[1]
            for epoch in range(epochs):
                order = np.random.permutation(m)
                for start in range(0, m, batch_size):
                    batch = order[start:start + batch_size]
                    _, cache = forward_propagation(X[:, batch], parameters)
                    grads = backward_propagation(parameters, cache, X[:, batch], Y[:, batch])
                    parameters = update_parameters(parameters, grads, learning_rate)
            return parameters
        """, "train_gives_the_same_parameters_for_the_same_seed_and_others_for_another",
        "a fixed seed inside train ignores the argument"),
    Mistake(
        "train_never_seeds", "no np.random.seed(seed): every call starts from other weights",
        COLUMNS, """
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            parameters = initialize_parameters(layer_dims)
            m = X.shape[1]
            for epoch in range(epochs):
                order = np.random.permutation(m)
                for start in range(0, m, batch_size):
                    batch = order[start:start + batch_size]
                    _, cache = forward_propagation(X[:, batch], parameters)
                    grads = backward_propagation(parameters, cache, X[:, batch], Y[:, batch])
                    parameters = update_parameters(parameters, grads, learning_rate)
            return parameters
        """, "train_gives_the_same_parameters_for_the_same_seed_and_others_for_another",
        "must come from the seed"),
    Mistake(
        "train_shuffles_with_an_unseeded_generator", "the weights come from the seed, the shuffling does not",
        COLUMNS, """
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            np.random.seed(seed)
            parameters = initialize_parameters(layer_dims)
            shuffler = np.random.default_rng()
            m = X.shape[1]
            for epoch in range(epochs):
                order = shuffler.permutation(m)
                for start in range(0, m, batch_size):
                    batch = order[start:start + batch_size]
                    _, cache = forward_propagation(X[:, batch], parameters)
                    grads = backward_propagation(parameters, cache, X[:, batch], Y[:, batch])
                    parameters = update_parameters(parameters, grads, learning_rate)
            return parameters
        """, "train_gives_the_same_parameters_for_the_same_seed_and_others_for_another", "must return the same"),
    Mistake(
        "train_with_a_module_level_batch_size", "BATCH_SIZE = 32 at the top of the notebook, the argument unused",
        ROWS, """
        BATCH_SIZE = 32

        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            rng = np.random.default_rng(seed)
            parameters = initialize_parameters(layer_dims, rng)
            m = X.shape[0]
            for _ in range(epochs):
                order = rng.permutation(m)
                for start in range(0, m, BATCH_SIZE):
                    rows = order[start:start + BATCH_SIZE]
                    _, cache = forward_propagation(X[rows], parameters)
                    grads = backward_propagation(parameters, cache, X[rows], Y[rows])
                    parameters = update_parameters(parameters, grads, learning_rate)
            return parameters
        """, "train_uses_its_learning_rate_and_batch_size", "batch_size has no effect"),
    Mistake(
        "train_initialises_from_an_unseeded_generator", "initialize_parameters(layer_dims) draws from a fresh rng",
        ROWS, """
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            rng = np.random.default_rng(seed)
            parameters = initialize_parameters(layer_dims)
            m = X.shape[0]
            for _ in range(epochs):
                order = rng.permutation(m)
                for start in range(0, m, batch_size):
                    rows = order[start:start + batch_size]
                    _, cache = forward_propagation(X[rows], parameters)
                    grads = backward_propagation(parameters, cache, X[rows], Y[rows])
                    parameters = update_parameters(parameters, grads, learning_rate)
            return parameters
        """, "train_gives_the_same_parameters_for_the_same_seed_and_others_for_another", "must come from the seed"),
    Mistake(
        "train_with_the_generator_seeded_by_a_constant", "np.random.default_rng(0): the seed argument is unused",
        ROWS, """
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            rng = np.random.default_rng(0)
            parameters = initialize_parameters(layer_dims, rng)
            m = X.shape[0]
            for _ in range(epochs):
                order = rng.permutation(m)
                for start in range(0, m, batch_size):
                    rows = order[start:start + batch_size]
                    _, cache = forward_propagation(X[rows], parameters)
                    grads = backward_propagation(parameters, cache, X[rows], Y[rows])
                    parameters = update_parameters(parameters, grads, learning_rate)
            return parameters
        """, "train_gives_the_same_parameters_for_the_same_seed_and_others_for_another",
        "a fixed seed inside train ignores the argument"),
    Mistake(
        "train_discards_the_functional_update", "update_parameters returns new arrays, and train never assigns them",
        ROWS, """
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            rng = np.random.default_rng(seed)
            parameters = initialize_parameters(layer_dims, rng)
            m = X.shape[0]
            for _ in range(epochs):
                order = rng.permutation(m)
                for start in range(0, m, batch_size):
                    rows = order[start:start + batch_size]
                    _, cache = forward_propagation(X[rows], parameters)
                    grads = backward_propagation(parameters, cache, X[rows], Y[rows])
                    update_parameters(parameters, grads, learning_rate)
            return parameters
        """, "train_uses_its_learning_rate_and_batch_size", "returned the parameters it started from"),
    Mistake(
        "train_decays_the_learning_rate_every_epoch", "learning_rate / (1 + epoch): the steps vanish before it learns",
        COLUMNS, """
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            np.random.seed(seed)
            parameters = initialize_parameters(layer_dims)
            m = X.shape[1]
            for epoch in range(epochs):
                order = np.random.permutation(m)
                for start in range(0, m, batch_size):
                    batch = order[start:start + batch_size]
                    _, cache = forward_propagation(X[:, batch], parameters)
                    grads = backward_propagation(parameters, cache, X[:, batch], Y[:, batch])
                    parameters = update_parameters(parameters, grads, learning_rate / (1 + epoch))
            return parameters
        """, "train_and_predict_learn_the_patterns", "the primitives learn"),
    # -- predict ------------------------------------------------------------------------------------------------
    Mistake(
        "predict_leaves_dropout_on", "predict runs the training forward pass, dropout with keep_prob 0.8 included",
        COLUMNS, """
        def predict(X, parameters):
            L = len(parameters) // 2
            A = X
            for l in range(1, L + 1):
                Z = parameters["W" + str(l)] @ A + parameters["b" + str(l)]
                A = softmax(Z) if l == L else dropout_forward(relu(Z), 0.8)[0]
            return np.argmax(A, axis=0)
        """, "predict_agrees_with_forward_propagation_on_any_batch", "must not draw random numbers"),
    Mistake(
        "predict_guesses_the_class_axis_from_the_shape", "the classes taken to be the shorter axis of AL",
        COLUMNS, """
        def predict(X, parameters):
            probabilities, _ = forward_propagation(X, parameters)
            axis = 0 if probabilities.shape[0] < probabilities.shape[1] else 1
            return np.argmax(probabilities, axis=axis)
        """, "predict_agrees_with_forward_propagation_on_any_batch", "argmaxes over the samples' axis"),
    Mistake(
        "predict_transposes_a_wide_X", "X.T when X has more columns than rows: a guess that fails for one sample",
        ROWS, """
        def predict(X, parameters):
            if X.shape[0] < X.shape[1]:
                X = X.T
            A2, _ = forward_propagation(X, parameters)
            return (A2[:, 0] > 0.5).astype(int)
        """, "predict_agrees_with_forward_propagation_on_any_batch", "predict raised ValueError"),
    Mistake(
        "predict_thresholds_the_probability_at_zero", "A2 > 0, the threshold of the logits, on probabilities",
        ROWS, """
        def predict(X, parameters):
            A2, _ = forward_propagation(X, parameters)
            return (A2[:, 0] > 0).astype(int)
        """, "predict_agrees_with_forward_propagation_on_any_batch", "must agree with it"),
    Mistake(
        "predict_argmax_without_an_axis", "np.argmax(AL): one index into the flattened array",
        COLUMNS, """
        def predict(X, parameters):
            probabilities, _ = forward_propagation(X, parameters)
            return np.argmax(probabilities)
        """, "predict_agrees_with_forward_propagation_on_any_batch", "must hold one label per sample"),
    Mistake(
        "predict_uses_the_parameters_of_the_last_train", "train keeps its result in a global that predict reads",
        COLUMNS, """
        trained = None

        def predict(X, parameters):
            probabilities, _ = forward_propagation(X, trained)
            return np.argmax(probabilities, axis=0)
        """, "predict_agrees_with_forward_propagation_on_any_batch", "predict raised"),
    Mistake(
        "predict_of_a_sigmoid_output_takes_the_argmax", "argmax over the single output unit: always class 0",
        ROWS, """
        def predict(X, parameters):
            A2, _ = forward_propagation(X, parameters)
            return np.argmax(A2, axis=1)
        """, "predict_agrees_with_forward_propagation_on_any_batch", "must agree with it"),
    # -- backward: the values at hand prove the hint ------------------------------------------------------------
    Mistake(
        "db_summed_without_an_axis", "np.sum(dZ) / m: one number for the whole layer",
        COLUMNS, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ) / m
                if l > 1:
                    dZ = (parameters["W" + str(l)].T @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """, "backward_propagation_matches_finite_differences", "np.sum(dZ) without an axis"),
    Mistake(
        "m_taken_from_the_feature_axis", "m = X.shape[0] in columns: the number of features",
        COLUMNS, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[0]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = (parameters["W" + str(l)].T @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """, "backward_propagation_matches_finite_differences", "divided by the number of features"),
    Mistake(
        "m_taken_from_the_feature_axis_of_a_rows_module", "m = X.shape[1] in rows: the number of features",
        ROWS, """
        def backward_propagation(parameters, cache, X, Y):
            m = X.shape[1]
            dZ2 = cache["A2"] - Y
            dZ1 = (dZ2 @ parameters["W2"].T) * tanh_derivative(cache["Z1"])
            return {"dW1": X.T @ dZ1 / m, "db1": dZ1.sum(axis=0, keepdims=True) / m,
                    "dW2": cache["A1"].T @ dZ2 / m, "db2": dZ2.sum(axis=0, keepdims=True) / m}
        """, "backward_propagation_matches_finite_differences", "divided by the number of features"),
    Mistake(
        "derivative_at_the_Z_of_the_layer_above", "relu_derivative(cache[l - 1][1]): the index of the layer above",
        COLUMNS, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = (parameters["W" + str(l)].T @ dZ) * relu_derivative(cache[l - 1][1])
            return grads
        """, "backward_propagation_matches_finite_differences", "the Z of the layer above"),
    Mistake(
        "tanh_derivative_at_the_output_Z", "tanh_derivative(Z2): the output layer's Z, broadcast over the units",
        ROWS, """
        def backward_propagation(parameters, cache, X, Y):
            m = X.shape[0]
            dZ2 = cache["A2"] - Y
            dZ1 = (dZ2 @ parameters["W2"].T) * tanh_derivative(cache["Z2"])
            return {"dW1": X.T @ dZ1 / m, "db1": dZ1.sum(axis=0, keepdims=True) / m,
                    "dW2": cache["A1"].T @ dZ2 / m, "db2": dZ2.sum(axis=0, keepdims=True) / m}
        """, "backward_propagation_matches_finite_differences", "the Z of the layer above"),
    Mistake(
        "update_with_the_learning_rate_forgotten_in_a_dict_comprehension", "{k: v - grads['d' + k]}: no rate",
        ROWS, """
        def update_parameters(parameters, grads, learning_rate):
            return {key: value - grads["d" + key] for key, value in parameters.items()}
        """, "update_parameters_subtracts_the_scaled_gradient", "learning rate was not applied"),
]
import catalogue_numerics  # noqa: E402

CATALOGUE += catalogue_numerics.ENTRIES
