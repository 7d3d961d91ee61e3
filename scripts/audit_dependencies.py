"""Audit requirements.lock with pip-audit against the package registry this machine reaches.

pip-audit's PyPI service asks `https://pypi.org/pypi/<name>/<version>/json` for the
known vulnerabilities of each pinned release. The registry reachable here serves
only the per-project document (`/pypi/<name>/json`), whose `vulnerabilities` are
those of the project's newest release. So each version query is answered from the
project document when the pin *is* the newest release, and is reported as not
auditable (with the newest version) otherwise; no vulnerability service is faked.

    .venv/bin/python scripts/audit_dependencies.py [requirements.lock]

Exit status: 0 when no pinned release has a known vulnerability, 1 when one does
(each printed with its id and the versions that fix it), 2 when the registry cannot
be reached. Pins that cannot be audited are listed, never hidden.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import requests
from pip_audit._audit import Auditor
from pip_audit._dependency_source import RequirementSource
from pip_audit._service import PyPIService
from pip_audit._service.interface import ServiceError, SkippedDependency
from requests.adapters import HTTPAdapter

VERSION_URL = re.compile(r"^https://pypi\.org/pypi/(?P<name>[^/]+)/(?P<version>[^/]+)/json$")


class NewestReleaseOnly(HTTPAdapter):
    """Answers a per-version query from the per-project document, for the newest release."""

    def __init__(self, session: requests.Session) -> None:
        super().__init__()
        self.upstream = session

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        match = VERSION_URL.match(request.url or "")
        if match is None:
            return super().send(request, **kwargs)
        project = requests.get(f"https://pypi.org/pypi/{match['name']}/json", timeout=60)
        answer = requests.Response()
        answer.url, answer.request = request.url or "", request
        if project.status_code == 200 and project.json()["info"]["version"] == match["version"]:
            answer.status_code, answer._content = 200, project.content
        else:
            answer.status_code, answer._content = 404, b"{}"
        return answer


def main(lock: Path) -> int:
    service = PyPIService(timeout=60)
    service.session.mount("https://pypi.org/pypi/", NewestReleaseOnly(service.session))
    source = RequirementSource([lock], no_deps=True, disable_pip=True)
    vulnerable, skipped, audited = [], [], 0
    try:
        for dependency, vulnerabilities in Auditor(service).audit(source):
            if isinstance(dependency, SkippedDependency):
                skipped.append(dependency.name)
                continue
            audited += 1
            vulnerable += [(dependency, v) for v in vulnerabilities]
    except (ServiceError, requests.RequestException, OSError) as error:
        print(f"audit: the package registry cannot be reached: {error}", file=sys.stderr)
        return 2
    for dependency, vulnerability in vulnerable:
        fixes = ", ".join(str(v) for v in vulnerability.fix_versions) or "no fix yet"
        print(
            f"audit: {dependency.name} {dependency.version}: {vulnerability.id} "
            f"({vulnerability.description[:120]}); fixed in {fixes}",
            file=sys.stderr,
        )
    if skipped:
        print(
            f"audit: {len(skipped)} pins are not their project's newest release, so the "
            f"registry here gives no vulnerability list for them: {', '.join(sorted(skipped))}",
            file=sys.stderr,
        )
    print(
        f"audit: {audited} pinned releases audited with pip-audit, "
        f"{len(vulnerable)} known vulnerabilities",
        file=sys.stderr,
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock")))
