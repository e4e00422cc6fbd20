"""Pages of 重点评价 under /keyevals/."""

app_name = "keyevals"

urlpatterns = []
