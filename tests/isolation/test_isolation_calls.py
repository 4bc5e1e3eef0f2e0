"""Within one run: the implementation runs in a process of its own; whatever it does fails only its own check."""

import json
import os
import shutil
import subprocess
import sys
import time

import background
import numpy as np
import pytest

from nnspec import runner
from nnspec.checks import by_name
from nnspec.implementation import load
from nnspec.process import Limits
from nnspec.report import cause_of, failure_text

HOSTILE = os.path.join(os.path.dirname(__file__), "..", "hostile")


def hostile(name, timeout=5.0):
    return load(os.path.join(HOSTILE, f"{name}.py"), timeout=timeout)[0]


def relu_failure(impl):
    """The failure text and cause of the relu check against `impl`."""
    with pytest.raises(AssertionError) as caught:
        by_name("relu_matches_the_spec")(impl)
    return failure_text(caught.value), cause_of(caught.value)


def test_a_function_that_never_returns_times_out_and_later_calls_fail_at_once():
    impl = hostile("hang", timeout=0.5)
    text, cause = relu_failure(impl)
    assert "relu: timed out after 0.5 s" in text and cause == "timeout", text
    with pytest.raises(AssertionError, match="timed out"):
        impl.call("relu", np.zeros((1, 1)))  # remembered: no second wait
    by_name("softmax_matches_the_spec")(impl)  # a fresh process serves the next check


@pytest.mark.parametrize("name, words", [("segfault", "crashed (segmentation fault)"),
                                         ("os_exit", "ended its process with exit code 0 (os._exit?)")])
def test_a_crash_during_a_call_fails_that_check_and_the_run_goes_on(name, words):
    impl = hostile(name)
    text, cause = relu_failure(impl)
    assert text.startswith(f"relu: the implementation {words} during this call"), text
    assert cause == "crash", cause
    by_name("sigmoid_matches_the_spec")(impl)


def test_an_exception_shows_the_implementations_own_frames_and_not_the_suites():
    text, _ = relu_failure(hostile("raises"))
    assert text.startswith("relu raised KeyError: 'missing'"), text
    assert "raises.py\", line 6, in _clip" in text and "raises.py\", line 10, in relu" in text, text
    assert "nnspec" not in text.split("Falsifying example")[0], text


def test_sys_exit_fails_the_check_instead_of_ending_the_run():
    text, _ = relu_failure(hostile("exits"))
    assert "relu called sys.exit(3): an implementation must return or raise, never exit" in text, text


@pytest.mark.parametrize("name, expected", [
    ("returns_list", "relu(Z) was list"),
    ("returns_none", "relu(Z) was None, must be an array: did the function forget to `return` it?"),
    ("returns_transposed", "is the transpose of"),
    ("returns_nan", "contains nan at [0, 0], must be finite"),
    ("returns_object", "relu(Z) was an object of type Matrix"),
])
def test_a_wrong_return_says_what_came_and_what_was_due(name, expected):
    text, _ = relu_failure(hostile(name))
    assert expected in text, text


def test_printing_at_the_file_descriptor_level_is_kept_to_a_bounded_excerpt():
    impl = hostile("prints")
    by_name("relu_matches_the_spec")(impl)  # correct apart from the printing, so it passes
    kept = impl.session.output_text()
    assert len(kept) < 3000 and "more bytes of output not shown" in kept, kept[-200:]
    assert kept.startswith("x"), kept[:50]
    impl.session.close()


def test_terminal_escapes_in_what_an_implementation_says_are_shown_never_sent_to_the_terminal():
    impl = hostile("terminal_escapes")
    text, _ = relu_failure(impl)
    printed = impl.session.output_text()
    impl.session.close()
    assert "relu raised ValueError: \\x1b[2J\\x1b[32mall checks passed\\x1b[0m\\x00\\x07" in text, text
    assert printed.startswith("\\x1b]0;graded: 100/100\\x07\\x1b[2J"), printed
    for shown in (text, printed):
        assert not [c for c in shown if ord(c) < 32 and c not in "\n\t"], repr(shown)


def test_memory_exhaustion_fails_the_call_with_its_name():
    # 512 MB of address space: memory.py's first gigabyte is refused at once.
    impl = load(os.path.join(HOSTILE, "memory.py"), limits=Limits(memory_mb=512))[0]
    text, cause = relu_failure(impl)
    assert "relu ran out of memory" in text and cause == "memory", text


def test_a_signature_that_cannot_take_the_contracts_call_is_named_before_anything_runs(tmp_path):
    shutil.copy(os.path.join(HOSTILE, "_base.py"), tmp_path)
    (tmp_path / "narrow.py").write_text("import numpy as np\nfrom _base import *  # noqa\n\n\ndef elu(Z):\n"
                                        "    return np.where(Z > 0, Z, np.expm1(Z))\n")
    (impl,) = load(str(tmp_path / "narrow.py"))
    with pytest.raises(AssertionError) as caught:
        by_name("elu_matches_the_spec")(impl)
    assert failure_text(caught.value).startswith(
        "elu cannot be called as elu(..., alpha=...): it takes (Z), with no argument called alpha"), caught.value
    impl.session.close()


def test_the_reply_of_the_implementations_process_is_plain_data_only():
    # What crosses back is decoded by json and np.frombuffer with numeric dtypes: an object array cannot come.
    from nnspec import wire

    with pytest.raises(wire.WireError, match="not plain data"):
        wire.encode([np.array([object()], dtype=object)])
    forged = wire.encode({"x": np.zeros(2)}).replace(b'"<f8"', b'"|O8"')
    with pytest.raises(wire.WireError, match="is not numeric"):
        wire.decode(forged)


@pytest.mark.parametrize("text, shown", [("\x1b[2J", "\\x1b[2J"), ("\x9b2J", "\\x9b2J"), ("a\x7f", "a\\x7f"),
                                         ("\ufffe", "\\ufffe"), ("\ud800", "\\ud800"), ("x\ry", "x\\x0dy"),
                                         ("é \t ✓\n", "é \t ✓\n")])
@pytest.mark.parametrize("ascii_only", [True, False])
def test_every_string_the_checker_decodes_shows_its_control_characters_however_the_frame_was_written(text, shown,
                                                                                                    ascii_only):
    # The child's json.dumps escapes to ASCII; a hostile child may write raw UTF-8 instead, which json reads too.
    from nnspec import wire
    from nnspec.calls import visible

    head = json.dumps({"n": [], "v": {text: [text]}}, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    frame = len(head).to_bytes(4, "big") + head
    try:
        decoded = wire.decode(frame, text=visible)
    except wire.WireError:  # a lone surrogate written raw is not UTF-8: refused, which is as safe
        assert not ascii_only and text == "\ud800"
        return
    assert decoded == {shown: [shown]}, decoded


def test_an_answer_of_more_lists_and_numbers_than_any_contract_needs_is_refused_unread(monkeypatch, tmp_path):
    # Parsed, a JSON header takes 10 to 30 times its size in the checker: a list of millions of floats could take
    # gigabytes of the grader's memory. The limit is lowered here to 8 kB, above what loading the file answers
    # (about 3 kB) and below relu's list of 3000 floats (about 15 kB).
    from nnspec import wire

    shutil.copy(os.path.join(HOSTILE, "_base.py"), tmp_path)
    (tmp_path / "lists.py").write_text("from _base import *  # noqa\n\n\ndef relu(Z):\n    return [0.5] * 3000\n")
    monkeypatch.setattr(wire, "MAX_HEADER", 8000)
    impl = load(str(tmp_path / "lists.py"))[0]
    text, _ = relu_failure(impl)
    impl.session.close()
    assert "relu: the implementation sent an answer that is not plain data (" in text, text
    assert "bytes of lists, numbers and text, more than the limit of 0 MB (return numpy arrays, not lists)" in text


def test_verifying_leaves_nothing_in_the_implementations_folder(tmp_path):
    # Neither the implementation's process (bytecode) nor the checker (hypothesis' caches) writes beside the file.
    shutil.copy(os.path.join(HOSTILE, "_base.py"), tmp_path / "network.py")
    result = runner.verify(str(tmp_path / "network.py"), select=["relu_matches_the_spec"], quiet=True)
    assert result["verdict"] == "passed", result
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.py"], list(tmp_path.iterdir())


def test_a_released_handle_is_freed_with_whatever_request_goes_next():
    impl = load(os.path.join(HOSTILE, "_base.py"))[0]
    handle = impl.call("relu", np.ones((2, 2)), keep="all")
    assert impl.fetch(handle) is not None, "the value behind a kept handle must be fetchable"
    impl.release(handle)
    impl.session.seed(1)  # not a call: the release rides on it all the same
    assert impl.fetch(handle) is None, "a released handle must be forgotten by the implementation's process"


LATE = """import sys

import _base
from _base import *  # noqa

calls = [0]


def update_parameters(parameters, grads, learning_rate):
    calls[0] += 1
    if calls[0] > 40:  # past its own check: inside the suite's training loop
        {statement}
    return _base.update_parameters(parameters, grads, learning_rate)
"""
IN_TRAINING = {  # what update_parameters does in the loop: the words and cause that a single call gets for it
    "sys.exit(4)": ("update_parameters called sys.exit(4): an implementation must return or raise", ""),
    "return update_parameters(parameters, grads, learning_rate)":
        ("update_parameters raised RecursionError: maximum recursion depth exceeded", ""),
    "import reference": ("update_parameters imported reference: not an independent implementation", "forbidden"),
}


@pytest.mark.parametrize("statement", sorted(IN_TRAINING))
def test_inside_the_suites_training_loop_a_failure_is_told_as_for_a_single_call(tmp_path, statement):
    # The loop runs many calls in one request of its own: its failures must be classified exactly as a call's.
    shutil.copy(os.path.join(HOSTILE, "_base.py"), tmp_path)
    (tmp_path / "late.py").write_text(LATE.format(statement=statement))
    impl = load(str(tmp_path / "late.py"))[0]
    with pytest.raises(AssertionError) as caught:
        by_name("primitives_in_the_suites_loop_learn_the_patterns")(impl)
    impl.session.close()
    words, cause = IN_TRAINING[statement]
    text = failure_text(caught.value)
    assert text.startswith(words) and len(text) < 1000 and cause_of(caught.value) == cause, (text[:2000], cause)


def test_reaching_for_the_reference_inside_the_training_loop_is_not_independent():
    path = os.path.join(HOSTILE, "imports_reference_in_training.py")
    result = runner.verify(path, select=["update_parameters", "primitives_in_the_suites_loop_learn_the_patterns"],
                           quiet=True)
    statuses = {name: entry["status"] for name, entry in result["contract"].items() if entry["status"] != "not run"}
    assert result["verdict"] == "not independent", result
    assert statuses.get("update_parameters") == "passed", statuses


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting to be reaped is dead)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


CHECKERS = {"verify": ["verify", "trains_forever.py"], "batch": ["batch", ".", "--sandbox", "off"]}


def _kill_checkers_without_warning() -> dict:
    """Each CHECKERS command on an implementation that never stops, SIGKILLed once the implementation runs:
    {key: the pids (the implementation's, then its parent's) still running 60 s later}."""
    # SIGKILL: no handler, no atexit, no finally runs in the checker; SIGTERM from a CI timeout is no kinder.
    checkers, markers = {}, {}
    for key, args in CHECKERS.items():
        folder = background.scratch(f"nnspec-killed-{key}-")
        markers[key] = folder / "pids"
        (folder / "trains_forever.py").write_text(f"import os\nopen({str(markers[key])!r}, 'w').write(f'{{os.getpid()}} "
                                                  f"{{os.getppid()}}')\nwhile True:\n    pass\n")
        checkers[key] = subprocess.Popen([sys.executable, "-m", "nnspec", *args], cwd=folder,
                                         env=background.environment(), stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
    pids = {}
    deadline = time.monotonic() + 120
    for key, checker in checkers.items():
        while not (markers[key].exists() and markers[key].read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        pids[key] = [int(p) for p in markers[key].read_text().split()] if markers[key].exists() else []
        checker.kill()
        checker.wait()
    deadline = time.monotonic() + 60  # a dying process is gone within milliseconds: 60 s is only a backstop
    while any(_running(p) for ps in pids.values() for p in ps) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = {key: [p for p in ps if _running(p)] for key, ps in pids.items()}
    for pid in (p for ps in left.values() for p in ps):
        os.kill(pid, 9)
    return {key: (pids[key], left[key]) for key in CHECKERS}


BACKGROUND = {"killed_checkers": _kill_checkers_without_warning}
BACKGROUND_SECONDS = {"killed_checkers": 1.0}


@pytest.mark.parametrize("key", CHECKERS)
def test_the_implementations_process_dies_with_a_checker_killed_without_warning(key):
    pids, left = background.result("killed_checkers", _kill_checkers_without_warning)[key]
    assert len(pids) == 2, f"the implementation never ran under {CHECKERS[key]}"
    assert not left, f"still running after the checker was killed: {left} (of the implementation {pids[0]} and " \
                     f"its parent {pids[1]})"
