"""The throwaway PostgreSQL cluster (``tests/pg.py``) and the ``TEST_DATABASE`` switch."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from tests.pg import PostgresCluster, fresh_database_url, wants_postgres
from webapp.devstack import port_open


def test_cluster_serves_password_protected_databases_and_leaves_nothing() -> None:
    with PostgresCluster() as cluster:
        directory = cluster.directory
        url = cluster.create_database("first")
        with psycopg.connect(url) as db:
            assert db.execute("SELECT current_database(), inet_server_addr()::text").fetchone() == (
                "first",
                "127.0.0.1/32",
            )
        other = fresh_database_url(url)
        assert other.rsplit("/", 1)[1].startswith("stack_") and other != url
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(url.replace(cluster.password, "wrong"), connect_timeout=5)
    assert not directory.exists()
    assert not port_open(cluster.port)


@pytest.mark.django_db
def test_test_database_follows_the_switch() -> None:
    # TEST_DATABASE=postgres (make test-postgres) must really move the tests off SQLite.
    assert connection.vendor == ("postgresql" if wants_postgres() else "sqlite")


def test_cluster_listens_only_where_told() -> None:
    # For namespaced workers the cluster listens on a link's address; here another loopback one.
    with PostgresCluster(listen=("127.0.0.2",), allow=("127.0.0.2/32",)) as cluster:
        with psycopg.connect(cluster.url("postgres")) as db:
            assert db.execute("SELECT inet_server_addr()::text").fetchone() == ("127.0.0.2/32",)
        assert not port_open(cluster.port, "127.0.0.1")
        assert "host all all 127.0.0.2/32 scram-sha-256" in (cluster.data / "pg_hba.conf").read_text()
