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
            (everything, plus staff, backup and audit). The last admin cannot be demoted.

            Examples:
              staff add jo liaison
              staff add sam coordinator
            """)
    static let requiredRole = Role.admin

    @Argument(help: "The user name.") var name: String
    @Argument(help: "liaison, coordinator or admin.") var role: String

    func execute(_ session: Session) throws -> String {
        let roles = Role.allCases.map(\.rawValue)
        guard let r = Role(rawValue: role.lowercased()) else {
            throw CommandError.field("ROLE", "'\(role)' is not a role; use \(roles.joined(separator: ", "))" + Suggestion.didYouMean(role, in: roles))
        }
        guard let n = try Validate.text(name, option: "NAME", max: 64), !n.contains(" ") else {
            throw CommandError.field("NAME", "give a user name without spaces")
        }
        return try session.write("staff add") { tx in
            // Names are matched without regard to case, so 'Jo' changes jo's role.
            let existing = try tx.staff().first { $0.name.lowercased() == n.lowercased() }
            let n = existing?.name ?? n
            if let existing, existing.role == .admin, r != .admin,
                try tx.staff().filter({ $0.role == .admin }).count == 1
            {
                throw CommandError("\(n) is the last admin; make someone else admin first")
            }
            try tx.upsertStaff(StaffMember(name: n, role: r, pinHash: existing?.pinHash))
            return existing == nil ? "Added \(n) as \(r.rawValue)." : "\(n) is now \(r.rawValue)."
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
        abstract: "Set or clear your PIN (admins: another person's, to reset it).",
        discussion: """
            At a terminal the new PIN is asked twice without echo; in a script it is read from \
            $ALONGSIDE_NEW_PIN. PINs are 4 to 12 digits and are stored only as salted slow \
            hashes. With a PIN set, the console asks for it once per session (scripts read \
            $ALONGSIDE_PIN).

            Examples:
              staff pin
              staff pin --clear
              staff pin jo --clear        (an admin resetting jo's PIN)
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "Whose PIN (default: yours; another's needs admin).") var name: String?
    @Flag(help: "Remove the PIN.") var clear = false

    func execute(_ session: Session) throws -> String {
        let target = name ?? session.user
        var newHash: String? = nil
        if !clear {
            let pin: String?
            if session.interactive {
                let first = SecretPrompt.read(prompt: "New PIN for \(target): ")
                let again = SecretPrompt.read(prompt: "Again: ")
                guard first == again else { throw CommandError("the two PINs differ; nothing changed") }
                pin = first
            } else {
                pin = session.environment["ALONGSIDE_NEW_PIN"]
            }
            guard let pin, pin.count >= 4, pin.count <= 12, pin.allSatisfy({ $0 >= "0" && $0 <= "9" }) else {
                throw CommandError(
                    "a PIN is 4 to 12 digits" + (session.interactive ? "" : " (give it in ALONGSIDE_NEW_PIN)"))
            }
            newHash = PinHash.make(pin)
        }
        return try session.write("staff pin") { tx in
            guard let me = try tx.staffMember(session.user) else { throw CommandError("not on the staff list") }
            if target != session.user && me.role != .admin {
                throw CommandError("only an admin can change another person's PIN")
            }
            guard var member = try tx.staffMember(target) else {
                throw CommandError("'\(target)' is not on the staff list")
            }
            member.pinHash = newHash
            try tx.upsertStaff(member)
            return clear ? "PIN cleared for \(target)." : "PIN set for \(target)."
        }
    }
}
