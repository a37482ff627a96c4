"""Issue 8 from the console: a damaged pointer and a read-only data folder give one line, never a traceback."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from rag.store import IndexVersions
from tests.api.support import DEV_QUESTION, free_port
from tests.conftest import CORPUS, ROOT

NOBODY = 65534


def reelqa(*args, data_dir, unprivileged=False, home=None, timeout=240, popen=False, **extra_env):
    """Run the console script on a data folder (as an unprivileged user when asked and running as root)."""
    env = {**os.environ, "REELQA_DATA_DIR": str(data_dir), "REELQA_CORPUS_DIR": str(CORPUS),
           "REELQA_LOG_LEVEL": "WARNING", **extra_env}
    command = [sys.executable, "-m", "cli", *args]
    if unprivileged and os.geteuid() == 0:  # root ignores file permissions: drop to nobody for the test
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
        env["HOME"] = str(home)
    if popen:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def one_line(stderr: str) -> str:
    """The stderr of a failed command, checked to be one line without a traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr[-3000:]
    return lines[0]


@pytest.mark.integration
@pytest.mark.parametrize("pointer", ["garbage", '{"current": "v20990101-000000-abcdef"}'])
def test_status_update_and_rollback_with_a_damaged_pointer(data_dir, pointer):
    versions = IndexVersions(data_dir)
    live = versions.current()
    versions.pointer_path.write_text(pointer)
    status = reelqa("index", "status", data_dir=data_dir)
    assert status.returncode == 3
    line = one_line(status.stderr)
    assert line.startswith("reelqa: error: index pointer") and "run `reelqa index update`" in line and live in line
    rollback = reelqa("index", "rollback", "--json", data_dir=data_dir)
    assert rollback.returncode == 0 and json.loads(rollback.stdout)["current"] == live, rollback.stderr
    versions.pointer_path.write_text(pointer)
    update = reelqa("index", "update", "--json", data_dir=data_dir)
    assert update.returncode == 0 and "Traceback" not in update.stderr, update.stderr
    assert json.loads(update.stdout)["up_to_date"] is True
    assert reelqa("index", "status", "--json", data_dir=data_dir).returncode == 0


def _wait_ready(url: str, proc, want: int, deadline: float = 240) -> httpx.Response:
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        try:
            reply = httpx.get(f"{url}/readyz", timeout=5)
            if reply.status_code == want:
                return reply
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"/readyz never returned {want}")


@pytest.mark.integration
def test_serve_with_a_damaged_pointer_says_503_then_recovers_after_update_without_restart(data_dir):
    versions = IndexVersions(data_dir)
    live = versions.current()
    versions.pointer_path.write_text("garbage")
    port = free_port()
    server = reelqa("serve", "--port", str(port), data_dir=data_dir, popen=True)
    try:
        url = f"http://127.0.0.1:{port}"
        ready = _wait_ready(url, server, 503)
        assert "not ready: index pointer" in ready.json()["error"] and "reelqa index update" in ready.json()["error"]
        assert httpx.post(f"{url}/v1/ask", json={"question": DEV_QUESTION}, timeout=60).status_code == 503
        assert reelqa("index", "update", data_dir=data_dir).returncode == 0
        assert _wait_ready(url, server, 200).json()["version"] == live
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    assert "Traceback" not in server.stderr.read()


@pytest.fixture
def read_only_data(built_data_dir):
    """A copy of the built data folder the test process can't write (owned by root and read as nobody)."""
    top = Path(tempfile.mkdtemp(prefix="reelqa-ro-"))
    data, home = top / "data", top / "home"
    shutil.copytree(built_data_dir, data)
    home.mkdir()
    os.chmod(top, 0o755)
    os.chown(home, NOBODY, NOBODY) if os.geteuid() == 0 else None
    for path in [data, *data.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    yield data, home
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(top)


@pytest.mark.integration
def test_readers_work_and_writers_fail_with_one_line_in_a_read_only_data_folder(read_only_data):
    data, home = read_only_data
    before = sorted(str(p) for p in data.rglob("*"))
    status = reelqa("index", "status", "--json", data_dir=data, unprivileged=True, home=home)
    assert status.returncode == 0, status.stderr
    ask = reelqa("ask", DEV_QUESTION, "--json", data_dir=data, unprivileged=True, home=home)
    assert ask.returncode == 0, ask.stderr[-3000:]
    assert json.loads(ask.stdout)["answered"]
    for command in (["index", "update"], ["index", "rebuild"], ["index", "rollback"]):
        proc = reelqa(*command, data_dir=data, unprivileged=True, home=home)
        assert proc.returncode != 0
        line = one_line(proc.stderr)
        assert "not writable" in line or "no previous index version" in line, line
    assert sorted(str(p) for p in data.rglob("*")) == before, "a reader wrote into the data folder"


@pytest.mark.integration
def test_serve_answers_from_a_read_only_data_folder_and_refuses_feedback_clearly(read_only_data):
    data, home = read_only_data
    port = free_port()
    server = reelqa("serve", "--port", str(port), "--no-build", data_dir=data, unprivileged=True, home=home,
                    popen=True)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, server, 200)
        answer = httpx.post(f"{url}/v1/ask", json={"question": DEV_QUESTION}, timeout=60)
        assert answer.status_code == 200 and answer.json()["answered"]
        feedback = httpx.post(f"{url}/v1/feedback", json={"answer_id": answer.json()["answer_id"], "helpful": True})
        assert feedback.status_code == 503 and "read-only" in feedback.json()["error"]
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    assert "Traceback" not in server.stderr.read()
