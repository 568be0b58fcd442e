"""The shipped certification programs and how a nurse's programs are found."""

from __future__ import annotations

from sqlalchemy import select

from certprep.extensions import db
from certprep.hours.models import CHECK_RULES_LABEL, Enrolment, Program, SiteProgram
from certprep.org.models import SiteMember

# Figures from ../shared/DOMAIN.md; each preset says on screen to check the current rules.
PRESETS = (
    {"name": "PMGT-BC-like (initial)", "certifying_body": "ANCC (modelled on PMGT-BC)",
     "practice_hours": 2000, "window_years": 3, "ce_hours": 30, "ce_window_years": 3,
     "requires_rn_licence": True, "rn_practice_years": 2, "is_default": True},
    {"name": "Certified Pain Educator-like", "certifying_body": "American Society of Pain "
     "Educators (modelled on CPE)", "practice_hours": 400, "window_years": 5, "ce_hours": 30,
     "ce_window_years": 5, "requires_rn_licence": False, "rn_practice_years": 0,
     "is_default": False},
    {"name": "CNA specialty general rule", "certifying_body": "Canadian Nurses Association "
     "(general rule)", "practice_hours": 1950, "window_years": 5, "ce_hours": 0,
     "ce_window_years": 5, "requires_rn_licence": True, "rn_practice_years": 0,
     "is_default": False},
    {"name": "PMGT-BC-like renewal", "certifying_body": "ANCC (modelled on PMGT-BC renewal)",
     "practice_hours": 1000, "window_years": 5, "ce_hours": 75, "ce_window_years": 5,
     "requires_rn_licence": True, "rn_practice_years": 0, "is_default": False},
)


def install_presets() -> list[Program]:
    """Add the presets that are missing (by name); the caller commits."""
    have = set(db.session.scalars(select(Program.name)))
    added = [Program(note=CHECK_RULES_LABEL, **preset) for preset in PRESETS
             if preset["name"] not in have]
    db.session.add_all(added)
    db.session.flush()
    return added


def default_program() -> Program | None:
    return db.session.scalar(
        select(Program).order_by(Program.is_default.desc(), Program.id).limit(1))


def programs_for(user) -> list[Program]:
    """The nurse's enrolled programs; without one, the default of their first site, else the
    installation's default."""
    enrolled = [e.program for e in db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.program_id))]
    if enrolled:
        return enrolled
    site_default = db.session.scalar(
        select(Program).join(SiteProgram, SiteProgram.default_program_id == Program.id)
        .join(SiteMember, SiteMember.site_id == SiteProgram.site_id)
        .where(SiteMember.user_id == user.id).order_by(SiteMember.site_id).limit(1))
    program = site_default or default_program()
    return [program] if program else []


def set_default(program: Program) -> None:
    for other in db.session.scalars(select(Program).where(Program.is_default)):
        other.is_default = False
    program.is_default = True
