"""What a question asks for: its type, the names it mentions and its weighted content terms."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag import quantities
from rag.aliases import Glossary
from rag.lexical import STOPWORDS, terms
from rag.periods import asks_latest, without_periods
from rag.text import has_cjk

_TYPES = [  # (type, English pattern, Chinese pattern); money is checked before number
    ("money", r"\bhow much money\b|\b(how much|what|which)\b.*\b(pay|paid|cost|costs|price|fee|fees|spend|spent|"
              r"revenue|prize|budget|invest|investment|income|earn|earned|payments?|subscription|charge|profits?|"
              r"sales|earnings|turnover|expenses?|expenditures?|spending)\b|"
              r"\b(pay|paid|cost|price|fee|spend|spent|revenue|prize|budget|payments?)\b.*\bhow much\b",
     # a money word asks for an amount only with a how-much word ("价格走势" is a trend, not a price)
     r"多少钱|^(?=.*(?:多少|几))(?:.*(?:(?<!付)费用|价格|收入|营收|利润|奖金|花费|投入|订阅费|年费|月费|预算|开支|支出|开销|成本))"),
    ("number", r"\bhow (many|much|long|big|large|old|high)\b|\bwhat (percentage|percent|share|proportion|number|"
               r"amount|price|fee|cost|revenue|sum|figure)\b|\bhow many times\b|\bhow much\b|"
               r"\bwhat (?:[a-z]+ )?(?:percentage|percent|share|proportion)\b|"
               r"\bwhat (?:(?:is|are|was|were) )?(?:the |its |their )?(?:maximum|minimum|max|min|longest|shortest)\b",
     r"多少|(?<![第哪])几|多大|多长|多久|多高|百分之"),  # 第几 asks for a rank, 哪几 for which ones: not a count
    ("title", r"\b(which|what)\b(?!.*\b(how|why)\b).*\b(drama|dramas|film|films|movie|movies|book|paper|song|show|"
              r"series|title|article|short film)\b|\btitled?\b", r"标题|题目"),
    # "when" asks for a date as the question word ("When did..", "since when have"), not in a clause ("..when it
    # launched?", "..when pitching X?")
    ("year", r"\b(what|which) year\b|^\W*(since )?when\b(?![^?]*,[^?]*\b(what|which|who|whom|how|where|why)\b)|\bwhen (did|does|do|is|was|were|will|would|has|have|had|"
             r"can|could|are)\b|\bwhat date\b|\bwhat month\b", r"哪一年|哪年|何时|什么时候|哪个月"),
    ("person", r"^\s*(who|whom)\b|\bwho (won|is|was|founded|described)\b|\b(which|what) ([a-z-]+ )?(person|people|"
               r"developer|founder|ceo|executive|winner|author|judge|designer|creator|student|artist|researcher|"
               r"investor|analyst|director|engineer)s?\b", r"谁"),
    ("list", r"\b(which|what|name|list) (the )?(two|three|four|five|six|\d+)\b|\blist\b|\bname the\b", r"哪两|哪几|哪些"),
    ("compare", r"\bcompared?\b|\bcomparison\b|\bversus\b|\bvs\.?\b|\bdifferences?\b|\bdiffer\b|\bgap\b|"
                r"\b(more|less|fewer|bigger|larger|higher|lower|better|worse|ahead|behind|most)\b.*\bor\b|\bthan\b|"
                r"\bwhich (one )?(has|is|was|did|does|had)\b.*\bor\b", r"比较|对比|区别|差距|还是|更多|更高"),
    ("why", r"^\s*why\b|\bwhat (is|was) the reason\b|\bfor what reason\b", r"为什么|为何|原因"),
]
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?%?|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|"
                     r"hundreds|thousand|thousands|million|millions|billion|dozen|half|double|triple)\b|"
                     r"[一二三四五六七八九十两几数]+[十百千万亿]+", re.IGNORECASE)
_MONEY = re.compile(r"[$¥€£]\s?\d|\b(?:RMB|CNY|USD|HKD|US\$|HK\$|EUR)\s?\d|[\d一二三四五六七八九十两百千万亿.,]+\s*[万亿]?\s*(?:元|美元|人民币|美金|港元|港币|欧元|日元|英镑)|\b(\d[\d,.]*|one|two|three|five|ten|twenty|fifty|hundred|hundreds)(\s+(of\s+)?"
                    r"(thousand|thousands|million|millions|billion|billions))?(\s+of)?\s+(yuan|dollars?|usd|rmb|euros?|hkd|yen|pounds)\b",
                    re.IGNORECASE)
# digits bounded by non-digits, not \b: in "在2024年7月" the Chinese characters are word characters too
_YEAR = re.compile(r"(?<![\d.])(19|20)\d{2}(?![\d.]?\d)|\b(January|February|March|April|May|June|July|August|September|"
                   r"October|November|December)\b|\b(this|next|last) year\b|(?<!\d)\d{1,2}月|[今去明前]年|同年|当年",
                   re.IGNORECASE)
_YEAR_ONLY = re.compile(r"(19|20)\d{2}")
_TITLE = re.compile(r"(?<![A-Za-z])['\"“‘][^'\"”’\n]{3,100}?[,.]?['\"”’](?![A-Za-z])")
# A run of capitalized words; a person's name is a run of exactly two or three of them, not part of a
# longer title (an event or organization name).
_PERSON = re.compile(r"(?<![\w'’])(?:[A-Z][\w'’-]*)(?:\s+[A-Z][\w'’-]*)+")
_ORG_WORDS = frozenset(["academy", "art", "arts", "university", "institute", "college", "school", "conference", "times", "tower", "business", "group", "inc", "ltd", "llc", "company", "corporation", "corp", "market", "platform", "assistant", "model", "models", "studio", "studios", "lab", "labs", "center", "centre", "design", "news", "report", "awards", "award", "competition", "festival", "team", "ecosystem", "foundation", "bank", "capital", "ventures", "fund", "agency", "association", "council", "ministry", "bureau", "department", "office", "press", "journal", "magazine", "review", "daily", "weekly", "technology", "technologies", "tech", "media", "cloud", "engine", "app", "apps", "store", "video", "ai", "china", "chinese"])
_META = [  # (what the question asks of a document's metadata, English pattern, Chinese pattern)
    # "Which outlet ran the review?", "这篇文章是哪家媒体发表的？" (a site, blog or platform only of a piece: "which site
    # offers X" asks about the world)
    ("publisher", r"\b(which|what)\s+(publication|outlet|media outlet|news outlet|newspaper|magazine|journal|"
                  r"newsletter|publisher)\b.*\b(publish|published|ran|run|carried|printed|reported|posted|covered|"
                  r"wrote|written|article|piece|report|story|post|review|profile|comparison|roundup|round-up|explainer|editorial|op-ed|commentary|tracker|digest|essay|interview|write-up|column)\b|"
                  r"\b(which|what)\s+(site|website|blog|news site|media)\b.*\b(article|piece|report|story|post|"
                  r"review|profile|comparison|roundup|round-up|explainer|editorial|op-ed|commentary|tracker|digest|essay|interview|write-up|column|analysis)\b|\b(article|piece|"
                  r"report|story|post|review|profile|comparison|roundup|round-up|explainer|editorial|op-ed|commentary|tracker|digest|essay|interview|write-up|column|analysis)\b.*\b(publisher|published by|"
                  r"which (site|website|blog|media))\b|\bwho published\b.*\b(article|piece|report|story|post|review|"
                  r"profile|comparison|roundup|round-up|explainer|editorial|op-ed|commentary|tracker|digest|essay|interview|write-up|column|analysis)\b",
     r"(哪家|哪个|哪一家|什么)(媒体|报纸|杂志|刊物|出版社|新闻网站)|(文章|报道|评测|稿件|这篇|本文).*(哪家|哪个|哪一家|什么)"
     r"(网站|网|公众号|平台|博客)|(文章|报道|评测|稿件|这篇|本文).*(来源|出处|来自哪|出自哪)"),
    ("author", r"\bwho (wrote|authored|penned|reported|compiled|edited|is the (author|writer|reporter))\b|\b(author|authors|writer|"
               r"byline|written by|reporter)\b", r"(?<![创工])作者|谁写|撰写|执笔|记者"),  # 创作者 are creators
    ("published", r"\b(when|what date|what day|which date|which day)\b.*\b(published|posted|written|dated|"
                  r"released|come out|came out|appear|appeared)\b.*\b(article|piece|report|post|story|document|"
                  r"profile|comparison|roundup|round-up|explainer|editorial|op-ed|commentary|tracker|digest|essay|review|interview|write-up|blog|analysis|note|brief|page|column)\b|\b(article|piece|"
                  r"report|post|story|document|profile|comparison|roundup|round-up|explainer|editorial|op-ed|commentary|tracker|digest|essay|review|interview|write-up|blog|analysis|note|brief|page|column)"
                  r"\b.*\b(published|posted|written|dated)\b.*\?*$|\bpublication date\b|\bdate of publication\b",
     r"(文章|报道|稿件|文档|分析|评测|简报).*(发布|发表|刊登|写于|日期)|(发布|发表|刊登)(时间|日期)"),
    ("title", r"\b(title|headline|called|titled|named)\b.*\b(article|piece|report|post|story|document|profile|comparison|roundup|round-up|explainer|editorial|op-ed|commentary|tracker|digest|essay|review|"
              r"interview|write-up|blog|analysis|note|brief|page|column)\b|\b(article|piece|report|post|story|"
              r"document|profile|comparison|roundup|round-up|explainer|editorial|op-ed|commentary|tracker|digest|essay|review|interview|write-up|blog|analysis|note|brief|page|column)\b.*\b(title|"
              r"headline|titled|called)\b", r"(标题|题目|题为|名为)"),
]
# "Who reviewed X for <Publication>?": the byline of a piece a publication ran (a name ends the question)
_BYLINE = re.compile(r"(?i:\bwho (reviewed|tested)\b).* for (?:the )?[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*)*\?$")
_ASKS_IDENTITY = re.compile(r"\b(who|whom|whose|name[sd]?|which|byline)\b", re.IGNORECASE)
_DOC_WORDS = re.compile(r"\b(article|piece|report|post|story|document|profile|review|interview|write-up|blog|"
                        r"analysis|note|brief|page|column|byline|roundup|round-up|digest|newsletter)\b|文章|报道|稿件|文档|分析|评测|简报", re.IGNORECASE)
# A version: "2.0", "Model 2.0", "Model-2", "X1"; or a name and a small number ("Model 2"). ASCII look-arounds,
# so a version written straight after Chinese text ("名称3.0") is still one.
_VERSION = re.compile(r"(?<![A-Za-z0-9_.'’])(?:[A-Za-z]+[- ]?)?\d+(?:\.\d+)+[A-Za-z]*(?![A-Za-z0-9_.])|"
                      r"(?<![A-Za-z0-9_.])[A-Za-z]+\d+[A-Za-z\d]*(?![A-Za-z0-9_.])|"
                      r"(?<![A-Za-z0-9_.])[A-Z][A-Za-z]+ \d{1,2}(?![\d.,%:])(?! (?:percent|per|million|billion|thousand))")


def is_person(phrase: str) -> bool:
    """Two or three plain capitalized words, none an organization word."""
    parts = phrase.split()
    if not 2 <= len(parts) <= 3 or not all(re.fullmatch(r"[A-Z][a-z]+", p) for p in parts):
        return False
    return not ({p.lower() for p in parts} & _ORG_WORDS)


def meta_kind(question: str) -> str | None:
    """'author', 'publisher', 'published' or 'title' when a question asks about a document's metadata, else None."""
    chinese = has_cjk(question)
    if _BYLINE.search(question.strip()):
        return "author"
    for kind, english, cjk in _META:
        if re.search(english, question, re.IGNORECASE) or (chinese and re.search(cjk, question)):
            if kind == "author" and not _DOC_WORDS.search(question) and not re.search(
                    r"\bwho (wrote|authored|penned)\b|作者|谁写", question, re.IGNORECASE):
                continue
            if kind == "author" and not chinese and not _ASKS_IDENTITY.search(question):
                continue  # "Does the Brief's writer think ...?" asks the writer's view, not who wrote it
            return kind
    return None


@dataclass
class QuestionInfo:
    """A parsed question."""

    text: str
    kinds: set[str]
    names: list[str]
    terms: list[str]
    chinese: bool
    list_size: int = 0
    entities: list[str] = field(default_factory=list)
    variants: dict[str, list[str]] = field(default_factory=dict)
    versions: list[str] = field(default_factory=list)
    meta: str | None = None
    latest: bool = False
    core: str = ""  # the question without the periods it names
    quantities: list[str] = field(default_factory=list)  # numbers it states as qualifiers ("a ten-second clip")

    def forms(self, entity: str) -> list[str]:
        """The surface forms that count as a mention of an entity (its aliases included)."""
        return self.variants.get(entity, [entity])


_QUESTION_WORDS = frozenset(["what", "who", "whom", "whose", "which", "where", "when", "why", "how", "is", "are", "was", "were", "do", "does", "did", "can", "could", "should", "would", "will", "in", "on", "at", "for", "from", "to", "of", "the", "a", "an", "and", "or", "compare", "according", "name", "list", "tell", "give", "please", "describe", "explain", "summarize", "summarise", "show", "find", "has", "have", "had", "if", "as", "by", "against", "after", "before", "during", "since", "between", "among", "under", "over", "with", "without", "about", "across", "per", "via", "into", "onto", "upon", "than", "while", "whereas", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
_OPENERS = frozenset(["besides", "apart", "aside", "beyond", "despite", "unlike", "like", "including", "regarding", "considering", "following", "given", "although", "though", "except", "overall", "roughly", "approximately", "exactly", "currently", "today", "now", "then", "since", "until", "once", "apparently", "reportedly"])
_CALENDAR_WORDS = frozenset(["january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
_PERIOD_OR_NUMBER = re.compile(r"[QH][1-4]|\d[\d.,]*%?|FY\d*", re.IGNORECASE)
_CAPITALIZED = re.compile(r"[A-Z0-9][\w’'-]*(?:\.\d+)*(?:\s+(?:of\s+the\s+|of\s+)?[A-Z0-9][\w’'-]*(?:\.\d+)*)*")


def _first_word(question: str) -> int:
    """Where the question's first word starts."""
    m = re.search(r"\w", question)
    return m.start() if m else 0


_CURRENCY_NOUN = re.compile(r"\s+(?:dollars?|cents?)\b", re.IGNORECASE)


def entities(question: str, names: list[str]) -> list[str]:
    """Names the answer must be about: glossary names plus capitalized phrases of the question."""
    found = list(names)
    for match in _CAPITALIZED.finditer(question):
        parts = [re.sub(r"[’']s$", "", p) for p in match.group().split()]  # "Acme's 3.0 model" is about Acme
        while parts and parts[0].lower() in _QUESTION_WORDS:
            parts = parts[1:]
        if parts and match.start() == _first_word(question) and parts[0].lower() in STOPWORDS | _OPENERS:
            parts = parts[1:]  # "Besides ..." opens the question: a function word, not a name
        parts = [p for p in parts if not all(w in _CALENDAR_WORDS for w in p.lower().split("-"))]
        while parts and _PERIOD_OR_NUMBER.fullmatch(parts[-1]):  # "Acme Q3 2024" is about Acme
            parts = parts[:-1]
        raw = match.group().split()
        if len(parts) >= 2 and len(raw) >= 2 and re.fullmatch(r"[A-Z]{2,3}", raw[-1]) and re.search(
                r"[’']s$", raw[-2]) and re.match(r"\s+[a-z]", question[match.end():]):
            parts = parts[:-1]  # "Tessland's AI video market": an acronym after an owner, before a noun, says what kind
        phrase = " ".join(parts)
        if _CURRENCY_NOUN.match(question, match.end()):
            continue  # "in US dollars", "Hong Kong dollars": a currency, not a name
        if phrase and any(ch.isalpha() for ch in phrase) and phrase.lower() not in _QUESTION_WORDS:
            found.append(phrase)
    return list(dict.fromkeys(found))


# The topic a Chinese question opens with: the words before its first particle or question word
# ("某公司的月费是多少" -> "某公司").
_CJK_SUBJECT = re.compile(r"^\s*([\u3400-\u9fffA-Za-z0-9·.\-]{2,12}?)(?:的|在|是|有|把|对|和|与|跟|为什么|为何|如何|怎么|"
                          r"什么|哪|多少|几|谁|何时|推出|发布|上线)")
# A clause a Chinese question may open with before its topic: a comparison, a source, a time ("与…相比", "据…",
# "…以来", "…时").
_OPENING_CLAUSE = re.compile(r"^\s*(?:与|和|跟|同|对于|关于|除了|据|根据|按照|随着|自从)|(?:相比|以来|之后|以后|之前|以前|时|期间)\s*$")
# A question opening with where, when or to whom something happens ("在印尼…", "让…", "对…") names a setting first.
_CJK_SETTING = re.compile(r"^(在|于|当|从|自|让|被|把|对|向|给)")
_CJK_PLACE_WORD = re.compile(r"[中里上内时后前间]$")
_CJK_NOW = re.compile(r"目前|现在|如今|当前|眼下")
_CJK_QUESTION_START = re.compile(r"^(这|那|哪|什么|谁|为什么|为何|如何|怎么|请|我|你|是否|有没有|目前|现在|最新)")


def chinese_subject(question: str) -> str:
    """The name a Chinese question is about when it opens with one ("星河影像的月费是多少？" -> "星河影像"), else ""."""
    if not has_cjk(question):
        return ""
    text = _CJK_NOW.sub("", without_periods(question))  # "星河现在的价格": 星河, not 星河现
    opening, comma, rest = text.partition("，")
    if comma and rest.strip() and _OPENING_CLAUSE.search(opening):  # "与…相比，X在…": a clause, then the topic
        text = rest
    m = _CJK_SUBJECT.match(text)
    if not m or _CJK_QUESTION_START.match(m.group(1)) or not has_cjk(m.group(1)) or _CJK_SETTING.match(m.group(1)):
        return ""
    if len(terms(m.group(1))) > 3 or _CJK_PLACE_WORD.search(m.group(1)):  # a clause ("中国海藻养殖主要集中在..."), or
        return ""  # where or when something is ("评测中", "榜单上"), not a name
    return m.group(1)


_ASKS_CAUSE = re.compile(r"\bwhat (determines|decides|affects|drives|causes|explains|sets)\b", re.IGNORECASE)
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "两": 2, "三": 3, "四": 4, "五": 5}


def analyse(question: str, glossary: Glossary) -> QuestionInfo:
    """Type, canonical names, entities, time and content terms of a question."""
    chinese = has_cjk(question)
    kinds = {kind for kind, english, cjk in _TYPES
             if re.search(english, question, re.IGNORECASE) or (chinese and re.search(cjk, question))}
    names = glossary.canonical_names(question)
    if "compare" in kinds and len(names) >= 2:
        kinds.discard("person")  # "Who has more users, A or B?" compares A and B
    if _ASKS_CAUSE.search(question):
        kinds -= {"number", "money"}  # "what determines how much it costs" asks for a cause, not an amount
    # Chinese text between Latin names separates them ("A和B" names A and B, not "A B")
    english = re.sub(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+", " | ", question) if chinese else question
    translated = glossary.translate_terms(question) if chinese else []
    core = without_periods(question)  # what is asked apart from when: periods are matched by their own signals
    content = terms(glossary.rewrite(core)) + [t for n in names for t in terms(n)] + \
        [t for w in translated for t in terms(w)]
    size = 0
    match = re.search(r"\b(two|three|four|five|six|\d)\b|[两三四五]", question, re.IGNORECASE)
    if "list" in kinds and match:
        size = int(match.group()) if match.group().isdigit() else _COUNT_WORDS.get(match.group().lower(), 0)
    found = entities(glossary.rewrite(english), names)
    versions = [m.group() for m in _VERSION.finditer(glossary.rewrite(question))
                if not re.fullmatch(r"[Qq][1-4]|[Hh][12]|FY\d+", m.group())
                and m.group().split()[0].lower() not in _QUESTION_WORDS | _CALENDAR_WORDS]
    variants = {n: glossary.forms(n) for n in names}
    return QuestionInfo(question, kinds, names, list(dict.fromkeys(content)), chinese, size, found, variants,
                        versions, meta_kind(question), asks_latest(question), core, quantities.asked(question, versions))


_CURRENCIES = [  # (currency, its marks); the first that matches names it ("美元" before "元", "HK$" before "$")
    ("HKD", re.compile(r"HK\$|HKD|港元|港币|\bhong kong dollars?\b", re.IGNORECASE)),
    ("USD", re.compile(r"US\$|\$|USD|美元|美金|\bdollars?\b", re.IGNORECASE)),
    ("EUR", re.compile(r"€|EUR|欧元|\beuros?\b", re.IGNORECASE)),
    ("GBP", re.compile(r"£|GBP|英镑|\bpounds? sterling\b", re.IGNORECASE)),
    ("CNY", re.compile(r"¥|RMB|CNY|人民币|元|\byuan\b|\brenminbi\b", re.IGNORECASE)),
]


def currency(text: str) -> str | None:
    """The currency a text (a question or an amount) names, if any."""
    return next((code for code, mark in _CURRENCIES if mark.search(text)), None)


def typed_matches(info: QuestionInfo, text: str) -> list[tuple[int, int]] | None:
    """Spans of what the question asks for (a number, year or name) that the question does not already say;
    None when the question's type sets no constraint."""
    asked = info.text.lower()
    if "list" in info.kinds and info.list_size >= 2:
        separators = list(re.finditer(r",\s+(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|、|和", text))
        return [m.span() for m in separators] if len(separators) >= info.list_size - 1 else []
    for kind, pattern in (("money", _MONEY), ("number", _NUMBER), ("year", _YEAR), ("person", _PERSON),
                          ("title", _TITLE)):
        if kind in info.kinds:
            spans = [m for m in pattern.finditer(text) if m.group().lower() not in asked]
            if kind in ("money", "number"):  # a year, a day of a month or a version is not how many
                spans = [m for m in spans if _is_quantity(text, m)]
            if kind == "person":
                spans = [m for m in spans if is_person(m.group())]
            wanted = currency(info.text) if kind == "money" else None
            if wanted:  # "how much in dollars?": an amount in another currency does not say
                return [m.span() for m in spans if currency(m.group()) == wanted]
            if kind == "money" and not spans:  # a price may be in credits or points: a number stated as a price
                spans = [m for m in _NUMBER.finditer(text) if m.group() and m.group().lower() not in asked
                         and _is_quantity(text, m) and _priced(text, m)]
            return [m.span() for m in spans]
    return None


_DAY_OF_MONTH = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
                           r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+$")


# Words that state a price ("costs 100 credits", "100 credits per clip", "消耗20灵感值"): general pricing vocabulary
_PRICING = re.compile(r"\b(cost|costs|costing|charges?|charged|charging|price[sd]?|pricing|pay|pays|paying|fees?)\b|"
                      r"消耗|收费|价格|售价|定价|(?<!付)费用(?!户)|花费", re.IGNORECASE)  # 付费用户 holds 费用 but is "paying users"


def _priced(text: str, match: re.Match, reach: int = 30, reach_cjk: int = 12) -> bool:
    """True when a number is stated as a price: a pricing word within a few words of it."""
    near = reach_cjk if has_cjk(text) else reach
    return _PRICING.search(text[max(0, match.start() - near):match.end() + near]) is not None


_NAMED_VERSION = re.compile(r"(?:\b[A-Z][a-z]+[- ]?|\bversion |\bv\.?)$")


def _is_quantity(text: str, match: re.Match) -> bool:
    """False for a number that is a year, a month or the day of a month ("April 27", "4月"): when, not how many."""
    value = match.group()
    if re.match(r"\s*[月日号]", text[match.end():]):  # "4月", "15日": a month or a day
        return False
    if "." in value and _NAMED_VERSION.search(text[:match.start()]):  # "Acme 2.1", "version 2.1": which, not how many
        return False
    return not (_YEAR_ONLY.fullmatch(value) or re.fullmatch(r"\d{1,2}", value) and _DAY_OF_MONTH.search(
        text[:match.start()]))


def answer_type_matches(info: QuestionInfo, text: str) -> bool | None:
    """Whether a sentence holds what the question asks for (None when the type sets no constraint)."""
    spans = typed_matches(info, text)
    return None if spans is None else bool(spans)
