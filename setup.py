"""Build hook: the wheel ships the repository's top-level resources/ folder as package data, megacase/resources.

resources/ stays where the project's layout puts it (templates, locale, fonts, icons beside the code);
an installed MegaCase finds it with importlib.resources (``megacase.config.resources_dir``). An editable
install and a checkout read resources/ in place, and PyInstaller bundles it itself (packaging/megacase.spec).
Everything else about the build is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"


class BuildWithResources(build_py):
    def run(self):
        super().run()
        if not getattr(self, "editable_mode", False):       # an editable install reads resources/ in place
            self.copy_tree(str(RESOURCES), str(Path(self.build_lib) / "megacase" / "resources"))


setup(cmdclass={"build_py": BuildWithResources})
