"""How user text is shown in every output: the one place that decides it, so that no
string from a design, a file name, a configuration or a baseline can forge a line,
reach the terminal as an escape sequence, or open HTML, a link or a mention.

- Plain text (the text format, standard error): `visible` shows control characters as
  escapes (`\\n`, `\\x1b`), so a string can neither start a new line (GitHub Actions reads
  a line starting with `::` as a workflow command) nor move the cursor or recolour the
  terminal; `visible_path` also keeps a file name from starting a line with `:`.
- Markdown (`--format markdown`, `review`, `diff`): `markdown_text` escapes text outside
  code so it reads literally and mentions no one; `code_span` and `code_fence` wrap text
  in backtick runs longer than any inside it, so it cannot close them.

The github, SARIF, JUnit, HTML and SVG writers escape for their own syntax (and are
tested with the same hostile strings, tests/test_escaping.py).
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, the Unicode line and paragraph separators, and the
# bidirectional overrides that make a line read other than it is written.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` on one line, every control character shown as an escape."""
    return _CONTROL.sub(_escape_char, text)


def visible_lines(text: str) -> str:
    """Several lines of archlint's own (a usage message), each made `visible`: line
    breaks stay, everything else that is not printable is escaped."""
    return "\n".join(visible(line) for line in text.split("\n"))


def visible_path(name: str) -> str:
    """A file name where a line may start with it: `visible`, and `./` before a name
    starting with `:`, so no line starts with `::`."""
    shown = visible(name)
    return "./" + shown if shown.startswith(":") else shown


# --- Markdown -----------------------------------------------------------------------------

# Characters that open emphasis, code, links, images, headings, tables or strikethrough.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|#~!])")
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(://)|\b(www)\.")
_BACKTICKS = re.compile(r"`+")


def markdown_text(text: str) -> str:
    """Text outside code in Markdown: one line, read literally. No HTML (`<` and `&`
    become entities), no emphasis, links or autolinks, and `@name` mentions no one
    (a zero-width space after the `@`, as pull-request bots do)."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: "\\://" if m.group(1) else "www\\.", text)
    return text.replace("@", "@&#8203;")


def code_span(text: str, in_table: bool = False) -> str:
    """`text` as inline code: fenced by more backticks than its longest run, padded with
    a space when it starts or ends with a backtick or a space. In a table cell a `|`
    is escaped as GitHub requires even inside code."""
    text = visible(text)
    if not text:
        return "` `"
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end when both have one, unless the
    # text is all spaces: pad exactly when the text would otherwise lose a character
    # or merge its backticks with the fence.
    if text.strip(" ") and (text[:1] in ("`", " ") or text[-1:] in ("`", " ")):
        text = f" {text} "
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def code_fence(lines: list[str], info: str = "") -> list[str]:
    """A fenced code block around `lines`: a backtick fence longer than any backtick
    run in them (at least three), so no line can close it early."""
    lines = [visible(line) for line in lines]
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *lines, fence]
