import pytest
from django.urls import reverse

from motcua.catalog.models import Process
from motcua.catalog.services import catalog_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    catalog_seed()


def test_admin_search_is_accent_insensitive(admin_client, seeded):
    url = reverse("admin:catalog_procedure_changelist")
    response = admin_client.get(url, {"q": "dang ky ket hon"})
    assert response.status_code == 200
    assert "Đăng ký kết hôn" in response.text
    assert "Đăng ký khai sinh" not in response.text


def test_admin_lists_filter_by_level(admin_client, seeded):
    url = reverse("admin:catalog_procedure_changelist")
    response = admin_client.get(url, {"level__exact": "province"})
    assert "Đăng ký thành lập công ty cổ phần" in response.text
    assert "Đăng ký kết hôn" not in response.text


def step_forms(process, budgets):
    data = {
        "procedure": process.procedure_id,
        "agency": "",
        "name": process.name,
        "steps-TOTAL_FORMS": str(len(budgets)),
        "steps-INITIAL_FORMS": str(process.steps.count()),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    existing = list(process.steps.order_by("order"))
    for index, step in enumerate(existing):
        data.update(
            {
                f"steps-{index}-id": str(step.pk),
                f"steps-{index}-process": str(process.pk),
                f"steps-{index}-order": str(step.order),
                f"steps-{index}-kind": step.kind,
                f"steps-{index}-role": step.role,
                f"steps-{index}-agency": "",
                f"steps-{index}-budget_hours": str(budgets[index]),
            }
        )
    return data


def test_admin_shows_budgets_that_miss_the_limit_as_a_form_error(admin_client, seeded):
    process = Process.objects.get(procedure__code="1.004873", agency__isnull=True)
    budgets = [s.budget_hours + 10 for s in process.steps.order_by("order")]
    url = reverse("admin:catalog_process_change", args=[process.pk])
    response = admin_client.post(url, step_forms(process, budgets))
    assert response.status_code == 200  # the form again, not a redirect
    assert "khác thời hạn luật định (24 giờ)" in response.text
    assert "differ from the legal limit (24 h)" in response.text


def test_admin_saves_budgets_that_fit_the_limit(admin_client, seeded):
    process = Process.objects.get(procedure__code="1.004873", agency__isnull=True)
    budgets = [s.budget_hours for s in process.steps.order_by("order")]
    budgets[0] -= 1
    budgets[1] += 1
    url = reverse("admin:catalog_process_change", args=[process.pk])
    response = admin_client.post(url, step_forms(process, budgets))
    assert response.status_code == 302
    assert [s.budget_hours for s in process.steps.order_by("order")] == budgets


def test_admin_warns_when_a_new_limit_leaves_a_process_out_of_step(admin_client, seeded):
    from motcua.catalog.models import Procedure

    procedure = Procedure.objects.get(code="1.004873")
    url = reverse("admin:catalog_procedure_change", args=[procedure.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["limit_amount"] = "5"
    for flag in ("is_inter_agency", "is_active"):
        if not data[flag]:
            data.pop(flag)
    inline = page.context["inline_admin_formsets"][0].formset
    data.update({f"{inline.prefix}-{k}": v for k, v in inline.management_form.initial.items()})
    for index, doc_form in enumerate(inline.forms):
        for name in doc_form.fields:
            value = doc_form[name].value()
            if name == "mandatory" and not value:
                continue
            data[f"{inline.prefix}-{index}-{name}"] = "" if value is None else value
    response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    procedure.refresh_from_db()
    assert procedure.limit_amount == 5
    warnings = [str(m) for m in response.context["messages"]]
    assert any("differ from the legal limit (40 h)" in w for w in warnings)


def test_admin_pages_render_for_the_catalogue(admin_client, seeded):
    process = Process.objects.get(procedure__code="1.001193", agency__isnull=True)
    urls = [
        reverse("admin:catalog_procedure_add"),
        reverse("admin:catalog_procedure_change", args=[process.procedure_id]),
        reverse("admin:catalog_process_changelist"),
        reverse("admin:catalog_process_add"),
        reverse("admin:catalog_process_change", args=[process.pk]),
    ]
    for url in urls:
        assert admin_client.get(url).status_code == 200, url
    found = admin_client.get(reverse("admin:catalog_process_changelist"), {"q": "KHAI SINH"})
    assert "Quy trình mẫu: Đăng ký khai sinh" in found.text


def test_autocomplete_finds_procedures_without_diacritics(admin_client, seeded):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "xac nhan tinh trang",
            "app_label": "catalog",
            "model_name": "process",
            "field_name": "procedure",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        "1.004873 — Cấp Giấy xác nhận tình trạng hôn nhân"
    ]


def test_an_administrator_without_superuser_rights_cannot_edit_a_template(client, personas):
    catalog_seed()
    from django.contrib.auth.models import Permission

    user = personas.counter_a
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    client.force_login(user)
    template = Process.objects.get(procedure__code="1.001193", agency__isnull=True)
    url = reverse("admin:catalog_process_change", args=[template.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.post(url, {}).status_code == 403
