import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `staff add|remove|list`.
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Who may do what: liaison, coordinator or admin.",
        subcommands: [StaffAdd.self, StaffRemove.self, StaffPin.self, StaffList.self])
}

struct StaffAdd: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a member of staff, or change their role.",
        discussion: """
            Roles: liaison (the desk), coordinator (the desk plus the roster), admin \
            (everything, plus staff, settings, backup and audit). The last admin cannot be \
            demoted.

            A new member is given a first PIN (6 or more digits): asked twice at a terminal, \
            read from $ALONGSIDE_NEW_PIN in scripts. Acting as anyone other than the \
            operating-system user needs that person's PIN, so a member without one can act \
            only as the operating-system user of the same name. At their first use at a \
            terminal the member is invited to choose their own PIN ('staff pin').

            Examples:
              staff add jo liaison
              ALONGSIDE_NEW_PIN=…  alongside -c "staff add sam coordinator"
            """)
    static let requiredRole = Role.admin

    @Argument(help: "The user name.") var name: String
    @Argument(help: "liaison, coordinator or admin.") var role: Role

    func execute(_ session: Session) throws -> String {
        let r = role
        guard let n = try Validate.text(name, option: "NAME", max: 64), !n.contains(" ") else {
            throw CommandError.field("NAME", "give a user name without spaces")
        }
        let known = try session.read { tx in
            try tx.staff().first { $0.name.lowercased() == n.lowercased() }
        }
        // A new member gets a first PIN; a role change keeps the PIN they have.
        let firstPin = known == nil ? try PinEntry.newPin(for: n, session: session, optional: true) : nil
        return try session.write("staff add") { tx in
            // Names are matched without regard to case, so 'Jo' changes jo's role.
            let existing = try tx.staff().first { $0.name.lowercased() == n.lowercased() }
            let n = existing?.name ?? n
            if let existing, existing.role == .admin, r != .admin,
                try tx.staff().filter({ $0.role == .admin }).count == 1
            {
                throw CommandError("\(n) is the last admin; make someone else admin first")
            }
            let hash = existing?.pinHash ?? firstPin.map(PinHash.make)
            try tx.upsertStaff(StaffMember(name: n, role: r, pinHash: hash))
            if existing == nil, firstPin != nil {
                try tx.setPinAttempts(n, PinAttempts(firstPin: true))
            }
            if existing != nil { return "\(n) is now \(r.rawValue)." }
            return "Added \(n) as \(r.rawValue)"
                + (firstPin == nil
                    ? ", without a PIN: only the operating-system user '\(n)' can act as \(n) until an admin runs 'staff pin \(n)'."
                    : " with a first PIN; \(n) is invited to choose their own at first use.")
        }
    }
}

struct StaffRemove: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a member of staff (not the last admin).")
    static let requiredRole = Role.admin

    @Argument(help: "The user name.") var name: String

    func execute(_ session: Session) throws -> String {
        try session.write("staff remove") { tx in
            guard let m = try tx.staffMember(name) else {
                throw CommandError("'\(name)' is not on the staff list" + Suggestion.didYouMean(name, in: try tx.staff().map(\.name)))
            }
            if m.role == .admin, try tx.staff().filter({ $0.role == .admin }).count == 1 {
                throw CommandError("\(name) is the last admin and cannot be removed")
            }
            try tx.removeStaff(name)
            return "Removed \(name)."
        }
    }
}

struct StaffList: ConsoleCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The staff list.")
    static let requiredRole = Role.admin
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let staff = try session.read { try $0.staff() }
        switch format {
        case .json:
            return JSONValue.array(staff.map { .object([("name", .string($0.name)), ("role", .string($0.role.rawValue)), ("pin", .bool($0.pinHash != nil))]) }).text
        case .csv:
            return CSV.document(header: ["name", "role", "pin"], rows: staff.map { [$0.name, $0.role.rawValue, $0.pinHash != nil ? "yes" : "no"] })
        default:
            var t = TextTable(["name", "role", "PIN"])
            for s in staff { t.add([s.name, s.role.rawValue, s.pinHash != nil ? "set" : "-"]) }
            return t.render(style: session.style)
        }
    }
}

struct StaffPin: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Set your own PIN (admins: a new first PIN for someone who forgot theirs).",
        discussion: """
            PINs are 6 to 20 digits (not one digit repeated, not a run like 123456) and are \
            stored only as salted PBKDF2-SHA256 hashes of 600,000 rounds. At a terminal the new \
            PIN is asked twice without echo, after your current one if you have one; in a \
            script the current PIN is read from $ALONGSIDE_PIN and the new one from \
            $ALONGSIDE_NEW_PIN. Setting your own PIN is always possible, whatever the \
            settings, so require_pin never locks anyone out. An admin giving someone a new \
            first PIN also lifts a lock on their name.

            Examples:
              staff pin
              staff pin jo            (an admin: a new first PIN for jo)
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "Whose PIN (default: yours; another's needs admin).") var name: String?

    /// One's own PIN is checked here (the current PIN first), so it may run before the
    /// session's identity is proved.
    var provesIdentityItself: Bool { name == nil }

    func execute(_ session: Session) throws -> String {
        let target = name ?? session.user
        let forSelf = target.lowercased() == session.user.lowercased()
        let (me, member) = try session.read { tx in
            (try tx.staffMember(session.user), try tx.staffMember(target))
        }
        guard let me else { throw CommandError("not on the staff list") }
        guard let member else {
            throw CommandError(
                "'\(target)' is not on the staff list"
                    + Suggestion.didYouMean(target, in: try session.read { try $0.staff().map(\.name) }))
        }
        if !forSelf && me.role != .admin {
            try Identity.deny(session, command: "staff pin", reason: "needs the admin role")
            throw CommandError("only an admin can set another person's PIN")
        }
        if forSelf, member.pinHash != nil, !session.authenticated {
            // The current PIN first, with the same count and lock as any other entry.
            try Identity.prove(member, session: session, command: "staff pin")
        }
        guard let pin = try PinEntry.newPin(for: member.name, session: session, optional: false) else {
            throw CommandError("give the new PIN")
        }
        let hash = PinHash.make(pin)
        return try session.write("staff pin") { tx in
            guard var member = try tx.staffMember(target) else {
                throw CommandError("'\(target)' is not on the staff list")
            }
            member.pinHash = hash
            try tx.upsertStaff(member)
            // An admin's reset is a first PIN, to be replaced by its holder; it lifts a lock.
            try tx.setPinAttempts(member.name, PinAttempts(firstPin: !forSelf))
            if forSelf { session.authenticated = true }
            return forSelf
                ? "PIN set for \(member.name)."
                : "A first PIN is set for \(member.name); they are invited to choose their own at first use."
        }
    }
}

/// Reading a new PIN: twice without echo at a terminal, from `$ALONGSIDE_NEW_PIN` in scripts,
/// checked against the core's PIN rule. Never echoes it.
enum PinEntry {
    /// The new PIN, or nil when `optional` and none was given.
    static func newPin(for name: String, session: Session, optional: Bool) throws -> String? {
        try newPin(
            for: name, interactive: session.interactive, environment: session.environment,
            optional: optional, nothingChanged: "nothing changed")
    }

    /// The same before a session exists (a new database's first admin); `nothingChanged`
    /// ends each refusal (`nothing changed`, `no database was created`).
    static func newPin(
        for name: String, interactive: Bool, environment: [String: String], optional: Bool,
        nothingChanged: String
    ) throws -> String? {
        let pin: String?
        if interactive {
            let first = SecretPrompt.read(
                prompt: "New PIN for \(name)\(optional ? " (Enter for none)" : ""): ")
            if optional, first?.isEmpty ?? true { return nil }
            let again = SecretPrompt.read(prompt: "Again: ")
            guard first == again else { throw CommandError("the two PINs differ; \(nothingChanged)") }
            pin = first
        } else {
            pin = environment["ALONGSIDE_NEW_PIN"]
            if optional, pin?.isEmpty ?? true { return nil }
        }
        guard let pin, !pin.isEmpty else {
            throw CommandError(
                "give the new PIN" + (interactive ? "" : " in ALONGSIDE_NEW_PIN") + "; \(nothingChanged)")
        }
        if let problem = PinPolicy.problem(with: pin) {
            throw CommandError("\(problem); \(nothingChanged)")
        }
        return pin
    }
}
