import GRDB

/// The schema's history. Shipped migrations are never edited; add a new one instead.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE mentor (
                        id TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
                        name TEXT NOT NULL,
                        gender TEXT,
                        languages TEXT NOT NULL DEFAULT '',
                        localities TEXT NOT NULL DEFAULT '',
                        experience TEXT NOT NULL DEFAULT '',
                        capacity INTEGER NOT NULL CHECK (capacity > 0),
                        dbs_recheck_due TEXT,
                        lead INTEGER NOT NULL DEFAULT 0,
                        status TEXT NOT NULL DEFAULT 'active'
                            CHECK (status IN ('active', 'paused', 'retired'))
                    );
                    CREATE TABLE shift (
                        id INTEGER PRIMARY KEY,
                        mentor_id TEXT NOT NULL REFERENCES mentor(id) COLLATE NOCASE,
                        start INTEGER NOT NULL,
                        "end" INTEGER NOT NULL,
                        CHECK ("end" > start)
                    );
                    CREATE INDEX shift_by_mentor ON shift(mentor_id, start);
                    CREATE INDEX shift_by_start ON shift(start);
                    CREATE TABLE leave (
                        id INTEGER PRIMARY KEY,
                        mentor_id TEXT NOT NULL REFERENCES mentor(id) COLLATE NOCASE,
                        start INTEGER NOT NULL,
                        "end" INTEGER NOT NULL,
                        CHECK ("end" > start)
                    );
                    CREATE INDEX leave_by_mentor ON leave(mentor_id, start);
                    CREATE TABLE presentation (
                        id INTEGER PRIMARY KEY,
                        ref TEXT,
                        nhs TEXT,
                        locality TEXT NOT NULL,
                        needs TEXT NOT NULL,
                        arrived_at INTEGER NOT NULL,
                        ed_arrival INTEGER,
                        age_band TEXT,
                        gender TEXT,
                        mentor_gender TEXT,
                        language TEXT,
                        lead_mentor INTEGER NOT NULL DEFAULT 0,
                        mentor_id TEXT REFERENCES mentor(id) COLLATE NOCASE,
                        assigned_at INTEGER,
                        seen_at INTEGER,
                        closed_at INTEGER,
                        outcome TEXT,
                        override_reason TEXT
                    );
                    CREATE INDEX presentation_by_arrival ON presentation(arrived_at);
                    CREATE INDEX presentation_open_by_mentor ON presentation(mentor_id)
                        WHERE closed_at IS NULL;
                    CREATE INDEX presentation_waiting ON presentation(arrived_at)
                        WHERE seen_at IS NULL AND closed_at IS NULL;
                    CREATE INDEX presentation_by_nhs ON presentation(nhs) WHERE nhs IS NOT NULL;
                    CREATE INDEX presentation_by_ref ON presentation(ref) WHERE ref IS NOT NULL;
                    CREATE TABLE decline (
                        presentation_id INTEGER NOT NULL REFERENCES presentation(id),
                        mentor_id TEXT NOT NULL COLLATE NOCASE,
                        at INTEGER NOT NULL,
                        reason TEXT,
                        PRIMARY KEY (presentation_id, mentor_id)
                    );
                    CREATE TABLE staff (
                        name TEXT NOT NULL PRIMARY KEY,
                        role TEXT NOT NULL CHECK (role IN ('liaison', 'coordinator', 'admin')),
                        pin_hash TEXT
                    );
                    CREATE TABLE audit (
                        seq INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        command TEXT NOT NULL,
                        action TEXT NOT NULL,
                        entity TEXT,
                        before TEXT,
                        after TEXT,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX audit_by_entity ON audit(entity);
                    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TABLE meta (key TEXT NOT NULL PRIMARY KEY, value TEXT);
                    INSERT INTO meta(key, value) VALUES ('application', 'alongside');
                    """)
        }
        // v2 (issue 7, chosen from EXPLAIN QUERY PLAN at 5,000 mentors and 1M presentations):
        // who is on shift at t (mentorStates) and the shifts of a week read only a covering
        // index, never the table; leave covering t is found from the leave that has not ended.
        // shift(start, end, mentor_id) starts with start, so shift_by_start is redundant.
        m.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    CREATE INDEX shift_by_start_end ON shift(start, "end", mentor_id);
                    DROP INDEX shift_by_start;
                    CREATE INDEX leave_by_end ON leave("end", start, mentor_id);
                    """)
        }
        // v3 (issue 7): trends and repeat checks read arrival and seen times of many weeks;
        // this index covers them (and serves every arrived_at range the old one did).
        m.registerMigration("v3") { db in
            try db.execute(
                sql: """
                    CREATE INDEX presentation_by_arrival_seen ON presentation(arrived_at, seen_at);
                    DROP INDEX presentation_by_arrival;
                    """)
        }
        // v4-identity (issue 12): wrong PINs in a row and locks, per staff name, so a lock
        // holds whichever console the attempts came from; and whether the PIN is a first
        // one set by an admin. Not part of the audited staff record (the attempts are
        // audited as `denied` entries).
        m.registerMigration("v4-identity") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pin_state (
                        name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
                        failures INTEGER NOT NULL DEFAULT 0,
                        locked_until INTEGER,
                        first_pin INTEGER NOT NULL DEFAULT 0
                    );
                    """)
        }
        // v4-referral (issue 15, spec §12): the directory of local services (Open Referral
        // UK: one row per service, its schedules apart) and onward referrals. A referral keeps
        // the service's id and name as they were when it was made, so re-importing the
        // directory (or a service closing) never loses where a person was referred.
        m.registerMigration("v4-referral") { db in
            try db.execute(
                sql: """
                    CREATE TABLE service (
                        id TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
                        position INTEGER NOT NULL,
                        name TEXT NOT NULL,
                        description TEXT NOT NULL DEFAULT '',
                        status TEXT NOT NULL,
                        email TEXT,
                        url TEXT,
                        minimum_age INTEGER,
                        maximum_age INTEGER,
                        areas TEXT NOT NULL DEFAULT '',
                        taxonomies TEXT NOT NULL DEFAULT ''
                    );
                    CREATE TABLE service_schedule (
                        service_id TEXT NOT NULL REFERENCES service(id) ON DELETE CASCADE
                            COLLATE NOCASE,
                        id TEXT NOT NULL,
                        freq TEXT NOT NULL CHECK (freq IN ('DAILY', 'WEEKLY')),
                        byday TEXT NOT NULL DEFAULT '',
                        opens_at INTEGER NOT NULL,
                        closes_at INTEGER NOT NULL,
                        valid_from TEXT,
                        valid_to TEXT
                    );
                    CREATE INDEX service_schedule_by_service ON service_schedule(service_id);
                    CREATE TABLE referral (
                        id INTEGER PRIMARY KEY,
                        presentation_id INTEGER NOT NULL REFERENCES presentation(id),
                        service_id TEXT NOT NULL COLLATE NOCASE,
                        service_name TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('requested', 'accepted',
                            'declined', 'cancelled', 'attended', 'did-not-attend', 'completed')),
                        consent TEXT NOT NULL CHECK (consent = 'given'),
                        requested_at INTEGER NOT NULL,
                        accepted_at INTEGER,
                        attended_at INTEGER,
                        completed_at INTEGER,
                        ended_at INTEGER
                    );
                    CREATE INDEX referral_by_presentation ON referral(presentation_id, id);
                    CREATE INDEX referral_by_requested ON referral(requested_at);
                    """)
        }
        // v4-desk (issue 14): voided presentations, the corrections made to presentations
        // (with their reasons, for `show P`), mentors' phones, and sign-ins (attendance).
        m.registerMigration("v4-desk") { db in
            try db.execute(
                sql: """
                    ALTER TABLE presentation ADD COLUMN voided_at INTEGER;
                    ALTER TABLE mentor ADD COLUMN phone TEXT;
                    CREATE TABLE correction (
                        id INTEGER PRIMARY KEY,
                        presentation_id INTEGER NOT NULL REFERENCES presentation(id),
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        reason TEXT
                    );
                    CREATE INDEX correction_by_presentation ON correction(presentation_id, at);
                    CREATE TABLE sign_in (
                        id INTEGER PRIMARY KEY,
                        mentor_id TEXT NOT NULL REFERENCES mentor(id) COLLATE NOCASE,
                        in_at INTEGER NOT NULL,
                        out_at INTEGER,
                        CHECK (out_at IS NULL OR out_at >= in_at)
                    );
                    CREATE INDEX sign_in_by_mentor ON sign_in(mentor_id, in_at);
                    CREATE INDEX sign_in_by_time ON sign_in(in_at);
                    """)
        }
        // v4-audit (issue 13): the chain covers salted digests of each entry's before/after
        // and of the record's stored state (formats 2 and 3, see AuditChain), so retention
        // can erase content and `check` can compare every record with its last entry; bulk
        // entries digest each row in audit_row; retention's erasures leave vouchers in
        // audit_redaction; settings and legal holds live in the database. Entries already
        // written keep format 1. Records already stored are accounted for by one baseline
        // entry, so `check` starts from what the database held at the upgrade.
        m.registerMigration("v4-audit") { db in
            try db.execute(
                sql: """
                    ALTER TABLE audit ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE audit ADD COLUMN salt TEXT;
                    ALTER TABLE audit ADD COLUMN before_digest TEXT;
                    ALTER TABLE audit ADD COLUMN after_digest TEXT;
                    ALTER TABLE audit ADD COLUMN record TEXT;
                    ALTER TABLE audit ADD COLUMN state TEXT;
                    CREATE TABLE audit_row (
                        seq INTEGER NOT NULL,
                        record TEXT NOT NULL,
                        salt TEXT,
                        state TEXT,
                        PRIMARY KEY (seq, record)
                    ) WITHOUT ROWID;
                    CREATE TABLE audit_redaction (
                        seq INTEGER NOT NULL PRIMARY KEY,
                        before_digest TEXT,
                        after_digest TEXT,
                        by_seq INTEGER NOT NULL
                    );
                    CREATE TABLE setting (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE hold (
                        presentation_id INTEGER NOT NULL PRIMARY KEY REFERENCES presentation(id),
                        reason TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    DROP TRIGGER audit_no_update;
                    DROP TRIGGER audit_no_delete;
                    """)
            for (_, sql) in auditGuards { try db.execute(sql: sql) }
            // The baseline entry is written after every migration has run (see
            // SQLiteStore.writeBaselineIfPending), when the tables have their final columns.
            try db.execute(
                sql: """
                    INSERT INTO meta(key, value)
                    SELECT 'audit_baseline_pending', 'v4-audit'
                    WHERE EXISTS (SELECT 1 FROM presentation) OR EXISTS (SELECT 1 FROM mentor)
                       OR EXISTS (SELECT 1 FROM shift) OR EXISTS (SELECT 1 FROM leave)
                       OR EXISTS (SELECT 1 FROM decline) OR EXISTS (SELECT 1 FROM staff)
                    """)
        }
        // v5-perf (issue 16): a roster version in `meta`, a fresh random token whenever a
        // mentor row is inserted, changed or deleted (by any statement, connection or
        // process), so a long-running console can keep the decoded roster in memory and
        // reload it only when the token differs. A random token, not a counter: a rolled-
        // back change or a restored backup never brings back a value already seen with other
        // rows. No audited table gains a column (record states are unchanged) and `meta` is
        // not audited; the triggers are not audit guards.
        m.registerMigration("v5-perf") { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO meta(key, value)
                    VALUES ('roster_version', hex(randomblob(16)));
                    CREATE TRIGGER roster_version_insert AFTER INSERT ON mentor BEGIN
                      UPDATE meta SET value = hex(randomblob(16)) WHERE key = 'roster_version';
                    END;
                    CREATE TRIGGER roster_version_update AFTER UPDATE ON mentor BEGIN
                      UPDATE meta SET value = hex(randomblob(16)) WHERE key = 'roster_version';
                    END;
                    CREATE TRIGGER roster_version_delete AFTER DELETE ON mentor BEGIN
                      UPDATE meta SET value = hex(randomblob(16)) WHERE key = 'roster_version';
                    END;
                    """)
        }
        // v6-site (spec §9): a presentation carries the emergency department that
        // registered it, so a site's file can move into the trust database and one trust
        // database serves several sites. Rows already held belong to the database's own
        // site (its `site` setting, else `main`). The presentation's stored state gains a
        // column, so records already held are accounted for by a new baseline entry.
        m.registerMigration("v6-site") { db in
            try db.execute(
                sql: """
                    ALTER TABLE presentation ADD COLUMN site TEXT NOT NULL DEFAULT 'main';
                    UPDATE presentation
                    SET site = COALESCE((SELECT value FROM setting WHERE key = 'site'), 'main');
                    CREATE INDEX presentation_site_arrived ON presentation(site, arrived_at);
                    INSERT OR REPLACE INTO meta(key, value)
                    SELECT 'audit_baseline_pending', 'v6-site'
                    WHERE EXISTS (SELECT 1 FROM presentation);
                    """)
        }
        // v7-site-import (spec §9): `site import` keeps each copied site's audit chain as
        // that site's history, append-only like the log itself (its own guards, checked by
        // `check`), sealed by the trust's entry that carries its head hash.
        m.registerMigration("v7-site-import") { db in
            try db.execute(
                sql: """
                    CREATE TABLE site_audit (
                        site TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        command TEXT NOT NULL,
                        action TEXT NOT NULL,
                        entity TEXT,
                        before TEXT,
                        after TEXT,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        PRIMARY KEY (site, seq)
                    ) WITHOUT ROWID;
                    """)
            for (_, sql) in siteAuditGuards { try db.execute(sql: sql) }
        }
        // v8-week-figures (issue 16): the trend's figures of closed weeks, kept so a trend
        // reads a row a week instead of every presentation. Derived data, not audited; the
        // triggers drop a week's figures whenever a presentation arriving in it is inserted,
        // deleted, or changes a column the figures depend on (arrival, seen time, voiding,
        // site; a change to any other column leaves them), whoever makes the change. They
        // look back 691200 s (`WeekFigureScope.longestSpanSeconds`) for the spans an
        // arrival falls in, so each is one short range on `week_figures_by_start`.
        m.registerMigration("v8-week-figures") { db in
            try db.execute(
                sql: """
                    CREATE TABLE week_figures (
                        scope TEXT NOT NULL,
                        start INTEGER NOT NULL,
                        "end" INTEGER NOT NULL,
                        presentations INTEGER NOT NULL,
                        waits BLOB NOT NULL,
                        PRIMARY KEY (scope, start, "end")
                    ) WITHOUT ROWID;
                    CREATE INDEX week_figures_by_start ON week_figures(start);
                    CREATE TRIGGER week_figures_on_insert AFTER INSERT ON presentation BEGIN
                      DELETE FROM week_figures
                      WHERE start <= NEW.arrived_at AND start > NEW.arrived_at - 691200
                        AND "end" > NEW.arrived_at;
                    END;
                    CREATE TRIGGER week_figures_on_update
                    AFTER UPDATE OF arrived_at, seen_at, voided_at, site ON presentation
                    WHEN OLD.arrived_at IS NOT NEW.arrived_at OR OLD.seen_at IS NOT NEW.seen_at
                      OR OLD.voided_at IS NOT NEW.voided_at OR OLD.site IS NOT NEW.site
                    BEGIN
                      DELETE FROM week_figures
                      WHERE (start <= OLD.arrived_at AND start > OLD.arrived_at - 691200
                        AND "end" > OLD.arrived_at)
                         OR (start <= NEW.arrived_at AND start > NEW.arrived_at - 691200
                        AND "end" > NEW.arrived_at);
                    END;
                    CREATE TRIGGER week_figures_on_delete AFTER DELETE ON presentation BEGIN
                      DELETE FROM week_figures
                      WHERE start <= OLD.arrived_at AND start > OLD.arrived_at - 691200
                        AND "end" > OLD.arrived_at;
                    END;
                    """)
        }
        return m
    }

    /// The guards of the copied sites' chains (v7-site-import), checked with `auditGuards`.
    static let siteAuditGuards: [(name: String, sql: String)] = [
        (
            "site_audit_no_update",
            """
            CREATE TRIGGER site_audit_no_update BEFORE UPDATE ON site_audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """
        ),
        (
            "site_audit_no_delete",
            """
            CREATE TRIGGER site_audit_no_delete BEFORE DELETE ON site_audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """
        ),
    ]

    /// The guards of the audit log (v4-audit): the log is append-only except that
    /// retention may erase a format-2/3 entry's content (clearing its salt, nothing else);
    /// a row digest may only lose its salt; erasure vouchers never change. `check`
    /// compares the stored triggers with these texts.
    static let auditGuards: [(name: String, sql: String)] = [
        (
            "audit_no_update",
            """
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            WHEN OLD.format < 2 OR NEW.salt IS NOT NULL OR NEW.seq IS NOT OLD.seq
              OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
              OR NEW.command IS NOT OLD.command OR NEW.action IS NOT OLD.action
              OR NEW.entity IS NOT OLD.entity OR NEW.prev_hash IS NOT OLD.prev_hash
              OR NEW.hash IS NOT OLD.hash OR NEW.format IS NOT OLD.format
              OR NEW.before_digest IS NOT OLD.before_digest
              OR NEW.after_digest IS NOT OLD.after_digest
              OR NEW.record IS NOT OLD.record OR NEW.state IS NOT OLD.state
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """
        ),
        (
            "audit_no_delete",
            """
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """
        ),
        (
            "audit_row_no_update",
            """
            CREATE TRIGGER audit_row_no_update BEFORE UPDATE ON audit_row
            WHEN NEW.salt IS NOT NULL OR NEW.seq IS NOT OLD.seq OR NEW.record IS NOT OLD.record
              OR NEW.state IS NOT OLD.state
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """
        ),
        (
            "audit_row_no_delete",
            """
            CREATE TRIGGER audit_row_no_delete BEFORE DELETE ON audit_row
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """
        ),
        (
            "audit_redaction_no_update",
            """
            CREATE TRIGGER audit_redaction_no_update BEFORE UPDATE ON audit_redaction
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """
        ),
        (
            "audit_redaction_no_delete",
            """
            CREATE TRIGGER audit_redaction_no_delete BEFORE DELETE ON audit_redaction
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """
        ),
    ]
}
