# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Screenshot a portal page as a logged-in user, in headless Chromium.

    python tools/screenshot.py --url http://127.0.0.1:8079 --db DB --login vmi_supplier \
        --password vmi_supplier --path /my/vmi/agreement/1 --out docs/portal_agreement.png [--width 1280]

Logs in over JSON-RPC, hands the session cookie to Chromium through the
DevTools protocol (websocket-client, as Odoo's own browser tests do), opens the
page and captures it whole (``--save FILE`` downloads the path instead: the
stock sheet, the review PDF). Used by tools/screenshot.sh for the README.
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
from urllib.parse import urlparse

import requests
import websocket


def login(base, db, user, password):
    session = requests.Session()
    res = session.post(
        f"{base}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}},
        timeout=30,
    ).json()
    if res.get("error"):
        raise SystemExit(f"login failed: {res['error']}")
    return session.cookies["session_id"]


class Chrome:
    def __init__(self, port=9339):
        self.port = port
        self.profile = tempfile.mkdtemp(prefix="vmi_shot_")
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not binary:
            raise SystemExit("Chromium not found (Debian package chromium)")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ws = None
        self.msg_id = 0

    def connect(self):
        for _ in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{self.port}/json", timeout=2).json()
                page = next(t for t in targets if t["type"] == "page")
                self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
                return
            except Exception:  # noqa: BLE001 - Chromium still starting
                time.sleep(0.2)
        raise SystemExit("Chromium did not start")

    def call(self, method, **params):
        self.msg_id += 1
        self.ws.send(json.dumps({"id": self.msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.msg_id:
                if "error" in msg:
                    raise SystemExit(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def wait_event(self, name, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == name:
                return msg
        raise SystemExit(f"timeout waiting for {name}")

    def close(self):
        if self.ws:
            self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8079")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="vmi_supplier")
    parser.add_argument("--password", default="vmi_supplier")
    parser.add_argument("--path", required=True)
    parser.add_argument("--out", help="the PNG to write (unless --save)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument(
        "--height", type=int, default=800, help="the window's height before the page is captured whole"
    )
    parser.add_argument("--lang", default=None, help="e.g. zh_CN: the page in that language")
    parser.add_argument(
        "--save",
        default=None,
        help="download PATH as that user into this file instead of capturing it (the XLSX sheet, a PDF)",
    )
    parser.add_argument(
        "--settle", type=float, default=2, help="seconds to wait after load (widgets, the web client)"
    )
    args = parser.parse_args()

    session_id = login(args.url, args.db, args.login, args.password)
    if args.save:
        response = requests.get(args.url + args.path, cookies={"session_id": session_id}, timeout=120)
        response.raise_for_status()
        with open(args.save, "wb") as out:
            out.write(response.content)
        print(f"wrote {args.save} ({len(response.content)} bytes, {response.headers.get('Content-Type')})")
        return
    chrome = Chrome()
    try:
        chrome.connect()
        chrome.call("Network.enable")
        host = urlparse(args.url).hostname
        chrome.call("Network.setCookie", name="session_id", value=session_id, domain=host, path="/")
        if args.lang:
            chrome.call("Network.setCookie", name="frontend_lang", value=args.lang, domain=host, path="/")
        mobile = args.width < 600
        chrome.call(
            "Emulation.setDeviceMetricsOverride",
            width=args.width,
            height=args.height,
            deviceScaleFactor=1 if not mobile else 2,
            mobile=mobile,
        )
        chrome.call("Page.enable")
        # A file:// page (the sheet drawn by xlsx_preview.py) opens as it is.
        page = args.path if args.path.startswith("file://") else args.url + args.path
        chrome.call("Page.navigate", url=page)
        chrome.wait_event("Page.loadEventFired")
        time.sleep(args.settle)  # portal widgets (chatter), the web client render after load
        metrics = chrome.call("Page.getLayoutMetrics")
        height = int(metrics["cssContentSize"]["height"])
        chrome.call(
            "Emulation.setDeviceMetricsOverride",
            width=args.width,
            height=height,
            deviceScaleFactor=1 if not mobile else 2,
            mobile=mobile,
        )
        time.sleep(0.5)
        shot = chrome.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        with open(args.out, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        print(f"wrote {args.out} ({args.width}x{height})")
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
