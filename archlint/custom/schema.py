"""The JSON Schema of a rule pack file, the built-in packs' and users' alike (plugins'
RULES are checked against it too). `schemas/rule-pack.schema.json` is this,
written by `python -m archlint.custom.schema`; a test keeps the two identical. It lives in
the package so an installed archlint validates packs without the source tree."""

from __future__ import annotations

import json
from typing import Any

SCHEMA: dict[str, Any] = {'$schema': 'https://json-schema.org/draft/2020-12/schema',
 '$id': 'https://archlint.dev/schemas/rule-pack.schema.json',
 'title': 'archlint rule pack',
 'description': "A list of custom rules: metadata in the format of archlint's built-in packs, plus for a "
                'declarative rule what it selects, the condition under which it fires and a message '
                'template.',
 'type': 'array',
 'items': {'$ref': '#/$defs/rule'},
 '$defs': {'rule': {'type': 'object',
                    'additionalProperties': False,
                    'required': ['code', 'name', 'severity', 'summary'],
                    'properties': {'code': {'type': 'string',
                                            'pattern': '^[A-Z]{3}[0-9]{3}$',
                                            'description': 'Three capital letters and three digits, e.g. '
                                                           'ORG001 (the form suppressions accept).'},
                                   'name': {'type': 'string', 'pattern': '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'},
                                   'severity': {'enum': ['error', 'warning', 'info']},
                                   'summary': {'type': 'string', 'minLength': 1},
                                   'enabled': {'type': 'boolean'},
                                   'decision_aware': {'type': 'boolean'},
                                   'review': {'type': 'object',
                                              'additionalProperties': False,
                                              'description': 'Where the rule\'s findings go in `archlint review`: '
                                                             'the review step, and a weight from 0 to 10 that '
                                                             'ranks them among the most important issues '
                                                             '(higher first, after severity).',
                                              'properties': {'step': {'enum': ['requirements', 'estimation', 'api',
                                                                               'high-level', 'deep-dives',
                                                                               'bottlenecks', 'trade-offs',
                                                                               'observability']},
                                                             'weight': {'type': 'integer', 'minimum': 0,
                                                                        'maximum': 10}}},
                                   'url': {'type': 'string',
                                           'minLength': 1,
                                           'description': "Where the rule's documentation lives."},
                                   'options': {'type': 'object',
                                               'additionalProperties': {'$ref': '#/$defs/option'},
                                               'description': 'Settings a check reads (built-in rules and '
                                                              "plugins' rules); declarative rules take none."},
                                   'docs': {'type': 'object',
                                            'additionalProperties': False,
                                            'properties': {'what': {'type': 'string'},
                                                           'why': {'type': 'string'},
                                                           'example': {'type': 'string'},
                                                           'fix': {'type': 'string'},
                                                           'guide': {'type': 'string'}}},
                                   'select': {'$ref': '#/$defs/select'},
                                   'condition': {'type': 'string', 'minLength': 1},
                                   'message': {'type': 'string', 'minLength': 1},
                                   'hint': {'type': 'string', 'minLength': 1}},
                    'dependentRequired': {'select': ['condition', 'message'],
                                          'condition': ['select'],
                                          'message': ['select']},
                    'if': {'required': ['select']},
                    'then': {'properties': {'options': {'maxProperties': 0}}}},
           'option': {'type': 'object',
                      'additionalProperties': False,
                      'required': ['type', 'description'],
                      'properties': {'type': {'enum': ['int', 'number', 'rate', 'percent', 'duration', 'size',
                                                       'bool', 'list']},
                                     'default': {'description': 'In the unit of the type: 3, 1000/s, 99.9%, '
                                                                '200ms, 10GB, true, [a, b].'},
                                     'description': {'type': 'string', 'minLength': 1}}},
           'names': {'anyOf': [{'type': 'string'},
                               {'type': 'array', 'items': {'type': 'string'}, 'minItems': 1}]},
           'ends': {'type': 'object',
                    'additionalProperties': False,
                    'properties': {'kind': {'$ref': '#/$defs/names'},
                                   'tech': {'$ref': '#/$defs/names'},
                                   'data': {'$ref': '#/$defs/names'}}},
           'select': {'type': 'object',
                      'minProperties': 1,
                      'maxProperties': 1,
                      'additionalProperties': False,
                      'properties': {'components': {'anyOf': [{'type': 'null'}, {'$ref': '#/$defs/ends'}]},
                                     'edges': {'anyOf': [{'type': 'null'},
                                                         {'type': 'object',
                                                          'additionalProperties': False,
                                                          'properties': {'type': {'anyOf': [{'enum': ['calls',
                                                                                                      'publishes',
                                                                                                      'consumes']},
                                                                                            {'type': 'array',
                                                                                             'items': {'enum': ['calls',
                                                                                                                'publishes',
                                                                                                                'consumes']},
                                                                                             'minItems': 1}]},
                                                                         'from': {'$ref': '#/$defs/ends'},
                                                                         'to': {'$ref': '#/$defs/ends'}}}]},
                                     'flows': {'anyOf': [{'type': 'null'},
                                                         {'type': 'object',
                                                          'additionalProperties': False,
                                                          'properties': {'type': {'$ref': '#/$defs/names'}}}]}}}}}


def schema_text() -> str:
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import pathlib

    target = pathlib.Path(__file__).resolve().parents[2] / "schemas" / "rule-pack.schema.json"
    target.write_text(schema_text(), encoding="utf-8")
