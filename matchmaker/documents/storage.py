"""Where documents' bytes live: a folder outside the web root (the instance folder by default) or an
S3-compatible object store, chosen by the environment (``DOCUMENT_STORE``). Keys are the platform's own
random names, never a name a user typed."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from flask import current_app


class LocalStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written under a temporary name and renamed: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str | None = None):
        import boto3

        self.bucket, self.prefix = bucket, prefix
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)


def new_key() -> str:
    return uuid.uuid4().hex


def store():
    """The configured store (one per app: an S3 client is built once)."""
    app = current_app._get_current_object()
    kept = app.extensions.get("document_store")
    if kept is None:
        config = app.config
        if config["DOCUMENT_STORE"] == "s3":
            if not config["DOCUMENT_S3_BUCKET"]:
                raise RuntimeError("DOCUMENT_STORE=s3 needs DOCUMENT_S3_BUCKET")
            kept = S3Store(bucket=config["DOCUMENT_S3_BUCKET"], prefix=config["DOCUMENT_S3_PREFIX"],
                           endpoint_url=config["DOCUMENT_S3_ENDPOINT_URL"], region=config["DOCUMENT_S3_REGION"])
        elif config["DOCUMENT_STORE"] == "local":
            kept = LocalStore(config["DOCUMENT_DIR"] or os.path.join(app.instance_path, "documents"))
        else:
            raise RuntimeError(f"DOCUMENT_STORE must be local or s3, not {config['DOCUMENT_STORE']!r}")
        app.extensions["document_store"] = kept
    return kept
