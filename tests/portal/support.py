"""Helpers shared by the portal and ratings tests."""

import re
from pathlib import Path

import motcua
from motcua.catalog.models import RequiredDocument
from motcua.dossiers import services as s

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64

# Words that must never reach a public page or the Open311 feed (tests/dossiers APPLICANT,
# and the counter officer's name from tests/conftest.py).
APPLICANT_NAME = "Nguyễn Thị Ngọc Ánh"
APPLICANT_PHONE = "0912345678"
APPLICANT_ID = "046190001234"
APPLICANT_STREET = "Số 12 đường Lê Lợi"
OFFICERS = ("Cán bộ counter_a", "Cán bộ specialist_a", "Phạm Quốc Hùng")


def personal_data_in(text: str) -> list[str]:
    found = [
        word
        for word in (APPLICANT_NAME, APPLICANT_PHONE, APPLICANT_ID, APPLICANT_STREET, *OFFICERS)
        if word in text
    ]
    if re.search(r"0912\D?345\D?678", text):
        found.append("phone (formatted)")
    return found


def add_documents(procedure, *, fee: int = 0) -> list[RequiredDocument]:
    documents = [
        RequiredDocument.objects.create(
            procedure=procedure,
            name="Tờ khai đăng ký khai sinh",
            mandatory=True,
            form="original",
            template_name="Mẫu TP/HT-2020-KS.1",
            order=1,
        ),
        RequiredDocument.objects.create(
            procedure=procedure, name="Giấy chứng sinh", mandatory=True, form="original", order=2
        ),
        RequiredDocument.objects.create(
            procedure=procedure,
            name="Giấy ủy quyền",
            mandatory=False,
            form="certified_copy",
            order=3,
        ),
    ]
    if fee:
        procedure.fee_vnd = fee
        procedure.save(update_fields=["fee_vnd"])
    return documents


def run_to_returned(dossier, staff, *, result: bytes = PDF):
    """Receive, process, approve, mark ready (with a result file) and return a dossier."""
    d = s.dossier_receive(dossier=dossier, user=staff.counter_a)
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="du-thao.pdf", content=result
    )
    d = s.dossier_approve(dossier=d, user=staff.leader_a)
    d = s.dossier_mark_result_ready(
        dossier=d, user=staff.counter_a, result_file_name="ket-qua.pdf", result_content=result
    )
    return s.dossier_return(dossier=d, user=staff.counter_a)


def compile_catalogues() -> None:
    """Compile the apps' Vietnamese catalogues when the .mo is missing or older than the
    .po (``make`` does it for the project's catalogue), then drop loaded translations."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from django.utils.translation import trans_real

    changed = False
    for app in ("portal", "ratings"):
        po = Path(motcua.__file__).parent / app / "locale" / "vi" / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
            changed = True
    if changed:
        trans_real._translations = {}
        trans_real._default = None
