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
