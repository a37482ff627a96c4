"""Session fixtures: the real model loaded once, a real index built once from the real corpus."""
from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests are derandomized in CI (same examples every run, no example database), so a submission
# can't fail on a counterexample its author never saw; locally they explore as usual.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_EVAL = ROOT.parent / "shared" / "eval" / "dev.jsonl"


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2 model, loaded once per session."""
    from rag.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def multilingual():
    """The real multilingual USE model (numpy)."""
    from rag.embedder import UseMultilingualEmbedder

    return UseMultilingualEmbedder()


@pytest.fixture(scope="session")
def glossary():
    """The project's alias glossary."""
    from rag.aliases import Glossary

    return Glossary.load(CORPUS / "aliases.yaml")


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory, embedder, multilingual) -> Path:
    """A data folder holding one index version of the real corpus (built once; copy it before writing)."""
    from index.build import Indexer
    from rag.store import IndexVersions

    data = tmp_path_factory.mktemp("built") / "data"
    Indexer(CORPUS, IndexVersions(data), embedder, multilingual).update()
    return data


@pytest.fixture
def data_dir(built_data_dir, tmp_path) -> Path:
    """A private copy of the built data folder a test may write to."""
    target = tmp_path / "data"
    shutil.copytree(built_data_dir, target)
    return target


@pytest.fixture(scope="session")
def settings_for(built_data_dir):
    """Build Settings pointing at a data folder (the shared read-only one by default)."""
    from rag.settings import Settings

    def make(data_dir: Path | None = None, **overrides):
        return Settings(_env_file=None, corpus_dir=CORPUS, data_dir=data_dir or built_data_dir, **overrides)

    return make


def index_documents(root: Path, docs: dict[str, str], embedder, multilingual):
    """Write documents (file name -> text) into a corpus folder under `root`, index them, return the versions."""
    from index.build import Indexer
    from rag.store import IndexVersions

    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in docs.items():
        (corpus / name).write_text(text, encoding="utf-8")
    versions = IndexVersions(root / "data")
    Indexer(corpus, versions, embedder, multilingual).update()
    return versions


@functools.lru_cache(maxsize=1)
def shared_lexicon():
    """The Chinese-English lexicon (CC-CEDICT), loaded once per test process."""
    from rag.bilingual import Lexicon

    return Lexicon.load()


def build_service(versions, embedder, multilingual, glossary, params=None, answerer=None, **kwargs):
    """A QAService wired like the composition root: hybrid retrieval, extractive answers unless `answerer` is given.

    `answerer` may be a callable taking the extractive answerer (to wrap it, e.g. in a generative one).
    """
    from rag.answer import ExtractiveAnswerer
    from rag.answerers import Extractive, SentenceSearch
    from rag.retrieve import HybridRetriever
    from rag.service import QAService

    from rag.softmatch import WordVectors

    scorer = ExtractiveAnswerer(params, word_vectors=WordVectors(multilingual) if multilingual is not None else None,
                                lexicon=shared_lexicon())
    search = SentenceSearch(HybridRetriever(embedder, multilingual), scorer, glossary)
    extractive = Extractive(scorer)
    return QAService(versions, search, answerer(extractive) if answerer else extractive, **kwargs)


@pytest.fixture(scope="session")
def service(built_data_dir, embedder, multilingual, glossary):
    """A QAService over the shared built index (read-only use)."""
    from rag.store import IndexVersions

    return build_service(IndexVersions(built_data_dir), embedder, multilingual, glossary)


@pytest.fixture
def make_service(embedder, multilingual, glossary):
    """Build a QAService over a given data folder, sharing the session's loaded models."""
    from rag.store import IndexVersions

    def make(data_dir: Path, **kwargs):
        return build_service(IndexVersions(data_dir), embedder, multilingual, glossary, **kwargs)

    return make
