"""Registry of issued certificates and matching of extracted documents against it."""

from matching.authorities import Authority, authority_province, canonical_authority
from matching.evidence import COMPARISONS, Comparison, build_evidence, score_record
from matching.files import RejectedRow, read_registry_file, write_records
from matching.import_report import ImportReport
from matching.registry import Registry
from matching.search import BLOCKING_RULES, Query, RecordSource, find_candidates
from matching.store import RegistryStore
from matching.verify import VerifyResult, verify_documents

__all__ = [
    "BLOCKING_RULES",
    "COMPARISONS",
    "Authority",
    "Comparison",
    "ImportReport",
    "Query",
    "RecordSource",
    "Registry",
    "RegistryStore",
    "RejectedRow",
    "VerifyResult",
    "authority_province",
    "build_evidence",
    "canonical_authority",
    "find_candidates",
    "read_registry_file",
    "score_record",
    "verify_documents",
    "write_records",
]
