import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// Why a PIN entry did not prove the acting user.
struct PinRefusal: Error, CustomStringConvertible {
    /// What went wrong.
    enum Kind { case missing, wrong, locked }
    /// What went wrong.
    var kind: Kind
    /// What to tell the person.
    var description: String
}

/// Who is acting, proved (spec §8). The acting user is `--user`, else the operating-system
/// user; acting as anyone other than the operating-system user needs that person's PIN, and
/// with `require_pin = yes` everyone needs one. Wrong PINs are counted in the database and
/// lock the name for 15 minutes after five in a row; every refusal is audited as `denied`.
enum Identity {
    /// The effective operating-system user's name.
    static var osUser: String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "user\(geteuid())"
    }

    /// Whether `name` is the operating-system user (names compare without case).
    static func isOSUser(_ name: String) -> Bool { name.lowercased() == osUser.lowercased() }

    /// Whether the member must give a PIN to act in this session: always when acting as
    /// someone other than the operating-system user or when the site requires PINs; at a
    /// terminal, also whenever the member has set one.
    static func pinNeeded(_ member: StaffMember, session: Session) -> Bool {
        !isOSUser(member.name) || session.config.requirePin
            || (session.interactive && member.pinHash != nil)
    }

    /// Checks that the acting user may run `command`: on the staff list, identity proved,
    /// role enough. Refusals are audited (`denied`) in their own transaction, since the
    /// command itself writes nothing.
    static func permit(_ command: any ConsoleCommand, path: String, session: Session) throws {
        let member = try session.read { try $0.staffMember(session.user) }
        guard let member else {
            try deny(session, command: path, reason: "not on the staff list")
            throw CommandError(
                "'\(session.user)' is not on the staff list, so can do nothing here; ask an admin to run 'staff add \(session.user) liaison'"
            )
        }
        if !session.authenticated {
            if pinNeeded(member, session: session) {
                if member.pinHash == nil {
                    // The one thing always possible: the operating-system user setting their
                    // own first PIN, so require_pin never locks the admin out.
                    guard isOSUser(member.name), command.provesIdentityItself else {
                        try deny(session, command: path, reason: "no PIN set")
                        throw CommandError(noPinMessage(member, session: session))
                    }
                } else {
                    try prove(member, session: session, command: path)
                }
            } else {
                session.authenticated = true
            }
        }
        guard member.role.allows(type(of: command).requiredRole) else {
            let needed = type(of: command).requiredRole.rawValue
            try deny(session, command: path, reason: "needs the \(needed) role")
            throw CommandError(
                "this needs the \(needed) role and '\(session.user)' is \(member.role.rawValue); ask an admin"
            )
        }
    }

    static func noPinMessage(_ member: StaffMember, session: Session) -> String {
        if isOSUser(member.name) {
            return "require_pin is on and \(member.name) has no PIN yet: set one with 'staff pin' (in scripts from ALONGSIDE_NEW_PIN)"
        }
        return "\(member.name) has no PIN, so only the operating-system user '\(member.name)' can act as \(member.name); an admin can give them a first PIN with 'staff pin \(member.name)'"
    }

    /// Asks for (at a terminal) or reads (`$ALONGSIDE_PIN`) the member's PIN once and checks
    /// it, counting a wrong one. Throws with a message that says what to do.
    static func prove(_ member: StaffMember, session: Session, command: String) throws {
        if let earlier = session.identityFailure { throw earlier }
        let now = session.now
        let attempts = try session.read { try $0.pinAttempts(member.name) }
        if PinPolicy.isLocked(attempts, at: now), let until = attempts.lockedUntil {
            try deny(session, command: command, reason: "locked")
            throw PinRefusal(
                kind: .locked,
                description:
                    "\(member.name) is locked after \(PinPolicy.lockAfter) wrong PINs in a row, until \(session.calendar.shortString(until)); try again then, or ask an admin"
            )
        }
        let pin: String?
        if session.interactive {
            pin = SecretPrompt.read(prompt: "PIN for \(member.name): ")
        } else {
            pin = session.environment["ALONGSIDE_PIN"]
        }
        guard let pin, !pin.isEmpty else {
            let error = PinRefusal(
                kind: .missing,
                description: session.interactive
                    ? "a PIN is needed to act as \(member.name)"
                    : "acting as \(member.name) needs their PIN: set ALONGSIDE_PIN for scripts")
            if !session.interactive { session.identityFailure = error }
            throw error
        }
        try check(pin, member: member, session: session, command: command)
    }

    /// Checks one PIN entry and keeps the count: a right one clears it (and re-hashes a weak
    /// stored hash), a wrong one is counted and audited, the fifth in a row locks the name.
    static func check(_ pin: String, member: StaffMember, session: Session, command: String) throws {
        guard let stored = member.pinHash else { return }
        let now = session.now
        if PinHash.verify(pin, against: stored) {
            try session.write(command) { tx in
                let attempts = try tx.pinAttempts(member.name)
                if PinPolicy.isLocked(attempts, at: now) {
                    throw PinRefusal(kind: .locked, description: "\(member.name) is locked; try again later")
                }
                if attempts.failures != 0 || attempts.lockedUntil != nil {
                    try tx.setPinAttempts(member.name, PinPolicy.afterRightPin(attempts))
                }
                if PinHash.needsUpgrade(stored), var current = try tx.staffMember(member.name) {
                    current.pinHash = PinHash.make(pin)
                    try tx.upsertStaff(current)
                }
            }
            session.authenticated = true
            return
        }
        let state = try session.write(command) { tx in
            let next = PinPolicy.afterWrongPin(try tx.pinAttempts(member.name), at: now)
            try tx.setPinAttempts(member.name, next)
            try tx.logEvent(
                action: "denied", entity: "staff:\(member.name)",
                detail: "wrong PIN" + (next.lockedUntil != nil ? "; locked for 15 minutes" : "")
                    + "; operating-system user \(osUser)")
            return next
        }
        let error: PinRefusal
        if let until = state.lockedUntil {
            error = PinRefusal(
                kind: .locked,
                description:
                    "wrong PIN for \(member.name): \(PinPolicy.lockAfter) in a row, so \(member.name) is locked until \(session.calendar.shortString(until))"
            )
        } else {
            let left = PinPolicy.lockAfter - state.failures
            error = PinRefusal(
                kind: .wrong,
                description:
                    "wrong PIN for \(member.name) (\(left) more wrong in a row and the name is locked for 15 minutes)"
            )
        }
        if !session.interactive { session.identityFailure = error }
        throw error
    }

    /// Writes a `denied` entry for a refused command (never the PIN or any argument).
    static func deny(_ session: Session, command: String, reason: String) throws {
        try session.write(command) { tx in
            try tx.logEvent(
                action: "denied", entity: "staff:\(session.user)",
                detail: reason + "; operating-system user \(osUser)")
        }
    }

    /// At a terminal: asks for the PIN until it is right, the name locks, or the person gives
    /// up (Ctrl-C / Ctrl-D). Returns false when the console should close.
    static func unlockAtTerminal(_ session: Session, reason: String? = nil) -> Bool {
        guard let member = try? session.read({ try $0.staffMember(session.user) }) else {
            return true  // Not on the list: each command says so.
        }
        guard pinNeeded(member, session: session) else {
            session.authenticated = true
            return true
        }
        guard member.pinHash != nil else {
            Output.err("warning: \(noPinMessage(member, session: session))\n")
            return true
        }
        if let reason { Output.err(reason + "\n") }
        session.authenticated = false
        while true {
            do {
                try prove(member, session: session, command: "unlock")
                if (try? session.read({ try $0.pinAttempts(member.name) }))?.firstPin == true {
                    Output.err(
                        "This is the first PIN an admin set for you: choose your own now with 'staff pin'.\n"
                    )
                }
                return true
            } catch let refusal as PinRefusal {
                Output.err("error: \(refusal.description)\n")
                if refusal.kind != .wrong { return false }
            } catch {
                Output.err("error: \(Console.describe(error))\n")
                return false
            }
        }
    }
}

extension ConsoleCommand {
    /// Whether the command checks the acting user's identity itself (only `staff pin` for
    /// oneself, which asks the current PIN first), so it may run before a PIN is given.
    var provesIdentityItself: Bool { false }
}

/// The command tree, for names and paths derived from it.
enum CommandTree {
    /// `staff add` for `StaffAdd.self`: the words that name a command type in the tree.
    static func path(of type: any Any.Type) -> String {
        func search(_ node: any ParsableCommand.Type, prefix: [String]) -> [String]? {
            for sub in node.configuration.subcommands {
                let words = prefix + [Grammar.name(of: sub)]
                if ObjectIdentifier(sub) == ObjectIdentifier(type) { return words }
                if let found = search(sub, prefix: words) { return found }
            }
            return nil
        }
        return search(RootCommand.self, prefix: [])?.joined(separator: " ") ?? "command"
    }
}
