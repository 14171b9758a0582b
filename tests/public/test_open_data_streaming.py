"""A dataset's file streams outside any transaction, as in production: on PostgreSQL the values are read
through a server-side cursor held across the response's chunks (Django's WITH HOLD cursor in autocommit)."""

import pytest
from django.db import connection
from django.urls import reverse

from observatory import exports
from public import open_data
from tests.public.data_helpers import open_dataset_with_values
from tests.public.test_open_data import DATASET_CSV


@pytest.mark.django_db(transaction=True)
def test_a_dataset_file_streams_in_autocommit(client, cast, monkeypatch):
    open_dataset_with_values(cast)
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    monkeypatch.setattr(open_data, "CHUNK_ROWS", 2)
    response = client.get(reverse("public:dataset_file", args=["metro-ouvert", "csv"]))
    assert connection.get_autocommit()
    chunks = list(response.streaming_content)
    assert len([chunk for chunk in chunks if chunk]) >= 3
    assert b"".join(chunks).decode() == DATASET_CSV
