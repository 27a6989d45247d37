"""The demo register's systems: its searches were answered by the real connectors on loopback and by realistic
export files, and an access package built for a demo case carries those data, read back from the PDF and ZIP."""

from __future__ import annotations

import io
import json
import zipfile

from pypdf import PdfReader

from megacase.services import systems
from megacase.services.cases import queries
from megacase.services.demo import demo


def test_a_demo_access_package_holds_the_demo_systems_data(ws):
    demo.populate(ws, count=16)
    best = None
    for c in queries.list_cases(ws):
        found = [f for f in systems.case_findings(ws, c.reference) if f.outcome == "found"]
        if best is None or len(found) > len(best[1]):
            best = (c.reference, found)
    ref, found = best
    sources = {f.source for f in found}
    assert len(found) >= 3 and {"connector", "file"} & sources
    package = systems.build_package(ws, ref, portability=True)
    pdf, zipped = package.files
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for f in found:
        assert f.processor in text
    assert any(word in text for word in ("ORD10231", "F-2025-0142", "4KX12345AB678901C", "323299001234567890"))
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as z:
        manifest = json.loads(z.read("manifest.json"))
        systems_in = {s["system"]: s for s in manifest["systems"]}
        for f in found:
            assert systems_in[f.processor]["source"] == f.source
            assert sum(systems_in[f.processor]["categories"].values()) == f.row_count
        assert any(name.endswith(".csv") for name in z.namelist())
