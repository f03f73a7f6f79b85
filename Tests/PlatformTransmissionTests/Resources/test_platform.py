#!/usr/bin/env python3
"""An accredited platform for the tests: the flow API of AFNOR XP Z12-013
(annex A, "AFNOR Flow Service" 1.1.0) on 127.0.0.1, Python stdlib only
(plus the `factur-x` package, when present, to check submitted Factur-X).

  POST /oauth/token              OAuth2 client credentials (form: grant_type, client_id, client_secret)
  POST /v1/flows                 multipart `flowInfo` (JSON) + `file`; 202 with the Flow
  POST /v1/flows/search          {"limit": <=100, "where": {updatedAfter, trackingId, flowType[], flowDirection[], ackStatus}}
  GET  /v1/flows/{id}?docType=   Metadata (default), Original
  GET  /v1/healthcheck

Every /v1 call needs `Authorization: Bearer <a token it issued>` (401 MISSING_TOKEN).
A submission is checked: both parts, flowSyntax, trackingId (<= 36), the
file's sha256 (422 ChecksumMismatch), its size (413), a trackingId already
received (422 AlreadyExistingFlow, never a second flow); a Factur-X PDF must
embed a factur-x.xml valid against the EN 16931 XSD, else its acknowledgement
is Error (InvalidSchema) and a Rejetée (213) life-cycle message follows; a
valid one is Ok and Déposée (200). A CDAR (Encaissée) must name a known invoice.

Control, for the tests (no token):
  POST /_control/faults     {"faults": ["503", "429", "500", "drop", "drop-after-store", "400"]}: the next submissions, in order
  POST /_control/reject     {"trackingId": T, "reasons": [{"reasonCode", "reasonMessage"}]}: T is rejected when it arrives
  POST /_control/lifecycle  {"trackingId": T, "status": "210", "name": "Refusée", "reasons": [...]}: a status from the buyer's side
  POST /_control/revoke     every token issued is forgotten (the next call gets 401)
  GET  /_control/state      every flow (with its file's sha256) and every submission attempt

Usage: test_platform.py CLIENT_ID SECRET. Prints `PORT n` once it listens;
runs until its standard input closes."""
import hashlib
import json
import os
import secrets
import socket
import sys
import threading
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

MAX_FILE = 20 * 1024 * 1024
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"

try:
    import facturx
    from lxml import etree
except ImportError:  # the checks that need them are skipped
    facturx = None

lock = threading.Lock()
state = {
    "tokens": set(),
    "flows": [],          # every flow, in order
    "attempts": [],       # every POST /v1/flows: trackingId and what was answered
    "faults": [],
    "reject": {},
    "originals": {},      # flowId -> bytes
    "last": "",
}


def now():
    """A strictly increasing updatedAt, so paging by updatedAfter loses nothing."""
    t = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if t <= state["last"]:
        base = datetime.strptime(state["last"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        t = datetime.fromtimestamp(base.timestamp() + 0.000001, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if t <= state["last"]:
            head, micro = state["last"][:-7], int(state["last"][-7:-1])
            t = f"{head}{micro + 1:06d}Z"
    state["last"] = t
    return t


def cdar(number, code, name, reasons, amount=None):
    items = "".join(f"<ram:ReasonCode>{r.get('reasonCode', '')}</ram:ReasonCode><ram:Reason>{r.get('reasonMessage', '')}</ram:Reason>"
                    for r in reasons)
    if amount is not None:
        items += f"<ram:SpecifiedDocumentCharacteristic><ram:TypeCode>MEN</ram:TypeCode><ram:ValueAmount currencyID=\"EUR\">{amount}</ram:ValueAmount></ram:SpecifiedDocumentCharacteristic>"
    status = f"<ram:SpecifiedDocumentStatus>{items}</ram:SpecifiedDocumentStatus>" if items else ""
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rsm:CrossDomainAcknowledgementAndResponse "
            f"xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100\" "
            f"xmlns:ram=\"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100\">"
            f"<rsm:ExchangedDocument><ram:ID>LC-{uuid.uuid4()}</ram:ID></rsm:ExchangedDocument><rsm:AcknowledgementDocument>"
            f"<ram:ReferenceReferencedDocument><ram:IssuerAssignedID>{number}</ram:IssuerAssignedID>"
            f"<ram:ProcessConditionCode>{code}</ram:ProcessConditionCode><ram:ProcessCondition>{name}</ram:ProcessCondition>"
            f"{status}</ram:ReferenceReferencedDocument></rsm:AcknowledgementDocument></rsm:CrossDomainAcknowledgementAndResponse>").encode()


def add_lifecycle(number, code, name, reasons):
    """A life-cycle message from the platform to the company (flowDirection In)."""
    t = now()
    flow = {"flowId": str(uuid.uuid4()), "trackingId": None, "submittedAt": t, "updatedAt": t, "flowType": "CustomerInvoiceLC",
            "processingRule": "B2B", "processingRuleSource": "Computed", "flowDirection": "In", "flowSyntax": "CDAR",
            "acknowledgement": {"status": "Ok", "details": []}, "about": number, "status": code}
    state["flows"].append(flow)
    state["originals"][flow["flowId"]] = cdar(number, code, name, reasons)


def check_facturx(data):
    """Reasons the Factur-X is refused: empty when it passes (or the package is missing)."""
    if facturx is None:
        return []
    try:
        name, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    except Exception as e:  # noqa: BLE001 - any failure to read is a rejection
        return [{"level": "Error", "item": "file", "reasonCode": "InvalidSchema", "reasonMessage": f"not a Factur-X PDF: {e}"}]
    if name != "factur-x.xml" or not xml:
        return [{"level": "Error", "item": "file", "reasonCode": "InvalidSchema", "reasonMessage": "no factur-x.xml embedded"}]
    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as e:  # noqa: BLE001
        return [{"level": "Error", "item": "factur-x.xml", "reasonCode": "InvalidSchema", "reasonMessage": str(e)[:300]}]
    return []


def multipart(ctype, raw):
    """The parts of a multipart/form-data body, byte for byte: name -> (content type, bytes, file name)."""
    boundary = None
    for item in ctype.split(";")[1:]:
        k, _, v = item.strip().partition("=")
        if k.lower() == "boundary":
            boundary = v.strip('"')
    if not boundary:
        return None
    parts = {}
    delimiter = b"--" + boundary.encode()
    for chunk in raw.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep or not content.endswith(b"\r\n"):
            return None
        content = content[:-2]
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if ":" in line:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
        params = {}
        for item in headers.get("content-disposition", "").split(";")[1:]:
            k, _, v = item.strip().partition("=")
            params[k.lower()] = v.strip('"')
        if "name" in params:
            parts[params["name"]] = (headers.get("content-type", "text/plain"), content, params.get("filename"))
    return parts


def public(flow):
    return {k: v for k, v in flow.items() if k not in ("about", "status", "sha256Computed")}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(body, bytes) else (headers or {}).pop("Content-Type", "application/octet-stream"))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def error(self, status, code, message, headers=None):
        self.answer(status, {"errorCode": code, "errorMessage": message}, headers)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def authorised(self):
        auth = self.headers.get("Authorization", "")
        with lock:
            ok = auth.startswith("Bearer ") and auth[7:] in state["tokens"]
        if not ok:
            self.error(401, "MISSING_TOKEN", "a valid bearer token is required")
        return ok

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/_control/state":
            with lock:
                return self.answer(200, {"flows": [dict(f) for f in state["flows"]], "attempts": state["attempts"]})
        if url.path == "/v1/healthcheck":
            return self.answer(200, {"status": "UP"})
        if not self.authorised():
            return
        if url.path.startswith("/v1/flows/"):
            fid = url.path[len("/v1/flows/"):]
            doc = parse_qs(url.query).get("docType", ["Metadata"])[0]
            with lock:
                flow = next((f for f in state["flows"] if f["flowId"] == fid), None)
                original = state["originals"].get(fid)
            if flow is None:
                return self.error(404, "MISSING_RESOURCE", f"no flow {fid}")
            if doc == "Metadata":
                return self.answer(200, public(flow))
            if doc == "Original":
                return self.answer(200, original or b"", {"Content-Type": "application/xml" if flow["flowSyntax"] == "CDAR" else "application/pdf",
                                                          "Content-Disposition": f"attachment;filename={fid}"})
            return self.error(400, "INVALID_DOC_TYPE", f"docType {doc} is not served here")
        self.error(404, "MISSING_RESOURCE", url.path)

    def do_POST(self):
        url = urlparse(self.path)
        raw = self.body()
        if url.path.startswith("/_control/"):
            return self.control(url.path, json.loads(raw or b"{}"))
        if url.path == "/oauth/token":
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            if form.get("grant_type") != "client_credentials" or form.get("client_id") != CLIENT_ID or form.get("client_secret") != SECRET:
                return self.answer(401, {"error": "invalid_client"})
            token = secrets.token_hex(16)
            with lock:
                state["tokens"].add(token)
            return self.answer(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})
        if not self.authorised():
            return
        if url.path == "/v1/flows/search":
            return self.search(json.loads(raw or b"{}"))
        if url.path == "/v1/flows":
            return self.submit(raw)
        self.error(404, "MISSING_RESOURCE", url.path)

    def control(self, path, body):
        with lock:
            if path == "/_control/faults":
                state["faults"].extend(body.get("faults", []))
            elif path == "/_control/reject":
                state["reject"][body["trackingId"]] = body.get("reasons", [])
            elif path == "/_control/lifecycle":
                add_lifecycle(body["trackingId"], body["status"], body.get("name", ""), body.get("reasons", []))
            elif path == "/_control/revoke":
                state["tokens"].clear()
            else:
                return self.error(404, "MISSING_RESOURCE", path)
        self.answer(200, {"ok": True})

    def search(self, body):
        limit = body.get("limit", 25)
        where = body.get("where") or {}
        if not isinstance(limit, int) or limit < 1 or limit > 100:
            return self.error(400, "INVALID_LIMIT", "limit is 1 to 100")
        if not where:
            return self.error(400, "MISSING_REQUIRED_FIELD", "at least one criterion")
        with lock:
            out = []
            for f in sorted(state["flows"], key=lambda f: f["updatedAt"]):
                if "updatedAfter" in where and not f["updatedAt"] > where["updatedAfter"]:
                    continue
                if "updatedBefore" in where and not f["updatedAt"] < where["updatedBefore"]:
                    continue
                if "trackingId" in where and f.get("trackingId") != where["trackingId"]:
                    continue
                if "flowType" in where and f["flowType"] not in where["flowType"]:
                    continue
                if "flowDirection" in where and f["flowDirection"] not in where["flowDirection"]:
                    continue
                if "ackStatus" in where and f["acknowledgement"]["status"] != where["ackStatus"]:
                    continue
                out.append(public(f))
                if len(out) == limit:
                    break
        self.answer(200, {"limit": limit, "filters": where, "results": out})

    def submit(self, raw):
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            return self.error(400, "MISSING_REQUIRED_FIELD", "multipart/form-data expected")
        parts = multipart(ctype, raw)
        if parts is None:
            return self.error(400, "MISSING_REQUIRED_FIELD", "a malformed multipart body")
        with lock:
            fault = state["faults"].pop(0) if state["faults"] else None
            tracking = None
            try:
                tracking = json.loads(parts["flowInfo"][1]).get("trackingId")
            except Exception:  # noqa: BLE001
                pass
            state["attempts"].append({"trackingId": tracking, "fault": fault})
        if fault in ("503", "429", "500"):
            return self.error(int(fault), "TOO_MANY_REQUESTS" if fault == "429" else "UNAVAILABLE", "try later",
                              {"Retry-After": "1"} if fault != "500" else None)
        if fault == "drop":
            return self.drop()
        if fault == "400":
            return self.error(400, "MISSING_REQUIRED_FIELD", "refused on demand")
        if "flowInfo" not in parts or "file" not in parts:
            return self.error(400, "MISSING_REQUIRED_FIELD", "parts flowInfo and file are required")
        try:
            info = json.loads(parts["flowInfo"][1])
        except ValueError:
            return self.error(400, "MISSING_REQUIRED_FIELD", "flowInfo is not JSON")
        data = parts["file"][1]
        syntax, tracking = info.get("flowSyntax"), info.get("trackingId")
        if syntax not in ("CII", "UBL", "Factur-X", "CDAR", "FRR"):
            return self.error(400, "MISSING_REQUIRED_FIELD", "flowSyntax")
        if not tracking or len(tracking) > 36:
            return self.error(400, "MISSING_REQUIRED_FIELD", "trackingId of 1 to 36 characters")
        if not data:
            return self.error(400, "EmptyFlow", "the file is empty")
        if len(data) > MAX_FILE:
            return self.error(413, "FILE_SIZE_EXCEEDED", f"at most {MAX_FILE} bytes")
        digest = hashlib.sha256(data).hexdigest()
        if info.get("sha256") and info["sha256"] != digest:
            return self.error(422, "ChecksumMismatch", f"sha256 {info['sha256']} given, {digest} computed")
        with lock:
            existing = next((f for f in state["flows"] if f.get("trackingId") == tracking and f["flowDirection"] == "Out"), None)
            if existing is not None:
                return self.error(422, "AlreadyExistingFlow", f"trackingId {tracking} is flow {existing['flowId']}")
            reasons = []
            if syntax == "Factur-X":
                if parts["file"][0] != "application/pdf":
                    reasons.append({"level": "Error", "item": "file", "reasonCode": "FlowTypeError", "reasonMessage": "Factur-X is a PDF"})
                reasons += state["reject"].get(tracking, [])
        if syntax == "Factur-X" and not reasons:
            reasons = check_facturx(data)
        amount = number = None
        if syntax == "CDAR":
            try:
                doc = ET.fromstring(data)
                number = doc.find(f".//{RAM}ReferenceReferencedDocument/{RAM}IssuerAssignedID").text
                code = doc.find(f".//{RAM}ProcessConditionCode").text
                amount_el = doc.find(f".//{RAM}ValueAmount")
                amount = amount_el.text if amount_el is not None else None
                with lock:
                    known = any(f.get("trackingId") == number and f["flowType"] == "CustomerInvoice" for f in state["flows"])
                if code != "212" or amount is None:
                    reasons.append({"level": "Error", "item": "ProcessConditionCode", "reasonCode": "InvoiceLCRuleError",
                                    "reasonMessage": "an Encaissée (212) with its amount is expected"})
                elif not known:
                    reasons.append({"level": "Error", "item": "IssuerAssignedID", "reasonCode": "InvoiceLCAccessDenied",
                                    "reasonMessage": f"invoice {number} is unknown here"})
            except Exception as e:  # noqa: BLE001
                reasons.append({"level": "Error", "item": "file", "reasonCode": "InvalidSchema", "reasonMessage": f"not a CDAR message: {e}"})
        if syntax == "FRR":
            try:
                doc = ET.fromstring(data)
                rows = doc.findall(".//{urn:ardoise:ereporting:1}Transactions")
                amount = "%.2f" % sum(float(r.get("total")) for r in rows)
                if any(round(float(r.get("net")) + float(r.get("vat")), 2) != round(float(r.get("total")), 2) for r in rows):
                    reasons.append({"level": "Error", "item": "Transactions", "reasonCode": "InvalidSchema", "reasonMessage": "net + vat <> total"})
            except Exception as e:  # noqa: BLE001
                reasons.append({"level": "Error", "item": "file", "reasonCode": "InvalidSchema", "reasonMessage": f"not a report: {e}"})
        with lock:
            t = now()
            flow = {"flowId": str(uuid.uuid4()), "trackingId": tracking, "submittedAt": t, "updatedAt": t,
                    "flowType": {"CDAR": "CustomerInvoiceLC", "FRR": "AggregatedCustomerTransactionReport"}.get(syntax, "CustomerInvoice"), "processingRule": info.get("processingRule", "B2B"),
                    "processingRuleSource": "Input", "flowDirection": "Out", "flowSyntax": syntax, "flowProfile": info.get("flowProfile"),
                    "sha256": digest, "name": info.get("name"), "acknowledgement": {"status": "Pending", "details": []},
                    "about": number or tracking, "amount": amount}
            state["flows"].append(flow)
            state["originals"][flow["flowId"]] = data
            answer = public(flow)
            # Checked at once here; a real platform may take longer: the acknowledgement is read by the search.
            flow["acknowledgement"] = {"status": "Error" if reasons else "Ok", "details": reasons}
            flow["updatedAt"] = now()
            if syntax == "Factur-X":
                if reasons:
                    add_lifecycle(tracking, "213", "Rejetée", reasons)
                else:
                    add_lifecycle(tracking, "200", "Déposée", [])
        if fault == "drop-after-store":
            return self.drop()
        self.answer(202, answer)


def main():
    global CLIENT_ID, SECRET
    CLIENT_ID, SECRET = sys.argv[1], sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)

    def watch():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
