"""Navigation laid out by lifecycle stage; only stages that exist are listed (no dead links)."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from perfbudget.orgs.access import ACCOUNT_VIEWER_ROLES, MANAGER_ROLES
from perfbudget.orgs.choices import BUREAU_ROLES, Role

# (stage label, [(label, url name, roles allowed or None for everyone signed in)])
STAGES = [
    (_("工作台"), [(_("我的待办"), "core:inbox", None)]),
    (_("项目库"), [
        (_("项目列表"), "projects:list", None),
        (_("新增项目"), "projects:create", {Role.UNIT, Role.BUDGET_SECTION}),
        (_("批量导入"), "projects:import", {Role.UNIT, Role.DEPARTMENT, Role.BUDGET_SECTION}),
    ]),
    (_("绩效目标"), [
        (_("目标申报与审核"), "goals:list", None),
        (_("目标审核汇总"), "goals:summary", {Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION, Role.FUNDING_SECTION,
                                           Role.DEPARTMENT, Role.OVERSIGHT}),
        (_("批量导入目标"), "goals:import", {Role.UNIT}),
        (_("指标库"), "indicators:list", None),
    ]),
    (_("运行监控"), [
        (_("监控轮次与填报"), "monitoring:rounds", None),
        (_("导入执行数据"), "monitoring:execution_import", {Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION}),
        (_("处置记录"), "monitoring:actions", {Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION, Role.FUNDING_SECTION,
                                          Role.DEPARTMENT, Role.UNIT, Role.OVERSIGHT}),
        (_("负面清单"), "monitoring:negative_list", None),
        (_("重点评价候选"), "monitoring:candidates", {Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION,
                                                Role.OVERSIGHT}),
    ]),
    (_("绩效评价"), [
        (_("单位自评"), "evaluation:selfevals", BUREAU_ROLES | {Role.DEPARTMENT, Role.UNIT, Role.AGENCY,
                                                           Role.OVERSIGHT}),
        (_("自评审核"), "evaluation:reviews", BUREAU_ROLES | {Role.AGENCY}),
        (_("抽评复核"), "evaluation:spot_checks", BUREAU_ROLES | {Role.AGENCY, Role.OVERSIGHT}),
        (_("重点评价"), "keyevals:list", None),
        (_("评价指标体系"), "keyevals:frameworks", BUREAU_ROLES | {Role.OVERSIGHT}),
        (_("第三方机构库"), "pools:agencies", BUREAU_ROLES | {Role.OVERSIGHT}),
        (_("专家库"), "pools:experts", BUREAU_ROLES | {Role.OVERSIGHT}),
        (_("随机抽取记录"), "pools:draws", BUREAU_ROLES | {Role.OVERSIGHT}),
    ]),
    (_("系统设置"), [
        (_("规则集"), "rulesets:list", {Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION, Role.OVERSIGHT}),
        (_("机构与区划"), "orgs:list", {Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION, Role.FUNDING_SECTION}),
        (_("导入机构"), "orgs:import", MANAGER_ROLES),
        (_("用户与授权"), "orgs:users", ACCOUNT_VIEWER_ROLES),
        (_("导入用户"), "orgs:import_accounts", MANAGER_ROLES),
        (_("接口文档"), "swagger-ui", None),
    ]),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_stages": []}
    stages = []
    for label, links in STAGES:
        items = []
        for text, name, roles in links:
            if roles is not None and not user.has_role(*roles):
                continue
            try:
                items.append({"label": text, "url": reverse(name), "name": name})
            except NoReverseMatch:
                continue
        if items:
            stages.append({"label": label, "links": items})
    return {"nav_stages": stages}
