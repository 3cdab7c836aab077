"""The one Form every place uses: bad input said beside the field it names, and only there;
messages cleared; what was typed kept until the form is used, then emptied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Select, Static, TextArea

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import parse_time
from lobby_tui.i18n import set_language
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.form import FieldError, Form


class FormApp(App[None]):
    def compose(self) -> ComposeResult:
        with Form(aliases={"promised_by": "promised"}, fallback="form", focus=True, id="form"):
            with Horizontal():  # fields anywhere inside the form, not only its children
                yield Field("owner")
                yield Field("promised")
            yield TextArea(id="description")
            yield FieldError("description", control="#description", id="error-description")
            yield Checkbox("VIP", id="vip")
            yield Select([("one", "1")], id="choice")
            yield FieldError("form", id="error-form")
            with Horizontal(id="told-row"):  # a narrow time beside a choice and a button
                yield Select([("Police", "police")], id="party")
                yield Field("at", max_length=5, check=lambda typed: parse_time(typed, "at"))
                yield Button("Told")


def said(app: App[None], selector: str) -> str:
    return str(app.query_one(selector, Static).render()).strip()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


async def test_say_routes_each_invalid_to_the_field_it_names() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        form.say(Invalid("owner", "text_too_long", max=40))
        await pilot.pause()
        assert said(app, "#error-owner") == "At most 40 characters."
        assert said(app, "#error-promised") == ""
        assert said(app, "#error-form") == ""
        assert app.focused is form.field("owner").input  # focused to be fixed at once

        form.say(Invalid("promised_by", "time_format"))  # the service's name for it
        await pilot.pause()
        assert said(app, "#error-promised") == "Type the time as HH:MM, e.g. 14:30."

        form.say(Invalid("description", "name_missing"))  # a control that is not a Field
        await pilot.pause()
        assert said(app, "#error-description") == "Type your name to sign off."
        assert app.focused is app.query_one("#description")

        form.say(Invalid("nowhere", "name_missing"))  # a field the form does not hold
        await pilot.pause()
        assert said(app, "#error-form") == "Type your name to sign off."


async def test_a_field_fixed_since_the_last_try_no_longer_shows_its_message() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        form.say(Invalid("owner", "text_too_long", max=40))
        form.say(Invalid("promised_by", "time_format"))  # the owner was fixed, the date not
        await pilot.pause()
        assert said(app, "#error-owner") == ""
        assert said(app, "#error-promised") != ""


async def test_clear_empties_every_message_and_keeps_what_was_typed() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        form.field("owner").input.value = "Wang [b]Li"  # a "[" is not markup
        form.say(Invalid("owner", "text_too_long", max=40))
        form.tell("description", "say it again")
        form.clear()
        await pilot.pause()
        assert [said(app, f"#error-{n}") for n in ("owner", "promised", "description", "form")] == [
            "",
            "",
            "",
            "",
        ]
        assert form.values == {"owner": "Wang [b]Li", "promised": "", "at": ""}


async def test_reset_empties_the_fields_ticks_and_choices() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        form.field("owner").input.value = "Wang"
        form.field("promised").input.value = "12-24"
        app.query_one("#vip", Checkbox).value = True
        app.query_one("#choice", Select).value = "1"
        form.say(Invalid("owner", "text_too_long", max=40))
        form.reset()
        await pilot.pause()
        assert form.values == {"owner": "", "promised": "", "at": ""}
        assert app.query_one("#vip", Checkbox).value is False
        assert app.query_one("#choice", Select).value is Select.NULL
        assert said(app, "#error-owner") == ""


async def test_a_message_goes_as_soon_as_its_field_is_fixed() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        form.field("owner").input.value = "far too long a name"
        form.say(Invalid("owner", "text_too_long", max=10))
        await pilot.pause()
        assert said(app, "#error-owner") == "At most 10 characters."
        form.field("owner").input.value = "Wang"  # fixed: no rule of its own to wait for
        await pilot.pause()
        assert said(app, "#error-owner") == ""


async def test_a_field_with_a_rule_keeps_its_message_until_it_is_right() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        typed = form.field("at").input
        typed.value = "25:00"
        form.say(Invalid("at", "time_format"))
        await pilot.pause()
        typed.focus()
        await pilot.press("end", *["backspace"] * 5, "1", "8", ":")  # still being typed
        await pilot.pause()
        assert said(app, "#error-at") == "Type the time as HH:MM, e.g. 14:30."
        await pilot.press("0", "5")
        await pilot.pause()
        assert said(app, "#error-at") == ""


async def test_a_line_for_another_control_goes_once_that_control_changes() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        form.tell("description", "Say what the customer said.")
        await pilot.pause()
        form.field("owner").input.value = "Wang"  # another field: the message stays
        await pilot.pause()
        assert said(app, "#error-description") == "Say what the customer said."
        app.query_one("#description", TextArea).text = "the card was swallowed"
        await pilot.pause()
        assert said(app, "#error-description") == ""
        form.tell("form", "Choose one.")  # a line for the whole form: any change fixes it
        await pilot.pause()
        app.query_one("#choice", Select).value = "1"
        await pilot.pause()
        assert said(app, "#error-form") == ""


async def test_a_message_said_about_what_the_screen_just_set_stays() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        form.field("owner").input.value = "set by the screen"  # its Changed comes later
        form.say(Invalid("owner", "text_too_long", max=10))
        await pilot.pause()
        assert said(app, "#error-owner") == "At most 10 characters."


async def test_reset_of_a_part_leaves_the_rest() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        form.field("owner").input.value = "Wang"
        form.field("at").input.value = "10:30"
        app.query_one("#party", Select).value = "police"
        form.reset(app.query_one("#told-row"))
        await pilot.pause()
        assert app.query_one("#party", Select).value is Select.NULL
        assert form.values["at"] == "" and form.values["owner"] == "Wang"


async def test_the_message_of_a_narrow_field_in_a_row_wraps_as_words_under_the_row() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.query_one(Form)
        form.say(Invalid("at", "escalation_before_incident"))
        await pilot.pause()
        message = app.query_one("#error-at", Static)
        row = app.query_one("#told-row")
        assert message.region.y >= row.region.bottom  # under the row, not inside the field
        assert message.region.width == row.region.width
        assert message.region.height == 1  # one line of words, not a column


class RowFormApp(App[None]):
    """A form that is one row, laid out across by CSS (the day plan's appointment)."""

    CSS = "#row-form { layout: horizontal; height: auto; } Button { width: 8; }"

    def compose(self) -> ComposeResult:
        with Form(id="row-form"):
            yield Field("time", max_length=5, check=lambda typed: parse_time(typed))
            yield Field("purpose")
            yield Button("Add")


async def test_the_message_of_a_field_in_a_form_laid_out_across_goes_under_the_form() -> None:
    app = RowFormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.query_one(Form)
        form.say(Invalid("time", "time_format"))
        await pilot.pause()
        message = app.query_one("#error-time", Static)
        assert message.region.y >= form.region.bottom
        assert message.region.height == 1 and message.region.width == 80
        assert said(app, "#error-time") == "Type the time as HH:MM, e.g. 14:30."
