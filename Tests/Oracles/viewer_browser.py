#!/usr/bin/env python3
"""Drive the disc viewer (IHE_PDI/VIEWER.HTM) in headless Chromium or Firefox ESR.

Standard library only. Chromium is driven over the DevTools protocol, Firefox
over WebDriver BiDi, both through the small RFC 6455 client below (no Origin
header). Everything is offline: the page is opened by file:// URL.

    viewer_browser.py --browser chromium|firefox --page /abs/INDEX.HTM --out result.json
                      [--screenshot shot.png] [--probe probe.json] [--strict]

Opens INDEX.HTM, clicks its "View images" link, opens every series and steps
through every frame (LIGHTBOX_VIEWER.debug.stepAll), exercises the UI once
with a real key press, wheel and mouse drag, evaluates the probes, and writes
{"browser", "version", "series", "consoleErrors", "requests", "probes",
"probeMismatches", "names", "studyListText", "ui", "timing", "screenshot", "ok"}.
Exits 2 when the browser cannot be started or the page does not load; with
--strict also 1 when "ok" is false.
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


class Fatal(Exception):
    pass


# ---------------------------------------------------------------- WebSocket
class WebSocket:
    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, url, timeout=30.0):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = (u.path or "/") + ("?" + u.query if u.query else "")
        req = (f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(req.encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise Fatal("WebSocket handshake: connection closed")
            buf += chunk
        head, self.buf = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise Fatal("WebSocket handshake refused: " + lines[0])
        hdr = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        want = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest()).decode()
        if hdr.get("sec-websocket-accept") != want:
            raise Fatal("WebSocket handshake: bad Sec-WebSocket-Accept")

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise Fatal("WebSocket closed by the browser")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, payload):
        hdr = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i & 3] for i, b in enumerate(payload)) if n < 4096 else _xor(payload, mask)
        self.sock.sendall(hdr + mask + masked)

    def send(self, text):
        self._send_frame(0x1, text.encode("utf-8"))

    def recv(self, timeout):
        """One text message, or None on timeout (only between frames)."""
        self.sock.settimeout(timeout)
        parts = []
        while True:
            if not self.buf:
                try:
                    chunk = self.sock.recv(65536)
                except socket.timeout:
                    if parts:
                        self.sock.settimeout(30)
                        continue
                    return None
                if not chunk:
                    raise Fatal("WebSocket closed by the browser")
                self.buf += chunk
            self.sock.settimeout(60)
            b0, b1 = self._exact(2)
            op, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            data = self._exact(n)
            if mask:
                data = _xor(data, mask)
            if op == 0x9:
                self._send_frame(0xA, data)
                continue
            if op == 0xA:
                continue
            if op == 0x8:
                raise Fatal("WebSocket closed by the browser")
            parts.append(data)
            if b0 & 0x80:
                return b"".join(parts).decode("utf-8")

    def close(self):
        try:
            self._send_frame(0x8, b"")
            self.sock.close()
        except OSError:
            pass


def _xor(data, mask):
    n = len(data)
    m = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "little") ^ int.from_bytes(m, "little")).to_bytes(n, "little")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wrap_js(expr):
    return "(async () => JSON.stringify(await (" + expr + ")))()"


# ---------------------------------------------------------------- Chromium
class Chromium:
    name = "chromium"

    def __init__(self, width, height):
        self.tmp = tempfile.mkdtemp(prefix="lbview-cr-")
        self.port = free_port()
        exe = shutil.which("chromium") or "/usr/bin/chromium"
        args = [exe, "--headless=new", f"--remote-debugging-port={self.port}", f"--user-data-dir={self.tmp}",
                "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                f"--window-size={width},{height}", "about:blank"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.console, self.requests, self.mid = [], [], 0
        info = None
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Fatal("Chromium exited: " + self.proc.stderr.read().decode(errors="replace")[-2000:])
            try:
                info = json.load(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/version", timeout=2))
                break
            except OSError:
                time.sleep(0.2)
        if info is None:
            raise Fatal("Chromium DevTools endpoint did not come up")
        self.version = info.get("Browser", "")
        pages = [t for t in json.load(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=5))
                 if t.get("type") == "page"]
        if not pages:
            raise Fatal("Chromium has no page target")
        self.ws = WebSocket(pages[0]["webSocketDebuggerUrl"])
        for m in ("Runtime.enable", "Log.enable", "Network.enable", "Page.enable"):
            self.call(m)
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def _event(self, msg):
        m, p = msg.get("method"), msg.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.console.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            self.console.append("exception: " + (d.get("exception", {}).get("description") or d.get("text", "")))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            e = p["entry"]
            self.console.append(f"log[{e.get('source')}]: {e.get('text')} {e.get('url', '')}".strip())
        elif m == "Network.requestWillBeSent":
            self.requests.append(p.get("request", {}).get("url", ""))

    def call(self, method, params=None, timeout=120):
        self.mid += 1
        mid = self.mid
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params or {}}))
        deadline = time.time() + timeout
        while time.time() < deadline:
            raw = self.ws.recv(max(0.1, deadline - time.time()))
            if raw is None:
                continue
            msg = json.loads(raw)
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._event(msg)
        raise RuntimeError(f"{method}: timeout")

    def pump(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            raw = self.ws.recv(max(0.05, deadline - time.time()))
            if raw:
                self._event(json.loads(raw))

    def navigate(self, url):
        self.call("Page.navigate", {"url": url})

    def evaluate(self, expr, timeout=300):
        r = self.call("Runtime.evaluate", {"expression": wrap_js(expr), "awaitPromise": True, "returnByValue": True}, timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise RuntimeError((d.get("exception") or {}).get("description") or d.get("text"))
        v = r.get("result", {}).get("value")
        return None if v is None else json.loads(v)

    def key(self, key, code, vk):
        for t in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", {"type": t, "key": key, "code": code, "windowsVirtualKeyCode": vk})

    def wheel(self, x, y, dy):
        self.call("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": x, "y": y, "deltaX": 0, "deltaY": dy})

    def drag(self, x, y, dx, dy):
        self.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        self.call("Input.dispatchMouseEvent", {"type": "mousePressed", "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1})
        for k in range(1, 6):
            self.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x + dx * k / 5, "y": y + dy * k / 5, "button": "left", "buttons": 1})
        self.call("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": x + dx, "y": y + dy, "button": "left", "buttons": 0, "clickCount": 1})

    def screenshot(self):
        return base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        self.ws.close()
        _stop(self.proc)
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------- Firefox
FIREFOX_PREFS = {
    "app.update.enabled": False, "app.update.auto": False, "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore", "startup.homepage_welcome_url": "about:blank",
    "browser.newtabpage.enabled": False, "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False, "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False, "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False, "toolkit.telemetry.enabled": False,
    "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False, "extensions.getAddons.cache.enabled": False,
    "browser.region.network.url": "", "browser.search.geoip.url": "", "network.dns.disablePrefetch": True,
    "network.prefetch-next": False, "services.settings.server": "http://127.0.0.1:9/",
    "app.normandy.enabled": False, "browser.aboutwelcome.enabled": False,
}


class Firefox:
    name = "firefox"

    def __init__(self, width, height):
        self.tmp = tempfile.mkdtemp(prefix="lbview-ff-")
        with open(os.path.join(self.tmp, "user.js"), "w") as fh:
            for k, v in FIREFOX_PREFS.items():
                fh.write(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n")
        self.port = free_port()
        exe = shutil.which("firefox-esr") or shutil.which("firefox")
        if not exe:
            raise Fatal("firefox-esr is not installed")
        self.errlog = open(os.path.join(self.tmp, "stderr.txt"), "w+b")
        self.proc = subprocess.Popen([exe, "--headless", "--no-remote", "--profile", self.tmp,
                                      "--remote-debugging-port", str(self.port), "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=self.errlog,
                                     env=dict(os.environ, MOZ_HEADLESS_WIDTH=str(width), MOZ_HEADLESS_HEIGHT=str(height)))
        self.console, self.requests, self.mid = [], [], 0
        deadline = time.time() + 60
        self.ws = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.errlog.seek(0)
                raise Fatal("Firefox exited: " + self.errlog.read().decode(errors="replace")[-2000:])
            try:
                self.ws = WebSocket(f"ws://127.0.0.1:{self.port}/session")
                break
            except (OSError, Fatal):
                time.sleep(0.3)
        if self.ws is None:
            raise Fatal("Firefox WebDriver BiDi endpoint did not come up")
        r = self.call("session.new", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": False}}})
        caps = r.get("capabilities", {})
        self.version = f"{caps.get('browserName', 'firefox')} {caps.get('browserVersion', '')}".strip()
        self.call("session.subscribe", {"events": ["log.entryAdded", "network.beforeRequestSent"]})
        tree = self.call("browsingContext.getTree", {})
        self.ctx = tree["contexts"][0]["context"]
        self.call("browsingContext.setViewport", {"context": self.ctx, "viewport": {"width": width, "height": height}})

    def _event(self, msg):
        m, p = msg.get("method"), msg.get("params", {})
        if m == "log.entryAdded" and p.get("level") == "error":
            self.console.append(f"{p.get('type', 'log')}: {p.get('text')}")
        elif m == "network.beforeRequestSent":
            self.requests.append(p.get("request", {}).get("url", ""))

    def call(self, method, params=None, timeout=120):
        self.mid += 1
        mid = self.mid
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params or {}}))
        deadline = time.time() + timeout
        while time.time() < deadline:
            raw = self.ws.recv(max(0.1, deadline - time.time()))
            if raw is None:
                continue
            msg = json.loads(raw)
            if msg.get("id") == mid:
                if msg.get("type") == "error" or "error" in msg and msg.get("type") != "success":
                    raise RuntimeError(f"{method}: {msg.get('error')}: {msg.get('message')}")
                return msg.get("result", {})
            self._event(msg)
        raise RuntimeError(f"{method}: timeout")

    def pump(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            raw = self.ws.recv(max(0.05, deadline - time.time()))
            if raw:
                self._event(json.loads(raw))

    def navigate(self, url):
        self.call("browsingContext.navigate", {"context": self.ctx, "url": url, "wait": "complete"})

    def evaluate(self, expr, timeout=300):
        r = self.call("script.evaluate", {"expression": wrap_js(expr), "target": {"context": self.ctx},
                                          "awaitPromise": True, "resultOwnership": "none"}, timeout)
        if r.get("type") == "exception":
            d = r.get("exceptionDetails", {})
            raise RuntimeError(d.get("text") or str(d))
        v = r.get("result", {})
        return json.loads(v["value"]) if v.get("type") == "string" else None

    def _actions(self, actions):
        self.call("input.performActions", {"context": self.ctx, "actions": actions})
        self.call("input.releaseActions", {"context": self.ctx})

    def key(self, key, code, vk):
        value = {"ArrowDown": "\ue015", "ArrowUp": "\ue013", "PageDown": "\ue00f", "End": "\ue010", "Home": "\ue011"}.get(key, key)
        self._actions([{"type": "key", "id": "kb", "actions": [{"type": "keyDown", "value": value}, {"type": "keyUp", "value": value}]}])

    def wheel(self, x, y, dy):
        self._actions([{"type": "wheel", "id": "wh", "actions": [{"type": "scroll", "x": int(x), "y": int(y), "deltaX": 0, "deltaY": int(dy)}]}])

    def drag(self, x, y, dx, dy):
        self._actions([{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
            {"type": "pointerMove", "x": int(x), "y": int(y)}, {"type": "pointerDown", "button": 0},
            {"type": "pointerMove", "x": int(x + dx), "y": int(y + dy), "duration": 150},
            {"type": "pointerUp", "button": 0}]}])

    def screenshot(self):
        return base64.b64decode(self.call("browsingContext.captureScreenshot", {"context": self.ctx})["data"])

    def close(self):
        try:
            self.call("browser.close", timeout=5)
        except Exception:
            pass
        self.ws.close()
        _stop(self.proc)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


# ---------------------------------------------------------------- the run
def wait_viewer(b, timeout=45):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            r = b.evaluate("(() => { const L = window.LIGHTBOX_VIEWER; return {href: location.href, ready: document.readyState,"
                           " debug: !!(L && L.debug), state: L && L.debug ? L.debug.state() : null}; })()", timeout=10)
            last = r
            if r and r["href"].upper().endswith("VIEWER.HTM") and r["ready"] == "complete" and r["debug"]:
                st = r["state"]
                if st["shown"] >= 0 or not st["series"]:
                    return r
        except Exception as e:  # navigation in progress
            last = str(e)
        b.pump(0.3)
    raise Fatal(f"the viewer page did not load: {last}")


def close_enough(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(close_enough(x, y) for x, y in zip(a, b))
    return abs(float(a) - float(b)) <= 1e-3 * max(1.0, abs(float(b)))


def run(b, page, probes, shot):
    res = {"browser": b.name, "version": b.version, "series": [], "consoleErrors": [], "requests": [],
           "probes": [], "probeMismatches": 0, "names": [], "ui": {}, "timing": None}
    b.navigate("file://" + urllib.parse.quote(os.path.abspath(page)))
    deadline = time.time() + 30
    while True:
        try:
            r = b.evaluate("document.readyState", timeout=10)
            if r == "complete":
                break
        except Exception:
            pass
        if time.time() > deadline:
            raise Fatal("INDEX.HTM did not load")
        b.pump(0.2)
    b.evaluate("(() => { const a = Array.from(document.links).find(a => /view images/i.test(a.textContent));"
               " if (!a) throw new Error('no View images link'); a.click(); return a.href; })()")
    info = wait_viewer(b)
    res["viewerUrl"] = info["href"]
    res["names"] = b.evaluate("Array.from(document.querySelectorAll('#study-list .pname')).map(e => e.textContent)")
    res["studyListText"] = b.evaluate("document.getElementById('study-list').textContent")
    res["csp"] = b.evaluate("(document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]') || {}).content || null")
    keys = info["state"]["series"]
    D = "LIGHTBOX_VIEWER.debug"
    biggest = None
    for k in keys:
        entry = {"key": k, "opened": False}
        try:
            b.evaluate(f"{D}.openSeries({json.dumps(k)})")
            st = b.evaluate(f"{D}.state()")
            t = b.evaluate(f"{D}.stepAll()", timeout=600)
            entry.update({"opened": True, "frames": st["frames"], "rows": st["rows"], "columns": st["columns"],
                          "samples": st["samples"], "light": st["light"], "stepAll": t})
            size = st["frames"] * st["rows"] * st["columns"]
            if biggest is None or size > biggest[0]:
                biggest = (size, k, t)
        except Exception as e:
            entry["error"] = str(e)
        res["series"].append(entry)
        b.pump(0.05)
    if biggest:
        k = biggest[1]
        b.evaluate(f"{D}.openSeries({json.dumps(k)})")
        warm = b.evaluate(f"{D}.stepAll()", timeout=600)
        b.evaluate(f"{D}.openSeries({json.dumps(keys[0])})")
        b.evaluate(f"{D}.openSeries({json.dumps(k)})")
        paced = b.evaluate(f"{D}.stepAll({{intervalMs: 1000 / 60}})", timeout=600)
        res["timing"] = {"series": k, "cold": biggest[2], "warm": warm, "paced60fps": paced,
                         "frames": biggest[2]["frames"], "msPerFrameMedian": biggest[2]["msPerFrameMedian"],
                         "msPerFrameMax": biggest[2]["msPerFrameMax"]}

    # the UI path: a real key press, a wheel step and a mouse drag
    multi = [s for s in res["series"] if s.get("opened") and s.get("frames", 0) > 2]
    gray = [s for s in res["series"] if s.get("opened") and not s.get("light") and s.get("samples") in ("int16", "uint16", "float32")]
    ui = {}
    try:
        if multi:
            k = multi[0]["key"]
            b.evaluate(f"{D}.openSeries({json.dumps(k)}).then(() => {{ document.getElementById('view').focus(); return true; }})")
            rect = b.evaluate("(() => { const r = document.getElementById('view').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
            b.key("ArrowDown", "ArrowDown", 40)
            b.pump(0.3)
            ui["keyFrame"] = b.evaluate(f"{D}.state().frame")
            b.wheel(rect[0], rect[1], 120)
            b.pump(0.3)
            ui["wheelFrame"] = b.evaluate(f"{D}.state().frame")
            b.key("End", "End", 35)
            b.pump(0.3)
            ui["endFrame"] = b.evaluate(f"{D}.state().frame")
            ui["keyOk"] = ui["keyFrame"] == 1 and ui["wheelFrame"] == 2 and ui["endFrame"] == multi[0]["frames"] - 1
        if gray:
            k = gray[0]["key"]
            b.evaluate(f"{D}.openSeries({json.dumps(k)})")
            rect = b.evaluate("(() => { const r = document.getElementById('view').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
            before = b.evaluate(f"{D}.state()")
            b.drag(rect[0], rect[1], 60, 40)
            b.pump(0.3)
            after = b.evaluate(f"{D}.state()")
            ui["dragWindow"] = [[before["center"], before["width"]], [after["center"], after["width"]]]
            ui["dragOk"] = (before["center"], before["width"]) != (after["center"], after["width"])
            ui["readout"] = b.evaluate("document.getElementById('readout').textContent")
        spaced = [s for s in gray if s.get("frames", 0) >= 1]
        for s_ in spaced:
            k = s_["key"]
            b.evaluate(f"{D}.openSeries({json.dumps(k)})")
            if b.evaluate("!document.getElementById('tool-measure').disabled"):
                rect = b.evaluate("(() => { const r = document.getElementById('view').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
                b.evaluate("(() => { document.getElementById('tool-measure').click(); return 1; })()")
                b.drag(rect[0] - 50, rect[1], 100, 0)
                b.pump(0.2)
                st = b.evaluate(f"{D}.state()")
                ui["measure"] = {"series": k, "mm": st["measureMm"],
                                 "text": b.evaluate("document.getElementById('measure-out').textContent")}
                ui["measureOk"] = bool(st["measureMm"]) and "mm" in ui["measure"]["text"]
                b.evaluate("(() => { document.getElementById('tool-window').click(); document.getElementById('zoom-in').click(); return 1; })()")
                ui["zoomAfterPlus"] = b.evaluate(f"{D}.state().zoom")
                break
        if multi:
            k = multi[0]["key"]
            b.evaluate(f"{D}.openSeries({json.dumps(k)}).then(() => {{ document.getElementById('play').click(); return 1; }})")
            b.pump(0.8)
            st = b.evaluate(f"{D}.state()")
            b.evaluate("(() => { document.getElementById('play').click(); return 1; })()")
            ui["cine"] = {"series": k, "playing": st["playing"], "frameAfter800ms": st["frame"],
                          "pausedAfterClick": not b.evaluate(f"{D}.state().playing")}
            ui["cineOk"] = st["playing"] and st["frame"] > 0 and ui["cine"]["pausedAfterClick"]
        light = [s for s in res["series"] if s.get("opened") and s.get("light")]
        if light:
            k = light[0]["key"]
            b.evaluate(f"{D}.openSeries({json.dumps(k)})")
            before = b.evaluate("Array.from(LIGHTBOX_VIEWER.debug.frameCanvas().getContext('2d').getImageData(0, 0, 64, 1).data).join()")
            b.evaluate("(() => { const bs = document.querySelectorAll('#presets button'); bs[bs.length - 1].click(); return bs.length; })()")
            b.pump(0.3)
            after = b.evaluate("Array.from(LIGHTBOX_VIEWER.debug.frameCanvas().getContext('2d').getImageData(0, 0, 64, 1).data).join()")
            ui["light"] = {"series": k, "presetButtons": b.evaluate("document.querySelectorAll('#presets button').length"),
                           "lightPreset": b.evaluate(f"{D}.state().lightPreset"),
                           "pixelsChanged": before != after,
                           "readout": b.evaluate("document.getElementById('readout').textContent"),
                           "note": b.evaluate("document.getElementById('note').textContent")}
    except Exception as e:
        ui["error"] = str(e)
    res["ui"] = ui

    for p in probes:
        js = ("(async () => { const D = LIGHTBOX_VIEWER.debug; const p = %s; await D.openSeries(p.series);"
              " if (p.center != null) D.setWindow(p.center, p.width); else D.choosePreset(-1);"
              " await D.showFrame(p.frame); const cv = D.frameCanvas(); const ctx = cv.getContext('2d');"
              " return {rgba: p.points.map(q => Array.from(ctx.getImageData(q[0], q[1], 1, 1).data)),"
              " values: p.points.map(q => D.valueAt(q[0], q[1])), state: D.state()}; })()") % json.dumps(
            {k: p[k] for k in ("series", "frame", "center", "width", "points")})
        out = {k: p[k] for k in ("series", "frame", "center", "width", "points")}
        try:
            r = b.evaluate(js)
            out["rgba"], out["values"] = r["rgba"], r["values"]
            exp = p.get("expected")
            if exp:
                bad = []
                for i, (got, want) in enumerate(zip(r["rgba"], exp["rgba"])):
                    if any(abs(g - w) > 1 for g, w in zip(got, want)):
                        bad.append({"point": p["points"][i], "rgba": got, "expected": want})
                for i, (got, want) in enumerate(zip(r["values"], exp["values"])):
                    if not close_enough(got, want):
                        bad.append({"point": p["points"][i], "value": got, "expected": want})
                out["match"] = not bad
                if bad:
                    out["mismatches"] = bad
                    res["probeMismatches"] += 1
        except Exception as e:
            out["error"] = str(e)
            res["probeMismatches"] += 1
        res["probes"].append(out)

    if shot:
        try:
            first = keys[0] if keys else None
            if first:
                b.evaluate(f"{D}.openSeries({json.dumps(first)})")
            b.pump(0.5)
            with open(shot, "wb") as fh:
                fh.write(b.screenshot())
            res["screenshot"] = os.path.abspath(shot)
        except Exception as e:
            res["screenshot"] = None
            res["screenshotError"] = str(e)
    b.pump(0.5)
    res["consoleErrors"] = list(b.console)
    res["requests"] = [u for u in b.requests if not u.lower().startswith("file:") and u not in ("about:blank",)]
    res["ok"] = (not res["consoleErrors"] and not res["requests"] and res["probeMismatches"] == 0
                 and all(s.get("opened") for s in res["series"]) and bool(res["series"])
                 and all(ui.get(k, True) for k in ("keyOk", "dragOk", "measureOk", "cineOk")) and "error" not in ui)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--browser", choices=["chromium", "firefox"], required=True)
    ap.add_argument("--page", required=True, help="absolute path of INDEX.HTM")
    ap.add_argument("--out", required=True)
    ap.add_argument("--screenshot")
    ap.add_argument("--probe")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=800)
    ap.add_argument("--strict", action="store_true", help="exit 1 unless everything passed")
    a = ap.parse_args()
    if not os.path.isfile(a.page):
        print(f"no such page: {a.page}", file=sys.stderr)
        return 2
    probes = []
    if a.probe:
        with open(a.probe, encoding="utf-8") as fh:
            probes = json.load(fh)
    b = None
    try:
        b = (Chromium if a.browser == "chromium" else Firefox)(a.width, a.height)
        res = run(b, a.page, probes, a.screenshot)
    except Fatal as e:
        print(f"viewer_browser: {e}", file=sys.stderr)
        if b is not None:
            print("console errors: " + json.dumps(b.console, ensure_ascii=False), file=sys.stderr)
        return 2
    finally:
        if b is not None:
            b.close()
    with open(a.out, "w", encoding="utf-8") as fh:
        json.dump(res, fh, ensure_ascii=False, indent=1)
    t = res.get("timing") or {}
    print(f"{res['browser']} {res['version']}: series {sum(1 for s in res['series'] if s.get('opened'))}/{len(res['series'])} opened, "
          f"console errors {len(res['consoleErrors'])}, requests {len(res['requests'])}, "
          f"probe mismatches {res['probeMismatches']}/{len(res['probes'])}, names {res['names']}, "
          f"ms/frame median {t.get('msPerFrameMedian', 0):.2f} max {t.get('msPerFrameMax', 0):.2f} ({t.get('series')}), ok {res['ok']}")
    return 1 if a.strict and not res["ok"] else 0


if __name__ == "__main__":
    sys.exit(main())
