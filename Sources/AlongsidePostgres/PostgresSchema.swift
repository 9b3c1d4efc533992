import AlongsideStore
import Foundation

/// The trust database's schema: the same tables and columns as the SQLite store's after all
/// its migrations (v1 … v6-site), so a record's canonical state (what its audit entry
/// digests) is the same in both stores.
///
/// - integers (ids, times in whole seconds, counts) are `bigint`; booleans are `bigint` 0/1,
///   as SQLite stores them;
/// - every text column is `COLLATE "C"`: `ORDER BY` is byte order, as SQLite's `BINARY`,
///   whatever the database's locale;
/// - where SQLite compares without case (`COLLATE NOCASE` columns: mentor, service and
///   `pin_state` keys and every `mentor_id`), queries compare `lower(column)` with a bind
///   folded A–Z only (``NoCase``), and uniqueness is a unique index on `lower(column)`
///   (`lower` on a `"C"` column folds A–Z only, exactly as NOCASE);
/// - ids are never drawn from sequences: the store gives `max(id) + 1` under the write lock,
///   as SQLite gives its rowids, so numbers never skip after a rolled-back transaction and
///   are the same in both stores for the same calls;
/// - `mentor_id` references are checked by a trigger without regard to case (SQLite's
///   foreign keys to a NOCASE key); references to presentations are foreign keys;
/// - `service_schedule.row_order` keeps the order schedules were stored in (SQLite's rowid);
/// - `audit_head` holds the log's head (seq, hash) and `changes`, a counter every commit
///   that changes anything bumps (``PostgresStore/changeCounter()``);
/// - `site_audit` keeps the audit chain of each site copied in by `site import`, verbatim.
///
/// Shipped migrations are never edited; add a new one instead.
enum PostgresSchema {
    /// The migrations in order: an id (recorded in `alongside_migrations`) and the SQL,
    /// given the schema the tables live in (quoted) for functions that must name it.
    static let migrations: [(id: String, sql: @Sendable (String) -> String)] = [
        ("pg1-schema", { schema in schemaV1 + guardFunctions + guardTriggers + erasure(schema) }),
        ("pg2-week-figures", { schema in weekFigures(schema) }),
        ("pg3-roster-version", rosterVersion),
    ]

    /// The migration ids this build knows.
    static var known: Set<String> { Set(migrations.map(\.id)) }

    static let schemaV1 = #"""
        CREATE TABLE alongside_migrations (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            applied_at bigint NOT NULL
        );
        CREATE TABLE meta (key text COLLATE "C" NOT NULL PRIMARY KEY, value text COLLATE "C");
        INSERT INTO meta(key, value) VALUES ('application', 'alongside');
        CREATE TABLE audit_head (
            one bigint NOT NULL PRIMARY KEY CHECK (one = 1),
            seq bigint NOT NULL,
            hash text COLLATE "C" NOT NULL,
            changes bigint NOT NULL
        );
        INSERT INTO audit_head(one, seq, hash, changes)
        VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

        CREATE TABLE mentor (
            id text COLLATE "C" NOT NULL,
            name text COLLATE "C" NOT NULL,
            gender text COLLATE "C",
            languages text COLLATE "C" NOT NULL DEFAULT '',
            localities text COLLATE "C" NOT NULL DEFAULT '',
            experience text COLLATE "C" NOT NULL DEFAULT '',
            capacity bigint NOT NULL CHECK (capacity > 0),
            dbs_recheck_due text COLLATE "C",
            lead bigint NOT NULL DEFAULT 0,
            status text COLLATE "C" NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'paused', 'retired')),
            phone text COLLATE "C"
        );
        CREATE UNIQUE INDEX mentor_key ON mentor (lower(id));

        CREATE FUNCTION alongside_mentor_exists() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.mentor_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM mentor WHERE lower(id) = lower(NEW.mentor_id COLLATE "C"))
            THEN
                RAISE EXCEPTION 'there is no mentor %', NEW.mentor_id
                    USING ERRCODE = 'foreign_key_violation';
            END IF;
            RETURN NEW;
        END
        $$;

        CREATE TABLE shift (
            id bigint NOT NULL PRIMARY KEY,
            mentor_id text COLLATE "C" NOT NULL,
            start bigint NOT NULL,
            "end" bigint NOT NULL,
            CHECK ("end" > start)
        );
        CREATE INDEX shift_by_mentor ON shift (lower(mentor_id), start);
        CREATE INDEX shift_by_start_end ON shift (start, "end", mentor_id);
        CREATE TRIGGER shift_mentor BEFORE INSERT OR UPDATE OF mentor_id ON shift
            FOR EACH ROW EXECUTE FUNCTION alongside_mentor_exists();

        CREATE TABLE leave (
            id bigint NOT NULL PRIMARY KEY,
            mentor_id text COLLATE "C" NOT NULL,
            start bigint NOT NULL,
            "end" bigint NOT NULL,
            CHECK ("end" > start)
        );
        CREATE INDEX leave_by_mentor ON leave (lower(mentor_id), start);
        CREATE INDEX leave_by_end ON leave ("end", start, mentor_id);
        CREATE TRIGGER leave_mentor BEFORE INSERT OR UPDATE OF mentor_id ON leave
            FOR EACH ROW EXECUTE FUNCTION alongside_mentor_exists();

        CREATE TABLE presentation (
            id bigint NOT NULL PRIMARY KEY,
            ref text COLLATE "C",
            nhs text COLLATE "C",
            locality text COLLATE "C" NOT NULL,
            needs text COLLATE "C" NOT NULL,
            arrived_at bigint NOT NULL,
            ed_arrival bigint,
            age_band text COLLATE "C",
            gender text COLLATE "C",
            mentor_gender text COLLATE "C",
            language text COLLATE "C",
            lead_mentor bigint NOT NULL DEFAULT 0,
            mentor_id text COLLATE "C",
            assigned_at bigint,
            seen_at bigint,
            closed_at bigint,
            outcome text COLLATE "C",
            override_reason text COLLATE "C",
            voided_at bigint,
            site text COLLATE "C" NOT NULL DEFAULT 'main'
        );
        CREATE INDEX presentation_by_arrival_seen ON presentation (arrived_at, seen_at);
        CREATE INDEX presentation_open_by_mentor ON presentation (lower(mentor_id))
            WHERE closed_at IS NULL;
        CREATE INDEX presentation_by_mentor ON presentation (lower(mentor_id), arrived_at);
        CREATE INDEX presentation_waiting ON presentation (arrived_at)
            WHERE seen_at IS NULL AND closed_at IS NULL;
        CREATE INDEX presentation_by_nhs ON presentation (nhs) WHERE nhs IS NOT NULL;
        CREATE INDEX presentation_by_ref ON presentation (ref) WHERE ref IS NOT NULL;
        CREATE INDEX presentation_site_arrived ON presentation (site, arrived_at);
        CREATE TRIGGER presentation_mentor BEFORE INSERT OR UPDATE OF mentor_id ON presentation
            FOR EACH ROW EXECUTE FUNCTION alongside_mentor_exists();

        CREATE TABLE decline (
            presentation_id bigint NOT NULL REFERENCES presentation(id),
            mentor_id text COLLATE "C" NOT NULL,
            at bigint NOT NULL,
            reason text COLLATE "C"
        );
        CREATE UNIQUE INDEX decline_key ON decline (presentation_id, lower(mentor_id));

        CREATE TABLE staff (
            name text COLLATE "C" NOT NULL PRIMARY KEY,
            role text COLLATE "C" NOT NULL CHECK (role IN ('liaison', 'coordinator', 'admin')),
            pin_hash text COLLATE "C"
        );
        CREATE INDEX staff_by_name_nocase ON staff (lower(name));

        CREATE TABLE pin_state (
            name text COLLATE "C" NOT NULL,
            failures bigint NOT NULL DEFAULT 0,
            locked_until bigint,
            first_pin bigint NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX pin_state_key ON pin_state (lower(name));

        CREATE TABLE service (
            id text COLLATE "C" NOT NULL,
            position bigint NOT NULL,
            name text COLLATE "C" NOT NULL,
            description text COLLATE "C" NOT NULL DEFAULT '',
            status text COLLATE "C" NOT NULL,
            email text COLLATE "C",
            url text COLLATE "C",
            minimum_age bigint,
            maximum_age bigint,
            areas text COLLATE "C" NOT NULL DEFAULT '',
            taxonomies text COLLATE "C" NOT NULL DEFAULT ''
        );
        CREATE UNIQUE INDEX service_key ON service (lower(id));
        CREATE TABLE service_schedule (
            row_order bigint NOT NULL,
            service_id text COLLATE "C" NOT NULL,
            id text COLLATE "C" NOT NULL,
            freq text COLLATE "C" NOT NULL CHECK (freq IN ('DAILY', 'WEEKLY')),
            byday text COLLATE "C" NOT NULL DEFAULT '',
            opens_at bigint NOT NULL,
            closes_at bigint NOT NULL,
            valid_from text COLLATE "C",
            valid_to text COLLATE "C"
        );
        CREATE INDEX service_schedule_by_service ON service_schedule (lower(service_id), row_order);

        CREATE TABLE referral (
            id bigint NOT NULL PRIMARY KEY,
            presentation_id bigint NOT NULL REFERENCES presentation(id),
            service_id text COLLATE "C" NOT NULL,
            service_name text COLLATE "C" NOT NULL,
            status text COLLATE "C" NOT NULL CHECK (status IN ('requested', 'accepted',
                'declined', 'cancelled', 'attended', 'did-not-attend', 'completed')),
            consent text COLLATE "C" NOT NULL CHECK (consent = 'given'),
            requested_at bigint NOT NULL,
            accepted_at bigint,
            attended_at bigint,
            completed_at bigint,
            ended_at bigint
        );
        CREATE INDEX referral_by_presentation ON referral (presentation_id, id);
        CREATE INDEX referral_by_requested ON referral (requested_at);

        CREATE TABLE correction (
            id bigint NOT NULL PRIMARY KEY,
            presentation_id bigint NOT NULL REFERENCES presentation(id),
            at bigint NOT NULL,
            actor text COLLATE "C" NOT NULL,
            kind text COLLATE "C" NOT NULL,
            reason text COLLATE "C"
        );
        CREATE INDEX correction_by_presentation ON correction (presentation_id, at);

        CREATE TABLE sign_in (
            id bigint NOT NULL PRIMARY KEY,
            mentor_id text COLLATE "C" NOT NULL,
            in_at bigint NOT NULL,
            out_at bigint,
            CHECK (out_at IS NULL OR out_at >= in_at)
        );
        CREATE INDEX sign_in_by_mentor ON sign_in (lower(mentor_id), in_at);
        CREATE INDEX sign_in_by_time ON sign_in (in_at);
        CREATE TRIGGER sign_in_mentor BEFORE INSERT OR UPDATE OF mentor_id ON sign_in
            FOR EACH ROW EXECUTE FUNCTION alongside_mentor_exists();

        CREATE TABLE setting (
            key text COLLATE "C" NOT NULL PRIMARY KEY,
            value text COLLATE "C" NOT NULL
        );
        CREATE TABLE hold (
            presentation_id bigint NOT NULL PRIMARY KEY REFERENCES presentation(id),
            reason text COLLATE "C" NOT NULL,
            at bigint NOT NULL
        );

        CREATE TABLE audit (
            seq bigint NOT NULL PRIMARY KEY,
            at bigint NOT NULL,
            actor text COLLATE "C" NOT NULL,
            command text COLLATE "C" NOT NULL,
            action text COLLATE "C" NOT NULL,
            entity text COLLATE "C",
            before text COLLATE "C",
            after text COLLATE "C",
            prev_hash text COLLATE "C" NOT NULL,
            hash text COLLATE "C" NOT NULL,
            format bigint NOT NULL DEFAULT 1,
            salt text COLLATE "C",
            before_digest text COLLATE "C",
            after_digest text COLLATE "C",
            record text COLLATE "C",
            state text COLLATE "C"
        );
        CREATE INDEX audit_by_entity ON audit (entity);
        CREATE INDEX audit_by_entity_nocase ON audit (lower(entity));
        CREATE TABLE audit_row (
            seq bigint NOT NULL,
            record text COLLATE "C" NOT NULL,
            salt text COLLATE "C",
            state text COLLATE "C",
            PRIMARY KEY (seq, record)
        );
        CREATE TABLE audit_redaction (
            seq bigint NOT NULL PRIMARY KEY,
            before_digest text COLLATE "C",
            after_digest text COLLATE "C",
            by_seq bigint NOT NULL
        );
        CREATE TABLE site_audit (
            site text COLLATE "C" NOT NULL,
            seq bigint NOT NULL,
            at bigint NOT NULL,
            actor text COLLATE "C" NOT NULL,
            command text COLLATE "C" NOT NULL,
            action text COLLATE "C" NOT NULL,
            entity text COLLATE "C",
            before text COLLATE "C",
            after text COLLATE "C",
            prev_hash text COLLATE "C" NOT NULL,
            hash text COLLATE "C" NOT NULL,
            PRIMARY KEY (site, seq)
        );

        """#

    /// pg3-roster-version (issue 16), as the SQLite store's v5-perf: a roster version in
    /// `meta`, a fresh random token after every statement that inserts, changes, deletes or
    /// truncates mentor rows (by any connection or process, through Alongside or not), so a
    /// long-running console keeps the decoded roster in memory and reloads it only when the
    /// token differs (``RosterCache``). The trigger's update is part of the statement's
    /// transaction: a rolled-back change leaves the token it found. No audited table gains a
    /// column (record states are unchanged), `meta` is not audited, and the trigger is not an
    /// audit guard. The function names the schema, whatever the session's `search_path`.
    static func rosterVersion(_ schema: String) -> String {
        """
        INSERT INTO \(schema).meta(key, value) VALUES ('roster_version', gen_random_uuid()::text)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value;
        CREATE FUNCTION alongside_roster_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE \(schema).meta SET value = gen_random_uuid()::text
            WHERE key = 'roster_version';
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER mentor_roster_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
            ON mentor FOR EACH STATEMENT EXECUTE FUNCTION alongside_roster_version();

        """
    }

    /// The functions of the audit guards (`check` compares their stored source with these).
    static let guardFunctionBodies: [(name: String, body: String)] = [
        (
            "alongside_append_only",
            """
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only';
            END
            """
        ),
        (
            "alongside_audit_no_update",
            """
            BEGIN
                IF OLD.format < 2 OR NEW.salt IS NOT NULL OR NEW.seq IS DISTINCT FROM OLD.seq
                   OR NEW.at IS DISTINCT FROM OLD.at OR NEW.actor IS DISTINCT FROM OLD.actor
                   OR NEW.command IS DISTINCT FROM OLD.command
                   OR NEW.action IS DISTINCT FROM OLD.action
                   OR NEW.entity IS DISTINCT FROM OLD.entity
                   OR NEW.prev_hash IS DISTINCT FROM OLD.prev_hash
                   OR NEW.hash IS DISTINCT FROM OLD.hash
                   OR NEW.format IS DISTINCT FROM OLD.format
                   OR NEW.before_digest IS DISTINCT FROM OLD.before_digest
                   OR NEW.after_digest IS DISTINCT FROM OLD.after_digest
                   OR NEW.record IS DISTINCT FROM OLD.record
                   OR NEW.state IS DISTINCT FROM OLD.state
                THEN
                    RAISE EXCEPTION 'the audit log is append-only';
                END IF;
                RETURN NEW;
            END
            """
        ),
        (
            "alongside_audit_row_no_update",
            """
            BEGIN
                IF NEW.salt IS NOT NULL OR NEW.seq IS DISTINCT FROM OLD.seq
                   OR NEW.record IS DISTINCT FROM OLD.record
                   OR NEW.state IS DISTINCT FROM OLD.state
                THEN
                    RAISE EXCEPTION 'the audit log is append-only';
                END IF;
                RETURN NEW;
            END
            """
        ),
    ]

    static var guardFunctions: String {
        guardFunctionBodies.map { name, body in
            """
            CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
            \(body)
            $$;

            """
        }.joined()
    }

    /// The guards of the audit log, as SQLite's (v4-audit) with TRUNCATE added: the log is
    /// append-only except that retention may erase a format-2/3 entry's content (clearing its
    /// salt, nothing else); a row digest may only lose its salt; erasure vouchers and copied
    /// site chains never change; no audit table may be truncated (a statement-level trigger:
    /// row triggers do not fire on TRUNCATE).
    static let guards: [AuditGuard] = {
        var list: [AuditGuard] = [
            AuditGuard(
                name: "audit_no_update", table: "audit", event: .update,
                function: "alongside_audit_no_update"),
            AuditGuard(
                name: "audit_row_no_update", table: "audit_row", event: .update,
                function: "alongside_audit_row_no_update"),
            AuditGuard(
                name: "audit_redaction_no_update", table: "audit_redaction", event: .update,
                function: "alongside_append_only"),
            AuditGuard(
                name: "site_audit_no_update", table: "site_audit", event: .update,
                function: "alongside_append_only"),
        ]
        for table in ["audit", "audit_row", "audit_redaction", "site_audit"] {
            list.append(
                AuditGuard(
                    name: "\(table)_no_delete", table: table, event: .delete,
                    function: "alongside_append_only"))
            list.append(
                AuditGuard(
                    name: "\(table)_no_truncate", table: table, event: .truncate,
                    function: "alongside_append_only"))
        }
        return list
    }()

    static var guardTriggers: String {
        guards.map { g in
            "CREATE TRIGGER \(g.name) BEFORE \(g.event.rawValue) ON \(g.table) "
                + "FOR EACH \(g.event == .truncate ? "STATEMENT" : "ROW") "
                + "EXECUTE FUNCTION \(g.function)();\n"
        }.joined()
    }

    /// The functions of retention's erasure (`check` compares their source too).
    ///
    /// The application's role may only INSERT and SELECT on the audit tables, so the erasure
    /// goes through `alongside_retention_erase`, a `SECURITY DEFINER` function owned by the
    /// schema's owner that applies exactly the erasure rule and refuses anything else: the
    /// vouching entry must be the next one; every presentation named must be closed, not on
    /// hold, and already stripped of its identifiers and decline reasons; each entry erased
    /// must be a format-2/3 entry about one of them that still has its salt; its new
    /// before/after must be its old one with the erasable members (`AuditPolicy.isErasable`)
    /// replaced by `"[removed]"` (compared as JSON), or `"[removed]"` for text that is not
    /// JSON; every such entry about them must be erased at once; the vouchers (SHA-256 of the
    /// new texts) are written by the function itself; and only the salts of their older row
    /// digests are cleared.
    static let erasureBodies: [(name: String, signature: String, body: String)] = [
        (
            "alongside_erased", "(j jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE",
            """
            BEGIN
                IF jsonb_typeof(j) = 'object' THEN
                    RETURN coalesce((
                        SELECT jsonb_object_agg(k, CASE
                            WHEN (k IN ('age_band', 'gender', 'language', 'nhs', 'ref', 'detail')
                                  OR right(k, 6) = 'reason')
                                 AND jsonb_typeof(v) <> 'null' THEN '"[removed]"'::jsonb
                            ELSE alongside_erased(v) END)
                        FROM jsonb_each(j) AS m(k, v)), '{}'::jsonb);
                ELSIF jsonb_typeof(j) = 'array' THEN
                    RETURN coalesce((
                        SELECT jsonb_agg(alongside_erased(v) ORDER BY n)
                        FROM jsonb_array_elements(j) WITH ORDINALITY AS a(v, n)), '[]'::jsonb);
                END IF;
                RETURN j;
            END
            """
        ),
        (
            "alongside_is_erasure", "(old text, new text) RETURNS boolean LANGUAGE plpgsql",
            """
            DECLARE
                j jsonb;
            BEGIN
                IF old IS NULL THEN
                    RETURN new IS NULL;
                END IF;
                IF new IS NULL THEN
                    RETURN false;
                END IF;
                BEGIN
                    j := old::jsonb;
                EXCEPTION WHEN others THEN
                    RETURN new = '"[removed]"';
                END;
                BEGIN
                    RETURN alongside_erased(j) = new::jsonb;
                EXCEPTION WHEN others THEN
                    RETURN false;
                END;
            END
            """
        ),
        (
            "alongside_retention_erase",
            "(p_ids bigint[], p_by_seq bigint, p_entries json) RETURNS bigint LANGUAGE plpgsql "
                + "SECURITY DEFINER",
            """
            DECLARE
                e record;
                old record;
                n bigint := 0;
                entities text[];
                ids text[];
            BEGIN
                IF p_by_seq IS DISTINCT FROM (SELECT coalesce(max(seq), 0) + 1 FROM audit) THEN
                    RAISE EXCEPTION 'an erasure must be vouched for by the next audit entry';
                END IF;
                IF EXISTS (
                    SELECT 1 FROM unnest(p_ids) AS i(id) LEFT JOIN presentation p ON p.id = i.id
                    WHERE p.id IS NULL OR p.closed_at IS NULL OR p.nhs IS NOT NULL
                       OR p.ref IS NOT NULL OR p.age_band IS NOT NULL OR p.gender IS NOT NULL
                       OR p.language IS NOT NULL OR p.override_reason IS NOT NULL
                       OR EXISTS (SELECT 1 FROM hold h WHERE h.presentation_id = i.id)
                       OR EXISTS (SELECT 1 FROM decline d
                                  WHERE d.presentation_id = i.id AND d.reason IS NOT NULL))
                THEN
                    RAISE EXCEPTION 'only closed presentations without identifiers may be erased';
                END IF;
                entities := ARRAY(SELECT 'P' || i.id FROM unnest(p_ids) AS i(id));
                ids := ARRAY(SELECT i.id::text FROM unnest(p_ids) AS i(id));
                FOR e IN
                    SELECT * FROM json_to_recordset(p_entries)
                        AS x(seq bigint, before text, after text)
                LOOP
                    SELECT a.before, a.after INTO old FROM audit a
                    WHERE a.seq = e.seq AND a.format >= 2 AND a.salt IS NOT NULL
                      AND a.entity = ANY (entities);
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'entry % is not one retention may erase', e.seq;
                    END IF;
                    IF NOT (alongside_is_erasure(old.before, e.before)
                            AND alongside_is_erasure(old.after, e.after)) THEN
                        RAISE EXCEPTION 'entry % would be changed by more than the erasure', e.seq;
                    END IF;
                    UPDATE audit SET before = e.before, after = e.after, salt = NULL
                    WHERE seq = e.seq;
                    INSERT INTO audit_redaction(seq, before_digest, after_digest, by_seq)
                    VALUES (e.seq, encode(sha256(convert_to(e.before, 'UTF8')), 'hex'),
                            encode(sha256(convert_to(e.after, 'UTF8')), 'hex'), p_by_seq);
                    n := n + 1;
                END LOOP;
                IF EXISTS (SELECT 1 FROM audit WHERE format >= 2 AND salt IS NOT NULL
                           AND entity = ANY (entities)) THEN
                    RAISE EXCEPTION 'an erasure must cover every entry about the presentations';
                END IF;
                UPDATE audit_row SET salt = NULL
                WHERE salt IS NOT NULL AND seq < p_by_seq
                  AND (record = ANY (ARRAY(SELECT 'presentation:' || i FROM unnest(ids) AS i))
                       OR CASE WHEN record LIKE 'decline:%'
                               THEN split_part(record, ':', 2) = ANY (ids) ELSE false END);
                RETURN n;
            END
            """
        ),
    ]

    static func erasure(_ schema: String) -> String {
        erasureBodies.map { name, signature, body in
            let path =
                name == "alongside_retention_erase" ? " SET search_path = \(schema), pg_temp" : ""
            return """
                CREATE FUNCTION \(name)\(signature)\(path) AS $$
                \(body)
                $$;

                """
        }.joined()
            + "REVOKE EXECUTE ON FUNCTION alongside_retention_erase(bigint[], bigint, json) "
            + "FROM PUBLIC;\n"
    }

    /// pg2-week-figures (issue 16): the trend's figures of closed weeks, as SQLite's
    /// v8-week-figures keeps them. Derived data, not audited; the trigger drops a week's
    /// figures whenever a presentation arriving in it is inserted, deleted, or changes a
    /// column the figures depend on (arrival, seen time, voiding, site), and every kept
    /// week when the table is truncated, whoever makes the change.
    static func weekFigures(_ schema: String) -> String {
        """
        CREATE TABLE week_figures (
            scope text COLLATE "C" NOT NULL,
            start bigint NOT NULL,
            "end" bigint NOT NULL,
            presentations bigint NOT NULL,
            waits bytea NOT NULL,
            PRIMARY KEY (scope, start, "end")
        );
        CREATE INDEX week_figures_by_start ON week_figures(start);
        CREATE FUNCTION alongside_week_figures_drop() RETURNS trigger
        LANGUAGE plpgsql SET search_path = \(schema) AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                DELETE FROM week_figures;
                RETURN NULL;
            END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                DELETE FROM week_figures
                WHERE start <= OLD.arrived_at AND start > OLD.arrived_at - 691200
                        AND "end" > OLD.arrived_at;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                DELETE FROM week_figures
                WHERE start <= NEW.arrived_at AND start > NEW.arrived_at - 691200
                        AND "end" > NEW.arrived_at;
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER week_figures_on_insert_or_delete AFTER INSERT OR DELETE ON presentation
        FOR EACH ROW EXECUTE FUNCTION alongside_week_figures_drop();
        CREATE TRIGGER week_figures_on_update
        AFTER UPDATE OF arrived_at, seen_at, voided_at, site ON presentation FOR EACH ROW
        WHEN (OLD.arrived_at IS DISTINCT FROM NEW.arrived_at
              OR OLD.seen_at IS DISTINCT FROM NEW.seen_at
              OR OLD.voided_at IS DISTINCT FROM NEW.voided_at
              OR OLD.site IS DISTINCT FROM NEW.site)
        EXECUTE FUNCTION alongside_week_figures_drop();
        CREATE TRIGGER week_figures_on_truncate AFTER TRUNCATE ON presentation
        FOR EACH STATEMENT EXECUTE FUNCTION alongside_week_figures_drop();

        """
    }

    /// Tables the application's role may only read and append to.
    static let appendOnlyTables = ["audit", "audit_row", "audit_redaction", "site_audit"]
    /// Tables the application's role reads and changes.
    static let dataTables = [
        "meta", "audit_head", "mentor", "shift", "leave", "presentation", "decline", "staff",
        "pin_state", "service", "service_schedule", "referral", "correction", "sign_in",
        "setting", "hold", "week_figures",
    ]

    /// The grants to the application's role `role` (quoted): SELECT and INSERT on the audit
    /// tables, SELECT/INSERT/UPDATE/DELETE on the others, SELECT on the migrations, and the
    /// erasure function.
    /// Only the tables of `existing` are named (a migration grants what exists so far).
    static func grants(to role: String, schema: String, existing: Set<String>) -> String {
        let appendOnly = appendOnlyTables.filter(existing.contains)
        let data = dataTables.filter(existing.contains)
        return """
        GRANT USAGE ON SCHEMA \(schema) TO \(role);
        GRANT SELECT ON alongside_migrations TO \(role);
        GRANT SELECT, INSERT ON \(appendOnly.joined(separator: ", ")) TO \(role);
        GRANT SELECT, INSERT, UPDATE, DELETE ON \(data.joined(separator: ", ")) TO \(role);
        GRANT EXECUTE ON FUNCTION alongside_retention_erase(bigint[], bigint, json) TO \(role);

        """
    }

    /// `"name"` with any `"` doubled.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// One trigger that keeps an audit table append-only.
struct AuditGuard: Sendable {
    enum Event: String, Sendable {
        case update = "UPDATE"
        case delete = "DELETE"
        case truncate = "TRUNCATE"
    }
    let name: String
    let table: String
    let event: Event
    let function: String

    /// `pg_trigger.tgtype`: BEFORE (2) + the event (UPDATE 16, DELETE 8, TRUNCATE 32) + ROW
    /// (1) for row triggers.
    var tgtype: Int64 {
        switch event {
        case .update: 2 + 16 + 1
        case .delete: 2 + 8 + 1
        case .truncate: 2 + 32
        }
    }
}
