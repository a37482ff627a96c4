"""The composition root: reads settings once and builds every long-lived object of a process."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

from rag.aliases import Glossary
from rag.answer import AnswerParams, ExtractiveAnswerer
from rag.answerers import Extractive, SentenceSearch
from rag.bilingual import Lexicon
from rag.conversation import Conversations
from rag.embedder import Embedder, SentenceTransformerEmbedder, load_multilingual
from rag.feedback import FeedbackStore
from rag.retrieve import HybridRetriever
from rag.schemas import UpdateReport
from rag.service import QAService
from rag.settings import Settings
from rag.store import IndexVersions


@dataclass
class Components:
    """Lazily built parts of a reelqa process; one loaded model shared by every caller."""

    settings: Settings

    @cached_property
    def embedder(self) -> Embedder:
        """The sentence-transformers model (loaded once)."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        return SentenceTransformerEmbedder(self.settings.embedding_model, threads=self.settings.torch_threads,
                                           backend=self.settings.embedding_backend)

    @cached_property
    def query_embedder(self) -> Embedder:
        """The same model behind an LRU cache and a batcher: repeats skip the model, concurrent ones share calls."""
        from rag.batching import BatchingEmbedder
        from rag.embedding_cache import CachingEmbedder

        return CachingEmbedder(BatchingEmbedder(self.embedder), self.settings.query_cache_size)

    @cached_property
    def query_multilingual(self) -> Embedder | None:
        """The multilingual model behind an LRU cache of question vectors (None when off)."""
        from rag.embedding_cache import CachingEmbedder

        model = self.multilingual
        return None if model is None else CachingEmbedder(model, self.settings.query_cache_size)

    @cached_property
    def multilingual(self) -> Embedder | None:
        """The multilingual model for non-English questions, or None when off."""
        return load_multilingual(self.settings.multilingual_model)

    @cached_property
    def word_vectors(self):
        """Word vectors for soft matching of asked words: the multilingual model's, cached (None when it is off)."""
        from rag.softmatch import WordVectors

        model = self.multilingual
        return None if model is None else WordVectors(model)

    @cached_property
    def lexicon(self) -> Lexicon:
        """The Chinese-English word lexicon (CC-CEDICT) for word coverage across languages."""
        return Lexicon.load()

    @cached_property
    def versions(self) -> IndexVersions:
        """The index versions under the data folder."""
        return IndexVersions(self.settings.data_dir, self.settings.chroma_url)

    @cached_property
    def glossary(self) -> Glossary:
        """The alias glossary."""
        return Glossary.load(self.settings.glossary_path)

    @cached_property
    def llm(self):
        """The chat-model client when REELQA_LLM_PROVIDER is set, else None (the provider package loads only then)."""
        if self.settings.llm_provider is None:
            return None
        from rag.llm import LlmClient, chat_model

        name = f"{self.settings.llm_provider}:{self.settings.llm_model}"
        return LlmClient(chat_model(self.settings), self.settings.llm_timeout_seconds, name=name)

    @cached_property
    def service(self) -> QAService:
        """The question-answering service, with the answerer the settings choose (extractive, or generative)."""
        s = self.settings
        scorer = ExtractiveAnswerer(AnswerParams(threshold=s.abstain_threshold,
                                                 threshold_cjk=s.abstain_threshold_chinese),
                                    word_vectors=self.word_vectors, lexicon=self.lexicon)
        search = SentenceSearch(HybridRetriever(self.query_embedder, self.query_multilingual), scorer, self.glossary)
        answerer, conversations = Extractive(scorer), Conversations(self.glossary, s.conversation_turns,
                                                                    s.conversation_ttl_seconds)
        follow_ups, client = conversations, self.llm
        if client is not None:
            from rag.followups import LlmFollowUps
            from rag.generative import Generative
            from rag.grounding import Grounding

            grounding = Grounding(self.query_embedder, self.multilingual, self.glossary)
            answerer = Generative(client, grounding, answerer)
            follow_ups = LlmFollowUps(client, conversations, self.glossary, s.max_question_chars)
        return QAService(self.versions, search, answerer, follow_ups, s.top_k, s.max_question_chars,
                         llm_outcomes=client.counts if client is not None else None)

    @cached_property
    def feedback(self) -> FeedbackStore:
        """The answers-and-feedback database."""
        return FeedbackStore(self.settings.data_dir / "feedback.sqlite3")

    def load_live_index(self):
        """A Future of the live index version loaded for reading (an IndexView), loading in a background thread.

        A server starts it before loading the models, so the two loads overlap; its error (no index yet, a damaged
        pointer) is the Future's.
        """
        from concurrent.futures import Future
        from threading import Thread

        from rag.retrieve import IndexView

        future: Future = Future()

        def load() -> None:
            try:
                future.set_result(IndexView(self.versions, self.versions.require_current(), warm=True))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the index
                future.set_exception(exc)

        Thread(target=load, name="reelqa-load-index", daemon=True).start()
        return future

    def indexer(self):
        """An Indexer over the corpus folder (index writes always go through the write lock)."""
        from index.build import Indexer

        return Indexer(self.settings.corpus_dir, self.versions, self.embedder, self.multilingual,
                       self.settings.chunk_tokens, max_document_bytes=self.settings.max_document_bytes)

    def reindex(self, full: bool = False, progress=None) -> UpdateReport:
        """Run an incremental update (or a full rebuild) and switch to it atomically."""
        indexer = self.indexer()
        return indexer.update(full=full, progress=progress) if progress else indexer.update(full=full)
