"""/reindex with a real Indexer over a private copy of the data and corpus; the bot keeps serving."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bot_helpers import ask_by_mention, text_of

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
NEW_DOC = ("Lighthouse notes\n\nThe Sandpoint lighthouse keeper counted 47 storms during the winter of 2023. "
           "Each storm was logged with its wind speed and the height of the waves.\n")


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    """A private copy of the corpus the test may add documents to."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def service(make_service, data_dir):
    """A QAService over the private data folder (overrides the shared read-only one for this module)."""
    return make_service(data_dir)


@pytest.fixture
def reindex_callable(corpus_dir, data_dir, embedder, multilingual):
    """The real incremental indexer's update, as the CLI's composition root passes it."""
    from index.build import Indexer
    from rag.store import IndexVersions

    return Indexer(corpus_dir, IndexVersions(data_dir), embedder, multilingual).update


@pytest.mark.simcord(settle_timeout=60)
async def test_reindex_reports_and_the_bot_answers_from_the_new_version(world, service, corpus_dir):
    before = service.status()
    (corpus_dir / "lighthouse.txt").write_text(NEW_DOC)
    (corpus_dir / "lighthouse.meta.yaml").write_text(
        "id: lighthouse\ntitle: Lighthouse notes\ndate: 2024-02-01\n"
    )

    result = await world.admin.slash(world.channel, "reindex")

    assert result.ephemeral
    report = [m for m in [result.response, *result.followups] if m is not None and m.embeds][-1].embeds[0]
    fields = {f.name: f.value for f in report.fields}
    assert int(fields["Added"]) >= 1 and fields["Kept"] == str(before["chunks"]) and fields["Deleted"] == "0"
    assert fields["Documents"] == str(before["documents"] + 1)
    after = service.status()
    assert after["version"] != before["version"] and after["version"] in report.description

    answer = await ask_by_mention(
        world, world.alice, "How many storms did the Sandpoint lighthouse keeper count?"
    )
    assert "47 storms" in text_of(answer) and "Lighthouse notes" in text_of(answer)

    status = await world.admin.slash(world.channel, "status")
    assert {f.name: f.value for f in status.response.embeds[0].fields}["Documents"] == str(after["documents"])
