#!/usr/bin/env python3
"""taxii_client.py — a TAXII 2.1 client for ichigen's integration tests (issue 13 item 5).

Run by tests/integration/itest_taxii.c against a real `ichigen serve`. Python standard library
only (urllib, json, base64): the OASIS client, python3-taxii2-client, is not packaged in Debian.

What it emulates, and from whom:
  * OASIS cti-taxii-client (taxii2client.v21): Accept "application/taxii+json;version=2.1" on
    every request and the same Content-Type on POST; discovery first, then the absolute URLs of
    `api_roots`; an API root must carry title, versions and max_content_length; collections are
    chosen by id or alias; an answer whose Content-Type is not the TAXII media type is refused;
    paging with `limit` and `next` until `more` is false (its as_pages helper); a status
    resource's counts must match its lists.
  * MISP and OpenCTI consumers (OpenCTI's TAXII ingester; MISP's feeds through taxii2-client):
    HTTP Basic with the user name and an API key as the password; envelopes split so that none
    exceeds max_content_length; incremental polling with added_after set to the previous page's
    X-TAXII-Date-Added-Last, which is also how §3.6 lets a client page when `next` is absent.

Section numbers are those of TAXII 2.1 CS01 (27 January 2020): §1.6.8 media types, §3.4
query parameters (§3.4.1 filtering, §3.4.2 match), §3.6 pagination, §3.7 error message,
§4.1 discovery, §4.2 API root, §4.3 status, §5.1–§5.8 collections, manifest, objects, add,
object, delete, versions.

Data: the STIX bundle given by --bundle (the ICS ATT&CK bundle of the shared data), or, when it
is absent, a deterministic synthetic bundle. Every deviation is printed on stderr with what was
expected and what came, and the exit status is 1; 0 means every check passed.
"""
import argparse
import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

TAXII = "application/taxii+json;version=2.1"
UA = "ichigen-itest-taxii-client/1 (emulating taxii2-client/2.3)"


class Deviation(Exception):
    """A response that is not what TAXII 2.1 (or ichigen's documented policy) says."""


def check(cond, what):
    if not cond:
        raise Deviation(what)


def ms_of(ts):
    """A STIX / TAXII timestamp as integer milliseconds (finer digits cut, as the server does)."""
    check(isinstance(ts, str) and ts.endswith("Z"), "not a UTC timestamp: %r" % (ts,))
    main, _, frac = ts[:-1].partition(".")
    dt = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return int(dt.timestamp()) * 1000 + int((frac + "000")[:3])


def ts_of(ms):
    dt = datetime.fromtimestamp(ms // 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def version_of(obj):
    """§3.4.2: an object's version is `modified`, else `created` (else its date added)."""
    v = obj.get("modified") or obj.get("created")
    return ms_of(v) if v else None


def media_type_ok(value):
    # taxii2-client compares the type and the version parameter; we ask for the exact string the
    # server documents, whitespace aside (RFC 9110 §8.3.1 allows it around ';').
    return value is not None and value.replace(" ", "").lower() == TAXII


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.json = None
        if body:
            try:
                self.json = json.loads(body.decode("utf-8"))
            except ValueError:
                self.json = None

    def header(self, name):
        return self.headers.get(name)


class Conn:
    """One principal's connection: Basic (user + API token), Bearer, or anonymous."""

    def __init__(self, user=None, token=None, bearer=None):
        self.auth = None
        if user is not None:
            cred = base64.b64encode(("%s:%s" % (user, token)).encode()).decode()
            self.auth = "Basic " + cred
        elif bearer is not None:
            self.auth = "Bearer " + bearer
        self.requests = 0

    def request(self, method, url, body=None, accept=TAXII, ctype=TAXII):
        headers = {"Accept": accept, "User-Agent": UA}
        if self.auth:
            headers["Authorization"] = self.auth
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            headers["Content-Type"] = ctype
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        self.requests += 1
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                resp = Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            resp = Response(e.code, e.headers, e.read())
        # §1.6.8: every TAXII response, errors included, is the TAXII media type.
        check(media_type_ok(resp.header("Content-Type")),
              "%s %s: Content-Type %r, expected %r" % (method, url, resp.header("Content-Type"),
                                                       TAXII))
        return resp

    def expect(self, method, url, status, body=None):
        r = self.request(method, url, body)
        check(r.status == status, "%s %s: status %d, expected %d; body %s" %
              (method, url, r.status, status, r.body[:400]))
        if status != 200 or method != "DELETE":
            check(isinstance(r.json, dict), "%s %s: the body is not a JSON object" % (method, url))
        return r


def check_error(r, status, what):
    """§3.7: an error message has title and http_status (a string); ichigen adds error_code."""
    check(r.status == status, "%s: status %d, expected %d; body %s" %
          (what, r.status, status, r.body[:300]))
    j = r.json
    check(isinstance(j, dict) and isinstance(j.get("title"), str) and j["title"],
          "%s: error message without a title: %s" % (what, r.body[:300]))
    check(j.get("http_status") == str(status),
          "%s: http_status %r, expected %r" % (what, j.get("http_status"), str(status)))
    check(isinstance(j.get("error_code"), str) and j["error_code"],
          "%s: error message without error_code" % what)


def query(url, params):
    return url + ("?" + urllib.parse.urlencode(params, safe="[],:") if params else "")


# ---- data ----

def synthetic_bundle(n):
    """A deterministic bundle (fixed namespace, fixed clock): indicators, attack patterns,
    malware and relationships between them, plus one large note so that splitting by
    max_content_length has something to do."""
    ns = uuid.UUID("6f1b1f4e-6c35-4b8e-9a53-2b1f6c4d8e01")
    base = datetime(2025, 1, 1, tzinfo=timezone.utc)
    objs = []
    kinds = ["indicator", "attack-pattern", "malware"]
    for i in range(n):
        t = kinds[i % 3]
        ts = (base + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        o = {"type": t, "spec_version": "2.1", "id": "%s--%s" % (t, uuid.uuid5(ns, "%s-%d" % (t, i))),
             "created": ts, "modified": ts, "name": "synthetic %s %d" % (t, i),
             "description": "Deterministic test object %d. " % i * 8}
        if t == "indicator":
            o.update({"pattern": "[ipv4-addr:value = '198.51.100.%d']" % (i % 250),
                      "pattern_type": "stix", "valid_from": ts})
        if t == "malware":
            o["is_family"] = False
        objs.append(o)
    for i in range(0, n - 2, 3):
        ts = (base + timedelta(minutes=n + i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        objs.append({"type": "relationship", "spec_version": "2.1",
                     "id": "relationship--%s" % uuid.uuid5(ns, "rel-%d" % i), "created": ts,
                     "modified": ts, "relationship_type": "indicates",
                     "source_ref": objs[i]["id"], "target_ref": objs[i + 1]["id"]})
    objs.append({"type": "note", "spec_version": "2.1", "id": "note--%s" % uuid.uuid5(ns, "big"),
                 "created": "2025-02-01T00:00:00.000Z", "modified": "2025-02-01T00:00:00.000Z",
                 "content": "x" * 150000, "object_refs": [objs[0]["id"]]})
    return objs


def load_objects(path, synthetic):
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                b = json.load(f)
            print("# data: %s (%d objects)" % (path, len(b["objects"])))
            return b["objects"]
        except OSError:
            print("# data: %s not found; a synthetic bundle instead" % path)
    objs = synthetic_bundle(synthetic)
    print("# data: synthetic bundle (%d objects)" % len(objs))
    return objs


def new_indicator(seq, ts="2026-01-01T00:00:00.000Z"):
    return {"type": "indicator", "spec_version": "2.1",
            "id": "indicator--%s" % uuid.uuid5(uuid.NAMESPACE_URL, "ichigen-itest-%d" % seq),
            "created": ts, "modified": ts, "pattern": "[domain-name:value = 'x%d.example']" % seq,
            "pattern_type": "stix", "valid_from": ts}


# ---- the client ----

class Client:
    def __init__(self, args):
        self.owner = Conn(user=args.user, token=args.token)
        self.reader = Conn(bearer=args.reader_token) if args.reader_token else None
        self.discovery = args.discovery
        self.alias = args.alias
        self.limit = args.limit
        self.seq = 0

    # §4.1 → §4.2 → §5.1/§5.2
    def discover(self):
        d = self.owner.expect("GET", self.discovery, 200).json
        check(isinstance(d.get("title"), str) and d["title"], "§4.1 discovery without a title")
        roots = d.get("api_roots")
        check(isinstance(roots, list) and roots, "§4.1 discovery lists no api_roots")
        for u in roots:
            check(urllib.parse.urlparse(u).scheme in ("http", "https"),
                  "§4.1 api_roots must be absolute URLs, got %r" % u)
        if "default" in d:
            check(d["default"] in roots, "§4.1 default %r is not one of api_roots" % d["default"])
        self.root = roots[0]
        check(self.root.endswith("/"), "an API root URL ends with '/': %r" % self.root)
        a = self.owner.expect("GET", self.root, 200).json
        check(isinstance(a.get("title"), str), "§4.2 API root without title")
        check(TAXII in a.get("versions", []), "§4.2 versions %r lacks %s" % (a.get("versions"), TAXII))
        mcl = a.get("max_content_length")
        check(isinstance(mcl, int) and mcl > 0, "§4.2 max_content_length %r" % (mcl,))
        self.max_len = mcl
        cl = self.owner.expect("GET", self.root + "collections/", 200).json
        cols = cl.get("collections", [])
        for c in cols:
            for k in ("id", "title", "can_read", "can_write"):
                check(k in c, "§5.2 collection without %s: %r" % (k, c))
        mine = [c for c in cols if c.get("alias") == self.alias or c.get("id") == self.alias]
        check(len(mine) == 1, "collection %r listed %d times" % (self.alias, len(mine)))
        self.col = mine[0]
        check(self.col["can_read"] and self.col["can_write"],
              "the owner must read and write its collection: %r" % self.col)
        self.curl = self.root + "collections/%s/" % self.col["id"]
        one = self.owner.expect("GET", self.curl, 200).json
        check(one["id"] == self.col["id"], "§5.2 GET by id gives another collection")
        by_alias = self.owner.expect("GET", self.root + "collections/%s/" % self.alias, 200).json
        check(by_alias["id"] == self.col["id"], "the alias names another collection")
        print("# discovered %s, max_content_length %d, collection %s" %
              (self.root, self.max_len, self.col["id"]))

    # §5.5 Add Objects, split to respect max_content_length, then §4.3 status
    def envelopes(self, objs):
        """Greedy split: each envelope as serialized stays within max_content_length."""
        out, cur, size = [], [], len(b'{"objects":[]}')
        for o in objs:
            n = len(json.dumps(o).encode("utf-8")) + 2
            check(n + 16 <= self.max_len, "object %s alone exceeds max_content_length" % o["id"])
            if cur and size + n > self.max_len:
                out.append(cur)
                cur, size = [], len(b'{"objects":[]}')
            cur.append(o)
            size += n
        if cur:
            out.append(cur)
        return out

    def post(self, objs, conn=None):
        conn = conn or self.owner
        statuses = []
        for env in self.envelopes(objs):
            body = json.dumps({"objects": env}).encode("utf-8")
            check(len(body) <= self.max_len, "split envelope of %d bytes" % len(body))
            r = conn.expect("POST", self.curl + "objects/", 202, body)
            st = self.check_status(r.json, len(env))
            again = conn.expect("GET", self.root + "status/%s/" % st["id"], 200).json
            check(again == st, "§4.3 GET status differs from the POST's answer")
            statuses.append(st)
        return statuses

    def check_status(self, st, total):
        for k in ("id", "status", "total_count", "success_count", "failure_count", "pending_count"):
            check(k in st, "§4.3 status without %s: %r" % (k, st))
        check(st["status"] in ("complete", "pending"), "§4.3 status %r" % st["status"])
        check(st["total_count"] == total, "§4.3 total_count %d, sent %d" % (st["total_count"], total))
        for kind in ("success", "failure", "pending"):
            lst = st.get(kind + "es" if kind == "success" else kind + "s", [])
            check(len(lst) == st[kind + "_count"], "§4.3 %s_count %d but %d listed" %
                  (kind, st[kind + "_count"], len(lst)))
        check(st["success_count"] + st["failure_count"] + st["pending_count"] == total,
              "§4.3 counts do not add up to total_count")
        check(st["failure_count"] == 0, "objects failed: %r" % st.get("failures"))
        return st

    # §5.4 Get Objects with limit + next (taxii2-client as_pages)
    def page(self, conn, url, params):
        r = conn.expect("GET", query(url, params), 200)
        j = r.json
        check(isinstance(j.get("more", False), bool), "§3.6 more is not a boolean")
        more = j.get("more", False)
        check(more == ("next" in j), "§3.6 next given iff more: more=%r next=%r" %
              (more, j.get("next")))
        items = j.get("objects", j.get("versions", []))
        first, last = r.header("X-TAXII-Date-Added-First"), r.header("X-TAXII-Date-Added-Last")
        if items:
            check(first and last, "§5.4 a non-empty page without X-TAXII-Date-Added-First/Last")
            check(ms_of(first) <= ms_of(last), "X-TAXII-Date-Added-First after -Last")
        return j, items, first, last

    def read_all_next(self, conn, between=None):
        """Pages with limit/next; `between(page_no)` may add objects between pages. Returns the
        list of (id, version ms, object) in delivery order."""
        got, params, n, prev_last = [], {"limit": self.limit}, 0, None
        while True:
            j, items, first, last = self.page(conn, self.curl + "objects/", params)
            check(len(items) <= self.limit, "§3.4.1 page of %d objects, limit %d" %
                  (len(items), self.limit))
            if items and prev_last:
                check(ms_of(first) > ms_of(prev_last), "§3.6 pages overlap in date added")
            prev_last = last or prev_last
            got += [(o["id"], version_of(o), o) for o in items]
            n += 1
            if between:
                between(n)
            if not j.get("more"):
                return got, n
            params = {"limit": self.limit, "next": j["next"]}

    def poll_added_after(self, conn, since=None):
        """OpenCTI / MISP incremental pattern: added_after = the last X-TAXII-Date-Added-Last."""
        got, n = [], 0
        while True:
            params = {"limit": self.limit}
            if since:
                params["added_after"] = since
            j, items, first, last = self.page(conn, self.curl + "objects/", params)
            if since and items:
                check(ms_of(first) > ms_of(since), "§3.4.1 added_after %s returned %s" %
                      (since, first))
            got += [(o["id"], version_of(o), o) for o in items]
            n += 1
            if last:
                since = last
            if not j.get("more"):
                return got, since, n

    def exactly_once(self, got, expected, what):
        keys = [(i, v) for i, v, _ in got]
        dup = len(keys) - len(set(keys))
        check(dup == 0, "%s: %d objects delivered more than once" % (what, dup))
        missing = set(expected) - set(keys)
        extra = set(keys) - set(expected)
        check(not missing, "%s: %d never delivered, e.g. %r" % (what, len(missing),
                                                              sorted(missing)[:3]))
        check(not extra, "%s: %d unexpected, e.g. %r" % (what, len(extra), sorted(extra)[:3]))

    def run(self, objs):
        self.discover()
        by_id = {o["id"]: o for o in objs}
        check(len(by_id) == len(objs), "the data repeats an id")

        # §5.5: a body above max_content_length is 413 (a TAXII error)
        big = b'{"objects":[' + b" " * self.max_len + b"]}"
        check_error(self.owner.request("POST", self.curl + "objects/", big), 413,
                    "§5.5 envelope above max_content_length")

        statuses = self.post(objs)
        print("# posted %d objects in %d envelopes" % (len(objs), len(statuses)))
        expected = {(o["id"], version_of(o)) for o in objs}

        # objects added between pages must appear once, after what was there (§3.6)
        added = []

        def between(n):
            if n in (2, 3):
                extra = [new_indicator(self.next_seq()) for _ in range(3)]
                self.post(extra)
                added.extend(extra)

        got, pages = self.read_all_next(self.owner, between)
        expected |= {(o["id"], version_of(o)) for o in added}
        self.exactly_once(got, expected, "§5.4 limit/next paging")
        for i, _, o in got:
            want = by_id.get(i) or next(a for a in added if a["id"] == i)
            check(o == want, "§5.4 object %s served differently from how it was posted" % i)
        print("# next-paging: %d objects in %d pages, %d added meanwhile" %
              (len(got), pages, len(added)))

        # the reader of another organisation in the audience reads the same, by added_after
        if self.reader:
            got2, since, pages2 = self.poll_added_after(self.reader)
            self.exactly_once(got2, expected, "added_after polling")
            fresh = [new_indicator(self.next_seq()) for _ in range(2)]
            self.post(fresh)
            got3, _, _ = self.poll_added_after(self.reader, since)
            self.exactly_once(got3, {(o["id"], version_of(o)) for o in fresh},
                              "added_after polling after new objects")
            added += fresh
            expected |= {(o["id"], version_of(o)) for o in fresh}
            print("# added_after polling: %d objects in %d pages, then %d new" %
                  (len(got2), pages2, len(got3)))

        # re-posting what is there: success, and nothing is delivered again (idempotent)
        self.post(objs[:5])
        self.exactly_once(self.read_all_next(self.owner)[0], expected, "after re-posting")

        added += self.edge_cases()
        everything = objs + added
        self.manifest(everything)
        self.filters(everything)
        self.versions_and_delete(everything)
        print("# %d requests, every check passed" % self.owner.requests)

    def edge_cases(self):
        """Envelopes real feeds send: a STIX 2.0 object (no spec_version), two versions of one
        object and one version twice in the same envelope; an unknown query parameter; paging
        through versions. Returns the objects now in the collection (their last versions)."""
        legacy = {"type": "indicator", "id": "indicator--%s" % uuid.uuid5(uuid.NAMESPACE_URL, "v20"),
                  "created": "2017-01-01T00:00:00.000Z", "modified": "2017-01-01T00:00:00.000Z",
                  "labels": ["malicious-activity"], "pattern": "[file:name = 'a.exe']",
                  "valid_from": "2017-01-01T00:00:00Z"}
        a = new_indicator(self.next_seq(), "2026-02-01T00:00:00.000Z")
        b = dict(a, modified="2026-02-02T00:00:00.000Z")
        st = self.post([legacy, a, b, b])[0]
        check(st["success_count"] == 4, "§5.5 repeated version in one envelope: %r" % st)
        # §5.3: a STIX 2.0 object's media type says 2.0; match[spec_version] selects it
        _, recs, _, _ = self.page(self.owner, self.curl + "manifest/", {"match[id]": legacy["id"]})
        check([r["media_type"] for r in recs] == ["application/stix+json;version=2.0"],
              "§5.3 media_type of a STIX 2.0 object: %r" % recs)
        got = self.count({"match[spec_version]": "2.0"})
        check([o["id"] for o in got] == [legacy["id"]], "§3.4.2 match[spec_version]=2.0")
        # §3.4.1: a parameter the server does not support is ignored, not refused
        _, items, _, _ = self.page(self.owner, self.curl + "objects/",
                                   {"match[id]": a["id"], "x-vendor-option": "1"})
        check([version_of(o) for o in items] == [version_of(b)],
              "§3.4.1 unknown parameter / last version of %s" % a["id"])
        # §5.8 versions, one per page
        url, params, vers = self.curl + "objects/%s/versions/" % a["id"], {"limit": 1}, []
        while True:
            j, items, _, _ = self.page(self.owner, url, params)
            check(len(items) <= 1, "§5.8 limit=1 gave %d versions" % len(items))
            vers += items
            if not j.get("more"):
                break
            params = {"limit": 1, "next": j["next"]}
        check([ms_of(v) for v in vers] == [version_of(a), version_of(b)],
              "§5.8 versions paged: %r" % vers)
        return [legacy, b]

    def next_seq(self):
        self.seq += 1
        return self.seq

    # §5.3 manifest
    def manifest(self, everything):
        recs, params = [], {"limit": self.limit}
        while True:
            j, items, _, _ = self.page(self.owner, self.curl + "manifest/", params)
            recs += items
            if not j.get("more"):
                break
            params = {"limit": self.limit, "next": j["next"]}
        check(len(recs) == len(everything), "§5.3 manifest lists %d, expected %d" %
              (len(recs), len(everything)))
        by_id = {o["id"]: o for o in everything}
        for m in recs:
            for k in ("id", "date_added", "version", "media_type"):
                check(k in m, "§5.3 manifest record without %s: %r" % (k, m))
            sv = by_id[m["id"]].get("spec_version", "2.0")  # STIX 2.1 §3.1: absent is 2.0
            check(m["media_type"] == "application/stix+json;version=" + sv,
                  "§5.3 media_type %r of a STIX %s object" % (m["media_type"], sv))
            check(ms_of(m["version"]) == version_of(by_id[m["id"]]),
                  "§5.3 version of %s: %s" % (m["id"], m["version"]))
        print("# manifest: %d records" % len(recs))

    def count(self, params):
        n, params = 0, dict(params, limit=1000)
        ids = []
        while True:
            j, items, _, _ = self.page(self.owner, self.curl + "objects/", params)
            ids += items
            if not j.get("more"):
                return ids
            params["next"] = j["next"]

    # §3.4.2 match[type], match[id], match[spec_version]
    def filters(self, everything):
        types = {}
        for o in everything:
            types.setdefault(o["type"], []).append(o["id"])
        t1 = max(types, key=lambda t: (len(types[t]), t))
        got = self.count({"match[type]": t1})
        check(sorted(o["id"] for o in got) == sorted(types[t1]),
              "§3.4.2 match[type]=%s: %d objects, expected %d" % (t1, len(got), len(types[t1])))
        small = sorted(types, key=lambda t: (len(types[t]), t))[:2]
        got = self.count({"match[type]": ",".join(small)})
        want = sorted(i for t in small for i in types[t])
        check(sorted(o["id"] for o in got) == want, "§3.4.2 match[type]=%s" % ",".join(small))
        pick = [everything[0]["id"], everything[len(everything) // 2]["id"], everything[-1]["id"]]
        got = self.count({"match[id]": ",".join(pick)})
        check(sorted(o["id"] for o in got) == sorted(pick), "§3.4.2 match[id] of three ids")
        v21 = [o for o in everything if o.get("spec_version") == "2.1"]
        check(len(self.count({"match[spec_version]": "2.1"})) == len(v21),
              "§3.4.2 match[spec_version]=2.1 must select every STIX 2.1 object")
        print("# filters: match[type] %s (%d), match[id], match[spec_version]" %
              (t1, len(types[t1])))

    # §5.6 object, §5.8 versions, match[version], §5.7 delete
    def versions_and_delete(self, everything):
        o = next(x for x in everything if x["type"] != "marking-definition" and "modified" in x)
        url = self.curl + "objects/%s/" % o["id"]
        j, items, _, _ = self.page(self.owner, url, {})
        check(items == [o], "§5.6 GET object %s" % o["id"])
        v1 = version_of(o)
        newer = dict(o, modified=ts_of(v1 + 86400000))
        self.post([newer])
        v2 = v1 + 86400000
        for mv, want in (("first", [v1]), ("last", [v2]), ("all", [v1, v2]), (ts_of(v1), [v1]),
                         (ts_of(v2), [v2]), ("first,last", [v1, v2])):
            _, items, _, _ = self.page(self.owner, url, {"match[version]": mv})
            got = sorted(version_of(x) for x in items)
            check(got == want, "§3.4.2 match[version]=%s on %s: %r, expected %r" %
                  (mv, o["id"], [ts_of(v) for v in got], [ts_of(v) for v in want]))
        _, items, _, _ = self.page(self.owner, url, {})
        check([version_of(x) for x in items] == [v2], "§5.6 default version must be the last")
        _, vers, _, _ = self.page(self.owner, url + "versions/", {})
        check(sorted(ms_of(v) for v in vers) == [v1, v2], "§5.8 versions %r" % vers)
        _, items, _, _ = self.page(self.owner, self.curl + "objects/",
                                   {"match[id]": o["id"], "match[version]": "all"})
        check(len(items) == 2, "§5.4 match[version]=all lists both versions")
        # §5.7: delete one version, then the rest; afterwards 404 (§3.7 error)
        r = self.owner.request("DELETE", query(url, {"match[version]": ts_of(v1)}))
        check(r.status == 200, "§5.7 DELETE one version: %d %s" % (r.status, r.body[:200]))
        _, vers, _, _ = self.page(self.owner, url + "versions/", {})
        check([ms_of(v) for v in vers] == [v2], "§5.7 after deleting v1: %r" % vers)
        r = self.owner.request("DELETE", query(url, {"match[version]": "all"}))
        check(r.status == 200, "§5.7 DELETE: %d %s" % (r.status, r.body[:200]))
        check_error(self.owner.request("GET", url), 404, "§5.6 GET a deleted object")
        check_error(self.owner.request("GET", url + "versions/"), 404, "§5.8 deleted object")
        check_error(self.owner.request("DELETE", url), 404, "§5.7 DELETE a deleted object")
        _, items, _, _ = self.page(self.owner, self.curl + "manifest/", {"match[id]": o["id"]})
        check(items == [], "§5.3 the manifest still lists a deleted object")
        if self.reader:
            check_error(self.reader.request("DELETE", self.curl + "objects/%s/" % everything[-1]["id"]),
                        403, "§5.7 DELETE by a reader that may not delete")
        print("# versions, match[version], delete: %s" % o["id"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--discovery", required=True, help="http://host:port/taxii2/")
    ap.add_argument("--user", required=True, help="owner's user name (Basic)")
    ap.add_argument("--token", required=True, help="owner's API token (Basic password)")
    ap.add_argument("--reader-token", help="a reader of another organisation (Bearer)")
    ap.add_argument("--alias", required=True, help="the collection's alias")
    ap.add_argument("--bundle", help="a STIX 2.1 bundle; synthetic data when absent")
    ap.add_argument("--synthetic", type=int, default=600, help="objects of the synthetic bundle")
    ap.add_argument("--limit", type=int, default=97, help="page size asked for")
    args = ap.parse_args()
    try:
        Client(args).run(load_objects(args.bundle, args.synthetic))
    except Deviation as e:
        print("taxii_client.py: DEVIATION: %s" % e, file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as e:
        print("taxii_client.py: FAILED: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
