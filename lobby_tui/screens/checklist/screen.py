"""The opening checklist (R1): the items and sign-off, the day plan, and the open tasks, one
tab each. The place reads the day once and passes on what each tab says happened."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Static, TabbedContent

from lobby_tui.content import ContentError, checklist_template
from lobby_tui.domain.checklist import Template
from lobby_tui.i18n import t
from lobby_tui.screens.base import LobbyScreen, problem_text
from lobby_tui.screens.checklist.day_plan import DayPlanPane
from lobby_tui.screens.checklist.items import ItemsPane
from lobby_tui.screens.checklist.tasks import TasksPane
from lobby_tui.services import checklist as checklist_service
from lobby_tui.services import tasks as tasks_service
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.topbar import TopBar

TASKS_SECONDS = 5  # how soon a task raised on another screen or tablet shows in the tab


class ChecklistScreen(LobbyScreen):
    PLACE = "checklist"
    BINDINGS = [
        # The answer keys are on the buttons themselves ("OK (o)"), keeping the footer for
        # the places; the help panel (palette → Show keys) lists them too.
        Binding("o", "answer('ok')", "check.key_ok", tooltip="check.key_ok.tip", show=False),
        Binding(
            "p",
            "answer('problem')",
            "check.key_problem",
            tooltip="check.key_problem.tip",
            show=False,
        ),
        Binding("n", "answer('na')", "check.key_na", tooltip="check.key_na.tip", show=False),
        Binding("s", "sign", "check.key_sign", tooltip="check.key_sign.tip", show=False),
        # At 08:30 the windows each hour needs, and why, in one key: the Day plan's forecast
        # is at the end of a long tab (ctrl+g: no input, browser or Textual key takes it).
        Binding(
            "ctrl+g", "forecast", "check.key_forecast", tooltip="check.key_forecast.tip", show=False
        ),
        Binding("escape", "back_to_list", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="checklist")
        self.template: Template | None = None
        self.problem: ContentError | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        try:
            self.template = checklist_template()
        except ContentError as exc:
            # A bad template does not stop the app: the place says what is wrong and where.
            self.problem = exc
            with VerticalScroll(id="check-problem"):
                yield Static(problem_text(exc), id="template-error")
                yield Static(t("check.template_fix"))
            yield LobbyFooter()
            return
        lang = self.lobby_app.language
        with TabbedContent(id="check-tabs"):
            yield ItemsPane(self.template, lang)
            yield DayPlanPane(lang)
            yield TasksPane(self.template, lang)
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.fit_controls()
        if self.template is None:
            return
        self.reload()
        self.set_interval(30, self.show_progress)
        self.set_interval(TASKS_SECONDS, lambda: self.refresh_tasks(if_changed=True))
        self.query_one(ItemsPane).first_open()

    def on_screen_resume(self) -> None:
        # Raised elsewhere meanwhile (a round, a fraud call-back, …): read if anything was.
        self.refresh_tasks(if_changed=True)

    @on(TabbedContent.TabActivated, "#check-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-tasks":
            self.refresh_tasks()

    def refresh_tasks(self, if_changed: bool = False) -> None:
        """The open tasks, read in the background: whatever raised them, wherever."""
        if self.template is None or self.rebuilding:
            return
        if any(
            w.node is self and w.group == "read.tasks" and not w.is_finished for w in self.workers
        ):
            return  # one read at a time: its answer is at most a tick old
        store = self.lobby_app.store
        self.read_in_background(
            "tasks",
            lambda: tasks_service.open_tasks(store),
            self.query_one(TasksPane).show_tasks,
            if_changed=if_changed,
        )

    def reload(self) -> None:
        """Read today's answers, plan and tasks from the database and show them."""
        self.query_one(ItemsPane).show_state(
            checklist_service.today(self.lobby_app.store, self.day)
        )
        self.query_one(DayPlanPane).fill()
        self.query_one(TasksPane).fill()

    def show_progress(self) -> None:
        if not self.rebuilding:
            self.query_one(ItemsPane).show_progress()

    # What the tabs say -----------------------------------------------------------------

    @on(ItemsPane.Answered)
    def _answered(self, message: ItemsPane.Answered) -> None:
        self.query_one(TasksPane).fill()  # a problem opens a task; an OK may close one
        if message.chose:  # the weather changes the forecast: read it again
            plan = self.query_one(DayPlanPane)
            plan.forecast_read = None
            plan.read_forecast()

    @on(ItemsPane.Signed)
    def _signed(self) -> None:
        self.reload()
        self.query_one(ItemsPane).say_status(t("check.signed_toast"))

    @on(DayPlanPane.Saved)
    @on(TasksPane.Reported)
    def _said(self, message: DayPlanPane.Saved | TasksPane.Reported) -> None:
        self.query_one(ItemsPane).say_status(message.said)

    @on(TasksPane.Resolved)
    def _resolved(self) -> None:
        self.reload()
        self.query_one(ItemsPane).say_status(t("tasks.resolved"))

    # Keys ------------------------------------------------------------------------------

    def action_forecast(self) -> None:
        """The Day plan, scrolled to the forecast: the windows each hour needs and why."""
        if self.template is None:
            return
        self.query_one("#check-tabs", TabbedContent).active = "tab-plan"
        self.query_one("#forecast-title").scroll_visible(top=True, animate=False)

    def action_answer(self, value: str) -> None:
        if self.template is not None:
            self.query_one(ItemsPane).answer(value)

    def action_back_to_list(self) -> None:
        if self.template is not None:
            self.query_one(ItemsPane).back_to_list()

    def action_sign(self) -> None:
        if self.template is not None:
            self.query_one("#check-tabs", TabbedContent).active = "tab-items"
            self.query_one(ItemsPane).to_sign()

    # Language --------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        """Compose again in the new language, keeping whatever was typed and where."""
        focused = self.focused.id if self.focused else None
        highlighted = self.query_one("#items", OptionList).highlighted if self.template else None
        tab = self.query_one("#check-tabs", TabbedContent).active if self.template else None
        shown = self.query_one(ItemsPane).shown if self.template else None
        typed = await self.recompose_keeping_input()
        if self.template is None:
            return
        self.query_one(ItemsPane).shown = shown  # the inputs hold what was typed for it
        if tab:
            self.query_one("#check-tabs", TabbedContent).active = tab
        self.reload()
        self.query_one("#items", OptionList).highlighted = highlighted
        for field in self.query(Input):  # reload() refilled the counters
            if field.id in typed and field.id.startswith("input-counters-"):
                field.value = typed[field.id]
        if focused:
            for widget in self.query(f"#{focused}"):
                widget.focus()
