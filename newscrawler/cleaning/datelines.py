"""Datelines that tell more than the publication: an update beside it (in either order), a
reading time, a count of comments, a name; and the part of such a line that tells the publication."""

from __future__ import annotations

import re

from .date_text import HAS_TIME, in_english, mentions_date
from .relative import is_relative

# Words that say a date is an update, and words that name the publication, in English and the
# languages read; Chinese, Japanese and Korean ones are written with no space before the date.
UPDATED_ALSO = r"modified|aktualisiert|mis à jour|actualizado|aggiornato|atualizado|bijgewerkt|обновлено|diperbarui|güncellendi"
UPDATED_CJK = r"最終更新日時|最終更新日|最終更新|更新日時|更新日|更新时间|更新時間|更新|최종수정|수정|업데이트"
PUBLISHED_WORDS = r"published|posted|publié|publicado|veröffentlicht|pubblicato|опубликовано|diterbitkan|yayınlanma"
PUBLISHED_CJK = r"公開日時|公開日|公開|配信日時|配信|掲載|発行|投稿日|投稿|发布时间|发布|發布時間|發布|发表|發表|기사입력|입력|등록|게재|작성"
UPDATE_MARK = re.compile(rf"(?:\b(?:last updated|updated|{UPDATED_ALSO})\b|{UPDATED_CJK})", re.I)
# A part's label, read off before its date (`Published:`, `Last updated on`, `公開日時`, `기사입력`).
LABEL = re.compile(rf"^(?:(?:\b(?:last updated|updated|{UPDATED_ALSO}|{PUBLISHED_WORDS})\b(?:\s+(?:on|at))?)|"
                   rf"{UPDATED_CJK}|{PUBLISHED_CJK})\s*[:：]?\s*", re.I)


# Where a text that tells two dates parts them: a separator, or the word that names the next (not
# inside a word: `수정` in `최종수정` names nothing apart).
DATE_PARTS = re.compile(rf"\s*(?:[|;•·]|\s[-–—]\s)\s*|\s+(?=(?:last\s+)?(?:updated?|published|posted|{UPDATED_ALSO})\b)"
                        rf"|\s*(?<![^\W\d])(?=(?:{UPDATED_CJK}|{PUBLISHED_CJK}))", re.I)


def tells_date(part: str) -> bool:
    """Whether a part of a dateline tells a day: a calendar date or a time counted back from now."""
    return mentions_date(part) or is_relative(LABEL.sub("", part))


def tells_day_in_part(text: str) -> bool:
    """Whether a short line tells a day in one of its parts: a calendar date, or a time counted
    back (`By Ann Lee | 3h ago`, `Updated 2 hours ago`)."""
    return mentions_date(text) or any(is_relative(LABEL.sub("", part.strip(" |/-–—,:：")))
                                      for part in DATE_PARTS.split(text) if part)


def is_clock_alone(part: str) -> bool:
    """A time of day with no date (`4:35 PM ET`, `14h30`), as a dateline's part beside its day."""
    return bool(HAS_TIME.search(in_english(part))) and not tells_date(part) and not UPDATE_MARK.match(part)


def published_part(text: str) -> str:
    """Of a dateline, the publication without its label: the part that tells it (`Published 3:00 PM
    EST, Dec 23, 2019 | Updated 5:00 PM EST, Dec 24, 2019`, `Updated: Nov 30, 2016; Posted: Nov 29,
    2016`, `更新日時 … 公開日時 …`), with a time of day told beside it (`21 Sep 2011 | 4:35 PM ET`), and
    without what else the line tells (a reading time, a count of comments or views, a name). An
    update only when the line tells nothing else; the whole text when no part tells a date."""
    parts = [part.strip(" |/-–—,:：") for part in DATE_PARTS.split(text) if part and part.strip(" |/-–—,:：")]
    dated = [index for index, part in enumerate(parts) if tells_date(part)]
    if not dated:
        return LABEL.sub("", text.strip())
    index = next((i for i in dated if not UPDATE_MARK.match(parts[i])), dated[0])
    before, after = clock_beside(parts, index, -1), clock_beside(parts, index, 1)
    return " ".join(part for part in (before, LABEL.sub("", parts[index]), after) if part)


def clock_beside(parts: list[str], index: int, step: int) -> str | None:
    """The time of day told beside the date of `parts[index]`, in the direction `step`: the next part
    but reading times and counts (`9 May 2024 | 3 min read | 12:30`); a name or anything else between
    may be another's clock (an author's, an update's)."""
    position = index + step
    while 0 <= position < len(parts) and is_count(parts[position]):
        position += step
    if 0 <= position < len(parts) and is_clock_alone(parts[position]):
        return parts[position]
    return None


# `3 min read`, `5 Min. Lesezeit`, `2 comments`, `1,204 views`, `3分钟阅读`, `Comments: 12`: one
# number and a few words.
COUNT = re.compile(r"^(?:[^\W\d_]+\.?[:：]?\s*){0,2}\d[\d,.]*\s*(?:[^\W\d_]+\.?\s*){1,3}$"
                   r"|^(?:[^\W\d_]+\.?[:：]?\s*){1,3}\d[\d,.]*$")


def is_count(part: str) -> bool:
    """Whether a dateline's part is a reading time or a count (of comments, views, shares)."""
    return bool(COUNT.match(part)) and not tells_date(part)
