"""The render model and its text emitters: Mermaid and DOT of every example (snapshots),
ids, labels, clusters, edge styles and rates, findings on the picture, escaping, the
icons chosen for each tech, SVG icons embedded as data, and Markdown regions.

Snapshots live in tests/snapshots/diagram/; after a reviewed change of output, rewrite
them with `ARCHLINT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_render.py`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, assert_snapshot

from archlint.catalog import load_catalog
from archlint.findings import Finding
from archlint.input.load import Block, Limits, read_source
from archlint.render import diagrams_png, dot, markdown, mermaid
from archlint.render.model import build_model, collapse, focus
from archlint.run.pipeline import check_file, design_terms
from archlint.run.settings import FileSettings

TEXT_FORMATS = {"mermaid": "mmd", "dot": "dot"}


def example_designs() -> list[tuple[str, int | None]]:
    """(example path, block index) for each design: None for a YAML file, each block's
    index for Markdown."""
    designs: list[tuple[str, int | None]] = []
    for path in sorted(EXAMPLES.glob("*.arch.yaml")):
        designs.append((path.relative_to(ROOT).as_posix(), None))
    for path in sorted(EXAMPLES.glob("*.md")):
        blocks = read_source(str(path), Limits()).blocks
        designs.extend((path.relative_to(ROOT).as_posix(), block.index) for block in blocks)
    return designs


def model_of(tmp_path: Path, text: str, findings: list[Finding] | None = None):
    path = tmp_path / "design.arch.yaml"
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog()
    settings = FileSettings(run_rules=False)
    result = check_file(str(path), "design.arch.yaml", settings, catalog)
    assert result.findings == [], result.findings
    (design,) = result.designs
    terms = design_terms(design.design, design.graph, catalog, settings, design.block.data)
    return build_model(design.graph, terms, design.design.name, findings)


# --- snapshots of every example -------------------------------------------------------


@pytest.mark.parametrize("output_format", sorted(TEXT_FORMATS))
@pytest.mark.parametrize("example,block", example_designs(), ids=lambda v: str(v))
def test_snapshot_of_each_example(cli, monkeypatch, example, block, output_format):
    monkeypatch.chdir(ROOT)
    args = ["diagram", example, "-f", output_format] + (["--block", str(block)] if block is not None else [])
    result = cli(*args)
    assert result.exit_code == 0, result.output
    stem = Path(example).name.removesuffix(".arch.yaml").removesuffix(".md")
    suffix = f"-{block}" if block is not None else ""
    assert_snapshot("diagram", f"{output_format}/{stem}{suffix}.{TEXT_FORMATS[output_format]}", result.stdout)


# --- the model ------------------------------------------------------------------------

SHOP = """archlint: 1
name: shop
scale: {peak_factor: 2}
components:
  web: {kind: client, calls: [lb]}
  lb: {tech: aws-alb, calls: [api]}
  api:
    kind: service
    tech: go
    replicas: 3
    calls: {db: {protocol: sql}, a-b: {}}
    publishes: [events]
  a-b: {kind: service, autoscaling: {min: 2, max: 6}}
  a_b: {kind: function}
  end: {kind: worker, consumes: [events]}
  db: {tech: postgres}
  events: {tech: sqs, queue: {dlq: events-dlq}}
  events-dlq: {tech: sqs}
flows:
  buy:
    rate: 100/s
    steps:
      - web -> lb -> api -> db
      - "api -> a-b: 25%"
      - api -> events -> end
"""


def test_node_ids_are_stable_safe_and_unique(tmp_path):
    model = model_of(tmp_path, SHOP)
    ids = {node.component: node.id for node in model.nodes}
    assert ids == {"web": "c_web", "lb": "c_lb", "api": "c_api", "a-b": "c_a_b", "a_b": "c_a_b_2",
                   "end": "c_end", "db": "c_db", "events": "c_events", "events-dlq": "c_events_dlq"}


def test_labels_show_replicas_and_tech(tmp_path):
    lines = {node.component: node.lines for node in model_of(tmp_path, SHOP).nodes}
    assert lines["api"] == ("api ×3", "go")
    assert lines["a-b"] == ("a-b ×2–6",)
    assert lines["db"] == ("db", "postgres")


def test_clusters_are_tiers_in_declaration_order(tmp_path):
    model = model_of(tmp_path, SHOP)
    assert [(c.label, c.nodes) for c in model.clusters] == [
        ("edge", ("c_web", "c_lb")),
        ("services", ("c_api", "c_a_b", "c_a_b_2", "c_end")),
        ("data", ("c_db",)),
        ("messaging", ("c_events", "c_events_dlq")),
    ]
    assert model.unclustered == ()


def test_clusters_are_regions_when_components_name_several(tmp_path):
    text = """archlint: 1
name: geo
components:
  users: {kind: client, calls: [eu-api, us-api]}
  eu-api: {kind: service, regions: [eu-west], calls: [db]}
  us-api: {kind: service, regions: [us-east], calls: [db]}
  db: {tech: cockroachdb, regions: [eu-west, us-east]}
"""
    model = model_of(tmp_path, text)
    assert [(c.id, c.label, c.nodes) for c in model.clusters] == [
        ("cluster_region_eu_west", "region eu-west", ("c_eu_api",)),
        ("cluster_region_us_east", "region us-east", ("c_us_api",)),
        ("cluster_regions_eu_west__us_east", "regions eu-west, us-east", ("c_db",)),
    ]
    assert model.unclustered == ("c_users",)


def test_edges_carry_kind_protocol_and_peak_rate(tmp_path):
    links = {(link.src, link.dst, link.kind): link.lines for link in model_of(tmp_path, SHOP).links}
    assert links == {
        ("c_web", "c_lb", "calls"): ("200/s peak",),
        ("c_lb", "c_api", "calls"): ("200/s peak",),
        ("c_api", "c_db", "calls"): ("sql · 200/s peak",),
        ("c_api", "c_a_b", "calls"): ("50/s peak",),
        ("c_api", "c_events", "publishes"): ("200/s peak",),
        ("c_events", "c_end", "consumes"): ("200/s peak",),
        ("c_events", "c_events_dlq", "dead_letters"): ("dead letters",),
    }


def test_example_rate_on_the_picture(tmp_path):
    """url-shortener: 10% of redirect (10B/month x 3) plus all of shorten reach url-db."""
    text = (EXAMPLES / "url-shortener.arch.yaml").read_text(encoding="utf-8")
    links = {(link.src, link.dst): link.lines for link in model_of(tmp_path, text).links}
    assert links[("c_api", "c_url_db")] == ("1.27k/s peak",)


def test_mermaid_draws_sync_solid_and_async_dashed(tmp_path):
    text = mermaid.render(model_of(tmp_path, SHOP))
    assert '  c_api -->|"sql · 200/s peak"| c_db\n' in text
    assert '  c_api -.->|"200/s peak"| c_events\n' in text
    assert '  c_events -.->|"200/s peak"| c_end\n' in text
    assert '  c_events -.->|"dead letters"| c_events_dlq\n' in text
    assert '    c_db[("db<br/>postgres")]\n' in text
    assert "legend" not in text and "classDef" not in text


def test_dot_draws_sync_solid_and_async_dashed(tmp_path):
    text = dot.render(model_of(tmp_path, SHOP))
    assert '  c_api -> c_db [label="sql · 200/s peak"];\n' in text
    assert '  c_api -> c_events [style=dashed, label="200/s peak"];\n' in text
    assert '  c_events -> c_events_dlq [style=dotted, label="dead letters"];\n' in text
    assert "splines=spline" in text


def test_ortho_splines_use_outside_labels(tmp_path):
    text = dot.render(model_of(tmp_path, SHOP), splines="ortho")
    assert "splines=ortho" in text
    assert '  c_api -> c_db [xlabel="sql · 200/s peak"];\n' in text


# --- findings on the picture ------------------------------------------------------------


def finding(code: str, severity: str, *path: str) -> Finding:
    return Finding(code, severity, "message", tuple(path))


SHOP_FINDINGS = [
    finding("RES001", "warning", "components", "api", "calls", "db"),
    finding("RES004", "warning", "components", "api", "calls", "db", "timeout"),
    finding("AVL001", "warning", "components", "db"),
    finding("SEC001", "error", "components", "db", "security"),
    finding("ASY003", "info", "components", "end", "consumes", "events"),
    finding("OBS001", "warning"),
    finding("DOC002", "info", "flows", "buy"),
]


def test_findings_mark_nodes_and_edges_with_worst_severity_and_codes(tmp_path):
    model = model_of(tmp_path, SHOP, SHOP_FINDINGS)
    marks = {node.component: node.mark for node in model.nodes if node.mark}
    assert {cid: (m.severity, m.codes) for cid, m in marks.items()} == {"db": ("error", ("AVL001", "SEC001"))}
    links = {(link.src, link.dst): (link.mark.severity, link.mark.codes) for link in model.links if link.mark}
    assert links == {("c_api", "c_db"): ("warning", ("RES001", "RES004")),
                     ("c_events", "c_end"): ("info", ("ASY003",))}
    assert [(entry.severity, entry.text) for entry in model.legend] == [
        ("error", "error: outlined, with its codes"),
        ("warning", "warning: outlined, with its codes"),
        ("info", "info: outlined, with its codes"),
        ("warning", "elsewhere in the design: DOC002 OBS001"),
        (None, "solid lines: calls (sync); broken lines: publishes, consumes (async), dead letters"),
    ]


def test_mermaid_outlines_findings_by_severity(tmp_path):
    text = mermaid.render(model_of(tmp_path, SHOP, SHOP_FINDINGS))
    assert '    c_db[("db<br/>postgres<br/>AVL001 SEC001")]\n' in text
    assert '  c_api -->|"sql · 200/s peak<br/>RES001 RES004"| c_db\n' in text
    assert "  classDef sev_error stroke:#d32f2f,stroke-width:3px\n  class c_db,legend_1 sev_error\n" in text
    # Links are numbered in the order drawn: api -> db is the third, events -> end the sixth.
    assert "  linkStyle 2 stroke:#f57c00,stroke-width:3px,color:#f57c00\n" in text
    assert "  linkStyle 5 stroke:#1976d2,stroke-width:3px,color:#1976d2\n" in text
    assert '    legend_4["elsewhere in the design: DOC002 OBS001"]\n' in text


def test_dot_outlines_findings_by_severity(tmp_path):
    text = dot.render(model_of(tmp_path, SHOP, SHOP_FINDINGS))
    assert '    c_db [label="db\\npostgres\\nAVL001 SEC001", shape=cylinder, color="#d32f2f", penwidth=3];\n' in text
    assert ('  c_api -> c_db [label="sql · 200/s peak\\nRES001 RES004", color="#f57c00", '
            'fontcolor="#f57c00", penwidth=2.5];\n') in text
    # The legend is the graph's label, under the title: no node of its own in the layout.
    heading = next(line for line in text.splitlines() if line.startswith("  graph ["))
    assert 'label=<<TABLE BORDER="0"' in heading and '<FONT POINT-SIZE="16">shop</FONT>' in heading
    assert ('<TD BORDER="2" COLOR="#d32f2f" STYLE="ROUNDED"><FONT POINT-SIZE="10">error: outlined, with its codes'
            '</FONT></TD>') in heading
    assert "legend" not in text.replace("label=<", "")


def test_no_findings_says_so_in_the_legend(tmp_path):
    model = model_of(tmp_path, SHOP, [])
    assert model.legend[0].text == "no findings"


# --- escaping ---------------------------------------------------------------------------

TRICKY = """archlint: 1
name: 'say "hi" \\ <b>'
components:
  api:
    kind: service
    tech: 'a "quoted" <tech> #5; `x` & y'
    calls: {db: {protocol: 'h"t<t>p'}}
  db: {kind: database}
"""


def test_mermaid_escapes_what_would_end_a_label(tmp_path):
    text = mermaid.render(model_of(tmp_path, TRICKY))
    assert text.startswith('---\ntitle: "say \\"hi\\" \\\\ <b>"\n---\nflowchart LR\n')
    assert '    c_api["api<br/>a #34;quoted#34; #60;tech#62; #35;5; #96;x#96; #38; y"]\n' in text
    assert '  c_api -->|"h#34;t#60;t#62;p"| c_db\n' in text


def test_dot_quotes_names_and_labels(tmp_path):
    text = dot.render(model_of(tmp_path, TRICKY))
    assert text.startswith('digraph "say \\"hi\\" \\\\ <b>" {\n')
    assert '    c_api [label="api\\na \\"quoted\\" <tech> #5; `x` & y", shape=box, style=rounded];\n' in text


def test_icon_labels_escape_html(tmp_path):
    model = model_of(tmp_path, TRICKY)
    text = dot.render(model, icons={node.id: "/icons/a&b.png" for node in model.nodes})
    assert '<IMG SRC="/icons/a&amp;b.png" SCALE="TRUE"/>' in text
    assert "a &quot;quoted&quot; &lt;tech&gt; #5; `x` &amp; y" in text


def test_unknown_splines_are_refused(tmp_path):
    with pytest.raises(ValueError, match="splines must be one of spline, ortho"):
        dot.render(model_of(tmp_path, SHOP), splines="curved")


# --- icons ------------------------------------------------------------------------------


def test_every_icon_named_exists():
    names = {*diagrams_png.TECH_ICONS.values(), *diagrams_png.NAMED_ICONS.values(),
             *diagrams_png.KIND_ICONS.values(), diagrams_png.FALLBACK_ICON}
    missing = [name for name in sorted(names) if not os.path.isfile(diagrams_png._icon_path(name))]
    assert missing == []


def test_every_catalog_tech_has_an_icon_or_is_known_to_use_its_kind():
    """A tech added to the catalog gets an icon here, or joins this list on purpose."""
    without_icon = {tech for tech in load_catalog().tech if tech not in diagrams_png.TECH_ICONS}
    assert without_icon == {"eureka", "pulsar", "snowflake", "spring-cloud-config", "nacos", "spring-cloud-gateway",
                            "traefik"}
    assert set(diagrams_png.TECH_ICONS) <= set(load_catalog().tech)


def test_icons_follow_tech_then_name_then_kind(tmp_path):
    text = """archlint: 1
name: icons
components:
  a: {tech: pg}
  b: {kind: service, tech: Rust}
  c: {kind: queue, tech: in-house-mq}
  d: {kind: cache}
"""
    icons = {node.component: diagrams_png.icon_file(node) for node in model_of(tmp_path, text).nodes}
    assert icons["a"].endswith("/resources/onprem/database/postgresql.png")
    assert icons["b"].endswith("/resources/programming/language/rust.png")
    assert icons["c"].endswith("/resources/generic/blank/blank.png")
    assert icons["d"].endswith("/resources/generic/storage/storage.png")


def test_svg_icons_are_embedded_once_as_data(tmp_path):
    icon = diagrams_png._icon_path("onprem.database:Postgresql")
    image = (f'<image xlink:href="{icon}" width="60px" height="60px" preserveAspectRatio="xMinYMin meet" '
             'x="{x}" y="-10"/>')
    svg = ('<?xml version="1.0"?>\n<svg width="1pt" height="1pt" xmlns="http://www.w3.org/2000/svg" '
           'xmlns:xlink="http://www.w3.org/1999/xlink">\n<g>\n' + image.format(x=1) + "\n"
           + image.format(x=2) + "\n</g>\n</svg>\n")
    embedded = diagrams_png.embed_icons(svg)
    assert icon not in embedded
    assert embedded.count("data:image/png;base64,") == 1
    assert '<symbol id="icon1" viewBox="0 0 256 256" preserveAspectRatio="xMidYMid meet">' in embedded
    assert '<use xlink:href="#icon1" x="1" y="-10" width="60px" height="60px"/>' in embedded
    assert '<use xlink:href="#icon1" x="2" y="-10" width="60px" height="60px"/>' in embedded
    assert re.search(r'xmlns:xlink="[^"]*">\n<defs>\n<symbol ', embedded)


# --- Markdown regions -------------------------------------------------------------------

RFC = """# RFC

```archlint
name: a
```
Text right after.

- item:

   ```yaml archlint
   name: b
   ```

> ```archlint
> name: c
> ```
"""


def blocks_of(text: str, tmp_path: Path) -> list[Block]:
    path = tmp_path / "rfc.md"
    path.write_text(text, encoding="utf-8")
    return read_source(str(path), Limits()).blocks


def test_markdown_regions_are_inserted_after_each_block_with_its_indent(tmp_path):
    blocks = blocks_of(RFC, tmp_path)
    updated = markdown.update(RFC, [(block, ["```mermaid", f"graph {block.index}", "```"]) for block in blocks])
    assert updated == """# RFC

```archlint
name: a
```

<!-- archlint:diagram:start -->
```mermaid
graph 0
```
<!-- archlint:diagram:end -->

Text right after.

- item:

   ```yaml archlint
   name: b
   ```

   <!-- archlint:diagram:start -->
   ```mermaid
   graph 1
   ```
   <!-- archlint:diagram:end -->

> ```archlint
> name: c
> ```
>
> <!-- archlint:diagram:start -->
> ```mermaid
> graph 2
> ```
> <!-- archlint:diagram:end -->
"""


def test_markdown_regions_are_replaced_not_repeated(tmp_path):
    blocks = blocks_of(RFC, tmp_path)
    once = markdown.update(RFC, [(block, ["old", "lines"]) for block in blocks])
    again = markdown.update(once, [(block, ["new"]) for block in blocks_of(once, tmp_path)])
    assert again == markdown.update(RFC, [(block, ["new"]) for block in blocks])
    assert markdown.update(again, [(block, ["new"]) for block in blocks_of(again, tmp_path)]) == again


def test_markdown_keeps_crlf_line_ends():
    text = "```archlint\r\nname: a\r\n```\r\nafter\r\n"
    block = Block(0, "name: a\r\n", line_offset=1, column_offset=0, close_line=2)
    updated = markdown.update(text, [(block, ["picture"])])
    assert updated == ("```archlint\r\nname: a\r\n```\r\n\r\n<!-- archlint:diagram:start -->\r\npicture\r\n"
                       "<!-- archlint:diagram:end -->\r\n\r\nafter\r\n")


def test_markdown_start_marker_without_end_is_refused(tmp_path):
    text = "```archlint\nname: a\n```\n\n<!-- archlint:diagram:start -->\nhand-written\n"
    (block,) = blocks_of(text, tmp_path)
    with pytest.raises(markdown.MarkerError, match="line 5 has <!-- archlint:diagram:start --> without"):
        markdown.update(text, [(block, ["picture"])])


def test_markdown_unclosed_block_is_left_alone(tmp_path):
    text = "```archlint\nname: a\n"
    (block,) = blocks_of(text, tmp_path)
    assert markdown.update(text, [(block, ["picture"])]) == text


# --- groups, overview and focus -----------------------------------------------------------

GROUPED = """archlint: 1
name: grouped
components:
  web: {kind: client, calls: [orders-api, users-api]}
  orders-api:
    kind: service
    group: orders
    calls: {orders-db: {}, users-api: {protocol: grpc}, users-db: {}}
    publishes: [orders-events]
  orders-db: {kind: database, group: orders}
  orders-events: {kind: queue, group: orders}
  users-api: {kind: service, group: users, calls: [users-db, users-cache]}
  users-db: {kind: database, group: users}
  users-cache: {kind: cache, group: users}
  mailer: {kind: worker, group: users, consumes: [orders-events]}
"""


def test_components_cluster_by_their_group(tmp_path):
    model = model_of(tmp_path, GROUPED)
    assert [(c.label, c.nodes) for c in model.clusters] == [
        ("orders", ("c_orders_api", "c_orders_db", "c_orders_events")),
        ("users", ("c_users_api", "c_users_db", "c_users_cache", "c_mailer")),
    ]
    assert model.unclustered == ("c_web",)  # no group: outside the clusters, not in a tier


def test_overview_draws_a_group_as_one_node_and_merges_links_between_groups(tmp_path):
    model = collapse(model_of(tmp_path, GROUPED))
    assert [(n.id, n.kind, n.lines) for n in model.nodes] == [
        ("g_orders", "group", ("orders", "3 components: 1 service, 1 data, 1 messaging")),
        ("g_users", "group", ("users", "4 components: 2 services, 2 data")),
        ("c_web", "client", ("web",)),
    ]
    # orders-api -> users-api (grpc) and orders-api -> users-db are one link of 2;
    # orders-events -> mailer stays apart (async); links inside a group are left out.
    assert [(link.src, link.dst, link.kind, link.count, link.lines) for link in model.links] == [
        ("c_web", "g_orders", "calls", 1, ()),
        ("c_web", "g_users", "calls", 1, ()),
        ("g_orders", "g_users", "calls", 2, ("2 links",)),
        ("g_orders", "g_users", "consumes", 1, ()),
    ]
    assert model.clusters == () and model.unclustered == ("g_orders", "g_users", "c_web")
    text = dot.render(model)
    assert 'g_orders [label="orders\\n3 components: 1 service, 1 data, 1 messaging", shape=folder];' in text


def test_focus_keeps_one_group_its_neighbours_and_the_links_that_touch_it(tmp_path):
    model = focus(model_of(tmp_path, GROUPED), "orders")
    assert [n.component for n in model.nodes] == [
        "web", "orders-api", "orders-db", "orders-events", "users-api", "users-db", "mailer"]  # not users-cache
    assert [(c.label, c.nodes) for c in model.clusters] == [
        ("orders", ("c_orders_api", "c_orders_db", "c_orders_events")),
        ("users", ("c_users_api", "c_users_db", "c_mailer")),
    ]
    assert [(link.src, link.dst) for link in model.links] == [
        ("c_web", "c_orders_api"), ("c_orders_api", "c_orders_db"), ("c_orders_api", "c_users_api"),
        ("c_orders_api", "c_users_db"), ("c_orders_api", "c_orders_events"), ("c_orders_events", "c_mailer"),
    ]
    with pytest.raises(KeyError):
        focus(model_of(tmp_path, GROUPED), "Orders")  # labels match exactly
