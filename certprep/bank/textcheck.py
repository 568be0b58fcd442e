"""Wording checks for item writers: cue words, negative stems, US spelling, references.

Each check takes plain text and returns what it found; `bank/lint.py` turns findings into
messages. The word lists are the cues and slips that a review of the first edition found.
"""

from __future__ import annotations

import re

# Options with these words are easy to eliminate (distractors) or to spot (keys).
ABSOLUTE = re.compile(r"\b(always|never|every|only|all|none)\b", re.I)

# A negative question must shout its negative: NOT, EXCEPT, LEAST.
_NEGATIVE = re.compile(r"\b(not|except|least)\b")


def has_absolute(text: str) -> bool:
    return bool(ABSOLUTE.search(text))


def unemphasised_negative(stem: str) -> str | None:
    """The lower-case negative in the stem's question sentence, if there is one."""
    sentences = re.split(r"(?<=[.?!:])\s+", stem.strip())
    asked = [s for s in sentences if s.rstrip().endswith("?")] or sentences[-1:]
    for sentence in asked:
        match = _NEGATIVE.search(sentence)
        if match:
            return match.group(1)
    return None


# British forms, and the US form the exam is written in. Whole words (with their common
# inflections); reference titles are not checked, they keep their original spelling.
_BRITISH = {
    r"anaesthe(sia|sias|tic|tics|tist|tists|tise|tised|siologist|siologists|siology)":
        "anesthe…",
    r"an(a)?esthetise[ds]?": "anesthetize",
    r"behaviour(s|al|ally)?": "behavior…",
    r"colour(s|ed|ing)?": "color…",
    r"oedema(tous)?": "edema",
    r"oesophag(us|eal|itis)": "esophag…",
    r"oestrogen(s)?": "estrogen",
    r"favour(s|ed|ing|able|ably|ite|ites)?": "favor…",
    r"(cent|fib|lit|met|tit)re(s)?": "…er (center, fiber, liter)",
    r"paediatric(s|ian|ians)?": "pediatric",
    r"orthopaedic(s)?": "orthopedic",
    r"gynaecolog(y|ic|ical|ist)": "gynecolog…",
    r"haem(a|o)?\w+": "hem… (hematoma, hemorrhage, hemoglobin)",
    r"anaemi(a|c)": "anemia",
    r"leukaemi(a|as|c)": "leukemia",
    r"ischaemi(a|c)": "ischemia",
    r"diarrhoea(l)?": "diarrhea",
    r"foet(us|uses|al)": "fetus, fetal",
    r"tumour(s)?": "tumor",
    r"labour(s|ed|ing)?": "labor",
    r"neighbour(s|hood|ing)?": "neighbor…",
    r"odour(s|less)?": "odor",
    r"vapour(s)?": "vapor",
    r"honour(s|ed)?": "honor",
    r"humour": "humor",
    r"manoeuvre(s)?": "maneuver",
    r"programme(s)?": "program",
    r"counsell(ing|or|ors|ed)": "counsel…",
    r"(label|model|signal|travel|cancel|fuel|total)l(ed|ing)": "single l (labeled, modeling…)",
    r"ageing": "aging",
    r"judgement(s)?": "judgment",
    r"analogue(s)?": "analog",
    r"catalogue(s)?": "catalog",
    r"defence": "defense",
    r"offence(s)?": "offense",
    r"licence(s)?": "license (noun and verb)",
    r"practis(e|es|ed|ing)": "practice (noun and verb)",
    r"enrol(s|ment)?": "enroll",
    r"fulfil(s|ment)?": "fulfill",
    r"grey": "gray",
    r"sulph(ate|ur|onamide|onamides|onylurea|onylureas)": "sulf…",
    r"paracetamol": "acetaminophen",
    r"adrenaline": "epinephrine",
    r"noradrenaline": "norepinephrine",
    r"whilst": "while",
    r"amongst": "among",
    r"learnt": "learned",
    r"\w+isations?": "-ization",
    r"(organ|recogn|minim|maxim|priorit|stabil|mobil|immobil|real|sensit|desensit|util"
    r"|character|categor|hospital|normal|optim|individual|standard|summar|emphas|critic"
    r"|apolog|familiar|special|final|hypothes|steril|metabol|neutral|visual|random|author"
    r"|memor|symbol|legal|local|general|central|capital|formal|urban|modern|fertil|vapor"
    r"|anaesthet|anesthet|catheter|computer|custom|energ|harmon|jeopard|mesmer|patron"
    r"|penal|polar|pressur|public|sanit|scrutin|sympath|synchron|trivial|trauma|vandal)"
    r"is(e|es|ed|ing)": "-ize (organize, recognize, minimize…)",
    r"analys(e|es|ed|ing)": "analyze (the noun analysis is fine)",
    r"paralys(e|ed|ing)": "paralyze",
    r"catalys(e|ed|ing)": "catalyze",
    r"dialys(e|ed|ing)": "dialyze",
}
_BRITISH_WORD = re.compile(r"\b(" + "|".join(_BRITISH) + r")\b", re.I)
_PATTERNS = [(re.compile(rf"^(?:{pattern})$", re.I), fix) for pattern, fix in _BRITISH.items()]
# US words that the broad patterns above would otherwise catch.
_US_EXCEPTIONS = frozenset({
    "analyses", "hemi", "haemophilus", "items", "premise", "promise", "otherwise",
})


def british_spellings(text: str) -> list[tuple[str, str]]:
    """(word, US form) for each British spelling in `text`, in order, once each."""
    found: dict[str, str] = {}
    for match in _BRITISH_WORD.finditer(text):
        word = match.group(0)
        lowered = word.lower()
        if lowered in _US_EXCEPTIONS or lowered in found:
            continue
        fix = next(fix for pattern, fix in _PATTERNS if pattern.match(word))
        found[lowered] = fix
    return list(found.items())


# References -------------------------------------------------------------------------

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_VERSION = re.compile(r"\b(version|v\.?|edition|ed\.|revision|rev\.)\s*\d", re.I)
_UNDATED = re.compile(r"\b(current|latest) (version|edition)\b", re.I)
# A book: an edition, or a publisher without a journal citation (year;volume).
_EDITION = re.compile(r"\b\d+(st|nd|rd|th) ed(\.|ition)\b|\bed(\.|ition)\b", re.I)
_PUBLISHER = re.compile(
    r"\b(Elsevier|Mosby|Saunders|Wolters Kluwer|Lippincott|McGraw|Springer|Wiley"
    r"|Oxford University Press|Cambridge University Press|Jones (&|and) Bartlett|F\.A\. Davis"
    r"|IASP Press|Oncology Nursing Society|Churchill Livingstone)\b", re.I,
)
_JOURNAL_CITATION = re.compile(r"\b(19|20)\d\d\s*;\s*\d+|\bdoi\b|\bMMWR\b", re.I)

# Sources that a newer edition replaces: (pattern, what to cite instead).
SUPERSEDED = (
    (re.compile(r"Pain Manag Nurs\.?\s*2011\s*;\s*12\s*\(3\)\s*:\s*118", re.I),
     "the ASPMN monitoring guideline of 2011 was revised in 2020: cite Jungquist CR, "
     "Quinlan-Colwell A, Vallerand A, et al. Pain Manag Nurs. 2020;21(1):7-25"),
    (re.compile(r"\bCDC\b.*\b2016\b.*opioids? for chronic pain|MMWR Recomm Rep\.?\s*2016",
                re.I),
     "the CDC's 2016 opioid guideline was replaced in 2022: cite Dowell D, Ragan KR, Jones "
     "CM, Baldwin GT, Chou R. MMWR Recomm Rep. 2022;71(3):1-95"),
)
# Author names misspelt in the first edition: wrong -> as in the source.
AUTHOR_SPELLINGS = {
    "Vandermeuelen": "Vandermeulen",
    "Gelinas": "Gélinas",
}


def reference_problems(reference: str) -> list[str]:
    """What to change in one reference: its date, a superseded source, an author's name."""
    problems = []
    if _UNDATED.search(reference):
        problems.append(f'"{_UNDATED.search(reference).group(0)}" dates nothing: give the '
                        f"year or version you relied on ({_short(reference)})")
    elif not (_YEAR.search(reference) or _VERSION.search(reference)):
        problems.append(f"give a year or version for {_short(reference)}")
    for pattern, instead in SUPERSEDED:
        if pattern.search(reference):
            problems.append(instead)
    for wrong, right in AUTHOR_SPELLINGS.items():
        if re.search(rf"\b{re.escape(wrong)}\b", reference):
            problems.append(f"the author is spelt {right}, not {wrong}")
    return problems


def is_textbook(reference: str) -> bool:
    """A book (edition or publisher) rather than a guideline, label, statement or study."""
    if _JOURNAL_CITATION.search(reference):
        return False
    return bool(_EDITION.search(reference) or _PUBLISHER.search(reference))


def _short(reference: str) -> str:
    return f'"{reference[:60]}…"' if len(reference) > 60 else f'"{reference}"'
