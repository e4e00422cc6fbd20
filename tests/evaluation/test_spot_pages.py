"""抽评 pages: the list (scope, filter, export), the draw form (errors, commit then reveal), the batch page (verify,
record download, assign, steps, publish), the item page (re-score row by row, errors write nothing, both signatures),
the exchange sheet opened back with python-docx and the batch .xlsx with openpyxl."""

import io
import json

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from perfbudget.evaluation import sampling, services_spot
from perfbudget.evaluation.models import SpotCheck, SpotCheckItem, SpotCheckStatus

from .test_spot_fixtures import drawn_batch, exchanging_batch, reviewing_batch, submitted_selfevals, unit_user

pytestmark = pytest.mark.django_db


def test_list_is_scoped_filtered_and_exported(world, login):
    sc = drawn_batch(world)
    client = login(world.users["county"]["perf"])
    url = reverse("evaluation:spot_checks")
    r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200 and str(sc) in body and "抽取抽评项目" in body
    assert str(sc) not in client.get(url, {"status": "published"}).content.decode()
    assert str(sc) in client.get(url, {"q": "盐池"}).content.decode()
    r = client.get(url, {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(row=2, column=1).value == str(sc) and ws.cell(row=2, column=5).value == 3
    other = login(world.users["sibling"]["perf"]).get(url).content.decode()
    assert str(sc) not in other
    assert "抽取抽评项目" not in login(world.users["county"]["unit"]).get(url).content.decode()


def test_draw_form_commits_then_reveals(world, login):
    submitted_selfevals(world)
    client = login(world.users["county"]["perf"])
    url = reverse("evaluation:spot_check_draw")
    assert client.get(url).status_code == 200
    r = client.post(url, {"region": world.county.pk, "year": 2025, "share": "5%", "keys": ["department"]})
    assert r.status_code == 200 and "不得低于规则集规定的10%" in r.content.decode()
    r = client.post(url, {"region": world.county.pk, "year": 2025, "share": "50%", "bounds": "五百"})
    assert "不是数字" in r.content.decode() and not SpotCheck.objects.exists()
    r = client.post(url, {"region": world.county.pk, "year": 2025, "share": "50%", "keys": ["department"],
                          "bounds": "300, 100"})
    sc = SpotCheck.objects.get()
    assert r.status_code == 302 and sc.status == SpotCheckStatus.COMMITTED and sc.sample_size == 2
    assert sc.strata_keys == ["department"] and sc.amount_bounds == []
    page = client.get(reverse("evaluation:spot_check", args=[sc.pk])).content.decode()
    assert sc.seed_hash in page and "公开种子和抽评样本" in page and sc.sealed_seed not in page
    client.post(reverse("evaluation:spot_check_reveal", args=[sc.pk]))
    sc.refresh_from_db()
    assert sc.status == SpotCheckStatus.DRAWN and sc.items.count() == 2
    assert client.get(url).status_code == 200
    assert login(world.users["county"]["unit"]).get(url).status_code == 403


def test_batch_page_verifies_and_downloads_the_record(world, login):
    sc = drawn_batch(world, share="0.5")
    client = login(world.users["county"]["perf"])
    url = reverse("evaluation:spot_check", args=[sc.pk])
    assert "验证通过" in client.get(url, {"verify": 1}).content.decode()
    record = json.loads(client.get(reverse("evaluation:spot_check_record", args=[sc.pk])).content)
    assert sampling.verify(record) == (True, [])
    SpotCheck.objects.filter(pk=sc.pk).update(seed="0" * 64)
    assert "验证未通过" in client.get(url, {"verify": 1}).content.decode()
    assert login(world.users["sibling"]["perf"]).get(url).status_code == 404


def test_assign_and_steps_through_the_page(world, login):
    sc = drawn_batch(world)
    perf = world.users["county"]["perf"]
    client = login(perf)
    url = reverse("evaluation:spot_check", args=[sc.pk])
    r = client.post(reverse("evaluation:spot_check_step", args=[sc.pk]), {"action": "start_review"}, follow=True)
    assert "未指定复核人" in r.content.decode()
    items = [str(i.pk) for i in sc.items.all()]
    agency = world.users["county"]["agency"]
    for bad in ({"items": ["x"], "reviewer": agency.pk}, {"items": items, "reviewer": "y"}, {"items": items}):
        r = client.post(reverse("evaluation:spot_check_assign", args=[sc.pk]), bad, follow=True)
        assert r.status_code == 200 and ("请选择" in r.content.decode() or "复核人应为" in r.content.decode())
    client.post(reverse("evaluation:spot_check_assign", args=[sc.pk]), {"items": items, "reviewer": agency.pk})
    assert set(SpotCheckItem.objects.filter(spot_check=sc).values_list("reviewer", flat=True)) == {agency.pk}
    client.post(reverse("evaluation:spot_check_step", args=[sc.pk]), {"action": "start_review"})
    sc.refresh_from_db()
    assert sc.status == SpotCheckStatus.REVIEWING
    assert "开始复核" in client.get(url).content.decode()  # the workflow record


def test_item_page_rescores_row_by_row(world, login):
    sc = reviewing_batch(world)
    item = sc.items.order_by("position").first()
    client = login(world.users["county"]["agency"])
    url = reverse("evaluation:spot_item", args=[item.pk])
    page = client.get(url).content.decode()
    assert "计算复核得分" in page and item.review_rows[0]["name"] in page
    data = {"row_version": item.row_version, "executed": "", "opinion": "按核实数计分。"}
    for r in item.review_rows:
        data[f"r{r['row']}-actual"] = r["self_actual"]
        data[f"r{r['row']}-applicable"] = "on"
    first = item.review_rows[0]["row"]
    bad = dict(data, **{f"r{first}-judgement": "2"})
    r = client.post(url, bad)
    assert r.status_code == 400 and "第1行达成比例" in r.content.decode()
    item.refresh_from_db()
    assert item.review_total is None
    data[f"r{first}-actual"] = "1600平方米"
    r = client.post(url, data)
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.review_total < item.self_total and item.reviewer_opinion == "按核实数计分。"
    r = client.post(reverse("evaluation:spot_item_sign", args=[item.pk]), {"side": "reviewer", "opinion": "同意。"})
    item.refresh_from_db()
    assert item.reviewer_signed_at is not None
    # the unit may not see the item yet, another agency never
    assert login(unit_user(item)).get(url).status_code == 404
    assert login(world.users["sibling"]["agency"]).get(url).status_code == 404


def test_unit_signs_and_the_bureau_publishes_through_the_pages(world, login):
    sc = exchanging_batch(world)
    items = list(sc.items.order_by("position"))
    for item in items:
        client = login(unit_user(item))
        url = reverse("evaluation:spot_item", args=[item.pk])
        assert "单位签字确认" in client.get(url).content.decode()
        r = client.post(reverse("evaluation:spot_item_sign", args=[item.pk]), {"side": "unit", "agreed": "no"},
                        follow=True)
        assert "须写明意见" in r.content.decode()
        client.post(reverse("evaluation:spot_item_sign", args=[item.pk]),
                    {"side": "unit", "agreed": "yes", "opinion": "认可。"})
    assert SpotCheckItem.objects.filter(spot_check=sc, unit_signed_at__isnull=False).count() == 3
    client = login(world.users["county"]["perf"])
    client.post(reverse("evaluation:spot_check_publish", args=[sc.pk]), {"conclusion": "抽评3个项目，总体较好。"})
    sc.refresh_from_db()
    assert sc.status == SpotCheckStatus.PUBLISHED
    page = login(unit_user(items[0])).get(reverse("evaluation:spot_check", args=[sc.pk])).content.decode()
    assert "抽评3个项目，总体较好。" in page and items[0].self_evaluation.project.name in page
    assert items[1].self_evaluation.project.name not in page  # another unit's item


def test_exchange_sheet_docx_opens_with_both_scores_and_opinions(world, login):
    sc = exchanging_batch(world)
    item = sc.items.order_by("position").first()
    services_spot.sign_as_unit(unit_user(item), item, "面积含附属用房，请予考虑。", agreed=False)
    item = SpotCheckItem.objects.with_related().get(pk=item.pk)
    r = login(unit_user(item)).get(reverse("evaluation:spot_item_docx", args=[item.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "项目支出绩效抽评签证单" in text
    assert "第一项指标实际完成值与佐证材料不符" in text and "面积含附属用房" in text and "不认可复核结果" in text
    assert item.self_evaluation.project.name in cells
    total_row = next(row for row in doc.tables[1].rows if row.cells[0].text == "总分")
    assert [c.text for c in total_row.cells[1:3]] == [_plain(item.self_total), _plain(item.review_total)]
    assert any(c.startswith("被评价单位（签字、盖章）：") and str(item.unit_signed_by) in c for c in cells)
    rows = doc.tables[2].rows
    assert len(rows) == 1 + len(item.review_rows) and rows[1].cells[6].text.startswith("≥1600")


def _plain(value):
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def test_batch_xlsx_opens_with_the_comparison_and_strata(world, login):
    sc = exchanging_batch(world)
    r = login(world.users["county"]["perf"]).get(reverse("evaluation:spot_check_xlsx", args=[sc.pk]))
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["对比表"]
    assert ws["A1"].value == str(sc) and ws.cell(row=2, column=8).value == "自评得分"
    related = sc.items.select_related("self_evaluation__project_year__project")
    items = {i.self_evaluation.project.code: i for i in related}
    for row in ws.iter_rows(min_row=3, values_only=True):
        item = items[row[1]]
        assert row[7] == float(item.self_total) and row[9] == float(item.review_total)
        assert row[11] == pytest.approx(float(item.difference))
    assert ws.max_row == 2 + 3
    strata = wb["分层抽取"]
    assert sum(r[2] for r in strata.iter_rows(min_row=2, values_only=True)) == 3
    assert wb["抽取记录"]["B5"].value == sc.seed_hash
