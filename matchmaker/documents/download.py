"""A document's bytes as an HTTP answer, the same for the pages and the API."""
from __future__ import annotations

import io

from flask import request, send_file


def file_response(document, data: bytes):
    """The file as the browser should treat a stranger's upload: its checked type, shown inline for
    reading (its type is checked and the browser may not sniff another), never cached on the way."""
    response = send_file(io.BytesIO(data), mimetype=document.content_type, download_name=document.filename,
                         as_attachment=request.args.get("download") == "1", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
