#!/usr/bin/env python3
"""`normcheck lsp` spoken to over pipes, as an editor does: Content-Length
framing, JSON-RPC 2.0, a timeout on every wait. Usage: test_lsp.py NORMCHECK.

The workspace is a temporary folder with four files: domain.norm (imported by
main.norm), scenarios.norm (not imported: found because it is in the
workspace), other.norm (never opened, with an error of its own) and main.norm,
which is opened with errors on a line that has non-ASCII text before them."""
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading

TIMEOUT = 20  # seconds for any one answer

DOMAIN = """instrument EU "Directive 2024/1 on examples" {
  level eu_directive
  in_force 2024-01-01
  applies_from 2024-06-01
  repealed 2030-01-01
}
enum Status { granted, refused }
case Person {
  age: int years
  status: Status
}
decision detained(p: Person): bool
norm EU.art1 "No detention of minors" {
  source EU "art. 1"
  for p: Person
  when p.age < 18 years
  must not detained(p)
}
"""

SCENARIOS = """fact inflow: int persons
scenario Busy "A busy year" { assume inflow >= 10 persons }
"""

OTHER = """enum Colour { red, red }
"""

# Line 2 has non-ASCII text before the unknown name `detaned`: é, the em dash
# and è are one UTF-16 code unit each, 𝄞 is two (a surrogate pair).
MAIN_BAD = """import "domain.norm"
enum Status { x }
measure Rule1 "Détention — règle 𝄞" { level act effective 2025-01-01 define detaned(p) = true }
expect Rule1 conflicts_with EU.art1 at 2025-01-01 under Busy
"""
MAIN_GOOD = MAIN_BAD.replace("enum Status { x }\n", "\n").replace("detaned", "detained")

failures = []
passed = 0


def check(cond, what, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{what}\n    {detail}" if detail else what)


class Client:
    def __init__(self, binary, args=("lsp",)):
        self.p = subprocess.Popen([binary, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.inbox = queue.Queue()
        self.pending = []
        self.next_id = 1
        self.diagnostics = {}  # uri -> the last published list
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self.p.stderr.read, daemon=True).start()

    def _read(self):
        out = self.p.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.rstrip(b"\r\n")
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length is None:
                self.inbox.put({"__bad_frame__": True})
                continue
            self.inbox.put(json.loads(out.read(length).decode("utf-8")))

    def send_raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, obj):
        body = json.dumps(obj).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def _next(self):
        msg = self.inbox.get(timeout=TIMEOUT)
        if msg is None:
            raise EOFError("the server closed its output")
        if msg.get("method") == "textDocument/publishDiagnostics":
            self.diagnostics[msg["params"]["uri"]] = msg["params"]["diagnostics"]
        return msg

    def wait(self, pred):
        for i, msg in enumerate(self.pending):
            if pred(msg):
                return self.pending.pop(i)
        while True:
            msg = self._next()
            if pred(msg):
                return msg
            self.pending.append(msg)

    def request(self, method, params, raw_id=None):
        rid = raw_id if raw_id is not None else self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m)

    def publish(self, uri, pred=lambda ds: True):
        """The next publication for URI whose list satisfies PRED."""
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri and pred(m["params"]["diagnostics"]))["params"]["diagnostics"]

    def exit_code(self):
        try:
            return self.p.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return "timeout"


def uri(path):
    from urllib.parse import quote
    return "file://" + quote(path)


def rng(l1, c1, l2, c2):
    return {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}


def utf16(s):
    return len(s.encode("utf-16-le")) // 2


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        ws = os.path.join(tmp, "wörk space")  # a space and an umlaut in the path: percent-encoded URIs
        os.mkdir(ws)
        files = {"domain.norm": DOMAIN, "scenarios.norm": SCENARIOS, "other.norm": OTHER, "main.norm": MAIN_BAD}
        for name, text in files.items():
            with open(os.path.join(ws, name), "w", encoding="utf-8") as f:
                f.write(text if name != "main.norm" else MAIN_GOOD)  # on disk main.norm is fine: the buffer is not
        main_uri, domain_uri, other_uri = (uri(os.path.join(ws, n)) for n in ("main.norm", "domain.norm", "other.norm"))
        c = Client(binary, ("lsp", "--stdio"))
        try:
            session(c, ws, main_uri, domain_uri, other_uri)
        except (queue.Empty, EOFError) as e:
            check(False, f"the server stopped answering: {type(e).__name__} {e}")
            c.p.kill()

        # scope `file`: only the document and its imports, so the scenario of scenarios.norm is unknown;
        # then exit without shutdown: exit code 1
        c2 = Client(binary)
        try:
            r = c2.request("initialize", {"processId": None, "rootUri": uri(ws), "capabilities": {},
                                          "initializationOptions": {"scope": "file"}})
            check("capabilities" in r.get("result", {}), "initialize with scope `file`", r)
            c2.notify("textDocument/didOpen", {"textDocument": {"uri": main_uri, "version": 1, "text": MAIN_GOOD}})
            diags = c2.publish(main_uri)
            check([(d["code"], d["message"].split("\n")[0]) for d in diags] == [("E0202", "unknown scenario `Busy`")],
                  "with scope `file` the workspace's other files are not loaded", diags)
            c2.request("textDocument/documentSymbol", {"textDocument": {"uri": main_uri}})  # everything sent before is read
            check(other_uri not in c2.diagnostics, "nor published", c2.diagnostics.keys())
        except (queue.Empty, EOFError) as e:
            check(False, f"the server stopped answering: {type(e).__name__} {e}")
        c2.notify("exit", None)
        code = c2.exit_code()
        check(code == 1, "exit without shutdown gives exit code 1", f"got {code}")

    for f in failures:
        print("FAIL", f)
    print(f"{passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


def session(c, ws, main_uri, domain_uri, other_uri):
    # requests before initialize are refused
    r = c.request("textDocument/hover", {"textDocument": {"uri": main_uri}, "position": {"line": 0, "character": 0}})
    check(r.get("error", {}).get("code") == -32002, "a request before initialize gets ServerNotInitialized", r)

    r = c.request("initialize", {"processId": os.getpid(), "rootUri": uri(ws),
                                 "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}},
                                 "workspaceFolders": [{"uri": uri(ws), "name": "ws"}]})
    caps = r.get("result", {}).get("capabilities", {})
    check(caps.get("textDocumentSync", {}).get("change") == 1 and caps.get("hoverProvider") and caps.get("definitionProvider")
          and caps.get("documentSymbolProvider") and caps.get("codeActionProvider"), "initialize announces the capabilities", caps)
    check(r["result"].get("serverInfo", {}).get("name") == "normcheck", "initialize names the server", r)
    c.notify("initialized", {})
    reg = c.wait(lambda m: m.get("method") == "client/registerCapability")
    watchers = reg["params"]["registrations"][0]
    check(watchers["method"] == "workspace/didChangeWatchedFiles"
          and watchers["registerOptions"]["watchers"] == [{"globPattern": "**/*.norm"}],
          "the server asks to watch .norm files", reg)
    c.send({"jsonrpc": "2.0", "id": reg["id"], "result": None})

    # ---- diagnostics on open: the buffer, not the file on disk ----
    c.notify("textDocument/didOpen", {"textDocument": {"uri": main_uri, "languageId": "normcheck", "version": 1, "text": MAIN_BAD}})
    diags = c.publish(main_uri)
    by_code = {d["code"]: d for d in diags}
    check(sorted(by_code) == ["E0201", "E0202"], "the open buffer's errors are reported, with codes",
          json.dumps(diags, ensure_ascii=False))
    line2 = MAIN_BAD.splitlines()[2]
    col = utf16(line2[:line2.index("detaned")])
    check(col == 77, "test premise: `detaned` starts at UTF-16 column 77 (76 code points, 83 bytes)")
    e202 = by_code.get("E0202", {})
    check(e202.get("range") == rng(2, 77, 2, 84), "E0202 has the exact range in UTF-16 code units", e202.get("range"))
    check(e202.get("severity") == 1 and e202.get("message", "").startswith("unknown decision `detaned`")
          and "did you mean `detained`?" in e202.get("message", ""), "E0202: severity, message and help", e202)
    e201 = by_code.get("E0201", {})
    check(e201.get("range") == rng(1, 5, 1, 11), "E0201 has the exact range", e201.get("range"))
    rel = e201.get("relatedInformation", [])
    check(len(rel) == 1 and rel[0]["location"] == {"uri": domain_uri, "range": rng(6, 5, 6, 11)}
          and rel[0]["message"] == "first declared here as a enum", "E0201's label is related information in the other file", rel)
    # a file that is not open, with an error of its own, is published too
    other = c.publish(other_uri)
    check([(d["code"], d["range"]) for d in other] == [("E0201", rng(0, 19, 0, 22))],
          "the workspace's other files are analysed and published", other)

    # ---- the did-you-mean quick fix ----
    r = c.request("textDocument/codeAction", {"textDocument": {"uri": main_uri}, "range": rng(2, 80, 2, 80),
                                              "context": {"diagnostics": [e202]}})
    actions = r.get("result") or []
    check(len(actions) == 1 and actions[0].get("kind") == "quickfix"
          and actions[0].get("edit") == {"changes": {main_uri: [{"range": rng(2, 77, 2, 84), "newText": "detained"}]}},
          "a quick fix replaces the unknown name with the suggestion", actions)
    r = c.request("textDocument/codeAction", {"textDocument": {"uri": main_uri}, "range": rng(3, 0, 3, 0), "context": {"diagnostics": []}})
    check(r.get("result") == [], "no quick fix away from the diagnostic", r)

    # ---- fixing the buffer clears the diagnostics ----
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 2}, "contentChanges": [{"text": MAIN_GOOD}]})
    diags = c.publish(main_uri)
    check(diags == [], "diagnostics are cleared after the fix", diags)

    # ---- hover ----
    good = MAIN_GOOD.splitlines()
    l3 = good[3]
    r = c.request("textDocument/hover", {"textDocument": {"uri": main_uri},
                                         "position": {"line": 3, "character": l3.index("EU.art1") + 3}})
    h = (r.get("result") or {})
    text = h.get("contents", {}).get("value", "")
    check("**norm** `EU.art1` — No detention of minors" in text and "Directive 2024/1 on examples (`EU`), art. 1" in text
          and "applies from 2024-06-01 through 2029-12-31" in text, "hover on a norm reference: title, instrument, article, dates", text)
    check(h.get("range") == rng(3, l3.index("EU.art1"), 3, l3.index("EU.art1") + 7), "hover range is the reference", h.get("range"))
    l2 = good[2]
    r = c.request("textDocument/hover", {"textDocument": {"uri": main_uri},
                                         "position": {"line": 2, "character": utf16(l2[:l2.index("detained")]) + 1}})
    text = ((r.get("result") or {}).get("contents") or {}).get("value", "")
    check("decision detained(p: Person): bool" in text, "hover on a decision: its type", text)
    r = c.request("textDocument/hover", {"textDocument": {"uri": main_uri},
                                         "position": {"line": 3, "character": l3.index("Busy") + 1}})
    text = ((r.get("result") or {}).get("contents") or {}).get("value", "")
    check("**scenario** `Busy` — A busy year" in text, "hover on a scenario from a file that is not imported", text)

    # ---- go to definition, across files ----
    r = c.request("textDocument/definition", {"textDocument": {"uri": main_uri},
                                              "position": {"line": 3, "character": l3.index("EU.art1")}})
    check(r.get("result") == {"uri": domain_uri, "range": rng(12, 5, 12, 12)}, "definition of a norm in another file", r)
    r = c.request("textDocument/definition", {"textDocument": {"uri": main_uri},
                                              "position": {"line": 2, "character": utf16(l2[:l2.index("detained")])}})
    check(r.get("result") == {"uri": domain_uri, "range": rng(11, 9, 11, 17)}, "definition of a decision in another file", r)
    r = c.request("textDocument/definition", {"textDocument": {"uri": main_uri}, "position": {"line": 0, "character": 10}})
    check(r.get("result") == {"uri": domain_uri, "range": rng(0, 0, 0, 0)}, "definition of an import: the imported file", r)
    r = c.request("textDocument/definition", {"textDocument": {"uri": main_uri}, "position": {"line": 1, "character": 0}})
    check(r.get("result") is None, "no definition on an empty line", r)

    # ---- an incremental change (ranges in UTF-16 code units) breaks the name again ----
    start = utf16(l2[:l2.index("detained")])
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 3},
                                        "contentChanges": [{"range": rng(2, start + 4, 2, start + 5), "text": ""}]})
    diags = c.publish(main_uri)
    check([(d["code"], d["range"], d["message"].split("\n")[0]) for d in diags]
          == [("E0202", rng(2, 77, 2, 84), "unknown decision `detaned`")],
          "an incremental change is applied at the right UTF-16 column", diags)
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 4}, "contentChanges": [{"text": MAIN_GOOD}]})
    check(c.publish(main_uri) == [], "and a full change fixes it again")

    # ---- document symbols ----
    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": main_uri}})
    syms = r.get("result") or []
    check([s["name"] for s in syms] == ["Rule1", "expect Rule1 conflicts_with EU.art1 at 2025-01-01 under Busy"]
          and [ch["name"] for ch in syms[0].get("children", [])] == ["define detained(p)"],
          "document symbols of main.norm", json.dumps(syms, ensure_ascii=False))
    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": domain_uri}})
    syms = r.get("result") or []
    check([s["name"] for s in syms] == ["EU", "Status", "Person", "detained", "EU.art1"]
          and [ch["name"] for ch in syms[1]["children"]] == ["granted", "refused"]
          and [ch["name"] for ch in syms[2]["children"]] == ["age", "status"],
          "document symbols of a file that is not open, hierarchical", [s.get("name") for s in syms])

    # ---- a file that is not open is fixed on disk: the watcher's notification clears its diagnostics ----
    with open(os.path.join(ws, "other.norm"), "w", encoding="utf-8") as f:
        f.write("enum Colour { red, green }\n")
    c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": other_uri, "type": 2}]})
    other = c.publish(other_uri)
    check(other == [], "a change on disk, reported by the watcher, is analysed", other)

    # ---- robustness ----
    r = c.request("textDocument/unknownThing", {})
    check(r.get("error", {}).get("code") == -32601, "an unknown request gets MethodNotFound", r)
    c.notify("custom/unknownNotification", {"x": 1})  # ignored: no answer
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    r = c.wait(lambda m: "error" in m and m.get("id") is None)
    check(r["error"]["code"] == -32700, "malformed JSON gets a parse error", r)
    c.send({"jsonrpc": "2.0", "id": 99, "params": {}})
    r = c.wait(lambda m: m.get("id") == 99)
    check(r.get("error", {}).get("code") == -32600, "a message without a method gets InvalidRequest", r)
    r = c.request("textDocument/hover", {"textDocument": {"uri": main_uri}})
    check(r.get("error", {}).get("code") == -32602, "a request with missing params gets InvalidParams", r)
    r = c.request("textDocument/hover", {"textDocument": {"uri": main_uri}, "position": {"line": 500, "character": 9}})
    check("result" in r and r["result"] is None, "a position past the end of the file is no error", r)

    # binary garbage in a buffer gives diagnostics, not a crash
    garbage_uri = uri(os.path.join(ws, "garbage.norm"))
    c.notify("textDocument/didOpen", {"textDocument": {"uri": garbage_uri, "languageId": "normcheck", "version": 1,
                                                       "text": "\u0000\u0001\u00ff\ufffd\U0001F600 \x7f\ud7ff"}})
    diags = c.publish(garbage_uri, lambda ds: ds)
    check([d["code"] for d in diags] == ["E0102"], "binary garbage is reported as E0102", diags)
    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": garbage_uri}})
    check(r.get("result") == [], "no symbols in garbage", r)
    c.notify("textDocument/didClose", {"textDocument": {"uri": garbage_uri}})
    diags = c.publish(garbage_uri)
    check(diags == [], "closing a buffer that is not on disk withdraws its diagnostics", diags)

    # still alive and answering
    r = c.request("textDocument/hover", {"textDocument": {"uri": main_uri},
                                         "position": {"line": 3, "character": l3.index("EU.art1")}})
    check("EU.art1" in json.dumps(r.get("result")), "the server still answers after all that", r)

    # ---- clean shutdown ----
    r = c.request("shutdown", None)
    check("result" in r and r["result"] is None, "shutdown answers null", r)
    r = c.request("textDocument/hover", {"textDocument": {"uri": main_uri}, "position": {"line": 0, "character": 0}})
    check(r.get("error", {}).get("code") == -32600, "requests after shutdown are refused", r)
    c.notify("exit", None)
    code = c.exit_code()
    check(code == 0, "exit after shutdown gives exit code 0", f"got {code}")


if __name__ == "__main__":
    main()
