"""Writes the notebook forms of the profile implementations as students hand them in: python _make_notebooks.py.

Each function of the .py becomes a cell, after a markdown cell and before a test cell that calls it and prints;
around them, the course's imports (helper modules that are not installed), magics, shell lines, data loading,
a training cell and plots. nnspec must read the definitions and skip the rest.
"""

import ast
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, os.pardir, os.pardir, os.pardir, "examples")

DLS4_IMPORTS = """import numpy as np
import h5py
import matplotlib.pyplot as plt
from testCases import *
from dnn_utils import sigmoid, sigmoid_backward, relu, relu_backward
from public_tests import *

%matplotlib inline
plt.rcParams['figure.figsize'] = (5.0, 4.0)
plt.rcParams['image.interpolation'] = 'nearest'

%load_ext autoreload
%autoreload 2

np.random.seed(1)"""
DLS4_TRAINING = ["""!pip install h5py
train_x_orig, train_y, test_x_orig, test_y, classes = load_data()
train_x = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.
test_x = test_x_orig.reshape(test_x_orig.shape[0], -1).T / 255.
print("train_x's shape: " + str(train_x.shape))""",
                 """layers_dims = [12288, 20, 7, 5, 1]
parameters, costs = L_layer_model(train_x, train_y, layers_dims, num_iterations=2500, print_cost=True)
plt.plot(np.squeeze(costs))
plt.ylabel('cost')
plt.show()""",
                 """pred_test = predict(test_x, test_y, parameters)
my_image = "my_image.jpg"
answer = input("Is this a cat? ")"""]

DLS3_IMPORTS = """import numpy as np
import copy
import matplotlib.pyplot as plt
from testCases_v2 import *
from public_tests import *
import sklearn
import sklearn.datasets
import sklearn.linear_model
from planar_utils import plot_decision_boundary, sigmoid, load_planar_dataset, load_extra_datasets

%matplotlib inline
%load_ext autoreload
%autoreload 2"""
DLS3_TRAINING = ["""X, Y = load_planar_dataset()
plt.scatter(X[0, :], X[1, :], c=Y, s=40, cmap=plt.cm.Spectral);
shape_X = X.shape
m = Y.shape[1]
print ('The shape of X is: ' + str(shape_X))""",
                 """parameters = nn_model(X, Y, n_h = 4, num_iterations = 10000, print_cost=True)
plot_decision_boundary(lambda x: predict(parameters, x.T), X, Y)
plt.title("Decision Boundary for hidden layer size " + str(4))""",
                 """%%time
for i, n_h in enumerate([1, 2, 3, 4, 5, 20, 50]):
    parameters = nn_model(X, Y, n_h, num_iterations = 5000)"""]

NNFS_IMPORTS = """!pip install nnfs
import numpy as np
import nnfs
from nnfs.datasets import spiral_data
import matplotlib.pyplot as plt
%matplotlib inline

nnfs.init()"""
NNFS_TRAINING = ["""X, y = spiral_data(samples=100, classes=3)
plt.scatter(X[:, 0], X[:, 1], c=y, cmap='brg')
plt.show()""",
                 """dense1 = Layer_Dense(2, 64)
activation1 = Activation_ReLU()
dense2 = Layer_Dense(64, 3)
loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()
optimizer = Optimizer_SGD(learning_rate=1.0)
for epoch in range(10001):
    dense1.forward(X)
    activation1.forward(dense1.output)
    dense2.forward(activation1.output)
    loss = loss_activation.forward(dense2.output, y)
    if not epoch % 100:
        print(f'epoch: {epoch}, loss: {loss:.3f}')
    loss_activation.backward(loss_activation.output, y)
    dense2.backward(loss_activation.dinputs)
    activation1.backward(dense2.dinputs)
    dense1.backward(activation1.dinputs)
    optimizer.update_params(dense1)
    optimizer.update_params(dense2)"""]


def cell(kind, text):
    body = {"cell_type": kind, "metadata": {}, "source": text.splitlines(True)}
    if kind == "code":
        body.update(execution_count=None, outputs=[])
    return body


def notebook(py, out, title, imports, training, drop=()):
    with open(os.path.join(HERE, py), encoding="utf-8") as handle:
        text = handle.read()
    tree = ast.parse(text)
    lines = text.split("\n")
    cells = [cell("markdown", f"# {title}\n\nWelcome to your assignment."), cell("code", imports)]
    for stmt in tree.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.ClassDef)) or stmt.name in drop:
            continue
        source = "\n".join(lines[stmt.lineno - 1:stmt.end_lineno])
        cells.append(cell("markdown", f"### Exercise - {stmt.name}\n\nImplement `{stmt.name}`."))
        cells.append(cell("code", "# GRADED FUNCTION: " + stmt.name + "\n\n" + source))
        if isinstance(stmt, ast.FunctionDef):
            cells.append(cell("code", f"print({stmt.name})\n{stmt.name}_test({stmt.name})"))
    cells += [cell("code", t) for t in training]
    document = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                            "name": "python3"}},
                "nbformat": 4, "nbformat_minor": 5}
    with open(os.path.join(HERE, out), "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    helpers = ("sigmoid", "relu", "relu_backward", "sigmoid_backward")
    notebook("dls_week4.py", "dls_week4.ipynb", "Building your Deep Neural Network: Step by Step", DLS4_IMPORTS,
             DLS4_TRAINING, drop=helpers)
    notebook("dls_week4_dW_not_averaged.py", "dls_week4_dW_not_averaged.ipynb", "Building your Deep Neural Network",
             DLS4_IMPORTS, DLS4_TRAINING, drop=helpers)
    notebook("dls_week3.py", "dls_week3.ipynb", "Planar data classification with one hidden layer", DLS3_IMPORTS,
             DLS3_TRAINING, drop=("sigmoid",))
    notebook("nnfs_classes.py", "nnfs_classes.ipynb", "Neural Networks from Scratch", NNFS_IMPORTS, NNFS_TRAINING)
    notebook("nnfs_relu_backward_not_masked.py", "nnfs_relu_backward_not_masked.ipynb", "Neural Networks from Scratch",
             NNFS_IMPORTS, NNFS_TRAINING)
    shutil.copy(os.path.join(HERE, "dls_week4.ipynb"), os.path.join(EXAMPLES, "dls_week4.ipynb"))
