"""The console script with a chat model configured: `reelqa ask` and `reelqa serve` against fake servers."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from tests import generative_support as g
from tests.api.support import free_port, parse_sse
from tests.conftest import CORPUS, ROOT
from tests.llm_fakes import OllamaFake, OpenAIFake


def _env(data_dir, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REELQA_LLM_")}
    env.update(REELQA_DATA_DIR=str(data_dir), REELQA_CORPUS_DIR=str(CORPUS), **extra)
    return env


def _ask(env, *args):
    return subprocess.run([sys.executable, "-m", "cli", "ask", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.mark.integration
@pytest.mark.parametrize("fake_type, provider", [(OpenAIFake, "openai"), (OllamaFake, "ollama")])
def test_ask_with_a_chat_model_prints_the_verified_answer(built_data_dir, fake_type, provider):
    with fake_type() as fake:
        fake.reply(g.unsupported_figure)
        proc = _ask(_env(built_data_dir, **g.llm_env(fake.base_url, provider)), g.QUESTION, "--json")
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert answer["mode"] == "generative" and answer["dropped_sentences"] == 1
    assert "9 million" not in answer["answer"] and "2 million" in answer["answer"]
    cite = answer["citations"][0]
    assert (CORPUS / cite["source"]).read_text(encoding="utf-8")[cite["start"]:cite["end"]] == cite["quote"]


@pytest.mark.integration
def test_an_unreachable_model_still_answers_with_one_log_line(built_data_dir):
    env = _env(built_data_dir, **g.llm_env(f"http://127.0.0.1:{free_port()}/v1", timeout=2))
    proc = _ask(env, g.QUESTION)
    assert proc.returncode == 0 and "2 million" in proc.stdout
    assert proc.stderr.count("request failed (connection_error") == 1 and "Traceback" not in proc.stderr


def test_a_missing_provider_package_is_one_clear_line(built_data_dir, tmp_path):
    blocked = tmp_path / "blocked" / "langchain_openai"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = _env(built_data_dir, **g.llm_env("http://127.0.0.1:9/v1"))
    env["PYTHONPATH"] = str(blocked.parent)
    proc = _ask(env, g.QUESTION)
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    assert "langchain-openai" in proc.stderr and "reelqa[llm]" in proc.stderr


@pytest.mark.integration
def test_serve_with_an_openai_compatible_server_drops_what_the_passages_do_not_support(built_data_dir):
    port = free_port()
    with OpenAIFake() as fake:
        fake.reply(default=g.unsupported_figure)
        env = _env(built_data_dir, **g.llm_env(fake.base_url), REELQA_PORT=str(port),
                   REELQA_RATE_LIMIT_PER_MINUTE="0")
        server = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--no-build"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.5)
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            body = httpx.post(url + "/v1/ask", json={"question": g.QUESTION}, timeout=60).json()
            fake.reply(default=g.missing_citation)
            events = parse_sse(httpx.post(url + "/v1/ask/stream", json={"question": g.QUESTION}, timeout=60).text)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert body["mode"] == "generative" and "9 million" not in body["answer"] and body["dropped_sentences"] == 1
    answer = dict(events)["answer"]
    assert "[42]" not in answer["answer"] and answer["dropped_sentences"] == 1 and answer["mode"] == "generative"
    assert any(name == "token" for name, _ in events)
