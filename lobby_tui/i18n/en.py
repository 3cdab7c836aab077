"""English catalog. Keys are shared with zh_CN.py; a test keeps the two complete."""

CATALOG: dict[str, str] = {
    "app.title": "Lobby manager",
    "app.demo_badge": "DEMO",
    # Places: short names (top bar, footer) and what each is for.
    "place.dashboard": "Lobby",
    "place.checklist": "Opening checklist",
    "place.triage": "Arrival triage",
    "place.rounds": "Waiting-area rounds",
    "place.complaints": "Complaints",
    "place.incidents": "Incidents",
    "place.handover": "Shift handover",
    "place.checklist.title": "Opening checklist — the 30 minutes before the doors open",
    "place.checklist.purpose": (
        "Walk the hall, test the ticket machine, self-service terminals and LED screen, count "
        "forms and brochures, note weather and traffic, read today's notices and plan the day. "
        "Every problem found becomes a task that stays on the lobby screen until it is fixed."
    ),
    "place.triage.title": "Arrival triage — every walk-in routed within 30 seconds",
    "place.triage.purpose": (
        "Choose the customer's need with one key, see the suggested channel and why, give them a "
        "ticket and an honest waiting time, and keep the live queue per channel."
    ),
    "place.rounds.title": "Waiting-area rounds",
    "place.rounds.purpose": (
        "A round is due every few minutes: longest waiters first, an apology for anyone past the "
        "amber mark, water and reading matter, help with forms, documents and the machines."
    ),
    "place.complaints.title": "Complaints",
    "place.complaints.purpose": (
        "Listen, acknowledge, classify; solve on the spot or promise a deadline with an owner; "
        "follow up and call back. The regulatory clock runs for every case."
    ),
    "place.incidents.title": "Incidents — order and security",
    "place.incidents.purpose": (
        "Crowding, line-cutting, suspicious people, PIN-peeking, suspected fraud victims, "
        "medical and fire emergencies: on record within seconds, with who was told and when."
    ),
    "place.handover.title": "Shift handover",
    "place.handover.purpose": (
        "The day's figures — waits, walk-aways, rounds, complaints, incidents — every open item, "
        "and a handover note for the next shift."
    ),
    "place.not_yet": (
        "This place is not in this version of the app yet. Until it is, keep these records on "
        "paper as before; nothing you do here is saved. F1 returns to the lobby."
    ),
    "weekday.0": "Mon",
    "weekday.1": "Tue",
    "weekday.2": "Wed",
    "weekday.3": "Thu",
    "weekday.4": "Fri",
    "weekday.5": "Sat",
    "weekday.6": "Sun",
    "shift.open_since": "Shift open since {time}",
    "shift.none": "No shift open",
    # Footer keys and their tooltips.
    "nav.dashboard": "Lobby",
    "nav.checklist": "Checks",
    "nav.triage": "Triage",
    "nav.rounds": "Rounds",
    "nav.complaints": "Complaints",
    "nav.incidents": "Incidents",
    "nav.handover": "Handover",
    "nav.flag": "Flag!",
    "nav.dashboard.tip": "The live lobby",
    "nav.checklist.tip": "The opening checklist",
    "nav.triage.tip": "Triage a walk-in",
    "nav.rounds.tip": "Start or continue a round of the waiting area",
    "nav.complaints.tip": "Take down or follow up a complaint",
    "nav.incidents.tip": "Incidents, order and security",
    "nav.handover.tip": "End-of-shift figures and handover",
    "nav.flag.tip": "Raise an incident now, from any screen",
    "textual.palette": "Commands",
    # Command palette.
    "cmd.placeholder": "Type a place or a command…",
    "cmd.go": "Go to: {place}",
    "cmd.language.en": "Language: English",
    "cmd.language.zh": "语言：中文 (Chinese)",
    "cmd.language.help": "Show the app in the other language; remembered for the next start",
    "cmd.theme.default": "Theme: default",
    "cmd.theme.contrast": "Theme: high contrast",
    "cmd.theme.help": "High contrast reads better in a bright lobby",
    "cmd.keys": "Show keys",
    "cmd.keys.help": "Every key of this screen",
    "cmd.quit": "Quit",
    "cmd.quit.help": "Close the app (everything is already saved)",
    # Opening checklist.
    "check.key_ok": "OK",
    "check.key_ok.tip": "The highlighted item is fine",
    "check.key_problem": "Problem",
    "check.key_problem.tip": "The highlighted item has a problem: it becomes a task",
    "check.key_na": "N/A",
    "check.key_na.tip": "The highlighted item does not apply today",
    "check.key_sign": "Sign off",
    "check.key_sign.tip": "Sign the checklist off with your name",
    "check.tab_items": "Checklist",
    "check.tab_plan": "Day plan",
    "check.tab_tasks": "Tasks",
    "check.ok": "o OK",
    "check.problem": "p Problem",
    "check.na": "n N/A",
    "check.sign": "s Sign off",
    "check.count_placeholder": "count, then Enter",
    "check.note_placeholder": "note (optional), then Enter",
    "check.signer_placeholder": "your name, to sign off",
    "check.template_fix": (
        "The rest of the app works as usual. Correct the file (or put back the one that came "
        "with the app) and open this place again."
    ),
    "check.progress": "{done}/{total} answered",
    "check.problems": "{count} problem(s)",
    "check.opens_in": "doors open in {minutes} min ({time})",
    "check.opened_unsigned": "doors opened at {time} — not signed off yet",
    "check.signed": "signed off by {name} at {time}",
    "check.kind_check": "OK, problem or not applicable.",
    "check.kind_device": "A problem puts this device out of service until its task is resolved.",
    "check.kind_count": "Count them: fewer than {minimum} is a shortage.",
    "check.kind_note": "Read or plan it; note what matters today.",
    "check.answered": "Answered: {answer}",
    "answer.ok": "OK",
    "answer.problem": "problem",
    "answer.na": "not applicable",
    "check.saved": "Saved: {item}",
    "check.rechecked": "Checked again: fine now.",
    "check.signed_toast": "Checklist signed off.",
    "plan.counters": "Counters open now (Enter saves; change any time of day)",
    "plan.appointments": "Key-customer appointments",
    "plan.cash": "Expected large cash movements",
    "plan.forecast": "Expected arrivals per hour (last four same weekdays)",
    "plan.time_placeholder": "HH:MM",
    "plan.purpose_placeholder": "purpose",
    "plan.who_placeholder": "customer ref. (optional)",
    "plan.amount_placeholder": "amount, yuan",
    "plan.note_placeholder": "note (optional)",
    "plan.vip": "VIP",
    "plan.add": "Add",
    "plan.none": "None entered.",
    "plan.yuan": "¥{amount}",
    "plan.no_history": "No history yet: the forecast appears after the first weeks of use.",
    "plan.peaks": "Expected peaks: {hours} (from {days} day(s) of history)",
    "plan.counters_saved": "Counters saved.",
    "tasks.resolution_placeholder": "what was done, to resolve the highlighted task",
    "tasks.resolve": "Resolve",
    "tasks.resolved": "Task resolved.",
    "tasks.pick_one": "Highlight a task in the list first.",
    "tasks.due": "due {time}",
    "tasks.device_title": "A device found faulty during the day",
    "tasks.device_prompt": "Choose the device",
    "tasks.fault_placeholder": "what is wrong (optional)",
    "tasks.mark_faulty": "Out of service",
    "tasks.device_out": "{device} is out of service until its task is resolved.",
    "tasks.device_already": "{device} was already out of service.",
    # Dashboard.
    "dash.waiting.title": "Waiting now: {count}",
    "dash.waiting.empty": "Nobody is waiting. F3 triages the next walk-in.",
    "dash.waiting.channel": "Channel",
    "dash.waiting.people": "Waiting",
    "dash.waiting.longest": "Longest",
    "dash.minutes": "{n} min",
    "dash.round.title": "Next round",
    "dash.round.last": "Last round started {time}.",
    "dash.round.none": "No round yet today.",
    "dash.round.due": "Next due at {time}. F4 starts a round.",
    "dash.round.overdue": "Due since {time} — {minutes} min late. F4 starts a round now.",
    "dash.checklist.title": "Opening checklist",
    "dash.checklist.none": "Not started today. F2 opens the checklist.",
    "dash.checklist.signed": "Done and signed off.",
    "dash.checklist.progress": "{done}/{total} answered, not signed off. F2 continues.",
    "dash.checklist.late": "The doors opened at {time}: finish and sign off.",
    "dash.appointments.title": "Appointments today: {count}",
    "dash.appointments.empty": "No appointments. Add them in the day plan (F2).",
    "dash.device_out": "⚠ Out of service since {time}: {device}",
    "dash.tasks.title": "Open tasks: {count}",
    "dash.tasks.empty": "No open tasks.",
    "dash.complaints.title": "Open complaints: {count}",
    "dash.complaints.empty": "No open complaints. F5 takes one down.",
    "dash.incidents.title": "Open incidents: {count}",
    "dash.incidents.empty": "All quiet. F8 flags an incident from any screen.",
    "dash.more": "… and {n} more",
    "dash.hours.title": "Arrivals today: {total}",
    "dash.hours.empty": "No arrivals yet today.",
    "dash.hours.summary": "Served {served} · left without service {left}",
    # Errors a person can cause, each one line they can act on.
    "error.db.locked": (
        "The database {path} is busy in another program. Close it there and start again."
    ),
    "error.db.read_only": (
        "The database {path} cannot be written (read-only file or folder). "
        "Choose a writable place with --db."
    ),
    "error.db.disk_full": "The disk holding {path} is full. Free some space; nothing was saved.",
    "error.db.corrupt": (
        "The database {path} is damaged. It was left untouched; restore a backup or "
        "start with a new file using --db."
    ),
    "error.db.cannot_open": "The database {path} cannot be opened (check its permissions).",
    "error.db.failed": "The database {path} could not be used: {detail}",
    "error.db.is_directory": "{path} is a folder. Give the path of a database file with --db.",
    "error.db.no_folder": "The folder {folder} does not exist. Create it or choose another --db.",
    "error.db.missing": "There is no database at {path}.",
    "error.db.folder_read_only": (
        "The folder {folder} is read-only, so no database can be created there."
    ),
    "error.db.not_sqlite": (
        "{path} is not a lobby database (not an SQLite file). It was left untouched."
    ),
    "error.db.too_new": (
        "The database {path} was written by a newer version of lobby_tui (schema {found}, "
        "this app knows {known}). Update the app; the file was left untouched."
    ),
    "error.db.needs_upgrade": (
        "The database {path} is from an older version; open it once with `lobby` to upgrade it."
    ),
    "error.arrival.ticket_taken": "Ticket {ticket} is already used today. Check the number.",
    "error.arrival.not_found": "That arrival is no longer on record.",
    "error.arrival.already": "Ticket {ticket} has already moved on; nothing was changed.",
    "error.task.not_found": "That task is no longer on record.",
    "error.task.already_resolved": "That task was already resolved (perhaps on another tablet).",
    # Bad input, shown beside the field.
    "invalid.count_missing": "Type the number counted.",
    "invalid.count_not_number": "Type a whole number, e.g. 35.",
    "invalid.count_range": "A count goes from 0 to {max}.",
    "invalid.note_too_long": "Keep the note under {max} characters (now {length}).",
    "invalid.answer_missing": "Choose OK, problem or not applicable first.",
    "invalid.sign_off_missing": "{count} required item(s) still need an answer before sign-off.",
    "invalid.already_signed": "Already signed off by {name}.",
    "invalid.name_missing": "Type your name to sign off.",
    "invalid.name_too_long": "A name of at most {max} characters.",
    "invalid.resolution_missing": "Say what was done: a task is resolved with a note.",
    "invalid.time_format": "Type the time as HH:MM, e.g. 14:30.",
    "invalid.counters_range": "Type how many counters are open: 0 to {max}.",
    "invalid.amount_range": "Type the amount in yuan as a whole number, e.g. 500000.",
    "invalid.channel_unknown": "There is no such channel.",
    "invalid.purpose_missing": "Say what the appointment is for.",
    "invalid.text_too_long": "At most {max} characters.",
    "error.demo.not_empty": (
        "{path} already holds data. The demo only writes to a new file; choose another --db."
    ),
    "error.content.missing_dir": "The app's content folder was not found (looked in: {places}).",
    "error.content.missing_file": "The content file {file} is missing.",
    "error.content.bad_file": "The content file {file} cannot be read: {problem}",
    "error.content.bad_entry": "The content file {file} has a problem in {entry}: {problem}",
    "error.content.bad_value": "The content file {file}, line {line}: {problem}",
    "error.settings": "The setting {key} is not valid: {problem}",
    "error.os": "The system refused: {detail} {path}",
    "error.unexpected": "Something went wrong and was not saved: {detail}",
    # Command line.
    "cli.help": (
        "lobby_tui: the bank branch lobby manager's floor tool. Without a command, opens the "
        "live lobby on your database."
    ),
    "cli.db_help": "The database file (default: your user data folder). Also LOBBY_DB.",
    "cli.lang_help": "Language of the app: zh or en (default: the saved choice, then the system).",
    "cli.demo_help": "Open the app on a throwaway database holding a plausible morning.",
    "cli.demo_db_help": "Write the demo lobby to this new file instead of a throwaway one.",
    "cli.no_ui_help": "Only write the demo data to --db and exit.",
    "cli.seed_help": "Random seed: the same seed gives the same demo lobby.",
    "cli.demo_needs_db": "--no-ui needs --db PATH to write the demo data to.",
    "cli.demo_written": "Demo lobby written: {count} arrivals in {path}",
    "cli.verify_help": "Check the database file and the journal's hash chain.",
    "cli.verify_integrity_bad": "FAILED: the database file is damaged: {problem}",
    "cli.verify_chain_bad": "FAILED: the journal was altered at event #{seq} ({reason}).",
    "cli.verify_reason_link": "an event before it was removed or replaced",
    "cli.verify_reason_hash": "its content was changed",
    "cli.verify_ok": "OK: {path} is sound; {events} journal events, the hash chain is intact.",
}
