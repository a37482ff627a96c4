"""Answers from web pages nobody tuned on: the article's facts are answered, the page furniture never is.

The pages are fictional and written for this test. Their navigation, cookie banners, related-article lists,
newsletter boxes, comments, disclaimers and footers carry tempting facts; none may be quoted.
"""
from __future__ import annotations

import pytest

ZH_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>云图上线新版本_科技频道_织锦网</title>
<meta property="article:published_time" content="2025-04-16T10:20:00+08:00"></head><body>
<div class="top-nav"><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/tech">科技</a> | <a href="/login">登录</a></div>
<div class="cookie">本网站使用Cookie以改善您的浏览体验。继续浏览即表示您同意我们的隐私政策。</div>
<div class="article">
<h1>云图上线新版本</h1>
<div class="info"><span>来源：织锦网</span> <span>作者：张三</span> <span>2025-04-16 10:20</span></div>
<p>4月15日，视频生成应用云图发布了3.0版本。云图团队表示，新版本在画面稳定性上有明显提升。</p>
<p>据介绍，云图上线以来累计生成视频超过1.68亿个，付费用户超过120万。</p>
<p>云图负责人李明在发布会上说，下一步的重点是降低生成成本。</p>
<p class="editor">责任编辑：李四</p>
<div class="statement">免责声明：本文仅代表作者个人观点，与本网无关。其原创性以及文中陈述文字和内容未经本站证实，请读者仅作参考，并请自行核实相关内容。</div>
</div>
<div class="related"><h3>相关阅读</h3><ul><li><a href="/a1">云图月活用户突破三千万</a></li><li><a href="/a2">云图年收入达到50亿元</a></li></ul></div>
<div class="footer">关于我们 | 联系我们 | 版权所有 © 2025 织锦网</div>
</body></html>
"""

EN_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Tessel adds lip sync | Loom Wire</title>
<meta name="author" content="Jane Roe"><meta name="date" content="2024-08-20"></head><body>
<header><nav><a href="/">Home</a> <a href="/ai">AI</a> <a href="/subscribe">Subscribe</a></nav></header>
<div id="cookie-banner">We use cookies to personalise content and ads. By continuing you accept our cookie policy.</div>
<main><article>
<h1>Tessel adds lip sync</h1>
<p class="byline">By Jane Roe</p>
<p>Tessel now lets users sync a character's lips to an uploaded voice track, its maker said on Tuesday.</p>
<p>The lip sync feature costs 5 credits per clip and is available to all paid members.</p>
<aside class="newsletter"><h4>Get the AI Brief</h4><p>Sign up for our newsletter: the Pro plan of Weft costs $99 a month,
and more news every week.</p></aside>
<p>Tessel had more than 2.6 million users within three months of its launch, according to its maker.</p>
<div class="related"><h3>Read more</h3><ul><li><a href="/x">Weft launches with pricing from $12 a month</a></li>
<li><a href="/y">Tessel's Pro plan now costs $200 a month</a></li></ul></div>
</article></main>
<section class="comments"><h3>3 comments</h3><p>Great article! Tessel is the best, it costs only $10 a month.</p></section>
<footer><p>© 2024 Loom Wire Media. All rights reserved. Privacy Policy | Terms of Use</p></footer>
</body></html>
"""

CONTEST = """---
title: Weft's creator contest draws young developers
date: 2025-02-10
---
Weft held its first creator contest in Hangzhou this winter, and most entrants were university students.
Unlike the small prizes of earlier student events, the first prize for the Weft Creator Contest is now a cash prize
of 100,000 yuan.

The winner, Ivo Brandt, is not a student but an independent developer who built a video storyboard tool.
His entry lets a user turn a film scene into a shot list in a few minutes.
"""

DOCS = {"yuntu-release.html": ZH_PAGE, "tessel-lipsync.html": EN_PAGE, "weft-contest.md": CONTEST}


@pytest.fixture(scope="module")
def pages(tmp_path_factory, embedder, multilingual, glossary):
    """A service over the two fictional pages, with the project's glossary and shipped weights."""
    from tests.conftest import build_service, index_documents

    versions = index_documents(tmp_path_factory.mktemp("pages"), DOCS, embedder, multilingual)
    return build_service(versions, embedder, multilingual, glossary)


@pytest.mark.parametrize("question, expected", [
    ("How many credits does Tessel's lip sync cost per clip?", "5 credits"),
    ("How many users did Tessel have within three months of launch?", "2.6 million"),
    ("云图累计生成了多少个视频？", "1.68亿"),
    ("云图的付费用户有多少？", "120万"),
])
def test_the_articles_facts_are_answered(pages, question, expected):
    answer = pages.ask(question)
    assert answer.answered and expected in answer.answer, answer.answer


@pytest.mark.parametrize("question", [
    "How much does Tessel's Pro plan cost per month?",  # only in a related-article link and a comment
    "How much does Weft's Pro plan cost?",  # only in the newsletter box
    "云图的年收入是多少？",  # only in the related-reading list
    "云图的月活用户有多少？",
])
def test_page_furniture_is_never_an_answer(pages, question):
    answer = pages.ask(question)
    assert not answer.answered and answer.citations == [], answer.answer


def test_metadata_of_a_chinese_news_page(pages):
    who = pages.ask("这篇关于云图新版本的文章的作者是谁？")
    assert who.answered and "张三" in who.answer
    where = pages.ask("这篇关于云图新版本的文章是哪家媒体发表的？")
    assert where.answered and "织锦网" in where.answer
    assert all("免责声明" not in c.quote and "责任编辑" not in c.quote for c in who.citations + where.citations)


def test_quotes_are_the_served_texts_own_spans(pages):
    for question in ("How many credits does Tessel's lip sync cost per clip?", "云图累计生成了多少个视频？"):
        citations = pages.ask(question).citations
        assert citations
        for citation in citations:
            _, text = pages.document(citation.doc_id)
            assert text[citation.start:citation.end] == citation.quote


def test_a_paragraph_opening_with_the_winner_continues_the_one_before(pages):
    answer = pages.ask("Who won the Weft Creator Contest?")
    assert answer.answered and "Ivo Brandt" in answer.answer, answer.answer
