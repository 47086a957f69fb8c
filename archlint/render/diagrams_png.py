"""PNG and SVG pictures with icons: the icons of the `diagrams` package, laid out by
a layout engine (`archlint.render.engine`: graphviz-pure by default, or a system
Graphviz), the PNG rasterised from the SVG (`archlint.render.raster`).

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
import struct
from collections.abc import Callable
from dataclasses import dataclass

from archlint.render import dot
from archlint.render.engine import Engine, layout
from archlint.render.model import GROUP, Node, RenderModel

FORMATS = ("png", "svg")
AUTO = "auto"
DIRECTIONS = (AUTO, "LR", "TB")
# What the SVG asks for: Arimo, which the PNG is drawn with, then the fonts with the
# same metrics that most viewers have, so labels fit their boxes wherever it is opened.
SVG_FONTS = "Arimo,Arial,Helvetica,sans-serif"

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
    "memorystore": "gcp.database:Memorystore",
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
    "stripe": "saas.payment:Stripe",
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


class DiagramsMissing(Exception):
    """The `diagrams` package (the icons) cannot be imported."""

    def __str__(self) -> str:
        return (
            "PNG and SVG pictures need the `diagrams` package for their icons, which is not installed. "
            "Install it (`pip install diagrams`), or draw with `-f mermaid` or `-f dot`, which need nothing "
            "installed."
        )


def require_icons() -> None:
    """DiagramsMissing unless the `diagrams` package can be imported."""
    try:
        importlib.import_module("diagrams")
    except ImportError:
        raise DiagramsMissing() from None


def render_svg(model: RenderModel, engine: Engine, splines: str = "spline", direction: str = AUTO) -> Picture:
    """The model as self-contained SVG text, each component drawn as its icon, flowing
    in `direction` (LR, TB, or `auto`: see `choose_direction`)."""
    icons = {node.id: icon_file(node) for node in model.nodes if node.kind != GROUP}

    def draw(rankdir: str) -> str:
        return finish_svg(layout(engine, dot.render(model, splines=splines, icons=icons, rankdir=rankdir),
                                  len(model.nodes)))

    return choose_direction(draw, direction)


def render_image(model: RenderModel, image_format: str, engine: Engine, splines: str = "spline",
                 direction: str = AUTO) -> tuple[bytes, Picture]:
    """The model as PNG or SVG bytes, with the SVG they were made from."""
    if image_format not in FORMATS:
        raise ValueError(f"image format must be one of {', '.join(FORMATS)}, not {image_format!r}")
    picture = render_svg(model, engine, splines, direction)
    if image_format == "svg":
        return picture.svg.encode("utf-8"), picture
    from archlint.render import raster

    return raster.png(picture.svg), picture


# --- direction ------------------------------------------------------------------------

# Auto direction: a picture is read at the width of a page or a screen and scrolled
# down, so wide is what makes it unreadable (a 3:1 picture at page width has text a
# third of its size), while tall only means scrolling.
WIDEST = 2.2  # width:height above which left-to-right gives way to top-to-bottom
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)(?:pt|px)?"[^>]*?\bheight="([\d.]+)(?:pt|px)?"')


@dataclass(frozen=True, slots=True)
class Picture:
    svg: str
    rankdir: str
    width: float  # points
    height: float

    @property
    def ratio(self) -> float:
        return self.width / self.height if self.height else 1.0


def measure(svg: str, rankdir: str) -> Picture:
    found = _SVG_SIZE.search(svg)
    width, height = (float(found[1]), float(found[2])) if found else (0.0, 0.0)
    return Picture(svg, rankdir, width, height)


def choose_direction(draw: Callable[[str], str], direction: str = AUTO) -> Picture:
    """Draw left to right; under `auto`, when that is wider than WIDEST:1, draw top to
    bottom too and keep whichever is narrower for its height."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if direction != AUTO:
        return measure(draw(direction), direction)
    across = measure(draw("LR"), "LR")
    if across.ratio <= WIDEST:
        return across
    down = measure(draw("TB"), "TB")
    return down if down.ratio < across.ratio else across



_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)
_FONT_FAMILY = re.compile(r'font-family="[^"]*"')


def finish_svg(svg: str) -> str:
    """The engine's SVG made self-contained and independent of the engine's release:
    icons embedded, the generator's comments dropped, fonts named with fallbacks."""
    svg = _COMMENT.sub("", svg)
    svg = _FONT_FAMILY.sub(f'font-family="{SVG_FONTS}"', svg)
    return embed_icons(svg)


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
