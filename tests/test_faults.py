"""Faults: the database going away and coming back; a worker killed in the middle of a request."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from matchmaker import create_app
from models import Application, FinancingNeed, db
from tests.conftest import BACKEND
from tests.test_admin_ops import a_product

ROOT = Path(__file__).resolve().parent.parent


class Outage:
    """A TCP relay in front of PostgreSQL that can be cut and restored, like a database restart."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.pairs: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.pairs += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self):
        self.up = False
        for s in self.pairs:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.pairs.clear()

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


@pytest.mark.skipif(BACKEND != "postgresql", reason="the outage is PostgreSQL's; the PostgreSQL pass runs it")
def test_healthz_is_503_while_postgresql_is_away_and_recovers_by_itself(migrated):
    url = sa.engine.make_url(migrated)
    outage = Outage(url.host, url.port or 5432)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.set(host="127.0.0.1", port=outage.port)
                      .render_as_string(hide_password=False),
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}}})
    client = app.test_client()
    try:
        assert client.get("/healthz").status_code == 200  # the pool now holds a connection
        outage.cut()
        down = client.get("/healthz")
        assert down.status_code == 503 and down.json["database"] == "unreachable"
        outage.restore()
        up = client.get("/healthz")  # pool_pre_ping replaces the dead connection: no restart
        assert up.status_code == 200 and up.json["database"] == "ok"
    finally:
        outage.close()
        with app.app_context():
            db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_worker_killed_mid_import_leaves_no_half_written_row(migrated, make_user, app, tmp_path):
    """gunicorn serves the test database; its worker is killed (SIGKILL) while importing a history."""
    admin = make_user("admin")
    officer = make_user("institution")
    product_id = a_product(app, officer)
    from bench.admin import history_csv

    data = history_csv(40_000, [product_id])
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": migrated, "MATCHMAKER_ENV": "production", "SECRET_KEY": "k" * 64,
           "MATCHMAKER_HTTPS": "0", "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_TIMEOUT": "120"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        request = urllib.request.Request(base + "/api/v1/auth/token", method="POST",
                                         data=f'{{"email": "{admin.email}", "password": "{admin.password}"}}'.encode(),
                                         headers={"Content-Type": "application/json"})
        import json

        token = json.load(urllib.request.urlopen(request, timeout=10))["token"]
        boundary = "kill-boundary"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="h.csv"\r\n\r\n').encode() \
            + data + f"\r\n--{boundary}--\r\n".encode()
        upload = urllib.request.Request(base + "/api/v1/admin/outcomes/import", data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        outcome = {}

        def send():
            try:
                outcome["status"] = urllib.request.urlopen(upload, timeout=60).status
            except Exception as error:  # the connection dies with the worker
                outcome["error"] = repr(error)

        sender = threading.Thread(target=send)
        sender.start()
        worker = None
        deadline = time.time() + 10
        while worker is None and time.time() < deadline:
            children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
            worker = int(children[0]) if children else None
        time.sleep(1.5)  # well into the import, which takes several seconds
        os.kill(worker, signal.SIGKILL)
        sender.join(timeout=60)
        assert "status" not in outcome, "the import finished before the worker was killed: make it larger"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(FinancingNeed.id))) == 0
