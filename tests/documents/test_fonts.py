"""The slip font is installed by the setup and has every Vietnamese letter."""

import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from motcua.documents import font_paths

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # huyền sắc ngã hỏi nặng


def vietnamese_letters() -> set[str]:
    letters = {"đ", "Đ"}
    for vowel in VOWELS:
        for tone in TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            letters |= {letter, letter.upper()}
    return letters


def test_every_precomposed_vietnamese_letter_is_a_single_character():
    letters = vietnamese_letters()
    assert len(letters) == 2 + 2 * len(VOWELS) * len(TONES)
    assert all(len(letter) == 1 for letter in letters)


@pytest.mark.parametrize("style", ["regular", "bold"])
def test_each_style_of_the_slip_font_covers_every_vietnamese_letter(style):
    path = getattr(font_paths(), style)
    cmap = TTFont(path).getBestCmap()
    missing = sorted(letter for letter in vietnamese_letters() if ord(letter) not in cmap)
    assert missing == []


@pytest.mark.parametrize("style", ["regular", "bold"])
def test_each_style_is_a_truetype_font_that_may_be_embedded(style):
    font = TTFont(getattr(font_paths(), style))
    assert "glyf" in font  # TrueType outlines: embedded as FontFile2
    # OS/2 fsType 0: installable embedding, no restriction on embedding in documents.
    assert font["OS/2"].fsType == 0


def test_the_font_comes_from_the_installed_package_not_the_operating_system():
    paths = font_paths()
    for path in (paths.regular, paths.bold):
        assert "font_source_serif_pro" in Path(path).parts
        assert not str(path).startswith(("/usr/share/fonts", "/usr/local/share/fonts"))
        assert path.is_file()
    licence = paths.regular.parent / "LICENSE.txt"
    assert "SIL Open Font License" in licence.read_text(encoding="utf-8")
