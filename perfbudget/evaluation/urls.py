"""Pages of 绩效评价 under /evaluation/."""

app_name = "evaluation"

urlpatterns = []
