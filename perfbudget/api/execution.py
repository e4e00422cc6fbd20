"""预算执行数据 in the API: `POST /api/execution/import/` loads one file (multipart field `file`, CSV in
UTF-8/GB18030 or `.xlsx`) for the caller, all rows or none, through the same loader as the page and the command.

200 → the batch and its counts; 400 → `{"detail", "error_count", "errors": [{"row", "column", "value", "reason"}]}`
(row null for a problem of the file as a whole), nothing written; 403 → the caller is not a finance bureau's
绩效科/预算科. The load runs within the request (no background job), however large the file.
"""

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from perfbudget.core.audit import acting_as
from perfbudget.monitoring.execution import load_execution
from perfbudget.monitoring.views_execution import may_import


class ExecutionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label=gettext_lazy("执行数据文件"),
                                 help_text=gettext_lazy("CSV（UTF-8 或 GB18030）或 .xlsx；表头 project_code,"
                                                        "fiscal_year,month,paid_amount，"
                                                        "可选 budget_type,function_code,source。"))


class ExecutionBatchSerializer(serializers.Serializer):
    batch = serializers.IntegerField(label=gettext_lazy("导入批次"))
    total = serializers.IntegerField(label=gettext_lazy("数据行数"))
    created = serializers.IntegerField(label=gettext_lazy("新增"))
    updated = serializers.IntegerField(label=gettext_lazy("更正"))
    unchanged = serializers.IntegerField(label=gettext_lazy("未变"))
    encoding = serializers.CharField(label=gettext_lazy("文件编码"))


class ExecutionRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, label=gettext_lazy("行号"))
    column = serializers.CharField(label=gettext_lazy("列名"))
    value = serializers.CharField(label=gettext_lazy("值"))
    reason = serializers.CharField(label=gettext_lazy("错误原因"))


class ExecutionImportErrorsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    error_count = serializers.IntegerField(label=gettext_lazy("错误数"))
    errors = ExecutionRowErrorSerializer(many=True)


class ExecutionImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["execution"],
        summary=gettext_lazy("导入预算执行数据"),
        description=gettext_lazy("上传一份执行数据文件（按月支付数，单位元）。全部行校验通过才写入；同一文件重复导入不改变数据，"
                                 "同一项目同一月份的新金额替换原金额并记录更正。任何一行有错误返回 400 并列出每处错误，"
                                 "不写入任何数据。仅财政局绩效科、预算科可用，项目须在其管理范围内。"),
        request={"multipart/form-data": ExecutionUploadSerializer},
        responses={200: ExecutionBatchSerializer,
                   400: OpenApiResponse(ExecutionImportErrorsSerializer,
                                        description=gettext_lazy("文件或数据行有错误，未写入。")),
                   403: OpenApiResponse(description=gettext_lazy("无权导入执行数据。"))},
    )
    def post(self, request):
        if not may_import(request.user):
            raise PermissionDenied(_("只有财政局绩效科、预算科可以导入预算执行数据。"))
        serializer = ExecutionUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        with acting_as(request.user):
            result = load_execution(upload, request.user, filename=upload.name)
        if result.errors:
            errors = [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason} for e in result.errors]
            detail = _("导入未通过：共 %(n)s 处错误，没有写入任何数据。") % {"n": result.error_count}
            return Response({"detail": detail, "error_count": result.error_count, "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"batch": result.batch.pk, "total": result.total, "created": result.created,
                         "updated": result.updated, "unchanged": result.unchanged, "encoding": result.encoding})


urlpatterns = [
    path("execution/import/", ExecutionImportView.as_view(), name="execution_import"),
]
