"""The similarity floors of verification, checked against the calibration examples, and verification units."""
from __future__ import annotations

import json

from rag.claims import Claim
from rag.grounding import SIMILARITY_FLOOR, SIMILARITY_FLOOR_CROSS_LINGUAL, Grounding
from tests.conftest import ROOT

EXAMPLES = [json.loads(line) for line in
            (ROOT / "tests" / "data" / "grounding_calibration.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _similarities(embedder, multilingual, cross: bool) -> list[tuple[float, bool]]:
    model = multilingual if cross else embedder
    out = []
    for example in (e for e in EXAMPLES if bool(e.get("cross")) == cross):
        vectors = model.embed([example["claim"], example["passage"]])
        out.append((float(vectors[0] @ vectors[1]), example["supported"]))
    return out


def test_the_english_floor_separates_supported_from_unsupported_examples(embedder, multilingual):
    scored = _similarities(embedder, multilingual, cross=False)
    supported = [s for s, ok in scored if ok]
    unsupported = [s for s, ok in scored if not ok]
    assert len(supported) >= 5 and len(unsupported) >= 5
    assert max(unsupported) < SIMILARITY_FLOOR < min(supported)


def test_the_cross_lingual_floor_rejects_every_unsupported_example(embedder, multilingual):
    scored = _similarities(embedder, multilingual, cross=True)
    supported = [s for s, ok in scored if ok]
    unsupported = [s for s, ok in scored if not ok]
    assert len(supported) >= 3 and len(unsupported) >= 3
    assert max(unsupported) < SIMILARITY_FLOOR_CROSS_LINGUAL < min(supported)


def test_verification_on_the_index_keeps_faithful_sentences_only(service, embedder, multilingual, glossary):
    from rag.grounding import sources_for

    view = service.view()
    found = service.search_step.find(view, "How many paying users does Keling have?", 3)
    chunk = next(view.chunk_around(s.sentence.doc_id, s.sentence.start, s.sentence.end) for s in found.scored
                 if "2 million cumulative paying users" in s.sentence.text)
    sources = sources_for(view, [chunk])
    claims = [Claim("Keling has over 2 million cumulative paying users.", [1]),
              Claim("Keling has over 3 million cumulative paying users.", [1]),
              Claim("Keling's founder studied art in Paris.", [1]),
              Claim("Keling has over 2 million cumulative paying users.", [2]),
              Claim("Keling has over 2 million cumulative paying users.", [])]
    checked = Grounding(embedder, multilingual, glossary).check(view, claims, sources)
    assert checked.dropped == 4 and checked.text == "Keling has over 2 million cumulative paying users. [1]"
    quote = checked.citations[0]
    assert view.text(quote.doc_id)[quote.start:quote.end] == quote.quote and "2 million" in quote.quote
    assert len(checked.reasons) == 4
