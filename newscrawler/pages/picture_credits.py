"""The credits of an article's pictures as any page marks them: the elements that hold them, and
credits read from their text."""

from __future__ import annotations

from ..cleaning.credits import credit_of_element, looks_like_name
from ..items import ImageCredit

CREDIT_CLASS_TEST = " or ".join(f"contains(translate(@class, 'CREDITOPYHGAS', 'creditopyhgas'), '{w}')"
                                for w in ("credit", "copyright", "photographer"))
CAPTION_CLASS_TEST = "contains(translate(@class, 'CAPTION', 'caption'), 'caption')"
# Credit elements: the innermost element whose class names a credit; a caption's `<cite>` or
# `<small>`; what microdata calls the picture's copyright holder or creator.
CREDIT_ELEMENTS = (f"descendant-or-self::*[{CREDIT_CLASS_TEST}][not(.//*[{CREDIT_CLASS_TEST}])] | "
                   ".//figcaption//cite | .//figcaption//small | "
                   ".//*[@itemprop='copyrightHolder' or @itemprop='creator' or @itemprop='author'][not(@content)]")
CAPTION_ELEMENTS = f"descendant-or-self::figcaption | descendant-or-self::*[{CAPTION_CLASS_TEST}][not(.//*[{CAPTION_CLASS_TEST}])]"


def names_look_right(credit: ImageCredit) -> bool:
    """A credit element's names read as names (`Jane Doe`, `Getty Images`), not as a notice
    (`No reproduction without permission.`)."""
    return looks_like_name(credit.photographer) and looks_like_name(credit.provider)


def credit_from_text(text: str) -> ImageCredit:
    """A credit element's text as a credit: its label left out, its names told apart (a person, an
    agency)."""
    return credit_of_element(text)
