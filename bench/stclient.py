"""A small client of Streamlit's websocket protocol: one browser session without the browser.

It speaks what the Streamlit frontend speaks over `/_stcore/stream`: it sends
`BackMsg.rerun_script` with the URL's query string, the page and the widget
states, and reads `ForwardMsg`s until the run reports `script_finished`. It
renders nothing, so twenty of them cost the server what twenty people cost it
and cost the 2-core machine little else.

Widgets are found by label in the elements the server sends, and changed the
way the frontend changes them: the new value, in the widget's serialized form
(a multiselect sends its options' labels, a selectbox its option's label).
A form is submitted the way the frontend's WidgetStateManager.submitForm does
it: the form's widget values and the submit button's trigger_value go in one
rerun request, and the trigger is dropped again after it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# A run that takes longer than this is an error, not a slow answer.
RUN_TIMEOUT_S = 30.0
WIDGET_KINDS = ("multiselect", "selectbox", "button", "toggle", "checkbox", "segmented_control", "button_group",
                "text_input")


@dataclass
class RunResult:
    """One script run as the client saw it."""

    seconds: float
    messages: int
    bytes_received: int
    exceptions: list[str] = field(default_factory=list)
    finished: bool = True
    headings: list[str] = field(default_factory=list)  # st.title/header/subheader texts, in order
    page_not_found: bool = False  # the server ran the default page instead, with a "Page not found" dialog


class StreamlitSession:
    """One websocket session against a running app at http://127.0.0.1:PORT, or https:// through a proxy.

    ssl_context: for https:// addresses, the context that trusts the proxy's certificate.
    """

    def __init__(self, base_url: str, *, page_name: str = "", query_string: str = "", ssl_context=None):
        scheme = "wss://" if base_url.startswith("https://") else "ws://"
        self.ws_url = scheme + base_url.split("://", 1)[1].rstrip("/") + "/_stcore/stream"
        self.ssl_context = ssl_context
        self.origin = base_url.rstrip("/")
        self.page_name = page_name
        self.query_string = query_string
        self.page_script_hash = ""
        self.page_titles: dict[str, str] = {}
        self.widgets: dict[str, tuple[str, str]] = {}  # label -> (kind, widget id)
        self.options: dict[str, list[str]] = {}  # selectbox/multiselect label -> its options' labels
        self.states: dict[str, tuple[str, object]] = {}  # widget id -> (value field, value)
        self._ws = None

    async def __aenter__(self) -> StreamlitSession:
        self._ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], origin=self.origin, max_size=64 * 2**20,
            open_timeout=RUN_TIMEOUT_S, ping_interval=None,
            **({"ssl": self.ssl_context} if self.ssl_context is not None else {}),
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()

    def _rerun_msg(self) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.page_name = self.page_name
        state.context_info.timezone = "Asia/Bishkek"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.origin}/{self.page_name}"
        for widget_id, (value_field, value) in self.states.items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if value_field == "string_array_value":
                widget.string_array_value.data.extend(value)
            else:
                setattr(widget, value_field, value)
        return msg.SerializeToString()

    async def run(self) -> RunResult:
        """Ask for a rerun with the current widget states; wait until it has finished."""
        started = time.perf_counter()
        await self._ws.send(self._rerun_msg())
        messages = received = 0
        exceptions: list[str] = []
        headings: list[str] = []
        seen: set[str] = set()
        not_found = False
        deadline = started + RUN_TIMEOUT_S
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return RunResult(time.perf_counter() - started, messages, received, exceptions, finished=False,
                                 headings=headings, page_not_found=not_found)
            try:
                data = await asyncio.wait_for(self._ws.recv(), timeout=remaining)
            except TimeoutError:
                continue
            messages += 1
            received += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                # The page this run resolved to; the frontend sends it back on every rerun.
                self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
                self.page_titles = {p.page_script_hash: p.page_name for p in msg.navigation.app_pages}
            elif kind == "page_not_found":
                not_found = True
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta":
                self._read_delta(msg, exceptions, headings, seen)
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun(): the server starts the next run by itself
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    exceptions.append("compile error")
                elif status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    # As the frontend does: forget the values of widgets this run did not draw.
                    self.states = {wid: value for wid, value in self.states.items() if wid in seen}
                return RunResult(time.perf_counter() - started, messages, received, exceptions, headings=headings,
                                 page_not_found=not_found)

    def _read_delta(self, msg: ForwardMsg, exceptions: list[str], headings: list[str], seen: set[str]) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "heading":
            headings.append(element.heading.body)
        elif kind in WIDGET_KINDS:
            widget = getattr(element, kind)
            seen.add(widget.id)
            if getattr(widget, "label", ""):
                self.widgets[widget.label] = (kind, widget.id)
                if kind in ("selectbox", "multiselect"):
                    self.options[widget.label] = list(widget.options)

    @property
    def page_title(self) -> str:
        """The title of the page the last run showed."""
        return self.page_titles.get(self.page_script_hash, "")

    def set_multiselect(self, label: str, option_labels: list[str]) -> None:
        """Choose these options (by their shown labels) in the multiselect called label."""
        _, widget_id = self.widgets[label]
        self.states[widget_id] = ("string_array_value", list(option_labels))

    def set_selectbox(self, label: str, option_label: str) -> None:
        """Choose this option (by its shown label) in the selectbox called label."""
        _, widget_id = self.widgets[label]
        self.states[widget_id] = ("string_value", option_label)

    def set_text(self, label: str, text: str) -> None:
        """Type text into the text input called label (inside a form, it is sent when the form is submitted)."""
        _, widget_id = self.widgets[label]
        self.states[widget_id] = ("string_value", text)

    async def submit_form(self, button_label: str) -> RunResult:
        """Press the form's submit button: one rerun with the form's values and the button's trigger."""
        _, widget_id = self.widgets[button_label]
        self.states[widget_id] = ("trigger_value", True)
        try:
            return await self.run()
        finally:
            self.states.pop(widget_id, None)  # a trigger is sent once, never again

    async def log_in(self, name: str, password: str) -> RunResult:
        """Fill in and submit the staff login form this session's page shows; the run that answered."""
        self.set_text("User name", name)
        self.set_text("Password", password)
        return await self.submit_form("Log in")
