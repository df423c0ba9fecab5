"""Translated strings of individual pages: each module here defines ``STRINGS`` (key → {"en", "zh"})
and is merged into the translation layer by ``pages.ui.i18n``."""
