"""Table specifications: the columns of one business table, its form and its save path."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .cells import ImportContext, text


@dataclass(frozen=True)
class Column:
    """One column of an importable (and exportable) table.

    `parse(value, ctx)` turns a non-empty cell into the form's value (raising `CellError`); an empty cell (or an
    absent optional column) gives `default`. `dropdown` is a list of entries or `callable(user)` returning one.
    `export(obj)` gives the cell value of an object on export. `messages` overrides form error messages by code.
    """

    header: str
    field: str
    required: bool = False
    parse: Callable[[Any, ImportContext], str] = text
    dropdown: Sequence[str] | Callable[[Any], Sequence[str]] | None = None
    export: Callable[[Any], Any] | None = None
    default: str = ""
    help: str = ""
    example: str = ""
    width: int = 14
    number_format: str | None = None
    aliases: tuple[str, ...] = ()
    messages: dict = field(default_factory=dict)
    strict_dropdown: bool = True

    def dropdown_values(self, user):
        values = self.dropdown(user) if callable(self.dropdown) else self.dropdown
        return [str(v) for v in values or ()]


@dataclass(frozen=True)
class TableSpec:
    """An importable table: columns, the row form (`form_class(data=..., user=...)`), and the save path.

    `save(user, cleaned_data, instance)` writes one row (instance is the existing object on update, else None).
    `key(cleaned_data)` identifies a row (duplicates within the file); `lookup(cleaned_data)` finds the existing
    object with that key; `unchanged(instance, cleaned_data)` says an update would change nothing;
    `can_update(instance, user)` returns why an existing object may not be updated (or None);
    `check_rows(rows)` yields (row, field, reason) for rules across rows ([(row, cleaned_data), ...]).
    `save_order(rows)` returns those rows in the order they must be written (e.g. parents before children);
    without it rows are written in file order. Errors always name the rows as numbered in the file.
    `export_only` columns are written on export and ignored on import. `path` is the dotted path of the spec
    (background jobs load it by that path).
    """

    name: str
    path: str
    title: str
    sheet_title: str
    columns: tuple[Column, ...]
    form_class: type
    save: Callable[[Any, dict, Any], Any]
    key: Callable[[dict], tuple] | None = None
    key_label: str = ""
    key_field: str = ""
    lookup: Callable[[dict], Any] | None = None
    unchanged: Callable[[Any, dict], bool] | None = None
    can_update: Callable[[Any, Any], str | None] | None = None
    check_rows: Callable[[list], Iterable[tuple[int, str, str]]] | None = None
    save_order: Callable[[list], list] | None = None
    export_only: tuple[Column, ...] = ()
    instructions: tuple[str, ...] = ()

    def column(self, field_name):
        return next((c for c in self.columns if c.field == field_name), None)


# ---------------------------------------------------------------- template
