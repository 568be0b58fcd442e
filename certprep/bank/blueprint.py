"""The exam blueprint: the 2014 ANCC PMGT-BC test content outline, the shipped default.

DOMAIN.md: 150 scored items in four domains. Educators will edit blueprints as data
(a later issue); the domain keys below are what question files use.
"""

DOMAINS = {
    "foundations": ("I", "Foundations of Pain", 29),
    "assessment": ("II", "Assessment and Reassessment", 40),
    "interventions": ("III", "Interventions", 65),
    "education": ("IV", "Education and Collaboration", 16),
}
SCORED_ITEMS = sum(items for _, _, items in DOMAINS.values())

DIFFICULTIES = ("easy", "medium", "hard")


def share(domain: str) -> float:
    """The domain's share of scored items, 0-1."""
    return DOMAINS[domain][2] / SCORED_ITEMS


def label(domain: str | None) -> str:
    if domain not in DOMAINS:
        return "No domain"
    numeral, title, _ = DOMAINS[domain]
    return f"{numeral}. {title}"
