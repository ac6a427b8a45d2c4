# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Chat webhooks: the message each group robot expects, its signature, and
how it says that it took the message. Plain Python (no ORM, no network):
the outbox (``vmi.notification``) posts what ``build_request`` returns and
reads the answer with ``answer_problem``.

* **WeCom** (企业微信) group robot: ``{"msgtype": "markdown", "markdown":
  {"content": ...}}``, answer ``{"errcode": 0}``.
* **DingTalk** (钉钉) robot with a signing secret: the same markdown shape with
  a title, ``timestamp`` (milliseconds) and ``sign`` in the query string,
  answer ``{"errcode": 0}``.
* **Feishu / Lark** (飞书) custom bot: an interactive card, ``timestamp``
  (seconds) and ``sign`` in the body when the bot has a signing secret,
  answer ``{"code": 0}``.
* **Generic JSON**: the event's fields as they are, any 2xx answer.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote_plus, urlsplit

KINDS = ("wecom", "dingtalk", "feishu", "generic")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
# WeCom refuses markdown over 4096 bytes; DingTalk and Feishu take more.
MAX_TEXT_BYTES = 4000


@dataclass(frozen=True)
class ChatMessage:
    """One event for the chat group, already in the group's language."""

    event: str
    agreement: str
    supplier: str
    record: str
    url: str
    title: str
    text: str
    lang: str
    link_label: str = "Open"


def url_problem(url):
    """Why ``url`` cannot be a webhook (``"scheme"``, ``"host"``), or None.
    Robots are reached over https; plain http only on this machine (tests,
    a local relay).

    >>> url_problem("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")
    >>> url_problem("http://127.0.0.1:8069/hook")
    >>> url_problem("http://example.com/hook")
    'scheme'
    >>> url_problem("ftp://example.com/hook")
    'scheme'
    >>> url_problem("https:///hook")
    'host'
    >>> url_problem("not a url")
    'scheme'
    """
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("https", "http"):
        return "scheme"
    if not parts.hostname:
        return "host"
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        return "scheme"
    return None


def dingtalk_sign(secret, timestamp_ms):
    """DingTalk's ``sign`` query parameter: the URL-encoded base64 of
    HMAC-SHA256 keyed with the secret over ``"{timestamp}\\n{secret}"``.

    >>> dingtalk_sign("SECabc", 1700000000000)
    'jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM%3D'
    """
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret, timestamp_s):
    """Feishu's ``sign`` body field: the base64 of HMAC-SHA256 keyed with
    ``"{timestamp}\\n{secret}"`` over an empty message.

    >>> feishu_sign("abc", 1700000000)
    'VIS10b0EBvzzSdFnuk4tznEmK5wHaruvf/WnViv2yR4='
    """
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", digestmod=hashlib.sha256).digest()).decode()


def clip(text, limit=MAX_TEXT_BYTES):
    """``text`` cut to ``limit`` UTF-8 bytes (on a character), ``…`` added.

    >>> clip("补货建议", 7)
    '补…'
    >>> clip("short", 10)
    'short'
    """
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def markdown(message):
    """The markdown of WeCom and DingTalk: a bold title, the text, the link.

    >>> print(markdown(ChatMessage("proposal", "VMI/0001", "Bearing Ltd", "P00001",
    ...     "https://erp.example.com/my/vmi/proposal/1", "New proposal P00001", "6205: 55", "en_US")))
    **New proposal P00001**
    <BLANKLINE>
    6205: 55
    <BLANKLINE>
    [Open](https://erp.example.com/my/vmi/proposal/1)
    """
    body = f"**{message.title}**\n\n{message.text}"
    if message.url:
        body += f"\n\n[{message.link_label}]({message.url})"
    return clip(body)


def build_request(kind, url, secret, message, timestamp):
    """``(url, json body)`` to POST for ``message`` on a robot of ``kind``;
    ``timestamp`` is the time in seconds (float), used by the signatures.

    >>> m = ChatMessage(
    ...     "proposal", "VMI/0001", "Bearing Ltd", "P00001", "https://x/p/1", "T", "Body", "en_US"
    ... )
    >>> build_request("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "", m, 0)[1]
    {'msgtype': 'markdown', 'markdown': {'content': '**T**\\n\\nBody\\n\\n[Open](https://x/p/1)'}}
    >>> url, body = build_request("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t",
    ...     "SECabc", m, 1700000000.0)
    >>> url
    'https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM%3D'
    >>> body["msgtype"], body["markdown"]["title"]
    ('markdown', 'T')
    >>> feishu = "https://open.feishu.cn/open-apis/bot/v2/hook/h"
    >>> body = build_request("feishu", feishu, "abc", m, 1700000000.0)[1]
    >>> body["msg_type"], body["timestamp"], body["sign"]
    ('interactive', '1700000000', 'VIS10b0EBvzzSdFnuk4tznEmK5wHaruvf/WnViv2yR4=')
    >>> "sign" in build_request("feishu", "https://open.feishu.cn/h", "", m, 1700000000.0)[1]
    False
    >>> sorted(build_request("generic", "https://hooks.example.com/vmi", "", m, 0)[1])
    ['agreement', 'event', 'lang', 'record', 'supplier', 'text', 'title', 'url']
    >>> build_request("telex", "https://x", "", m, 0)
    Traceback (most recent call last):
    ...
    ValueError: unknown chat kind 'telex'
    """
    if kind == "wecom":
        return url, {"msgtype": "markdown", "markdown": {"content": markdown(message)}}
    if kind == "dingtalk":
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": markdown(message)}}
        if secret:
            stamp = int(timestamp * 1000)
            separator = "&" if urlsplit(url).query else "?"
            url = f"{url}{separator}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
        return url, body
    if kind == "feishu":
        body = {"msg_type": "interactive", "card": feishu_card(message)}
        if secret:
            stamp = int(timestamp)
            body.update(timestamp=str(stamp), sign=feishu_sign(secret, stamp))
        return url, body
    if kind == "generic":
        return url, {
            "event": message.event,
            "agreement": message.agreement,
            "supplier": message.supplier,
            "record": message.record,
            "url": message.url,
            "title": message.title,
            "text": message.text,
            "lang": message.lang,
        }
    raise ValueError(f"unknown chat kind {kind!r}")


def feishu_card(message):
    """A Feishu/Lark message card: the title as header, the text in
    ``lark_md``, a button to the record.

    >>> card = feishu_card(ChatMessage("e", "A", "S", "R", "https://x/1", "Title", "Text", "zh_CN", "打开"))
    >>> card["header"]["title"]["content"], card["elements"][0]["text"]["content"]
    ('Title', 'Text')
    >>> card["elements"][1]["actions"][0]["text"]["content"], card["elements"][1]["actions"][0]["url"]
    ('打开', 'https://x/1')
    """
    elements = [{"tag": "div", "text": {"tag": "lark_md", "content": clip(message.text)}}]
    if message.url:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": message.link_label},
                        "url": message.url,
                        "type": "primary",
                    }
                ],
            }
        )
    return {
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": message.title}},
        "elements": elements,
    }


def answer_problem(kind, status, payload):
    """What went wrong according to the robot's answer (HTTP ``status``,
    parsed JSON ``payload`` or None), or None when it took the message.
    WeCom and DingTalk answer 200 with ``errcode``; Feishu with ``code``
    (older bots: ``StatusCode``).

    >>> answer_problem("wecom", 200, {"errcode": 0, "errmsg": "ok"})
    >>> answer_problem("dingtalk", 200, {"errcode": 310000, "errmsg": "sign not match"})
    'errcode 310000: sign not match'
    >>> answer_problem("feishu", 200, {"code": 0, "msg": "success"})
    >>> answer_problem("feishu", 200, {"StatusCode": 0})
    >>> answer_problem("feishu", 200, {"code": 19021, "msg": "sign match fail"})
    'code 19021: sign match fail'
    >>> answer_problem("wecom", 200, None)
    'not a JSON answer'
    >>> answer_problem("generic", 204, None)
    >>> answer_problem("generic", 500, None)
    'HTTP 500'
    """
    if not 200 <= status < 300:
        return f"HTTP {status}"
    if kind == "generic":
        return None
    if not isinstance(payload, dict):
        return "not a JSON answer"
    if kind in ("wecom", "dingtalk"):
        code, text = payload.get("errcode"), payload.get("errmsg", "")
        return None if code == 0 else f"errcode {code}: {text}"
    code = payload.get("code", payload.get("StatusCode"))
    text = payload.get("msg", payload.get("StatusMessage", ""))
    return None if code == 0 else f"code {code}: {text}"
