"""The account table (用户导入) for the generic import mechanism.

One row per role grant (a user name repeats to add grants), validated by `AccountGrantForm`, saved by
`save_account`. The first row of a new user name carries its initial password; later rows may leave it empty.
Passwords are never echoed into error messages.
"""

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from perfbudget.core.importexport import TEXT_FORMAT, Column, TableSpec, choice, code, text

from .access import GRANTABLE_BY_MANAGERS, manages_account
from .choices import Role
from .forms_accounts import AccountGrantForm
from .models import RoleGrant
from .services import save_account


def role_dropdown(user):
    roles = Role.values if user.is_superuser else [r for r in Role.values if r in GRANTABLE_BY_MANAGERS]
    return [str(Role(r).label) for r in roles]


ACCOUNT_COLUMNS = (
    Column("用户名", "username", required=True, parse=text, width=16, number_format=TEXT_FORMAT,
           help=_("登录用的用户名（字母、数字和 @.+-_）；同一用户有多个角色时，每个角色一行、用户名相同。"),
           example="yc_school3"),
    Column("姓名", "display_name", required=True, parse=text, width=12, help=_("使用人姓名。"), example=_("王芳")),
    Column("电话", "phone", parse=text, width=14, number_format=TEXT_FORMAT, help=_("联系电话，选填。"),
           example="13800000000"),
    Column("初始密码", "password", parse=text, width=16, number_format=TEXT_FORMAT,
           help=_("新用户必填（至少8位，不能过于简单），同一用户只需在第一行填写；已有用户留空则不修改密码。"),
           example="Yc-2025-start"),
    Column("角色", "role", required=True, parse=choice(Role.choices), dropdown=role_dropdown, width=16,
           help=_("预算单位、主管部门、财政局业务科室等；预算科、绩效科只能给本级机构授予预算单位、主管部门、业务科室角色。"),
           example=_("预算单位")),
    Column("授权机构代码", "organisation_code", parse=code, width=20, number_format=TEXT_FORMAT,
           help=_("按机构授权的角色填写：预算单位角色填预算单位代码，主管部门角色填主管部门代码，业务科室角色填科室代码。"),
           example="640323-JYJ-03"),
    Column("授权区划代码", "region_code", parse=code, width=16, number_format=TEXT_FORMAT,
           help=_("按区划授权的角色（预算科、绩效科、人大/审计/纪检）填写区划代码，其他角色留空。"), example=""),
)


def save_grant(user, data, instance):
    return save_account(user, data, instance=instance)


def lookup_grant(data):
    return RoleGrant.objects.select_related("user").filter(
        user__username=data["username"], role=data["role"], organisation=data["organisation"],
        region=data["region"]).first()


def grant_unchanged(grant, data):
    account = grant.user
    return (not data["password"] and account.display_name == data["display_name"]
            and data["phone"] in ("", account.phone))


def can_update_grant(grant, user):
    if manages_account(user, grant.user):
        return None
    return gettext("用户「%(username)s」不在您的管理范围内") % {"username": grant.user.username}


def check_account_rows(rows):
    """Rows of one user name agree on the person; a new user's first row carries the initial password."""
    first = {}
    for row_no, data in rows:
        username = data["username"]
        if username not in first:
            first[username] = (row_no, data)
            if data["account"] is None and not data["password"]:
                yield row_no, "password", gettext("新用户必须填写初始密码（同一用户在其第一行填写）")
            continue
        ref_row, ref = first[username]
        for field, label in (("display_name", gettext("姓名")), ("phone", gettext("电话")),
                             ("password", gettext("初始密码"))):
            if data[field] and data[field] != ref[field]:
                # a password is reported on the whole row, so that its value is not echoed into the report
                yield row_no, "" if field == "password" else field, gettext(
                    "同一用户名的「%(column)s」与第%(row)s行不一致") % {"column": label, "row": ref_row}


ACCOUNT_SPEC = TableSpec(
    name="accounts",
    path="perfbudget.orgs.importers_accounts.ACCOUNT_SPEC",
    title=pgettext_lazy("import title", "用户"),
    sheet_title="用户导入",
    columns=ACCOUNT_COLUMNS,
    form_class=AccountGrantForm,
    save=save_grant,
    key=lambda data: (data["username"], data["role"], data["organisation_code"], data["region_code"]),
    key_label=_("用户名+角色+授权范围"),
    key_field="username",
    lookup=lookup_grant,
    unchanged=grant_unchanged,
    can_update=can_update_grant,
    check_rows=check_account_rows,
    instructions=(
        _("4. 每行是一个用户的一项授权；同一用户有多个角色时分多行填写，用户名、姓名相同，初始密码只需在第一行填写。"),
        _("5. 已有用户：添加新的授权；填写了初始密码的才修改其密码。已有的授权默认视为重复；"
          "勾选「更新已有记录」后按文件更新姓名和电话。"),
    ),
)
