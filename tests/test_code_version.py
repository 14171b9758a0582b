"""Cached values are keyed by the code that computed them (pcl.versions.code_version): after an upgrade, no
page shows HTML rendered by the release before, and no object pickled in an older shape is read back."""

import pytest
from django.core.cache import cache

from pcl import versions
from pcl.versions import code_fingerprint


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "reporting" / "__pycache__").mkdir(parents=True)
    (tmp_path / "templates" / "page.html").write_text("<p>{{ figure }}</p>")
    (tmp_path / "reporting" / "charts.py").write_text("ROWS = 1\n")
    return tmp_path


def test_the_fingerprint_follows_the_code_and_the_templates_and_nothing_else(tree):
    dirs = ("reporting", "templates")
    first = code_fingerprint(tree, dirs)
    assert code_fingerprint(tree, dirs) == first  # the same files, the same fingerprint, in every process

    (tree / "reporting" / "__pycache__" / "charts.cpython-312.pyc").write_bytes(b"\0")
    (tree / "templates" / "notes.md").write_text("not read")
    assert code_fingerprint(tree, dirs) == first

    (tree / "templates" / "page.html").write_text("<p>{{ figure }} MWh</p>")
    second = code_fingerprint(tree, dirs)
    assert second != first
    (tree / "reporting" / "charts.py").write_text("ROWS = 2\n")
    assert code_fingerprint(tree, dirs) not in (first, second)


def test_a_new_release_computes_again_what_the_last_one_cached(monkeypatch):
    cache.clear()
    computed = []

    def compute():
        computed.append(1)
        return f"rendered by release {len(computed)}"

    monkeypatch.setattr(versions, "code_version", lambda: "release-a")
    assert versions.cached(("page", 1), compute, timeout=60) == "rendered by release 1"
    assert versions.cached(("page", 1), compute, timeout=60) == "rendered by release 1"
    monkeypatch.setattr(versions, "code_version", lambda: "release-b")
    assert versions.cached(("page", 1), compute, timeout=60) == "rendered by release 2"
    assert len(computed) == 2
    cache.clear()


def test_the_release_digest_reads_every_app_of_the_project_and_its_shared_folders(monkeypatch):
    read = []
    monkeypatch.setattr(versions, "code_fingerprint", lambda base_dir, dirs: read.extend(dirs) or "digest")
    versions.code_version.cache_clear()
    try:
        assert versions.code_version() == "digest"
    finally:
        versions.code_version.cache_clear()
    apps = ["accounts", "actions", "api", "communes", "observatory", "public", "reporting", "workgroups"]
    assert sorted(read) == sorted([*apps, "pcl", "templates", "locale", "static"])
