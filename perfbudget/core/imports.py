"""Import pages as data: each importable table registers one `ImportPage`; core.views_import serves them all.

A page names its table spec, its texts, who may use it, and the URL names its app gives the generic views
(upload, template, job, errors), so that breadcrumbs and links stay inside the app's own URL space.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .importexport import BACKGROUND_ROWS, TableSpec

PAGES: dict[str, "ImportPage"] = {}


@dataclass(frozen=True)
class ImportPage:
    key: str
    spec: TableSpec
    namespace: str  # the app's URL namespace: <ns>:import_job and <ns>:import_errors serve this page's jobs
    title: str
    intro: str  # shown beside the template download
    update_help: str  # what 「更新已有记录」 does for this table
    template_filename: str
    allowed: Callable  # allowed(user) -> bool
    refused: str  # why someone not allowed is refused
    upload_url: str  # full URL names ("projects:import")
    template_url: str
    back: tuple  # (URL name, label): the list the import belongs to
    done: tuple = ()  # (URL name, label) offered when an import has finished, if not `back`
    extra_links: tuple = field(default=())  # ((URL name, label, element id), …) beside the template download
    background_rows: int = BACKGROUND_ROWS
    discard_file: bool = False  # the stored upload holds secrets: delete it once the job has finished

    @property
    def job_kind(self):
        return f"import:{self.spec.name}"


def register(page):
    PAGES[page.key] = page
    return page


def page_of_job(job):
    return next((p for p in PAGES.values() if p.job_kind == job.kind), None)
