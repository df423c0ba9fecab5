"""Sign-in (SPEC §11): who is looking, and the scope they may see.

With ``[auth]`` in ``.streamlit/secrets.toml`` people sign in through OpenID Connect
(``st.login``); the access file (data/access.py) gives their role and scope. Without it the app
runs open, as a demo, and says so in the sidebar.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from data import access, config
from data.access import AccessError, Person, Scope
from pages.ui import vocab
from pages.ui.i18n import md, t


@dataclass(frozen=True)
class Visitor:
    """This run's visitor: a signed-in person, or nobody in the open (demo) app."""

    person: Person | None = None

    @property
    def scope(self) -> Scope | None:
        return self.person.scope if self.person else None

    @property
    def may_import(self) -> bool:
        """Writing data is for admins, and for everyone in the open app."""
        return self.person is None or self.person.scope.role == "admin"


def configured() -> bool:
    """True when ``[auth]`` is configured in the secrets."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _provider() -> str | None:
    """The provider to sign in with: the one named ``[auth.<name>]`` section, else the settings
    of ``[auth]`` itself."""
    named = [name for name, value in st.secrets["auth"].items() if hasattr(value, "keys")]
    return named[0] if len(named) == 1 else None


def visitor(data_dir: Path, lang: str) -> Visitor:
    """Who is looking. Without sign-in configured: nobody (the open app). Signed out, unknown to
    the access file, or with an unusable access file: the page says so and the run stops
    here, before any data is read."""
    if not configured():
        return Visitor()
    if not st.user.is_logged_in:
        _sign_in_page(lang)
        st.stop()
    claims = st.user.to_dict()
    try:
        known = access.load(access.access_path(data_dir))
        person = known.person(claims, str(config.current(data_dir)["access.group_claim"]))
    except (AccessError, config.ConfigError) as exc:
        _refused(md("auth.access_error", lang, error=exc), lang)
    if person is None:
        who = claims.get("email") or claims.get("name") or claims.get("sub") or "?"
        _refused(md("auth.unknown", lang, who=who), lang)
    return Visitor(person)


def _sign_in_page(lang: str) -> None:
    st.title(md("app.title", lang))
    st.write(md("auth.sign_in.text", lang))
    if st.button(t("auth.sign_in", lang), icon=":material/login:", type="primary"):
        st.login(_provider())


def _refused(message: str, lang: str) -> None:
    st.title(md("app.title", lang))
    st.error(message, icon=":material/block:")
    st.button(t("auth.sign_out", lang), icon=":material/logout:", on_click=st.logout)
    st.stop()


def sidebar(who: Visitor, lang: str, region_name=str) -> None:
    """The visitor's name and scope, and the sign-out control; or that the app is open."""
    if who.person is None:
        st.caption(md("auth.open", lang))
        return
    st.caption(md("auth.signed_in", lang, name=who.person.name,
                  scope=vocab.scope(who.scope, lang, region_name)))
    st.button(t("auth.sign_out", lang), icon=":material/logout:", on_click=st.logout,
              key="w_sign_out")
