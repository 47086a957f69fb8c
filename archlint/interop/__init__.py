"""Adopt without retyping: designs imported from what teams already have (Compose,
Kubernetes manifests, Backstage catalogs, CALM), compared with it (`drift`), and
exported to other tools.

Importers turn inputs into a `Draft` (archlint.interop.draft), whose writer produces
the design text; every module is a pure function of its inputs, so the commands own
all reading of options, printing and exit codes.
"""

from __future__ import annotations

IMPORT_FORMATS = ("compose", "kubernetes", "backstage", "calm")
EXPORT_FORMATS = ("calm", "structurizr", "likec4", "d2", "plantuml")
