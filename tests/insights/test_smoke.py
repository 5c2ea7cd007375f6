from motcua.dossiers import services as s
from motcua.insights.models import DailyFact
from tests.dossiers.conftest import PDF, at


def test_smoke(submit, staff, clock, rebuild_matches):
    d = submit()
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    clock.move_to(at(2026, 3, 13, 10, 0))
    d = s.dossier_propose_result(dossier=d, user=staff.specialist_a, file_name="a.pdf", content=PDF)
    d = s.dossier_approve(dossier=d, user=staff.leader_a)
    d = s.dossier_mark_result_ready(dossier=d, user=staff.counter_a)
    for row in DailyFact.objects.order_by("day").values():
        print({k: v for k, v in row.items() if v})
    rebuild_matches()


def test_pages(submit, staff, clock, client):
    from django.urls import reverse

    d = submit()
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    client.force_login(staff.provincial_leader)
    for url in [
        reverse("insights:index"),
        reverse("insights:unit", args=[staff.province.pk]),
        reverse("insights:unit", args=[staff.commune_a.pk]),
        reverse("insights:agency", args=[staff.agency_a.pk]),
        reverse("insights:procedure", args=[d.procedure_id]) + f"?unit={staff.commune_a.pk}",
        reverse("insights:officer", args=[staff.counter_a.pk]),
        reverse("insights:dossiers") + f"?unit={staff.commune_a.pk}&metric=in_progress",
        reverse("insights:late") + f"?unit={staff.commune_a.pk}",
        reverse("insights:ranking", args=[staff.province.pk]),
        reverse("insights:export") + f"?unit={staff.commune_a.pk}",
        reverse("insights_public:index"),
        reverse("insights_public:unit", args=["xa", staff.commune_a.code]),
        reverse("insights_public:unit", args=["tinh", staff.province.code]),
    ]:
        r = client.get(url, follow=True)
        assert r.status_code == 200, (url, r.status_code)
    r = client.get(reverse("insights:dossiers") + f"?unit={staff.commune_a.pk}&metric=in_progress")
    assert d.code in r.content.decode()
