import Foundation

/// A step of a presentation's life (spec §2 and the corrections of §11) that its state does
/// not allow. Each case carries what a message needs; ``message(_:)`` words it for people.
public enum LifecycleError: Error, Equatable, CustomStringConvertible {
    /// The presentation was voided; nothing more can happen to it.
    case voided(String)
    /// The presentation is closed (with its outcome).
    case closed(String, Outcome?)
    /// Assigning: it already has a mentor.
    case alreadyAssigned(String, mentor: String)
    /// It has been seen (by that mentor).
    case alreadySeen(String, mentor: String?)
    /// Seeing: no mentor has been assigned.
    case noMentor(String)
    /// Declining or unassigning: no mentor to take off (status given).
    case notAssigned(String, PresentationStatus)
    /// Reopening: it is not closed.
    case notClosed(String, PresentationStatus)
    /// Editing: it has been seen or closed.
    case notEditable(String, PresentationStatus)
    /// The time is before the person was referred.
    case beforeArrival(String, arrived: Date)
    /// The time is before the presentation's last decline.
    case beforeDecline(String, declined: Date)
    /// The time is before the mentor was assigned.
    case beforeAssignment(assigned: Date)
    /// The time is before the last recorded step.
    case beforeLastStep(Date)
    /// The outcome needs the person to have been seen.
    case outcomeNeedsSeen(String, Outcome)
    /// The outcome needs the person not to have been seen.
    case outcomeNeedsNotSeen(String, Outcome)

    /// The option the error is about (`--at`), if it is about one.
    public var option: String? {
        switch self {
        case .beforeArrival, .beforeDecline, .beforeAssignment, .beforeLastStep: "--at"
        default: nil
        }
    }

    /// The message, times shown in the site's zone.
    public func message(_ calendar: SiteCalendar) -> String {
        let t = calendar.shortString
        switch self {
        case .voided(let id):
            return "\(id) was voided (registered in error); it takes no further steps"
        case .closed(let id, let outcome):
            return "\(id) is closed\(outcome.map { " (\($0.rawValue))" } ?? "")"
                + "; 'reopen \(id) --reason TEXT' if it was closed in error"
        case .alreadyAssigned(let id, let mentor):
            return "\(id) is already assigned to \(mentor); if they cannot take it, run "
                + "'decline \(id)' first (or 'unassign \(id) --reason TEXT' for a wrong pick)"
        case .alreadySeen(let id, let mentor):
            return "\(id) has already been seen" + (mentor.map { " by \($0)" } ?? "")
        case .noMentor(let id):
            return "\(id) has no mentor yet; assign one first ('match \(id)')"
        case .notAssigned(let id, let status):
            return status == .waiting
                ? "\(id) has no mentor assigned, so there is none to take off"
                : "\(id) is \(status.rawValue); only an assigned, unseen presentation "
                    + "can lose its mentor"
        case .notClosed(let id, let status):
            return
                "\(id) is \(status.rawValue), not closed; "
                + "only a closed presentation can be reopened"
        case .notEditable(let id, let status):
            return
                "\(id) is \(status.rawValue); a presentation can be edited only before it is seen"
        case .beforeArrival(let id, let arrived):
            return "--at: is before \(id) was referred (\(t(arrived)))"
        case .beforeDecline(let id, let declined):
            return "--at: is before the last decline of \(id) (\(t(declined))); an assignment "
                + "after a decline comes after it"
        case .beforeAssignment(let assigned):
            return "--at: is before the mentor was assigned (\(t(assigned)))"
        case .beforeLastStep(let last):
            return "--at: is before the last recorded step (\(t(last)))"
        case .outcomeNeedsSeen(let id, let outcome):
            return "\(outcome.rawValue) needs \(id) to have been seen; record 'seen \(id)' first, "
                + "or use left-before-seen, no-mentor-available or declined-support"
        case .outcomeNeedsNotSeen(let id, let outcome):
            return "\(id) was seen, so '\(outcome.rawValue)' cannot be its outcome"
        }
    }

    /// The message with times in UTC (use ``message(_:)`` to show the site's zone).
    public var description: String {
        message(SiteCalendar(timeZone: TimeZone(identifier: "UTC")!))
    }
}

/// What `reopen` did.
public enum ReopenResult: Sendable, Equatable {
    /// Back to the state before the close (waiting, assigned or seen).
    case restored(PresentationStatus)
    /// The mentor can no longer hold the person: they wait again without a mentor.
    case waitingWithoutMentor(formerMentor: String)
}

extension Presentation {
    /// Fails unless the presentation can still take steps (not voided, not closed).
    func requireOpen() throws(LifecycleError) {
        if voidedAt != nil { throw .voided(id) }
        if closedAt != nil { throw .closed(id, outcome) }
    }

    /// Gives the waiting presentation to a mentor at `time`. `lastDecline` is the time of
    /// its latest decline, if any (an assignment after a decline comes after it).
    public mutating func assign(
        to mentor: String, at time: Date, overrideReason: String? = nil, lastDecline: Date? = nil
    ) throws(LifecycleError) {
        try requireOpen()
        if seenAt != nil { throw .alreadySeen(id, mentor: mentorID) }
        if let m = mentorID { throw .alreadyAssigned(id, mentor: m) }
        if time < arrivedAt { throw .beforeArrival(id, arrived: arrivedAt) }
        if let lastDecline, time < lastDecline { throw .beforeDecline(id, declined: lastDecline) }
        mentorID = mentor
        assignedAt = time
        self.overrideReason = overrideReason
    }

    /// Records that the mentor met the person at `time`: stops the wait clock.
    public mutating func markSeen(at time: Date) throws(LifecycleError) {
        try requireOpen()
        if seenAt != nil { throw .alreadySeen(id, mentor: nil) }
        guard mentorID != nil else { throw .noMentor(id) }
        if let assigned = assignedAt, time < assigned {
            throw .beforeAssignment(assigned: assigned)
        }
        seenAt = time
    }

    /// Ends the presentation with `outcome` at `time`.
    public mutating func close(_ outcome: Outcome, at time: Date) throws(LifecycleError) {
        if voidedAt != nil { throw .voided(id) }
        if closedAt != nil { throw .closed(id, self.outcome) }
        if outcome.needsSeen && seenAt == nil { throw .outcomeNeedsSeen(id, outcome) }
        if outcome.needsNotSeen && seenAt != nil { throw .outcomeNeedsNotSeen(id, outcome) }
        let last = [arrivedAt, assignedAt, seenAt].compactMap { $0 }.max()!
        if time < last { throw .beforeLastStep(last) }
        closedAt = time
        self.outcome = outcome
    }

    /// Takes the assigned mentor off an unseen presentation (a decline, or an `unassign`
    /// correction); returns the mentor. The person waits again, the clock still running
    /// from the referral.
    @discardableResult
    public mutating func unassign(at time: Date? = nil) throws(LifecycleError) -> String {
        try requireOpen()
        guard status == .assigned, let mentor = mentorID else { throw .notAssigned(id, status) }
        if let time, let assigned = assignedAt, time < assigned {
            throw .beforeAssignment(assigned: assigned)
        }
        mentorID = nil
        assignedAt = nil
        overrideReason = nil
        return mentor
    }

    /// Voids a presentation registered in error at `time`: it leaves the queue, the
    /// mentor's caseload and every figure. A closed one keeps its close time.
    public mutating func void(at time: Date) throws(LifecycleError) {
        if voidedAt != nil { throw .voided(id) }
        voidedAt = time
        if closedAt == nil {
            closedAt = max(time, [arrivedAt, assignedAt, seenAt].compactMap { $0 }.max()!)
        }
    }

    /// Fails unless the presentation may be edited (waiting or assigned, not yet seen).
    public func requireEditable() throws(LifecycleError) {
        if voidedAt != nil { throw .voided(id) }
        guard status == .waiting || status == .assigned else { throw .notEditable(id, status) }
    }

    /// Reopens a presentation closed in error: back to the state before the close. When
    /// `mentorCanHold` is false (the mentor is paused, retired or at capacity), the person
    /// waits again without a mentor (the earlier steps stay in the audit log).
    public mutating func reopen(mentorCanHold: Bool) throws(LifecycleError) -> ReopenResult {
        if voidedAt != nil { throw .voided(id) }
        guard closedAt != nil else { throw .notClosed(id, status) }
        closedAt = nil
        outcome = nil
        if let mentor = mentorID, !mentorCanHold {
            mentorID = nil
            assignedAt = nil
            seenAt = nil
            overrideReason = nil
            return .waitingWithoutMentor(formerMentor: mentor)
        }
        return .restored(status)
    }
}
