"""The names an implementation provides, and the settings it may declare."""

CONTRACT = (
    "relu", "relu_derivative", "sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative",
    "elu", "elu_derivative", "softmax",
    "cross_entropy_loss", "binary_cross_entropy", "cross_entropy_derivative",
    "initialize_parameters", "forward_propagation", "backward_propagation", "update_parameters",
    "dropout_forward", "dropout_backward", "train", "predict",
)

LAYOUTS = ("columns", "rows")
HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu")
OUTPUT_ACTIVATIONS = ("softmax", "sigmoid")
# Depths (numbers of weight layers) exercised when a module does not declare DEPTHS.
DEFAULT_DEPTHS = (1, 2, 3)
# The loss that goes with each output activation, and the names every network needs whatever its activations.
LOSS = {"softmax": "cross_entropy_loss", "sigmoid": "binary_cross_entropy"}
NETWORK = ("cross_entropy_derivative", "initialize_parameters", "forward_propagation", "backward_propagation",
           "update_parameters", "dropout_forward", "dropout_backward", "train", "predict")


def applicable(hidden: str, output: str) -> tuple:
    """The contract names a network with these activations needs: the other activations are optional extras."""
    return (hidden, f"{hidden}_derivative", output, LOSS[output], *NETWORK)


# Not a function: the summary row of the checks that run the primitives together in the suite's training loop.
TRAINING_LOOP = "training loop"
