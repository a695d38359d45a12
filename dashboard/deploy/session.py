"""A dashboard viewer without a browser: Streamlit's own websocket protocol, spoken as the browser does.

Why: to know how many viewers a deployment serves, and to check one (through a
proxy, after a process died), without paying for a Chromium per viewer. What a
browser does, in the same order (read from streamlit's frontend bundle and its
`web/server/starlette/starlette_websocket.py`):

1. GET the page's URL (`/border?gov=SY07`): the HTML, and the cookies the
   server and a proxy set (`_streamlit_xsrf`; a proxy's sticky-session cookie).
2. Open `ws(s)://host/_stcore/stream` with the subprotocols
   `["streamlit", <xsrf token or PLACEHOLDER_AUTH_TOKEN>]` and those cookies.
3. Send a `BackMsg.rerun_script` (`ClientState`): the query string, the page's
   url path as `page_name` (empty `page_script_hash` on the first run), the
   widget values it holds, and the hashes of the big messages it has cached.
4. Read `ForwardMsg`s until `script_finished`: deltas (elements, widgets,
   charts), `page_info_changed` (the new query string, which the next rerun
   sends), `navigation` (the pages and their script hashes), `ref_hash`
   (a message the server did not resend because the client has it cached).

A filter change is a rerun with the new widget value; a click on a page link is
a rerun with that page's script hash. Only the messages are read: nothing is drawn.
"""
from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.state.common import user_key_from_element_id

STREAM = "_stcore/stream"
MAX_CACHED_AGE = 2  # streamlit's global.maxCachedMessageAge: runs a cached message survives unused
_FINISHED_OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class SessionError(RuntimeError):
    """The server closed the connection, sent something unreadable, or did not finish in time."""


@dataclass
class Widget:
    """A widget the last run drew: its id (what a rerun names), kind and option labels."""

    id: str
    kind: str
    options: list[str] = field(default_factory=list)
    fragment_id: str = ""   # set when the widget is drawn by an st.fragment: changing it reruns that part only


@dataclass
class Run:
    """What one script run sent back, as the viewer would see it."""

    seconds: float
    status: str                                               # "ok", or why not
    chart_specs: list[str] = field(default_factory=list)      # plotly figure specs drawn (JSON)
    errors: list[str] = field(default_factory=list)           # exceptions shown on the page
    texts: list[str] = field(default_factory=list)            # markdown, headings, captions, alerts
    bytes_received: int = 0
    messages: int = 0
    cache_hits: int = 0                                       # messages sent as a reference to the cache
    fragment: str = ""                                        # the fragment rerun, "" for the whole page

    @property
    def charts(self) -> list[dict]:
        """The figures drawn, parsed (only when asked: the load test does not pay for it)."""
        return [json.loads(spec) if spec else {} for spec in self.chart_specs]

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.errors


def _page_url(base: str, page: str, query: str) -> str:
    return base.rstrip("/") + "/" + page.strip("/") + (f"?{query}" if query else "")


def _fetch_cookies(url: str, cookies: dict[str, str], timeout: float) -> tuple[dict[str, str], dict[str, str]]:
    """GET the page like a browser loading it; returns (cookies now held, response headers)."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        got = {**cookies, **{k: morsel.value for k, morsel in jar.items()}}
        return got, {k.lower(): v for k, v in response.headers.items()}


class ViewerSession:
    """One viewer's tab: open a page, change filters, follow page links, close.

    Every method returns the `Run` it caused. Bounded: each run times out after
    `timeout` seconds (a SessionError), and nothing here retries.
    """

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.backend: str = ""               # the proxy's X-Backend header, when it sends one
        self.query_string = ""
        self.page_name = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}      # url path -> page script hash
        self.widgets: dict[str, Widget] = {}  # widget key -> widget of the last run
        self._values: dict[str, tuple[str, object]] = {}  # widget id -> (value field, value) the viewer holds
        self._fragment = ""                  # the fragment the next rerun is for ("" = the whole page)
        self._socket = None
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}
        self._finished_runs = 0

    # -- opening and closing -------------------------------------------------
    async def open(self, page: str = "", query: str = "") -> Run:
        """Load the page (HTTP), open the websocket, and run the script as a first visit does."""
        url = _page_url(self.base_url, page, query)
        self.cookies, headers = await asyncio.to_thread(_fetch_cookies, url, self.cookies, self.timeout)
        self.backend = headers.get("x-backend", "")
        parts = urllib.parse.urlsplit(self.base_url)
        ws_url = urllib.parse.urlunsplit(("wss" if parts.scheme == "https" else "ws", parts.netloc,
                                          (parts.path.rstrip("/") + "/" + STREAM), "", ""))
        token = self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")
        self._socket = await asyncio.wait_for(websockets.connect(
            ws_url, subprotocols=["streamlit", token],
            additional_headers={"Origin": f"{parts.scheme}://{parts.netloc}",
                                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
            max_size=None, open_timeout=self.timeout, ping_interval=None), self.timeout)
        if self._socket.response is not None:
            self.backend = self._socket.response.headers.get("X-Backend", self.backend)
        self.query_string, self.page_name, self.page_hash = query, page.strip("/"), ""
        return await self._rerun()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    async def __aenter__(self) -> ViewerSession:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # -- what a viewer does --------------------------------------------------
    async def set_multiselect(self, key: str, labels: list[str]) -> Run:
        """Pick these options (by their label, as shown) in the multiselect with this key, and rerun."""
        widget = self._widget(key, "multiselect")
        missing = [label for label in labels if label not in widget.options]
        if missing:
            raise SessionError(f"{key}: no option {missing} (options: {widget.options[:10]}…)")
        self._values[widget.id] = ("string_array_value", list(labels))
        self._fragment = widget.fragment_id
        return await self._rerun()

    async def set_radio(self, key: str, label: str) -> Run:
        """Pick this option of the radio (or selectbox) with this key, and rerun."""
        widget = self._widget(key, "radio", "selectbox")
        if label not in widget.options:
            raise SessionError(f"{key}: no option {label!r} (options: {widget.options})")
        self._values[widget.id] = ("string_value", label)
        self._fragment = widget.fragment_id  # as a browser does: a widget in a fragment reruns the fragment
        return await self._rerun()

    async def go_to(self, page: str) -> Run:
        """Follow the navigation link to this page (its url path), keeping the filters in the URL."""
        if page not in self.pages:
            raise SessionError(f"no page {page!r}; pages: {sorted(self.pages)}")
        self.page_hash, self.page_name = self.pages[page], ""
        return await self._rerun()

    def options(self, key: str) -> list[str]:
        return list(self.widgets[key].options) if key in self.widgets else []

    def _widget(self, key: str, *kinds: str) -> Widget:
        widget = self.widgets.get(key)
        if widget is None or widget.kind not in kinds:
            raise SessionError(f"the last run drew no {'/'.join(kinds)} with key {key!r}")
        return widget

    # -- the protocol --------------------------------------------------------
    def _back_msg(self) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash
        state.page_name = self.page_name
        for widget_id, (kind, value) in self._values.items():
            item = state.widget_states.widgets.add()
            item.id = widget_id
            if kind == "string_array_value":
                item.string_array_value.data.extend(value)
            else:
                setattr(item, kind, value)
        state.cached_message_hashes.extend(self._cache)
        state.fragment_id = self._fragment
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = _page_url(self.base_url, self.page_name, self.query_string)
        return msg.SerializeToString()

    async def _rerun(self) -> Run:
        if self._socket is None:
            raise SessionError("the session is not open")
        started = time.perf_counter()
        run = Run(seconds=0.0, status="ok")
        widgets: dict[str, Widget] = {}
        deadline = started + self.timeout
        try:
            await self._socket.send(self._back_msg())
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError
                data = await asyncio.wait_for(self._socket.recv(), left)
                run.bytes_received += len(data)
                run.messages += 1
                msg = ForwardMsg()
                msg.ParseFromString(data)
                msg = self._from_cache(msg, run)
                finished = self._read(msg, run, widgets)
                if finished is not None:
                    if finished in _FINISHED_OK:
                        break
                    if finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        run.status = "compile error"
                        break
        except TimeoutError:
            run.status = f"no script_finished within {self.timeout:.0f} s"
        except websockets.ConnectionClosed as closed:
            run.status = f"connection closed ({closed.rcvd.code if closed.rcvd else 'no close frame'})"
            self._socket = None
        run.seconds = time.perf_counter() - started
        run.fragment = self._fragment
        if widgets:  # a fragment's run draws its own widgets only: the rest of the page keeps its widgets
            self.widgets = {**self.widgets, **widgets} if self._fragment else widgets
        self._fragment = ""
        self._expire_cache()
        return run

    def _from_cache(self, msg: ForwardMsg, run: Run) -> ForwardMsg:
        if msg.WhichOneof("type") == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise SessionError(f"the server referred to a message this client never cached ({msg.ref_hash})")
            run.cache_hits += 1
            full = ForwardMsg()
            full.CopyFrom(cached[0])
            full.metadata.CopyFrom(msg.metadata)
            self._cache[msg.ref_hash] = (cached[0], self._finished_runs)
            return full
        if msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = (msg, self._finished_runs)
        return msg

    def _expire_cache(self) -> None:
        self._finished_runs += 1
        self._cache = {h: (m, used) for h, (m, used) in self._cache.items()
                       if self._finished_runs - used <= MAX_CACHED_AGE}

    def _read(self, msg: ForwardMsg, run: Run, widgets: dict[str, Widget]) -> int | None:
        """Take in one ForwardMsg; returns the script_finished status when the run ended."""
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            return msg.script_finished
        if kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._read_element(msg.delta.new_element, run, widgets, msg.delta.fragment_id)
        return None

    def _read_element(self, element, run: Run, widgets: dict[str, Widget], fragment_id: str = "") -> None:
        kind = element.WhichOneof("type")
        if kind == "plotly_chart":
            run.chart_specs.append(element.plotly_chart.spec)
        elif kind == "exception":
            run.errors.append(f"{element.exception.type}: {element.exception.message}")
        elif kind in ("markdown", "heading", "alert"):
            body = getattr(element, kind)
            run.texts.append(getattr(body, "body", ""))
        elif kind in ("multiselect", "radio", "selectbox"):
            proto = getattr(element, kind)
            key = user_key_from_element_id(proto.id) or proto.id
            widgets[key] = Widget(proto.id, kind, list(proto.options), fragment_id)
