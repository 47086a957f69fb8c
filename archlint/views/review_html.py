"""`archlint review` as one self-contained HTML page: inline CSS and one small inline
script (zoom and pan of the diagram), nothing fetched. The diagram is the SVG the
command drew (`archlint.render.inline_svg`), else the Mermaid text in a <pre>; the
estimate is tables. Everything from the design is escaped. A pure function of the review."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from archlint.findings import Finding, path_str
from archlint.formats.escape import visible_lines
from archlint.rules.phrasing import plural


def escape(text: str) -> str:
    """User text for the page: control characters shown as escapes (`\\x1b`), as in
    the text and Markdown reports, then HTML-escaped."""
    return html.escape(visible_lines(text))


_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;\
max-width:70rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f6f8fa;padding:.8rem;overflow:auto;border-radius:6px}
.verdict{display:inline-block;padding:.3rem .8rem;border-radius:6px;font-weight:600}
.ready{background:#dafbe1;color:#116329}.needs{background:#fff8c5;color:#7d4e00}.not{background:#ffebe9;color:#a40e26}
.sev{display:inline-block;min-width:4.5rem;font-weight:600}
.error .sev{color:#cf222e}.warning .sev{color:#9a6700}.info .sev{color:#0969da}
ul.findings{list-style:none;padding-left:0}\
ul.findings li{margin:.4rem 0;padding-left:.6rem;border-left:3px solid #d0d7de}
ul.findings li.error{border-color:#cf222e}ul.findings li.warning{border-color:#d4a72c}\
ul.findings li.info{border-color:#54aeff}
.hint{color:#59636e}.missing li{color:#a40e26}
table.figures{border-collapse:collapse;margin:.3rem 0 .8rem;font-size:14px}
table.figures th,table.figures td{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}
table.figures th{background:#f6f8fa}table.figures td:nth-child(n+2){font-variant-numeric:tabular-nums}
h4{margin:.8rem 0 .2rem}.notes{margin:.2rem 0 .8rem;color:#59636e}
.zoom{overflow:hidden;border:1px solid #d0d7de;border-radius:6px;height:70vh;cursor:grab;touch-action:none}
.zoom:active{cursor:grabbing}.canvas{transform-origin:0 0;width:max-content}.canvas svg{display:block}
.zoom-bar{margin:.3rem 0}.zoom-bar button{font:inherit;margin-right:.3rem;padding:.1rem .6rem}
""".strip()

# Zoom (buttons, the wheel) and pan (drag) of each diagram; it starts at full size, or
# fitted to the page's width when larger, never below a third of full size.
_SCRIPT = """
document.querySelectorAll('.zoom').forEach(function(box){
var c=box.firstElementChild,g=c.firstElementChild,w=g.width.baseVal.value,h=g.height.baseVal.value,s=1,x=0,y=0,d=null;
function set(){c.style.transform='translate('+x+'px,'+y+'px) scale('+s+')';}
function fit(){s=Math.max(1/3,Math.min(1,box.clientWidth/w));x=0;y=0;set();}
function zoom(f,px,py){var n=Math.max(.05,Math.min(8,s*f));x=px-(px-x)*n/s;y=py-(py-y)*n/s;s=n;set();}
box.addEventListener('wheel',function(e){e.preventDefault();var r=box.getBoundingClientRect();
zoom(e.deltaY<0?1.2:1/1.2,e.clientX-r.left,e.clientY-r.top);},{passive:false});
box.addEventListener('pointerdown',function(e){d=[e.clientX-x,e.clientY-y];box.setPointerCapture(e.pointerId);});
box.addEventListener('pointermove',function(e){if(d){x=e.clientX-d[0];y=e.clientY-d[1];set();}});
box.addEventListener('pointerup',function(){d=null;});
box.previousElementSibling.querySelectorAll('button').forEach(function(b){b.onclick=function(){
var a=b.getAttribute('data-zoom');if(a==='fit')fit();else zoom(+a,box.clientWidth/2,box.clientHeight/2);};});
fit();box.style.height=Math.min(window.innerHeight*.8,h*s+4)+'px';});
""".strip()

_VERDICT_CLASS = {"ready for review": "ready", "needs work": "needs", "not ready": "not"}


def render(review: Any, pictures: Sequence[str | None] | None = None,
           sketch_pictures: Sequence[str | None] | None = None) -> str:
    """The page; `pictures` (and `sketch_pictures`) hold each design's diagram as SVG
    (drawn by the command), None where there is none: the Mermaid text stands in."""
    pictures = list(pictures) if pictures is not None else [None] * len(review.designs)
    counts = review.counts()
    title = ", ".join(d.title for d in review.designs)
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>Design review: {escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        f"<h1>Design review: {escape(title)}</h1>", f"<p>File: <code>{escape(review.name)}</code></p>",
        '<section id="summary">', "<h2>Summary</h2>",
        (f'<p><span class="verdict {_VERDICT_CLASS.get(review.verdict, "")}">Verdict: {escape(review.verdict)}'
        f"</span> {escape(review.verdict_reason)}.</p>"),
        f"<p>Findings: {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
        f"{counts['info']} info.</p>",
        "<h3>Strengths</h3>", _list(review.strengths, "none recorded yet"),
        "<h3>Most important issues</h3>",
    ]
    if review.top_issues:
        parts.append('<ol class="findings">' + "".join(_finding(f) for f in review.top_issues) + "</ol>")
    else:
        parts.append("<p>None.</p>")
    if review.accepted:
        parts += ["<h3>Risks accepted by the author</h3>",
                  '<ul class="findings">' + "".join(_finding(f, _accepted(f)) for f in review.accepted) + "</ul>"]
    if review.sketches:
        from archlint.views.review_markdown import SKETCH_NOTE

        parts += ["<h3>Sketches</h3>", f"<p>{escape(SKETCH_NOTE)}</p>",
                  _list([f"{s.title}: {s.components} component{'' if s.components == 1 else 's'} "
                         f"({review.name}:{s.line})" for s in review.sketches])]
    parts.append("</section>")
    for step in review.steps:
        parts += [f'<section id="{step.key}">', f"<h2>{escape(step.title)}</h2>"]
        if step.covers:
            parts += ["<h3>Covered</h3>", _list(step.covers)]
        if step.missing:
            parts += ["<h3>Missing</h3>", _list(step.missing, css="missing")]
        if step.key == "estimation":
            parts += [_estimate(review.name, d) for d in review.designs]
        if step.key == "high-level":
            parts += [f'<div class="diagram">{_diagram(d.model, pictures[i])}</div>'
                      for i, d in enumerate(review.designs)]
        if step.findings:
            parts += ["<h3>Findings</h3>", '<ul class="findings">' + "".join(_finding(f) for f in step.findings)
                      + "</ul>"]
        elif not step.covers and not step.missing:
            parts.append("<p>Nothing to report.</p>")
        parts.append("</section>")
    if review.sketches:
        parts += ['<section id="sketches">', "<h2>Sketches</h2>"]
        drawn = list(sketch_pictures) if sketch_pictures is not None else [None] * len(review.sketches)
        parts += [f'<div class="diagram">{_diagram(s.model, drawn[i])}</div>' for i, s in enumerate(review.sketches)]
        parts.append("</section>")
    else:
        drawn = []
    if any(pictures) or any(drawn):
        parts.append(f"<script>{_SCRIPT}</script>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _list(items: list[str], empty: str = "", css: str = "") -> str:
    if not items:
        return f"<p>{escape(empty)}</p>" if empty else ""
    attribute = f' class="{css}"' if css else ""
    return f"<ul{attribute}>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _accepted(finding: Finding) -> str:
    accepted = finding.suppression
    if accepted is None:
        return ""
    until = f", until {accepted.until}" if accepted.until else ""
    return f"Accepted: {accepted.reason} ({path_str(accepted.path)}{until})."


def _finding(finding: Finding, accepted: str = "") -> str:
    where = f"{finding.file}:{finding.line}:{finding.column}"
    hint = f'<br><span class="hint">hint: {escape(finding.hint)}</span>' if finding.hint else ""
    if accepted:
        hint += f"<br><b>{escape(accepted)}</b>"
    return (f'<li class="{escape(finding.severity)}"><span class="sev">{escape(finding.severity)}</span> '
            f"<b>{escape(finding.code)}</b> <code>{escape(where)}</code> <code>{escape(finding.path_text)}</code>"
            f"<br>{escape(finding.message)}{hint}</li>")


def _estimate(name: str, design: Any) -> str:
    """The estimate's sections as headings, tables and notes (the same sections as
    `archlint estimate` prints)."""
    from archlint.views.estimate import heading, sections

    parts = [f"<h3>{escape(heading(name, design.title, design.figures))}</h3>"]
    for section in sections(design.figures):
        parts += _section(section, "h4")
    return "\n".join(parts)


def _section(section: Any, tag: str) -> list[str]:
    parts = [f"<{tag}>{escape(section.heading)}</{tag}>"]
    if section.rows:
        rows = list(section.rows)
        head = ""
        if section.header:
            head = "<thead><tr>" + "".join(f"<th>{escape(cell)}</th>" for cell in rows[0]) + "</tr></thead>"
            rows = rows[1:]
        body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
        parts.append(f'<table class="figures">{head}<tbody>{body}</tbody></table>')
    if section.notes:
        parts.append('<p class="notes">' + "<br>".join(escape(note) for note in section.notes) + "</p>")
    for part in section.parts:
        parts += _section(part, "p" if tag == "h5" else "h5")
    return parts


def _diagram(model: Any, svg: str | None) -> str:
    if svg:
        return ('<div class="zoom-bar"><button type="button" data-zoom="1.25">+</button>'
                '<button type="button" data-zoom="0.8">&minus;</button>'
                '<button type="button" data-zoom="fit">fit</button> drag to pan, wheel to zoom</div>'
                f'<div class="zoom"><div class="canvas">{_inline(svg)}</div></div>')
    from archlint.render import mermaid

    return f'<pre class="mermaid">{escape(mermaid.render(model).rstrip())}</pre>'


def _inline(svg: str) -> str:
    """The SVG without its XML prolog, doctype and comments, to sit inside the page."""
    start = svg.find("<svg")
    return re.sub(r"<!--.*?-->\s*", "", svg[start:], flags=re.DOTALL).strip()
