"""Build progress: JSON lines off a terminal, a rich bar on one, and Ctrl-C leaves the live index untouched."""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from cli.progress import BuildInterrupted, JsonLines, build_progress
from tests.conftest import CORPUS, ROOT


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_json_lines_report_rate_and_eta_every_interval():
    stream, clock = io.StringIO(), Clock()
    lines = JsonLines(stream, interval=2.0, clock=clock)
    lines("embed chunks", 0, 1000)  # stage start: one line
    clock.now = 1.0
    lines("embed chunks", 100, 1000)  # within the interval: nothing
    clock.now = 2.5
    lines("embed chunks", 250, 1000)
    clock.now = 3.0
    lines("embed chunks", 1000, 1000)  # stage end: always a line
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [r["done"] for r in records] == [0, 250, 1000]
    assert records[0]["items_per_s"] is None and records[0]["eta_s"] is None
    assert records[1]["items_per_s"] == 100.0 and records[1]["eta_s"] == 7.5
    assert records[2]["eta_s"] == 0.0 and all(r["event"] == "progress" for r in records)


def test_not_a_terminal_or_json_gives_json_lines_and_interrupt_is_one_clear_error():
    stream = io.StringIO()
    with pytest.raises(BuildInterrupted) as caught, build_progress(as_json=False, stream=stream) as progress:
        progress("load", 1, 2)
        raise KeyboardInterrupt
    assert json.loads(stream.getvalue().splitlines()[0])["stage"] == "load"
    assert "live index is unchanged" in str(caught.value) and caught.value.exit_code == 130


def test_terminal_gets_a_rich_bar_with_rate_and_eta():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    with build_progress(as_json=False, stream=stream) as progress:
        for done in (0, 320, 640):
            progress("embed sentences", done, 640)
            time.sleep(0.2)
    screen = stream.getvalue()
    assert "embed sentences" in screen and "640/640" in screen and "texts/s" in screen and "ETA" in screen
    assert not screen.lstrip().startswith("{")


def _write_corpus(folder, documents: int) -> None:
    """The real article plus many generated documents, so a build takes a while."""
    shutil.copytree(CORPUS, folder)
    for i in range(documents):
        sentences = " ".join(f"Report {i} says that item {j} of batch {i} weighs {i * j + 3} grams and ships on "
                             f"day {j % 28 + 1}." for j in range(60))
        (folder / f"report-{i:03d}.txt").write_text(sentences, encoding="utf-8")


@pytest.mark.integration
def test_ctrl_c_mid_build_leaves_the_live_index_untouched(tmp_path, built_data_dir):
    data = tmp_path / "data"
    shutil.copytree(built_data_dir, data)
    pointer_before = (data / "index" / "CURRENT.json").read_text()
    versions_before = sorted(p.name for p in (data / "index" / "versions").iterdir())
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, documents=80)
    env = {**os.environ, "REELQA_DATA_DIR": str(data), "REELQA_CORPUS_DIR": str(corpus), "OMP_NUM_THREADS": "1"}
    # Ctrl-C as a terminal delivers it, whatever launched the suite: a shell without job control starts background
    # commands with SIGINT ignored, and a child would inherit that and never see the signal
    proc = subprocess.Popen([sys.executable, "-m", "cli", "index", "rebuild"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        seen = []
        for line in proc.stderr:  # not a terminal: JSON progress lines
            seen.append(line)
            if line.startswith("{") and json.loads(line)["stage"].startswith("embed"):
                break
        assert proc.poll() is None, "".join(seen)
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    messages = [line for line in rest.splitlines() if not line.startswith("{")]
    assert code == 130, rest
    assert len(messages) == 1 and "interrupted" in messages[0] and "live index is unchanged" in messages[0]
    assert "Traceback" not in rest
    assert (data / "index" / "CURRENT.json").read_text() == pointer_before
    assert sorted(p.name for p in (data / "index" / "versions").iterdir()) == versions_before


def test_ctrl_c_that_surfaces_as_another_error_is_still_an_interruption():
    # Ctrl-C inside a thread pool's lock handling can surface as "RuntimeError: release unlocked lock" whose
    # context is the KeyboardInterrupt (seen in a fresh-clone run): it must still be the one-line interruption.
    from cli.progress import BuildInterrupted, build_progress

    with pytest.raises(BuildInterrupted), build_progress(as_json=True, stream=io.StringIO()):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RuntimeError("release unlocked lock")
    with pytest.raises(ValueError), build_progress(as_json=True, stream=io.StringIO()):
        raise ValueError("a real error stays itself")
