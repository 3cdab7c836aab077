"""The day's bundle for head office, offered once the day's last handover is accepted (issue
18): written in the background, the folder and counts shown, a failure said in a line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from lobby_tui.content import ContentError
from lobby_tui.i18n import t
from lobby_tui.screens.base import TranslatedKeys
from lobby_tui.services.bundle import Manifest, bundle_folder, read_manifest, tablet_id
from lobby_tui.store import Store, StoreError


class BundleDialog(TranslatedKeys, ModalScreen[Path | None]):
    """Dismissed with the bundle's folder when one was written, else None."""

    DEFAULT_CSS = """
    BundleDialog { align: center middle; }
    BundleDialog > Vertical { width: 72; max-width: 100%; height: auto; max-height: 100%;
                              border: thick $primary; padding: 0 1; background: $surface; }
    BundleDialog Horizontal { height: auto; margin-top: 1; }
    BundleDialog Button { margin-right: 2; }
    BundleDialog Static { height: auto; }
    """
    BINDINGS = [Binding("escape", "close", show=False), Binding("w", "write", show=False)]

    def __init__(self, store: Store, day: date) -> None:
        super().__init__()
        self.store = store
        self.day = day
        self.written: Path | None = None
        self.writing = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("bundle_dialog.title", date=self.day.isoformat()), "bold"))
            yield Static(
                Text(t("bundle_dialog.body", folder=str(bundle_folder(self.store)))),
                id="bundle-body",
            )
            yield Static("", id="bundle-result")
            with Horizontal():
                yield Button(t("bundle_dialog.write"), id="bundle-write", variant="primary")
                yield Button(t("bundle_dialog.not_now"), id="bundle-close")

    @on(Button.Pressed, "#bundle-write")
    def action_write(self) -> None:
        if self.writing or self.written is not None:
            return
        result = self.query_one("#bundle-result", Static)
        try:
            # The one write (the tablet's id, the first time) on the store's own thread;
            # the bundle itself only reads, in the background.
            tablet_id(self.store)
        except StoreError as exc:
            self.failed(exc)
            return
        self.writing = True
        self.query_one("#bundle-write", Button).disabled = True
        result.update(Text(t("bundle_dialog.writing")))
        store, day = self.store, self.day

        def work() -> None:
            from lobby_tui.services.bundle import write_bundle

            try:
                folder = write_bundle(store, day)
                manifest = read_manifest(folder)
            except Exception as exc:  # said on the dialog, never a traceback
                self.app.call_from_thread(self.failed, exc)
                return
            self.app.call_from_thread(self.done, folder, manifest)

        self.run_worker(work, thread=True, group="bundle", exit_on_error=False)

    def done(self, folder: Path, manifest: Manifest) -> None:
        self.writing = False
        self.written = folder
        rows = sum(e.rows for e in manifest.tables.values())
        self.query_one("#bundle-result", Static).update(
            Text(
                t(
                    "bundle_dialog.done",
                    path=str(folder),
                    rows=rows,
                    tables=len(manifest.tables),
                    arrivals=manifest.tables["arrivals"].rows,
                    events=manifest.chain.events,
                )
            )  # fmt: skip
        )
        self.query_one("#bundle-write", Button).display = False
        self.query_one("#bundle-close", Button).label = t("bundle_dialog.close")
        self.query_one("#bundle-close", Button).focus()

    def failed(self, exc: BaseException) -> None:
        self.writing = False
        self.query_one("#bundle-write", Button).disabled = False
        if isinstance(exc, StoreError | ContentError):
            why = t(f"error.{exc.key}", **exc.params)
        elif isinstance(exc, OSError):
            why = t("error.os", detail=exc.strerror or str(exc), path=exc.filename or "")
        else:
            why = t("bundle_dialog.failed_detail", detail=str(exc))
        self.query_one("#bundle-result", Static).update(
            Text(t("bundle_dialog.failed", reason=why), style="bold")
        )

    @on(Button.Pressed, "#bundle-close")
    def action_close(self) -> None:
        if not self.writing:  # the folder is renamed into place or not at all; wait for it
            self.dismiss(self.written)
