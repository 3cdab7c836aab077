"""The customer slip (R4.4): the case number, what happens next, by when, and whom to call.
Shown to read out or photograph, and saved as a text file to print."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue
from lobby_tui.domain.day import local
from lobby_tui.domain.inert import inert
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import t
from lobby_tui.screens.base import TranslatedKeys
from lobby_tui.services.complaints import Complaint


def slip_text(
    complaint: Complaint, settings: Settings, catalogue: ComplaintCatalogue, lang: str
) -> str:
    """Plain text, no personal data: a slip left on a counter gives nothing away."""
    zone = settings.timezone

    def day(at: object) -> str:
        return local(at, zone).strftime("%Y-%m-%d") if at else "—"  # type: ignore[arg-type]

    lines = [
        t("slip.title", branch=settings.branch(lang)),
        "",
        t("slip.case", case=complaint.case_no),
        t("slip.received", date=local(complaint.received_at, zone).strftime("%Y-%m-%d %H:%M")),
        t("slip.category", category=catalogue.label("category", complaint.category, lang)),
    ]
    if complaint.subject:
        lines.append(t("slip.subject", subject=complaint.subject))
    lines.append("")
    if complaint.outcome == "on_spot":
        lines.append(t("slip.solved", action=complaint.action_taken))
        lines.append(t("slip.callback", date=day(complaint.callback_due_at)))
    else:
        departments = t("list.sep").join(
            catalogue.label("department", d, lang) for d in complaint.departments
        )
        if departments:
            lines.append(t("slip.next", departments=departments))
        else:
            lines.append(t("slip.next_review"))
        lines.append(
            t("slip.deadline", date=day(complaint.promised_by or complaint.decision_due_at))
        )
        lines.append(t("slip.regulator", date=day(complaint.decision_due_at)))
    if complaint.contact_given:
        lines.append(t("slip.contact", contact=complaint.contact_given))
    lines += ["", t("slip.thanks")]
    return "\n".join(lines)


def save_slip(folder: Path, case_no: str, text: str) -> Path:
    """Beside the database, in slips/: where the branch's printer picks files up. The folder
    is its owner's only (0700) and each slip 0600, as the database and its exports are: a
    case number with its dates is the customer's business (issue 16). A folder or a slip
    left more open by an earlier version is closed again."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    path = folder / f"{case_no}.txt"
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    os.fchmod(fd, 0o600)
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(inert(text) + "\n")  # printed or read with `cat`: stored text stays inert
    return path


class SlipDialog(TranslatedKeys, ModalScreen[None]):
    DEFAULT_CSS = """
    SlipDialog { align: center middle; }
    SlipDialog > Vertical { width: 72; max-width: 100%; height: auto; max-height: 100%;
                            border: thick $primary; padding: 0 1; background: $surface; }
    SlipDialog VerticalScroll { height: auto; max-height: 20; }
    SlipDialog Horizontal { height: auto; margin-top: 1; }
    SlipDialog Button { margin-right: 2; }
    SlipDialog #slip-saved { height: auto; }
    """
    BINDINGS = [Binding("escape", "close", show=False), Binding("s", "save", show=False)]

    def __init__(self, text: str, case_no: str, folder: Path) -> None:
        super().__init__()
        self.text = text
        self.case_no = case_no
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll():
                yield Static(Text(self.text), id="slip-text")  # as typed, never markup
            yield Static("", id="slip-saved")
            with Horizontal():
                yield Button(t("slip.save"), id="slip-save", variant="primary")
                yield Button(t("slip.close"), id="slip-close")

    @on(Button.Pressed, "#slip-save")
    def action_save(self) -> None:
        saved = self.query_one("#slip-saved", Static)
        try:
            path = save_slip(self.folder, self.case_no, self.text)
        except OSError as exc:
            saved.update(Text(t("slip.save_failed", detail=exc.strerror or str(exc))))
            return
        saved.update(Text(t("slip.saved", path=str(path))))

    @on(Button.Pressed, "#slip-close")
    def action_close(self) -> None:
        self.dismiss(None)
