"""Schemathesis hooks: each call carries the real authentication of the route it targets.

Loaded with SCHEMATHESIS_HOOKS=hooks (PYTHONPATH=infra/fuzz) by services/standalone/test/fuzz.e2e-spec.ts,
which passes what the running app accepts in SIYU_FUZZ_AUTH (JSON):
  tokens        role -> "Bearer …" (staff roles and the machine key's token)
  topSecrets    "orders" | "membership" -> {"shop": id, "secret": s}: TOP-signed webhooks (libs/crypto top-signature)
  smsSecret     HMAC-SHA256 of the sandbox SMS webhook (x-siyu-signature over the raw body)
  urlTokens     query `token` of the vendor callbacks that cannot sign (Aliyun/Tencent replies, Aliyun receipts)
  wechatToken   WeChat server token: signature = sha1(sorted(token, timestamp, nonce))
  pageTokens    path prefix ("q", "u", "p", "me") -> valid signed page tokens for the customer pages

Staff routes get a token of the first role in `x-roles` (the authorisation matrix covers the others).
Signed webhooks are signed over the exact bytes sent, so the fuzzer reaches the handler behind the
signature check; customer pages get a valid page token in half the cases so their forms are reached.
"""

import hashlib
import hmac
import json
import os
import random
import re
import secrets
import time

import requests
import schemathesis

AUTH = json.loads(os.environ.get("SIYU_FUZZ_AUTH", "{}"))


# Field names the webhooks read (order pushes, membership calls, SMS replies and receipts), so random
# bodies reach past "unknown field" into the handlers' own checks.
FIELDS = [
    "tid", "order_id", "orderId", "status", "buyer_nick", "buyer_open_uid", "receiver_name", "receiver_mobile",
    "receiver_address", "payment", "created", "modified", "orders", "sku_id", "num", "price", "member_id",
    "shop_id", "agreement_version", "joined_at", "mobile", "phone", "event", "action", "content", "Content",
    "PhoneNumber", "phone_number", "send_time", "SendTime", "SignName", "sign_name", "Sequence", "BizId",
    "biz_id", "out_id", "success", "err_code", "report_time", "mobile", "sign", "ext", "__proto__",
    "constructor", "FromUserName", "CreateTime", "MsgType", "Event",
]
NASTY = ["", " ", "退订", "T", "TD", "R", "' OR 1=1 --", "\u0000", "\r\n", "<xml/>", "a" * 5000, "😀", "%00", "null"]


def _random_value(rng, depth=0):
    kind = rng.randrange(9 if depth < 3 else 5)
    if kind == 0:
        return rng.choice(NASTY)
    if kind == 1:
        return rng.randint(-(2**53), 2**53)
    if kind == 2:
        return rng.choice([True, False, None, 1.5e308, -0.0])
    if kind == 3:
        return "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(0, 40)))
    if kind == 4:
        return str(rng.randrange(10**10, 10**11))
    if kind in (5, 6):
        return {rng.choice(FIELDS): _random_value(rng, depth + 1) for _ in range(rng.randrange(0, 8))}
    return [_random_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]


def _invented_body(case):
    """Operations whose description has no body (the signed webhooks): a random JSON value."""
    rng = random.Random()
    if case.operation.path == "/webhooks/wechat":
        fields = "".join(f"<{rng.choice(FIELDS)}>{rng.choice(NASTY)}</{rng.choice(FIELDS)}>" for _ in range(4))
        return f"<xml>{fields}</xml>".encode("utf-8"), "text/xml"
    value = {rng.choice(FIELDS): _random_value(rng, 1) for _ in range(rng.randrange(1, 10))}
    if rng.random() < 0.2:
        value = _random_value(rng)
    return json.dumps(value, ensure_ascii=rng.random() < 0.5).encode("utf-8"), "application/json"


def _raw_body(case, kwargs):
    """The bytes the transport would send; passed back as `data` so the signature covers them exactly."""
    if "data" in kwargs:
        return kwargs["data"]
    if not case.operation.definition.raw.get("requestBody"):
        body, media = _invented_body(case)
        case.headers = {**(case.headers or {}), "Content-Type": media}
        return body
    serialized = case.as_transport_kwargs(base_url="http://fuzz.invalid")
    if "json" not in serialized and "data" not in serialized:
        return None
    prepared = requests.Request(
        method="POST",
        url="http://fuzz.invalid/",
        json=serialized.get("json"),
        data=serialized.get("data"),
        files=serialized.get("files"),
        headers=serialized.get("headers"),
    ).prepare()
    body = prepared.body
    if isinstance(body, str):
        body = body.encode("utf-8")
    if prepared.headers.get("Content-Type"):
        case.headers = {**(case.headers or {}), "Content-Type": prepared.headers["Content-Type"]}
    return body


def _top_sign(case, kwargs, which):
    cfg = AUTH.get("topSecrets", {}).get(which)
    if not cfg:
        return
    body = _raw_body(case, kwargs) or b""
    kwargs["data"] = body
    query = {k: v for k, v in (case.query or {}).items() if isinstance(v, str)}
    query.update(
        shop_id=cfg["shop"],
        timestamp=str(int(time.time())),
        nonce=secrets.token_hex(8),
        sign_method="hmac-sha256",
    )
    canonical = "".join(f"{k}{v}" for k, v in sorted(query.items()) if k != "sign")
    query["sign"] = hmac.new(cfg["secret"].encode(), canonical.encode() + body, hashlib.sha256).hexdigest()
    case.query = query


@schemathesis.hook
def before_call(context, case, kwargs):
    op = case.operation.definition.raw
    path = case.operation.path
    headers = dict(case.headers or {})
    roles = op.get("x-roles")
    if roles:
        token = AUTH.get("tokens", {}).get(roles[0])
        if token:
            headers["Authorization"] = token
        case.headers = headers
        return
    case.headers = headers
    if path.startswith("/webhooks/orders/"):
        _top_sign(case, kwargs, "orders")
    elif path.startswith("/webhooks/membership/"):
        _top_sign(case, kwargs, "membership")
    elif path == "/webhooks/sms/sandbox":
        body = _raw_body(case, kwargs) or b""
        kwargs["data"] = body
        secret = AUTH.get("smsSecret", "")
        case.headers = {
            **(case.headers or {}),
            "x-siyu-signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
        }
    elif path in AUTH.get("urlTokens", {}):
        kwargs["data"] = _raw_body(case, kwargs) or b""
        case.query = {**(case.query or {}), "token": AUTH["urlTokens"][path]}
    elif path == "/api/v1/identity/tokens" and AUTH.get("apiKey") and random.random() < 0.5:
        case.headers = {**(case.headers or {}), "x-api-key": AUTH["apiKey"]}
    elif path.startswith("/webhooks/wechat") and AUTH.get("wechatToken"):
        ts, nonce = str(int(time.time())), secrets.token_hex(6)
        sig = hashlib.sha1("".join(sorted([AUTH["wechatToken"], ts, nonce])).encode()).hexdigest()
        case.query = {**(case.query or {}), "timestamp": ts, "nonce": nonce, "signature": sig}
        if case.method.upper() == "POST":
            kwargs["data"] = _raw_body(case, kwargs) or b""
    else:
        prefix = path.strip("/").split("/")[0]
        tokens = AUTH.get("pageTokens", {}).get(prefix)
        if tokens and "token" in (case.path_parameters or {}) and random.random() < 0.5:
            case.path_parameters = {**case.path_parameters, "token": random.choice(tokens)}
            if case.method.upper() == "POST" and isinstance(case.body, dict):
                _with_form_nonce(case)


def _with_form_nonce(case):
    """Customer forms carry a CSRF nonce issued with the page: fetch the page as a browser would."""
    page = case.operation.path.replace("{token}", case.path_parameters["token"])
    page = re.sub(r"/(code|agree|wechat/agree)$", "", page)
    try:
        html = requests.get(AUTH["baseUrl"] + page, timeout=10).text
    except requests.RequestException:
        return
    found = re.search(r'name="nonce" value="([^"]+)"', html)
    if found:
        case.body = {**case.body, "nonce": found.group(1)}
