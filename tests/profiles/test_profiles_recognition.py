"""Profiles are recognised from the names a file defines; adapters import nothing of nnspec's; messages speak the user's names."""

import ast
import os

import pytest

from nnspec import profiles
from nnspec.contract import CONTRACT
from nnspec.profiles import PROFILES, ProfileError, choose, header_line, recognise, user_terms

ADAPTERS = os.path.join(os.path.dirname(profiles.__file__), "adapters")


@pytest.mark.parametrize("names, expected", [
    ({"initialize_parameters_deep", "L_model_forward", "L_model_backward", "compute_cost"}, "dls"),
    ({"layer_sizes", "initialize_parameters", "forward_propagation", "backward_propagation", "nn_model"}, "dls"),
    ({"forward_propagation_with_dropout", "backward_propagation_with_dropout"}, "dls"),
    ({"affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss"}, "cs231n"),
    ({"Layer_Dense", "Activation_ReLU", "Activation_Softmax", "Loss_CategoricalCrossentropy"}, "nnfs"),
    ({"Network", "sigmoid", "sigmoid_prime"}, "nielsen"),
    ({"NNSPEC_NAMES", "L_model_forward", "L_model_backward"}, "names"),
    (set(CONTRACT), None),
])
def test_a_profile_is_recognised_from_the_names_a_file_defines(names, expected):
    found, reason = recognise(names)
    assert found == expected, f"{sorted(names)} was recognised as {found} ({reason}), expected {expected}"


def test_the_header_says_which_profile_and_why():
    line = header_line(*recognise({"L_model_forward", "L_model_backward", "initialize_parameters_deep"}))
    assert line == ("profile dls (Deep Learning Specialization): recognised by L_model_forward, L_model_backward, "
                    "initialize_parameters_deep"), line


def test_profile_none_turns_recognition_off_and_a_name_forces_one():
    assert choose({"L_model_forward", "L_model_backward"}, "none")[0] is None, "--profile none must turn it off"
    assert choose(set(), "nnfs") == ("nnfs", "forced by --profile nnfs")


def test_an_unknown_profile_is_one_error_naming_the_choices():
    with pytest.raises(ProfileError, match=r"--profile was 'keras', must be one of dls, cs231n, nnfs, nielsen, names"):
        choose(set(), "keras")


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_an_adapter_imports_only_the_standard_library_and_numpy(profile):
    # it runs inside the implementation's process, which must never import the verifier or its oracles
    tree = ast.parse(profiles.adapter_source(profile))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    forbidden = imported & {"nnspec", "spec", "reference", "hypothesis", "sympy", "pytest", ""}
    assert not forbidden, f"adapters/{profile}.py imports {sorted(forbidden)}"
    assert any(isinstance(n, ast.FunctionDef) and n.name == "adapt" for n in tree.body), f"{profile} has no adapt()"


def test_the_rename_tables_contract_is_nnspecs():
    namespace = {}
    exec(profiles.adapter_source("names"), namespace)
    assert namespace["CONTRACT"] == CONTRACT, "adapters/names.py keeps its own copy of the contract: keep it equal"


def test_a_bad_rename_table_says_which_entry_and_why():
    namespace = {}
    exec(profiles.adapter_source("names"), namespace)
    with pytest.raises(ValueError, match="NNSPEC_NAMES maps 'relu' to 'rectify', which this file does not define"):
        namespace["adapt"]({"NNSPEC_NAMES": {"relu": "rectify"}})
    with pytest.raises(ValueError, match="NNSPEC_NAMES has the key 'forward', which is not a contract name"):
        namespace["adapt"]({"NNSPEC_NAMES": {"forward": "f"}, "f": print})


@pytest.mark.parametrize("message, expected", [
    ("backward_propagation: dW1 max |error| 3.1e-02", "L_model_backward: dW1 max |error| 3.1e-02"),
    ("backward_propagation raised KeyError: 'dA0'", "L_model_backward raised KeyError: 'dA0'"),
    ("relu_derivative: relu_derivative(Z) max |error|", "relu_backward(dA, cache): relu_derivative(Z) max |error|"),
    ("training loop: the suite's loop", "training loop: the suite's loop"),
])
def test_a_message_speaks_the_users_own_names(message, expected):
    names = {"backward_propagation": "L_model_backward", "relu_derivative": "relu_backward(dA, cache)"}
    assert user_terms(message, names) == expected


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_an_adapter_given_an_empty_module_provides_nothing_and_says_what_is_not_applicable(profile):
    namespace = {}
    exec(profiles.adapter_source(profile), namespace)
    adapted = namespace["adapt"]({})
    assert {"functions", "declarations", "names", "not_applicable"} <= set(adapted), sorted(adapted)
    assert adapted["functions"] == {}, f"{profile} provided {sorted(adapted['functions'])} from an empty module"
    assert set(adapted["not_applicable"]) <= set(CONTRACT), f"{profile}: {sorted(adapted['not_applicable'])}"
    assert all(isinstance(r, str) and r for r in adapted["not_applicable"].values()), "every reason is a sentence"


def test_prepare_reads_a_notebook_as_text_and_picks_its_adapter():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "impls", "dls_week4.ipynb")
    prepared = profiles.prepare(path)
    assert prepared.profile == "dls" and "def adapt(ns" in prepared.adapter, prepared.reason
    assert "__nnspec_cell__('dls_week4.ipynb[cell 25]'" in prepared.source, "cells compile under their own names"
    header = prepared.header(["dnn_utils"])
    assert header[0].endswith("missing modules: dnn_utils") and header[-1].startswith("profile dls"), header


def test_prepare_leaves_a_syntax_error_in_a_script_to_the_import(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("def f(:\n")
    prepared = profiles.prepare(str(path))
    assert prepared.profile is None and prepared.source == "def f(:\n", "the import reports the syntax error"
