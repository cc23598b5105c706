"""Someone hears about a crawl that went wrong: a Spidermon action run when a monitor failed (among
them: the crawl closed for a reason other than `finished`, or something was dead-lettered), and a
follow mode's alerts (`tell_operator`: no poll has succeeded for a while, a feed has gone quiet).

Off by default. `NEWS_NOTIFY_WEBHOOK_URL` receives a JSON POST; `NEWS_NOTIFY_EMAIL_TO` (comma-
separated) an e-mail through `NEWS_NOTIFY_SMTP_HOST`:`NEWS_NOTIFY_SMTP_PORT` from
`NEWS_NOTIFY_EMAIL_FROM`. A notification that cannot be sent is one WARNING line: the crawl's own
results are not touched.
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from email.message import EmailMessage

from spidermon.core.actions import Action

from .extensions import summary
from .urls import mask_url

logger = logging.getLogger(__name__)
TIMEOUT_S = 10


def notice(crawler, failed: list[str]) -> dict:
    """What the operator is told: which crawl, how it ended, what failed, the closing numbers."""
    stats = crawler.stats.get_stats()
    return {"spider": crawler.spider.name if crawler.spider else "news",
            "site": crawler.settings.get("NEWS_SITE_PROFILE"), "finish_reason": stats.get("finish_reason"),
            "failed_monitors": failed, "deadletter_file": stats.get("news/store/deadletter_file"),
            "summary": summary(stats)}


def post_webhook(url: str, message: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(message, default=str).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:  # noqa: S310 - the operator's URL
        answer.read()


def send_email(settings, recipients: list[str], message: dict) -> None:
    mail = EmailMessage()
    mail["Subject"] = f"newscrawler: {message['spider']} crawl needs a look ({message['finish_reason']})"
    mail["From"] = settings.get("NEWS_NOTIFY_EMAIL_FROM") or "newscrawler@localhost"
    mail["To"] = ", ".join(recipients)
    lines = [f"Failed: {'; '.join(message['failed_monitors'])}", f"Finish reason: {message['finish_reason']}"]
    if message["deadletter_file"]:
        lines.append(f"Dead letters: {message['deadletter_file']} (store them with: scrapy replay FILE)")
    lines.append("Summary: " + ", ".join(f"{k}={v}" for k, v in message["summary"].items()))
    mail.set_content("\n".join(lines) + "\n")
    with smtplib.SMTP(settings.get("NEWS_NOTIFY_SMTP_HOST") or "localhost",
                      settings.getint("NEWS_NOTIFY_SMTP_PORT", 25), timeout=TIMEOUT_S) as smtp:
        smtp.send_message(mail)


def tell_operator(crawler, problems: list[str], finish_reason: str | None = None) -> None:
    """Send `problems` on every channel configured (none: nothing is sent). Blocking: a crawl that
    goes on calls it off the reactor (`asyncio.to_thread`)."""
    settings = crawler.settings
    webhook = settings.get("NEWS_NOTIFY_WEBHOOK_URL")
    recipients = [r.strip() for r in (settings.get("NEWS_NOTIFY_EMAIL_TO") or "").split(",") if r.strip()]
    if not (webhook or recipients):
        return
    message = notice(crawler, problems)
    if finish_reason is not None:
        message["finish_reason"] = finish_reason
    channels = (("webhook", webhook and (lambda: post_webhook(webhook, message))),
                ("e-mail", recipients and (lambda: send_email(settings, recipients, message))))
    for channel, send in channels:
        if send:
            NotifyOperator.try_channel(crawler, channel, send, mask_url(webhook) if channel == "webhook" else None)


class NotifyOperator(Action):
    def run_action(self):
        tell_operator(self.data.crawler, [r.monitor.name for r in self.result.monitors_failed_results])

    @staticmethod
    def try_channel(crawler, channel: str, send, shown_as: str | None) -> None:
        """Each channel fails alone and loudly: whatever one raises (a refused connection, a
        malformed answer, a bad URL), the next is still tried, and the line names no secret (a
        webhook's URL is its token: only its host is shown)."""
        try:
            send()
        except Exception as error:  # noqa: BLE001 - a notification must never stop the other one
            crawler.stats.inc_value(f"news/notify/failed/{channel}")
            detail = type(error).__name__ if shown_as else f"{type(error).__name__}: {error}"
            logger.warning("Could not notify the operator by %s%s: %s", channel,
                           f" ({shown_as})" if shown_as else "", detail)
            return
        crawler.stats.inc_value(f"news/notify/sent/{channel}")
        logger.info("Operator notified by %s", channel)
