"""Every variable and attribute a template uses exists in the typed context its story hands it.

Templates are edited by editors; a misspelt field would otherwise only fail on the article whose
data reaches that line. This walks each template's syntax tree (with the partials it includes and
the macros it imports), follows the types of the context record — through `{% for %}` targets,
`{% set %}` names and `x.y.z` chains — and fails on any name or attribute no record declares.
Dictionary keys (`moves["1D"]`, `figures.close`) and macro arguments are data, not fields, and are
not followed.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from generator.resources import resource_dir
from generator.writing.context import View
from generator.writing.phrasing import load_writing_rules
from generator.writing.render import ArticleWriter
from generator.writing.stories import STORY_KINDS

TEMPLATES = resource_dir("templates")
WRITER = ArticleWriter(
    TEMPLATES, load_writing_rules(resource_dir("rules")), {"publication": "", "fictional": False}
)
ENV = WRITER.env
UNKNOWN = object()  # a value whose type this test does not follow (a dict value, a macro argument)


def element(tp):
    """The type of an item of `tp` when iterated, or UNKNOWN."""
    tp = strip_optional(tp)
    if typing.get_origin(tp) in (list, tuple):
        args = typing.get_args(tp)
        return args[0] if args else UNKNOWN
    return UNKNOWN


def strip_optional(tp):
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else UNKNOWN
    return tp


def fields_of(tp) -> dict[str, object] | None:
    """Field (or property) name -> type of a template record, or None when `tp` is not one."""
    tp = strip_optional(tp)
    if isinstance(tp, type) and issubclass(tp, View) and dataclasses.is_dataclass(tp):
        found = dict(typing.get_type_hints(tp))
        for name, member in inspect.getmembers(tp, lambda m: isinstance(m, property)):
            found[name] = typing.get_type_hints(member.fget).get("return", UNKNOWN)
        return found
    return None


class Walker:
    """Resolves names and attribute chains in one template against a scope of types."""

    def __init__(self, context: type, env: jinja2.Environment = ENV) -> None:
        self.env = env
        self.problems: list[str] = []
        self.context = context

    def run(self, template: str, scope: dict[str, object], seen: set[str]) -> None:
        if template in seen:
            return
        seen = {*seen, template}
        source = self.env.loader.get_source(self.env, template)[0]
        body = self.env.parse(source).body
        scope = {**scope, **{node.name: UNKNOWN for node in body if isinstance(node, nodes.Macro)}}
        self.walk(body, scope, template, seen)

    def walk(self, body, scope, template, seen) -> None:
        for node in body:
            self.node(node, scope, template, seen)

    def node(self, node, scope, template, seen) -> None:
        if isinstance(node, nodes.For):
            self.expr(node.iter, scope, template)
            inner = dict(scope)
            item = self.type_of(node.iter, scope, template)
            for name in self.targets(node.target):
                inner[name] = element(item) if item is not UNKNOWN else UNKNOWN
            inner["loop"] = UNKNOWN
            if node.test is not None:
                self.expr(node.test, inner, template)
            self.walk(node.body, inner, template, seen)
            self.walk(node.else_, scope, template, seen)
            return
        if isinstance(node, nodes.Assign):
            self.expr(node.node, scope, template)
            value = self.type_of(node.node, scope, template)
            for name in self.targets(node.target):
                scope[name] = value
            return
        if isinstance(node, nodes.Macro):
            inner = dict(scope)
            for arg in node.args:
                inner[arg.name] = UNKNOWN
            inner.update(varargs=UNKNOWN, kwargs=UNKNOWN, caller=UNKNOWN)
            scope[node.name] = UNKNOWN
            self.walk(node.body, inner, template, seen)
            return
        if isinstance(node, nodes.Import):
            scope[node.target] = UNKNOWN
            self.run(node.template.value, scope, seen)
            return
        if isinstance(node, nodes.FromImport):
            for name in node.names:
                scope[name if isinstance(name, str) else name[1]] = UNKNOWN
            return
        if isinstance(node, nodes.Include):
            self.run(node.template.value, scope, seen)
            return
        if isinstance(node, nodes.If):
            self.expr(node.test, scope, template)
            self.walk(node.body, scope, template, seen)
            for elif_ in node.elif_:
                self.node(elif_, scope, template, seen)
            self.walk(node.else_, scope, template, seen)
            return
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scope, template)
            return
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Stmt):
                self.node(child, scope, template, seen)
            else:
                self.expr(child, scope, template)

    @staticmethod
    def targets(target) -> list[str]:
        if isinstance(target, nodes.Name):
            return [target.name]
        return [name for item in getattr(target, "items", []) for name in Walker.targets(item)]

    def expr(self, node, scope, template) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr)):
            self.type_of(node, scope, template)
            if isinstance(node, nodes.Getattr):
                return
        for child in node.iter_child_nodes():
            self.expr(child, scope, template)

    def type_of(self, node, scope, template):
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.env.globals:
                return UNKNOWN
            self.problems.append(f"{template}: {node.name!r} is not a field of {self.context.__name__}")
            return UNKNOWN
        if isinstance(node, nodes.Getattr):
            owner = self.type_of(node.node, scope, template)
            if owner is UNKNOWN:
                return UNKNOWN
            declared = fields_of(owner)
            if declared is None:
                return UNKNOWN  # a dict (figures.close), a pydantic model (score.profile), ...
            if node.attr not in declared:
                name = strip_optional(owner).__name__
                self.problems.append(f"{template}: {name} has no field {node.attr!r}")
                return UNKNOWN
            return declared[node.attr]
        if isinstance(node, nodes.Getitem):
            self.expr(node.node, scope, template)
            self.expr(node.arg, scope, template)
            owner = strip_optional(self.type_of(node.node, scope, template))
            return element(owner) if typing.get_origin(owner) is list else UNKNOWN
        if isinstance(node, nodes.Filter | nodes.Test | nodes.Call | nodes.CondExpr):
            self.expr(node, scope, template)
            return UNKNOWN
        return UNKNOWN


CASES = [(kind, template) for kind in STORY_KINDS for template in kind.templates]


@pytest.mark.parametrize(("kind", "template"), CASES, ids=[f"{k.kind}:{t}" for k, t in CASES])
def test_every_name_a_template_uses_is_a_field_of_its_context(kind, template):
    walker = Walker(kind.context)
    scope = dict(typing.get_type_hints(kind.context))
    scope["render_state"] = UNKNOWN
    walker.run(f"{template}.md.j2", scope, set())
    assert walker.problems == []


def test_the_walker_finds_a_misspelt_field(tmp_path: Path):
    """The check itself would fail on a template that names a field its record lacks."""
    kind = next(k for k in STORY_KINDS if k.kind == "market_movers")
    bad = tmp_path / "bad.md.j2"
    bad.write_text("{% for m in leaders %}{{ m.stock.shortname }}{% endfor %}{{ nonexistent }}\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(tmp_path), str(TEMPLATES)]))
    walker = Walker(kind.context, env)
    walker.run("bad.md.j2", dict(typing.get_type_hints(kind.context)), set())
    assert walker.problems == [
        "bad.md.j2: StockView has no field 'shortname'",
        "bad.md.j2: 'nonexistent' is not a field of MoversContext",
    ]


def test_every_story_kind_is_registered_once_with_its_templates():
    kinds = [kind.kind for kind in STORY_KINDS]
    assert len(kinds) == len(set(kinds))
    for kind in STORY_KINDS:
        assert issubclass(kind.context, View)
        for template in kind.templates:
            assert (TEMPLATES / f"{template}.md.j2").is_file(), template
