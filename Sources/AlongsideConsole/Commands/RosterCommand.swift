import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `roster import|export|week`.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Bulk roster work from CSV files, and the week's cover.",
        subcommands: [RosterImport.self, RosterExport.self, RosterWeek.self])
}

struct RosterImport: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load mentors (and their shifts) from CSV files: all or nothing.",
        discussion: """
            MENTORS.csv has the columns id,name,gender,languages,localities,experience,\
            capacity,dbs_recheck_due,lead,status (id and name are required; lists are \
            separated by ';'; lead is yes or no; status is active, paused or retired). \
            SHIFTS.csv has mentor_id,start,end with times as in 'help times'. A mentor \
            already on the roster is updated (the audit keeps the before and after); a \
            column the file lacks keeps its stored value. A shift already stored exactly is \
            not added twice. Any bad row rejects the whole import, with every problem listed \
            as FILE:LINE: message, and nothing is written. See docs/coordinator-guide.md.

            Examples:
              roster import mentors.csv
              roster import mentors.csv shifts.csv
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The mentors file (CSV, UTF-8).")
    var mentors: String
    @Argument(help: "The shifts file (CSV, UTF-8), if any.")
    var shifts: String?

    func execute(_ session: Session) throws -> String {
        let mentorsText = try TextFiles.read(mentors, field: "MENTORS.csv")
        let shiftsText = try shifts.map { try TextFiles.read($0, field: "SHIFTS.csv") }
        let progress = RosterIO.progress
        var checked: ((Int) -> Void)? = nil
        if let progress { checked = { progress("checked \(TextFiles.grouped($0)) rows") } }
        let draft = RosterFiles.read(
            mentors: (mentors, mentorsText), shifts: shifts.map { ($0, shiftsText ?? "") },
            tags: session.tags, localities: session.localities, calendar: session.calendar,
            now: session.now, progress: checked)
        let today = session.calendar.localDate(session.now)
        let span = draft.shiftSpan
        let plan = try session.write("roster import") { tx -> RosterPlan in
            let existingShifts = try span.map { try tx.shifts(mentor: nil, overlapping: $0) } ?? []
            let plan: RosterPlan
            switch RosterFiles.plan(
                draft, existingMentors: try tx.mentors(), existingShifts: existingShifts,
                today: today)
            {
            case .success(let p): plan = p
            case .failure(let rejection): throw RosterIO.rejection(rejection.errors)
            }
            var count = 0
            func tick() {
                count += 1
                if count % RosterFiles.progressInterval == 0 {
                    progress?("stored \(TextFiles.grouped(count)) records")
                }
            }
            for m in plan.newMentors {
                try tx.insertMentor(m)
                tick()
            }
            for (_, m) in plan.updatedMentors {
                try tx.updateMentor(m)
                tick()
            }
            for s in plan.shifts {
                try tx.insertShift(s)
                tick()
            }
            return plan
        }
        session.warnings += plan.warnings
        let mentorCount =
            plan.newMentors.count + plan.updatedMentors.count + plan.unchangedMentors.count
        var parts = ["\(TextFiles.grouped(plan.newMentors.count)) new"]
        if !plan.updatedMentors.isEmpty || !plan.unchangedMentors.isEmpty {
            parts.append("\(TextFiles.grouped(plan.updatedMentors.count)) updated")
        }
        if !plan.unchangedMentors.isEmpty {
            parts.append("\(TextFiles.grouped(plan.unchangedMentors.count)) unchanged")
        }
        var out = "Imported \(RosterIO.count(mentorCount, "mentor"))"
        out += " (\(parts.joined(separator: ", ")))"
        if shifts != nil {
            out += " and \(RosterIO.count(plan.shifts.count, "shift"))"
            if plan.shiftsAlreadyStored > 0 {
                out += " (\(TextFiles.grouped(plan.shiftsAlreadyStored)) already on the roster)"
            }
        }
        return out + "."
    }
}

struct RosterExport: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write mentors.csv and shifts.csv to DIR, files 'roster import' reads back.",
        discussion: """
            DIR is created (mode 0700) if missing; the files are mode 0600 and replace any \
            already there. Every mentor (retired too) and every shift is written; shift times \
            carry the site's UTC offset so that hours around a clock change read back exactly. \
            Leave is not part of the files. The export is recorded in the audit log.

            Examples:
              roster export ~/roster-backup
              roster export /srv/alongside/exports/2026-11-16
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The folder to write to.")
    var dir: String

    func execute(_ session: Session) throws -> String {
        let folder = (dir as NSString).expandingTildeInPath
        let cal = session.calendar
        return try session.write("roster export") { tx in
            let mentors = try tx.mentors()
            let shifts = try tx.shifts(mentor: nil, overlapping: nil)
            try RosterIO.makeFolder(folder)
            let mentorsPath = (folder as NSString).appendingPathComponent("mentors.csv")
            let shiftsPath = (folder as NSString).appendingPathComponent("shifts.csv")
            // Both files are complete before either replaces the previous one.
            try TextFiles.writePrivate(
                [
                    (RosterFiles.mentorsCSV(mentors), mentorsPath),
                    (RosterFiles.shiftsCSV(shifts, calendar: cal), shiftsPath),
                ], field: "DIR")
            try tx.logEvent(
                action: "export", entity: nil,
                detail: "roster: \(mentors.count) mentors, \(shifts.count) shifts to \(folder)")
            return "Wrote \(RosterIO.count(mentors.count, "mentor")) to \(mentorsPath) and "
                + "\(RosterIO.count(shifts.count, "shift")) to \(shiftsPath)."
        }
    }
}

/// DBS recheck warnings for the start of a session.
public enum RosterWarnings {
    /// The day counts at which a coming recheck is announced.
    static let horizons = [7, 30, 60]

    /// Lines to show a coordinator or admin when a session starts: mentors (not retired)
    /// whose DBS recheck is overdue, or due within 7, 30 or 60 days (each mentor once, in
    /// the nearest band). Empty for a liaison user, a user not on the staff list, or when
    /// nothing is due. Never throws: a database problem gives no lines.
    public static func dbsWarnings(session: Session) -> [String] {
        guard
            let (role, mentors) = try? session.read({ tx in
                (try tx.staffMember(session.user)?.role, try tx.mentors())
            }),
            let role, role.allows(.coordinator)
        else { return [] }
        return lines(mentors, today: session.calendar.localDate(session.now))
    }

    /// The warning lines for `mentors` on `today` (see `dbsWarnings`).
    static func lines(_ mentors: [Mentor], today: LocalDate) -> [String] {
        var overdue: [String] = []
        var bands = [[String]](repeating: [], count: horizons.count)
        for m in mentors where m.status != .retired {
            guard let due = m.dbsRecheckDue else { continue }
            let days = due.daysSinceEpoch - today.daysSinceEpoch
            if days < 0 {
                overdue.append(m.id)
            } else if let band = horizons.firstIndex(where: { days <= $0 }) {
                bands[band].append("\(m.id) \(due)")
            }
        }
        func list(_ items: [String]) -> String {
            items.count <= 6
                ? items.joined(separator: ", ")
                : items.prefix(5).joined(separator: ", ") + " and \(items.count - 5) more"
        }
        var out: [String] = []
        if !overdue.isEmpty {
            out.append(
                "DBS recheck overdue for \(list(overdue)): never offered until "
                    + "'mentor edit M --dbs-recheck-due DATE'.")
        }
        for (i, names) in bands.enumerated() where !names.isEmpty {
            out.append("DBS recheck due within \(horizons[i]) days: \(list(names)).")
        }
        return out
    }
}

/// Files, progress and wording shared by the roster commands.
enum RosterIO {
    /// The rejection of a whole import: every problem on its own line.
    static func rejection(_ errors: [RosterFileError]) -> CommandError {
        let limit = 500
        var lines = errors.prefix(limit).map(\.description)
        if errors.count > limit { lines.append("… and \(errors.count - limit) more problems") }
        let noun = errors.count == 1 ? "problem" : "problems"
        return CommandError(
            "nothing imported: \(TextFiles.grouped(errors.count)) \(noun) to fix in the files, then run "
                + "the import again\n" + lines.joined(separator: "\n"))
    }

    /// A progress printer for standard error, only when it is a terminal.
    static var progress: ((String) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return { Output.err("roster import: \($0)…\n") }
    }

    /// Creates `path` (and parents) with mode 0700 if it does not exist.
    static func makeFolder(_ path: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw CommandError.field("DIR", "'\(path)' is a file, not a folder")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw CommandError.field(
                "DIR", "cannot create '\(path)': \(error.localizedDescription)")
        }
    }


    /// `1 mentor`, `3,120 shifts`.
    static func count(_ n: Int, _ noun: String) -> String {
        "\(TextFiles.grouped(n)) \(noun)\(n == 1 ? "" : "s")"
    }
}
