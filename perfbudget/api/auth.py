"""Token authentication: `POST /api/auth/token/` with username and password returns `{"token": "…"}`;
the caller then sends `Authorization: Token …` with every request."""

import hashlib

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import SimpleRateThrottle


class TokenObtainSerializer(serializers.Serializer):
    """The credentials of one user."""

    username = serializers.CharField(label=_("用户名"), write_only=True)
    password = serializers.CharField(label=_("密码"), write_only=True, trim_whitespace=False,
                                     style={"input_type": "password"})

    def validate(self, attrs):
        # authenticate() returns None for inactive users too, so they get the same answer as a wrong password.
        user = authenticate(request=self.context.get("request"), username=attrs["username"],
                            password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("用户名或密码错误，或账号已停用。"), code="authorization")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    """The token to send as `Authorization: Token <token>`."""

    token = serializers.CharField(label=_("令牌"), read_only=True)


class LoginRateThrottle(SimpleRateThrottle):
    """Slows down password guessing: a limited number of attempts per client address and user name."""

    scope = "api_login"
    rate = "30/min"

    def get_cache_key(self, request, view):
        data = request.data
        username = str(data.get("username", "")) if isinstance(data, dict) else ""
        # Hashed: user names may hold characters that some cache backends refuse in keys.
        ident = hashlib.sha256(f"{self.get_ident(request)}\n{username}".encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


@extend_schema(
    tags=["auth"],
    summary=_("获取访问令牌"),
    description=_("用用户名和密码换取令牌；之后在每个请求的 `Authorization` 头中发送 `Token <令牌>`。"
                  "同一用户多次获取得到同一令牌。"),
    request=TokenObtainSerializer,
    responses={200: TokenSerializer, 400: OpenApiResponse(description=_("用户名或密码错误，或缺少字段。")),
               429: OpenApiResponse(description=_("尝试过于频繁。"))},
    auth=[],
)
class TokenObtainView(ObtainAuthToken):
    """Exchanges a username and password for the user's token (created on first use)."""

    serializer_class = TokenObtainSerializer
    # No session authentication here: a browser that is logged in must not need a CSRF token to call this.
    authentication_classes = ()
    throttle_classes = (LoginRateThrottle,)
