"""The rubric: TOML with clear errors, the default per declared configuration, and the score of every verdict."""

import pytest

from nnspec.grading import rubric as rubrics
from nnspec.grading.scoring import grade, verdict_of

from samples import entry, result


def write(tmp_path, text):
    path = tmp_path / "rubric.toml"
    path.write_text(text)
    return path


def test_the_default_rubric_grades_the_declared_activations_and_shares_the_total_equally():
    items = rubrics.default().items_for({"configurations": ["net.py[tanh-sigmoid]"]})
    names = [i.name for i in items]
    assert names[:4] == ["tanh", "tanh_derivative", "sigmoid", "binary_cross_entropy"], names
    assert "relu" not in names and "softmax" not in names and "training loop" in names, names
    assert sum(i.points for i in items) == pytest.approx(100), [i.points for i in items]
    assert len({i.points for i in items}) == 1, "equal points"


def test_the_declared_configuration_is_read_from_the_file_without_importing_it(tmp_path):
    path = tmp_path / "net.py"
    path.write_text('raise SystemExit("must never run")\nHIDDEN_ACTIVATION = "elu"\nOUTPUT_ACTIVATION = "sigmoid"\n')
    assert rubrics.configuration_of({"path": str(path)}) == (("elu",), ("sigmoid",))


def test_a_sigmoid_hidden_layer_and_output_are_graded_once():
    names = rubrics.applicable_names("sigmoid", "sigmoid")
    assert names.count("sigmoid") == 1, names


def test_a_rubric_file_gives_points_required_and_hidden_per_item(tmp_path):
    loaded = rubrics.load(write(tmp_path, 'total = 30\n[items]\nrelu = 10\n[items."training loop"]\n'
                                          'points = 15\nhidden = true\n[items.softmax_matches_the_spec]\n'
                                          'points = 5\nrequired = false\n'))
    assert [(i.name, i.points, i.required, i.hidden) for i in loaded.items] == [
        ("relu", 10, True, False), ("training loop", 15, True, True), ("softmax_matches_the_spec", 5, False, False)]


@pytest.mark.parametrize("text, fragment", [
    ("[items]\nreluu = 1\n", "items.reluu: 'reluu' is not a contract row nor a check"),
    ("[items]\nrelu = -1\n", "items.relu.points was -1, must be a number >= 0"),
    ("[items.relu]\npoints = 1\nhiden = true\n", "items.relu: unknown key 'hiden'"),
    ("[items.relu]\npoints = 1\nrequired = 'yes'\n", "items.relu.required was 'yes', must be true or false"),
    ("total = 10\n[items]\nrelu = 4\n", "total was 10, but the items' points sum to 4"),
    ("totl = 10\n", "unknown key 'totl', must be one of total, items"),
    ("[items]\nrelu = 1\nrelu_matches_the_spec = 1\n", "has both the row 'relu' and its check"),
    ("total = [\n", "is not valid TOML"),
])
def test_a_bad_rubric_is_refused_naming_the_key_what_it_was_and_what_it_must_be(tmp_path, text, fragment):
    with pytest.raises(rubrics.RubricError) as caught:
        rubrics.load(write(tmp_path, text))
    assert fragment in str(caught.value), str(caught.value)


def test_a_failed_row_scores_zero_and_keeps_its_message_and_hint():
    graded = grade(result({"backward_propagation": "failed"}))
    item = next(i for i in graded.items if i.name == "backward_propagation")
    assert graded.verdict == "failed" and item.points == 0, (graded.verdict, item)
    assert graded.score == pytest.approx(100 * 13 / 14), graded.score
    assert item.hints == ["dW1 is m=2 times too large: did you forget to divide by m?"], item.hints
    assert "dW1 max |error|" in item.message, item.message


def test_a_passing_result_missing_a_required_name_is_incomplete():
    graded = grade(entry("passed", {"dropout_backward": "not provided"}))
    item = next(i for i in graded.items if i.name == "dropout_backward")
    assert graded.verdict == "incomplete", graded.verdict
    assert item.message == "not provided: your file does not define dropout_backward", item.message


def test_an_optional_name_not_provided_leaves_the_verdict_passed(tmp_path):
    loaded = rubrics.load(write(tmp_path, "[items]\nrelu = 1\n[items.dropout_backward]\npoints = 1\n"
                                          "required = false\n"))
    assert verdict_of(entry("passed", {"dropout_backward": "not provided"}), loaded) == "passed"


@pytest.mark.parametrize("verdict, why", [
    ("crashed", "crashed the process"), ("timed out", "time limit ran out"), ("out of memory", "out of memory")])
def test_a_submission_that_died_keeps_the_points_it_earned_before(verdict, why):
    graded = grade(entry(verdict, keep=5, message="the implementation was killed during check x"))
    reached = [i for i in graded.items if i.status == "passed"]
    unreached = [i for i in graded.items if i.status == "not reached"]
    assert len(reached) == 5 and len(unreached) == 9, [(i.name, i.status) for i in graded.items]
    assert graded.score == pytest.approx(100 * 5 / 14), graded.score
    assert why in unreached[0].message and "killed during check x" in unreached[0].message, unreached[0].message


@pytest.mark.parametrize("verdict", ["does not import", "not independent"])
def test_a_submission_that_could_not_be_graded_scores_zero_and_says_why(verdict):
    graded = grade(entry(verdict, message="SyntaxError: invalid syntax (net.py, line 3)"))
    assert graded.score == 0 and graded.max_score == pytest.approx(100), (graded.score, graded.max_score)
    assert ("SyntaxError" if verdict == "does not import" else "independently") in graded.summary, graded.summary


def test_verdict_of_reads_a_verify_result_and_a_batch_entry_alike():
    assert verdict_of(result()) == "passed"
    assert verdict_of(result({"relu": "failed"})) == "failed"
    assert verdict_of({"implementation": "x.py", "load_error": "boom", "failed": True}) == "does not import"
    assert verdict_of(entry("crashed", keep=2, message="died")) == "crashed"
    assert verdict_of({**entry("passed"), "a_new_field": [1, 2]}) == "passed"
