"""Background work of the case loop: the deadline round and outgoing notifications."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.core.mail import send_mail
from django.utils import translation

from linli.cases.models import CaseEvent, Channel
from linli.cases.services import case_sweep
from linli.jobs.models import Job
from linli.jobs.services import job_handler

log = logging.getLogger(__name__)


@job_handler("cases.sweep", every=60)
def sweep(job: Job) -> None:
    done = case_sweep()
    if any(done.values()):
        log.info("deadline round: %s", done)


def event_text(event: CaseEvent) -> str:
    """One line for people: what happened to which case, in the deployment's language."""
    case = event.case
    mark = "【紧急】" if case.risk else ""
    who = str(event.actor) if event.actor else translation.gettext("Linli")
    return f"{mark}#{case.pk} {case.title} · {event.get_action_display()} · {who}"


def _post_json(url: str, body: dict) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read()


@job_handler("cases.deliver")
def deliver(job: Job) -> None:
    """Send one event to one channel. A failure raises, so the job is retried with backoff;
    a job is claimed by one worker only, so a notice goes out once."""
    channel = Channel.objects.filter(pk=job.payload["channel"], active=True).first()
    if channel is None:
        return  # switched off or removed since: nothing to send
    event = CaseEvent.objects.select_related("case", "actor").get(pk=job.payload["event"])
    with translation.override("zh-hans"):
        text = event_text(event)
    if channel.kind == Channel.Kind.WEBHOOK:
        _post_json(
            channel.target,
            {
                "event": event.action,
                "case": event.case_id,
                "title": event.case.title,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "level": event.to_level,
                "risk": event.case.risk,
                "at": event.at.isoformat(),
                "text": text,
            },
        )
    elif channel.kind == Channel.Kind.WECOM:
        answer = json.loads(
            _post_json(channel.target, {"msgtype": "text", "text": {"content": text}}) or b"{}"
        )
        # The robot answers 200 with {"errcode": 0} on success and a non-zero code otherwise.
        if answer.get("errcode", 0) != 0:
            raise RuntimeError(f"WeCom refused: {answer}")
    elif channel.kind == Channel.Kind.EMAIL:
        send_mail(text, f"{text}\n\n{event.note}".strip(), None, [channel.target])
