"""The built wheel carries the letter templates, fonts and icons, and an install of it finds them through
importlib.resources (installed without dependencies into a temporary folder, away from the checkout)."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import megacase

REPO = Path(megacase.__file__).resolve().parent.parent
SOURCES = ("megacase", "resources", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")


def _build_wheel(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:            # a copy: the build leaves nothing in the checkout
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    out = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(out), str(src)], check=True, capture_output=True, text=True)
    [wheel] = out.glob("megacase-*.whl")
    return wheel


def test_the_wheel_ships_templates_fonts_and_icons_found_through_importlib_resources(tmp_path):
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("fr", "nl", "en"):
        assert f"megacase/resources/templates/{lang}/acknowledgement.txt.j2" in names
    assert "megacase/resources/fonts/DejaVuSans.ttf" in names
    assert "megacase/resources/icons/megacase-256.png" in names
    assert "megacase/store/migrations/versions/0001_initial_schema.py" in names

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, text=True)
    probe = (
        "import importlib.resources, sys\n"
        "import megacase\n"
        "root = importlib.resources.files('megacase') / 'resources'\n"
        "print(megacase.__file__)\n"
        "print(sorted(p.name for p in (root / 'templates' / 'fr').iterdir() if p.name.endswith('.j2'))[0])\n"
        "print((root / 'fonts' / 'DejaVuSans.ttf').read_bytes()[:4].hex())\n"
        "print((root / 'icons' / 'megacase-256.png').read_bytes()[1:4].decode())\n"
        "from megacase.config import resources_dir\n"
        "print(resources_dir())\n"
    )
    # run from the temporary folder, the install first on the path: nothing can come from the checkout
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}).stdout.splitlines()
    assert Path(out[0]).is_relative_to(target), out[0]
    assert out[1] == "access-reply.txt.j2"
    assert out[2] == "00010000"                 # a TrueType font
    assert out[3] == "PNG"
    assert Path(out[4]) == target / "megacase" / "resources"


def test_a_checkout_reads_the_top_level_resources():
    from megacase.config import resources_dir
    from megacase.services.letters.templates import template_ids
    assert resources_dir() == REPO / "resources"
    assert "acknowledgement" in template_ids()
