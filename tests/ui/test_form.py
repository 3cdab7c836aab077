"""The one Form every place uses: bad input said beside the field it names, and only there;
messages cleared; what was typed kept until the form is used, then emptied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Select, Static, TextArea

from lobby_tui.domain.errors import Invalid
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
        assert form.values == {"owner": "Wang [b]Li", "promised": ""}


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
        assert form.values == {"owner": "", "promised": ""}
        assert app.query_one("#vip", Checkbox).value is False
        assert app.query_one("#choice", Select).value is Select.NULL
        assert said(app, "#error-owner") == ""
