"""PNG and SVG pictures with icons: the icons of the `diagrams` package, laid out by
Graphviz's `dot` program.

This is the only module that imports `diagrams`, and it does so inside the functions
that need it. It takes nothing from `diagrams` but its icon files: the DOT text comes
from `archlint.render.dot`, so node ids are our stable ids (the package would pick
random ones) and nothing opens a viewer. SVG output embeds each icon once, as data, so
the file is the same bytes on every machine and shows its icons wherever it is opened.
"""

from __future__ import annotations

import base64
import functools
import html
import importlib
import os
import re
import shutil
import struct
import subprocess

from archlint.render import dot
from archlint.render.model import Node, RenderModel

FORMATS = ("png", "svg")
INSTALL_GRAPHVIZ = "Debian or Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`"
PNG_DPI = 96  # Graphviz's default of 72 makes icons and text look small on screens

# Catalog tech id -> the `diagrams` class whose icon shows it ("module:Class").
TECH_ICONS: dict[str, str] = {
    "api-gateway": "aws.network:APIGateway",
    "aurora": "aws.database:Aurora",
    "aws-alb": "aws.network:ElbApplicationLoadBalancer",
    "aws-nlb": "aws.network:ElbNetworkLoadBalancer",
    "aws-rds": "aws.database:RDS",
    "azure-blob": "azure.storage:BlobStorage",
    "azure-service-bus": "azure.integration:ServiceBus",
    "bigquery": "gcp.analytics:Bigquery",
    "bigtable": "gcp.database:Bigtable",
    "cassandra": "onprem.database:Cassandra",
    "clickhouse": "onprem.database:Clickhouse",
    "cloud-functions": "gcp.compute:Functions",
    "cloud-run": "gcp.compute:Run",
    "cloud-sql": "gcp.database:SQL",
    "cloudflare": "saas.cdn:Cloudflare",
    "cloudfront": "aws.network:CloudFront",
    "cockroachdb": "onprem.database:Cockroachdb",
    "consul": "onprem.network:Consul",
    "cosmosdb": "azure.database:CosmosDb",
    "dotnet": "programming.framework:Dotnet",
    "dynamodb": "aws.database:Dynamodb",
    "ec2": "aws.compute:EC2",
    "elasticache": "aws.database:Elasticache",
    "elasticsearch": "elastic.elasticsearch:Elasticsearch",
    "envoy": "onprem.network:Envoy",
    "etcd": "onprem.network:Etcd",
    "event-hubs": "azure.analytics:EventHubs",
    "eventbridge": "aws.integration:Eventbridge",
    "firestore": "gcp.database:Firestore",
    "gcp-load-balancer": "gcp.network:LoadBalancing",
    "gcs": "gcp.storage:Storage",
    "go": "programming.language:Go",
    "haproxy": "onprem.network:Haproxy",
    "java": "programming.language:Java",
    "kafka": "onprem.queue:Kafka",
    "kinesis": "aws.analytics:KinesisDataStreams",
    "kong": "onprem.network:Kong",
    "kubernetes": "k8s.compute:Pod",
    "lambda": "aws.compute:Lambda",
    "memcached": "onprem.inmemory:Memcached",
    "mongodb": "onprem.database:Mongodb",
    "msk": "aws.analytics:ManagedStreamingForKafka",
    "mysql": "onprem.database:Mysql",
    "nats": "onprem.queue:Nats",
    "nginx": "onprem.network:Nginx",
    "node": "programming.language:Nodejs",
    "opensearch": "aws.analytics:AmazonOpensearchService",
    "postgres": "onprem.database:Postgresql",
    "pubsub": "gcp.analytics:Pubsub",
    "python": "programming.language:Python",
    "rabbitmq": "onprem.queue:Rabbitmq",
    "redis": "onprem.inmemory:Redis",
    "route53": "aws.network:Route53",
    "s3": "aws.storage:SimpleStorageServiceS3",
    "sns": "aws.integration:SimpleNotificationServiceSns",
    "spanner": "gcp.database:Spanner",
    "sqs": "aws.integration:SimpleQueueServiceSqs",
    "sqs-fifo": "aws.integration:SimpleQueueServiceSqs",
    "zookeeper": "onprem.network:Zookeeper",
}

# Techs outside the catalog that still have an icon (matched lower-cased, as written).
NAMED_ICONS: dict[str, str] = {
    "rust": "programming.language:Rust",
    "ruby": "programming.language:Ruby",
    "rails": "programming.framework:Rails",
    "php": "programming.language:Php",
    "elixir": "programming.language:Elixir",
    "scala": "programming.language:Scala",
    "kotlin": "programming.language:Kotlin",
    "typescript": "programming.language:Typescript",
    "nodejs": "programming.language:Nodejs",
    "cpp": "programming.language:Cpp",
    "c++": "programming.language:Cpp",
    "traefik": "onprem.network:Traefik",
    "istio": "onprem.network:Istio",
    "couchbase": "onprem.database:Couchbase",
    "mariadb": "onprem.database:Mariadb",
    "scylla": "onprem.database:Scylla",
    "neo4j": "onprem.database:Neo4J",
    "influxdb": "onprem.database:Influxdb",
    "solr": "onprem.search:Solr",
    "activemq": "onprem.queue:Activemq",
    "celery": "onprem.queue:Celery",
    "zeromq": "onprem.queue:Zeromq",
    "fastly": "saas.cdn:Fastly",
    "akamai": "saas.cdn:Akamai",
}

# A generic icon for each kind, for components whose tech is unknown or not given.
KIND_ICONS: dict[str, str] = {
    "client": "onprem.client:Users",
    "dns": "onprem.network:Internet",
    "cdn": "onprem.network:Internet",
    "load_balancer": "generic.network:Router",
    "api_gateway": "generic.network:Firewall",
    "service": "onprem.compute:Server",
    "worker": "onprem.compute:Server",
    "function": "generic.compute:Rack",
    "external": "aws.general:GenericOfficeBuilding",
    "database": "generic.database:SQL",
    "cache": "generic.storage:Storage",
    "search": "generic.database:SQL",
    "object_storage": "generic.storage:Storage",
    "queue": "generic.blank:Blank",
    "stream": "generic.blank:Blank",
}
FALLBACK_ICON = "generic.blank:Blank"


class GraphvizMissing(Exception):
    """Graphviz's `dot` program is not on PATH."""

    def __str__(self) -> str:
        return (
            "PNG and SVG pictures need Graphviz's `dot` program, which was not found on PATH. "
            f"Install Graphviz ({INSTALL_GRAPHVIZ}), or draw with `-f mermaid` or `-f dot`, which need nothing "
            "installed."
        )


class DiagramsMissing(Exception):
    """The `diagrams` package (the icons) cannot be imported."""

    def __str__(self) -> str:
        return (
            "PNG and SVG pictures need the `diagrams` package for their icons, which is not installed. "
            "Install it (`pip install diagrams`), or draw with `-f mermaid` or `-f dot`, which need nothing "
            "installed."
        )


class GraphvizFailed(Exception):
    """`dot` ran and failed: a bug on our side, or a broken Graphviz installation."""


# The bound on Graphviz's layout, which grows faster than the design: about 30 s of CPU
# for 2,000 components, seconds for 1,000. Past LAYOUT_MAX_NODES the picture is
# refused before Graphviz starts; LAYOUT_TIMEOUT stops a layout that runs long anyway
# (a loaded machine, `--splines ortho`), so `diagram` and `review` end within a minute.
LAYOUT_MAX_NODES = 1_500
LAYOUT_TIMEOUT = 45  # seconds


class LayoutTooLarge(Exception):
    """A picture Graphviz would take too long to lay out (its size, or the timeout)."""


def graphviz() -> str:
    """The path of Graphviz's `dot`, or GraphvizMissing."""
    found = shutil.which("dot")
    if found is None:
        raise GraphvizMissing()
    return found


def require_icons() -> None:
    """DiagramsMissing unless the `diagrams` package can be imported."""
    try:
        importlib.import_module("diagrams")
    except ImportError:
        raise DiagramsMissing() from None


def render_image(model: RenderModel, image_format: str, splines: str = "spline") -> bytes:
    """The model as PNG or SVG bytes, each component drawn as its icon."""
    if image_format not in FORMATS:
        raise ValueError(f"image format must be one of {', '.join(FORMATS)}, not {image_format!r}")
    program = graphviz()
    icons = {node.id: icon_file(node) for node in model.nodes}
    source = dot.render(model, splines=splines, icons=icons)
    arguments = [program, f"-T{image_format}"] + ([f"-Gdpi={PNG_DPI}"] if image_format == "png" else [])
    if len(model.nodes) > LAYOUT_MAX_NODES:
        raise LayoutTooLarge(f"the picture has {len(model.nodes):,} components, more than the {LAYOUT_MAX_NODES:,} "
                             f"Graphviz lays out in reasonable time")
    try:
        completed = subprocess.run(arguments, input=source.encode("utf-8"), capture_output=True, check=False,
                                   timeout=LAYOUT_TIMEOUT)
    except subprocess.TimeoutExpired:  # run() has killed dot
        raise LayoutTooLarge(f"Graphviz took more than {LAYOUT_TIMEOUT} s to lay out {len(model.nodes):,} "
                             f"components and was stopped") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizFailed(f"Graphviz's dot failed (exit {completed.returncode})"
                             + (f": {message[0]}" if message else ""))
    if image_format == "svg":
        return embed_icons(completed.stdout.decode("utf-8")).encode("utf-8")
    return completed.stdout


def icon_file(node: Node) -> str:
    """The icon for a component: its catalog tech's, else a known free-text tech's,
    else its kind's generic icon."""
    name = TECH_ICONS.get(node.tech_id or "") or NAMED_ICONS.get((node.tech or "").strip().lower())
    return _icon_path(name or KIND_ICONS.get(node.kind, FALLBACK_ICON))


@functools.cache
def _icon_path(name: str) -> str:
    """`module:Class` under `diagrams` -> the absolute path of the class's icon file.
    The package keeps icons under `resources/` beside itself, named by each class's
    `_icon_dir` and `_icon`."""
    module_name, class_name = name.split(":")
    try:
        package = importlib.import_module("diagrams")
        icon_class = getattr(importlib.import_module(f"diagrams.{module_name}"), class_name)
    except ImportError:
        raise DiagramsMissing() from None
    if package.__file__ is None:  # a stray `diagrams` folder (namespace package), not the library
        raise DiagramsMissing()
    root = os.path.dirname(os.path.dirname(os.path.abspath(package.__file__)))
    return os.path.join(root, icon_class._icon_dir, icon_class._icon)


# --- SVG: icons as data -------------------------------------------------------------

_SVG_IMAGE = re.compile(r"<image\b(?P<attributes>[^>]*?)/>")
_SVG_ATTRIBUTE = re.compile(r'(?P<name>[\w:-]+)="(?P<value>[^"]*)"')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def embed_icons(svg: str) -> str:
    """Replace Graphviz's links to icon files (absolute paths on this machine) with one
    embedded copy of each icon, in `<defs>`, that every use refers to."""
    symbols: dict[str, str] = {}  # file -> symbol id, in order of first use

    def use(match: re.Match[str]) -> str:
        attributes = {m["name"]: m["value"] for m in _SVG_ATTRIBUTE.finditer(match["attributes"])}
        path = html.unescape(attributes.get("xlink:href", attributes.get("href", "")))
        if not os.path.isfile(path):
            return match.group()
        symbol = symbols.setdefault(path, f"icon{len(symbols) + 1}")
        place = "".join(f' {name}="{attributes[name]}"' for name in ("x", "y", "width", "height")
                        if name in attributes)
        return f'<use xlink:href="#{symbol}"{place}/>'

    opening = _SVG_OPEN.search(svg)
    if opening is None:
        return svg
    head, body = svg[: opening.end()], _SVG_IMAGE.sub(use, svg[opening.end() :])
    if not symbols:
        return svg
    defs = "\n<defs>\n" + "".join(_symbol(symbol, path) for path, symbol in symbols.items()) + "</defs>"
    return head + defs + body


def _symbol(symbol: str, path: str) -> str:
    with open(path, "rb") as handle:
        data = handle.read()
    width, height = _png_size(data)
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<symbol id="{symbol}" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet">'
            f'<image width="{width}" height="{height}" xlink:href="data:image/png;base64,{encoded}"/></symbol>\n')


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk); 1x1 if it is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return 1, 1
    return struct.unpack(">II", data[16:24])
