"""Pages of 第三方机构库与专家库 under /pools/."""

app_name = "pools"

urlpatterns = []
