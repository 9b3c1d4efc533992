import Foundation

/// What a member of staff may do (spec §8).
public enum Role: String, Sendable, CaseIterable, Comparable, Codable {
    /// The A&E desk: register, match, assign, decline, seen, close, queue, allocate, show,
    /// summaries.
    case liaison
    /// Those, plus mentors, shifts, leave, roster and presentations import.
    case coordinator
    /// Everything, plus staff, backup and audit.
    case admin

    private var rank: Int {
        switch self {
        case .liaison: 0
        case .coordinator: 1
        case .admin: 2
        }
    }

    /// Orders roles by what they may do.
    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }

    /// Whether this role may do what `needed` may.
    public func allows(_ needed: Role) -> Bool { self >= needed }
}

/// A person on the staff list.
public struct StaffMember: Sendable, Equatable {
    /// The user name (`--user`, or the operating-system user).
    public var name: String
    /// What they may do.
    public var role: Role
    /// The salted slow hash of their PIN, if they have one.
    public var pinHash: String?

    /// Makes a staff record.
    public init(name: String, role: Role, pinHash: String? = nil) {
        self.name = name
        self.role = role
        self.pinHash = pinHash
    }
}

/// What the console remembers about a staff member's PIN entries (spec §8): kept in the
/// database, so a lock holds whichever console the attempts came from.
public struct PinAttempts: Sendable, Equatable {
    /// Wrong PINs in a row since the last right one (or the last lock).
    public var failures: Int
    /// Until when the name is locked, if it is.
    public var lockedUntil: Date?
    /// Whether the PIN is a first PIN set by an admin, which its holder is invited to replace.
    public var firstPin: Bool

    /// Makes a record.
    public init(failures: Int = 0, lockedUntil: Date? = nil, firstPin: Bool = false) {
        self.failures = failures
        self.lockedUntil = lockedUntil
        self.firstPin = firstPin
    }
}

/// The one home of the PIN rules (spec §8): what a PIN looks like, and the lockout.
public enum PinPolicy {
    /// The fewest digits a PIN may have.
    public static let minDigits = 6
    /// The most digits a PIN may have.
    public static let maxDigits = 20
    /// Wrong PINs in a row that lock the name.
    public static let lockAfter = 5
    /// How long a lock lasts.
    public static let lockSeconds: TimeInterval = 15 * 60

    /// Why a new PIN is refused, or nil when it is fine. Never repeats the PIN.
    public static func problem(with pin: String) -> String? {
        guard pin.allSatisfy({ $0 >= "0" && $0 <= "9" }),
            (minDigits...maxDigits).contains(pin.count)
        else { return "a PIN is \(minDigits) to \(maxDigits) digits" }
        if Set(pin).count == 1 { return "a PIN of one digit repeated is too easy to guess" }
        let digits = pin.compactMap { $0.wholeNumberValue }
        let steps = Set(zip(digits, digits.dropFirst()).map { ($1 - $0 + 10) % 10 })
        if steps == [1] || steps == [9] {
            return "a PIN of digits counting up or down is too easy to guess"
        }
        return nil
    }

    /// Whether the name is locked at `now`.
    public static func isLocked(_ state: PinAttempts, at now: Date) -> Bool {
        if let until = state.lockedUntil { return until > now }
        return false
    }

    /// The state after one more wrong PIN at `now`: the fifth in a row locks the name for
    /// 15 minutes and starts the count again.
    public static func afterWrongPin(_ state: PinAttempts, at now: Date) -> PinAttempts {
        var next = state
        if let until = next.lockedUntil, until <= now { next.lockedUntil = nil }
        next.failures += 1
        if next.failures >= lockAfter {
            next.failures = 0
            next.lockedUntil = now.addingTimeInterval(lockSeconds)
        }
        return next
    }

    /// The state after the right PIN: the count of wrong ones starts again.
    public static func afterRightPin(_ state: PinAttempts) -> PinAttempts {
        var next = state
        next.failures = 0
        next.lockedUntil = nil
        return next
    }
}
