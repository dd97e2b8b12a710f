"""The built-in rule kinds, one module per kind.

A kind module defines

* a pydantic model (subclass of :class:`corevar.theses.model.RuleModel`) with ``kind: Literal["<name>"]`` and
  every option as a field with a ``description`` (the docs table is generated from them);
* ``judge(rule, ctx) -> RuleResult`` (``ctx`` is a :class:`corevar.theses.context.Context`);
* ``EXAMPLE``: a YAML snippet of one rule (it is parsed and judged by the tests, and shown in docs/theses.md);
* and calls ``register(RuleKind(name, model, judge, EXAMPLE, doc))`` from :mod:`corevar.theses.plugins` at import.

The registry itself is :mod:`corevar.theses.plugins`; this package only holds the kinds corevar ships.
"""
