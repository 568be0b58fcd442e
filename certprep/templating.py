"""Values and filters every template may use."""

from flask import Flask

from certprep.auth.models import ROLE_LABELS
from certprep.bank.richtext import to_html
from certprep.navigation import menu_links
from certprep.org.models import Setting


def init_app(app: Flask) -> None:
    app.add_template_filter(to_html, "rich")

    @app.context_processor
    def globals_for_templates():
        return {
            "role_labels": ROLE_LABELS,
            "menu_links": menu_links,
            "registration_open": lambda: Setting.get("self_registration") == "on",
        }
