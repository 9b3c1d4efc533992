import AlongsideCore
import ArgumentParser
import Foundation

/// `mentor add|edit|pause|resume|retire`.
struct MentorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mentor",
        abstract: "Keep the roster: add, edit, pause, resume or retire a mentor.",
        subcommands: [
            MentorAdd.self, MentorEdit.self, MentorPause.self, MentorResume.self, MentorRetire.self,
            MentorIn.self, MentorOut.self,
        ])
}

/// The mentor fields shared by `mentor add` and `mentor edit`.
struct MentorFields: ParsableArguments {
    @Option(help: "The mentor's name.")
    var name: String?
    @Option(help: "Gender (female, male, non-binary, …).")
    var gender: String?
    @Option(help: "Languages spoken, comma-separated.")
    var languages: String?
    @Option(help: "Locality ids served, comma-separated.")
    var localities: String?
    @Option(help: "Lived-experience tags, comma-separated.")
    var experience: String?
    @Option(help: "How many open presentations at once (a whole number from 1).")
    var capacity: String?
    @Option(help: "When the DBS recheck is due, YYYY-MM-DD (clear up to and including it).")
    var dbsRecheckDue: String?
    @Flag(inversion: .prefixedNo, help: "Whether the mentor is a lead peer mentor.")
    var lead: Bool?
    @Option(
        help: "A phone number for the desk (digits, spaces, +, -, parentheses; empty to remove).")
    var phone: String?

    func validate() throws {
        if let capacity, case .failure(let problem) = MentorRules.capacity(capacity) {
            throw invalid("--capacity", problem.description)
        }
    }

    /// Applies the given fields to `m`, validating each.
    func apply(to m: inout Mentor, session: Session) throws {
        if let name {
            guard let n = try Validate.text(name, option: "--name", max: MentorRules.nameMax) else {
                throw CommandError.field("--name", "cannot be empty")
            }
            m.name = n
        }
        if let gender {
            m.gender = try Validate.text(gender, option: "--gender", max: MentorRules.shortTextMax)?
                .lowercased()
        }
        if let languages {
            m.languages = try CSV.splitList(languages.replacingOccurrences(of: ",", with: ";")).map {
                try Validate.text($0, option: "--languages", max: MentorRules.shortTextMax)?
                    .lowercased() ?? ""
            }.filter { !$0.isEmpty }
        }
        if let localities { m.localities = try session.localityList(localities, option: "--localities") }
        if let experience { m.experience = try session.tagList(experience, option: "--experience", allowEmpty: true) }
        if let capacity {
            switch MentorRules.capacity(capacity) {
            case .success(let k): m.capacity = k
            case .failure(let problem): throw CommandError.field("--capacity", problem.description)
            }
        }
        if let dbsRecheckDue {
            m.dbsRecheckDue = dbsRecheckDue.isEmpty ? nil : try session.date(dbsRecheckDue, option: "--dbs-recheck-due")
        }
        if let lead { m.lead = lead }
        if let phone {
            // A phone is not free text: it is checked as a phone number, not for NHS numbers.
            let t = phone.trimmingCharacters(in: .whitespaces)
            if t.isEmpty {
                m.phone = nil
            } else if let problem = Mentor.phoneProblem(t) {
                throw CommandError.field("--phone", problem)
            } else {
                m.phone = t
            }
        }
    }
}

struct MentorAdd: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a mentor to the roster.",
        discussion: """
            The id is yours to choose (letters, digits, '-', at most 32); leave it out to get \
            the next M-number. Capacity defaults to 1. A DBS recheck date already past is \
            stored with a warning and the mentor is never offered until it is updated.

            Examples:
              mentor add M1 --name "Amy Walsh" --gender female --localities blackpool,fleetwood \\
                --experience alcohol,bereavement --capacity 2 --dbs-recheck-due 2027-06-30
              mentor add --name "Dev Patel" --experience debt,gambling --lead
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The mentor's id (default: the next M-number).")
    var id: String?
    @OptionGroup var fields: MentorFields

    func execute(_ session: Session) throws -> String {
        if let id, let problem = Identifiers.mentorIDProblem(id) { throw CommandError.field("M", problem) }
        guard fields.name != nil else {
            throw CommandError.field("--name", "is required, e.g. --name \"Amy Walsh\"")
        }
        var m = Mentor(id: id ?? "", name: "")
        try fields.apply(to: &m, session: session)
        let today = session.calendar.localDate(session.now)
        if m.dbsOverdue(on: today) {
            session.warnings.append("\(m.dbsRecheckDue!) is past: the mentor is stored but never offered until the DBS recheck date is updated")
        }
        return try session.write("mentor add") { tx in
            if m.id.isEmpty { m.id = try tx.nextMentorID() }
            if let existing = try tx.mentor(m.id) {
                throw CommandError("mentor \(existing.id) already exists; use 'mentor edit \(existing.id) …' to change it")
            }
            try tx.insertMentor(m)
            return "Added \(m.id) (\(m.name)). Give them shifts with 'shift add \(m.id) START END' or 'shift weekly \(m.id) mon-fri 09:00-17:00'."
        }
    }
}

struct MentorEdit: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a mentor's details (only the options given change).",
        discussion: """
            Examples:
              mentor edit M1 --capacity 3
              mentor edit M1 --dbs-recheck-due 2029-01-31 --no-lead
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The mentor's id.")
    var id: String
    @OptionGroup var fields: MentorFields

    func execute(_ session: Session) throws -> String {
        try session.write("mentor edit") { tx in
            let before = try session.mentor(id, in: tx)
            var m = before
            try fields.apply(to: &m, session: session)
            if m == before { return "Nothing to change for \(m.id); give the options to change (see 'help mentor edit')." }
            if m.dbsOverdue(on: session.calendar.localDate(session.now)) {
                session.warnings.append("\(m.id)'s DBS recheck is overdue: never offered until it is updated")
            }
            try tx.updateMentor(m)
            return "Updated \(m.id)."
        }
    }
}

/// Shared body of pause, resume and retire.
private func setStatus(_ id: String, to status: MentorStatus, command: String, session: Session) throws -> String {
    try session.write(command) { tx in
        var m = try session.mentor(id, in: tx)
        if m.status == status { return "\(m.id) is already \(status.rawValue)." }
        if m.status == .retired && status == .paused {
            throw CommandError("\(m.id) is retired; 'mentor resume \(m.id)' first if they are returning")
        }
        m.status = status
        try tx.updateMentor(m)
        let open = try tx.caseloads()[m.id.lowercased()] ?? 0
        var out = "\(m.id) is now \(status.rawValue)."
        if status != .active && open > 0 {
            out += " They still hold \(open) open presentation(s); decline or close them as needed."
        }
        return out
    }
}

struct MentorPause: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop offering a mentor until resumed (takes effect at once).")
    static let requiredRole = Role.coordinator
    @Argument(help: "The mentor's id.") var id: String
    func execute(_ session: Session) throws -> String {
        try setStatus(id, to: .paused, command: "mentor pause", session: session)
    }
}

struct MentorResume: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Offer a paused or retired mentor again.")
    static let requiredRole = Role.coordinator
    @Argument(help: "The mentor's id.") var id: String
    func execute(_ session: Session) throws -> String {
        try setStatus(id, to: .active, command: "mentor resume", session: session)
    }
}

struct MentorRetire: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire", abstract: "Take a mentor off the roster for good (history is kept).")
    static let requiredRole = Role.coordinator
    @Argument(help: "The mentor's id.") var id: String
    func execute(_ session: Session) throws -> String {
        try setStatus(id, to: .retired, command: "mentor retire", session: session)
    }
}
