"""Notifications leave through the worker: once each, retried on failure, nothing lost.

The webhook and WeCom channels are tested against a local fake server (a real HTTP
server on 127.0.0.1 that records what it receives), so the real sending code runs.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from linli.accounts.models import Role, RoleAssignment
from linli.cases.models import Channel
from linli.cases.services import case_report, case_triage
from linli.jobs.models import Job, JobStatus
from linli.jobs.services import job_work_once


class FakeServer:
    """Records JSON POSTs; answers with `reply` (a status and a JSON body)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.reply: tuple[int, dict] = (200, {"errcode": 0, "errmsg": "ok"})
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                fake.received.append(json.loads(self.rfile.read(length)))
                status, body = fake.reply
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def fake_server():
    server = FakeServer()
    yield server
    server.close()


def report(world, **extra):
    home = RoleAssignment.objects.get(user=world.resident, role=Role.RESIDENT).household
    return case_report(
        by=world.resident, description="楼道里堆满了纸箱和旧家具", household=home, **extra
    )


def work_all() -> None:
    for _ in range(5):
        job_work_once(worker="test")


def test_a_webhook_receives_each_event_once_even_with_two_workers(world, fake_server):
    Channel.objects.create(kind="webhook", name="区平台", target=fake_server.url)
    case = report(world)
    job_work_once(worker="a")
    job_work_once(worker="b")
    assert len(fake_server.received) == 1
    sent = fake_server.received[0]
    assert (sent["case"], sent["event"], sent["to_state"]) == (case.pk, "report", "reported")
    assert "纸箱" in sent["title"]


def test_a_wecom_robot_gets_an_urgent_text_when_a_risk_is_flagged(world, fake_server):
    Channel.objects.create(
        kind="wecom", name="社区值班群", target=fake_server.url, urgent_only=True
    )
    case = report(world)
    work_all()
    assert fake_server.received == []  # an ordinary report does not wake the duty group
    case_triage(
        case=case,
        by=world.buildinghead,
        category="safety",
        route="co",
        timeframe="immediate",
        risk=True,
    )
    work_all()
    assert len(fake_server.received) == 1
    message = fake_server.received[0]
    assert message["msgtype"] == "text" and "紧急" in message["text"]["content"]


def test_a_failed_delivery_is_retried_and_then_sent(world, fake_server):
    Channel.objects.create(kind="wecom", name="社区值班群", target=fake_server.url)
    fake_server.reply = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    report(world)
    job_work_once(worker="a")
    job = Job.objects.get(kind="cases.deliver")
    assert job.status == JobStatus.PENDING and job.attempts == 1  # kept for a retry
    fake_server.reply = (200, {"errcode": 0})
    Job.objects.filter(pk=job.pk).update(run_at=job.created_at)  # the backoff has passed
    job_work_once(worker="a")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and len(fake_server.received) == 2


def test_an_email_channel_sends_through_django_mail(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Channel.objects.create(kind="email", name="社区邮箱", target="duty@example.org")
    report(world)
    work_all()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["duty@example.org"]
