"""Validate every page type of pages.py, in every language, with the Nu Html Checker.

Run by `make validate-html`: starts a live server with the demo data, fetches each page as its
role would see it, and runs vnu-jar (node_modules, on the system Java) on all of them at once.
Exits non-zero on any error (warnings are printed, not fatal).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from liveserver import ROOT, start_server, stop_server  # noqa: E402
from pages import LANGUAGES, fetch_all  # noqa: E402

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def main() -> int:
    """Fetch, validate, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the fetched pages")
    args = parser.parse_args()
    if not VNU_JAR.exists():
        print(f"{VNU_JAR} is missing: run `npm ci` in {ROOT}", file=sys.stderr)
        return 2
    if not shutil.which("java"):
        print("java is missing: install a Java runtime (17 or newer)", file=sys.stderr)
        return 2

    started = time.monotonic()
    server = start_server()
    try:
        fetched = fetch_all(server)
    finally:
        stop_server(server)
    folder = Path(tempfile.mkdtemp(prefix="forum-html-"))
    files: dict[str, str] = {}
    wrong_status = []
    for number, page in enumerate(fetched):
        if page.status != page.spec.status:
            wrong_status.append(f"{page.spec.name} [{page.lang}]: {page.status}")
        slug = re.sub(r"[^a-z0-9]+", "-", page.spec.name.lower()).strip("-")
        path = folder / f"{number:03d}-{slug}-{page.lang}.html"
        path.write_text(page.html, encoding="utf-8")
        files[str(path)] = f"{page.spec.name} [{page.lang}] {page.path}"

    result = subprocess.run(
        ["java", "-Dnu.validator.servlet.allow-forbidden-hosts=true", "-jar", str(VNU_JAR),
         "--format", "gnu", *files],
        capture_output=True, text=True,
    )
    messages = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    errors = [line for line in messages if ": error:" in line or ": fatal:" in line]
    warnings = [line for line in messages if ": info warning:" in line or ": warning:" in line]
    for line in messages:
        match = re.match(r'^"file:(.*?)":(.*)$', line)
        print(f"{files.get(match.group(1), match.group(1))}:{match.group(2)}" if match else line)
    kinds = len({page.spec.name for page in fetched})
    print(
        f"vnu: {len(fetched)} pages ({kinds} page types x {len(LANGUAGES)} languages): "
        f"{len(errors)} errors, {len(warnings)} warnings, {time.monotonic() - started:.0f} s"
    )
    if wrong_status:
        print("unexpected status:", *wrong_status, sep="\n  ")
    if args.keep:
        print(f"pages kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if errors or wrong_status or result.returncode not in (0, 1) else 0


if __name__ == "__main__":
    sys.exit(main())
