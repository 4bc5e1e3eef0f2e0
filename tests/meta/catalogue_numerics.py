"""Broken implementations of the numerics (issue 11 A): overflowing closed forms, coarse clipping, nan at 0 and 1,
swapped loss arguments, lower precision than the rest of the network, and wrong float32 networks.

Each is one realistic mistake in a copy of a correct example, in the `Mistake` form of catalogue.py (which appends
ENTRIES to its CATALOGUE); tests/meta/test_meta_catalogue.py proves each is caught by the check named, with the
fragment in the message, and that the unbroken base passes that check.
"""

from __future__ import annotations

from catalogue import COLUMNS, ROWS, Mistake

# columns, tanh hidden, softmax output, everything float32, clipping at 1e-7 in the losses
FLOAT32 = "float32_network.py"

ENTRIES = [
    # -- activations that overflow outside [-20, 20] --------------------------------------------------------------
    Mistake(
        "tanh_built_from_exponentials", "(e^Z - e^-Z) / (e^Z + e^-Z): inf / inf = nan once e^|Z| overflows",
        COLUMNS, """
        def tanh(Z):
            return (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))
        """, "tanh_is_finite_and_correct_over_the_whole_range", "where exp(|z|) overflows in float64"),
    Mistake(
        "sigmoid_written_as_exp_over_one_plus_exp", "e^Z / (1 + e^Z): inf / inf = nan for Z past 709",
        COLUMNS, """
        def sigmoid(Z):
            return np.exp(Z) / (1 + np.exp(Z))
        """, "sigmoid_is_finite_and_correct_over_the_whole_range", "where exp(|z|) overflows"),
    Mistake(
        "sigmoid_derivative_in_an_overflowing_closed_form", "e^-Z / (1 + e^-Z)^2: nan at Z = -800",
        COLUMNS, """
        def sigmoid_derivative(Z):
            return np.exp(-Z) / (1 + np.exp(-Z)) ** 2
        """, "sigmoid_derivative_is_finite_and_correct_over_the_whole_range", "where exp(|z|) overflows"),
    Mistake(
        "sigmoid_derivative_in_the_other_overflowing_closed_form", "e^Z / (1 + e^Z)^2: nan at Z = 800",
        ROWS, """
        def sigmoid_derivative(Z):
            return np.exp(Z) / (1 + np.exp(Z)) ** 2
        """, "sigmoid_derivative_is_finite_and_correct_over_the_whole_range", "where exp(|z|) overflows"),
    Mistake(
        "elu_masked_by_multiplying", "Z * (Z > 0) + alpha (e^Z - 1) * (Z <= 0): inf * 0 = nan at Z = 800",
        COLUMNS, """
        def elu(Z, alpha=1.0):
            return Z * (Z > 0) + alpha * (np.exp(Z) - 1) * (Z <= 0)
        """, "elu_is_finite_and_correct_over_the_whole_range", "where exp(|z|) overflows"),
    Mistake(
        "elu_derivative_masked_by_multiplying", "(Z > 0) + alpha e^Z * (Z <= 0): inf * 0 = nan at Z = 800",
        COLUMNS, """
        def elu_derivative(Z, alpha=1.0):
            return (Z > 0) + alpha * np.exp(Z) * (Z <= 0)
        """, "elu_derivative_is_finite_and_correct_over_the_whole_range", "where exp(|z|) overflows"),
    Mistake(
        "tanh_from_a_sigmoid_that_overflows", "2 sigmoid(2Z) - 1 with sigmoid as e^x / (1 + e^x)",
        ROWS, """
        def tanh(Z):
            e = np.exp(2 * Z)
            return 2 * e / (1 + e) - 1
        """, "tanh_is_finite_and_correct_over_the_whole_range", "where exp(2|z|) overflows"),
    # -- losses: clipping too coarse, nan at exactly 0 or 1, swapped arguments ------------------------------------
    Mistake(
        "cross_entropy_clipped_at_1e_2", "np.clip(y_pred, 1e-2, 1 - 1e-2): a confident mistake capped at 4.6",
        COLUMNS, """
        def cross_entropy_loss(y_true, y_pred):
            return -np.sum(y_true * np.log(np.clip(y_pred, 1e-2, 1 - 1e-2))) / y_true.shape[1]
        """, "cross_entropy_loss_is_exact_at_confident_and_saturated_probabilities", "clipping y_pred to [0.01"),
    Mistake(
        "binary_cross_entropy_clipped_at_1e_3", "np.clip(y_pred, 1e-3, 1 - 1e-3): the loss at p = 0.9999 is off",
        ROWS, """
        def binary_cross_entropy(y_true, y_pred):
            p = np.clip(y_pred, 1e-3, 1 - 1e-3)
            return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
        """, "binary_cross_entropy_is_exact_at_confident_and_saturated_probabilities", "clipping y_pred to [0.001"),
    Mistake(
        "cross_entropy_with_an_epsilon_of_1e_3", "log(y_pred + 1e-3): ten thousand times the accepted 1e-7",
        COLUMNS, """
        def cross_entropy_loss(y_true, y_pred):
            return -np.sum(y_true * np.log(y_pred + 1e-3)) / y_true.shape[1]
        """, "cross_entropy_loss_is_exact_at_confident_and_saturated_probabilities", "log(p + 0.001)"),
    Mistake(
        "binary_cross_entropy_floored_at_1e_4", "np.maximum(y_pred, 1e-4) only: -log p capped at 9.2",
        COLUMNS, """
        def binary_cross_entropy(y_true, y_pred):
            p = np.maximum(y_pred, 1e-4)
            return -np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)) / y_true.shape[1]
        """, "binary_cross_entropy_is_exact_at_confident_and_saturated_probabilities", "clipping y_pred to [0.0001"),
    Mistake(
        "binary_cross_entropy_nan_at_saturation", "no epsilon: 0 * log(0) = nan when y_pred is exactly 0 or 1",
        COLUMNS, """
        def binary_cross_entropy(y_true, y_pred):
            return -np.sum(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)) / y_true.shape[1]
        """, "binary_cross_entropy_is_exact_at_confident_and_saturated_probabilities", "exactly 0 or 1"),
    Mistake(
        "cross_entropy_nan_at_saturation", "no epsilon: 0 * log(0) = nan for a class of probability exactly 0",
        ROWS, """
        def cross_entropy_loss(y_true, y_pred):
            return -np.sum(y_true * np.log(y_pred)) / y_true.shape[0]
        """, "cross_entropy_loss_is_exact_at_confident_and_saturated_probabilities", "exactly 0 or 1"),
    Mistake(
        "cross_entropy_with_swapped_arguments", "def cross_entropy_loss(y_pred, y_true): the arguments read backwards",
        COLUMNS, """
        def cross_entropy_loss(y_pred, y_true):
            return -np.sum(y_true * np.log(y_pred + EPSILON)) / y_true.shape[1]
        """, "cross_entropy_loss_matches_the_spec", "arguments are read in the wrong order"),
    Mistake(
        "binary_cross_entropy_with_swapped_arguments", "def binary_cross_entropy(y_pred, y_true)",
        COLUMNS, """
        def binary_cross_entropy(y_pred, y_true):
            m = y_true.shape[1]
            return -np.sum(y_true * np.log(y_pred + EPSILON) + (1 - y_true) * np.log(1 - y_pred + EPSILON)) / m
        """, "binary_cross_entropy_matches_the_spec", "arguments are read in the wrong order"),
    # -- a lower precision than the rest of the network -------------------------------------------------------------
    Mistake(
        "sigmoid_in_float16", "one function cast to float16 in a float64 network: 1e-3 off",
        COLUMNS, """
        def sigmoid(Z):
            return 1 / (1 + np.exp(-Z.astype(np.float16)))
        """, "sigmoid_matches_the_spec", "sigmoid returned float16, while the implementation computes in float64"),
    Mistake(
        "softmax_in_float16", "softmax computed in float16 inside a float64 network",
        COLUMNS, """
        def softmax(Z):
            Z = Z.astype(np.float16)
            e = np.exp(Z - Z.max(axis=0, keepdims=True))
            return e / e.sum(axis=0, keepdims=True)
        """, "softmax_matches_the_spec", "softmax returned float16"),
    # -- float32 networks that are wrong: still caught at float32 precision ----------------------------------------
    Mistake(
        "float32_tanh_derivative_forgets_the_square", "1 - tanh(Z) in a float32 network",
        FLOAT32, """
        def tanh_derivative(Z):
            return 1 - np.tanh(_f(Z))
        """, "tanh_derivative_matches_the_spec_and_finite_differences", "this is 1 - tanh(Z): the derivative"),
    Mistake(
        "float32_softmax_over_the_samples", "axis=1 in a float32 columns network",
        FLOAT32, """
        def softmax(Z):
            Z = _f(Z)
            e = np.exp(Z - Z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        """, "softmax_matches_the_spec", "normalised over the wrong axis"),
    Mistake(
        "float32_cross_entropy_summed", "the float32 loss of the batch, not its mean",
        FLOAT32, """
        def cross_entropy_loss(y_true, y_pred):
            y_true, y_pred = _f(y_true), np.clip(_f(y_pred), CLIP, 1 - CLIP)
            return DTYPE(-(y_true * np.log(y_pred)).sum())
        """, "cross_entropy_loss_is_a_mean_over_samples", "loss doubled when the batch was duplicated"),
    Mistake(
        "float32_backward_without_1_over_m", "dW = dZ @ A_prev.T in float32: the gradient of the summed loss",
        FLOAT32, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(parameters) // 2
            grads = {}
            dZ = cache[f"A{L}"] - _f(Y)
            for l in range(L, 0, -1):
                grads[f"dW{l}"] = dZ @ cache[f"A{l - 1}"].T
                grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
                if l > 1:
                    dZ = (_f(parameters[f"W{l}"]).T @ dZ) * tanh_derivative(cache[f"Z{l - 1}"])
            return grads
        """, "backward_propagation_matches_finite_differences", "did you forget to divide by m?"),
    Mistake(
        "float32_elu_ignores_alpha", "alpha never used in a float32 elu",
        FLOAT32, """
        def elu(Z, alpha=1.0):
            Z = _f(Z)
            return np.where(Z > 0, Z, np.expm1(np.minimum(Z, 0))).astype(DTYPE)
        """, "elu_matches_the_spec", "ignores its alpha"),
    Mistake(
        "float32_update_climbs", "theta + lr * grad in float32",
        FLOAT32, """
        def update_parameters(parameters, grads, learning_rate):
            lr = DTYPE(learning_rate)
            return {k: (_f(v) + lr * _f(grads["d" + k])).astype(DTYPE) for k, v in parameters.items()}
        """, "update_parameters_subtracts_the_scaled_gradient", "update_parameters: "),
    Mistake(
        "float32_dropout_not_rescaled", "A * mask without / keep_prob in float32",
        FLOAT32, """
        def dropout_forward(A, keep_prob, rng=None):
            rng = rng if rng is not None else _RNG
            A = _f(A)
            mask = (rng.random(A.shape) < keep_prob).astype(DTYPE)
            return A * mask, mask
        """, "dropout_forward_preserves_the_expected_activation", "the survivors are not rescaled"),
]
