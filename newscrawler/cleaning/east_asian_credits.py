"""Image credits as Korean, Japanese and Chinese pages write them: a label and a name joined by `=`,
`:` or `/` (`사진=연합뉴스`, `（写真：ロイター）`, `图/视觉中国`), in brackets anywhere or at the end of
a text, and an agency's name trailing a caption (`... 전경. 연합뉴스`, `...＝共同`). These scripts have no
capitals, so the label and a short name are what tell a credit. A label naming a source (`출처`,
`来源`, `出典`) is a picture's credit only when it names a picture agency: `자료=한국은행` and
`出典：総務省` give the source of figures, which is text.
"""

from __future__ import annotations

import re

from ..items import ImageCredit

# Picture agencies and stock collections as these pages name them (longest first where one name
# begins another, so `게티이미지뱅크` is read whole).
AGENCIES = [
    "연합뉴스", "뉴스1", "뉴시스", "게티이미지뱅크", "게티이미지코리아", "게티이미지", "셔터스톡", "픽사베이", "언스플래시",
    "로이터", "로이터통신", "AP", "AFP", "EPA", "AP연합뉴스", "AFP연합뉴스", "EPA연합뉴스", "로이터연합뉴스",
    "共同通信", "共同", "時事通信", "時事", "ロイター", "AFP時事", "EPA時事", "ゲッティイメージズ", "ゲッティ", "アフロ", "PIXTA",
    "视觉中国", "新华社", "中新社", "东方IC", "人民视觉", "路透社", "法新社", "美联社", "图虫创意", "全景网",
]
AGENCY = "|".join(re.escape(name) for name in sorted(AGENCIES, key=len, reverse=True))
# What the label says the picture is (`사진`, `자료사진` a file picture, `写真`, `图片`); `撮影`/`摄影`
# (taken by) names the photographer.
PICTURE_LABEL = (r"자료사진|사진|이미지|그림|영상|일러스트|캡처|写真提供|写真|画像|撮影|图片来源|图源|图片|照片|摄影|配图|"
                 r"图(?=\s*[/／])")  # `图` alone is a figure's label (`图：...` describes it) but with `/` its credit
SOURCE_LABEL = r"출처|来源|來源|出典|出所"
LABEL = rf"(?P<label>{PICTURE_LABEL}|{SOURCE_LABEL})"
# `撮影・山田太郎`: Japanese joins who took a picture to its label with a middle dot too.
JOIN = r"\s*(?:[=＝:：/／]|(?<=撮影)・)\s*"
OPEN, CLOSE = r"[(（\[【〔]", r"[)）\]】〕]"
WHO = r"(?P<who>[^()（）\[\]【】〔〕\n=＝:：.!?。！？]{1,30}?)"
BOUNDARY = r"(?:^|(?<=\s)|(?<=[.!?。！？]))"
FORMS = [
    # `(사진=게티이미지뱅크)`, `[사진=연합뉴스]`, `（写真：ロイター）`, `（图片来源：视觉中国）`
    re.compile(rf"{OPEN}\s*{LABEL}{JOIN}{WHO}\s*{CLOSE}"),
    # `... /사진=뉴스1`, `사진=홍길동 기자`, `。图/视觉中国`, `...＝撮影・山田太郎` at the end
    re.compile(rf"(?:{BOUNDARY}[/／]?|[=＝])\s*{LABEL}{JOIN}{WHO}\s*$"),
    # `ⓒ코인니스`
    re.compile(r"(?:^|(?<=\s)|(?<=[.!?]))(?P<label>ⓒ|©(?=\s*[가-힣]))\s*(?P<who>[^\s©ⓒ()][^©ⓒ()\n]{0,29}?)\s*$"),
    # An agency trailing a caption: `... 전경. 연합뉴스`, `...＝共同`, `...（共同）`
    re.compile(rf"(?:^|(?<=[.!?。！？])|(?<=[.!?。！？]\s)|[=＝]\s*)(?P<who>{AGENCY})\s*$"),
    re.compile(rf"{OPEN}(?P<who>{AGENCY}){CLOSE}\s*$"),
]
# Chinese credits name who took a picture before `摄` (took): `新华社记者 张三 摄` (the agency's
# reporter), `（新华社发 张三 摄）` (sent by the agency), `新华社发（张三 摄）`, `记者 张三/摄`.
NAME = (r"(?:[\u4e00-\u9fff]{1,8}(?:[·・][\u4e00-\u9fff]{1,8})+|[\u4e00-\u9fff]{2,4}"
        r"|[A-Z][\w'-]*(?:\s[A-Z][\w'-]*){0,3})")
NAMES = rf"{NAME}(?:(?:\s+|、|，){NAME}){{0,3}}"
# The desk that took it: an agency's or the paper's own (`本报`) reporter or correspondent.
STAFF = rf"(?:(?P<agency>{AGENCY})|(?P<own>本报|本台|本刊|本网|本社))?(?:特约)?(?:记者|記者|通讯员|通訊員)"
SENT = rf"(?P<sent_by>{AGENCY})\s*发"
TAKEN = rf"(?:(?:{SENT}|{STAFF})\s*)?(?P<who>{NAMES})(?P<gap>\s+|\s*[/／]\s*)?摄(?:影)?"
TAKEN_FORMS = [
    re.compile(rf"(?:(?P<sent_outside>{AGENCY})\s*发\s*)?{OPEN}\s*{TAKEN}\s*{CLOSE}"),
    re.compile(rf"(?:^|(?<=\s)|(?<=[.!?。！？])){TAKEN}\s*$"),
]
# Every form above needs a character of these scripts (or full-width punctuation), `ⓒ`, or an
# agency written in Latin letters: a text with none of them is passed by at once (most texts of
# other languages: the forms are costly to try).
LATIN_AGENCIES = "|".join(re.escape(name) for name in AGENCIES if name.isascii())
MIGHT_HOLD_ONE = re.compile(rf"[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffefⓒ]|\b(?:{LATIN_AGENCIES})\b")
REPORTER = re.compile(r"\s*(?:기자|특파원|작가|촬영|记者|記者)$")
PROVIDED = re.compile(r"\s*(?:제공|캡처|갈무리|提供)$")
LETTERS = re.compile(r"[가-힣A-Za-z\u3040-\u30ff\u4e00-\u9fff]")


def is_agency(name: str) -> bool:
    return bool(re.fullmatch(rf"(?:{AGENCY})(?:\s*(?:제공|提供))?", name.strip()))


def east_asian_credit(match: re.Match, known_provider) -> ImageCredit | None:
    """A credit's names: `홍길동 기자` (a reporter) and what `撮影` names are photographers, `OO 제공`
    (provided by) and an agency are providers; None when what follows the label is a sentence, not
    a name, or when a source label names no picture agency (the source of figures)."""
    who = match.group("who").strip()
    label = match.groupdict().get("label") or ""
    if not who or len(who.split()) > 4 or not LETTERS.search(who):
        return None
    if re.fullmatch(SOURCE_LABEL, label) and not (is_agency(who) or known_provider(who)):
        return None
    text = match.group(0).strip().lstrip("=＝").strip()
    if REPORTER.search(who) or label in ("撮影", "摄影"):
        return ImageCredit(text, REPORTER.sub("", who) or None, None)
    return ImageCredit(text, None, PROVIDED.sub("", who) or who)


def taken_by_credit(match: re.Match, known_provider=None) -> ImageCredit | None:
    """Who took a picture (`张三`, `张三 李四`) and the agency that sent it or whose reporter took
    it; None for a sentence's end (`他拍摄`): without a desk named, a name stands apart from `摄`."""
    groups = match.groupdict()
    agency = groups.get("sent_outside") or groups["sent_by"] or groups["agency"]
    if not groups["gap"] and not (agency or groups["own"]):
        return None
    return ImageCredit(match.group(0).strip(), " ".join(match.group("who").split()), agency)


def east_asian_credits(text: str, known_provider=lambda name: False) -> tuple[str, list[ImageCredit]]:
    """`text` without its Korean, Japanese and Chinese credits (in brackets anywhere, or at its end),
    and those; `known_provider` tells the agencies other scripts write (`셔터스톡` or `Getty Images`)."""
    if not MIGHT_HOLD_ONE.search(text):
        return text, []
    found = []
    forms = [(form, taken_by_credit) for form in TAKEN_FORMS] + [(form, east_asian_credit) for form in FORMS]
    for form, credit_of in forms:
        for match in list(form.finditer(text)):
            credit = credit_of(match, known_provider)
            if credit:
                found.append(credit)
                text = text.replace(match.group(0), " ", 1)
    if not found:
        return text, []  # untouched: a block of code keeps its indentation
    return re.sub(r"[ \t]{2,}", " ", text).strip(), found
