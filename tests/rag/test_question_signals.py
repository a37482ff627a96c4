"""Question signals that carry to unseen documents: stated aliases, answer types, qualifier numbers, periods."""
from __future__ import annotations

import pytest

from rag.aliases import Glossary
from rag.namepairs import mine
from rag.question import analyse, chinese_subject


@pytest.mark.parametrize("text, pair", [
    ("The studio's app Orla (Brightframe) added sound.", ("Orla", "Brightframe")),
    ("Tessel, known abroad as Weft, is a loom maker.", ("Tessel", "Weft")),
    ("Tessel, formerly Loomly, is a loom maker.", ("Tessel", "Loomly")),
    ("创始人Marlo Venn（马洛）表示", ("马洛", "Marlo Venn")),
    ("Chief executive Marlo Venn (马洛) said so.", ("Marlo Venn", "马洛")),
    ("星图（Stellar）在去年上线", ("星图", "Stellar")),
    ("Colours are stored as RGB (Red Green Blue) triples.", ("RGB", "Red Green Blue")),
])
def test_stated_aliases_are_mined(text, pair):
    assert pair in mine([text + " chief executive said the studio."]) or pair[::-1] in mine([text])


@pytest.mark.parametrize("text", [
    "class Reader(BaseReader): pass",  # code, not an alias
    "It was shown at an event in Shenzhen (and online).",  # not a name in the parentheses
    "The plan (Standard) costs more; the standard plan is cheap.",  # a word the text writes in lower case
    "Trades as KTX (1024.HK) in Hong Kong.",  # a ticker
    "The ID (TID) of a thread.",  # two acronyms
    "A NOP (Operation) byte.",  # an acronym that does not abbreviate the words
    "3. Tessel 2.1 Master (Loomly) ........ 1221",  # the maker of "Tessel 2.1 Master", not another name for Master
])
def test_what_is_not_an_alias(text):
    assert mine([text]) == []


def test_mined_pairs_join_the_glossary_entry_they_touch():
    glossary = Glossary({"Tessel": ["特塞尔"]}).with_pairs([("Tessel", "Weft"), ("Orla", "Brightframe")])
    assert glossary.forms("Tessel") == ["Tessel", "特塞尔", "Weft"]
    assert glossary.canonical_names("How big is Weft?") == ["Tessel"]
    assert glossary.canonical_names("Who runs Brightframe?") == ["Orla"]
    assert Glossary().with_pairs([]).entries == {}


def test_question_types_in_chinese_dates_and_clauses():
    from rag.question import answer_type_matches

    when = analyse("可灵的国际版是什么时候推出的？", Glossary())
    assert answer_type_matches(when, "可灵在2024年7月推出国际版之后，海外用户增多。")
    assert not answer_type_matches(when, "可灵推出国际版之后，海外用户增多。")
    assert "year" not in analyse("Where was the app unavailable when it launched?", Glossary()).kinds
    assert "year" not in analyse("What did the firm focus on when pitching it?", Glossary()).kinds
    assert "year" in analyse("Since when have users had to pay?", Glossary()).kinds
    assert "money" not in analyse("业内人士怎么看两家今后一年的价格走势？", Glossary()).kinds
    assert "money" in analyse("云图的年费是多少？", Glossary()).kinds


def test_a_chinese_clause_is_not_a_subject_name():
    assert chinese_subject("星河影像的付费用户有多少？") == "星河影像"
    assert chinese_subject("中国海藻养殖主要集中在哪些省份？") == ""


def test_a_chinese_question_opening_with_where_or_to_whom_names_a_setting_not_a_subject():
    assert chinese_subject("在印尼和菲律宾让海藻绝收的病和什么有关？") == ""
    assert chinese_subject("对外开放的模型有哪些？") == ""
    assert chinese_subject("评测中哪个模型的音频更干净？") == ""  # "in the review": where, not who
    assert chinese_subject("星河目前的月活跃用户有多少？") == "星河"  # "now" is not part of the name
    assert chinese_subject("星河现在的价格是多少？") == "星河"


@pytest.mark.parametrize("text, clash", [
    ("Seed团队成立于2023年，早期由朱文佳负责。", True),  # how it stood early on
    ("目前Seed团队由吴永辉统一负责。", False),
    ("The team was originally led by Ann Lee, and is now run by Bo Chen.", False),
    ("The team is run by Bo Chen.", False),
])
def test_a_sentence_about_how_things_stood_before_does_not_answer_now(text, clash):
    from rag.features import Evidence, period_signals
    ev = Evidence(key=0, doc_id="d", text=text, date="2025-07-01", doc_text=text)
    assert period_signals(analyse("星河的Seed团队现在归谁管？", Glossary({})), ev) == (False, clash)
    assert period_signals(analyse("Who runs the Seed team now?", Glossary({})), ev) == (False, clash)


def test_numbers_a_question_qualifies_with_must_be_in_the_passage():
    from rag import quantities

    info = analyse("How many credits does a ten-second clip cost in Orla 2.0's top tier?", Glossary())
    assert info.quantities == ["10"]  # not the version's 2.0
    assert quantities.missing(info.quantities, "A five-second clip in the top tier costs 100 credits.")
    assert not quantities.missing(info.quantities, "A ten-second clip in the top tier costs 200 credits.")
    assert not quantities.missing(info.quantities, "一段10秒的视频消耗200积分。")
    assert analyse("云图生成一段十五秒1080p视频要多少积分？", Glossary()).quantities == ["1080"]
    assert "15" in quantities.values("一段十五秒的视频")
    for question in ("What did Orla earn in Q3 2024?", "What happened on March 5?", "What did Gen-4 score?",
                     "How many users did it have at the 2.0 launch?", "Which three things did it show?"):
        assert analyse(question, Glossary()).quantities == [], question


def test_a_sentence_naming_no_period_speaks_of_its_documents_time():
    from rag.periods import Period, doc_period, superseded

    may_2025 = doc_period("2025-05-28")
    assert superseded([Period(2024, "quarter", 2)], may_2025)
    assert superseded([Period(2023)], may_2025)
    assert not superseded([Period(2025, "quarter", 1)], may_2025)  # the quarter a May report covers
    assert not superseded([Period(2024)], may_2025)  # the last full year
    assert not superseded([Period(2024, "quarter", 3)], doc_period("2024-11-20"))
    assert not superseded([Period(2024, "quarter", 2)], doc_period("2024"))  # a year alone says too little
    assert not superseded([], may_2025)


def test_dates_and_which_date_states_another_more_fully():
    from rag.periods import dates, refines

    assert dates("On April 15, a couple of weeks after the quarter closed") == [(None, 4, 15)]
    assert dates("a launch event on April 15, 2025, in Beijing") == [(2025, 4, 15)]
    assert dates("opened on 9 December 2024") == [(2024, 12, 9)]
    assert dates("2025年6月11日，发布了新模型") == [(2025, 6, 11)]
    assert dates("it may launch; market share rose") == []  # "may" and "Mar-ket" are not months
    assert refines((None, 4, 15), (2025, 4, 15)) and refines((2024, 12, None), (2024, 12, 9))
    assert not refines((2024, 12, None), (2024, 11, 9)) and not refines((2024, None, None), (2024, None, None))


def test_creators_are_not_authors_and_a_paragraph_is_not_a_dateline():
    from rag.metadata import _dateline

    assert analyse("为什么不少创作者改用新版本？", Glossary()).meta is None
    assert analyse("这篇文章的作者是谁？", Glossary()).meta == "author"
    text = "Title\n\n云图的迭代节奏很快。2025年1月，新版本上线，画面更稳定，价格也下调了不少，用户增长明显。\nBeijing, March 2, 2025\n"
    start, end = _dateline(text, "2025-03-02")
    assert text[start:end] == "Beijing, March 2, 2025"
    assert _dateline("Title\n\n2024年，云图上线。\n", "2025-03-02") is None


def test_the_same_fact_in_another_language_is_compared_by_soft_coverage():
    from types import SimpleNamespace

    from rag.conflicts import same_fact

    def scored(text, **row):
        return SimpleNamespace(sentence=SimpleNamespace(text=text), row={"type_match": 1.0, **row})

    info = analyse("How much does the basic plan cost per month?", Glossary())
    best = scored("The basic plan costs 69 yuan a month.", cover=0.8, soft_cover=0.9, focus_near=1.0)
    chinese = scored("基础会员的单月价格为79元。", cover=0.0, soft_cover=0.85, focus_near=0.0)
    assert same_fact(info, best, chinese)  # no shared words, but it says the same thing
    assert not same_fact(info, best, scored("基础会员很受欢迎。", cover=0.0, soft_cover=0.3, focus_near=0.0))
    assert not same_fact(info, best, scored("The plan is popular.", cover=0.2, soft_cover=0.9, focus_near=0.0))


def test_chinese_text_separates_latin_names():
    info = analyse("火山云在哪个城市发布了Orla和Weft？", Glossary({}))
    assert "Orla" in info.entities and "Weft" in info.entities and "Orla Weft" not in info.entities


@pytest.mark.parametrize("acronym, text, expected", [
    ("EU", "It is not available in the European Union yet.", True),
    ("WHO", "The World Health Organization said so.", True),
    ("UK", "Sold in the United States and Kenya.", False),  # initials of two runs, not one
    ("EU", "Every user is European.", False),
])
def test_acronyms_are_found_written_out(acronym, text, expected):
    from rag.mentions import spells_out
    assert spells_out(acronym, text) is expected


def test_a_word_continuing_the_asked_name_is_not_someone_else():
    from rag.mentions import rival, terms_of
    info = analyse("What did Tessel and Loomly launch?", Glossary({}))
    title = "Tessel 2.0 Master arrives with a new look"
    assert not rival(info, title, terms_of(title))
    other = "Only Weft arrives with a new look"
    assert rival(info, other, terms_of(other))


def test_the_source_of_a_document_lends_its_name():
    from rag.features import Evidence
    from rag.mentions import borrowable, terms_of
    info = analyse("Why did Tessel wait, according to The Loom Ledger?", Glossary({}))
    text = "Tessel waited for better motion."
    ev = Evidence(key=0, doc_id="d", text=text, doc_text=text, source_names="Ada Reyes; The Loom Ledger")
    found, _ = borrowable(info, ev, terms_of(text))
    assert {"loom", "ledger"} <= found


@pytest.mark.parametrize("text, expected", [
    ("revenue for the three months ended September 30, 2024", ("quarter", 3, 2024)),
    ("profit for the six months ended 30 June 2025", ("half", 1, 2025)),
])
def test_a_span_of_months_ended_is_the_quarter_or_half_it_closes(text, expected):
    from rag.periods import periods
    found = periods(text)
    assert [(p.kind, p.part, p.year) for p in found] == [expected]


def test_profit_and_sales_ask_for_an_amount():
    assert "money" in analyse("What gross profit did Tessel report?", Glossary({})).kinds
    assert "money" in analyse("特塞尔的净利润是多少？", Glossary({})).kinds


def test_an_answer_in_the_other_language_also_quotes_one_in_the_askers_language():
    from types import SimpleNamespace

    from rag.answer import Scored, _in_question_language

    def scored(text, cover):
        row = {"type_match": 1.0, "soft_cover": cover, "cover": cover}
        return Scored(None, SimpleNamespace(text=text), 0.9, 0, len(text), text, None, row)

    info = analyse("特塞尔在柏林招聘了多少名工程师？", Glossary({}))
    english, chinese = scored("Tessel hired 35 engineers in Berlin.", 1.0), scored("特塞尔在柏林招聘了35名工程师。", 0.9)
    assert _in_question_language(info, english, [english, chinese]) is chinese
    assert _in_question_language(info, chinese, [chinese, english]) is None  # already in the asker's language
    unrelated = scored("特塞尔总部位于柏林。", 0.3)
    assert _in_question_language(info, english, [english, unrelated]) is None  # not the same fact


@pytest.mark.parametrize("qid, group", [("doc-07", "doc"), ("t2-doc-07", "doc"), ("t3-two-part-01", "two-part"),
                                        ("x12", "x"), ("xa-03", "xa")])
def test_cross_validation_groups_questions_by_document_whatever_their_batch(qid, group):
    from rag.fit import document_group
    assert document_group({"id": qid}) == group


@pytest.mark.parametrize("question, kind, asked", [
    ("When Tessel first launched, inside what kind of app was it offered?", "year", False),  # a clause, then what
    ("When, roughly, did Tessel launch?", "year", True),
    ("What determines how many credits a Tessel clip costs?", "number", False),  # a cause, not an amount
    ("How many credits does a Tessel clip cost?", "number", True),
])
def test_what_a_question_asks_for_is_its_asking_words_not_a_clause(question, kind, asked):
    assert (kind in analyse(question, Glossary({})).kinds) is asked


@pytest.mark.parametrize("question, units", [
    ("How many daily active users did the Tessel app average in Q3?", ["daily", "active", "users"]),
    ("How many Tessel videos can a subscriber make?", ["videos"]),  # names are entities, not what is counted
    ("用户平均每天使用多少分钟？", ["分钟"]),
    ("特塞尔有多少付费用户？", ["付费"]),  # a measure noun: its first two characters
    ("How many people used the Tessel app daily in Q2?", ["people"]),  # the verb ends what is counted
    ("How many registered users does Tessel have?", ["registered", "users"]),
    ("特塞尔拦截了多少次仿冒名人的生成请求？", ["生成"]),  # "X的Y": Y is what is counted
    ("How many users worldwide did Tessel have in April?", ["users"]),  # worldwide says how far, not what
])
def test_what_a_count_question_counts(question, units):
    from rag.quantities import counted
    assert counted(question) == units


def test_what_a_count_question_counts_includes_chinese_measure_nouns():
    from rag.quantities import counted

    assert counted("How many free credits do new Orla users receive each month?") == ["free", "credits"]
    assert counted("云图生成一段视频要消耗多少积分值？") == ["积分"]  # the noun's first two characters
    assert counted("星河团队目前有多少名员工？") == ["员工"]  # after a measure word
    assert counted("星河上线首日有多少用户注册？") == ["用户"]
    assert counted("星河单段视频最长能生成多少秒？") == ["秒"]
    for question in ("星河基础会员每个月多少钱？",  # an amount of money: no counted noun
                     "星河在推出2.0之前更新了多少次？",  # a bare measure word is said many ways ("20 updates")
                     "星河的用户数从多少增长到了多少？",  # a value, not a count of something
                     "星河的用户主要分为哪几类？"):
        assert counted(question) == [], question


def test_words_next_to_numbers_bind_a_counted_noun_to_its_figure():
    from rag.quantities import near_numbers

    priced = near_numbers("New users get free credits each month, and paid plans start at about ten dollars a month.")
    assert "dollars" in priced and "credits" not in priced
    assert "users" in near_numbers("Orla had attracted more than 5 million users since launch.")
    assert "用户" in near_numbers("星河的月活跃用户约为1160万。")
    assert "秒" in near_numbers("标准模式生成一段5秒的视频。")
    assert "users" in near_numbers("Orla has hundreds of millions of users.")
    assert near_numbers("In 2024 users grew fast.") == ""  # a year counts nothing
    assert "秒" not in near_numbers("星河的渲染速度统一为秒级。")  # 一 inside 统一 is not a figure
    assert "秒" not in near_numbers("与2.0版相比，2.1的高品质模式便宜了不少，渲染速度也达到了秒级。")


def test_a_price_in_credits_must_be_stated_as_a_price():
    from rag.question import answer_type_matches

    info = analyse("How much does a clip cost on Orla's top tier?", Glossary({}))
    assert answer_type_matches(info, "A five-second clip on the top tier costs 100 credits.")
    assert answer_type_matches(info, "云图顶级档位生成一段视频消耗100积分。")
    # a count of users is not a price, though the sentence mentions paying further on
    users = "Orla has hundreds of millions of weekly users, and bundling it into a subscription many of them pay for"
    assert not answer_type_matches(info, users + " widens its reach.")


def test_who_reviewed_a_thing_for_a_publication_asks_for_a_byline():
    from rag.question import meta_kind

    assert meta_kind("Who reviewed Orla for Frame Weekly?") == "author"
    assert meta_kind("Who tested Orla 2.0 for The Loom Ledger?") == "author"
    not_bylines = ("Who reviewed the budget?", "Who tested the model for safety?", "Who reviewed it for me?",
                   "Who reviewed the report for me?", "Who tested Orla for China's regulators?")
    for question in not_bylines:
        assert meta_kind(question) is None, question


def test_the_source_of_a_document_keeps_a_sentence_from_counting_as_about_someone_else():
    from rag.mentions import rival, terms_of
    info = analyse("Why had Tessel led the charts, according to The Loom Ledger?", Glossary({}))
    text = "Before this, Weft's models lagged behind Tessel in motion quality."
    assert rival(info, text, terms_of(text))  # Loom Ledger is not in the sentence, Weft is
    assert not rival(info, text, terms_of(text), "Ada Reyes; The Loom Ledger")  # the document is the Ledger's


def test_a_word_opening_a_sentence_inside_a_text_is_not_a_name():
    from rag.mentions import rival, terms_of
    info = analyse("What does Tessel Pro give you?", Glossary({}))
    title = "Tessel is finally here. Here is what you get"
    assert not rival(info, title, terms_of(title))
    assert rival(info, "Tessel is here, and Weft is not", terms_of("Tessel is here, and Weft is not"))


def test_names_in_an_apposition_describe_and_need_not_be_named():
    from rag.mentions import all_missing, missing_share, terms_of
    info = analyse("Who is in charge of Tessel, the Chinese counterpart of Weft?", Glossary({}))
    text = "Ada Reyes moved to lead Tessel and its AI products."
    assert missing_share(info, terms_of(text), text) == 0.0
    other = "Ada Reyes moved to lead Weft and its AI products."
    assert all_missing(info, terms_of(other), other)  # the described name is still required


@pytest.mark.parametrize("text, expected", [
    ("The Plus plan costs $20 a month.", {"month"}),
    ("An annual plan brings the cost down.", {"year"}),
    ("Billed yearly, it is $96 (or $10/mo).", {"year", "month"}),
    ("黄金会员的月费为66元。", {"month"}),
    ("连续包年则更便宜。", {"year"}),
    ("The basic plan costs 69 yuan.", set()),
])
def test_the_period_a_price_is_given_per(text, expected):
    from rag.quantities import rates
    assert rates(text) == expected


def test_how_long_ago_is_not_a_rate():
    from rag.quantities import rates
    assert rates("Revenue rose 11% from a year earlier, and the app has been live for 一年.") == frozenset()
    assert rates("上线一年以来，价格为66元。") == frozenset()


def test_a_sentence_before_about_someone_else_does_not_stop_the_title_lending():
    from rag.features import Evidence
    from rag.mentions import borrowable, terms_of
    info = analyse("What mark does every Tessel video carry?", Glossary({}))
    before = "Its maker, Loomly, placed limits on uploads of real people."
    text = "Every video carries a visible watermark."
    doc = f"Tessel is here. {before} {text} Users of Tessel like it. Tessel costs $5."
    ev = Evidence(key=0, doc_id="d", text=text, before=before, title="Tessel is finally here", doc_text=doc)
    found, _ = borrowable(info, ev, terms_of(text))
    assert "tessel" in found and "loomly" not in found
    pronoun = "It carries a visible watermark."  # "it" is what the sentence before named: nothing is lent
    ev = Evidence(key=0, doc_id="d", text=pronoun, before=before, title="Tessel is finally here", doc_text=doc)
    found, _ = borrowable(info, ev, terms_of(pronoun))
    assert "tessel" not in found


@pytest.mark.parametrize("question, expected", [
    ("What monthly revenue had Tessel passed, according to its chief in November 2024?", (True, False)),
    ("What monthly revenue did Tessel pass in the fourth quarter of 2024?", (False, True)),
    ("What monthly revenue did Tessel pass in November 2024?", (False, True)),  # the month's figure, not a saying
])
def test_a_document_dated_in_the_asked_month_speaks_for_it_when_only_its_title_names_a_period(question, expected):
    from rag.features import Evidence, period_signals
    text = "The chief said monthly revenue had passed RMB 10 million."
    ev = Evidence(key=0, doc_id="d", text=text, title="Loomly's third quarter: a first look at Tessel",
                  date="2024-11-21", doc_text=text)
    assert period_signals(analyse(question, Glossary({})), ev) == expected


@pytest.mark.parametrize("question, expected", [
    ("How many daily users did Tessel have in the second quarter of 2025?", (True, False)),  # the title's quarter
    ("How many daily users did Tessel have in the first quarter of 2025?", (True, False)),  # the compared one
    ("How many daily users did Tessel have in the third quarter of 2024?", (False, True)),
    ("特塞尔2025年第二季度的日活跃用户是多少？", (True, False)),
])
def test_a_period_a_figure_is_compared_with_is_not_the_sentences_own(question, expected):
    from rag.features import Evidence, period_signals
    text = "Daily users reached 409.1 million in the quarter, up from 408.0 million in Q1 2025."
    ev = Evidence(key=0, doc_id="d", text=text, title="Loomly Q2 2025: Tessel grows", date="2025-08-21",
                  doc_text=text)
    assert period_signals(analyse(question, Glossary({})), ev) == expected
    chinese = "日活跃用户为4.09亿，较2025年第一季度的4.08亿略有增长。"
    ev = Evidence(key=0, doc_id="d", text=chinese, title="Loomly Q2 2025: Tessel grows", date="2025-08-21",
                  doc_text=chinese)
    assert period_signals(analyse(question, Glossary({})), ev) == expected


def test_a_title_lends_a_name_the_document_is_about_whichever_of_its_forms_the_question_used():
    from rag.features import Evidence
    from rag.mentions import borrowable, terms_of
    info = analyse("What does Keling's lip sync feature cost?", Glossary({"Keling": ["Kling", "可灵"]}))
    text = "The feature costs 5 credits per clip."
    doc = f"Kling adds lip sync. Users of Kling can now sync lips. {text} Fans of Kling like it."
    ev = Evidence(key=0, doc_id="d", text=text, title="Kling adds lip sync", section="Kling adds lip sync",
                  doc_text=doc)
    found, _ = borrowable(info, ev, terms_of(text))
    assert "kling" in found


@pytest.mark.parametrize("question, required", [
    ("According to the Tessel Master article, when did Loomly open Weft to everyone?", ["Loomly", "Weft"]),
    ("What does the Loom Ledger writer think of Weft?", ["Weft"]),
    ("According to the Tessel anniversary article, which Tessel version added 4K?", ["Tessel", "4K"]),
])
def test_a_name_describing_the_document_or_its_writer_need_not_be_in_the_answer(question, required):
    from rag.mentions import _required
    assert _required(analyse(question, Glossary({}))) == required


def test_paying_users_is_not_a_price():
    from rag.question import answer_type_matches
    info = analyse("云图的年收入是多少？", Glossary({}))
    assert answer_type_matches(info, "据介绍，云图累计生成视频超过1.68亿个，付费用户超过120万。") is False
    assert answer_type_matches(info, "云图去年的收入为5亿元。") is True


@pytest.mark.parametrize("text, other", [
    ("2025年6月，字节跳动发布Tessel 1.0，可生成1080p视频。", True),  # its own version, whatever the title says
    ("Tessel 1.0 made 1080p clips.", True),
    ("Tessel 2.0 makes 1080p clips, up from 720p in Tessel 1.0.", False),  # the asked version is there too
    ("The model makes 1080p clips.", False),  # no version of its own: the title may lend one
    ("Loomly 1.0 made 1080p clips.", False),  # another name's version
])
def test_a_sentence_naming_another_version_of_the_asked_name_is_about_that_version(text, other):
    from rag.mentions import other_version
    assert other_version(analyse("Can Tessel 2.0 output 4K video?", Glossary({})), text) is other


@pytest.mark.parametrize("title, lends", [
    ("Loomly's 2024 results: Tessel moves from demo to revenue", True),  # the title's owner speaks for the text
    ("Tessel and Loomly: a year of video", False),  # only named, and mostly not what the text is about
])
def test_a_title_opening_with_a_possessive_name_lends_it(title, lends):
    from rag.features import Evidence
    from rag.mentions import borrowable, terms_of
    info = analyse("What was Loomly's total revenue in 2023?", Glossary({}))
    text = "Total revenue for 2024 rose 11.8% to RMB 126.9 billion, compared with RMB 113.5 billion in 2023."
    doc = f"{title}\n{text} Sales of Tessel grew, as users of Tessel made more with Tessel and paid for Tessel."
    ev = Evidence(key=0, doc_id="d", text=text, title=title, doc_text=doc)
    found, _ = borrowable(info, ev, terms_of(text))
    assert (terms_of("Loomly") <= found) is lends


def test_a_name_in_what_a_question_asks_for_is_not_a_name_the_answer_must_repeat():
    from rag.mentions import all_missing, terms_of
    info = analyse("What Elo rating does Tessel 2.1 Master get on the leaderboard?", Glossary({}))
    text = "The closest race is for third place: Tessel 2.1 Master scores 1221 and Loomly 02 scores 1218."
    assert not all_missing(info, terms_of(text), text)
    from rag.mentions import missing_share
    assert missing_share(info, terms_of(text), text) == 0.0


@pytest.mark.parametrize("question", ["快手2024年的研发开支是多少？", "星河去年的营销支出有多少？",
                                      "What were Loomly's research and development expenses in 2024?"])
def test_expenses_are_amounts_of_money(question):
    assert "money" in analyse(question, Glossary({})).kinds


@pytest.mark.parametrize("text", ["分部加总后，我们得到78港元的目标价。", "A share now trades at 500 yen.",
                                  "Tickets cost 20 pounds.", "目标价为12欧元。"])
def test_amounts_in_other_currencies_are_amounts(text):
    from rag.question import answer_type_matches
    assert answer_type_matches(analyse("What target price did the brokerage set?", Glossary({})), text) is True


class _View:
    """The parts of an index view `unknown_entity` reads: its vocabulary and its documents' metadata."""

    def __init__(self, vocabulary):
        self.version, self.sentence_lex = "v-unknown-test", type("Lex", (), {"idf": dict.fromkeys(vocabulary, 1.0)})()

    def documents(self):
        return {"d": {"title": "", "authors": []}}


@pytest.mark.parametrize("question, unknown", [
    ("Which executive gave up the Douyin CEO job?", False),  # 抖音 spells Douyin; CEO is written as it is
    ("Which executive gave up the Zorblax CEO job?", True),  # a word no document uses in any script
])
def test_a_name_is_known_when_its_unseen_words_are_spelled_in_a_chinese_document(question, unknown):
    from rag.eligible import unknown_entity
    chinese = "2024年2月，张楠卸任抖音集团CEO，转而专注剪映的发展。"
    info = analyse(question, Glossary({}))
    assert unknown_entity(info, _View(["ceo", "job"]), [chinese]) is unknown


def test_asked_who_a_person_the_sentence_names_is_the_answer_not_someone_else():
    from rag.mentions import rival, terms_of
    info = analyse("Who heads the Tessel Studio unit?", Glossary({}))
    text = "Ada Reyes, who built much of the search stack, heads the unit and reports to Bo Lin."
    assert not rival(info, text, terms_of(text))  # names of people are who is asked for
    other = "Ada Reyes heads the Weft unit."
    assert rival(info, other, terms_of(other))  # another organisation still is someone else
    asked_what = analyse("What does the Tessel Studio unit make?", Glossary({}))
    assert rival(asked_what, text, terms_of(text))  # asked what, a person named instead is someone else


def test_a_definite_head_noun_refers_to_the_asked_name_its_document_spells_out():
    from rag.features import Evidence
    from rag.mentions import all_missing, borrowable, terms_of
    info = analyse("How many entries did Tessel's Short Film Festival receive?", Glossary({}))
    text = "Tessel said the festival received about 6,000 entries."
    doc = "Tessel runs the Short Film Festival every spring. " + text
    ev = Evidence(key=0, doc_id="d", text=text, doc_text=doc, doc_terms=terms_of(doc))
    found, said = borrowable(info, ev, terms_of(text))
    assert not all_missing(info, found, said)  # "the festival" is Tessel's Short Film Festival, named earlier
    elsewhere = Evidence(key=0, doc_id="d", text=text, doc_text=text, doc_terms=terms_of(text))
    found, said = borrowable(info, elsewhere, terms_of(text))
    assert all_missing(info, found, said)  # a document that never names it does not say which festival


@pytest.mark.parametrize("text, other", [
    ("Acme lists Tessel 1.0 Pro at RMB 0.015 per thousand tokens.", True),
    ("根据公布的价格，Tessel 1.0 Pro的输入价格为每千tokens 0.015元。", True),
    ("Tessel 1.0 Lite costs less than Tessel 1.0 Pro.", False),
    ("Tessel 1.0 costs RMB 0.01 per thousand tokens.", False),
])
def test_a_sentence_naming_only_another_edition_is_about_that_edition(text, other):
    from rag.mentions import other_edition
    info = analyse("What is Tessel 1.0 Lite's price per thousand tokens?", Glossary({}))
    assert other_edition(info, text) is other


def test_a_version_number_is_not_how_many():
    from rag.question import answer_type_matches
    info = analyse("How large is Tessel 2.2's parameter count?", Glossary({}))
    assert not answer_type_matches(info, "Tessel 2.1, open-sourced in February, and its successor Tessel 2.2 are popular.")
    assert not answer_type_matches(info, "Since version 2.1 it runs on a single card.")
    assert answer_type_matches(info, "Tessel 2.1 has 14 billion parameters, RMB 0.5 a run.")


def test_a_paragraph_opening_lends_its_name_unless_someone_else_comes_between():
    from rag.features import Evidence
    from rag.mentions import all_missing, borrowable, terms_of
    info = analyse("What is the maximum fine under the Tessel Act?", Glossary({}))
    text = "Breaches can draw fines of up to 15 million euros."
    opening = ("The approach of the union runs through the Tessel Act.", "Its article 50 says deployers must disclose.")
    before = "These duties apply from August 2, 2026."
    ev = Evidence(key=0, doc_id="d", text=text, before=before, earlier=opening)
    found, said = borrowable(info, ev, terms_of(text))
    assert not all_missing(info, found, said)
    between = Evidence(key=0, doc_id="d", text=text, before=before,
                       earlier=(opening[0], "In contrast, the Weft Code applies to platforms."))
    found, said = borrowable(info, between, terms_of(text))
    assert all_missing(info, found, said)  # the paragraph moved on to the Weft Code


def test_a_currency_is_not_a_name():
    info = analyse("How much does Tessel's Premier plan cost per month in US dollars?", Glossary({}))
    assert info.entities == ["Tessel Premier"]  # not "US"


@pytest.mark.parametrize("place, text, said", [
    ("China", "many Chinese apps strip metadata", True), ("Korea", "Korean studios", True),
    ("Japan", "Japanese anime", True), ("Europe", "European rules", True), ("Tessel", "Tessel users", True),
    ("China", "Chinatown shops", False), ("Tessel", "Tesla owners", False),
])
def test_a_place_is_named_by_its_adjective_too(place, text, said):
    from rag.mentions import mentions, terms_of
    assert mentions(place, terms_of(text), text) is said


@pytest.mark.parametrize("question, expected", [
    ("What standard accompanies Tessland's AI content labelling measures?", ["Tessland"]),  # AI says what kind
    ("Who oversees Weft's Tessel AI business unit?", ["Weft Tessel AI"]),  # AI is part of the product's name
    ("What is the Tessel AI Act's maximum fine?", ["Tessel AI Act"]),
])
def test_a_short_acronym_after_an_owner_before_a_noun_is_not_part_of_a_name(question, expected):
    assert analyse(question, Glossary({})).entities == expected


def test_the_head_noun_refers_to_the_last_name_it_ends():
    from rag.features import Evidence
    from rag.mentions import all_missing, borrowable, terms_of
    info = analyse("How much did the Tessel Internet Court award?", Glossary({}))
    text = "The court awarded RMB 30,000 in damages."
    other = "The Tessel Internet Court heard a case in 2024. A year later the Weft Internet Court ruled. "
    ev = Evidence(key=0, doc_id="d", text=text, doc_text=other + text, doc_terms=terms_of(other + text), start=len(other))
    found, said = borrowable(info, ev, terms_of(text))
    assert all_missing(info, found, said)  # "the court" is the Weft one, named last
    same = "The Weft Internet Court ruled in 2024. A year later the Tessel Internet Court heard a case. "
    ev = Evidence(key=0, doc_id="d", text=text, doc_text=same + text, doc_terms=terms_of(same + text), start=len(same))
    found, said = borrowable(info, ev, terms_of(text))
    assert not all_missing(info, found, said)


def test_a_chinese_size_word_and_verb_between_noun_and_figure_do_not_hide_the_noun():
    from rag.quantities import near_numbers
    assert "用户" in near_numbers("特塞尔全球用户规模已超过4500万。")
    assert "用户" not in near_numbers("特塞尔的用户们都很喜欢它生成的4500万个视频。")
