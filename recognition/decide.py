"""From verified evidence to a decision: approve (即办件), reject (every reason at once), or review.

* `reject` — at least one rule of severity `fail` fired; every reason is listed (一次性告知), the
  failing ones first, then the doubts a reviewer would also want to know about.
* `review` — nothing fails for certain but something is uncertain (a low OCR confidence, a value in
  matching's grey zone, a poor scan); `review_fields` lists the documents and fields to look at.
* `approve` — no rule fired: every required document is there, every certificate is in the registry
  with an authenticity score at least `DecisionConfig.approve_score`, valid at the decision date, and
  every key field was read with confidence at least `min_field_confidence`.

A forged or altered certificate cannot be approved: a number not in the registry fails
(`cert_not_in_registry`), a changed level, name or another person's ID number fails against the
record (`*_differs_from_registry`) or the ID card (`*_disagrees`), and any score under the threshold
is at least a doubt.

The decision records the rules version and digest, the versions passed in (OCR engine, model), the
thresholds, the rest of the configuration and the decision date, so it can be re-run and explained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from importlib import metadata

from huren.domain import Decision, FileError, Outcome, Reason, Severity
from matching.verify import VerifyResult
from recognition.rules import RULES, RULES_VERSION, DecisionConfig, Facts, Rule, evaluate, rules_digest

APPROVE, REJECT, REVIEW = Outcome.APPROVE, Outcome.REJECT, Outcome.REVIEW


def _huren_version() -> str:
    try:
        return metadata.version("huren")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def outcome_of(reasons: Sequence[Reason]) -> Outcome:
    if any(r.severity == Severity.FAIL for r in reasons):
        return REJECT
    if reasons:
        return REVIEW
    return APPROVE


def decide(
    verify_result: VerifyResult,
    *,
    as_of: date,
    config: DecisionConfig = DecisionConfig(),  # noqa: B008 - frozen, shared default is safe
    versions: Mapping[str, str] | None = None,
    file_errors: Sequence[FileError] = (),
    rules: Sequence[Rule] = RULES,
) -> Decision:
    """Run every rule over one application's evidence and decide.

    `versions` records what produced the evidence, e.g. `{"ocr_engine": get_engine().version}`;
    `file_errors` are the files or pages OCR could not read (each becomes a `file_unreadable` doubt).
    """
    facts = Facts(
        documents=list(verify_result.documents),
        evidence=list(verify_result.evidence),
        consistency=list(verify_result.consistency),
        as_of=as_of,
        config=config,
        file_errors=list(file_errors),
    )
    reasons = evaluate(facts, rules)
    reasons.sort(key=lambda r: 0 if r.severity == Severity.FAIL else 1)  # stable: table order within each severity
    outcome = outcome_of(reasons)
    review_fields: list[dict[str, str | None]] = []
    if outcome != APPROVE:
        for r in reasons:
            entry = {"document": r.document, "field": r.field}
            if r.severity == Severity.DOUBT and entry not in review_fields:
                review_fields.append(entry)
    recorded = {"huren": _huren_version(), "rules": RULES_VERSION, "rules_digest": rules_digest(rules)}
    recorded.update(versions or {})
    return Decision(
        outcome=outcome,
        reasons=reasons,
        as_of=as_of,
        rules_version=f"{RULES_VERSION}+{rules_digest(rules)}",
        versions=recorded,
        thresholds=config.thresholds(),
        settings=config.settings(),
        review_fields=review_fields,
        decided_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
