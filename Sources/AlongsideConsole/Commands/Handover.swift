import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `handover`: what the next shift needs to know.
struct Handover: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "handover",
        abstract: "What the next shift needs: who holds whom, shifts ending, orphans, who is next.",
        discussion: """
            open_by_mentor: each mentor's open people (assigned or seen, not closed) with \
            minutes since that step; ending_soon: shifts ending within 60 minutes with people \
            still open; orphaned: open people held by a mentor who is paused, retired, on \
            leave or off shift; on_now: mentors on shift now; next_on: the next mentors to \
            come on shift, with the next lead among them; stale: registered more than 12 \
            hours ago and not closed.

            The people are this console's site's (spec §9); --site NAME hands over another \
            site's, --site all the trust's. Mentors and shifts are shared by the trust, so \
            on_now and next_on are the same at every site. When the trust has more than one \
            site the report names it (JSON: site), and every site's report gives each \
            person's site.

            Examples:
              handover
              handover --format json
              handover --site all
            """)
    static let requiredRole = Role.liaison

    @OptionGroup var output: FormatOption
    @OptionGroup var sites: SiteOption

    func validate() throws {
        if output.format == .csv {
            throw invalid("--format", "'csv' is not a format here; use table or json")
        }
    }

    /// Shifts ending this soon with people still open are listed.
    static let endingSoonMinutes = 60
    /// Open presentations older than this are stale.
    static let staleHours = 12
    /// How many upcoming shifts `next_on` lists (before the next lead, if not among them).
    static let nextOnCount = 5

    struct Held {
        var presentation: Presentation
        var sinceMinutes: Int
    }
    struct MentorHolding {
        var mentor: String
        var shiftEnds: Date?
        var held: [Held]
    }
    struct Orphan {
        var presentation: String
        var mentor: String
        var reason: String
    }
    struct NextOn {
        var mentor: String
        var at: Date
        var lead: Bool
    }
    struct Report {
        var at: Date
        var openByMentor: [MentorHolding]
        var orphaned: [Orphan]
        var onNow: [String]
        var nextOn: [NextOn]
        var stale: [String]
        var endingSoon: [MentorHolding] {
            openByMentor.filter { m in
                guard let end = m.shiftEnds else { return false }
                return end.timeIntervalSince(at) <= Double(Handover.endingSoonMinutes * 60)
            }
        }
    }

    static func report(_ tx: any StoreReading, at now: Date, scope: SiteScope) throws -> Report {
        let states = try tx.mentorStates(at: now)
        let byID = Dictionary(states.map { ($0.mentor.id.lowercased(), $0) }) { a, _ in a }
        let open = try tx.openPresentations().filter { $0.voidedAt == nil && scope.covers($0) }
        var holdings: [String: MentorHolding] = [:]
        var orphans: [Orphan] = []
        for p in open {
            guard let m = p.mentorID, let state = byID[m.lowercased()] else { continue }
            let since = (p.seenAt ?? p.assignedAt) ?? p.arrivedAt
            let key = state.mentor.id.lowercased()
            let covering = state.shifts.filter { $0.contains(now) }.map(\.end).max()
            holdings[
                key, default: MentorHolding(mentor: state.mentor.id, shiftEnds: covering, held: [])
            ]
            .held.append(
                Held(presentation: p, sinceMinutes: max(0, Int(now.timeIntervalSince(since)) / 60)))
            let reason: String? =
                state.mentor.status == .paused
                ? "paused"
                : state.mentor.status == .retired
                    ? "retired"
                    : state.leave.contains(where: { $0.contains(now) })
                        ? "on-leave"
                        : covering == nil ? "off-shift" : nil
            if let reason {
                orphans.append(Orphan(presentation: p.id, mentor: state.mentor.id, reason: reason))
            }
        }
        let onNow = states.filter { s in
            s.mentor.status == .active && s.shifts.contains(where: { $0.contains(now) })
                && !s.leave.contains(where: { $0.contains(now) })
        }.map(\.mentor.id)
        var seen: Set<String> = []
        var upcoming: [NextOn] = []
        for shift in try tx.shifts(
            mentor: nil, overlapping: TimeSpan(start: now, end: now.addingTimeInterval(86400)))
        where shift.span.start > now {
            guard let state = byID[shift.mentorID.lowercased()], state.mentor.status == .active,
                seen.insert(shift.mentorID.lowercased()).inserted
            else { continue }
            upcoming.append(
                NextOn(mentor: state.mentor.id, at: shift.span.start, lead: state.mentor.lead))
        }
        upcoming.sort {
            $0.at != $1.at ? $0.at < $1.at : Identifiers.naturalLess($0.mentor, $1.mentor)
        }
        var next = Array(upcoming.prefix(nextOnCount))
        if !next.contains(where: \.lead), let lead = upcoming.first(where: \.lead) {
            next.append(lead)
        }
        let staleBefore = now.addingTimeInterval(-Double(staleHours * 3600))
        return Report(
            at: now,
            openByMentor: Identifiers.sortedNaturally(Array(holdings.values), id: \.mentor),
            orphaned: orphans, onNow: onNow, nextOn: next,
            stale: open.filter { $0.arrivedAt < staleBefore }.map(\.id))
    }

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format, allowed: [.table, .json])
        let now = session.now
        let cal = session.calendar
        let (coverage, r) = try session.read { tx in
            let coverage = try sites.resolve(session, tx)
            return (coverage, try Self.report(tx, at: now, scope: coverage.scope))
        }
        let bySite = coverage.scope.isAll
        func time(_ d: Date?) -> JSONValue { d.map { .string(cal.isoString($0)) } ?? .null }
        if format == .json {
            // A single-site database's report is as it always was; a trust's names the site.
            return JSONValue.object([
                ("at", time(r.at))
            ] + (coverage.named ? [("site", JSONValue.string(coverage.scope.name))] : []) + [
                (
                    "open_by_mentor",
                    .array(
                        r.openByMentor.map { m in
                            .object([
                                ("mentor", .string(m.mentor)), ("shift_ends", time(m.shiftEnds)),
                                (
                                    "presentations",
                                    .array(
                                        m.held.map { h in
                                            .object([
                                                ("presentation", .string(h.presentation.id)),
                                                ("status", .string(h.presentation.status.rawValue)),
                                                ("since_minutes", .int(h.sinceMinutes)),
                                            ] + (bySite
                                                ? [("site", .string(h.presentation.site))] : []))
                                        })
                                ),
                            ])
                        })
                ),
                (
                    "ending_soon",
                    .array(
                        r.endingSoon.map { m in
                            .object([
                                ("mentor", .string(m.mentor)), ("shift_ends", time(m.shiftEnds)),
                                ("open", .int(m.held.count)),
                            ])
                        })
                ),
                (
                    "orphaned",
                    .array(
                        r.orphaned.map { o in
                            .object([
                                ("presentation", .string(o.presentation)),
                                ("mentor", .string(o.mentor)),
                                ("reason", .string(o.reason)),
                            ])
                        })
                ),
                ("on_now", .array(r.onNow.map { .string($0) })),
                (
                    "next_on",
                    .array(
                        r.nextOn.map { n in
                            .object([
                                ("mentor", .string(n.mentor)), ("at", time(n.at)),
                                ("lead", .bool(n.lead)),
                            ])
                        })
                ),
                ("stale", .array(r.stale.map { .string($0) })),
            ]).text
        }
        let style = session.style
        let title = "Handover at \(cal.shortString(r.at))"
            + (coverage.named ? ", \(coverage.label)" : "")
        var out = style.bold(title) + "\n\nOpen, by mentor:\n"
        if r.openByMentor.isEmpty { out += "  nobody is held by a mentor\n" }
        for m in r.openByMentor {
            let ends = m.shiftEnds.map { "shift ends \(cal.timeString($0))" } ?? "off shift"
            out +=
                "  \(m.mentor) (\(ends)): "
                + m.held.map {
                    "\($0.presentation.id)" + (bySite ? " (\($0.presentation.site))" : "")
                        + " \($0.presentation.status.rawValue) \($0.sinceMinutes) min"
                }
                .joined(separator: ", ") + "\n"
        }
        out += "\nShifts ending within \(Self.endingSoonMinutes) minutes with people open:\n"
        if r.endingSoon.isEmpty { out += "  none\n" }
        for m in r.endingSoon {
            out +=
                "  "
                + style.yellow(
                    "\(m.mentor) ends \(cal.timeString(m.shiftEnds!)), \(m.held.count) open") + "\n"
        }
        out += "\nOrphaned (held by a mentor who cannot hold them now):\n"
        if r.orphaned.isEmpty { out += "  none\n" }
        for o in r.orphaned {
            out += "  " + style.red("! \(o.presentation) held by \(o.mentor): \(o.reason)") + "\n"
        }
        out += "\nOn now: " + (r.onNow.isEmpty ? "nobody" : r.onNow.joined(separator: ", ")) + "\n"
        out +=
            "Next on: "
            + (r.nextOn.isEmpty
                ? "nobody in the next 24 hours"
                : r.nextOn.map {
                    "\($0.mentor) at \(cal.shortString($0.at))\($0.lead ? " (lead)" : "")"
                }
                .joined(separator: ", ")) + "\n"
        out +=
            "Stale (registered over \(Self.staleHours) hours ago, not closed): "
            + (r.stale.isEmpty ? "none" : r.stale.joined(separator: ", "))
        return out
    }
}
