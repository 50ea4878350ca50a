"""What a user means by what they type in a "navn eller CPR" search box: one meaning for the
board, the register (Borgere) and step-up.

* **Digits** (spaces, dashes and dots between them are ignored: "010190-1234", "0101 90",
  "01.01") are a CPR number from its start:

  - one to six digits match the birth date part (ddmmåå) from its start: "01" finds everyone
    born on the 1st, "0101" everyone born on 1 January, "010190" on 1 January 1990;
  - all ten digits ("010190-1234" or "0101901234") find the one citizen with that number;
  - seven to nine digits, or more than ten, find no one. The last four digits count only
    when the whole number is typed, so the search is never a way to learn a CPR number's last
    digits one at a time (revealing a number is logged; searching is not). Masked numbers stay
    masked wherever they are shown: the search only picks rows.

* **Anything else** is words of a name: every word must appear somewhere in the name, in any
  order, ignoring case and accents ("jose" finds "José", "ANNE han" finds "Anne Hansen"). The
  Danish letters æ, ø and å are letters of their own, not accented ones: "å" finds "Åse",
  not "Anna", and "a" does not find "Åse".

* An empty box (or only spaces) filters nothing: :func:`parse` gives None.

Pure Python: the views parse the text once per keystroke and test each citizen with
:meth:`Query.matches` (or, for speed over thousands of rows, with :attr:`Query.words` against
names folded once with :func:`fold`)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: The length of a CPR number's birth date part (ddmmåå) and of the whole number.
DATE_DIGITS = 6
CPR_DIGITS = 10
#: What may stand between the digits of a CPR number or a date as typed.
_SEPARATORS = str.maketrans("", "", " -.")
#: Letters that keep their marks: Danish letters of their own (and their capitals, folded).
_OWN_LETTERS = frozenset("æøå")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """``text`` as the search compares it: case folded, accents dropped but for æ, ø and å.
    Cached: the same names are folded on every keystroke."""
    text = text.casefold()
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii() or ch in _OWN_LETTERS:
            out.append(ch)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed search: either CPR digits (``digits``, with ``whole`` when all ten are typed)
    or the folded words of a name (``words``)."""

    digits: str = ""
    whole: bool = False
    words: tuple[str, ...] = ()

    @property
    def is_cpr(self) -> bool:
        return bool(self.digits)

    @property
    def finds_no_one(self) -> bool:
        """Digits that can match no CPR number (seven to nine, or more than ten)."""
        return self.is_cpr and not self.whole and len(self.digits) > DATE_DIGITS

    def matches_cpr(self, cpr: str) -> bool:
        """Whether a CPR number (ten digits, with or without its dash) is what the digits say."""
        if not self.is_cpr:
            return False
        if self.finds_no_one:
            return False
        cpr = cpr.replace("-", "")
        return cpr == self.digits if self.whole else cpr.startswith(self.digits)

    def matches_folded_name(self, folded: str) -> bool:
        """Whether every word is in a name already folded with :func:`fold`."""
        return bool(self.words) and all(word in folded for word in self.words)

    def matches(self, name: str, cpr: str) -> bool:
        """Whether the citizen with this name and CPR number is what the user is looking for."""
        if self.is_cpr:
            return self.matches_cpr(cpr)
        return self.matches_folded_name(fold(name))


def parse(text: str) -> Query | None:
    """The meaning of what was typed (see the module's description); None: nothing to search."""
    text = text.strip()
    if not text:
        return None
    compact = text.translate(_SEPARATORS)
    if compact.isdigit() and compact.isascii():
        return Query(digits=compact, whole=len(compact) == CPR_DIGITS)
    return Query(words=tuple(fold(text).split()))
