"""Image credits: found in captions, in credit-only paragraphs and glued into running text.

A credit is removed from the text and kept as {text, photographer, provider}. Inside running text
only credits that name a known provider are recognised, because glued text ("...on UnsplashCash
flow...") gives no other clue where the credit ends; a block that is nothing but a credit may name
anyone. Sentences that merely mention a photo ("a photo by the agency showed ...") never match:
every form needs its capitalised keyword and a capitalised name.
"""

from __future__ import annotations

import re

from ..items import ImageCredit
from .east_asian_credits import east_asian_credits

KNOWN_PROVIDERS = [
    "Getty Images", "Shutterstock", "Unsplash", "Pexels", "Pixabay", "Reuters", "AFP", "AP",
    "Associated Press", "Bloomberg", "EPA", "iStock", "Adobe Stock", "Wikimedia Commons", "Yonhap",
    "Freepik", "Dreamstime", "Alamy", "dpa", "EFE", "Xinhua", "Anadolu", "Kyodo", "Imago", "Keystone", "ANSA",
    "PA Images", "PA", "Sipa", "NurPhoto", "ZUMA Press", "SOPA Images", "Polaris", "Redux", "IMAGO", "imago images",
    "picture alliance", "picture-alliance", "UPI", "TASS", "Sputnik", "Pool", "Handout", "iStockphoto",
    "Corbis", "EyeEm", "Magnum Photos", "Science Photo Library", "Sygma", "Bridgeman Images",
]
# Longest first, so "Associated Press" wins over "AP" and "Getty Images" is read whole.
_PROVIDER = "|".join(re.escape(p) for p in sorted(KNOWN_PROVIDERS, key=len, reverse=True))
# A capitalised word; one with a full stop only when short (`Jr.`, `J.`, `St.`), so that a sentence's
# last word is no part of a name that follows it.
_NAME_WORD = r"[A-ZÀ-Ý](?:[\w'’-]{0,2}\.|[\w'’-]*)"
_SP = "[ \u00a0]"  # sites glue credits with non-breaking spaces too
_NAME = rf"{_NAME_WORD}(?:{_SP}{_NAME_WORD}){{0,3}}"   # one to four capitalised words
_ANY = r"[^\n]+?"

# Forms of a block that is only a credit (caption, credit-only paragraph).
WHOLE_FORMS = [
    re.compile(rf"^©\s*(?P<provider>[^/]+?)\s*/\s*(?P<photographer>{_ANY})$"),
    re.compile(rf"^©\s*(?P<provider>{_ANY})$"),
    re.compile(rf"^Photo(?:graph)? by (?P<photographer>{_ANY}) (?:on|via|for) (?P<provider>{_ANY})$"),
    re.compile(rf"^Photo(?:graph)? by (?P<photographer>{_ANY})$"),
    re.compile(rf"^(?:Image|Photo|Picture)s?: (?P<who>{_ANY})$"),
    # A source's label names a picture's credit only with a picture agency (`Source: Getty Images`);
    # `Source: Eurostat` gives the source of figures, which is text.
    re.compile(rf"^(?P<source>Source|Quelle|Fuente|Fonte)s?: (?P<who>{_ANY})$"),
    re.compile(rf"^(?:Credit|Photo credit|Image credit)s?: (?P<photographer>[^\n/]+?)(?:\s*/\s*(?P<provider>{_ANY}))?$", re.I),
    re.compile(rf"^(?:(?:Photo|Image|Picture)s? )?[Cc]ourtesy(?: of)?:? (?:the )?(?P<provider>{_ANY})$"),
]
# Forms found inside running text: they must end with a known provider.
_INLINE_START = r"(?:^|(?<=[.!?:;”\"')\]\s])|(?<=[a-z0-9]))"
INLINE_FORMS = [
    re.compile(rf"{_INLINE_START}©{_SP}?(?P<provider>{_PROVIDER})/(?P<photographer>{_NAME})(?=$|[^a-z])"),
    re.compile(rf"{_INLINE_START}Photo{_SP}by{_SP}(?P<photographer>{_NAME}){_SP}on{_SP}(?P<provider>{_PROVIDER})(?![a-z])"),
    re.compile(rf"{_INLINE_START}©{_SP}?(?P<provider>{_PROVIDER})(?![a-z])"),
    # `Photo: Reuters/Brendan McDermid`, `Image: Getty Images/iStockphoto`: the agency and who took it
    re.compile(rf"{_INLINE_START}(?:Image|Photo|Picture):{_SP}(?P<who>(?:{_PROVIDER})"
               rf"(?:{_SP}?/{_SP}?(?:{_PROVIDER}|{_NAME}))?)(?![a-z])"),
]


def _credit(match: re.Match) -> ImageCredit:
    groups = match.groupdict()
    if groups.get("who"):  # one name or two (`Reuters/Brendan McDermid`): told apart by what they are
        photographer, provider = credit_parts(groups["who"])
        return ImageCredit(match.group(0).strip(), photographer, provider)
    photographer = (groups.get("photographer") or "").strip() or None
    provider = (groups.get("provider") or "").strip() or None
    # "Credit: Reuters" names an agency, not a person.
    if photographer and not provider and photographer in KNOWN_PROVIDERS:
        photographer, provider = None, photographer
    return ImageCredit(match.group(0).strip(), photographer, provider)


# Lower-case words a name or an agency may contain ("Jan van der Berg", "Agence France-Presse via Getty").
NAME_PARTICLES = {"de", "del", "della", "der", "den", "van", "von", "da", "di", "du", "la", "le", "y", "e",
                  "and", "&", "for", "of", "via", "on", "the", "bin", "al", "el", "ter", "zu"}


def looks_like_name(text: str | None) -> bool:
    """A person's or an agency's name: a few words, each capitalised (or a particle), no sentence.
    Tells `Credit: Jiho Choi/Reuters` from `Credit: markets rallied on the news`."""
    if not text:
        return True
    words = re.split(r"[\s/]+", text.strip())
    if not words or len(words) > 8 or text.rstrip().endswith((".", "!", "?")) and not re.search(r"\b[A-Z]\.$", text):
        return False
    first = words[0]
    if not (first[:1].isupper() or first[:1].isdigit() or first.startswith(("©", "@"))):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in NAME_PARTICLES or not w[:1].isalpha()
               for w in words if w)


def credit_of_block(text: str) -> ImageCredit | None:
    """The credit when `text` is nothing but a credit; None otherwise. Its names must look like
    names: a short paragraph that merely begins like a credit is body text."""
    text = text.strip()
    if not text or len(text) > 120:
        return None
    # `[Photo: Jane Doe]`, `(Photo by Jane Doe/Getty Images)`: the brackets hold the same credit.
    if text[0] + text[-1] in ("()", "[]"):
        return credit_of_block(text[1:-1])
    for form in WHOLE_FORMS:
        match = form.match(text)
        if not match or match.groupdict().get("source") and not is_known_provider(match.group("who")):
            continue
        credit = _credit(match)
        if looks_like_name(credit.photographer) and looks_like_name(credit.provider):
            return credit
    return None


# A credit at the end of a caption, after the caption's own words.
CREDIT_LABEL = (r"(?:Photo(?:graph)?s?|Screenshot|Images?|Pictures?|Fotos?|Bild|Credits?|Photo credit|Image credit|"
                r"Crédit(?: photo)?|Source|Quelle|Fuente|Fonte|Illustration)")
_UPPER_AGENCY = r"(?:REUTERS|AFP|AP|EPA|EPA-EFE|ANADOLU|XINHUA|YONHAP|DPA|KYODO|SIPA|ANSA|UPI)"
_AFTER_SENTENCE = r"(?:^|(?<=[.!?)”\"]\s))"
# A credit's own start: the text's, after a sentence's end, after a dash or a bar.
_UNIT_START = r"(?:^|(?<=[.!?)”\"]\s)|(?<=[-–—|]\s))"
# A label begins with a capital, even where the form ignores case (`PHOTO:`, `Photograph:`): a
# word of a sentence does not.
_CAPITAL = r"(?=(?-i:[A-ZÀ-Ý]))"
TRAILING_FORMS = [
    # "... (Photo by Jane Doe/Getty Images)", "... (Photo: AFP)"
    re.compile(rf"\(\s*(?P<label>{CREDIT_LABEL}(?:\s+by|\s*:))\s*(?P<who>[^()]{{2,80}}?)\s*\)\.?$", re.I),
    # "... (AP Photo/Evan Vucci)"
    re.compile(rf"\((?P<who>(?:{_UPPER_AGENCY}|Reuters|Xinhua){_SP}Photo\s*/\s*[^()]{{2,60}}?)\)\.?$"),
    # "... Photograph: Jane Doe/Getty Images", "... Foto: dpa": a capitalised label and its colon
    re.compile(rf"(?:^|(?<=\s)){_CAPITAL}(?P<label>{CREDIT_LABEL}\s*:)\s*(?P<who>[^:]{{2,80}}?)\.?$", re.I),
    # "... The harbour. Photo by Jane Doe": after a sentence's end, never the end of one
    # ("the gallery bought a photograph by Ansel Adams")
    re.compile(rf"{_UNIT_START}{_CAPITAL}(?P<label>{CREDIT_LABEL}\s+by)\s*(?P<who>[^:]{{2,80}}?)\.?$", re.I),
    # "... Photo AFP", "... Foto dpa"
    re.compile(rf"{_AFTER_SENTENCE}{_CAPITAL}(?P<label>Photo|Foto|Bild){_SP}(?P<who>(?:{_PROVIDER})(?:\s*/\s*{_NAME})?)$",
               re.I),
    # "... REUTERS/Kai Pfaffenbach/File Photo"
    re.compile(rf"(?:^|(?<=\s))(?P<who>{_UPPER_AGENCY}/{_NAME}(?:/(?:File{_SP}Photo|File|Pool))?)$"),
    # "... Jane Doe/AFP via Getty Images", "... Jane Doe | Getty Images", "... Jane Doe/The New York Times":
    # a person's name (two words or more), then an agency or a publication (two words or more)
    re.compile(rf"{_AFTER_SENTENCE}(?P<who>{_NAME_WORD}(?:{_SP}{_NAME_WORD}){{1,3}}\s*[/—–|]\s*"
               rf"(?:{_PROVIDER}|{_NAME_WORD}(?:{_SP}{_NAME_WORD}){{1,3}})(?:{_SP}via{_SP}(?:{_PROVIDER}))?)$"),
    # "... The White House. Getty Images"
    re.compile(rf"{_AFTER_SENTENCE}(?P<who>(?:{_PROVIDER}))$"),
    re.compile(r"(?:^|(?<=\s))(?P<who>©\s*[^©]{2,80})$"),
]
_KNOWN = {p.lower() for p in KNOWN_PROVIDERS}


def is_known_provider(name: str | None) -> bool:
    """`Getty Images`, `dpa`, `picture alliance / dpa`, `imago images/Sven Simon`: a known agency or
    collection (the first of several parts)."""
    first = re.split(r"\s*/\s*|\s*\|\s*", (name or "").strip())[0].lower()
    # `Sipa USA`, `Getty Images Europe`, `AFP Photo`: a known name and where or what of it.
    return first in _KNOWN or any(first.startswith(known + " ") for known in _KNOWN)


def credit_parts(who: str) -> tuple[str | None, str | None]:
    """`Jane Doe/Getty Images`, `David McNew—Getty Images`, `REUTERS/Kevin Lamarque`, `AP Photo/Evan
    Vucci`, `imago images/Sven Simon`, `Reuters`: (photographer, provider)."""
    who = who.strip().lstrip("©").strip()
    parts = [p.strip() for p in re.split(r"\s*/\s*|\s*[—–|]\s*|\s+via\s+|\s+for\s+", who, maxsplit=1) if p.strip()]
    if len(parts) == 2:
        first, second = parts
        second = re.sub(r"/(?:File Photo|File|Pool)$", "", second)
        agency = re.sub(r"\s+Photo$", "", first)
        if is_known_provider(agency) or (agency.upper() == agency and re.fullmatch(_UPPER_AGENCY, agency)):
            if is_known_provider(second):
                return None, who  # two agencies: `Getty Images/Sipa USA`
            return second, agency  # agency first: `REUTERS/Kevin Lamarque`, `imago images/Sven Simon`
        return first, second
    if is_known_provider(who) or re.search(r"\b(Images|Press|Agency|News|Stock|Photos?|Archive|Collection)\b", who):
        return None, who
    return who, None


def credit_of_element(text: str) -> ImageCredit:
    """The credit an element marked as one holds (`Photograph: Jane Doe/Getty Images`,
    `David McNew—Getty Images`): its label left out of the names."""
    who = re.sub(rf"^\(?\s*(?:{CREDIT_LABEL}(?:\s+by|\s*:)|Courtesy(?:\s+of)?\b:?)\s*", "", text.strip(),
                 flags=re.I).rstrip(")").strip()
    photographer, provider = credit_parts(who)
    return ImageCredit(text.strip(), photographer, provider)


SOURCE_LABEL = re.compile(r"^(?:Source|Quelle|Fuente|Fonte)s?\b", re.I)


# A line that gives the source of the text's figures, in the languages the credits are read in.
SOURCE_LINE = re.compile(r"^[(\[（]?\s*(?:(?:Data\s+)?(?:Source|Quelle|Fuente|Fonte)s?\s*:|(?:자료|출처)\s*[=:：]|"
                         r"(?:数据|資料|资料)?(?:来源|來源|出典|出所|資料|资料)\s*[:：=＝])")


def is_source_line(text: str) -> bool:
    """A short line naming where figures come from (`Source: Eurostat`, `자료=한국은행`,
    `出典：総務省`), which is the text's own, not the page's."""
    return len(text) <= 120 and bool(SOURCE_LINE.match(text.strip()))


def is_data_source(label: str, who: str) -> bool:
    """A source's label before a name that is no picture agency: the source of figures
    (`Source: Eurostat`), which is text in every language."""
    return bool(SOURCE_LABEL.match(label.strip())) and not is_known_provider(who)


def trailing_credit(caption: str) -> tuple[str, ImageCredit] | None:
    """A caption's credit at its end, as (the caption without it, the credit); None when it has
    none. The credit's names must look like names, so a caption ending in words is left alone."""
    caption = caption.strip()
    for form in TRAILING_FORMS:
        match = form.search(caption)
        if not match:
            continue
        who = match.group("who").strip().rstrip(".")
        if is_data_source(match.groupdict().get("label") or "", who):
            continue
        photographer, provider = credit_parts(who)
        if not (looks_like_name(photographer) and (is_known_provider(provider) or looks_like_name(provider))):
            continue
        rest = caption[: match.start()].rstrip(" -–—|,;(")
        text = match.group(0).strip(" ()")
        if text.startswith(("©", "ⓒ")) and photographer and not provider:
            photographer, provider = None, photographer  # a copyright holder owns the picture
        return rest, ImageCredit(text, photographer, provider)
    return None


def strip_inline_credits(text: str) -> tuple[str, list[ImageCredit]]:
    """`text` without the credits glued into it, and those credits in order."""
    found: list[tuple[int, int, ImageCredit]] = []
    for form in INLINE_FORMS:
        for match in form.finditer(text):
            if not any(start < match.end() and match.start() < end for start, end, _ in found):
                found.append((match.start(), match.end(), _credit(match)))
    if not found:
        return text, []
    found.sort(key=lambda entry: entry[0])
    pieces, position = [], 0
    for start, end, _ in found:
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    # Where the credit sat between two glued sentences, keep them apart with one space.
    cleaned = " ".join(piece.strip() for piece in pieces if piece.strip())
    return cleaned, [credit for _, _, credit in found]


def strip_credits(text: str | None) -> tuple[str | None, list[ImageCredit]]:
    """A block's text without credits: None when the block was only a credit."""
    if not text:
        return text, []
    whole = credit_of_block(text)
    if whole:
        return None, [whole]
    text, east_asian = east_asian_credits(text, is_known_provider)
    if east_asian and not text:
        return None, east_asian
    text, found = strip_inline_credits(text)
    return text, east_asian + found


def strip_caption_credits(caption: str) -> tuple[str | None, list[ImageCredit]]:
    """A caption without its credit: a credit alone, glued in, or after the caption's words."""
    text, found = strip_credits(caption)
    if text and not found:
        trailing = trailing_credit(text)
        if trailing:
            text, found = trailing[0] or None, [trailing[1]]
    return text, found


CAPTION_LENGTH = 250
DATA_SOURCE_LABEL = re.compile(r"^\(?\s*(Source|Quelle|Fuente|Fonte)", re.I)
# A trailing credit that says it is one: a label, a copyright sign, an agency's own form.
SAYS_CREDIT = re.compile(rf"^\(?\s*(?:{CREDIT_LABEL}|©|ⓒ|{_UPPER_AGENCY}\b|\w+ Photo/|사진|이미지|출처)", re.I)


def caption_in_text(block: str) -> ImageCredit | None:
    """The credit of a picture's caption that came along with the text (`- Tapie en 2008.
    REUTERS/Benoit Tessier -`), or of a paragraph a credit was glued to: a short block ending with
    a credit that says it is one or names a known agency. A paragraph ending with the source of its
    figures (`Source: Eurostat`) or with a person and a title (`said Gary Gensler | SEC Chair`) is
    text."""
    if len(block) > CAPTION_LENGTH:
        return None
    trailing = trailing_credit(block.strip(" -–—|"))
    if not trailing or DATA_SOURCE_LABEL.match(trailing[1].text):
        return None
    credit = trailing[1]
    if not (SAYS_CREDIT.match(credit.text) or is_known_provider(credit.provider)):
        return None
    return credit


def strip_body_credits(body: str) -> tuple[str, list[ImageCredit]]:
    """A body of blank-line-separated blocks without its credits: credit-only blocks dropped,
    credits at the end of a block or glued into it cut out. A credit is removed, never the words
    it follows."""
    kept, credits = [], []
    for block in body.split("\n\n"):
        text, found = strip_credits(block)
        if text and not found:
            credit = caption_in_text(text)
            if credit:
                text, found = trailing_credit(text.strip(" -–—|"))[0] or None, [credit]
        credits.extend(found)
        if text:
            kept.append(text)
    return "\n\n".join(kept), credits


def remove_credits(item) -> list[ImageCredit]:
    """Credits leave an item's caption, summary and body for its `image_credits` (after those it
    already has); returns the ones removed. What the credits pipeline does to every item."""
    from dataclasses import replace

    from itemadapter import ItemAdapter

    adapter = ItemAdapter(item)
    credits = []
    image = adapter.get("image")
    if image and image.caption:
        caption, found = strip_caption_credits(image.caption)
        adapter["image"] = replace(image, caption=caption or None)
        credits.extend(found)
    summary, found = strip_credits(adapter.get("summary"))
    adapter["summary"] = summary or None
    credits.extend(found)
    body, found = strip_body_credits(adapter.get("body") or "")
    adapter["body"] = body
    credits.extend(found)
    known = {c.text for c in adapter.get("image_credits") or []}
    adapter["image_credits"] = list(adapter.get("image_credits") or []) + [c for c in credits if c.text not in known]
    return credits
