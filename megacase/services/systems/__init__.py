"""The subject's data in the shop's systems: searched (connector, export file or statement), kept sealed in the
case, delivered as the access package, and erased with receipts.

Public functions for the rest of the application:

- ``list_systems``, ``configure``, ``test_connection``: the connectors and their state;
- ``collect_connector``, ``import_file``, ``import_path``, ``record_nothing_held``, ``collect_all``,
  ``case_findings``: what each system held;
- ``has_collected_data(session, case)``, ``nothing_held_anywhere(session, case)``, ``collection_status``:
  for the guard of an access reply (the subject's data attached, or a no-data statement);
- ``dry_run``, ``erase``, ``keep``, ``erasure_lines``: erasure at each system with receipts;
- ``withhold``, ``build_package``: the access package (PDF, and a ZIP for portability).
"""

from megacase.services.systems.collect import (case_findings, collect_all, collect_connector, collection_status,
                                               has_collected_data, import_file, import_path,
                                               nothing_held_anywhere, original_file, record_nothing_held)
from megacase.services.systems.connections import configure, list_systems, system_state, test_connection
from megacase.services.systems.erase_at import dry_run, erase, erasure_lines, erasure_lines_in, keep
from megacase.services.systems.package import Package, build_package, packages_in, withhold

__all__ = ["case_findings", "collect_all", "collect_connector", "collection_status", "has_collected_data",
           "import_file", "import_path", "nothing_held_anywhere", "original_file", "record_nothing_held",
           "configure", "list_systems", "system_state", "test_connection", "dry_run", "erase", "erasure_lines",
           "erasure_lines_in", "keep", "Package", "build_package", "packages_in", "withhold"]
