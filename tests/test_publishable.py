"""A site built for this machine's address is never published (issue 20): its citations say they
are local, and .ci/check-publishable, the publish workflow's last step before upload, refuses
any site that names a local address."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jobtal.publish.site import is_local

CHECK = Path(__file__).parents[1] / ".ci" / "check-publishable"


def check(site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK), str(site)], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("address", "local"),
    [
        ("http://127.0.0.1:8000/", True),
        ("http://localhost/", True),
        ("http://[::1]:8000/", True),
        ("https://jobtal.github.io/jobtal/", False),
        ("https://127.0.0.1.example.org/", False),
        (None, False),
    ],
)
def test_a_local_address_is_told_from_a_published_one(address, local):
    assert is_local(address) is local


def test_a_local_build_says_its_citations_are_local(tiny_site):
    # the tiny site is built without $JOBTAL_SITE_URL: mkdocs.yml's local default
    for page in ("jobcenter/koebenhavn/index.html", "en/jobcenter/koebenhavn/index.html"):
        html = (tiny_site / page).read_text(encoding="utf-8")
        citation = html.split('class="jobtal-citation"', 1)[1]
        assert "http://127.0.0.1:8000/" in citation.split("</p>", 1)[0]
        assert "jobtal-citation-local" in html


def test_the_publish_check_refuses_a_local_build(tiny_site):
    result = check(tiny_site)
    assert result.returncode == 1
    named = [line for line in result.stdout.splitlines() if line.startswith(str(tiny_site))]
    assert 0 < len(named) <= 20  # the files are named, the first 20
    for line in named:
        assert "http://127.0.0.1:8000/" in Path(line).read_text(encoding="utf-8")
    assert "not published" in result.stdout


def test_the_publish_check_passes_a_site_with_its_real_address(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="https://jobtal.example/jobcenter/">x</a> 127.0.0.1 in text is no address',
        encoding="utf-8",
    )
    assert check(tmp_path).returncode == 0
    (tmp_path / "feed.xml").write_text("<id>http://localhost:8000/</id>", encoding="utf-8")
    assert check(tmp_path).returncode == 1
