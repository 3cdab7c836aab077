"""The opening checklist's items (R1.1–R1.4): every item answered by key or by tap, a count
or a note where it needs one, and the sign-off. Each answer is saved the moment it is given,
so a restart resumes exactly where the manager was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static, TabPane
from textual.widgets.option_list import Option

from lobby_tui.domain.checklist import NOTE_MAX, Answer, Given, Item, Template
from lobby_tui.domain.day import local
from lobby_tui.domain.parse import parse_count
from lobby_tui.i18n import t
from lobby_tui.screens.panel import lobby_of, place_of
from lobby_tui.services import checklist as checklist_service
from lobby_tui.widgets.field import Field, plain
from lobby_tui.widgets.form import FieldError, Form

MARK = {None: "·", Answer.OK: "✓", Answer.PROBLEM: "✗", Answer.NA: "–"}


class ItemsPane(TabPane):
    """The items on the left, the one in hand on the right, the sign-off below."""

    @dataclass
    class Answered(Message):
        """An item was answered (a problem may have opened a task)."""

        pane: ItemsPane
        item_key: str
        chose: bool = False  # one of the item's choices was picked (the weather)

        @property
        def control(self) -> ItemsPane:
            return self.pane

    def __init__(self, template: Template, language: str) -> None:
        super().__init__(t("check.tab_items"), id="tab-items")
        self.template = template
        self.language = language
        self.given: dict[str, Given] = {}
        self.signed: tuple[str, datetime] | None = None
        self.shown: str | None = None  # the item whose count and note the inputs hold
        self.chosen: str | None = None  # the weather picked today (the forecast uses it)

    def compose(self) -> ComposeResult:
        yield Static(id="progress")
        yield Static(id="status")
        with Horizontal(id="check-body"):
            yield OptionList(id="items")
            with Form(fallback="answer", id="item-detail"):
                yield Static(id="item-label")
                with Horizontal(id="answer-buttons"):
                    yield Button(t("check.ok"), id="answer-ok", variant="success")
                    yield Button(t("check.problem"), id="answer-problem", variant="error")
                    yield Button(t("check.na"), id="answer-na")
                with Horizontal(id="choice-buttons"):
                    for item in self.template.items():
                        for choice in item.choice:
                            yield Button(
                                choice.label.text(self.language),
                                id=f"choice-{item.key}-{choice.key}",
                                classes=f"choice choice-{item.key}",
                            )
                yield FieldError("answer", id="error-answer")
                yield Field(
                    "count",
                    placeholder=t("check.count_placeholder"),
                    max_length=7,
                    restrict=r"[0-9]*",
                    check=parse_count,
                )
                yield Field("note", placeholder=t("check.note_placeholder"), max_length=NOTE_MAX)
        with Form(aliases={"name": "signer", "sign_off": "signer"}, id="sign-row"):
            yield Field(
                "signer",
                placeholder=t("check.signer_placeholder"),
                max_length=checklist_service.NAME_MAX,
            )
            yield Button(t("check.sign"), id="sign", variant="primary")

    @property
    def detail(self) -> Form:
        return self.query_one("#item-detail", Form)

    # State ---------------------------------------------------------------------------

    def show_state(self, state: checklist_service.Checklist) -> None:
        """Today's answers and sign-off as read from the store."""
        self.given = dict(state.given)
        self.chosen = state.weather
        run = state.run
        self.signed = (
            (run.signed_off_by or "", run.signed_off_at) if run and run.signed_off_at else None
        )
        self.fill_items()
        self.show_progress()

    def first_open(self) -> None:
        """Start on the first item not yet answered."""
        items = self.query_one("#items", OptionList)
        items.focus()
        first_open = next(
            (i.key for i in self.template.items() if i.key not in self.given),
            self.template.items()[0].key,
        )
        items.highlighted = items.get_option_index(first_open)

    def label(self, item: Item) -> str:
        return item.label.text(self.language)

    def fill_items(self) -> None:
        items = self.query_one("#items", OptionList)
        highlighted = items.highlighted
        items.clear_options()
        for section in self.template.section:
            items.add_option(
                Option(Text(section.label.text(self.language), style="bold"), disabled=True)
            )
            for item in section.item:
                items.add_option(Option(self.item_prompt(item), id=item.key))
        if highlighted is not None:
            items.highlighted = highlighted

    def item_prompt(self, item: Item) -> Text:
        given = self.given.get(item.key)
        answer = given.answer if given else None
        style = {Answer.PROBLEM: "bold red", Answer.OK: "green"}.get(answer, "") if answer else ""
        text = Text.assemble((f"{MARK[answer]} ", style), self.label(item))
        if given and given.count is not None:
            text.append(f"  [{given.count}]", style="dim")
        picked = next((c for c in item.choice if c.key == self.chosen), None)
        if given and picked is not None:
            text.append(f"  [{picked.label.text(self.language)}]", style="dim")
        if item.required and not given:
            text.append(" *", style="dim")
        return text

    def show_progress(self) -> None:
        app = lobby_of(self)
        total = len(self.template.items())
        problems = sum(1 for g in self.given.values() if g.answer == Answer.PROBLEM)
        parts = [t("check.progress", done=len(self.given), total=total)]
        if problems:
            parts.append(t("check.problems", count=problems))
        now = local(app.store.clock.now(), app.settings.timezone)
        opening = now.replace(
            hour=app.settings.opening_time.hour, minute=app.settings.opening_time.minute, second=0
        )
        minutes = int((opening - now).total_seconds() // 60)
        level = ""
        if self.signed:
            parts.append(
                t(
                    "check.signed",
                    name=self.signed[0],
                    time=local(self.signed[1], app.settings.timezone).strftime("%H:%M"),
                )
            )
        elif minutes >= 0:
            parts.append(t("check.opens_in", minutes=minutes, time=opening.strftime("%H:%M")))
        else:
            parts.append(t("check.opened_unsigned", time=opening.strftime("%H:%M")))
            level = "bold red"
        self.query_one("#progress", Static).update(Text(" · ".join(parts), style=level))

    def current(self) -> Item | None:
        items = self.query_one("#items", OptionList)
        if items.highlighted is None:
            return None
        option = items.get_option_at_index(items.highlighted)
        return self.template.item(option.id) if option.id else None

    @on(OptionList.OptionHighlighted, "#items")
    def item_highlighted(self) -> None:
        self.show_item()

    def show_item(self, fresh: bool = False) -> None:
        """Show the highlighted item; `fresh` refills its inputs from what was saved."""
        item = self.current()
        if item is None:
            return
        given = self.given.get(item.key)
        lines = [Text(self.label(item), style="bold")]
        lines.append(Text(t(f"check.kind_{item.kind}", minimum=item.minimum), style="dim"))
        if given:
            lines.append(Text(t("check.answered", answer=t(f"answer.{given.answer.value}"))))
        self.query_one("#item-label", Static).update(Text("\n").join(lines))
        count = self.detail.field("count")
        count.display = item.kind == "count"
        self.query_one("#choice-buttons").display = bool(item.choice)
        for button in self.query(".choice").results(Button):
            button.display = button.has_class(f"choice-{item.key}")
            button.variant = (
                "primary" if button.id == f"choice-{item.key}-{self.chosen}" else "default"
            )
        if item.key == self.shown and not fresh:
            return  # same item (a language switch, a refresh): keep what is being typed
        self.shown = item.key
        self.detail.clear()
        count.input.value = "" if not given or given.count is None else str(given.count)
        self.detail.field("note").input.value = (given.note or "") if given else ""

    def say_status(self, message: str) -> None:
        """What was just saved, said after the commit (quieter than a toast mid-list)."""
        app = lobby_of(self)
        stamp = local(app.store.clock.now(), app.settings.timezone).strftime("%H:%M:%S")
        self.query_one("#status", Static).update(Text(f"✓ {stamp} {message}", style="green"))

    def say_answer(self, message: str | Text) -> None:
        self.detail.tell("answer", plain(message))

    # Answering -----------------------------------------------------------------------

    def answer(self, value: str) -> None:
        """O, P, N: the highlighted item answered by key."""
        item = self.current()
        if item is None:
            return
        answer = Answer(value)
        if item.kind == "count" and answer != Answer.NA and not self.detail.values["count"]:
            # A count is answered by its number: go and type it.
            self.detail.tell("count", t("invalid.count_missing"))
            self.query_one("#input-count", Input).focus()
            return
        # After a problem the manager says what is wrong (Enter), or Esc to skip the note.
        if self.save(item, answer, advance=answer != Answer.PROBLEM) and answer == Answer.PROBLEM:
            self.query_one("#input-note", Input).focus()

    def save(
        self, item: Item, answer: Answer | None, *, advance: bool = True, choice: str | None = None
    ) -> bool:
        """Commit one answer (with the choice picked, if any); only then show it as saved."""
        app = lobby_of(self)
        values = self.detail.values
        with place_of(self).sending(self.detail) as outcome:
            count = (
                parse_count(values["count"])
                if item.kind == "count" and answer != Answer.NA
                else None
            )
            given = checklist_service.answer_item(
                app.store,
                app.settings,
                day=place_of(self).day,
                shift_id=app.shift_for_record(),
                template=self.template,
                item=item,
                label=self.label(item),
                answer=answer,
                count=count,
                note=values["note"],
                recheck_note=t("check.rechecked"),
                choice=choice,
            )
        if outcome.failed:
            return False
        self.given[item.key] = given
        if choice is not None:
            self.chosen = choice
        items = self.query_one("#items", OptionList)
        items.replace_option_prompt(item.key, self.item_prompt(item))
        self.show_progress()
        self.post_message(self.Answered(self, item.key, chose=choice is not None))
        self.say_status(t("check.saved", item=self.label(item)))
        if advance:
            self.next_open(item)
        else:
            self.show_item(fresh=True)
        return True

    def next_open(self, after: Item) -> None:
        """Move to the next unanswered item, so a run of OKs is one key each."""
        keys = [i.key for i in self.template.items()]
        start = keys.index(after.key)
        ordered = keys[start + 1 :] + keys[:start]
        target = next((k for k in ordered if k not in self.given), None)
        items = self.query_one("#items", OptionList)
        if target is not None:
            items.highlighted = items.get_option_index(target)
        items.focus()

    @on(Button.Pressed, "#answer-ok")
    def tap_ok(self) -> None:
        self.tap(Answer.OK)

    @on(Button.Pressed, "#answer-problem")
    def tap_problem(self) -> None:
        self.tap(Answer.PROBLEM)

    @on(Button.Pressed, "#answer-na")
    def tap_na(self) -> None:
        self.tap(Answer.NA)

    @on(Button.Pressed, ".choice")
    def pick(self, event: Button.Pressed) -> None:
        """A choice picked (the weather): the item is answered OK with it, in one save."""
        item = self.current()
        if item is None or event.button.id is None:
            return
        key = event.button.id.removeprefix(f"choice-{item.key}-")
        if key in {c.key for c in item.choice}:
            self.save(item, Answer.OK, choice=key)

    def tap(self, answer: Answer) -> None:
        item = self.current()
        if (
            item is not None
            and self.save(item, answer, advance=answer != Answer.PROBLEM)
            and answer == Answer.PROBLEM
        ):
            self.query_one("#input-note", Input).focus()

    @on(OptionList.OptionSelected, "#items")
    def edit_item(self) -> None:
        item = self.current()
        if item is not None:
            target = "#input-count" if item.kind == "count" else "#input-note"
            self.query_one(target, Input).focus()

    @on(Input.Submitted, "#input-count")
    def submit_count(self) -> None:
        item = self.current()
        if item is not None:
            self.save(item, None)

    @on(Input.Submitted, "#input-note")
    def submit_note(self) -> None:
        item = self.current()
        if item is None:
            return
        given = self.given.get(item.key)
        if given is None and item.kind != "count":
            self.say_answer(t("invalid.answer_missing"))
            return
        self.save(item, given.answer if given else None)
        self.query_one("#items", OptionList).focus()

    def back_to_list(self) -> None:
        self.query_one("#items", OptionList).focus()

    # Sign-off ------------------------------------------------------------------------

    def to_sign(self) -> None:
        self.query_one("#input-signer", Input).focus()

    @on(Button.Pressed, "#sign")
    @on(Input.Submitted, "#input-signer")
    def sign(self) -> None:
        form = self.query_one("#sign-row", Form)
        with place_of(self).sending(form) as outcome:
            checklist_service.sign_off(
                lobby_of(self).store,
                day=place_of(self).day,
                template=self.template,
                name=form.values["signer"],
            )
        if outcome.failed:
            return
        self.post_message(self.Signed(self))

    @dataclass
    class Signed(Message):
        """The checklist was signed off: everything is read again."""

        pane: ItemsPane

        @property
        def control(self) -> ItemsPane:
            return self.pane
