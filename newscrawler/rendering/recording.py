"""The data calls a page's own script makes during a render: recorded for learning
(newscrawler.learning), as plain data (URL, method, the headers the app sent, what it posted,
status, JSON)."""

from __future__ import annotations

from playwright._impl._errors import Error as PlaywrightError

DATA_CALL_TYPES = ("fetch", "xhr")


class CallRecording:
    def __init__(self, page):
        self.page = page
        self.responses: list = []

    @classmethod
    def start(cls, page) -> "CallRecording":
        recording = cls(page)
        page.on("response", recording.on_response)
        return recording

    def on_response(self, response) -> None:
        if response.request.resource_type in DATA_CALL_TYPES:
            self.responses.append(response)

    async def stop(self) -> list[dict]:
        """The calls as plain dicts (those whose answer is JSON), and no more listening."""
        self.page.remove_listener("response", self.on_response)
        calls = []
        for response in self.responses:
            try:
                data = await response.json()
                headers = await response.request.all_headers()
            except (PlaywrightError, ValueError):
                continue  # not JSON, or gone with its page: nothing to learn from
            calls.append({"url": response.url, "method": response.request.method, "headers": headers,
                          "status": response.status, "data": data, "body": response.request.post_data})
        return calls
