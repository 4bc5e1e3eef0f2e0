"""Not valid Python."""


def relu(Z)
    return Z
