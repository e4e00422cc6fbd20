from django import forms
from django.utils.translation import gettext_lazy as _

from . import frameworks
from .models import IndicatorCategory, IndicatorEntry
from .services import EDITABLE_FIELDS

LEVEL1 = [(x, x) for x in (*frameworks.LAYOUTS["10号"], frameworks.COST)]
LEVEL2 = sorted({(l2, l2) for layout in frameworks.LAYOUTS.values() for l2s in layout.values() for l2 in l2s})


class IndicatorEntryForm(forms.ModelForm):
    level1 = forms.ChoiceField(label=_("一级指标"), choices=LEVEL1)
    level2 = forms.ChoiceField(label=_("二级指标"), choices=LEVEL2)
    revision_note = forms.CharField(label=_("修订说明"), max_length=300, required=False)

    class Meta:
        model = IndicatorEntry
        fields = ["code", *EDITABLE_FIELDS]
        widgets = {"definition": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, revising=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = IndicatorCategory.objects.filter(parent__isnull=False)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("留空则按本地区编码自动编号。")
        if revising:
            del self.fields["code"]
            self.fields["revision_note"].required = True

    def clean(self):
        data = super().clean()
        l1, l2 = data.get("level1"), data.get("level2")
        allowed = {(a, b) for layout in frameworks.LAYOUTS.values() for a, bs in layout.items() for b in bs}
        if l1 and l2 and (l1, l2) not in allowed:
            self.add_error("level2", _("「%(l2)s」不属于「%(l1)s」。") % {"l1": l1, "l2": l2})
        return data
