"""What of a page's text is the article's: the rules that leave out the page's furniture, its
hidden parts and readers' comments, and the article's header (headline, dateline, byline)."""

from __future__ import annotations

import html as html_entities
import re
from collections import Counter

from ..cleaning.credits import caption_in_text, credit_of_block, is_source_line
from ..cleaning.dates import mentions_date, tells_day_in_part

FURNITURE = re.compile(
    r"^(?:(?:advertisement|anzeige|werbung|publicité|publicidad|pubblicità|scroll to continue(?: with content)?|"
    r"continue reading(?: below)?|story continues below(?: advertisement)?|article continues below(?: advertisement)?)\W*$|"
    r"(?:read more|read also|also read|see also|related|more on this|recommended|lesen sie auch|mehr zum thema|"
    r"lire aussi|à lire aussi|lee también|leia também|leggi anche|topics|tags|filed under|more about)\s*(?::|»|>>|–|—)\s*\S|"
    r"share this (?:article|story)\b)",
    re.I)
# A newsletter box's lines: its call, its form's label, its small print.
NEWSLETTER = re.compile(
    r"^(?:(?:sign up|subscribe) (?:for|to) (?:our|the) [\w' ]{0,40}newsletters?\b|(?:get|receive) (?:our|the) [\w' ]{0,40}"
    r"newsletters?\b|enter your email(?: address)?\b|by (?:signing up|subscribing|clicking)[^.]{0,40}, you agree\b|"
    r"thank you for (?:signing up|subscribing)\b|[\w' ]{0,60}delivered (?:straight |directly )?to your inbox\b)", re.I)
# A paywall's pitch, which stands where the rest of the text is: a call to subscribe, register or
# log in to read on, an offer of access, a price by the week or month. Each form opens the line: a
# sentence of the text that speaks of paywalls begins with its own subject.
PAYWALL = re.compile(
    r"^(?:(?:subscribe|sign up|register|log ?in|sign in|join)(?: now| today| here)?\b[^.!?]{0,40}?"
    r"\b(?:to (?:continue|keep) reading|to read (?:on|more|the (?:full|rest|whole|entire))|"
    r"(?:for|to get|and get) (?:free |full |unlimited |instant |digital )*access|to unlock)|"
    r"(?:to )?(?:continue|keep) reading\b[^.!?]{0,40}?\b(?:subscri|log ?in|sign in|sign up|register|free trial|account)|"
    r"this (?:article|story|content|page) is (?:only )?(?:for|available (?:only )?to|reserved for|exclusive to) "
    r"(?:paying |our )?(?:subscribers|members)|already (?:a )?(?:subscriber|member|registered)\b|"
    r"(?:get|enjoy|unlock) (?:unlimited|full|digital|instant)\b[^.!?]{0,40}?\baccess\b|"
    r"(?:just |only |for )?[$€£¥]\s?\d+(?:[.,]\d{1,2})?\s*(?:/|a|per|each)\s*(?:week|month|year|wk|mo|yr)\b)",
    re.I)
# The title of a list of other articles.
LIST_OF_ARTICLES = re.compile(
    r"^(?:other [\w ]{0,20}(?:columns|stories|articles|news|posts)|more (?:from|in|on|stories|news|articles|like this)\b|"
    r"related (?:stories|articles|content|coverage|links|news|posts|reading)|(?:latest|top) (?:news|stories|articles|headlines)|"
    r"most (?:read|popular|viewed|shared)|you (?:may|might) (?:also )?(?:like|enjoy)|recommended(?: for you| stories| reading)?$|"
    r"(?:what to )?read next|don['’]t miss|trending(?: now| stories)?$|editor['’]?s['’]? picks)", re.I)
# A video player's own labels (video.js and the players built on it), which pages carry in their
# markup beside the article.
PLAYER_LABELS = re.compile(
    r"^(?:this is a modal window\b.*|beginning of dialog window\b.*|end of dialog window\.?|"
    r"(?:descriptions|captions|subtitles) off, selected|default, selected|captions settings, opens captions settings dialog|"
    r"chapters|now (?:playing|watching)|up next|play video|video player is loading\.?|current time \d.*|duration \d.*|"
    r"remaining time \S*|loaded: \d+(?:\.\d+)?%|stream type live|playback rate|"
    r"next video starts in\b.*|(?:unfortunately, )?this video is (?:not|no longer) available\b.*)$", re.I)
# `3/50 Star Wars boosts economy`: a gallery's counter before each picture's caption.
GALLERY_COUNTER = re.compile(r"^(\d{1,3})/(\d{1,3})\s+\S")
SENTENCE = re.compile(r"\w{3,}[.!?]$")
# Words of sentences that datelines and bylines do without (their `on`, `at`, `by`, `le`, `am` are
# not among them).
FUNCTION_WORDS = {"the", "a", "an", "was", "were", "is", "are", "be", "been", "has", "have", "had", "will", "would",
                  "into", "that", "this", "which", "who", "and", "but", "with", "from", "its", "their", "der", "die",
                  "das", "ist", "und", "wurde", "est", "et", "les", "des", "une", "el", "los", "es", "y", "que", "fue"}
SENTENCE_END = re.compile(r"[.!?。！？…\"”»’')\]）】]$")
LOOSE_LINE = 60
BYLINE = re.compile(r"^(by|von|par|por)\s+[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+){0,3}$", re.I)


HIDDEN_TEXT_KEPT = 600


def _named(word: str) -> str:
    """XPath: the element's class or id has `word` as one of its parts (`sf_comment`, `comments-list`)."""
    return " or ".join(f"contains(concat(' ', translate(@{attribute}, '_-', '  '), ' '), ' {word} ')"
                       for attribute in ("class", "id"))


# What readers never see as the article's text, pruned before the main text is looked for: hidden
# elements (a save dialog, a paywall's templates) and readers' comments. An element that holds the
# headline, or the article itself, is never pruned for its name.


NOT_TEXT = [
    # Hidden and short: a long hidden text is an article's rest behind a "Read more" button.
    f"//*[@hidden][string-length(normalize-space(.)) < {HIDDEN_TEXT_KEPT}]",
    f"//*[contains(translate(@style, ' ', ''), 'display:none')][string-length(normalize-space(.)) < {HIDDEN_TEXT_KEPT}]",
    f"//*[not(self::article or self::main or self::body)][not(.//h1)][{_named('comment')} or {_named('comments')}]",
]


def is_furniture(text: str) -> bool:
    """A line of the page's furniture in the text: an advertisement's label, a pointer to another
    article (`Read more: ...`, `Lesen Sie auch: ...`), a prompt to share or subscribe, a newsletter
    box's lines, a paywall's pitch, a video player's labels."""
    return len(text) <= 200 and bool(FURNITURE.match(text) or PLAYER_LABELS.match(text) or NEWSLETTER.match(text)
                                     or PAYWALL.match(text))


def without_gallery(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Without a gallery's captions (`1/50 United goin down`, its caption, `2/50 ...`): a run of
    three counters or more of one count, numbered in order, from the first to the last one's
    caption (as many blocks as the first one's). Captions are not the article's text."""
    counters = [(at, GALLERY_COUNTER.match(text)) for at, (_, text) in enumerate(blocks)]
    # A counter before a picture's title of a few words; `1/3 The minister said ...` opens a post
    # of a thread.
    counters = [(at, int(m.group(1)), m.group(2)) for at, m in counters if m and len(blocks[at][1].split()) <= 11]
    for start in range(len(counters)):
        run = [counters[start]]
        for at, number, total in counters[start + 1:]:
            if total == run[-1][2] and number == run[-1][1] + 1:
                run.append((at, number, total))
        if len(run) >= 3:
            first, last = run[0][0], run[-1][0]
            caption = run[1][0] - first - 1
            return without_gallery(blocks[:first] + blocks[last + 1 + caption:])
    return blocks


def is_sentence(text: str) -> bool:
    """A sentence, not a dateline: it ends like one, or it is made with the little words of a
    sentence (`The act was signed into law on August 14, 1935`)."""
    words = re.findall(r"\w+", text.lower())
    return bool(SENTENCE.search(text)) or sum(w in FUNCTION_WORDS for w in words) >= 3


def is_dateline(text: str) -> bool:
    """A short line that dates the article (`Patricio Candia | Palma | 08/01/2014`, `North Korea
    09:31 August 20, 2019`, `By Ann Lee | 3h ago`), not a sentence."""
    return len(text) <= 100 and tells_day_in_part(text) and not is_sentence(text)


def without_trailing_headings(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Without what trails the article: headings left with nothing under them (the title of a list
    of links) and short lines that end no sentence (`Choose a plan`, `Members here`, an editor's
    tag), which are the page's, not the text's."""
    # Verse, lyrics and lists are made of such lines: where most lines are, they are the text.
    paragraphs = [text for kind, text in blocks if kind == "p"]
    trim_lines = sum(is_loose_line(text) for text in paragraphs) <= len(paragraphs) / 2
    while len(blocks) > 1 and (blocks[-1][0] == "h2" or trim_lines and is_loose_line(blocks[-1][1])):
        blocks = blocks[:-1]
    return blocks


def without_trailing_list_of_articles(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Without a list of other articles under the text (`Other Opinion Columns`, `More from
    Politics`, `You may also like`, each teaser a headline and its opening): from its title on,
    when what follows it is the lesser part of the text."""
    words = [len(text.split()) for _, text in blocks]
    total = sum(words) or 1
    for at in range(1, len(blocks)):
        if LIST_OF_ARTICLES.match(blocks[at][1]) and is_loose_line(blocks[at][1]) \
                and sum(words[at:]) < total / 2:
            return blocks[:at]
    return blocks


def without_repeated_lines(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Without short lines of words met more than once (`All Share Services` under each picture, a
    share bar's labels at the top and at the end): the page's, not the text's. Where most lines are such
    lines (verse and its refrain), they are the text."""
    paragraphs = [text for kind, text in blocks if kind == "p"]
    if sum(is_loose_line(text) for text in paragraphs) > len(paragraphs) / 2:
        return blocks
    seen = Counter(normalise(text) for _, text in blocks)
    return [(kind, text) for kind, text in blocks if not (seen[normalise(text)] > 1 and is_repeatable_label(text))]


def is_repeatable_label(text: str) -> bool:
    """A short line a page repeats as furniture: words, not figures (`1993` in a table's cells is
    data met twice)."""
    return is_loose_line(text) and bool(re.search(r"[^\W\d_]", text))


def is_loose_line(text: str) -> bool:
    """A short line that ends no sentence; never a picture's credit (the credits pipeline takes
    those out of the text and keeps them), nor the source of the text's figures."""
    if len(text) > LOOSE_LINE or SENTENCE_END.search(text) or is_source_line(text):
        return False
    return credit_of_block(text) is None and caption_in_text(text) is None


def is_glued_baseline(found: list[tuple[str, str]], own: list[tuple[str, str]]) -> bool:
    """trafilatura's last resort on a page too short for it: the whole page's text in one block,
    where the page's `<article>` (its body, without one) has blocks of its own inside that text."""
    if len(found) != 1 or not own:
        return False
    text = found[0][1]
    return text not in [t for _, t in own] and all(t in text for _, t in own)


def normalise(text: str) -> str:
    return re.sub(r"\W+", " ", html_entities.unescape(text)).strip().casefold()
