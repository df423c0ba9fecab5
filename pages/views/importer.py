"""Import (SPEC §9): upload CRM / ERP exports, map their columns (guesses pre-filled by name),
preview the mapped rows and the validation report, download the mapping file, write the snapshot
with progress. The work is data/importer.py's, the same as ``python -m data.importer``."""

import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from data import config, importer
from pages.ui import state
from pages.ui.i18n import md, t

ctx = state.page_header("importer", needs_snapshot=False)
state.may_import(ctx)
lang = ctx.lang
st.caption(md("import.subtitle", lang, data_dir=ctx.data_dir))

uploads = st.file_uploader(t("import.upload", lang), type=["csv", "txt", "tsv", "xlsx"],
                           accept_multiple_files=True, help=md("import.upload.help", lang))
if not uploads:
    st.info(md("import.start", lang), icon=":material/upload_file:")
    st.stop()


@st.cache_resource(show_spinner=False, max_entries=8)
def _saved(digest: str, _files: tuple) -> list[Path]:
    """The uploaded files on disk (the importer reads paths), once per distinct upload."""
    folder = Path(tempfile.mkdtemp(prefix="cockpit-upload-"))
    paths = []
    for name, data in _files:
        path = folder / Path(name).name
        path.write_bytes(data)
        paths.append(path)
    return paths


files = tuple((f.name, f.getvalue()) for f in uploads)
digest = hashlib.sha256(b"".join(n.encode() + b"\0" + d for n, d in files)).hexdigest()
paths = _saved(digest, files)
open_stages = config.current(ctx.data_dir).stages.open_count

# --- 1. Mapping -------------------------------------------------------------------------------------
st.subheader(md("import.mapping.title", lang))
try:
    with importer.read_sources(paths) as found:
        columns, header_rows = found.columns(), found.header_rows()
        values = {label: {c: found.values(label, c, limit=30) for c in cols
                          if "stage" in c.lower() or "status" in c.lower()}
                  for label, cols in columns.items()}
except importer.ImportProblem as problem:
    st.error(md("import.problem", lang, problem=str(problem)), icon=":material/error:")
    st.stop()
guess_key = f"import_mapping_{digest}"
if guess_key not in st.session_state:
    st.session_state[guess_key] = importer.mapping_to_toml(
        importer.guess_mapping(columns, values, open_stages=open_stages,
                               header_rows=header_rows))
with st.expander(t("import.columns", lang), expanded=False):
    for label, cols in columns.items():
        st.text(f"{label}: {', '.join(cols)}")
text = st.text_area(t("import.mapping.label", lang), key=guess_key, height=360,
                    help=md("import.mapping.help", lang))
st.download_button(t("import.mapping.download", lang), text.encode("utf-8"),
                   file_name="mapping.toml", mime="application/toml",
                   icon=":material/download:")
try:
    mapping = importer.load_mapping(text, name="mapping.toml")
except importer.ImportProblem as problem:
    st.error(md("import.problem", lang, problem=str(problem)), icon=":material/error:")
    st.stop()

# --- 2. Preview and validation ---------------------------------------------------------------------
st.subheader(md("import.preview.title", lang))
with st.spinner(t("import.preview.running", lang)):
    try:
        with importer.read_sources(paths, mapping) as sources:
            result = importer.preview(mapping, sources, open_stages=open_stages,
                                      data_dir=ctx.data_dir)
    except importer.ImportProblem as problem:
        result = None
        st.error(md("import.problem", lang, problem=str(problem)), icon=":material/error:")
if result is None:
    st.stop()
if result.problem is not None:
    st.error(md("import.problem", lang, problem=str(result.problem)), icon=":material/error:")
    st.stop()
st.caption(md("import.preview.caption", lang, as_of=result.as_of,
             counts=", ".join(f"{name} {rows:,}" for name, rows in result.row_counts.items())))
for name, table in result.tables.items():
    with st.expander(md("import.preview.table", lang, table=name,
                       rows=f"{result.row_counts[name]:,}")):
        st.dataframe(placeholder=t("na", lang), data=table.to_pandas(), hide_index=True, width="stretch")
if result.validation_errors:
    st.error(md("import.invalid", lang), icon=":material/rule:")
    for error in result.validation_errors:
        st.text(f"• {error}")
    st.stop()
st.success(md("import.valid", lang), icon=":material/check_circle:")

# --- 3. Write --------------------------------------------------------------------------------------
st.subheader(md("import.write.title", lang))
backfill = st.number_input(t("import.backfill", lang), min_value=0, max_value=52, value=0,
                           help=md("import.backfill.help", lang))
if st.button(t("import.write", lang), type="primary", icon=":material/save:"):
    bar = st.progress(0.0, text=t("import.write.running", lang))
    notes: list[str] = []
    try:
        written = importer.import_files(
            ctx.data_dir, mapping, paths, backfill_weeks=int(backfill), notes=notes,
            open_stages=open_stages,
            progress=lambda fraction, _message: bar.progress(
                min(fraction, 1.0), text=t("import.write.running", lang)))
    except importer.ImportProblem as problem:
        st.error(md("import.problem", lang, problem=str(problem)), icon=":material/error:")
    else:
        state.refresh_snapshots()
        st.success(md("import.written", lang, snapshots=", ".join(p.name for p in written)),
                   icon=":material/check_circle:")
        for note in notes:
            st.text(f"• {note}")
        st.page_link(ctx.pages.get("dashboard") or ctx.pages[""], label=t("import.open", lang),
                     icon=":material/monitoring:")
