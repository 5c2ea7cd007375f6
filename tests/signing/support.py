"""Sample PDFs and byte surgery for the signature tests."""

import re

from fpdf import FPDF

# The result's text; the tamper tests change one letter of it inside the signed file.
RESULT_TEXT = "QUYET DINH: cap giay chung nhan cho ong Nguyen Van An"
LEADER_USERNAME = "lanhdao"
LEADER_FULL_NAME = "Phạm Quốc Hùng"  # exactly as motcua.units.demo writes it
REASON = "Phê duyệt kết quả giải quyết hồ sơ 000.01.30.H57-261122-0001"
LOCATION = "Thành phố Huế"


def make_pdf(text: str = RESULT_TEXT) -> bytes:
    """A one-page PDF with its content stream uncompressed, so a test can find the text."""
    pdf = FPDF()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def byte_range(signed: bytes) -> tuple[int, int, int, int]:
    found = re.findall(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", signed)
    assert len(found) == 1, "expected exactly one signature"
    start, length, second_start, second_length = (int(value) for value in found[0])
    return start, length, second_start, second_length


def change_one_letter_of_the_text(signed: bytes) -> bytes:
    """Turn "Nguyen" into "Nguyon" in the signed content: one byte, inside the signed range."""
    position = signed.index(b"Nguyen") + 4
    start, length, _second, _second_length = byte_range(signed)
    assert start <= position < start + length, "the letter must lie inside the signed range"
    tampered = bytearray(signed)
    tampered[position] = ord("o")
    assert sum(a != b for a, b in zip(signed, tampered, strict=True)) == 1
    return bytes(tampered)
