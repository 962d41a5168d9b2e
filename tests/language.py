"""Which language is a block of text in? A detector for pages that must not mix French and English.

Method: function words. Every French or English sentence carries articles, prepositions, pronouns and
auxiliaries ("le", "des", "pour", "est" / "the", "of", "for", "is") that the other language does not use,
while proper names, drug names, codes and numbers carry none (a few words of this service that exist in
one language only, "demande" / "request", count too). A block of text is counted as English when
it holds at least MIN_HITS English function words and at least twice as many as French ones (and the
reverse). Words common to both languages ("a", "on", "as", "or", "me", "son", "date"...) are left out.

The page is cut into blocks the way a reader sees it: each paragraph, list item, cell, heading, label,
button or option is one block, and so is each accessible text (alt, title, aria-label, placeholder).
Elements that declare another language (`lang="en"` on a French page: a person's own words, the other
language's link) are that language by declaration (WCAG 2.1, 3.1.2 Language of Parts) and are skipped;
so are <script>, <style>, <code>, <pre>, <kbd> and the text being edited in a <textarea>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

FRENCH = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "au",
        "aux",
        "et",
        "est",
        "sont",
        "été",
        "être",
        "avoir",
        "avez",
        "avons",
        "ont",
        "ai",
        "pour",
        "dans",
        "par",
        "sur",
        "avec",
        "sous",
        "chez",
        "entre",
        "vers",
        "pendant",
        "depuis",
        "jusqu",
        "après",
        "avant",
        "ce",
        "cet",
        "cette",
        "ces",
        "cela",
        "ceci",
        "qui",
        "que",
        "quoi",
        "dont",
        "où",
        "ne",
        "pas",
        "plus",
        "rien",
        "jamais",
        "aucun",
        "aucune",
        "vous",
        "votre",
        "vos",
        "nous",
        "notre",
        "nos",
        "il",
        "ils",
        "elle",
        "elles",
        "leur",
        "leurs",
        "lui",
        "se",
        "sa",
        "ses",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "tes",
        "était",
        "sera",
        "seront",
        "peut",
        "peuvent",
        "doit",
        "doivent",
        "faut",
        "très",
        "aussi",
        "ou",
        "mais",
        "donc",
        "si",
        "comme",
        "tout",
        "tous",
        "toute",
        "toutes",
        "autre",
        "autres",
        "même",
        "selon",
        "lorsque",
        "quand",
        "puis",
        "déjà",
        "encore",
        "ici",
        "demande",
        "demandes",
        "personne",
        "jours",
        "mois",
    ]
)
ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "for",
        "with",
        "without",
        "from",
        "by",
        "in",
        "into",
        "at",
        "this",
        "that",
        "these",
        "those",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "where",
        "when",
        "there",
        "their",
        "they",
        "them",
        "it",
        "its",
        "you",
        "your",
        "yours",
        "we",
        "our",
        "us",
        "he",
        "she",
        "his",
        "her",
        "not",
        "no",
        "can",
        "cannot",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "than",
        "then",
        "also",
        "only",
        "any",
        "each",
        "every",
        "some",
        "such",
        "very",
        "more",
        "most",
        "other",
        "others",
        "after",
        "before",
        "until",
        "while",
        "about",
        "please",
        "request",
        "requests",
        "person",
        "days",
        "months",
    ]
)
MIN_HITS = 2
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
BLOCK_TAGS = frozenset(
    [
        "p",
        "li",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dt",
        "dd",
        "label",
        "legend",
        "button",
        "option",
        "caption",
        "summary",
        "figcaption",
        "title",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "main",
        "form",
        "fieldset",
        "table",
        "tr",
        "ul",
        "ol",
        "dl",
        "blockquote",
        "textarea",
        "select",
        "desc",
        "br",
    ]
)
# A <textarea> holds what a person typed (their words, being edited), not the page's own text.
SKIP_TAGS = frozenset({"script", "style", "code", "pre", "kbd", "samp", "textarea"})
TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "col", "area", "base", "wbr"})


def words(text: str) -> list[str]:
    tokens = []
    for token in WORD.findall(text.lower().replace("’", "'")):
        tokens.append(token)
        if "'" in token:  # l'indication, d'exception, qu'il: the elided article or pronoun counts
            head, _sep, tail = token.partition("'")
            tokens += [
                {"l": "le", "d": "de", "qu": "que", "n": "ne", "s": "se", "j": "je", "c": "ce"}.get(
                    head, head
                ),
                tail,
            ]
    return tokens


def language_of(text: str) -> str:
    """ "fr", "en", or "" when the text says too little (names, numbers, a word or two)."""
    tokens = words(text)
    fr = sum(1 for t in tokens if t in FRENCH)
    en = sum(1 for t in tokens if t in ENGLISH)
    if en >= MIN_HITS and en >= 2 * fr:
        return "en"
    if fr >= MIN_HITS and fr >= 2 * en:
        return "fr"
    return ""


@dataclass(frozen=True)
class Block:
    text: str
    declared: str  # the language in force for this block (the page's, or a lang attribute's)


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = []  # (tag, language, skipped)
        self.page_language = ""
        self.blocks: list[Block] = []
        self.current: list[str] = []

    @property
    def language(self) -> str:
        return self.stack[-1][1] if self.stack else self.page_language

    @property
    def skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(Block(text, self.language))
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.page_language = values.get("lang", "")[:2]
            return
        if tag in BLOCK_TAGS or tag in SKIP_TAGS or "lang" in values:
            self.flush()
        language = values["lang"][:2] if values.get("lang") else self.language
        for name in TEXT_ATTRIBUTES:
            if values.get(name) and not self.skipped:
                self.blocks.append(Block(values[name], language))
        if tag in VOID:
            return
        self.stack.append((tag, language, self.skipped or tag in SKIP_TAGS))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or tag == "html":
            return
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position][0] == tag:
                parent_language = self.stack[position - 1][1] if position else self.page_language
                if tag in BLOCK_TAGS or tag in SKIP_TAGS or self.stack[position][1] != parent_language:
                    self.flush()
                del self.stack[position:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipped:
            self.current.append(data)


def page_blocks(html: str) -> tuple[str, list[Block]]:
    parser = _Blocks()
    parser.feed(html)
    parser.flush()
    return parser.page_language, parser.blocks


def wrong_language_blocks(html: str) -> list[str]:
    """The blocks written in the other language than the one declared for them (page or element)."""
    page_language, blocks = page_blocks(html)
    found = []
    for block in blocks:
        detected = language_of(block.text)
        declared = block.declared or page_language
        if detected and declared in ("fr", "en") and detected != declared:
            found.append(f"[{declared} declared, {detected} found] {block.text[:160]}")
    return found
