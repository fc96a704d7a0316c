#!/usr/bin/python3
"""findings.py - compare what ftpsdiag --scan, sslscan and testssl.sh found.

Used by bench/compare.sh. Each tool's output is reduced to the same facts:

    the set of accepted protocol versions ("SSL 3.0", "TLS 1.0" ... "TLS 1.3")
    per accepted version, the set of accepted cipher suites

Suites are keyed by their IANA code (0xC02F) and shown with their IANA name.
sslscan names suites the OpenSSL way; they are mapped to IANA names (and
codes) with the table printed by

    openssl ciphers -V -stdname ALL:COMPLEMENTOFALL:@SECLEVEL=0

given with --map. testssl.sh's JSON carries the code in each finding's id.

    findings.py --map MAP --ftpsdiag F.json [--sslscan S.xml] [--testssl T.json]

prints, for each other tool, whether it agrees with ftpsdiag and the
differences, and exits 0 when all agree, 1 when some differ, 2 when
ftpsdiag's result is missing or unreadable.
"""
import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET

VERSIONS = ["SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"]


# Key exchange groups (IANA TLS Supported Groups) and the names tools use.
GROUPS = {
    0x0017: ("secp256r1", "P-256", "prime256v1", "CurveP256"),
    0x0018: ("secp384r1", "P-384", "CurveP384"),
    0x0019: ("secp521r1", "P-521", "CurveP521"),
    0x001D: ("x25519", "X25519"),
    0x001E: ("x448", "X448"),
    0x0100: ("ffdhe2048",), 0x0101: ("ffdhe3072",), 0x0102: ("ffdhe4096",),
    0x0103: ("ffdhe6144",), 0x0104: ("ffdhe8192",),
    0x001A: ("brainpoolP256r1",), 0x001B: ("brainpoolP384r1",), 0x001C: ("brainpoolP512r1",),
    0x0200: ("MLKEM512",), 0x0201: ("MLKEM768",), 0x0202: ("MLKEM1024",),
    0x11EC: ("X25519MLKEM768",), 0x11EB: ("SecP256r1MLKEM768",), 0x11ED: ("SecP384r1MLKEM1024",),
    0x6399: ("X25519Kyber768Draft00",),
}
GROUP_BY_NAME = {n.lower(): c for c, names in GROUPS.items() for n in names}


def group_code(name):
    """'secp256r1 (NIST P-256)', 'P-256', 'X25519', '0x001d' -> 0x0017 ...; None if unknown."""
    n = name.strip()
    if re.fullmatch(r"0x[0-9a-fA-F]+", n):
        return int(n, 16)
    n = n.split(" (")[0].lower()
    return GROUP_BY_NAME.get(n)


def group_name(code):
    return GROUPS[code][0] if code in GROUPS else "0x%04X" % code


class Facts:
    """What one tool reports: accepted versions and suites per version."""

    def __init__(self, tool):
        self.tool = tool
        self.versions = set()   # accepted
        self.tested = set()     # versions the tool reported on at all
        self.suites = {}        # version -> {code: name}
        self.suites_tested = True
        self.groups = None      # set of group codes, None when not reported
        self.notes = []

    def add_suite(self, version, code, name):
        self.suites.setdefault(version, {})[code] = name


def norm_code(code):
    """'0xC0,0x2F', '0xc02f', 'xc02f', 'C02F' -> '0xC02F'."""
    c = code.strip().lower().replace("0x", "").replace(",", "").replace("x", "")
    if not re.fullmatch(r"[0-9a-f]+", c):
        return None
    if len(c) < 4:
        c = c.rjust(4, "0")
    return "0x" + c.upper()


def load_map(path):
    """OpenSSL name -> (code, IANA name), and code -> IANA name."""
    by_openssl, by_code = {}, {}
    with open(path) as f:
        for line in f:
            # 0xC0,0x30 - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 - ECDHE-RSA-AES256-GCM-SHA384 TLSv1.2 Kx=...
            m = re.match(r"\s*(0x[0-9A-Fa-f]{2}(?:,0x[0-9A-Fa-f]{2})+)\s+-\s+(\S+)\s+-\s+(\S+)", line)
            if not m:
                continue
            code = norm_code(m.group(1))
            by_openssl[m.group(3)] = (code, m.group(2))
            by_code.setdefault(code, m.group(2))
    return by_openssl, by_code


def norm_version(v):
    """'TLSv1.2', 'tls1_2', 'TLS 1.2', 'SSLv3', 'TLS1' -> 'TLS 1.2' ..."""
    s = v.strip().lower().replace(" ", "").replace("v", "")
    table = {
        "ssl2": "SSL 2.0", "ssl2.0": "SSL 2.0",
        "ssl3": "SSL 3.0", "ssl3.0": "SSL 3.0",
        "tls1": "TLS 1.0", "tls1.0": "TLS 1.0", "tls1_0": "TLS 1.0",
        "tls1.1": "TLS 1.1", "tls1_1": "TLS 1.1",
        "tls1.2": "TLS 1.2", "tls1_2": "TLS 1.2",
        "tls1.3": "TLS 1.3", "tls1_3": "TLS 1.3",
    }
    return table.get(s)


def read_ftpsdiag(path):
    with open(path) as f:
        text = f.read()
    if not text.strip():
        raise ValueError("no output: the run failed or was not made")
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ValueError("output is not JSON: %s" % e)
    facts = Facts("ftpsdiag")
    scans = [a.get("tls_scan") for a in doc.get("attempts", []) if a.get("tls_scan")]
    if not scans:
        errs = "; ".join(a.get("error", "") for a in doc.get("attempts", []) if a.get("error"))
        raise ValueError("no attempts[].tls_scan in ftpsdiag's JSON" + (" (" + errs + ")" if errs else ""))
    scan = scans[0]
    for v in scan.get("versions") or []:
        ver = v.get("version")
        facts.tested.add(ver)
        if v.get("accepted"):
            facts.versions.add(ver)
            for s in v.get("suites") or []:
                facts.add_suite(ver, norm_code(s.get("code", "")) or s.get("name"), s.get("name"))
            for g in v.get("groups") or []:
                c = group_code(g)
                if c is None:
                    facts.notes.append("group name %r not in findings.py's table" % g)
                    continue
                facts.groups = (facts.groups or set()) | {c}
    for e in scan.get("errors") or []:
        facts.notes.append("scan error: " + e)
    facts.connections = scan.get("connections")
    facts.duration_ms = scan.get("duration_ms")
    return facts


def read_sslscan(path, by_openssl, by_code):
    root = ET.parse(path).getroot()
    facts = Facts("sslscan")
    test = root.find("ssltest")
    if test is None:
        err = root.find("error")
        raise ValueError("no <ssltest> in sslscan's XML" + (": " + err.text if err is not None and err.text else ""))
    for p in test.findall("protocol"):
        ver = norm_version(p.get("type", "") + p.get("version", ""))
        if ver is None:
            continue
        facts.tested.add(ver)
        if p.get("enabled") == "1":
            facts.versions.add(ver)
    for c in test.findall("cipher"):
        if c.get("status") not in ("accepted", "preferred"):
            continue
        ver = norm_version(c.get("sslversion", ""))
        name = c.get("cipher", "")
        code, iana = by_openssl.get(name, (None, None))
        if code is None and c.get("id"):
            code = norm_code(c.get("id"))
            iana = by_code.get(code)
        if code is None:
            facts.notes.append("sslscan suite %s (%s) not in the OpenSSL table" % (name, ver))
            code = name
        facts.add_suite(ver, code, iana or name)
        # sslscan lists ciphers only for versions it found enabled
        facts.versions.add(ver)
    groups = test.findall("group")
    if groups:
        facts.groups = set()
        for g in groups:
            c = group_code(g.get("id") or g.get("name", ""))
            if c is not None:
                facts.groups.add(c)
    return facts


def read_testssl(path, by_code):
    with open(path) as f:
        doc = json.load(f)
    items = doc if isinstance(doc, list) else doc.get("scanResult", doc.get("findings", []))
    facts = Facts("testssl.sh")
    facts.suites_tested = any(it.get("id", "").startswith("cipher-") for it in items)
    proto = {"SSLv2": "SSL 2.0", "SSLv3": "SSL 3.0", "TLS1": "TLS 1.0",
             "TLS1_1": "TLS 1.1", "TLS1_2": "TLS 1.2", "TLS1_3": "TLS 1.3"}
    for it in items:
        ident, finding = it.get("id", ""), it.get("finding", "")
        if ident in proto:
            ver = proto[ident]
            facts.tested.add(ver)
            if finding.startswith("offered"):
                facts.versions.add(ver)
            continue
        m = re.fullmatch(r"cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-fA-F]+)", ident)
        if m:
            ver = norm_version(m.group(1))
            code = norm_code(m.group(2))
            # the finding ends with the IANA name (or starts with it under --mapping iana)
            names = [w for w in finding.split() if w.startswith(("TLS_", "SSL_"))]
            facts.add_suite(ver, code, names[0] if names else by_code.get(code, code))
        elif ident == "FS_ECDHE_curves":
            facts.groups = {c for c in map(group_code, finding.split()) if c is not None}
        elif ident == "engine_problem":
            continue  # Debian's openssl has no GOST engine: irrelevant here
        elif it.get("severity") in ("WARN", "FATAL") or ident.startswith("scanProblem"):
            facts.notes.append("testssl %s: %s" % (ident, finding))
    return facts


def fmt_suite(code, name):
    return "%s (%s)" % (name, code) if name and name != code else code


def compare(ref, other, out):
    """Print how other differs from ref; return the number of differences."""
    diffs = []
    for ver in VERSIONS:
        if ver not in other.tested and ver not in other.versions:
            continue  # the tool cannot test this version (e.g. SSL 2.0 with OpenSSL 3)
        if ver not in ref.tested and ver not in ref.versions:
            if ver in other.versions:
                diffs.append("%s: %s finds it accepted, ftpsdiag did not test it" % (ver, other.tool))
            continue
        a, b = ver in ref.versions, ver in other.versions
        if a != b:
            diffs.append("%s: ftpsdiag says %s, %s says %s" % (
                ver, "accepted" if a else "refused", other.tool, "accepted" if b else "refused"))
        if not (a and b) or not other.suites_tested:
            continue
        rs, os_ = ref.suites.get(ver, {}), other.suites.get(ver, {})
        for code in sorted(set(os_) - set(rs)):
            diffs.append("%s: only %s accepts %s" % (ver, other.tool, fmt_suite(code, os_[code])))
        for code in sorted(set(rs) - set(os_)):
            diffs.append("%s: only ftpsdiag accepts %s" % (ver, fmt_suite(code, rs[code])))
        for code in sorted(set(rs) & set(os_)):
            if rs[code] and os_[code] and rs[code] != os_[code] and not os_[code].startswith("0x"):
                diffs.append("%s: %s is named %s by ftpsdiag, %s by %s" % (
                    ver, code, rs[code], os_[code], other.tool))
    nsuites = sum(len(other.suites.get(v, {})) for v in other.versions)
    head = "%s vs ftpsdiag: versions %s, %s" % (
        other.tool, ", ".join(v for v in VERSIONS if v in other.versions) or "none",
        "%d suites" % nsuites if other.suites_tested else "suites not enumerated")
    if diffs:
        print("  %s — DIFFER (%d)" % (head, len(diffs)), file=out)
        for d in diffs:
            print("    - " + d, file=out)
    else:
        print("  %s — AGREE" % head, file=out)
    if other.groups is not None and ref.groups is not None and other.groups != ref.groups:
        # informational: each tool offers only the groups its TLS stack knows
        print("    groups (not counted): ftpsdiag %s; %s %s" % (
            " ".join(map(group_name, sorted(ref.groups))), other.tool,
            " ".join(map(group_name, sorted(other.groups)))), file=out)
    for n in other.notes:
        print("    note: " + n, file=out)
    return len(diffs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--map", required=True, help="output of openssl ciphers -V -stdname ...")
    ap.add_argument("--ftpsdiag", required=True)
    ap.add_argument("--sslscan")
    ap.add_argument("--testssl")
    a = ap.parse_args()
    by_openssl, by_code = load_map(a.map)
    out = sys.stdout

    others = []
    for tool, path, reader in (("sslscan", a.sslscan, lambda p: read_sslscan(p, by_openssl, by_code)),
                               ("testssl.sh", a.testssl, lambda p: read_testssl(p, by_code))):
        if not path:
            continue
        try:
            others.append(reader(path))
        except (OSError, ValueError, ET.ParseError) as e:
            print("  %s: no result to compare (%s)" % (tool, e), file=out)

    try:
        ref = read_ftpsdiag(a.ftpsdiag)
    except (OSError, ValueError) as e:
        print("  ftpsdiag: no result to compare (%s)" % e, file=out)
        for o in others:  # still show what the others found
            print("  %s found: %s" % (o.tool, "; ".join(
                "%s: %d suites" % (v, len(o.suites.get(v, {}))) for v in VERSIONS if v in o.versions) or "nothing"),
                file=out)
        return 2
    nsuites = sum(len(ref.suites.get(v, {})) for v in ref.versions)
    print("  ftpsdiag: versions %s, %d suites, groups %s, %s connections, scan %.0f ms" % (
        ", ".join(v for v in VERSIONS if v in ref.versions) or "none", nsuites,
        " ".join(map(group_name, sorted(ref.groups or ()))) or "none",
        ref.connections, ref.duration_ms or 0), file=out)
    for n in ref.notes:
        print("    note: " + n, file=out)
    bad = 0
    for o in others:
        bad += compare(ref, o, out)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
