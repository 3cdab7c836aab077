"""The schema, as an ordered list of migrations. Never edit a released one: append a new one.

`PRAGMA user_version` holds the number of migrations applied. Each runs in its own
transaction together with the version bump, so a crash leaves the file at a known version.
"""

from __future__ import annotations

# Conventions: ids are text UUIDs (rows from several tablets can merge); instants are UTC
# ISO-8601 text ("2026-11-28T01:30:05Z", fixed width so text order is time order);
# `business_day` is the branch-local date (YYYY-MM-DD) an entity belongs to.
MIGRATIONS: list[str] = [
    # 1: the tables of the design card.
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL              -- JSON
    );

    CREATE TABLE shifts (
        id TEXT PRIMARY KEY,
        business_day TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        opened_by TEXT,
        closed_at TEXT,
        closed_by TEXT,
        handover_note TEXT
    );
    CREATE INDEX shifts_day ON shifts(business_day);
    CREATE INDEX shifts_open ON shifts(closed_at) WHERE closed_at IS NULL;

    CREATE TABLE checklist_runs (
        id TEXT PRIMARY KEY,
        shift_id TEXT NOT NULL REFERENCES shifts(id),
        business_day TEXT NOT NULL,
        template_key TEXT NOT NULL,
        template_version INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        items_total INTEGER NOT NULL,
        signed_off_at TEXT,
        signed_off_by TEXT
    );
    CREATE INDEX checklist_runs_day ON checklist_runs(business_day);

    CREATE TABLE checklist_answers (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES checklist_runs(id),
        item_key TEXT NOT NULL,
        section TEXT NOT NULL,
        label TEXT NOT NULL,             -- as shown when answered: later templates never rewrite it
        answer TEXT NOT NULL CHECK (answer IN ('ok', 'problem', 'na')),
        count INTEGER,
        minimum INTEGER,
        note TEXT,
        answered_at TEXT NOT NULL,
        UNIQUE (run_id, item_key)
    );

    CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        shift_id TEXT REFERENCES shifts(id),
        source TEXT NOT NULL,            -- checklist, round, arrival, incident, manual
        source_id TEXT,
        device_key TEXT,                 -- set when the task is a faulty device
        what TEXT NOT NULL,
        owner TEXT,
        due_at TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution_note TEXT
    );
    CREATE INDEX tasks_open ON tasks(status, created_at);

    CREATE TABLE arrivals (
        id TEXT PRIMARY KEY,
        shift_id TEXT REFERENCES shifts(id),
        business_day TEXT NOT NULL,
        ticket TEXT NOT NULL,
        arrived_at TEXT NOT NULL,
        need TEXT NOT NULL,
        channel TEXT NOT NULL,
        suggested_channel TEXT,
        override_reason TEXT,
        priority INTEGER NOT NULL DEFAULT 0,
        flags TEXT NOT NULL DEFAULT '[]', -- JSON list: elderly, disabled, pregnant, vip, ...
        party_size INTEGER NOT NULL DEFAULT 1 CHECK (party_size BETWEEN 1 AND 20),
        note TEXT,
        status TEXT NOT NULL DEFAULT 'waiting'
            CHECK (status IN ('waiting', 'called', 'done', 'left', 'not_seen')),
        quoted_wait_min INTEGER,         -- the estimate behind the band
        quoted_band TEXT,                -- lt5, 5to10, 10to20, gt20
        called_at TEXT,
        done_at TEXT,
        left_at TEXT,
        triage_seconds REAL,
        UNIQUE (business_day, ticket)
    );
    CREATE INDEX arrivals_day_channel ON arrivals(business_day, channel, status);
    CREATE INDEX arrivals_live ON arrivals(status, channel) WHERE status = 'waiting';

    CREATE TABLE rounds (
        id TEXT PRIMARY KEY,
        shift_id TEXT REFERENCES shifts(id),
        business_day TEXT NOT NULL,
        due_at TEXT,
        started_at TEXT NOT NULL,
        completed_at TEXT,
        crowding TEXT,
        note TEXT
    );
    CREATE INDEX rounds_day ON rounds(business_day, started_at);

    CREATE TABLE care_actions (
        id TEXT PRIMARY KEY,
        round_id TEXT REFERENCES rounds(id),
        arrival_id TEXT REFERENCES arrivals(id),
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT
    );
    CREATE INDEX care_actions_arrival ON care_actions(arrival_id);
    CREATE INDEX care_actions_round ON care_actions(round_id);

    CREATE TABLE complaints (
        id TEXT PRIMARY KEY,
        case_no TEXT NOT NULL UNIQUE,
        shift_id TEXT REFERENCES shifts(id),
        received_at TEXT NOT NULL,
        received_via TEXT NOT NULL,      -- in_person, phone, letter
        customer_name TEXT,              -- personal: masked on screen, kept minimal
        customer_phone TEXT,             -- personal: masked on screen, kept minimal
        category TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        responsibility TEXT,
        description TEXT NOT NULL,
        wants TEXT,
        arrival_id TEXT REFERENCES arrivals(id),
        incident_id TEXT,
        status TEXT NOT NULL DEFAULT 'new'
            CHECK (status IN ('new', 'in_progress', 'resolved', 'callback_done', 'closed')),
        owner TEXT,
        decision_due_at TEXT,            -- the regulatory clock
        promised_by TEXT,                -- the deadline promised to the customer
        resolved_at TEXT,
        callback_due_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX complaints_status ON complaints(status, decision_due_at);
    CREATE INDEX complaints_received ON complaints(received_at);

    CREATE TABLE complaint_updates (
        id TEXT PRIMARY KEY,
        complaint_id TEXT NOT NULL REFERENCES complaints(id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT,
        note TEXT
    );
    CREATE INDEX complaint_updates_complaint ON complaint_updates(complaint_id, at);

    CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        shift_id TEXT REFERENCES shifts(id),
        business_day TEXT NOT NULL,
        raised_at TEXT NOT NULL,
        type TEXT NOT NULL,
        zone TEXT,
        severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        note TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'monitoring', 'resolved')),
        resolved_at TEXT,
        resolution_note TEXT
    );
    CREATE INDEX incidents_status ON incidents(status, raised_at);
    CREATE INDEX incidents_day ON incidents(business_day);

    -- Long text autosaved while typed, so a crash never loses what the customer said.
    CREATE TABLE drafts (
        key TEXT PRIMARY KEY,            -- form + entity, e.g. complaint:new
        body TEXT NOT NULL,              -- JSON of the form's fields
        updated_at TEXT NOT NULL
    );

    -- The append-only journal. Each row's hash covers the previous hash and every other
    -- field, so changing any field of any event breaks the chain (`lobby verify`).
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        payload TEXT NOT NULL,           -- JSON
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX events_entity ON events(entity, entity_id);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN
        SELECT RAISE(ABORT, 'events is append-only');
    END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN
        SELECT RAISE(ABORT, 'events is append-only');
    END;
    """,
    # 2: the day plan (R1.6) and devices out of service (R1.2).
    """
    -- The channel a faulty device serves, as it was when the fault was reported.
    ALTER TABLE tasks ADD COLUMN device_channel TEXT;
    CREATE INDEX tasks_device ON tasks(device_key, status) WHERE device_key IS NOT NULL;
    CREATE INDEX tasks_source ON tasks(source, source_id);

    CREATE TABLE appointments (
        id TEXT PRIMARY KEY,
        business_day TEXT NOT NULL,
        due_at TEXT NOT NULL,
        purpose TEXT NOT NULL,
        vip INTEGER NOT NULL DEFAULT 0,
        who TEXT,                        -- personal: a short reference, masked on screen
        arrival_id TEXT REFERENCES arrivals(id),
        created_at TEXT NOT NULL
    );
    CREATE INDEX appointments_day ON appointments(business_day, due_at);

    CREATE TABLE cash_movements (
        id TEXT PRIMARY KEY,
        business_day TEXT NOT NULL,
        due_at TEXT NOT NULL,
        amount INTEGER NOT NULL CHECK (amount > 0),
        note TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX cash_movements_day ON cash_movements(business_day, due_at);

    -- Counters open per channel: the latest row of the day wins; none means the default.
    CREATE TABLE counter_plans (
        id TEXT PRIMARY KEY,
        business_day TEXT NOT NULL,
        channel TEXT NOT NULL,
        counters INTEGER NOT NULL CHECK (counters BETWEEN 0 AND 30),
        at TEXT NOT NULL,
        note TEXT
    );
    CREATE INDEX counter_plans_day ON counter_plans(business_day, channel, at);
    """,
    # 3: what triage tells the customer, and mis-route fixes (R2.7).
    """
    ALTER TABLE arrivals ADD COLUMN script TEXT;          -- the next steps, as told
    ALTER TABLE arrivals ADD COLUMN moved_from TEXT;      -- the channel before a mis-route fix
    ALTER TABLE arrivals ADD COLUMN moved_reason TEXT;
    ALTER TABLE arrivals ADD COLUMN appointment_id TEXT REFERENCES appointments(id);
    ALTER TABLE arrivals ADD COLUMN cues TEXT;            -- JSON list of what the manager noticed
    """,
    # 4: rounds and needs discovery (R3).
    """
    ALTER TABLE rounds ADD COLUMN observations TEXT;      -- JSON: what the hall looked like
    ALTER TABLE care_actions ADD COLUMN product TEXT;     -- needs discovery (R3.6)
    ALTER TABLE care_actions ADD COLUMN consent INTEGER;  -- agrees to be contacted
    ALTER TABLE care_actions ADD COLUMN asked INTEGER;    -- the customer asked about it
    CREATE INDEX rounds_open ON rounds(completed_at) WHERE completed_at IS NULL;
    """,
    # 5: what was done about an incident, and reminders on the floor (R5).
    """
    CREATE TABLE incident_updates (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents(id),
        at TEXT NOT NULL,                -- when it happened (a call may be entered later)
        recorded_at TEXT NOT NULL,
        kind TEXT NOT NULL,              -- escalated, step, status, fraud, note
        party TEXT,                      -- who was told
        step INTEGER,                    -- the plan step ticked
        label TEXT,                      -- the step or party as shown then
        note TEXT,
        payload TEXT                     -- JSON: fraud answers and outcome
    );
    CREATE INDEX incident_updates_incident ON incident_updates(incident_id, at);

    CREATE TABLE reminders (
        id TEXT PRIMARY KEY,
        shift_id TEXT REFERENCES shifts(id),
        business_day TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('belongings', 'pin')),
        at TEXT NOT NULL
    );
    CREATE INDEX reminders_day ON reminders(business_day, kind);
    """,
    # 6: complaints from intake to callback (R4), enquiries answered, and search.
    """
    ALTER TABLE complaints ADD COLUMN business_day TEXT;      -- the day it was received
    ALTER TABLE complaints ADD COLUMN subject TEXT;           -- one line: what it is about
    ALTER TABLE complaints ADD COLUMN profile TEXT;           -- the regulator's clock at intake
    ALTER TABLE complaints ADD COLUMN empathy TEXT;           -- JSON list of steps done (R4.1)
    ALTER TABLE complaints ADD COLUMN outcome TEXT
        CHECK (outcome IN ('on_spot', 'escalated'));          -- NULL: not decided yet (R4.4)
    ALTER TABLE complaints ADD COLUMN action_taken TEXT;      -- what was done on the spot
    ALTER TABLE complaints ADD COLUMN departments TEXT;       -- JSON list (R4.5)
    ALTER TABLE complaints ADD COLUMN contact_given TEXT;     -- who the customer may call
    ALTER TABLE complaints ADD COLUMN extended_by TEXT;       -- the approver of an extension
    ALTER TABLE complaints ADD COLUMN extension_reason TEXT;
    ALTER TABLE complaints ADD COLUMN callback_at TEXT;       -- the last callback (R4.6)
    ALTER TABLE complaints ADD COLUMN callback_reached INTEGER;
    ALTER TABLE complaints ADD COLUMN callback_solved INTEGER;
    ALTER TABLE complaints ADD COLUMN satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5);
    ALTER TABLE complaints ADD COLUMN closed_at TEXT;
    ALTER TABLE complaint_updates ADD COLUMN recorded_at TEXT;
    ALTER TABLE complaint_updates ADD COLUMN payload TEXT;    -- JSON: a callback's answers
    CREATE INDEX complaints_day ON complaints(business_day);
    CREATE INDEX complaint_updates_kind ON complaint_updates(kind, at);

    -- Questions answered on the floor (R4.2), counted at handover.
    CREATE TABLE enquiries (
        id TEXT PRIMARY KEY,
        shift_id TEXT REFERENCES shifts(id),
        business_day TEXT NOT NULL,
        at TEXT NOT NULL,
        topic TEXT NOT NULL,
        complaint_id TEXT REFERENCES complaints(id)  -- when it turned into a complaint
    );
    CREATE INDEX enquiries_day ON enquiries(business_day);

    -- Full-text search over what customers said and the notes since, Chinese included:
    -- the trigram tokenizer matches any 3+ character substring. Kept by triggers.
    CREATE VIRTUAL TABLE complaint_search USING fts5(
        complaint_id UNINDEXED, source UNINDEXED, body, tokenize = 'trigram');
    CREATE TRIGGER complaints_search_insert AFTER INSERT ON complaints
    BEGIN
        INSERT INTO complaint_search (complaint_id, source, body) VALUES (new.id, 'complaint',
            trim(coalesce(new.subject, '') || ' ' || new.description || ' '
                 || coalesce(new.wants, '') || ' ' || coalesce(new.action_taken, '')));
    END;
    CREATE TRIGGER complaints_search_update
    AFTER UPDATE OF subject, description, wants, action_taken ON complaints
    BEGIN
        DELETE FROM complaint_search WHERE complaint_id = old.id AND source = 'complaint';
        INSERT INTO complaint_search (complaint_id, source, body) VALUES (new.id, 'complaint',
            trim(coalesce(new.subject, '') || ' ' || new.description || ' '
                 || coalesce(new.wants, '') || ' ' || coalesce(new.action_taken, '')));
    END;
    CREATE TRIGGER complaint_updates_search AFTER INSERT ON complaint_updates
    WHEN new.note IS NOT NULL AND new.note != ''
    BEGIN
        INSERT INTO complaint_search (complaint_id, source, body)
        VALUES (new.complaint_id, new.id, new.note);
    END;
    """,
    # 7: reading a period at once (the report): care found by its time.
    """
    CREATE INDEX care_actions_at ON care_actions(at);
    """,
    # 8: the dashboard finds the last handover note without reading every shift.
    """
    CREATE INDEX shifts_closed ON shifts(closed_at) WHERE closed_at IS NOT NULL;
    """,
    # 9: a day's rollup (domain/rollup.py), so a year's report reads a row a day. Derived
    # data, not journalled: rebuilt from the rows at will. A change to any row a day's
    # counts are made of forgets that day's rollup, so a stale one is never read.
    """
    CREATE TABLE day_rollups (
        business_day TEXT PRIMARY KEY,
        basis TEXT NOT NULL,             -- the settings it was counted under (rollup.basis)
        counts TEXT NOT NULL,            -- JSON: the day's counts and sums
        waits BLOB NOT NULL,             -- the day's waits, whole seconds, sorted (packed)
        triage BLOB NOT NULL,            -- the day's triage seconds, sorted (packed)
        made_at TEXT NOT NULL
    );
    CREATE TRIGGER arrivals_insert_forgets_rollup AFTER INSERT ON arrivals
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (new.business_day);
    END;
    CREATE TRIGGER arrivals_update_forgets_rollup AFTER UPDATE ON arrivals
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.business_day, new.business_day);
    END;
    CREATE TRIGGER arrivals_delete_forgets_rollup AFTER DELETE ON arrivals
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.business_day);
    END;
    CREATE TRIGGER rounds_insert_forgets_rollup AFTER INSERT ON rounds
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (new.business_day);
    END;
    CREATE TRIGGER rounds_update_forgets_rollup AFTER UPDATE ON rounds
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.business_day, new.business_day);
    END;
    CREATE TRIGGER rounds_delete_forgets_rollup AFTER DELETE ON rounds
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.business_day);
    END;
    CREATE TRIGGER checklist_runs_insert_forgets_rollup AFTER INSERT ON checklist_runs
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (new.business_day);
    END;
    CREATE TRIGGER checklist_runs_update_forgets_rollup AFTER UPDATE ON checklist_runs
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.business_day, new.business_day);
    END;
    CREATE TRIGGER checklist_runs_delete_forgets_rollup AFTER DELETE ON checklist_runs
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.business_day);
    END;
    CREATE TRIGGER shifts_insert_forgets_rollup AFTER INSERT ON shifts
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (new.business_day);
    END;
    CREATE TRIGGER shifts_update_forgets_rollup AFTER UPDATE OF business_day ON shifts
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.business_day, new.business_day);
    END;
    CREATE TRIGGER shifts_delete_forgets_rollup AFTER DELETE ON shifts
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.business_day);
    END;
    CREATE TRIGGER care_actions_insert_forgets_rollup AFTER INSERT ON care_actions
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (
            (SELECT business_day FROM arrivals WHERE id = new.arrival_id));
    END;
    CREATE TRIGGER care_actions_update_forgets_rollup AFTER UPDATE ON care_actions
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (
            (SELECT business_day FROM arrivals WHERE id = old.arrival_id),
            (SELECT business_day FROM arrivals WHERE id = new.arrival_id));
    END;
    CREATE TRIGGER care_actions_delete_forgets_rollup AFTER DELETE ON care_actions
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (
            (SELECT business_day FROM arrivals WHERE id = old.arrival_id));
    END;
    CREATE TRIGGER checklist_answers_insert_forgets_rollup AFTER INSERT ON checklist_answers
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (
            (SELECT business_day FROM checklist_runs WHERE id = new.run_id));
    END;
    CREATE TRIGGER checklist_answers_update_forgets_rollup AFTER UPDATE ON checklist_answers
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (
            (SELECT business_day FROM checklist_runs WHERE id = old.run_id),
            (SELECT business_day FROM checklist_runs WHERE id = new.run_id));
    END;
    CREATE TRIGGER checklist_answers_delete_forgets_rollup AFTER DELETE ON checklist_answers
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (
            (SELECT business_day FROM checklist_runs WHERE id = old.run_id));
    END;
    """,
    # 10: the journal vouches for the tables (store/digests.py): the key of the row digests,
    # random per database, and when every row older than digests got its baseline (issue 14).
    """
    CREATE TABLE journal_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key TEXT NOT NULL,               -- hex; never leaves the database
        baseline_at TEXT                 -- NULL: rows older than digests still to record
    );
    INSERT INTO journal_key (id, key) VALUES (1, lower(hex(randomblob(32))));
    """,
    # 11: who holds the tablet (issue 16, R6.5): the staff roster with PINs kept only as
    # salted scrypt hashes, the actor of every event (NULL on events written before: their
    # hashes stay as they were), and who accepted a shift handed over to them.
    """
    CREATE TABLE staff (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN
            ('lobby_manager', 'supervisor', 'security', 'wealth_manager', 'teller')),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        pin_hash TEXT NOT NULL,          -- scrypt$n$r$p$salt$hash: never the PIN itself
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    ALTER TABLE events ADD COLUMN actor TEXT;    -- staff.id of who was signed in
    ALTER TABLE shifts ADD COLUMN accepted_by TEXT;  -- staff.id of the incoming manager
    ALTER TABLE shifts ADD COLUMN accepted_at TEXT;
    -- A case's timeline says who did each step.
    ALTER TABLE complaint_updates ADD COLUMN actor TEXT;
    ALTER TABLE incident_updates ADD COLUMN actor TEXT;
    """,
    # 12: a task's text as a catalog key and its parameters (JSON), shown in the reader's
    # language (issue 15). Older rows keep their text in `what`, shown as it was written.
    """
    ALTER TABLE tasks ADD COLUMN what_key TEXT;
    ALTER TABLE tasks ADD COLUMN what_params TEXT;
    """,
    # 13: the weather entered on the opening checklist (R1.4), as a choice the forecast learns
    # its effect from (issue 19): the day's latest entry wins, as with counter_plans.
    """
    CREATE TABLE day_weather (
        id TEXT PRIMARY KEY,
        business_day TEXT NOT NULL,
        weather TEXT NOT NULL CHECK (weather IN ('fair', 'heavy_rain', 'heat')),
        at TEXT NOT NULL
    );
    CREATE INDEX day_weather_by_day ON day_weather (business_day, at);
    """,
    # 14: who is on duty (issue 19, R1.6): a person of the roster at a window of a channel
    # or in a zone, with one break; an appointment's check-in and no-show; the task that
    # gets a large withdrawal's cash ready.
    """
    CREATE TABLE duty (
        id TEXT PRIMARY KEY,
        business_day TEXT NOT NULL,
        staff_id TEXT NOT NULL REFERENCES staff(id),
        post TEXT NOT NULL,              -- a channel key (a window of it), or floor / security
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        break_starts_at TEXT,            -- NULL: no break planned
        break_ends_at TEXT,
        break_manual INTEGER NOT NULL DEFAULT 0 CHECK (break_manual IN (0, 1)),
        updated_at TEXT NOT NULL,
        UNIQUE (business_day, staff_id),
        CHECK (starts_at < ends_at),
        CHECK ((break_starts_at IS NULL) = (break_ends_at IS NULL))
    );
    ALTER TABLE appointments ADD COLUMN arrived_at TEXT;
    ALTER TABLE appointments ADD COLUMN no_show_at TEXT;
    CREATE INDEX appointments_pending ON appointments(due_at)
        WHERE arrival_id IS NULL AND no_show_at IS NULL;
    ALTER TABLE cash_movements ADD COLUMN task_id TEXT REFERENCES tasks(id);
    """,
    # 15: complaints as the regulation runs them (issue 20): a regulator's referral keeps its
    # reference and reply deadline; the further extension (to 60 days) with the approver's
    # level; the last progress update the customer had (R4.4); the root cause at closing;
    # and each hand-off to a department with its own status and dates (R4.5).
    """
    ALTER TABLE complaints ADD COLUMN referral_ref TEXT;        -- 12378 / NFRA office number
    ALTER TABLE complaints ADD COLUMN referral_due_at TEXT;     -- the referral letter's deadline
    ALTER TABLE complaints ADD COLUMN further_extended_by TEXT; -- the second extension's approver
    ALTER TABLE complaints ADD COLUMN further_approver_level TEXT
        CHECK (further_approver_level IN ('superior', 'head_office'));
    ALTER TABLE complaints ADD COLUMN further_extension_reason TEXT;
    ALTER TABLE complaints ADD COLUMN progress_told_at TEXT;    -- NULL: not since received
    ALTER TABLE complaints ADD COLUMN root_cause TEXT;          -- data/complaints.toml id
    CREATE TABLE complaint_handoffs (
        id TEXT PRIMARY KEY,
        complaint_id TEXT NOT NULL REFERENCES complaints(id),
        department TEXT NOT NULL,       -- data/complaints.toml id
        status TEXT NOT NULL DEFAULT 'sent'
            CHECK (status IN ('sent', 'accepted', 'answered', 'returned')),
        sent_at TEXT NOT NULL,
        accepted_at TEXT,
        answered_at TEXT,
        returned_at TEXT,
        note TEXT,                      -- what was asked, then what came back
        updated_at TEXT NOT NULL
    );
    CREATE INDEX complaint_handoffs_complaint ON complaint_handoffs(complaint_id, sent_at);
    """,
    # 16: a walk-in marked at triage as large cash (issue 20): 1, or NULL when not. Only the
    # mark: the amount that decided it is never stored. (NULL, not 0, so rows written before
    # keep the digests the journal recorded for them.)
    """
    ALTER TABLE arrivals ADD COLUMN large_cash INTEGER CHECK (large_cash IS NULL OR large_cash = 1);
    """,
    # 17: service quality measured (issue 20, R3.3-R3.5): forms the counter sent back, the
    # walk-in's rating at done, and machine help for someone in the hall who is not in the
    # queue. New columns stay NULL on older rows (the journal's digests expect that).
    """
    ALTER TABLE arrivals ADD COLUMN counter_returns INTEGER
        CHECK (counter_returns >= 1);                     -- forms sent back; NULL: none
    ALTER TABLE arrivals ADD COLUMN satisfaction INTEGER
        CHECK (satisfaction BETWEEN 1 AND 5);             -- 服务评价 at done; NULL: none
    ALTER TABLE arrivals ADD COLUMN rated_at TEXT;        -- rated, or skipped when no score
    -- Care for someone in the hall who never took a ticket (arrival_id NULL): its day.
    ALTER TABLE care_actions ADD COLUMN hall_day TEXT;
    CREATE INDEX care_actions_hall ON care_actions(hall_day) WHERE hall_day IS NOT NULL;
    CREATE TRIGGER care_actions_hall_insert_forgets_rollup AFTER INSERT ON care_actions
    WHEN new.hall_day IS NOT NULL
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (new.hall_day);
    END;
    CREATE TRIGGER care_actions_hall_update_forgets_rollup AFTER UPDATE ON care_actions
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.hall_day, new.hall_day);
    END;
    CREATE TRIGGER care_actions_hall_delete_forgets_rollup AFTER DELETE ON care_actions
    WHEN old.hall_day IS NOT NULL
    BEGIN
        DELETE FROM day_rollups WHERE business_day IN (old.hall_day);
    END;
    """,
    # 18: the counters call (issue 26, R2.9): the numbered window that called a walk-in, a
    # transfer to one window, recalls, the start of service (optional), a no-show after a
    # recall; and each window opened or closed during the day (the last word stands; a window
    # without one is open as the day's counters say). New columns NULL on older rows.
    """
    ALTER TABLE arrivals ADD COLUMN window_no INTEGER CHECK (window_no BETWEEN 1 AND 99);
    ALTER TABLE arrivals ADD COLUMN for_window INTEGER CHECK (for_window BETWEEN 1 AND 99);
    ALTER TABLE arrivals ADD COLUMN recalls INTEGER CHECK (recalls >= 1);
    ALTER TABLE arrivals ADD COLUMN started_at TEXT;
    ALTER TABLE arrivals ADD COLUMN no_show INTEGER CHECK (no_show IS NULL OR no_show = 1);
    CREATE INDEX arrivals_window ON arrivals(business_day, window_no) WHERE window_no IS NOT NULL;
    CREATE TABLE window_states (
        id TEXT PRIMARY KEY,
        business_day TEXT NOT NULL,
        window_no INTEGER NOT NULL CHECK (window_no BETWEEN 1 AND 99),
        open INTEGER NOT NULL CHECK (open IN (0, 1)),
        at TEXT NOT NULL
    );
    CREATE INDEX window_states_day ON window_states(business_day, window_no, at);
    """,
    # 19: the branch's own ticket machine (issue 28, R2.12): a walk-in that only the
    # machine's log knows ('machine': never triaged by the manager), and when the machine
    # issued a ticket its log has spoken of (a triaged walk-in joined to it). NULL on older
    # rows: triaged by hand, no machine.
    """
    ALTER TABLE arrivals ADD COLUMN source TEXT CHECK (source IS NULL OR source = 'machine');
    ALTER TABLE arrivals ADD COLUMN machine_issued_at TEXT;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> list[str]:
    """Split a migration into statements; trigger bodies keep their inner semicolons."""
    import sqlite3

    out: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    if pending.strip():
        out.append(pending.strip())
    return out
