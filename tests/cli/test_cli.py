"""The console script: clear one-line errors, --json output, no tracebacks."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import CORPUS, ROOT


def reelqa(*args, data_dir, timeout=180):
    env = {**os.environ, "REELQA_DATA_DIR": str(data_dir), "REELQA_CORPUS_DIR": str(CORPUS)}
    return subprocess.run([sys.executable, "-m", "cli", *args], check=False, cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("question, problem", [("", "question is empty"), ("   \t ", "question is empty"),
                                                ("x" * 10_000, "question is 10000 characters")])
def test_bad_questions_get_one_clear_line_and_exit_2(tmp_path, question, problem):
    proc = reelqa("ask", question, data_dir=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and problem in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.integration
def test_ask_json_and_non_english(built_data_dir):
    proc = reelqa("ask", "可灵有多少付费用户？", "--json", data_dir=built_data_dir)
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert answer["answered"] and "2 million" in answer["answer"]
    text = (CORPUS / answer["citations"][0]["source"]).read_text(encoding="utf-8")
    cite = answer["citations"][0]
    assert text[cite["start"]:cite["end"]] == cite["quote"]


def test_status_without_an_index_says_how_to_build_one(tmp_path):
    proc = reelqa("index", "status", "--json", data_dir=tmp_path / "empty")
    assert proc.returncode == 3, "exit code 3 = no index, as README documents"
    assert json.loads(proc.stdout)["version"] is None
    proc = reelqa("index", "status", data_dir=tmp_path / "empty")
    assert proc.returncode == 3 and "reelqa index rebuild" in proc.stdout
    proc = reelqa("ask", "How many users does Keling serve?", data_dir=tmp_path / "empty")
    assert proc.returncode == 3 and "reelqa index rebuild" in proc.stderr and "Traceback" not in proc.stderr


def test_rollback_without_history_and_missing_corpus_are_clear(tmp_path):
    proc = reelqa("index", "rollback", data_dir=tmp_path)
    assert proc.returncode == 3 and "no previous index version" in proc.stderr
    env = {**os.environ, "REELQA_DATA_DIR": str(tmp_path), "REELQA_CORPUS_DIR": str(tmp_path / "nope")}
    proc = subprocess.run([sys.executable, "-m", "cli", "index", "update"], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 2 and "corpus folder not found" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_setting_fails_fast(tmp_path):
    env = {**os.environ, "REELQA_DATA_DIR": str(tmp_path), "REELQA_TOP_K": "banana"}
    proc = subprocess.run([sys.executable, "-m", "cli", "index", "status"], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "REELQA_TOP_K" in proc.stderr and "Traceback" not in proc.stderr


def test_status_json_shows_the_indexed_article(built_data_dir):
    proc = reelqa("index", "status", "--json", data_dir=built_data_dir)
    status = json.loads(proc.stdout)
    assert status["documents"] == 1 and status["chunks"] > 5 and status["embedding_model"] == "all-MiniLM-L6-v2"
    assert status["drift"] == []


def test_report_with_no_feedback(tmp_path):
    proc = reelqa("report", "--json", data_dir=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout) == []


@pytest.mark.parametrize("args", [("bot",), ("serve", "--with-bot", "--no-build")])
def test_bot_without_a_token_is_one_clear_line(built_data_dir, args):
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env.update(REELQA_DATA_DIR=str(built_data_dir), REELQA_CORPUS_DIR=str(CORPUS))
    proc = subprocess.run([sys.executable, "-m", "cli", *args], check=False, cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 2, proc.stderr
    assert "DISCORD_TOKEN is not set" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.integration
def test_eval_on_a_fresh_checkout_builds_the_index_first(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "question": "How many paying users does Keling have?",
                                "answerable": True, "answer_any": ["2 million"], "evidence": []}) + "\n",
                    encoding="utf-8")
    proc = reelqa("eval", str(gold), "--json", data_dir=tmp_path / "data", timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "no index yet: building one" in proc.stderr and "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["sets"]["gold.jsonl"]["answer_acc"] == 1.0
    status = reelqa("index", "status", "--json", data_dir=tmp_path / "data")
    assert status.returncode == 0 and json.loads(status.stdout)["version"]
