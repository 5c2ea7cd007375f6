"""Demo dossiers for `motcua demo`: a few dossiers of the demo commune in different states,
driven through the real services so their history, ledger and slips are genuine."""

from django.db import transaction

from motcua.catalog.models import Procedure
from motcua.dossiers import services as s
from motcua.dossiers.models import Channel, Dossier
from motcua.units.models import User

DEMO_RESULT = b"%PDF-1.4\n% motcua demo result\n%%EOF\n"

PEOPLE = [
    ("Nguyễn Thị Ngọc Ánh", "046190001234", "0912345678"),
    ("Trần Văn Bình", "046088004321", "0987654321"),
    ("Lê Thị Cúc", "046095005555", "0905111222"),
    ("Phạm Minh Đức", "046201006789", "0934000111"),
    ("Hoàng Thị Én", "046176002468", "0978222333"),
]


def seed_demo_dossiers() -> list[str]:
    """Create the demo dossiers once (idempotency keys make a second run a no-op)."""
    if Dossier.objects.filter(idempotency_key__startswith="demo-").exists():
        return list(
            Dossier.objects.filter(idempotency_key__startswith="demo-").values_list(
                "code", flat=True
            )
        )
    counter = User.objects.get(username="tiepnhan")
    specialist = User.objects.get(username="chuyenvien")
    leader = User.objects.get(username="lanhdao")
    procedures = list(Procedure.objects.filter(level="commune", limit_kind="days")[:3])
    codes = []
    for number, (name, id_number, phone) in enumerate(PEOPLE):
        procedure = procedures[number % len(procedures)]
        with transaction.atomic():
            dossier = s.dossier_submit(
                procedure=procedure,
                receiving_agency=counter.agency,
                applicant=s.Applicant(
                    name=name,
                    id_number=id_number,
                    phone=phone,
                    address=f"{counter.agency.unit.name}, {counter.agency.unit.province.name}",
                ),
                channel=Channel.COUNTER,
                user=counter,
                idempotency_key=f"demo-{number}",
            )
        codes.append(dossier.code)
        if number == 0:
            continue  # waits at the counter
        dossier = s.dossier_receive(dossier=dossier, user=counter)
        if number == 1:
            continue  # received, waiting for assignment
        dossier = s.step_assign(dossier=dossier, user=counter, assignee=specialist)
        if number == 2:
            continue  # with the specialist
        dossier = s.dossier_propose_result(
            dossier=dossier, user=specialist, file_name="du-thao-ket-qua.pdf", content=DEMO_RESULT
        )
        if number == 3:
            continue  # in the leader's approval queue
        # Sent back by the leader for rework: back with the specialist.
        dossier = s.dossier_send_back(dossier=dossier, user=leader, reason="Bổ sung căn cứ")
    return codes
