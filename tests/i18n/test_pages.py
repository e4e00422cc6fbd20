"""The interface is Chinese by default and English after the language button (POST /i18n/setlang/)."""

import pytest
from django.urls import reverse

# (url name, args from the world, user key, English labels, Chinese labels) of the main pages.
PAGES = {
    "inbox": ("core:inbox", None, "unit", ["My to-do", "Project library", "All stages", "Log out"],
              ["我的待办", "项目库", "全部环节", "退出"]),
    "list": ("projects:list", None, "unit",
             ["Project library", "Export to Excel", "Initial budget (10k yuan)", "General public budget",
              "Accepted into the library", "A/B/C class", "project-years"],
             ["项目库", "导出Excel", "年初预算(万元)", "一般公共预算", "已入库", "分级分类"]),
    "detail": ("projects:detail", "school", "unit",
               ["Basic information", "Submit to library", "Budget unit", "Implementation period", "Initial budget",
                "10k yuan", "Specific purpose", "Draft"],
               ["基本信息", "提交入库", "预算单位", "实施期", "年初预算数", "特定目标类", "草稿"]),
    "rulesets": ("rulesets:list", None, "perf",
                 ["Rule set", "Version in force", "Class A minimum amount (yuan)", "Review deadline (days)",
                  "Save as new version"],
                 ["规则集", "当前生效版本", "A类项目金额下限(元)", "审核办理期限(天)", "保存为新版本"]),
    "goals": ("goals:list", None, "unit", ["Performance goals", "No performance goals match."],
              ["绩效目标", "没有符合条件的绩效目标。"]),
    "library": ("indicators:list", None, "unit", ["Indicator library", "Indicator type", "Direction"],
                ["指标性质", "指标方向"]),
    "rounds": ("monitoring:rounds", None, "perf", ["Monitoring rounds and forms", "Negative list", "Actions taken"],
               ["监控轮次与填报", "负面清单", "处置记录"]),
    "negative": ("monitoring:negative_list", None, "perf", ["Negative list"], ["负面清单", "列入负面清单"]),
    "import": ("projects:import", None, "unit",
               ["Project bulk import", "Download import template", "Template columns", "Start import",
                "Update existing records", "Full name of the project."],
               ["项目批量导入", "下载导入模板", "模板列", "开始导入", "更新已有记录", "项目全称。"]),
}


def _url(world, name, args):
    if args is None:
        return reverse(name)
    return reverse(name, args=[world.projects["county"][args].pk])


def _get(client, url):
    r = client.get(url)
    assert r.status_code == 200, url
    return r.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_chinese_by_default(world, login, page):
    name, args, user, english, chinese = PAGES[page]
    html = _get(login(world.users["county"][user]), _url(world, name, args))
    assert '<html lang="zh-hans">' in html
    for label in chinese:
        assert label in html, label
    assert "My to-do" not in html and "Project library" not in html


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_english_after_switching(world, english, page):
    name, args, user, labels, chinese = PAGES[page]
    html = _get(english(world.users["county"][user]), _url(world, name, args))
    assert '<html lang="en">' in html
    for label in labels:
        assert label in html, label
    for label in chinese:
        assert label not in html, label


def test_import_page_keeps_the_chinese_column_headers(world, english):
    """The headers are what the file must contain, so they stay Chinese; their explanations are English."""
    html = _get(english(world.users["county"]["unit"]), reverse("projects:import"))
    for header in ("项目编码", "预算单位", "功能分类科目", "年初预算数(元)"):
        assert header in html
    assert "Expenditure function classification code" in html


def test_switching_back_to_chinese(world, english):
    client = english(world.users["county"]["unit"])
    assert "My to-do" in _get(client, reverse("core:inbox"))
    assert client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}).status_code == 302
    html = _get(client, reverse("core:inbox"))
    assert "我的待办" in html and "My to-do" not in html


def test_form_errors_are_english(world, english):
    client = english(world.users["county"]["unit"])
    r = client.post(reverse("projects:create"), {"code": "bad code!", "name": ""})
    assert r.status_code == 200
    html = r.content.decode()
    assert "A project code may contain only letters, digits and hyphens." in html
    assert "项目编码只能包含字母、数字和连字符。" not in html
