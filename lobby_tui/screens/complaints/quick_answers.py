"""Quick answers (R4.2): most questions are not complaints. Today's notices and rates from
the morning check and the branch FAQ, searchable; Enter logs "enquiry answered" with its
topic (counted at handover); an enquiry that turns into a complaint opens the intake form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from lobby_tui.content import ContentError, checklist_template, faq
from lobby_tui.domain.day import business_day
from lobby_tui.domain.errors import Invalid
from lobby_tui.i18n import t
from lobby_tui.screens.base import problem_text
from lobby_tui.screens.panel import lobby_of, place_of
from lobby_tui.services import checklist as checklist_service
from lobby_tui.services import enquiries as service
from lobby_tui.widgets.field import Field, plain
from lobby_tui.widgets.form import Form, invalid_text

INFORMATION_SECTION = "information"  # the checklist's section of notices and rates (R1.5)


@dataclass(frozen=True)
class QuickAnswer:
    topic: str
    text: str
    today: bool  # written down at this morning's check


class QuickAnswers(Vertical):
    BINDINGS = [
        Binding("c", "to_complaint", "answers.to_complaint", show=False),
        # In the search box: the arrows move the highlight, Enter logs it.
        Binding("down", "highlight(1)", show=False),
        Binding("up", "highlight(-1)", show=False),
    ]

    @dataclass
    class ToComplaint(Message):
        """The question was a complaint: open the intake form on its topic."""

        answers: QuickAnswers
        topic: str
        enquiry_id: str | None

        @property
        def control(self) -> QuickAnswers:
            return self.answers

    def __init__(self) -> None:
        super().__init__(id="answers-pane")
        self.answers: list[QuickAnswer] = []
        self.shown: list[QuickAnswer] = []
        self.last_logged: tuple[str, str] | None = None  # topic and id of the last enquiry

    def compose(self) -> ComposeResult:
        yield Static("", id="enquiry-count")
        yield Input(placeholder=t("answers.find_placeholder"), id="answer-find")
        yield OptionList(id="answers")
        with Horizontal(classes="form-row"):
            yield Button(t("answers.log"), id="log-enquiry", variant="success")
            yield Button(t("answers.to_complaint_button"), id="to-complaint", variant="warning")
        with Form(fallback="topic", id="other-topic"), Horizontal(classes="form-row"):
            yield Field("topic", placeholder=t("answers.other_placeholder"), max_length=80)
            yield Button(t("answers.log_other"), id="log-other")
        yield Static("", id="answer-message")

    def on_mount(self) -> None:
        self.reload()

    @property
    def day(self) -> date:
        app = lobby_of(self)
        return business_day(app.store.clock.now(), app.settings.timezone)

    def reload(self) -> None:
        self.answers = self.collect()
        self.show_answers()
        self.show_count()

    def collect(self) -> list[QuickAnswer]:
        app = lobby_of(self)
        lang = app.language
        out: list[QuickAnswer] = []
        try:
            template = checklist_template()
            given = checklist_service.today(app.store, self.day).given
            for section in template.section:
                if section.key != INFORMATION_SECTION:
                    continue
                for item in section.item:
                    note = given[item.key].note if item.key in given else None
                    if note:
                        out.append(QuickAnswer(item.label.text(lang), note, True))
        except ContentError:
            pass  # the checklist screen says what is wrong with the file
        try:
            out += [QuickAnswer(a.topic.text(lang), a.text.text(lang), False) for a in faq().answer]
        except ContentError as exc:
            self.say(problem_text(exc))
        return out

    def show_answers(self) -> None:
        wanted = self.query_one("#answer-find", Input).value.strip().lower()
        self.shown = [
            a for a in self.answers if not wanted or wanted in f"{a.topic} {a.text}".lower()
        ]
        answers = self.query_one("#answers", OptionList)
        answers.clear_options()
        for answer in self.shown:
            line = Text.assemble(
                ("★ " if answer.today else "", "bold"),
                (answer.topic, "bold"),
                "\n  ",
                (answer.text, ""),
            )
            answers.add_option(Option(line))
        if self.shown:
            answers.highlighted = 0
        else:
            answers.add_option(Option(Text(t("answers.none"), style="dim"), disabled=True))

    def show_count(self) -> None:
        count = service.enquiries_today(lobby_of(self).store, self.day)
        self.query_one("#enquiry-count", Static).update(t("answers.count", count=count))

    @on(Input.Changed, "#answer-find")
    def _find(self) -> None:
        self.show_answers()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "highlight":
            return self.query_one("#answer-find", Input).has_focus
        return True

    def action_highlight(self, step: int) -> None:
        answers = self.query_one("#answers", OptionList)
        if self.shown:
            now = answers.highlighted or 0
            answers.highlighted = max(0, min(len(self.shown) - 1, now + step))

    @on(Input.Submitted, "#answer-find")
    def _log_found(self) -> None:
        """Enter in the search box logs the answer highlighted (the best match); the list
        takes the focus, where `c` turns the question into a complaint."""
        if self.chosen() is None:
            self.say(t("answers.choose"))
            return
        self.log_chosen()
        self.query_one("#answers", OptionList).focus()

    def chosen(self) -> QuickAnswer | None:
        highlighted = self.query_one("#answers", OptionList).highlighted
        if highlighted is None or highlighted >= len(self.shown):
            return None
        return self.shown[highlighted]

    @on(OptionList.OptionSelected, "#answers")
    @on(Button.Pressed, "#log-enquiry")
    def log_chosen(self) -> None:
        answer = self.chosen()
        if answer is None:
            self.say(t("answers.choose"))
            return
        self.log_enquiry(answer.topic)

    @on(Button.Pressed, "#log-other")
    @on(Input.Submitted, "#input-topic")
    def log_other(self) -> None:
        form = self.query_one("#other-topic", Form)
        if self.log_enquiry(form.values["topic"], form) is not None:
            form.reset()

    def log_enquiry(self, topic: str, form: Form | None = None) -> str | None:
        """Count the enquiry answered; bad input is said beside the topic typed in `form`,
        else on the line below the list."""
        app = lobby_of(self)
        enquiry_id = None
        with place_of(self).guarded(form.say if form else self.say_invalid) as outcome:
            enquiry_id, count = service.log_enquiry(
                app.store, day=self.day, shift_id=app.shift_for_record(), topic=topic
            )
        if outcome.failed:
            return None
        if form:
            form.clear()
        self.last_logged = (topic.strip(), str(enquiry_id))
        self.say(t("answers.logged", topic=topic.strip(), count=count))
        self.show_count()
        return enquiry_id

    @on(Button.Pressed, "#to-complaint")
    def action_to_complaint(self) -> None:
        """The question was a complaint after all: logged as an enquiry, then the intake
        form opens with its topic, and the complaint is linked to it when saved."""
        answer = self.chosen()
        other = self.query_one("#field-topic", Field).value.strip()
        topic = other or (answer.topic if answer else "")
        if self.last_logged and self.last_logged[0] == topic:
            enquiry_id: str | None = self.last_logged[1]  # just answered: the same enquiry
        else:
            form = self.query_one("#other-topic", Form)
            enquiry_id = self.log_enquiry(topic, form) if topic else None
        self.last_logged = None
        self.post_message(self.ToComplaint(self, topic, enquiry_id))

    def say(self, text: str | Text) -> None:
        self.query_one("#answer-message", Static).update(plain(text))  # may quote a topic

    def say_invalid(self, exc: Invalid) -> None:
        self.say(invalid_text(exc))
