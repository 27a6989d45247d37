"""Import rules a reader can rely on: no import loops (an import inside a function counts), the command
line's feature modules never reach back into cli.py, and each services feature uses only the features
the table below allows (see docs/architecture.md)."""

from __future__ import annotations

from tests.import_graph import cycles, graph

SERVICES = "megacase.services."

KNOWN_SERVICE_LOOPS: list[set[str]] = []     # none left: a new loop fails the test below

# The features of services/ (DESIGN.md), and which others each may use. Everything may use the shared
# core; the core uses only itself and integrity (the audit trail).
MAY_USE: dict[str, set[str]] = {
    "integrity": set(),
    "mail": {"integrity"},
    "privacy": {"integrity", "mail"},                 # a recipient's notice address is where mail goes
    "systems": {"integrity", "privacy"},               # a system's steps are the processor register's
    "cases": {"integrity", "privacy"},
    "review": {"integrity", "cases", "mail"},
    "reports": {"integrity", "cases", "privacy", "review", "systems"},
    "letters": {"integrity", "cases", "mail", "review", "systems", "reports"},   # an access copy is a PDF
    "intake": {"integrity", "cases", "letters", "mail"},     # what arrives threads into cases and letters
}
# The shared core stays flat in services/: every feature may use it.
CORE = {"workspace", "records", "roles", "settings", "subject_keys", "case_lookup", "session", "users", "user_files",
        "pdf_style", "letter_texts"}
OUTSIDE_FEATURES = {"demo"}     # builds a demo register through every feature: may use all

# Feature edges the code has today against the table, to be removed (not added to): cases asks review's
# four-eyes rules (approvals) before a refusal, fee or extension.
KNOWN_FEATURE_EXCEPTIONS = {
    ("cases", "review"),     # a refusal, fee or extension asks review's four-eyes rules (approvals) first
    ("cases", "letters"),    # closing asks the letters' guards (every right answered by a letter that left);
                             # replacing a known address tells the old one by letter
    ("privacy", "letters"),  # an Art. 19 notice counts only once its letter left the outbox
    ("reports", "letters"),  # the case file lists each letter's attachments
}


def _short(name: str) -> str:
    return name[len(SERVICES):] if name.startswith(SERVICES) else name


def test_no_new_import_loop():
    known = [frozenset(SERVICES + m for m in loop) for loop in KNOWN_SERVICE_LOOPS]
    new = [sorted(loop) for loop in cycles(graph()) if not any(loop <= k for k in known)]
    assert new == [], f"import loops (an import inside a function counts too): {new}"


def test_the_cycle_finder_sees_a_loop_through_a_function_level_import():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [frozenset({"a", "b", "c"})]


def test_commands_and_the_window_do_not_import_their_caller():
    g = graph()
    for name, deps in g.items():
        if name.startswith("megacase.commands"):
            assert "megacase.cli" not in deps, name
        if name.startswith(("megacase.services", "megacase.store", "megacase.domain")):
            assert not {d for d in deps if d.startswith(("megacase.ui", "megacase.cli", "megacase.app",
                                                         "megacase.commands"))}, name


def _feature_of(name: str) -> str | None:
    """The feature of a services module: its package (megacase/services/<feature>/...), None for the core."""
    rest = _short(name)
    if rest == name:
        return None
    head = rest.split(".")[0]
    return head if head in MAY_USE else None


def test_the_feature_table_is_well_formed():
    assert set(MAY_USE) == {"cases", "letters", "mail", "privacy", "review", "reports", "integrity", "systems",
                            "intake"}
    for feature, allowed in MAY_USE.items():
        assert allowed <= set(MAY_USE) and feature not in allowed
    assert cycles(MAY_USE) == []              # features are layered: no two may use each other


def test_each_feature_uses_only_what_the_table_allows():
    problems = []
    for name, deps in graph().items():
        if not name.startswith(SERVICES) or _short(name).split(".")[0] in OUTSIDE_FEATURES:
            continue
        mine = _feature_of(name)
        for dep in deps:
            if not dep.startswith(SERVICES):
                continue
            head = _short(dep).split(".")[0]
            theirs = _feature_of(dep)
            if head in CORE:
                continue
            if mine is None:                  # a core module (or a new one not yet placed)
                if _short(name).split(".")[0] in CORE and theirs not in (None, "integrity"):
                    problems.append(f"core {_short(name)} uses {theirs} ({_short(dep)})")
                continue
            if theirs is None or theirs == mine or theirs in MAY_USE[mine]:
                continue
            if (mine, theirs) in KNOWN_FEATURE_EXCEPTIONS:
                continue
            problems.append(f"{mine} ({_short(name)}) uses {theirs} ({_short(dep)})")
    assert problems == []
