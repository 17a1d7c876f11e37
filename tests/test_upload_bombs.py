"""Compressed bombs: the Office type check reads a bounded prefix and refuses what expands too far.

The uploads run in a child process whose address space is capped, and the test prints the
memory each upload needed (tracemalloc peak) and the growth of the process's resident size.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

MIB = 1024 * 1024
GIB = 1024 * MIB
TESTS = Path(__file__).resolve().parent


def _deflated_zeros(size: int) -> bytes:
    """A raw deflate stream of `size` zero bytes (size a multiple of 1 MiB), built cheaply:
    after a full flush every further MiB of zeros compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * MIB
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + middle * (size // MIB - 1) + compressor.flush()


def craft_zip(entries) -> bytes:
    """A zip archive from (name, method, compressed bytes, declared size) with any sizes declared.

    The CRC is left at 0: a check that gets as far as verifying it has already expanded the data.
    """
    out, central = bytearray(), bytearray()
    for name, method, data, declared in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, method, 0, 0x21, 0,
                           len(data), declared, len(encoded), 0) + encoded + data
        central += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, 0, method, 0,
                               0x21, 0, len(data), declared, len(encoded), 0, 0, 0, 0, 0,
                               offset) + encoded
    start = len(out)
    count = len(entries)
    out += central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central),
                                 start, 0)
    return bytes(out)


def _office_bomb(declared: int) -> bytes:
    """A 'docx' whose [Content_Types].xml is `declared` bytes of zeros, deflated."""
    return craft_zip([
        ("[Content_Types].xml", 8, _deflated_zeros(declared), declared),
        ("word/document.xml", 0, b"<w:document/>", 13),
    ])


def _bombs() -> dict[str, bytes]:
    import bz2

    inner = _office_bomb(GIB + 512 * MIB)
    nested_entries = []
    for n in range(8):
        packed = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = packed.compress(inner) + packed.flush()
        nested_entries.append((f"part{n}.zip", 8, data, len(inner)))
    # the nested bomb's first entry is named as an Office manifest, so it is read
    nested_entries[0] = ("[Content_Types].xml",) + nested_entries[0][1:]
    # the same, stored: nothing in the outer archive looks large, the inner ones are not opened
    stored = [("[Content_Types].xml", 0, inner, len(inner)), ("word/document.xml", 0, inner,
                                                              len(inner))]
    bzip2 = bz2.compress(b"\0" * (16 * MIB))
    overlapping = _deflated_zeros(64 * MIB)
    return {
        "deflate": _office_bomb(GIB + 512 * MIB),
        "odt-mimetype": craft_zip([("mimetype", 8, _deflated_zeros(GIB + 512 * MIB),
                                    GIB + 512 * MIB)]),
        "nested": craft_zip(nested_entries),
        "nested-stored": craft_zip(stored),
        "bzip2": craft_zip([("[Content_Types].xml", 12, bzip2, 16 * MIB),
                            ("word/document.xml", 0, b"<w:document/>", 13)]),
        # many central-directory entries sharing one compressed body (over 1 GiB declared)
        "overlapping": craft_zip([("[Content_Types].xml", 8, overlapping, 64 * MIB)]
                                 + [(f"word/media/{n}.xml", 8, b"", 64 * MIB)
                                    for n in range(20)]),
        "many-entries": craft_zip([("[Content_Types].xml", 0, b"<Types/>", 8)]
                                  + [(f"x/{n}", 0, b"", 0) for n in range(20_000)]),
    }


CHILD = textwrap.dedent("""
    import io, json, resource, sys, tracemalloc
    from pathlib import Path

    sys.path.insert(0, sys.argv[1])
    tmp = Path(sys.argv[2])
    from testconfig import base_config
    from forum import create_app
    from forum.extensions import db

    app = create_app(base_config(tmp, f"sqlite:///{tmp / 'forum.db'}"))
    with app.app_context():
        db.create_all()
        from forum.models.roster import ensure_delegations
        ensure_delegations()
        from factories import PASSWORD, make_thread, make_user
        author = make_user("liaison", delegation="SV")
        thread = make_thread(author)
        post_id, thread_id, email = thread.posts[0].id, thread.id, author.email
        db.session.remove()
    client = app.test_client()
    assert client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302

    # Cap the address space: a check that expands a bomb fails here instead of eating the host.
    status = Path("/proc/self/status").read_text()
    vm = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmSize:")))
    limit = vm * 1024 + 768 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    results = {}
    bombs = json.loads(Path(sys.argv[3]).read_text())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for name, path in bombs.items():
        data = Path(path).read_bytes()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        try:
            with app.app_context():
                if name == "deflate":
                    # as a reply's attachment: refused, and the text is kept
                    response = client.post(f"/threads/{thread_id}/reply", data={
                        "body": "Texto que no debe perderse.", "language": "es", "submit": "1",
                        "attachment": (io.BytesIO(data), "protocolo.docx")},
                        content_type="multipart/form-data")
                else:
                    response = client.post(f"/posts/{post_id}/documents",
                                           data={"file": (io.BytesIO(data), name + ".docx")},
                                           content_type="multipart/form-data")
                status, page = response.status_code, response.get_data(as_text=True)
        except MemoryError:
            status, page = "MemoryError", ""
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        results[name] = {"status": status, "peak": peak, "page": page[:20000]}
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"results": results, "rss_delta_kib": rss_after - rss_before}))
""")


def test_zip_bombs_are_refused_within_bounded_memory(tmp_path):
    bombs = _bombs()
    paths = {}
    for name, data in bombs.items():
        path = tmp_path / f"{name}.bin"
        path.write_bytes(data)
        paths[name] = str(path)
    assert len(bombs["bzip2"]) < 2048  # a bomb of a couple of kilobytes
    listing = tmp_path / "bombs.json"
    listing.write_text(json.dumps(paths))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS.parent), str(TESTS)]))
    env.pop("FORUM_ENV", None)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(TESTS), str(tmp_path), str(listing)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    results = report["results"]
    for name, result in results.items():
        print(f"upload bomb {name}: {len(bombs[name])} bytes, status {result['status']}, "
              f"tracemalloc peak {result['peak'] / MIB:.1f} MiB")
    print(f"upload bombs: resident size grew by {report['rss_delta_kib'] / 1024:.1f} MiB")

    expected = {"deflate": 413, "odt-mimetype": 413, "nested": 413, "nested-stored": 415, "bzip2": 415,
                "overlapping": 413, "many-entries": 413}
    assert {name: r["status"] for name, r in results.items()} == expected
    for name, result in results.items():
        assert result["peak"] < 32 * MIB, name
    assert report["rss_delta_kib"] < 128 * 1024
    assert "expands to more than" in results["deflate"]["page"]
    assert "Texto que no debe perderse." in results["deflate"]["page"]
    assert "This type of file is not accepted" in results["nested-stored"]["page"]
    assert "too many files" in results["many-entries"]["page"]
