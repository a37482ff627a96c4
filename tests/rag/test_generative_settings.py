"""The LLM settings: unset by default, blank means unset, a bad provider is one clear line."""
from __future__ import annotations

import pytest

from rag.errors import ConfigError
from rag.settings import load_settings


def test_no_provider_by_default_and_blank_or_off_means_unset(monkeypatch):
    for name in ("REELQA_LLM_PROVIDER", "REELQA_LLM_MODEL", "REELQA_LLM_API_KEY", "REELQA_LLM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings(_env_file=None).llm_provider is None
    for value in ("", "  ", "off", "None"):
        monkeypatch.setenv("REELQA_LLM_PROVIDER", value)
        assert load_settings(_env_file=None).llm_provider is None
    monkeypatch.setenv("REELQA_LLM_PROVIDER", " OpenAI ")
    monkeypatch.setenv("REELQA_LLM_API_KEY", "")
    settings = load_settings(_env_file=None)
    assert settings.llm_provider == "openai" and settings.llm_api_key is None


@pytest.mark.parametrize("name, value", [("REELQA_LLM_PROVIDER", "anthropic"), ("REELQA_LLM_TIMEOUT_SECONDS", "0"),
                                         ("REELQA_LLM_TEMPERATURE", "hot")])
def test_a_bad_llm_setting_names_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings(_env_file=None)
