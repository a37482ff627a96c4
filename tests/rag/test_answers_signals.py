"""The general answer signals, without a model: periods, question parsing, features, combiner, conflicts, metadata."""
from __future__ import annotations

import numpy as np
import pytest

from rag import periods
from rag.combiner import Combiner, fit
from rag.features import FEATURES, Evidence, context, heading_like, vector
from rag.question import analyse, meta_kind


def _row(values: np.ndarray) -> dict:
    return dict(zip(FEATURES, values.tolist()))


@pytest.mark.parametrize("text, expected", [
    ("What was revenue in Q3 2024?", periods.Period(2024, "quarter", 3)),
    ("in the second quarter of 2025", periods.Period(2025, "quarter", 2)),
    ("2024年第三季度的收入", periods.Period(2024, "quarter", 3)),
    ("sales in H1 2023", periods.Period(2023, "half", 1)),
    ("on March 5, 2024", periods.Period(2024, "month", 3)),
    ("2023年10月", periods.Period(2023, "month", 10)),
    ("compared with RMB 113.5 billion in 2023.", periods.Period(2023)),  # a year ending the sentence
])
def test_named_periods_in_both_languages(text, expected):
    assert periods.periods(text)[0] == expected


def test_relative_years_resolve_against_the_document_date():
    assert periods.periods("What happened last year?", doc_year=2025) == [periods.Period(2024)]
    assert periods.periods("去年的收入", doc_year=2025) == [periods.Period(2024)]
    assert periods.periods("What happened last year?") == []


def test_period_match_and_clash():
    asked = periods.periods("revenue in Q3 2024")
    assert periods.match(asked, periods.periods("In the third quarter, revenue rose")) == (True, False)
    assert periods.match(asked, periods.periods("In Q2 2024 revenue rose")) == (False, True)
    assert periods.match(asked, periods.periods("Revenue in 2023 rose")) == (False, True)
    assert periods.match(asked, periods.periods("Revenue rose in 2024")) == (False, False)
    assert periods.match(periods.periods("in 2024"), periods.periods("In Q2 2024 it rose")) == (True, False)


def test_a_period_without_a_year_is_placed_by_the_document_date():
    dated = periods.doc_period("2024-11-21")
    third, december = periods.anchored(periods.periods("In the third quarter and in December"), dated)
    assert third == periods.Period(2024, "quarter", 3)  # begun by the document's date: this year's
    assert december == periods.Period(2023, "month", 12)  # not begun yet: last year's
    asked = periods.periods("daily users in the third quarter of 2023")
    assert periods.match(asked, [third]) == (False, True)
    assert periods.anchored(periods.periods("in Q2"), None) == [periods.Period(None, "quarter", 2)]


def test_latest_questions_in_both_languages():
    assert periods.asks_latest("What is the latest model?") and periods.asks_latest("目前有多少用户？")
    assert not periods.asks_latest("How many users did it have in 2023?")


@pytest.mark.parametrize("question, kind", [
    ("Who wrote the article about the video model's revenue?", "author"),
    ("Who is the author of the report on quarterly results?", "author"),
    ("When was the profile of the startup published?", "published"),
    ("What is the title of the piece about pricing?", "title"),
    ("这篇关于价格的文章的作者是谁？", "author"),
    ("Which publication ran the review of the camera app?", "publisher"),
    ("What site was the pricing article published on?", "publisher"),
    ("这篇关于价格的文章是哪家媒体发表的？", "publisher"),
    ("这篇评测来自哪个网站？", "publisher"),
    ("When was the Daily Brief comparison of the two apps published?", "published"),
    ("Who wrote the roundup of seven video tools?", "author"),
    ("Which tool won the comparison?", None),
    ("Which site offers the app for free?", None),
    ("Does the Daily Brief writer think the app will win?", None),
    ("What does the writer of the review think of the app?", None),
    ("What magazine did the founder read?", None),
    ("应用在哪个平台上线？", None),
    ("数据来源是哪家机构？", None),
    ("How many users does the app have?", None),
    ("When was the model released?", None),
    ("Who founded the company?", None),
    ("Who compiled the Frame Weekly arena roundup?", "author"),
    ("Who compiled the list of winners?", None),
])
def test_metadata_questions(question, kind):
    assert meta_kind(question) == kind


def test_question_entities_versions_and_aliases(glossary):
    info = analyse("How many paying users does Acme Studio have?", glossary)
    assert "Acme Studio" in info.entities and "number" in info.kinds
    info = analyse("What did version 2.1 cost per month?", glossary)
    assert "2.1" in " ".join(info.versions)
    info = analyse("What was the biggest change in Acme's 3.0 model?", glossary)
    assert info.entities == ["Acme"] and info.versions == ["3.0"]  # the possessive belongs to neither
    info = analyse("可灵有多少付费用户？", glossary)
    assert info.names == ["Keling"] and "可灵" in info.forms("Keling")


def _evidence(text: str, **kw) -> Evidence:
    return Evidence(key=0, doc_id=kw.pop("doc_id", "d"), text=text, doc_text=kw.pop("doc_text", text), **kw)


def test_doc_votes_say_which_document_retrieval_points_at(glossary):
    info = analyse("How many paying users does Keling have?", glossary)
    first = _evidence("Keling has 2 million paying users.", doc_id="a", fused_rank=0)
    second = _evidence("Keling also sells to studios.", doc_id="a", fused_rank=3)
    elsewhere = _evidence("Keling has many fans.", doc_id="b", fused_rank=1)
    ctx = context(info, [first, second, elsewhere], lambda t: 2.0)
    votes = {ev.doc_id: _row(vector(ctx, ev))["doc_votes"] for ev in (first, elsewhere)}
    assert votes["a"] == 1.0 and 0 < votes["b"] < 1.0


def test_features_see_missing_entities_types_and_periods(glossary):
    info = analyse("How many paying users did Keling have in Q3 2024?", glossary)
    good = _evidence("In the third quarter of 2024, Keling had 2 million paying users.", date="2024-11-20")
    other_period = _evidence("In Q2 2024, Keling had 1 million paying users.", date="2024-08-20")
    no_number = _evidence("Keling has many paying users.", date="2024-11-20")
    other_name = _evidence("In Q3 2024, Vidu had 2 million paying users.", date="2024-11-20")
    ctx = context(info, [good, other_period, no_number, other_name], lambda t: 2.0)
    rows = {name: _row(vector(ctx, ev)) for name, ev in
            [("good", good), ("period", other_period), ("nonum", no_number), ("name", other_name)]}
    assert rows["good"]["period_hit"] == 1 and rows["good"]["type_match"] == 1 and rows["good"]["entity_missing"] == 0
    assert rows["period"]["period_clash"] == 1 and rows["period"]["period_hit"] == 0
    assert rows["nonum"]["type_missing"] == 1
    assert rows["name"]["entity_missing"] == 1 and rows["name"]["entity_missing_doc"] == 1


def test_aliases_in_another_script_count_as_the_entity(glossary):
    info = analyse("How many paying users does Kling have?", glossary)
    ev = _evidence("可灵的付费用户超过200万。")
    assert _row(vector(context(info, [ev], lambda t: 2.0), ev))["entity_missing"] == 0


def test_headings_are_recognized():
    assert heading_like("## Pricing and plans") and heading_like("Quarterly results")
    assert not heading_like("The company reported revenue of 1.2 billion yuan.")


def test_combiner_fits_a_separable_signal_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(400, len(FEATURES)))
    labels = rows[:, FEATURES.index("cover")] - rows[:, FEATURES.index("entity_missing")] > 0.5
    model = fit(rows, labels, l2=0.1)
    assert model.weights[FEATURES.index("cover")] > 1 and model.weights[FEATURES.index("entity_missing")] < -1
    accuracy = ((model.probability(rows) >= 0.5) == labels).mean()
    assert accuracy > 0.95
    model.threshold = 0.42
    model.save(tmp_path / "w.json")
    loaded = Combiner.load(tmp_path / "w.json")
    assert loaded.threshold == 0.42
    assert np.allclose(loaded.probability(rows[:5]), model.probability(rows[:5]), atol=1e-4)


def test_shipped_weights_are_fitted_and_sensible():
    model = Combiner.load()
    assert "questions" in model.info, "rag/data/combiner.json comes from `make fit`"
    w = dict(zip(FEATURES, model.weights))
    assert w["type_missing"] < 0 and w["cover"] + w["cover_window"] > 0
    assert w["entity_missing"] + w["entity_missing_doc"] + w["entity_all_missing"] < 0
    assert 0.0 < model.threshold < 1.0


def test_fit_refuses_a_check_half(tmp_path):
    from rag.errors import InputError
    from rag.fit import refuse_check_sets

    with pytest.raises(InputError, match="held-out"):
        refuse_check_sets([tmp_path / "dev_check.jsonl"])
    refuse_check_sets([tmp_path / "dev_tune.jsonl"])


def test_eval_reports_the_gap_and_gates_it():
    from rag.evaluate import failures, gap, gap_failures

    tune = {"answer_acc": 0.92, "supported_acc": 0.9, "abstain_acc": 0.95, "false_abstain": 0.02, "quote_valid": 1.0}
    check = {"answer_acc": 0.84, "supported_acc": 0.8, "abstain_acc": 0.94, "false_abstain": 0.45, "quote_valid": 1.0}
    gaps = gap(tune, check)
    assert gaps["answer_acc"] == 0.08 and gaps["false_abstain"] == 0.43
    assert gap_failures(gaps, 0.05) == ["answer_acc gap 0.08 > 0.05"]
    assert any("false_abstain" in m for m in failures(check, "half"))


def test_conflicts_compare_figures_with_their_scale(glossary):
    from rag.conflicts import values

    info = analyse("How many paying users does the app have?", glossary)
    assert values(info, "It has 5 million paying users.") != values(info, "It has 4 million paying users.")
    assert values(info, "It has 5 million users.") == values(info, "About 5 million people use it.")
    info = analyse("When did the app launch?", glossary)
    assert values(info, "It launched on June 6, 2024.") != values(info, "It launched on June 10, 2024.")


def test_a_full_year_asked_is_not_answered_by_a_quarter(glossary):
    from rag.features import period_signals
    info = analyse("What was Acme's full-year revenue for 2025?", glossary)
    quarter = Evidence(key=0, doc_id="d", text="Revenue rose 14% to RMB 35.6 billion.", title="Acme Q3 2025 results",
                       date="2025-11-20")
    assert period_signals(info, quarter) == (False, True)
    year = Evidence(key=1, doc_id="d", text="Revenue for 2025 was RMB 140 billion.", date="2026-03-20")
    assert period_signals(info, year) == (True, False)
    loose = analyse("What was Acme's revenue in 2025?", glossary)
    assert period_signals(loose, quarter) == (True, False)  # not said to be the whole year: a part of it is named


@pytest.mark.parametrize("question", ["What minimum share of the footage must be generated?",
                                      "What rough percentage of users pay?", "What share of revenue is overseas?",
                                      "What maximum fine does the law set?", "What is the longest clip it makes?"])
def test_a_share_with_a_word_between_asks_for_a_figure(question, glossary):
    assert "number" in analyse(question, glossary).kinds


def test_what_is_the_main_thing_asks_no_figure(glossary):
    assert "number" not in analyse("What is the main feature of the app?", glossary).kinds


@pytest.mark.parametrize("text, expected", [
    ("revenue in the July-September 2025 quarter", [periods.Period(2025, "quarter", 3)]),
    ("between April and June 2025", [periods.Period(2025, "quarter", 2)]),
    ("2025年7-9月的收入", [periods.Period(2025, "quarter", 3)]),
    ("January to June 2024", [periods.Period(2024, "half", 1)]),
    ("2025年3月，收入", [periods.Period(2025, "month", 3)]),
])
def test_a_span_of_months_that_is_a_quarter_or_half_is_that_period(text, expected):
    assert periods.periods(text) == expected
