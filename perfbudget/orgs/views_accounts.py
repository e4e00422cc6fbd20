"""Accounts pages: the users of one's scope with their grants (用户与授权), and changing one's own password."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from perfbudget.core.views_import import refuse

from .access import can_manage, can_view_accounts, visible_grants_q, visible_users
from .models import RoleGrant
from .passwords import PasswordChangeForm

PAGE_SIZE = 50


class UserListView(LoginRequiredMixin, TemplateView):
    """用户与授权: accounts holding a grant the viewer can see, with those grants; search by name or user name."""

    template_name = "orgs/users.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_view_accounts(request.user):
            return refuse(request, _("只有财政局和主管部门的用户可以查看用户与授权。"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        grants = RoleGrant.objects.select_related("region", "organisation").order_by("role", "id")
        if not user.is_superuser:
            grants = grants.filter(visible_grants_q(user))
        users = visible_users(user).prefetch_related(Prefetch("role_grants", queryset=grants, to_attr="shown_grants"))
        q = self.request.GET.get("q", "").strip()
        if q:
            users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
        page = Paginator(users.order_by("username"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(page=page, q=q, can_manage=can_manage(user))
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码, for every signed-in user, in the site layout; the session stays signed in afterwards."""

    template_name = "orgs/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:inbox")
    success_message = gettext_lazy("密码已修改，下次登录请使用新密码。")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, self.success_message)
        return response
