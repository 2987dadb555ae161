"""The rule table is data: every code written out, every parameter a column, the digest over the whole row."""

from __future__ import annotations

import ast
import dataclasses
from collections import defaultdict
from pathlib import Path

import pytest

import recognition.rules as rules_module
from huren.domain import RecordStatus, Verdict
from recognition.notices import NOTICES
from recognition.rules import REGISTRY_FIELDS, RULE_BY_CODE, RULES, DecisionConfig, Rule, rules_digest

from .test_decide import CASES, run

SOURCE = Path(rules_module.__file__)


def _declared_codes() -> list[ast.expr]:
    """The first argument of every `Rule(...)` written in recognition/rules.py."""
    calls = [n for n in ast.walk(ast.parse(SOURCE.read_text())) if isinstance(n, ast.Call)]
    return [c.args[0] for c in calls if isinstance(c.func, ast.Name) and c.func.id == "Rule" and c.args]


def test_every_code_is_a_literal_in_the_table() -> None:
    """grep finds every code: none is built by an f-string or a loop."""
    args = _declared_codes()
    built = [ast.unparse(a) for a in args if not (isinstance(a, ast.Constant) and isinstance(a.value, str))]
    assert not built, f"codes not written as literals: {built}"
    literal = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    assert sorted(literal) == sorted(r.code for r in RULES), "every row of RULES is a Rule(...) written in the table"
    for rule in RULES:
        assert f'"{rule.code}"' in SOURCE.read_text(), rule.code


def test_every_code_a_decision_emits_is_declared() -> None:
    emitted = {r.code for case in CASES for r in run(case)[1].reasons}
    assert emitted, "the decision cases emit reasons"
    assert emitted <= set(RULE_BY_CODE), emitted - set(RULE_BY_CODE)
    assert set(NOTICES) <= set(RULE_BY_CODE), f"applicant texts for no rule: {set(NOTICES) - set(RULE_BY_CODE)}"


def test_finders_are_named_functions_of_the_module() -> None:
    for rule in RULES:
        name = rule.finder.__qualname__
        assert "<" not in name, f"{rule.code}: finder {name} is a closure or lambda; put its values in params"
        assert getattr(rules_module, name) is rule.finder, rule.code


def test_rules_sharing_a_finder_differ_in_their_params() -> None:
    by_finder: dict[str, list[Rule]] = defaultdict(list)
    for rule in RULES:
        by_finder[rule.finder.__name__].append(rule)
    for name, rules in by_finder.items():
        rows = [rule.row().split("|", 4)[-1] for rule in rules]  # finder and params (and softening)
        assert len(set(rows)) == len(rows), f"{name}: two rules with the same parameters: {[r.code for r in rules]}"


def test_only_failures_soften() -> None:
    softened = [r for r in RULES if r.softens]
    assert softened
    assert all(r.severity == "fail" for r in softened), [r.code for r in softened if r.severity != "fail"]


def test_each_registry_field_has_its_two_rows() -> None:
    for name in REGISTRY_FIELDS:
        differs = RULE_BY_CODE[f"{name}_differs_from_registry"]
        unclear = RULE_BY_CODE[f"{name}_unclear_against_registry"]
        assert differs.params == {"field": name, "verdict": Verdict.MISMATCH} and differs.softens, name
        assert unclear.params == {"field": name, "verdict": Verdict.UNCERTAIN} and not unclear.softens, name


def test_required_documents_name_a_setting() -> None:
    flags = {f.name for f in dataclasses.fields(DecisionConfig) if f.type == "bool"}
    required = [r for r in RULES if "required_by" in r.params]
    assert len(required) == 3
    for rule in required:
        assert rule.params["required_by"] in flags, rule.code


def _with(code: str, **changes: object) -> tuple[Rule, ...]:
    return tuple(dataclasses.replace(r, **changes) if r.code == code else r for r in RULES)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "changes"),
    [
        ("cert_revoked", {"params": {"status": RecordStatus.SUSPENDED}}),
        ("name_disagrees", {"params": {"field": "name", "verdict": Verdict.UNCERTAIN}}),
        ("id_card_expired", {"params": {"when": "not_yet"}}),
        ("name_differs_from_registry", {"softens": False}),
        ("field_unread", {"softens": True}),
        ("cert_suspended", {"severity": "doubt"}),
    ],
)
def test_digest_sees_every_column(code: str, changes: dict[str, object]) -> None:
    assert rules_digest(_with(code)) == rules_digest(), "an unchanged table has the same digest"
    assert rules_digest(_with(code, **changes)) != rules_digest(), f"{code}: {changes} not in the digest"


def test_a_changed_parameter_changes_the_decision_record() -> None:
    """The digest recorded with a decision tells two tables apart that differ only in a parameter."""
    from recognition.decide import decide

    changed = _with("cert_revoked", params={"status": RecordStatus.SUSPENDED})
    result, decision = run(CASES[0])
    again = decide(result, as_of=decision.as_of, rules=changed)
    assert decision.versions["rules_digest"] != again.versions["rules_digest"]
    assert decision.rules_version != again.rules_version
