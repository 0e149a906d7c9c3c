"""A local stand-in of Alipay's open-API gateway, and notifications signed as Alipay signs them.

It holds its own RSA key pair (the "Alipay" key) and the app's public key. It checks the RSA2
signature of each request it receives, answers alipay.trade.query from its ``trades`` and signs
the answer; ``notification()`` builds an asynchronous notification signed with the Alipay key.
Signing here uses ``cryptography``, not the SDK, so the SDK's verification is tested against an
independent implementation of Alipay's rules.
"""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

_keys = {}


def new_key(name="forger"):
    """An RSA-2048 key pair, made once per test run and name (making one takes ~0.1–1 s)."""
    if name not in _keys:
        _keys[name] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _keys[name]


def private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key):
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def sign(key, text):
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(public_key, text, signature):
    try:
        public_key.verify(base64.b64decode(signature), text.encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 — any failure is "not signed by that key"
        return False
    return True


def signing_string(params, *, exclude):
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in exclude and v != "")


class StandInGateway:
    def __init__(self, *, app_id, app_public_key):
        self.app_id = app_id
        self.app_public_key = app_public_key
        self.key = new_key("alipay")  # the "Alipay" key pair
        self.trades = {}  # out_trade_no → query answer fields
        self.requests = []  # (method, params, signature valid)
        self.sign_answers_with = None  # another key, to send a forged answer
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
                valid = verify(gateway.app_public_key, signing_string(params, exclude={"sign"}), params.get("sign", ""))
                gateway.requests.append((params.get("method"), params, valid))
                if params.get("method") == "alipay.trade.query":
                    body = gateway.query_answer(json.loads(params["biz_content"])["out_trade_no"], valid)
                else:
                    body = "<html><body>支付宝收银台（本地替身）</body></html>" if valid else "invalid-signature"
                payload = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/gateway.do"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def public_pem(self):
        return public_pem(self.key)

    def query_answer(self, out_trade_no, request_valid):
        if not request_valid:
            inner = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"}
        elif out_trade_no in self.trades:
            inner = {"code": "10000", "msg": "Success", "out_trade_no": out_trade_no, **self.trades[out_trade_no]}
        else:
            inner = {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST",
                     "sub_msg": "交易不存在"}
        text = json.dumps(inner, ensure_ascii=False, separators=(",", ":"))
        signature = sign(self.sign_answers_with or self.key, text)
        return f'{{"alipay_trade_query_response":{text},"sign":"{signature}"}}'

    def notification(self, *, out_trade_no, total_amount, trade_status="TRADE_SUCCESS", app_id=None,
                     key=None, gmt_payment="2026-11-30 18:00:00", **extra):
        params = {
            "notify_time": "2026-11-30 18:00:05", "notify_type": "trade_status_sync", "notify_id": "ac05099524730693a8b330c5ecf72da9786",
            "charset": "utf-8", "version": "1.0", "sign_type": "RSA2", "app_id": app_id or self.app_id,
            "trade_no": "2026113022001404070200176844", "out_trade_no": out_trade_no, "trade_status": trade_status,
            "total_amount": total_amount, "receipt_amount": total_amount, "buyer_pay_amount": total_amount,
            "gmt_create": "2026-11-30 17:59:40", "gmt_payment": gmt_payment, "subject": "理论课报名",
            **extra,
        }
        params["sign"] = sign(key or self.key, signing_string(params, exclude={"sign", "sign_type"}))
        return params
