#!/usr/bin/env python3
"""Fills a TAXII collection for bench/run.sh (issue 13 item 5): creates a TLP:AMBER collection
of the token's organisation through ichigen's API, then POSTs N STIX objects in envelopes no
larger than the API root's max_content_length, as a TAXII client would. The objects are those
of a STIX bundle (default: MITRE ATT&CK for ICS 18.1, 1,826 objects, from the shared data) and,
to reach N, synthetic indicators; without the bundle, all N are synthetic.

Prints one JSON line: the collection id, how many objects it holds, and the `next` cursor of
the page that starts halfway (for a deep-page measurement).

usage: taxii_setup.py --port P --token-file F [--objects N] [--bundle FILE]
"""
import argparse
import json
import sys
import urllib.request

TAXII = "application/taxii+json;version=2.1"


def call(port, method, path, token, body=None, ctype="application/json"):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Accept", TAXII if path.startswith("/taxii2/") else "application/json")
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req.add_header("Content-Type", ctype)
    with urllib.request.urlopen(req, data, timeout=120) as r:
        return r.status, json.loads(r.read() or b"{}")


def synthetic(i):
    n = 0x0A000000 + i  # 10.0.0.0/8 addresses: documentation-like, never routed here
    ip = ".".join(str((n >> s) & 255) for s in (24, 16, 8, 0))
    uid = f"00000000-0000-4000-8000-{i:012d}"
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uid}",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": f"bench indicator {i}", "indicator_types": ["malicious-activity"],
            "pattern": f"[ipv4-addr:value = '{ip}']", "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token-file", required=True)
    ap.add_argument("--objects", type=int, default=2000)
    ap.add_argument("--bundle")
    a = ap.parse_args()
    token = open(a.token_file).read().split()[0]
    objs = []
    if a.bundle:
        try:
            objs = json.load(open(a.bundle))["objects"][: a.objects]
        except OSError:
            objs = []
    real = len(objs)
    objs += [synthetic(i) for i in range(a.objects - len(objs))]
    st, coll = call(a.port, "POST", "/api/v1/taxii/collections", token,
                    {"title": "Benchmark", "alias": "bench", "tlp": "TLP:AMBER"})
    assert st == 201, st
    st, root = call(a.port, "GET", "/taxii2/ichigen/", token)
    limit = int(root["max_content_length"]) - 4096
    path = f"/taxii2/ichigen/collections/{coll['id']}/objects/"
    batch, size, added = [], 0, 0
    for o in objs + [None]:
        text = json.dumps(o).encode() if o is not None else b""
        if batch and (o is None or size + len(text) + 1 > limit):
            env = b'{"objects":[' + b",".join(batch) + b"]}"
            st, status = call(a.port, "POST", path, token, env, TAXII)
            assert st == 202 and status["failure_count"] == 0, status
            added += status["success_count"]
            batch, size = [], 0
        if o is not None:
            batch.append(text)
            size += len(text) + 1
    # the cursor that starts the page halfway through the collection
    st, page = call(a.port, "GET", f"{path}?limit={a.objects // 2}", token)
    print(json.dumps({"collection": coll["id"], "objects": added, "from_bundle": real,
                      "half_next": page.get("next", "")}))


if __name__ == "__main__":
    sys.exit(main())
