"""Reading thesis files: YAML text -> validated :class:`ThesisFile`, with errors that name file and line.

The YAML is composed once into a node tree (which remembers where each key and value sits) and constructed
from the same tree, so every pydantic error location (``theses -> 0 -> rules -> 1 -> op``) maps back to the
line of the offending key. Messages read ``file:line: rule 'op': expected one of ...; got "=>"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import Problem, ThesisFileError
from .model import Thesis, thesis_file_model
from .plugins import names as kind_names

__all__ = [
    "ThesisFileError",
    "ThesisProblem",
    "default_theses_path",
    "load_theses",
    "locate",
    "parse_theses",
]


@dataclass(frozen=True)
class ThesisProblem(Problem):
    """A Problem printed as ``file:line: <where> '<field>': message`` (where = thesis, rule, subject, ...)."""

    where: str = ""

    def __str__(self) -> str:
        place = self.path if self.line is None else f"{self.path}:{self.line}"
        label = " ".join(x for x in (self.where, f"'{self.field}'" if self.field else "") if x)
        return f"{place}: {label}: {self.message}" if label else f"{place}: {self.message}"


def _Problem(path: str, line: int | None, where: str, field: str | None, message: str) -> ThesisProblem:
    return ThesisProblem(path=path, line=line, field=field, message=message, where=where)


_LIBYAML = hasattr(yaml, "CSafeLoader")


class _Loader(yaml.CSafeLoader if _LIBYAML else yaml.SafeLoader):  # type: ignore[misc]
    """Safe loader (libyaml's when PyYAML has it: ten times faster, same nodes and marks) that leaves dates as
    text, so pydantic reports a bad date with its line instead of crashing."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def default_theses_path() -> Path:
    """The shipped default theses: every claim of the seed post, both sides."""
    return Path(str(resources.files("corevar.theses") / "default.yaml"))


def load_theses(paths: Sequence[Path | str] | None = None) -> list[Thesis]:
    """Theses from YAML files (the shipped defaults when ``paths`` is None or empty), in file order.

    Raises :class:`ThesisFileError` listing every problem (file, line, field, expected vs got); thesis ids must
    be unique across all files.
    """
    files = [Path(p) for p in paths] if paths else [default_theses_path()]
    theses: list[Thesis] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            problems.append(_Problem(str(path), None, "", None, f"cannot read the file: {reason}."))
            continue
        try:
            parsed = parse_theses(text, name=str(path))
        except ThesisFileError as exc:
            problems.extend(exc.problems)
            continue
        for thesis in parsed:
            if thesis.id in seen:
                problems.append(
                    _Problem(str(path), None, "thesis", "id", f'"{thesis.id}" is already defined in {seen[thesis.id]}.')
                )
            seen[thesis.id] = str(path)
            theses.append(thesis)
    if problems:
        raise ThesisFileError(problems)
    return theses


def parse_theses(text: str, name: str = "<string>") -> list[Thesis]:
    """Theses from YAML text; ``name`` is the file name used in error messages."""
    loader = None
    try:
        loader = _Loader(text)  # the pure-Python reader checks the characters here already
        node = loader.get_single_node()
        if node is None:
            raise ThesisFileError([_Problem(name, 1, "", None, "the file is empty; expected a mapping with 'theses'.")])
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ThesisFileError([_yaml_problem(name, text, exc)]) from None
    except UnicodeEncodeError as exc:  # a lone surrogate (text decoded from JSON escapes), before libyaml reads it
        line = text.count("\n", 0, exc.start) + 1
        raise ThesisFileError([_unreadable(name, line, ord(text[exc.start]))]) from None
    finally:
        if loader is not None:
            loader.dispose()

    problems = _duplicate_keys(node, name) + _duplicate_ids(node, name)
    if problems:
        raise ThesisFileError(problems)
    if not isinstance(data, dict):
        raise ThesisFileError(
            [_Problem(name, node.start_mark.line + 1, "", None, "expected a mapping with a 'theses' list.")]
        )
    model, _ = thesis_file_model()
    try:
        theses = list(model.model_validate(data).theses)
    except ValidationError as exc:
        found = [_problem_from_error(name, node, err) for err in exc.errors()]
        unique = list(dict.fromkeys(found))  # union members can report the same problem twice
        raise ThesisFileError(unique) from None
    for index, thesis in enumerate(theses):
        thesis._origin = (name, node, index)  # for load-time name checks with file:line
    return theses


def _yaml_problem(name: str, text: str, exc: yaml.YAMLError) -> Problem:
    """The problem of a file PyYAML cannot read, with its line: scanner, parser and constructor errors carry a mark;
    a reader error (a control character, a lone surrogate) carries only a position, which libyaml counts in bytes of
    the UTF-8 text and the pure-Python reader in characters."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(s for s in (exc.context, exc.problem) if s)
        return _Problem(name, line, "", None, f"not valid YAML: {what}.")
    if isinstance(exc, yaml.reader.ReaderError):
        before = text.encode("utf-8", "surrogatepass")[: exc.position] if _LIBYAML else text[: exc.position]
        line = before.count(b"\n" if isinstance(before, bytes) else "\n") + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return _unreadable(name, line, char)
    return _Problem(name, None, "", None, f"not valid YAML: {exc}.")


def _unreadable(name: str, line: int, char: int) -> Problem:
    return _Problem(name, line, "", None, f"not valid YAML: the character U+{char:04X} is not allowed; remove it.")


def locate(root: yaml.Node, loc: Sequence[str | int]) -> int:
    """The line (1-based) of the deepest node of the parsed file that ``loc`` reaches."""
    return _locate(root, loc)[0]


# -- locating errors -------------------------------------------------------------------------------------------


def _locate(root: yaml.Node, loc: Sequence[str | int]) -> tuple[int, list[str | int], bool]:
    """Line (1-based) of the deepest node the location reaches, the location with union tags removed, and
    whether the location went on past a scalar (it then names a member of a union type such as date | latest).
    """
    node: yaml.Node = root
    line = root.start_mark.line + 1
    clean: list[str | int] = []
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
            if hit is None:
                if part in kind_names() or (isinstance(part, str) and part.startswith("function-")):
                    continue  # a discriminated-union tag or validator wrapper: not a key in the file
                clean.append(part)
                break
            line = hit[0].start_mark.line + 1
            node = hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        elif isinstance(node, yaml.ScalarNode):
            return line, clean, True
        else:
            clean.append(part)
            break
        clean.append(part)
    return line, clean, False


def _where(loc: Sequence[str | int]) -> tuple[str, str | None]:
    """('rule', 'op') for theses.0.rules.1.op: the innermost named container and the field."""
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return "", None
    field = names[-1]
    container = {
        "theses": "thesis",
        "rules": "rule",
        "subject": "subject",
        "a": "subject",
        "b": "subject",
        "numerator": "subject",
        "denominator": "subject",
        "source": "source",
        "versus": "ratio",
        "claimed": "claimed",
    }
    where = "file"
    # the container is the name before the field (skipping list indices)
    for part in reversed(names[:-1]):
        if part in container:
            where = container[part]
            break
    if field in container and loc and isinstance(loc[-1], int):
        where, field = container[field], None
    if where == "subject" and field in ("a", "b") and names[-2:-1] == ["rules"]:
        where = "rule"
    return where, field


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _expected_literal(ctx: dict[str, Any]) -> str:
    raw = str(ctx.get("expected", ""))
    parts = [p.strip().strip("'") for p in raw.replace(" or ", ",").split(",") if p.strip()]
    return ", ".join(parts)


def _problem_from_error(name: str, root: yaml.Node, err: Any) -> Problem:
    loc = list(err.get("loc", ()))
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    value = err.get("input")
    line, clean, member = _locate(root, loc)
    where, field = _where(clean)
    if member and kind.startswith(("date", "literal")):
        # a member of "date or latest" failed: one message for the field, not one per member
        message = f'expected a date (YYYY-MM-DD) or "latest"; got {_got(value)}.'
    elif kind == "union_tag_invalid":
        tags = ", ".join(kind_names())
        message = f"expected one of {tags}; got {_got(ctx.get('tag'))}."
        where, field = "rule", "kind"
    elif kind == "union_tag_not_found":
        message = f"missing; every rule needs a kind, one of {', '.join(kind_names())}."
        where, field = "rule", "kind"
    elif kind == "missing":
        message = "missing; this field is required."
    elif kind == "extra_forbidden":
        message = "unknown field; check its spelling against docs/theses.md."
    elif kind in ("literal_error", "enum"):
        message = f"expected one of {_expected_literal(ctx)}; got {_got(value)}."
    elif kind.startswith("date"):
        message = f"expected a date (YYYY-MM-DD); got {_got(value)}."
    elif kind.startswith(("float", "int")):
        message = f"expected a number (e.g. 1000000000, 1B, $13B or 12%); got {_got(value)}."
    elif kind == "string_pattern_mismatch":
        message = f"expected letters, digits, '.', '_' or '-' (e.g. B1); got {_got(value)}."
    elif kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        shape = "a list" if kind == "list_type" else "a mapping"
        message = f"expected {shape}; got {_got(value)}."
    elif kind == "too_short":
        message = "expected at least one item; got none."
    elif kind == "value_error":
        message = str(ctx.get("error", err.get("msg", ""))).rstrip(".") + "."
    else:
        message = f"{err.get('msg', 'invalid value')}; got {_got(value)}."
    return _Problem(name, line, where, field, message)


def _duplicate_keys(node: yaml.Node, name: str) -> list[Problem]:
    problems: list[Problem] = []
    stack: list[yaml.Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        problems.append(
                            _Problem(name, key.start_mark.line + 1, "", key.value, "appears twice in this mapping.")
                        )
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(problems, key=lambda p: p.line or 0)


def _mapping_get(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _duplicate_ids(root: yaml.Node, name: str) -> list[Problem]:
    theses = _mapping_get(root, "theses")
    items: Iterable[yaml.Node] = theses.value if isinstance(theses, yaml.SequenceNode) else ()
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for item in items:
        ident = _mapping_get(item, "id")
        if isinstance(ident, yaml.ScalarNode):
            line = ident.start_mark.line + 1
            if ident.value in seen:
                message = f'"{ident.value}" is already used on line {seen[ident.value]}; thesis ids must be unique.'
                problems.append(_Problem(name, line, "thesis", "id", message))
            else:
                seen[ident.value] = line
    return problems
