"""Hostile bodies against a real server (issue 12): a 14 MiB body of 1.2 million unknown keys sent to
the unauthenticated token endpoint. Measures its answer's time and size, and /healthz's latency while two
such bodies arrive at once, through gunicorn (2 sync workers, so two slow bodies would hold both).
Everything stays on 127.0.0.1; the loops are bounded in count and time."""
from __future__ import annotations

import http.client
import json
import os
import tempfile
import threading
import time
from urllib.parse import urlsplit

from bench.load import serve
from bench.ranking import bench, percentile_ms
from matchmaker import create_app

# As found: 1.2 million unknown keys in about 14 MiB, under the 16 MiB upload limit.
WIDE = ("{" + ",".join(f'"k{i}":1' for i in range(1_200_000)) + "}").encode()
DEEP = b"[" * 100_000 + b"]" * 100_000


def post(base: str, path: str, body: bytes) -> tuple[float, int, int]:
    """(seconds, status, answer bytes) of one POST."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read()
        return time.perf_counter() - started, response.status, len(answer)
    except OSError:  # the server may close the connection before reading the whole body: that is the point
        return time.perf_counter() - started, 0, 0
    finally:
        connection.close()


def healthz_while(base: str, seconds: float, stop: threading.Event) -> list[float]:
    parts = urlsplit(base)
    samples, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline and not stop.is_set():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        started = time.perf_counter()
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        samples.append(time.perf_counter() - started)
        connection.close()
        time.sleep(0.02)
    return samples


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/hostile.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            # In-process first: the application's own work, with no network in between.
            client = app.test_client()
            started = time.perf_counter()
            answer = client.post("/api/v1/auth/token", data=WIDE, content_type="application/json")
            bench("hostile_wide_json_in_process_seconds", time.perf_counter() - started,
                  f"s (status {answer.status_code}, body {len(WIDE) / 2**20:.1f} MiB)")
            bench("hostile_wide_json_in_process_answer_bytes", len(answer.get_data()), "bytes")
        os.environ["WEB_CONCURRENCY_SAVED"] = os.environ.get("WEB_CONCURRENCY", "")
        os.environ["WEB_CONCURRENCY"] = "2"
        server, base = serve(url, folder)
        try:
            seconds, status, size = post(base, "/api/v1/auth/token", WIDE)
            bench("hostile_wide_json_seconds", seconds, f"s (status {status}, body {len(WIDE) / 2**20:.1f} MiB)")
            bench("hostile_wide_json_answer_bytes", size, "bytes")
            seconds, status, size = post(base, "/api/v1/auth/token", DEEP)
            bench("hostile_deep_json_seconds", seconds, f"s (status {status}, 100,000 levels)")
            quiet = healthz_while(base, 3, threading.Event())
            stop = threading.Event()
            senders = [threading.Thread(target=post, args=(base, "/api/v1/auth/token", WIDE)) for _ in range(2)]
            for sender in senders:
                sender.start()
            during = healthz_while(base, 5, stop)
            for sender in senders:
                sender.join(timeout=120)
            bench("hostile_healthz_quiet_p50_ms", percentile_ms(quiet, 50), "ms")
            bench("hostile_healthz_during_two_wide_bodies_p50_ms", percentile_ms(during, 50), "ms")
            bench("hostile_healthz_during_two_wide_bodies_max_ms", max(during) * 1000, "ms")
        finally:
            server.terminate()
            server.wait(timeout=30)
            os.environ["WEB_CONCURRENCY"] = os.environ.pop("WEB_CONCURRENCY_SAVED")


if __name__ == "__main__":
    main()
