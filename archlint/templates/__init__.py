"""Starter designs for `archlint init`, as data: `blank.arch.yaml` (a commented skeleton
of every section) and packaged copies of the careful designs in the project's
`examples/` folder (a test keeps the copies identical to the examples)."""

from __future__ import annotations

import re
from importlib import resources

from archlint.language.schema import SCHEMA_ID

# Name -> one line for `archlint init --list`, in the order the list shows them.
TEMPLATES = {
    "blank": "a commented skeleton of every section, with five DOC warnings to fill in",
    "url-shortener": "short codes and redirects: a cache in front of DynamoDB, click counting off the request path",
    "news-feed": "home timelines: fan-out on write into Redis, celebrities pulled at read time",
    "video-streaming": "video on demand: uploads to S3, a transcoding queue, segments from a CDN",
    "ride-matching": "riders and nearby drivers: a geo index fed over WebSockets, trips sharded by city",
    "chat": "messaging: WebSocket gateways, a stream ordered per conversation, presence in Redis",
    "payments": "a card payment API: idempotency keys, a strongly consistent ledger, two acquirers",
}
DEFAULT = "blank"

# The editor modeline of a packaged file points at the schema by a relative path that
# only makes sense inside the project; a written design points at the published one.
_MODELINE = re.compile(r"\A# yaml-language-server: \$schema=\S+\n")


def template_file(name: str) -> str:
    """The file name of a template inside this package."""
    return f"{name}.arch.yaml"


def template_text(name: str) -> str:
    """The packaged text of template `name`, as stored (KeyError for an unknown name)."""
    if name not in TEMPLATES:
        raise KeyError(name)
    return resources.files(__name__).joinpath(template_file(name)).read_text(encoding="utf-8")


def starter_text(name: str) -> str:
    """The design `archlint init` writes for template `name`."""
    text = template_text(name)
    modeline = f"# yaml-language-server: $schema={SCHEMA_ID}\n"
    return _MODELINE.sub(lambda _: modeline, text, count=1)
