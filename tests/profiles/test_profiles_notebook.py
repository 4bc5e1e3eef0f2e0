"""Reading a notebook's definitions as text: what is kept, what is skipped, and what a missing module does."""

import json
import traceback

import pytest

from nnspec import notebook
from nnspec.notebook import NotebookError, definitions, header_lines, missing_modules


def write_notebook(path, *cells):
    """A notebook of code cells (a str) and markdown cells (("md", str))."""
    body = [{"cell_type": "markdown", "metadata": {}, "source": c[1]} if isinstance(c, tuple) else
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": c.splitlines(True)} for c in cells]
    path.write_text(json.dumps({"cells": body, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return str(path)


def run(defs):
    namespace = {"__name__": "user_notebook"}
    exec(compile(defs.source, defs.path, "exec"), namespace)
    return namespace


def test_definitions_are_kept_and_everything_else_is_skipped(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "%matplotlib inline\n!pip install numpy\nimport numpy as np",
                          ("md", "# text"),
                          "LAYOUT = 'columns'\nDATA = load()\nX = np.ones(3)\nfor i in range(3):\n    print(i)\n"
                          "def relu(Z):\n    return np.maximum(Z, 0)\ninput('go?')")
    defs = definitions(path)
    assert defs.cells_read == 2, f"two code cells, read {defs.cells_read}"
    assert defs.names_by_cell == {"np": 1, "LAYOUT": 3, "relu": 3}, f"kept {defs.names_by_cell}"
    # %matplotlib, !pip, DATA = load(), X = ..., the for loop, input(): 6 skipped
    assert defs.skipped == 6, f"skipped {defs.skipped}, expected 6"
    namespace = run(defs)
    assert namespace["LAYOUT"] == "columns" and namespace["relu"](-1.0) == 0, "the kept definitions must run"
    assert "DATA" not in namespace and "X" not in namespace, "skipped statements must not run"


def test_a_later_definition_replaces_an_earlier_one_as_rerunning_cells_would(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "def f():\n    return 1", "def f():\n    return 2")
    defs = definitions(path)
    assert defs.names_by_cell["f"] == 2, f"f came from cell {defs.names_by_cell['f']}, must be the later cell 2"
    assert run(defs)["f"]() == 2, "the later definition must win"


def test_a_cell_magic_skips_the_whole_cell(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "%%time\ndef slow():\n    pass", "x = 1")
    defs = definitions(path)
    assert "slow" not in defs.names_by_cell and defs.skipped == 2, f"kept {defs.names_by_cell}, skipped {defs.skipped}"


def test_a_missing_module_is_recorded_and_named_when_something_from_it_is_called(tmp_path):
    path = write_notebook(tmp_path / "course.ipynb",
                          "import numpy as np\nimport dnn_utils_nnspec_absent\nfrom testCases_nnspec_absent import *\n"
                          "from dnn_utils_nnspec_absent import relu",
                          "def forward(Z):\n    return relu(Z)\n\ndef helper():\n    return dnn_utils_nnspec_absent.sigmoid")
    defs = definitions(path)
    namespace = run(defs)
    missing = missing_modules(namespace)
    assert missing == ["dnn_utils_nnspec_absent", "testCases_nnspec_absent"], f"missing modules were {missing}"
    assert "missing modules: dnn_utils_nnspec_absent, testCases_nnspec_absent" in header_lines(defs, missing)[0]
    with pytest.raises(ModuleNotFoundError, match="dnn_utils_nnspec_absent.relu comes from the module "
                                                  "'dnn_utils_nnspec_absent', which is not installed"):
        namespace["forward"](1.0)


def test_a_missing_submodule_of_an_installed_package_still_fails_as_python_would(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "import numpy.nnspec_absent_submodule", "def f():\n    return numpy.pi")
    with pytest.raises(ModuleNotFoundError):
        run(definitions(path))


def test_an_import_that_no_definition_uses_is_not_run_and_is_named_in_the_header(tmp_path):
    # Plots and datasets live in the skipped top-level cells; importing their packages costs seconds per notebook.
    path = write_notebook(tmp_path / "nb.ipynb",
                          "import numpy as np\nimport matplotlib.pyplot as plt\nfrom sklearn.datasets import make_moons\n"
                          "from course_nnspec_absent import relu_backward",
                          "X, y = make_moons(100)\nplt.scatter(X[:, 0], X[:, 1], c=y)",
                          "def f(Z):\n    return np.tanh(Z)")
    defs = definitions(path)
    assert defs.unused == ["matplotlib.pyplot", "sklearn.datasets"], defs.unused
    # `from` a module that may be a course's helper is kept: a profile may use what it binds
    assert defs.imports == ["numpy", "course_nnspec_absent"], defs.imports
    assert {"np", "f", "relu_backward"} <= defs.defined and not {"plt", "make_moons"} & defs.defined, defs.defined
    assert header_lines(defs)[0].endswith("; not imported, as no definition uses them: matplotlib.pyplot, "
                                          "sklearn.datasets"), header_lines(defs)[0]
    namespace = run(defs)
    assert "plt" not in namespace and "make_moons" not in namespace and namespace["f"](0.0) == 0.0


def test_an_import_a_definition_uses_is_run_wherever_the_definition_is(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "import matplotlib.pyplot as plt\nimport copy",
                          "@decorate(plt)\ndef train(X, Y):\n    pass",
                          "class Net(copy.Error):\n    pass")
    defs = definitions(path)
    assert defs.unused == [] and defs.imports == ["matplotlib.pyplot", "copy"], (defs.unused, defs.imports)


def test_a_traceback_points_at_the_notebook_cell_and_line(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "x = 1", "print('skipped')\n\ndef broken(Z):\n    return Z / 0")
    namespace = run(definitions(path, filename="nb.ipynb"))
    with pytest.raises(ZeroDivisionError) as caught:
        namespace["broken"](1)
    last = traceback.extract_tb(caught.value.__traceback__)[-1]
    assert (last.filename, last.lineno) == ("nb.ipynb[cell 2]", 4), f"traceback at {last.filename}:{last.lineno}"
    assert last.line == "return Z / 0", f"the traceback must show the cell's own line, showed {last.line!r}"


def test_a_cell_that_does_not_parse_is_skipped_and_named_in_the_header(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "def ok():\n    return 1", "def bad(:\n    pass")
    defs = definitions(path)
    assert list(defs.unparsable) == [2], f"unparsable cells: {defs.unparsable}"
    assert any("cell 2 skipped: it does not parse (SyntaxError" in line for line in header_lines(defs))
    assert run(defs)["ok"]() == 1, "the other cells must still be read"


def test_a_file_that_is_not_a_notebook_is_one_clear_error(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text("{not json")
    with pytest.raises(NotebookError, match="nb.ipynb is not a notebook: not valid JSON"):
        definitions(str(path))


@pytest.mark.parametrize("content, why", [("[" * 100_000 + "]" * 100_000, "its JSON nests deeper than Python can read"),
                                          ('{"cells": 3}', "it has no list of 'cells'")])
def test_a_notebook_nnspec_cannot_read_is_its_own_verdict_named_by_the_file_not_its_folder(tmp_path, content, why):
    # In a batch the folder is a private staging folder: the student knows the file, not that path.
    from nnspec.implementation import LoadError, load

    path = tmp_path / "nb.ipynb"
    path.write_text(content)
    with pytest.raises(LoadError) as raised:
        load(str(path))
    assert str(raised.value) == f"nb.ipynb is not a notebook: {why}", raised.value
    assert raised.value.verdict == "does not import"


def test_definitions_only_reads_a_script_that_trains_at_import(tmp_path):
    path = tmp_path / "script.py"
    path.write_text("import numpy as np\nDEPTHS = (2,)\n\ndef relu(Z):\n    return np.maximum(Z, 0)\n\n"
                    "raise SystemExit('training would start here')\n")
    defs = definitions(str(path))
    namespace = run(defs)
    assert namespace["DEPTHS"] == (2,) and callable(namespace["relu"]), "the script's definitions must be kept"
    assert header_lines(defs)[0].startswith("script.py: definitions only, 3 definitions, 1 statements skipped")


def test_the_names_a_script_defines_are_found_without_running_it(tmp_path):
    path = tmp_path / "script.py"
    path.write_text("import numpy as np\nclass Net:\n    pass\ndef f():\n    pass\nLAYOUT = 'rows'\nx = f()\n")
    assert notebook.defined_names(str(path)) == {"np", "Net", "f", "LAYOUT"}


def test_a_script_that_runs_code_at_import_gets_the_definitions_only_hint(tmp_path):
    trains, plain = tmp_path / "trains.py", tmp_path / "plain.py"
    trains.write_text('"""doc"""\nimport numpy as np\n\ndef f():\n    pass\n\nparams = f()\n')
    plain.write_text('"""doc"""\ndef f():\n    pass\n\nif __name__ == "__main__":\n    f()\n')
    hint = notebook.import_failure_hint(str(trains))
    assert hint and hint.startswith("it runs code at import (line 7") and "--definitions-only" in hint, hint
    assert notebook.import_failure_hint(str(plain)) is None, "a file with only definitions needs no such hint"


def test_a_try_of_imports_keeps_its_own_fallback(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb",
                          "try:\n    import cupy_nnspec_absent as xp\nexcept ImportError:\n    import numpy as xp",
                          "try:\n    data = load()\nexcept OSError:\n    pass")
    defs = definitions(path)
    namespace = run(defs)
    assert namespace["xp"].__name__ == "numpy", "the except ImportError branch must run, not a stub"
    assert "data" not in defs.names_by_cell and defs.skipped == 1, "a try that loads data is skipped"
    assert missing_modules(namespace) == [], "a module the user's own try handles is not missing"


def test_an_error_while_the_definitions_run_leaves_no_stub_finder_behind(tmp_path):
    import sys

    path = write_notebook(tmp_path / "nb.ipynb", "import absent_nnspec_module\nclass A:\n    x = 1 / 0")
    finders = list(sys.meta_path)
    with pytest.raises(ZeroDivisionError):
        run(definitions(path))
    assert sys.meta_path == finders, "the stub finder must be removed when the definitions fail"
    assert "absent_nnspec_module" not in sys.modules, "no stub module may outlive a failed import"
