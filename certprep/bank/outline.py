"""The exam vocabulary in one place: the 2014 ANCC PMGT-BC test content outline.

Domains, subdomains and difficulties are read from here by the parsers, forms, lint,
assembly, dashboards and statistics. DOMAIN.md: 150 scored items in four domains. Blueprints
that educators edit (the exams issue) start from these keys; question files use them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    key: str
    numeral: str
    title: str
    scored_items: int  # in the 2014 outline's 150 scored items
    subdomains: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.numeral}. {self.title}"


_DOMAINS = (
    Domain("foundations", "I", "Foundations of Pain", 29, (
        "Definitions and classification",
        "Physiology of pain",
        "Pain conditions",
        "Addiction, tolerance and dependence",
        "Pain science and theory",
    )),
    Domain("assessment", "II", "Assessment and Reassessment", 40, (
        "Assessment tools",
        "Special populations",
        "Reassessment and documentation",
        "Sedation and respiratory monitoring",
        "Risk screening",
    )),
    Domain("interventions", "III", "Interventions", 65, (
        "Opioid pharmacology",
        "Equianalgesic conversion and dosing",
        "PCA and neuraxial analgesia",
        "Adverse effects",
        "Non-opioid analgesics",
        "Adjuvant analgesics",
        "Regional anesthesia",
        "Non-pharmacological care",
        "Safety and stewardship",
    )),
    Domain("education", "IV", "Education and Collaboration", 16, (
        "Patient and family education",
        "Interprofessional collaboration",
        "Ethics, equity and law",
    )),
)

DOMAINS: dict[str, Domain] = {domain.key: domain for domain in _DOMAINS}
DOMAIN_KEYS = tuple(DOMAINS)
SCORED_ITEMS = sum(domain.scored_items for domain in _DOMAINS)
SUBDOMAINS: dict[str, str] = {
    subdomain: domain.key for domain in _DOMAINS for subdomain in domain.subdomains
}

DIFFICULTIES = ("easy", "medium", "hard")


def share(domain: str) -> float:
    """The domain's share of scored items, 0-1."""
    return DOMAINS[domain].scored_items / SCORED_ITEMS


def label(domain: str | None) -> str:
    return DOMAINS[domain].label if domain in DOMAINS else "No domain"
