"""Answers on a small corpus nobody tuned on: periods, latest, conflicting sources, metadata, unknown names.

The documents are fictional and written for this test; the assertions are about answer content.
"""
from __future__ import annotations

import pytest

DOCS = {
    "q2-results.md": """---
title: Orbit Labs reports second-quarter results
date: 2024-08-20
authors: [Mara Quill]
---
By Mara Quill

Orbit Labs said on Tuesday that its video model Nimbus earned 150 million yuan in revenue in Q2 2024.
Nimbus had 3 million paying users at the end of that quarter, the company said.
The company also hired a new head of research, Lena Park, who previously worked at a chip maker.
""",
    "q3-results.md": """---
title: Orbit Labs revenue climbs in the third quarter
date: 2024-11-20
authors: [Tom Reyes]
---
By Tom Reyes

Orbit Labs reported that Nimbus earned 200 million yuan in revenue in Q3 2024, up from the prior quarter.
Management said Nimbus has 4 million paying users.
A monthly Nimbus plan is priced at 69 yuan, and a yearly plan at 599 yuan.
""",
    "profile.txt": """Nimbus, a year on

Nimbus has about 5 million paying users, according to people familiar with the company.
The service launched in June 2023 and now runs in 40 countries.
Its main rival, Vela from Harbor Studio, focuses on animation.
Can Nimbus keep growing this fast once Vela reaches overseas users?
""",
    "harbor.md": """---
title: Harbor Studio widens its reach
date: 2025-04-02
---
Harbor Studio's animation app Vela, known outside China as Lumen, opened to overseas users last year.
The studio has since hired forty engineers in Singapore and Dublin.
Vela had 2 million monthly active users in March 2025, Harbor Studio said.
""",
    "profile.meta.yaml": "title: Nimbus, a year on\ndate: 2025-01-10\nauthors: [Ada Stone]\n",
    "yuntu-users-zh.md": """---
title: 云图的用户是谁
date: 2025-05-06
---
云图团队表示，云图的用户大致可以分为三类：一是短视频博主，用它制作片头；二是网店店主，用它生成商品视频；三是动画工作室，用它预演分镜。
""",
    "kestrel-review.md": """---
title: A week with the new camera app
date: 2025-06-01
authors: [Iris Dale]
source: The Shutter Ledger
---
By Iris Dale

The camera app records slow motion at 240 frames a second and exports straight to the cloud.
What sets the app apart is a feature its makers call ghost mode. It keeps every recording out of the phone's gallery until a passcode is entered.
""",
    "yuntu-zh.md": """---
title: 云图上线一年
date: 2025-03-02
---
云图是一款视频生成应用，去年6月上线。
截至2025年2月，云图的付费用户超过120万。
云图的专业会员月费为88元，年费为880元。
""",
}


@pytest.fixture(scope="module")
def unseen(tmp_path_factory, embedder, multilingual, glossary):
    """A service over the fictional corpus, with the project's glossary and shipped weights."""
    from tests.conftest import build_service, index_documents

    versions = index_documents(tmp_path_factory.mktemp("unseen"), DOCS, embedder, multilingual)
    return build_service(versions, embedder, multilingual, glossary)


def test_a_named_quarter_uses_that_quarters_figure(unseen):
    answer = unseen.ask("How much revenue did Nimbus earn in Q3 2024?")
    assert answer.answered and "200 million" in answer.answer and "150 million" not in answer.answer
    answer = unseen.ask("What revenue did Nimbus make in the second quarter of 2024?")
    assert answer.answered and "150 million" in answer.answer and "200 million" not in answer.answer


def test_a_quarter_no_document_covers_is_withheld(unseen):
    assert not unseen.ask("How much revenue did Nimbus earn in Q1 2022?").answered


def test_unknown_names_do_not_borrow_known_answers(unseen):
    for question in ("How many paying users does Acme Studio have?", "How many paying users does Zorblax have?"):
        answer = unseen.ask(question)
        assert not answer.answered and answer.citations == [], question


def test_latest_prefers_the_newest_source_and_says_its_date(unseen):
    answer = unseen.ask("How many paying users does Nimbus have now?")
    assert answer.answered and "5 million" in answer.answer and "2025-01-10" in answer.answer


def test_conflicting_sources_are_both_cited_with_dates(unseen):
    answer = unseen.ask("How many paying users does Nimbus have?")
    assert answer.answered
    values = [v for v in ("3 million", "4 million", "5 million") if v in answer.answer]
    assert len(values) >= 2, answer.answer
    assert len({c.doc_id for c in answer.citations}) >= 2
    assert all(c.date and c.date in answer.answer for c in answer.citations)


def test_authorship_comes_from_metadata_and_cites_the_byline(unseen):
    answer = unseen.ask("Who wrote the article about Orbit Labs' third-quarter revenue?")
    assert answer.answered and "Tom Reyes" in answer.answer
    assert answer.citations[0].quote == "By Tom Reyes"


def test_the_publisher_comes_from_metadata(unseen):
    answer = unseen.ask("Which publication ran the review of the camera app?")
    assert answer.answered and "The Shutter Ledger" in answer.answer
    assert answer.citations[0].doc_id.startswith("kestrel-review")


def test_publication_date_comes_from_metadata(unseen):
    answer = unseen.ask("When was the article on Orbit Labs' second-quarter results published?")
    assert answer.answered and "2024-08-20" in answer.answer


def test_paraphrase_is_answered(unseen):
    answer = unseen.ask("What does a monthly Nimbus subscription cost?")
    assert answer.answered and "69 yuan" in answer.answer


def test_headings_are_never_answers(unseen):
    answer = unseen.ask("Nimbus, a year on")
    assert all(c.quote.strip() != "Nimbus, a year on" for c in answer.citations)


def test_an_english_name_is_found_in_a_chinese_document_by_its_pinyin(unseen):
    answer = unseen.ask("How many paying users does Yuntu have?")
    assert answer.answered and "120万" in answer.answer, answer.answer
    assert all(c.source == "yuntu-zh.md" for c in answer.citations)


def test_a_chinese_question_about_a_name_no_document_uses_is_withheld(unseen):
    assert unseen.ask("云图的专业会员月费是多少？").answered
    answer = unseen.ask("青鸟影业的专业会员月费是多少？")
    assert not answer.answered and answer.citations == []


def test_an_alias_a_document_states_is_used_for_questions(unseen):
    manifest = unseen.view().manifest
    assert ["Vela", "Lumen"] in manifest["documents"]["harbor.md"]["aliases"]
    answer = unseen.ask("How many monthly active users did Lumen have?")
    assert answer.answered and "2 million monthly active users" in answer.answer, answer.answer


def test_an_index_built_before_aliases_were_stored_works_them_out_on_first_use(unseen, embedder, multilingual,
                                                                                 glossary, tmp_path):
    import json
    import shutil

    from rag.store import IndexVersions
    from tests.conftest import build_service

    version = unseen.view().version
    data = tmp_path / "data"
    shutil.copytree(unseen.versions.root.parent, data)
    path = IndexVersions(data).folder(version) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for info in manifest["documents"].values():
        del info["aliases"]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    older = build_service(IndexVersions(data), embedder, multilingual, glossary)
    assert "aliases" not in older.view().manifest["documents"]["harbor.md"]
    answer = older.ask("How many monthly active users did Lumen have?")
    assert answer.answered and "2 million monthly active users" in answer.answer, answer.answer


def test_a_question_in_english_finds_a_chinese_documents_metadata_by_its_title(unseen):
    answer = unseen.ask("When was the article about Yuntu's first year online published?")
    assert answer.answered and "2025-03-02" in answer.answer, answer.answer
    assert [c.source for c in answer.citations] == ["yuntu-zh.md"]


def test_a_counted_enumeration_is_quoted_through_its_last_item(unseen):
    answer = unseen.ask("云图的用户主要分为哪几类？")
    assert answer.answered, answer.answer
    assert all(item in answer.answer for item in ("短视频博主", "网店店主", "动画工作室")), answer.answer


def test_a_publication_named_in_the_question_finds_its_article(unseen):
    answer = unseen.ask("When was The Shutter Ledger's article published?")
    assert answer.answered and "2025-06-01" in answer.answer, answer.answer
    assert [c.source for c in answer.citations] == ["kestrel-review.md"]


def test_a_quarter_is_not_answered_with_a_whole_years_figure():
    from rag.periods import Period, whole_year_for_part
    assert whole_year_for_part([Period(2024, "quarter", 2)], [Period(2024)])
    assert not whole_year_for_part([Period(2024, "quarter", 2)], [Period(2024, "quarter", 2), Period(2024)])
    assert not whole_year_for_part([Period(2024)], [Period(2024)])


def test_which_ones_in_chinese_asks_for_a_list_not_a_count():
    from rag.aliases import Glossary
    from rag.question import analyse
    assert "number" not in analyse("云图的用户主要分为哪几类？", Glossary({})).kinds
    assert "number" in analyse("云图有几类用户？", Glossary({})).kinds



def test_a_publication_named_only_in_metadata_is_not_an_unknown_name(unseen):
    answer = unseen.ask("According to The Shutter Ledger, at how many frames a second does the camera app record "
                        "slow motion?")
    assert answer.answered and "240 frames a second" in answer.answer, answer.answer


def test_a_count_of_something_else_does_not_answer(unseen):
    answer = unseen.ask("How many employees did Nimbus have at the end of Q2 2024?")
    assert not answer.answered, answer.answer  # the documents count its paying users, not its staff
    answer = unseen.ask("How many paying users did Nimbus have at the end of Q2 2024?")
    assert answer.answered and "3 million paying users" in answer.answer, answer.answer


def test_a_sentence_that_introduces_something_is_quoted_with_the_one_that_says_it(unseen):
    answer = unseen.ask("What does the camera app's ghost mode do?")
    assert answer.answered and "out of the phone's gallery" in answer.answer, answer.answer


def test_a_question_the_text_asks_is_never_an_answer(unseen):
    answer = unseen.ask("Can Nimbus keep growing this fast once Vela reaches overseas users?")
    assert all(not c.quote.rstrip().endswith("?") for c in answer.citations), answer.answer


def test_a_chinese_question_about_a_thing_only_english_documents_name_is_answered(unseen):
    answer = unseen.ask("相机应用的慢动作每秒多少帧？")  # 相机 ~ camera: known in translation, not an unknown name
    assert answer.answered and "240 frames a second" in answer.answer, answer.answer


def test_fitting_withholds_unknown_names_as_serving_does(unseen):
    from rag.answer import AnswerParams
    from rag.combiner import Combiner
    from rag.fit import answer, collect

    items = [{"id": "u1", "question": "How many paying users does Zorblax have?", "answerable": False},
             {"id": "u2", "question": "How much revenue did Nimbus earn in Q3 2024?", "answerable": True,
              "answer_any": ["200 million"]}]
    unknown, known = collect(items, unseen)
    assert unknown.scored and all(s.row.get("unknown_entity") == 1.0 for s in unknown.scored)
    assert answer(AnswerParams(), known, Combiner.load()).answered
    for s in known.scored:  # the same rows, had the question named something no document uses
        s.row["unknown_entity"] = 1.0
    assert not answer(AnswerParams(), known, Combiner.load()).answered

