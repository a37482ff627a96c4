"""The console script as people meet it: --version, flags shown as flags, a spinner while models load,
`serve` on a busy port, and warnings when the corpus folder or glossary is missing."""
from __future__ import annotations

import json
import os
import pty
import select
import socket
import subprocess
import sys

import pytest

from tests.cli.test_cli import reelqa
from tests.conftest import CORPUS, ROOT


def test_version_prints_the_package_version(tmp_path):
    from importlib.metadata import version

    proc = reelqa("--version", data_dir=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == f"reelqa {version('reelqa')}"


@pytest.mark.parametrize("command", [("ask",), ("index", "status"), ("index", "update"), ("report",), ("eval",)])
def test_help_shows_json_as_a_plain_flag(tmp_path, command):
    proc = reelqa(*command, "--help", data_dir=tmp_path)
    assert proc.returncode == 0, proc.stderr
    json_line = next(line for line in proc.stdout.splitlines() if "--json" in line)
    assert "bool" not in json_line.lower() and "<" not in json_line, json_line
    assert "<bool>" not in proc.stdout


def test_json_is_a_flag_not_a_value(tmp_path):
    proc = reelqa("index", "status", "--json", "true", data_dir=tmp_path / "empty")
    assert proc.returncode == 2 and "Got unexpected extra argument" in proc.stderr


def test_serve_on_a_busy_port_is_one_line_and_its_own_exit_code(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        # A model that cannot load: the port must be checked before any model is loaded.
        env = {**os.environ, "REELQA_DATA_DIR": str(tmp_path), "REELQA_CORPUS_DIR": str(CORPUS),
               "REELQA_EMBEDDING_MODEL": str(tmp_path / "no-such-model")}
        proc = subprocess.run([sys.executable, "-m", "cli", "serve", "--port", str(port), "--no-build"], check=False, cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 7, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "already in use" in lines[0]
    assert "Errno" not in proc.stderr and "Traceback" not in proc.stderr


def test_missing_glossary_and_corpus_are_warned_about(built_data_dir, tmp_path):
    env = {**os.environ, "REELQA_DATA_DIR": str(built_data_dir), "REELQA_CORPUS_DIR": str(tmp_path / "gone"),
           "REELQA_GLOSSARY": str(tmp_path / "aliases.yaml")}
    proc = subprocess.run([sys.executable, "-m", "cli", "index", "status", "--json"], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and json.loads(proc.stdout)["documents"] == 1
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("reelqa: warning:")]
    assert len(warnings) == 2, proc.stderr
    assert "corpus folder" in warnings[0] and str(tmp_path / "gone") in warnings[0]
    assert "glossary" in warnings[1] and "aliases" in warnings[1]


def test_no_warning_when_corpus_and_glossary_exist(built_data_dir):
    proc = reelqa("index", "status", "--json", data_dir=built_data_dir)
    assert proc.returncode == 0 and "warning" not in proc.stderr


def _run_on_a_terminal(args: list[str], env: dict, timeout: float = 300) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal; returns (exit code, what the terminal showed)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=follower, text=True)
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], timeout)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    proc.wait(timeout=30)
    return proc.returncode, shown.decode("utf-8", "replace")


@pytest.mark.integration
def test_ask_shows_a_spinner_on_a_terminal_while_models_load(built_data_dir):
    env = {**os.environ, "REELQA_DATA_DIR": str(built_data_dir), "REELQA_CORPUS_DIR": str(CORPUS),
           "COLUMNS": "100", "TERM": "xterm"}
    code, shown = _run_on_a_terminal(["ask", "How many paying users does Jimeng have?"], env)
    assert code == 0
    assert "Loading the language models" in shown


def test_no_spinner_when_stderr_is_not_a_terminal(built_data_dir):
    proc = reelqa("ask", "How many paying users does Jimeng have?", data_dir=built_data_dir)
    assert proc.returncode == 0 and "25,000" in proc.stdout
    assert "Loading" not in proc.stderr


def test_follow_up_without_context_says_so(built_data_dir):
    proc = reelqa("ask", "and the other one?", "--json", data_dir=built_data_dir)
    answer = json.loads(proc.stdout)
    assert proc.returncode == 0 and answer["notice"] == "no_earlier_turn" and not answer["answered"]


@pytest.mark.integration
def test_serve_without_an_index_still_starts_and_reports_not_ready(tmp_path):
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "REELQA_DATA_DIR": str(tmp_path / "data"), "REELQA_CORPUS_DIR": str(CORPUS)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port), "--no-build"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status = None
        for _ in range(600):  # up to a minute of polling while the models load
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()[1]
                time.sleep(0.1)
        assert status == 503, "a server may start before the index is built; /readyz says it is not ready"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
