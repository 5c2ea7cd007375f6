"""Accent-insensitive text for search: pure Python, no Django.

Citizens and officers type Vietnamese with or without diacritics ("dang ky khai sinh",
"ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh"); all three must find the same procedure, and the
same rule serves applicant-name search in other apps. The stored side and the query side
go through :func:`normalize_vietnamese`, so a plain ``LIKE`` on the normalised column works
the same on SQLite and PostgreSQL without collations or database extensions.
"""

import unicodedata

__all__ = ["normalize_vietnamese", "search_words"]

# "đ" is a letter of its own, not "d" with a combining mark, so NFD leaves it whole. "Ð"
# (U+00D0, Icelandic eth) turns up in text converted from the old TCVN3/VNI encodings in
# place of "Đ"; treat it the same.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def normalize_vietnamese(text: str) -> str:
    """Lowercase ``text``, drop diacritics, turn đ into d and collapse whitespace.

    >>> normalize_vietnamese("  Đăng ký   KHAI SINH ")
    'dang ky khai sinh'
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


def search_words(query: str | None) -> list[str]:
    """The normalised words of a search query; empty for ``None`` or blank input."""
    if not query:
        return []
    return normalize_vietnamese(query).split()
