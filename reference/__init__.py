"""nnspec's reference network: a minimal numpy implementation of the contract.

Importing ``reference`` gives the default configuration (ReLU hidden layers,
softmax output, samples as columns, any depth). ``configure(hidden, output)``
returns the same network as a module for any of the CONFIGURATIONS.
"""

from .activations import (
    elu, elu_derivative, relu, relu_derivative, sigmoid, sigmoid_derivative,
    softmax, tanh, tanh_derivative,
)
from .configuration import CONFIGURATIONS, LAYOUT, configure
from .losses import binary_cross_entropy, cross_entropy_derivative, cross_entropy_loss
from .network import (
    backward_propagation, dropout_backward, dropout_forward, forward_propagation,
    initialize_parameters, update_parameters,
)
from .training import predict, train

HIDDEN_ACTIVATION = "relu"
OUTPUT_ACTIVATION = "softmax"

__all__ = [
    "LAYOUT", "HIDDEN_ACTIVATION", "OUTPUT_ACTIVATION", "CONFIGURATIONS", "configure",
    "relu", "relu_derivative", "sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative",
    "elu", "elu_derivative", "softmax",
    "cross_entropy_loss", "binary_cross_entropy", "cross_entropy_derivative",
    "initialize_parameters", "forward_propagation", "backward_propagation",
    "update_parameters", "dropout_forward", "dropout_backward", "train", "predict",
]
