"""Recognition: declared rules over the evidence → approve / reject (every reason) / review; the zone certificate."""

from recognition.decide import decide
from recognition.rules import RULES, RULES_VERSION, DecisionConfig, Rule

__all__ = ["RULES", "RULES_VERSION", "DecisionConfig", "Rule", "decide"]
