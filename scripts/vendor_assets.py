#!/usr/bin/env python3
"""Copy the front-end files the templates load from node_modules/ into perfbudget/static/vendor/.

The packages are pinned in package.json + package-lock.json and installed by `npm ci`; their built files
are served from our own static folder because bureaus run on offline intranets (never a CDN). The vendor
folder is ignored by git and rebuilt by `make`. A source map is copied beside its file when the minified
file points to it, so that browser tools do not ask for a missing file. Standard library only.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "perfbudget" / "static" / "vendor"

# destination (under static/vendor/) -> source (under node_modules/); names are what the templates load
FILES = {
    "bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap/LICENSE": "bootstrap/LICENSE",
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "htmx/LICENSE": "htmx.org/LICENSE",
    "tom-select/tom-select.bootstrap5.min.css": "tom-select/dist/css/tom-select.bootstrap5.min.css",
    "tom-select/tom-select.complete.min.js": "tom-select/dist/js/tom-select.complete.min.js",
    "tom-select/LICENSE": "tom-select/LICENSE",
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "echarts/LICENSE": "echarts/LICENSE",
}


def _copy(source: Path, target: Path) -> bool:
    """Copy when the target is missing or differs; return whether anything was written."""
    if target.exists() and target.read_bytes() == source.read_bytes():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


def _source_map(source: Path) -> Path | None:
    """The `.map` file a minified file names in its last line, if it names one that exists."""
    if source.suffix not in (".js", ".css"):
        return None
    tail = source.read_bytes()[-300:].decode("utf-8", "replace")
    if "sourceMappingURL=" not in tail:
        return None
    candidate = source.with_name(source.name + ".map")
    return candidate if candidate.exists() else None


def main() -> int:
    """Copy every file in FILES; fail with a clear message when npm has not installed the packages."""
    missing = [src for src in FILES.values() if not (NODE_MODULES / src).is_file()]
    if missing:
        print(
            "vendor_assets: missing in node_modules/ (run `npm ci` first): " + ", ".join(missing),
            file=sys.stderr,
        )
        return 1
    written = 0
    for dest, src in FILES.items():
        source, target = NODE_MODULES / src, VENDOR / dest
        written += _copy(source, target)
        source_map = _source_map(source)
        if source_map:
            written += _copy(source_map, target.with_name(target.name + ".map"))
    print(f"vendor_assets: {VENDOR.relative_to(ROOT)} up to date ({written} file(s) written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
