"""Answers that compare sources (two figures for the same named period) and quote a list its introduction opens.

The documents are fictional and written for this test; the assertions are about answer content.
"""
from __future__ import annotations

import pytest

DOCS = {
    "survey-a.md": """---
title: Stellar AI keeps growing
date: 2025-04-10
---
Stellar AI had about 3 million monthly active users in March 2025, according to a survey firm.
The app added a storyboard tool in February.
""",
    "survey-b.md": """---
title: A second look at video apps
date: 2025-06-18
---
A different tracker put the monthly active users of Stellar AI in March 2025 at 2.4 million.
Its rival Orca Video had fewer users but more paying ones.
""",
    "xingyun-a-zh.md": """---
title: 星云AI的一年
date: 2025-03-01
---
星云AI上线一年，用户增长很快。

星云AI的挑战同样明显。第一，视频质量仍然落后于对手；第二，用户留存率不高；第三，海外知名度很低。

与2.0版相比，星云AI的2.1版在高清模式下便宜了不少，渲染速度也达到了秒级。

在发布会上，星云团队负责人李明介绍说，星云AI的用户大致可以分为三类：一是自媒体和短视频创作者，用它制作特效镜头和创意短片；二是广告和电商从业者，用它批量生成商品展示视频；三是影视和动画团队，把它当作分镜预演和概念设计工具。他表示，专业创作者贡献了最高的付费比例。
""",
    "lumen.md": """---
title: Lumen Clips opens to everyone
date: 2025-02-03
---
Lumen Clips, a video generator from a Shenzhen start-up, opened to the public in China this week.
New users get a monthly allowance of free credits, and paid plans start at about eight dollars a month for more credits.
By the end of its first month, Lumen Clips said it had more than 3 million registered users.
Lumen Clips is sold abroad under the name Lumina, with the same models behind it.
""",
    "orbit.md": """---
title: What Orbit Studio costs
date: 2025-05-12
---
Orbit Studio's basic plan costs 12 dollars a month and includes 200 clips.
""",
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory, embedder, multilingual, glossary):
    """A service over the fictional corpus, with the project's glossary and shipped weights."""
    from tests.conftest import build_service, index_documents

    versions = index_documents(tmp_path_factory.mktemp("sources"), DOCS, embedder, multilingual)
    return build_service(versions, embedder, multilingual, glossary)


def test_two_sources_giving_different_figures_for_the_asked_period_are_both_cited(sources):
    answer = sources.ask("How many monthly active users did Stellar AI have in March 2025?")
    assert answer.answered, answer.answer
    assert "3 million" in answer.answer and "2.4 million" in answer.answer, answer.answer
    assert {c.source for c in answer.citations} == {"survey-a.md", "survey-b.md"}


def test_a_sentence_introducing_a_counted_list_is_quoted_through_its_items(sources):
    answer = sources.ask("星云AI面临哪些挑战？")
    assert answer.answered, answer.answer
    assert all(item in answer.answer for item in ("视频质量", "留存率", "知名度")), answer.answer


def test_figures_for_the_same_date_are_not_different_values():
    from rag.aliases import Glossary
    from rag.conflicts import values
    from rag.question import analyse

    info = analyse("How many users did it have in March 2025?", Glossary({}))
    assert values(info, "In March 2025 it had 3 million users.") == {"3million"}
    assert values(info, "2025年3月，它的用户约为1160万。") == {"1160万"}


def test_a_count_question_is_answered_only_by_a_figure_of_what_it_counts(sources):
    answer = sources.ask("How many registered users did Lumen Clips have after its first month?")
    assert answer.answered and "3 million" in answer.answer, answer.answer
    # The only sentence about free credits gives a price ("eight dollars ... for more credits"), not a count.
    assert not sources.ask("How many free credits do new Lumen Clips users get each month?").answered


def test_a_chinese_count_of_seconds_needs_a_number_of_seconds(sources):
    answer = sources.ask("星云AI的2.1版单段视频最长能生成多少秒？")
    assert not answer.answered, answer.answer  # the 2.1 sentence says 秒 (秒级) but gives no number of seconds


def test_a_place_the_question_is_set_in_need_not_be_named_by_the_answer(sources):
    answer = sources.ask("What is Lumen Clips called outside China?")  # the answer does not name China
    assert answer.answered and "Lumina" in answer.answer, answer.answer
    assert not sources.ask("What is Stellar AI called outside China?").answered  # the asked name is still required


def test_an_answer_inside_an_enumeration_its_sentence_opens_is_quoted_through_the_items(sources):
    answer = sources.ask("据李明介绍，影视和动画团队用星云AI做什么？")  # the best sentence opens the list
    assert answer.answered and "分镜预演" in answer.answer, answer.answer



def test_a_price_per_year_is_not_answered_with_a_price_per_month(sources):
    answer = sources.ask("How much does Orbit Studio's basic plan cost per month?")
    assert answer.answered and "12 dollars a month" in answer.answer, answer.answer
    assert not sources.ask("How much does Orbit Studio's basic plan cost per year?").answered
