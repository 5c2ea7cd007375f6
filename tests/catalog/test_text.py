import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.text import normalize_vietnamese, search_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ KẾT HÔN", "dang ky ket hon"),
        ("  Nguyễn   Thị\tHương ", "nguyen thi huong"),
        ("Phường Ưu Điềm, đặc khu Côn Đảo", "phuong uu diem, dac khu con dao"),
        ("1.001193", "1.001193"),
        # Composed and decomposed input give the same result.
        ("Ho\u0323 ti\u0323ch", "ho tich"),
        # "Ð" (eth) left behind by old TCVN3/VNI conversions stands for "Đ".
        ("ÐÀ NẴNG", "da nang"),
        ("", ""),
    ],
)
def test_normalize_vietnamese_strips_diacritics_case_and_extra_space(text, expected):
    assert normalize_vietnamese(text) == expected


def test_normalizing_twice_changes_nothing():
    once = normalize_vietnamese("Chứng thực bản sao từ bản chính")
    assert normalize_vietnamese(once) == once


def test_search_words_are_normalised_and_blank_queries_have_none():
    assert search_words("Khai  SINH") == ["khai", "sinh"]
    assert search_words("   ") == []
    assert search_words(None) == []


VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " \t\n0123456789.-", max_size=80))
def test_normalised_vietnamese_is_plain_lowercase_ascii_and_stable(text):
    normalised = normalize_vietnamese(text)
    assert normalised.isascii()
    assert normalised == normalised.lower()
    assert "  " not in normalised and normalised == normalised.strip()
    assert normalize_vietnamese(normalised) == normalised
    # Same number of words: only letters change, never the word boundaries.
    assert len(normalised.split()) == len(text.split())
