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
        return m
    }
}
