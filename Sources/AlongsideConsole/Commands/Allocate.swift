import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `allocate`: the exact batch proposal for everyone waiting.
struct Allocate: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "allocate",
        abstract: "Propose mentors for everyone waiting at once (exact); --confirm assigns them.",
        discussion: """
            Matches as many waiting people as possible and, among those allocations, maximises \
            the sum of score × priority, where priority = 1 + min(wait/target, 2) so longer \
            waits weigh more. A mentor with k free places can take up to k people. Without \
            --confirm nothing is changed; with it every pair is assigned in one transaction \
            after the hard rules are checked again.

            Only this console's site's waiting people are proposed for (spec §9): --site NAME \
            allocates another site's, --site all the whole trust's at once. The mentors are \
            the trust's, and their caseloads count people at every site.

            Examples:
              allocate
              allocate --confirm
              allocate --format json
              allocate --site all --confirm
            """)
    static let requiredRole = Role.liaison

    @Flag(help: "Assign the proposal.")
    var confirm = false
    @OptionGroup var output: FormatOption
    @OptionGroup var sites: SiteOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let now = session.now
        let target = session.config.targetMinutes
        func body(_ tx: any StoreReading) throws -> (Allocation, [String: String]) {
            let scope = try sites.resolve(session, tx).scope
            let states = try tx.mentorStates(at: now)
            let waiting = try tx.waitingPresentations().filter {
                $0.status == .waiting && $0.voidedAt == nil && scope.covers($0)
            }
            let requests = try waiting.map { try session.matchRequest($0, in: tx) }
            let allocation = session.matcher.allocate(
                requests, mentors: states, at: now, targetMinutes: target)
            let names = Dictionary(states.map { ($0.mentor.id.lowercased(), $0.mentor.name) }) { a, _ in a }
            return (allocation, names)
        }
        let (allocation, names): (Allocation, [String: String])
        if confirm {
            (allocation, names) = try Self.confirm(session, now: now, solve: body)
        } else {
            (allocation, names) = try session.read(body)
        }
        switch format {
        case .json:
            return JSONValue.object([
                ("people", .array(allocation.people.map { .string(PresentationID.format($0)) })),
                ("places", .array(allocation.places.map { .string($0) })),
                ("weights", .array(allocation.weights.map { .array($0.map(JSONValue.number)) })),
                (
                    "pairs",
                    .array(
                        allocation.pairs.map {
                            .object([
                                ("presentation", .string(PresentationID.format($0.presentation))),
                                ("mentor", .string($0.mentorID)), ("score", .double($0.score)),
                                ("weight", .double($0.weight)),
                            ])
                        })
                ),
                ("total", .double(allocation.total)),
                ("confirmed", .bool(confirm)),
            ]).text
        case .csv:
            return CSV.document(
                header: ["presentation", "mentor", "score", "weight"],
                rows: allocation.pairs.map {
                    [PresentationID.format($0.presentation), $0.mentorID, "\($0.score)", "\($0.weight)"]
                })
        default:
            if allocation.people.isEmpty {
                return confirm ? "Nothing to assign." : "Nobody is waiting for a mentor."
            }
            if confirm && allocation.pairs.isEmpty {
                return "Nothing to assign."
            }
            var t = TextTable(["person", "mentor", "name", "score", "weight"], align: [.left, .left, .left, .right, .right])
            for pair in allocation.pairs {
                t.add([
                    PresentationID.format(pair.presentation), pair.mentorID,
                    names[pair.mentorID.lowercased()] ?? "", Fmt.score(pair.score), Fmt.score(pair.weight),
                ])
            }
            var out = allocation.pairs.isEmpty ? "" : t.render(style: session.style)
            let unmatched = allocation.unmatched.map(PresentationID.format)
            out += "\(allocation.pairs.count) of \(allocation.people.count) matched, \(allocation.places.count) free place(s), total weight \(Fmt.score(allocation.total))."
            if !unmatched.isEmpty { out += "\nNo mentor available for: \(unmatched.joined(separator: ", "))." }
            if confirm {
                out += "\nAssigned: " + allocation.pairs.map {
                    "\(PresentationID.format($0.presentation)) → \($0.mentorID)"
                }.joined(separator: ", ") + "."
            } else if !allocation.pairs.isEmpty {
                out += "\nNothing assigned yet; run 'allocate --confirm' to assign these."
            }
            return out
        }
    }

    /// A proposal that no longer holds when it is about to be assigned.
    private struct Stale: Error { let reason: String }

    /// Solves in a read transaction, then assigns in a short write transaction that checks
    /// every pair again against the caseloads as they are now: the solve (which can take a
    /// while for a long queue) never holds the write lock, so another desk's `register` never
    /// waits for it. When another console changed what the proposal rests on in between, it
    /// is solved again (a few times at most).
    private static func confirm(
        _ session: Session, now: Date,
        solve: (any StoreReading) throws -> (Allocation, [String: String])
    ) throws -> (Allocation, [String: String]) {
        var lastReason = ""
        for _ in 0..<5 {
            let proposal = try session.read(solve)
            do {
                try session.write("allocate --confirm") { tx in
                    var states = Dictionary(
                        try tx.mentorStates(at: now).map { ($0.mentor.id.lowercased(), $0) }
                    ) { a, _ in a }
                    for pair in proposal.0.pairs {
                        guard var p = try tx.presentation(pair.presentation), p.status == .waiting,
                            p.voidedAt == nil, let state = states[pair.mentorID.lowercased()]
                        else {
                            throw Stale(
                                reason: "\(PresentationID.format(pair.presentation)) is no "
                                    + "longer waiting")
                        }
                        if let rule = session.matcher.firstFailedRule(
                            state, for: try session.matchRequest(p, in: tx), at: now)
                        {
                            throw Stale(
                                reason: "\(pair.mentorID) can no longer take \(p.id) "
                                    + "(\(rule.rawValue))")
                        }
                        p.mentorID = state.mentor.id
                        p.assignedAt = now
                        try tx.updatePresentation(p)
                        states[pair.mentorID.lowercased()]!.caseload += 1
                    }
                }
                return proposal
            } catch let stale as Stale {
                lastReason = stale.reason
            }
        }
        throw CommandError(
            "the queue kept changing while allocating (\(lastReason)); nothing was assigned; "
                + "run allocate again")
    }
}
