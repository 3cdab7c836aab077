"""Complaints (R4): the cases, most pressing first, with the one in hand, the intake form and
the quick answers. The place composes its panels and passes on what each says happened."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, Static, TabbedContent, TabPane

from lobby_tui.content import ContentError, complaint_catalogue, faq
from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue
from lobby_tui.i18n import t
from lobby_tui.screens.base import LobbyScreen, problem_text
from lobby_tui.screens.complaints.case_detail import CaseDetail
from lobby_tui.screens.complaints.cases import CaseFilters, CaseList
from lobby_tui.screens.complaints.intake import IntakeForm
from lobby_tui.screens.complaints.quick_answers import QuickAnswers
from lobby_tui.screens.modals.slip import SlipDialog, slip_text
from lobby_tui.services import complaints as service
from lobby_tui.widgets.action_bar import ActionBar
from lobby_tui.widgets.browser_keys import with_browser_twin
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.topbar import TopBar

# The cases listed, the one that will be in hand and its timeline, read together.
Cases = tuple[list[service.Complaint], service.Complaint | None, list[service.Update]]

# Where each tab opens: the form on what the customer says, the list on the cases, the
# quick answers on their search.
FOCUS = {"tab-intake": "#description", "tab-cases": "#case-list", "tab-answers": "#answer-find"}


class ComplaintsScreen(LobbyScreen):
    PLACE = "complaints"
    AUTO_FOCUS = "#case-list"  # arrows move through the cases at once; search is a tab away
    # Below 100 columns the case in hand goes under the list, at full width (complaints.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "save", "complaint.key_save", show=False),
        *with_browser_twin(Binding("ctrl+n", "tab('tab-intake')", "complaint.key_new", show=False)),
        # Priority: the description box (a TextArea) would take ctrl+k as "delete to the end
        # of the line", and the manager could not get back to the cases from it.
        Binding("ctrl+k", "tab('tab-cases')", "complaint.key_cases", show=False, priority=True),
        Binding("ctrl+o", "tab('tab-answers')", "complaint.key_answers", show=False),
        *with_browser_twin(Binding("ctrl+r", "reveal", "complaint.key_reveal", show=False)),
    ]

    def __init__(self) -> None:
        super().__init__(id="complaints")
        self.problem: ContentError | None = None
        self.catalogue: ComplaintCatalogue | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        try:
            self.catalogue = complaint_catalogue()
            faq()
        except ContentError as exc:
            self.problem = exc
            yield Static(problem_text(exc), id="content-error")
            yield Static(t("check.template_fix"))
            yield LobbyFooter()
            return
        lang = self.lobby_app.language
        with TabbedContent(id="complaint-tabs"):
            with TabPane(t("complaint.tab_cases"), id="tab-cases"):
                yield CaseFilters(self.catalogue, lang)
                with Horizontal(id="case-body"):
                    yield CaseList(self.catalogue)
                    yield CaseDetail(self.catalogue, lang, self.drafts)
            # The tabs behind the cases: made just after the place is first drawn; a
            # rebuild (a language switch) makes every tab at once, as typed.
            with TabPane(t("complaint.tab_new"), id="tab-intake"):
                if self.rebuilding:
                    yield from self.intake()
            with TabPane(t("complaint.tab_answers"), id="tab-answers"):
                if self.rebuilding:
                    yield QuickAnswers()
        yield LobbyFooter()

    def intake(self) -> list[Widget]:
        # Save always in reach, below the form however far it is scrolled (R6.3).
        return [
            IntakeForm(self.lobby_app.language, self.drafts),
            ActionBar(self.BINDINGS, ["ctrl+s"], id="intake-actions"),
        ]

    def on_mount(self) -> None:
        self.set_interval(60, self.tick)  # the clocks move on
        self.set_up()
        if not self.problem:
            self.compose_later(
                lambda: [("#tab-intake", self.intake()), ("#tab-answers", [QuickAnswers()])]
            )

    def set_up(self) -> None:
        self.fit_controls()
        if not self.problem:
            self.reload()

    def on_screen_resume(self) -> None:
        if not self.problem:  # nothing new since (a return): nothing read or drawn
            self.reload(if_changed=True)
            for form in self.query(IntakeForm):  # one raised since can be linked
                form.reread_incidents()

    def tick(self) -> None:
        """The minute's tick: read again only if something was saved or the minute moved."""
        self.reload(if_changed=True)

    def reload(self, if_changed: bool = False) -> None:
        """The list read again in the background, with the timeline of the case that will be
        in hand; both shown together."""
        if self.rebuilding or self.problem:
            return
        app = self.lobby_app
        wanted = self.query_one(CaseFilters).wanted()
        in_hand = self.query_one(CaseList).selected_id

        def read() -> Cases:
            listed = service.find(app.store, app.settings, wanted)
            current = next((c for c in listed if c.id == in_hand), listed[0] if listed else None)
            return listed, current, service.timeline(app.store, current.id) if current else []

        self.read_in_background("cases", read, self.show_cases, if_changed=if_changed)

    def show_cases(self, read: Cases) -> None:
        listed, read_for, updates = read
        cases = self.query_one(CaseList)
        cases.show(listed)
        current = cases.current()
        same = current is not None and read_for is not None and current.id == read_for.id
        self.query_one(CaseDetail).show(current, updates if same else None)

    # What the panels say -------------------------------------------------------------------

    @on(CaseFilters.Changed)
    def _filtered(self, message: CaseFilters.Changed) -> None:
        if message.typed:  # search as you type: once the typing pauses
            self.reads.debounce("search", self.reload)
        else:
            self.reload()

    @on(CaseDetail.Changed)
    def _list_again(self) -> None:
        self.reload()

    @on(CaseList.Chosen)
    def _chosen(self, message: CaseList.Chosen) -> None:
        self.query_one(CaseDetail).show(message.complaint)

    @on(CaseDetail.SlipWanted)
    def _slip(self, message: CaseDetail.SlipWanted) -> None:
        if self.catalogue is None:
            return
        app = self.lobby_app
        complaint = message.complaint
        text = slip_text(complaint, app.settings, self.catalogue, app.language)
        self.app.push_screen(SlipDialog(text, complaint.case_no, app.store.path.parent / "slips"))

    @on(IntakeForm.Taken)
    async def _taken(self, message: IntakeForm.Taken) -> None:
        self.query_one(CaseList).selected_id = message.complaint_id
        self.query_one(CaseFilters).show_active()
        await self.action_tab("tab-cases")
        self.reload()
        self.notify(t("complaint.saved", case=message.case_no), timeout=6)

    @on(QuickAnswers.ToComplaint)
    async def _to_complaint(self, message: QuickAnswers.ToComplaint) -> None:
        self.query_one(IntakeForm).start_from_enquiry(message.topic, message.enquiry_id)
        await self.action_tab("tab-intake")

    # Keys --------------------------------------------------------------------------------

    def action_reveal(self) -> None:
        if not self.problem:
            self.query_one(CaseDetail).reveal()

    async def action_tab(self, tab: str) -> None:
        """Ctrl+N, Ctrl+K, Ctrl+O: each tab opens where the manager starts in it (the
        tabs made after the first paint are there first: the keys typed next wait)."""
        if self.problem:
            return
        await self.composed()
        self.query_one("#complaint-tabs", TabbedContent).active = tab
        # Focused now, not after the keys already queued (Widget.focus defers to the app's
        # queue): a description typed straight after Ctrl+N loses no first letter.
        self.set_focus(self.query_one(FOCUS[tab]))

    def action_save(self) -> None:
        if self.problem:
            return
        if self.query_one("#complaint-tabs", TabbedContent).active == "tab-intake":
            for form in self.query(IntakeForm):
                form.take()

    @on(Button.Pressed, "#save-complaint")
    def _save_pressed(self) -> None:
        self.action_save()

    # Drafts and language ------------------------------------------------------------------

    def on_screen_suspend(self) -> None:
        self.flush_drafts()

    def flush_drafts(self) -> None:
        """Leaving the place or the app: what was typed is saved now, not half a second
        later."""
        if not self.problem:
            self.query_one(CaseDetail).note_autosave.flush()
            for form in self.query(IntakeForm):
                form.autosave.flush()

    def retranslate(self) -> None:
        super().retranslate()
        self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        active = chosen = None
        if not self.problem:
            self.flush_drafts()  # the form and the note come back from their drafts
            active = self.query_one("#complaint-tabs", TabbedContent).active
            chosen = self.query_one(CaseList).selected_id
        await self.recompose_keeping_input()
        if not self.problem:
            self.query_one(CaseList).selected_id = chosen
        self.set_up()
        if active and not self.problem:
            self.query_one("#complaint-tabs", TabbedContent).active = active
