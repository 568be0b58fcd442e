"""Organisation: sites and their members, run-time settings, and the audit log.

The lowest feature package: auth, admin, bank, exams and hours depend on it; it depends on
none of them except the User model it points at.
"""
