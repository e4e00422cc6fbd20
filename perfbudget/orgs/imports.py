"""Import pages for organisations (导入机构) and accounts (导入用户), served by core.views_import.

Only the region's budget section and performance office (and superusers) may use them (orgs.access).
"""

from django.utils.translation import gettext_lazy as _

from perfbudget.core.imports import ImportPage, register

from .access import can_manage
from .importers import ORG_SPEC
from .importers_accounts import ACCOUNT_SPEC

NOT_ALLOWED = _("只有财政局预算科、绩效科和系统管理员可以导入或导出机构和用户；"
                "如需维护本单位的机构或账号，请联系本级财政局。")

ORGANISATIONS = register(ImportPage(
    key="organisations", spec=ORG_SPEC, namespace="orgs", title=_("导入机构"),
    intro=_("每行一个机构：主管部门及其所属预算单位（上级机构须已在系统中或在本文件中，行的顺序不限）。"
            "从机构列表导出的文件也可修改后直接导入。"),
    update_help=_("勾选后，系统中已有的机构代码按文件修改名称、上级机构、归口业务科室和启用状态；不勾选则视为重复并报错。"),
    template_filename=_("机构导入模板"), allowed=can_manage, refused=NOT_ALLOWED,
    upload_url="orgs:import", template_url="orgs:import_template", back=("orgs:list", _("机构与区划")),
    done=("orgs:list", _("返回机构列表")), extra_links=(("orgs:export", _("导出现有机构"), "btn-export"),),
))

# Hashing a password at production strength takes ≈0.3 s (measured, PBKDF2): a few dozen new users already make
# a request of several seconds, so account files go to the background much sooner. Their stored upload holds
# initial passwords: it is deleted when the finished job's page is first shown (the upload page redirects there).
ACCOUNTS = register(ImportPage(
    key="accounts", spec=ACCOUNT_SPEC, namespace="orgs", title=_("导入用户"),
    intro=_("每行一项授权：用户名、姓名、初始密码、角色和授权机构（或区划）。同一用户有多个角色时分多行填写。"),
    update_help=_("勾选后，已有的授权按文件更新用户的姓名和电话（填写了初始密码的同时修改密码）；不勾选则视为重复并报错。"),
    template_filename=_("用户导入模板"), allowed=can_manage, refused=NOT_ALLOWED,
    upload_url="orgs:import_accounts", template_url="orgs:import_accounts_template",
    back=("orgs:list", _("机构与区划")),
    done=("orgs:users", _("查看用户与授权")), background_rows=20, discard_file=True,
))
