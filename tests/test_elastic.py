"""What only the Elasticsearch archive has: the server version it accepts."""

from __future__ import annotations

from search.backends.elastic.connection import CLIENT_VERSION, SUPPORTED_MAJOR, version_problem


def test_elasticsearch_of_another_major_version_is_named():
    assert version_problem("http://es:9200", f"{SUPPORTED_MAJOR}.19.21") is None
    problem = version_problem("http://es:9200", "7.17.9")
    assert problem is not None
    assert "7.17.9" in problem and CLIENT_VERSION in problem and "http://es:9200" in problem
