"""The public catalogue and procedure pages: search, filters, content, weight, CSP."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.dossiers.conftest import make_procedure
from tests.portal.support import add_documents

LIMIT = 100 * 1024


@pytest.fixture
def catalogue(procedure):
    add_documents(procedure)
    land = make_procedure("1.000001", name="Đăng ký đất đai lần đầu", days=30)
    land.field, land.level, land.online_level, land.fee_vnd = (
        "Đất đai",
        "province",
        "partial",
        100000,
    )
    land.save()
    return procedure, land


@pytest.mark.parametrize(
    "query", ["khai sinh", "KHAI SINH", "Khai Sinh", "dang ky khai", "1.001193"]
)
def test_search_finds_a_procedure_with_or_without_accents(client, catalogue, query):
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in response.text
    assert "Đăng ký đất đai lần đầu" not in response.text


def test_filters_by_field_level_and_online_level(client, catalogue):
    by_field = client.get("/", {"linh_vuc": "Đất đai"}).text
    assert "Đăng ký đất đai lần đầu" in by_field
    assert "Đăng ký khai sinh" not in by_field
    by_level = client.get("/", {"cap": "commune"}).text
    assert "Đăng ký khai sinh" in by_level
    assert "Đăng ký đất đai lần đầu" not in by_level
    partial = client.get("/", {"truc_tuyen": "partial"}).text
    assert "Đăng ký đất đai lần đầu" in partial
    assert "Đăng ký khai sinh" not in partial


def test_an_invalid_filter_value_is_ignored_not_an_error(client, catalogue):
    response = client.get("/", {"cap": "district", "trang": "x"})
    assert response.status_code == 200


def test_procedure_page_shows_documents_fee_time_limit_and_where(client, catalogue):
    _, land = catalogue
    response = client.get("/thu-tuc/1.001193/")
    assert response.status_code == 200
    text = response.text
    for expected in [
        "Đăng ký khai sinh",
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "Mẫu TP/HT-2020-KS.1",
        "Ủy ban nhân dân cấp xã",
        "Luật Hộ tịch 2014, Điều 16",
        "3 ngày làm việc",
        "Miễn phí",
        "/thu-tuc/1.001193/nop/",
    ]:
        assert expected in text, expected
    assert "100.000 đ" in client.get(f"/thu-tuc/{land.code}/").text


def test_an_unknown_or_inactive_procedure_is_not_found(client, catalogue):
    procedure, _ = catalogue
    assert client.get("/thu-tuc/9.999999/").status_code == 404
    procedure.is_active = False
    procedure.save()
    assert client.get("/thu-tuc/1.001193/").status_code == 404


def _weight(client, response) -> int:
    """Bytes of the page and of every stylesheet and script it loads (images excluded)."""
    html = response.content
    total = len(html)
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(rb'<script[^>]+src="([^"]+)"', html)
    for url in assets:
        path = url.decode().removeprefix("/static/")
        found = finders.find(path)
        assert found, f"asset {url} is not served by the app"
        total += Path(found).stat().st_size
    return total


def test_catalogue_and_procedure_pages_weigh_under_100_kb(client, catalogue):
    for number in range(40):
        make_procedure(f"2.{number:06d}", name=f"Thủ tục thử nghiệm có tên khá dài số {number}")
    home = client.get("/")
    procedure_page = client.get("/thu-tuc/1.001193/")
    assert _weight(client, home) < LIMIT
    assert _weight(client, procedure_page) < LIMIT
    # A first page is paginated, whatever the catalogue's size.
    assert home.text.count('class="meta"') <= 2 * 20


def test_pages_carry_no_inline_style_or_script_and_a_strict_policy(client, catalogue):
    for url in ["/", "/thu-tuc/1.001193/", "/tra-cuu/", "/xac-thuc/", "/phan-anh/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert " style=" not in response.text, url
        assert "<script" not in response.text, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_vietnamese_by_default_and_english_on_request(client, catalogue):
    vietnamese = client.get("/")
    assert vietnamese["Content-Language"] == "vi"
    assert "Thủ tục hành chính" in vietnamese.text
    assert "Hồ sơ của tôi" in vietnamese.text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/")
    assert english["Content-Language"] == "en"
    assert "Administrative procedures" in english.text
    assert "My dossiers" in english.text


def test_the_catalogue_page_reads_a_fixed_number_of_queries(
    client, catalogue, django_assert_max_num_queries
):
    for number in range(30):
        make_procedure(f"3.{number:06d}", name=f"Thủ tục {number}")
    # count, page, field list (+ session/savepoints of the test client)
    with django_assert_max_num_queries(5):
        assert client.get("/").status_code == 200
