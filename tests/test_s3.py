"""The tests' S3 server (``tests/s3.py``, rclone serve s3) really checks what storage relies on:
SigV4 signatures on every request, presigned URLs bound to their object, method and expiry."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
from botocore.exceptions import ClientError

from tests.s3 import S3Server

BUCKET = "photos"
KEY = "originals/ab/cd.jpg"


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with S3Server(tmp_path_factory.mktemp("s3") / "root") as server:
        server.create_bucket(BUCKET)
        server.client().put_object(Bucket=BUCKET, Key=KEY, Body=b"the photo")
        yield server


def error_code(call: object) -> tuple[int, str]:
    with pytest.raises(ClientError) as info:
        call()  # type: ignore[operator]
    return info.value.response["ResponseMetadata"]["HTTPStatusCode"], info.value.response["Error"]["Code"]


def presign(s3: S3Server, key: str = KEY, expires: int = 60, method: str = "get_object") -> str:
    return s3.client().generate_presigned_url(method, Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=expires)


def test_right_keys_read_and_write_files_in_the_folder(s3: S3Server) -> None:
    client = s3.client()
    client.put_object(Bucket=BUCKET, Key="thumbs/1.jpg", Body=b"small")
    assert client.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"the photo"
    assert (s3.root / BUCKET / "thumbs" / "1.jpg").read_bytes() == b"small"


def test_wrong_secret_is_refused_for_reads_writes_and_listing(s3: S3Server) -> None:
    wrong = s3.client(secret_key=s3.secret_key + "x")
    assert error_code(lambda: wrong.get_object(Bucket=BUCKET, Key=KEY)) == (403, "SignatureDoesNotMatch")
    assert error_code(lambda: wrong.put_object(Bucket=BUCKET, Key="evil.jpg", Body=b"x"))[0] == 403
    assert error_code(lambda: wrong.list_objects_v2(Bucket=BUCKET))[0] == 403
    assert not (s3.root / BUCKET / "evil.jpg").exists()


def test_unsigned_request_is_refused(s3: S3Server) -> None:
    response = requests.get(f"{s3.endpoint_url}/{BUCKET}/{KEY}", timeout=10)
    assert response.status_code in (400, 403) and b"the photo" not in response.content


def test_presigned_url_works_only_for_its_object_and_signature(s3: S3Server) -> None:
    url = presign(s3)
    assert requests.get(url, timeout=10).content == b"the photo"
    signature = url.rsplit("X-Amz-Signature=", 1)[1]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    tampered = {
        "signature": url.replace(signature, flipped),
        "another object": url.replace(KEY, "thumbs/1.jpg"),
        "a longer life": url.replace("X-Amz-Expires=60", "X-Amz-Expires=604800"),
    }
    for what, bad in tampered.items():
        response = requests.get(bad, timeout=10)
        assert response.status_code == 403, (what, response.status_code, response.text)
        assert b"SignatureDoesNotMatch" in response.content


def test_presigned_get_cannot_write(s3: S3Server) -> None:
    response = requests.put(presign(s3, key="forged.jpg"), data=b"x", timeout=10)
    assert response.status_code == 403
    assert not (s3.root / BUCKET / "forged.jpg").exists()


def test_expired_presigned_url_is_refused(s3: S3Server) -> None:
    short, long = presign(s3, expires=1), presign(s3, expires=120)
    time.sleep(2.5)
    response = requests.get(short, timeout=10)
    assert response.status_code in (400, 403), response.text
    assert b"AccessDenied" in response.content
    # Not a clock-skew window: the same age with a longer X-Amz-Expires still works.
    assert requests.get(long, timeout=10).content == b"the photo"


def test_restart_keeps_objects_port_and_keys(s3: S3Server) -> None:
    port = s3.port
    s3.restart()
    assert s3.port == port
    assert s3.client().get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"the photo"
