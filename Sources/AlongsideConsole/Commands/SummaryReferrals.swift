import AlongsideCore
import AlongsideStore
import Foundation

// The weekly summary's onward referrals and re-attendance (spec §12).

extension SummaryData {
    /// The week's onward referrals (made in the week) and re-attendance (the week's
    /// presentations and the 30 days before them), of the presentations of the site(s)
    /// `scope` covers (a site's re-attendance is by its own earlier presentations).
    static func referralFigures(
        _ week: ISOWeek, tx: any StoreReading, session: Session, scope: SiteScope
    ) throws -> ReferralFigures {
        let bounds = session.calendar.interval(of: week)
        let span = TimeSpan(start: bounds.start, end: bounds.end)
        let lookBack = TimeSpan(
            start: PersonIndex.daysBefore(
                bounds.start, Returning.windowDays, calendar: session.calendar),
            end: bounds.end)
        let all = scope.filter(try tx.presentationIdentities(arrivedIn: lookBack))
        var referrals = try tx.referrals(requestedIn: span)
        if !scope.isAll {
            // A referral belongs to its presentation's site (a presentation of any week).
            var siteOf: [Int: Bool] = [:]
            referrals = try referrals.filter { r in
                if let covered = siteOf[r.presentation] { return covered }
                let covered = try tx.presentation(r.presentation).map(scope.covers) ?? false
                siteOf[r.presentation] = covered
                return covered
            }
        }
        return ReferralFigures(
            week: span, referrals: referrals, presentations: all, calendar: session.calendar)
    }
}

extension SummaryRendering {
    /// `onward_referrals`, `reattended_7d`, `reattended_30d`.
    static func referralJSON(_ f: ReferralFigures) -> [(String, JSONValue)] {
        [
            (
                "onward_referrals",
                .object([
                    ("made", .int(f.made)),
                    (
                        "by_service",
                        .array(
                            f.byService.map {
                                .object([
                                    ("service", .string($0.service)), ("made", .int($0.made)),
                                    ("accepted", .int($0.accepted)),
                                    ("attended", .int($0.attended)),
                                    ("completed", .int($0.completed)),
                                ])
                            })
                    ),
                ])
            ),
            ("reattended_7d", .int(f.reattended7d)),
            ("reattended_30d", .int(f.reattended30d)),
        ]
    }

    /// The same figures as rows of the long CSV (`section,name,metric,value`).
    static func referralCSVRows(_ f: ReferralFigures, week: String) -> [[String]] {
        var rows: [[String]] = [
            ["onward_referrals", week, "made", "\(f.made)"],
            ["week", week, "reattended_7d", "\(f.reattended7d)"],
            ["week", week, "reattended_30d", "\(f.reattended30d)"],
        ]
        for s in f.byService {
            rows += [
                ["onward_referrals", s.service, "made", "\(s.made)"],
                ["onward_referrals", s.service, "accepted", "\(s.accepted)"],
                ["onward_referrals", s.service, "attended", "\(s.attended)"],
                ["onward_referrals", s.service, "completed", "\(s.completed)"],
            ]
        }
        return rows
    }

    /// Headline rows for the table and Markdown views.
    static func referralHeadline(_ f: ReferralFigures) -> [(String, String)] {
        [
            ("re-attended within 7 days", "\(f.reattended7d)"),
            ("re-attended within 30 days", "\(f.reattended30d)"),
            ("onward referrals made", "\(f.made)"),
        ]
            + f.byService.map {
                (
                    "  to \($0.service)",
                    "\($0.made) made, \($0.accepted) accepted, \($0.attended) attended, "
                        + "\($0.completed) completed"
                )
            }
    }
}

extension SummaryData {
    /// `summary week --publish`: the week's figures under disclosure control, printed or
    /// written to `out` (audited as an export).
    static func publishedWeek(
        _ w: ISOWeek, format: OutputFormat, out: String?, sites: SiteOption, session: Session
    ) throws -> String {
        func make(_ tx: any StoreReading) throws -> String {
            let coverage = try sites.resolve(session, tx)
            let series = try series(
                from: w, through: w, shiftsOf: w, tx: tx, session: session,
                scope: coverage.scope)
            let figures = try referralFigures(w, tx: tx, session: session, scope: coverage.scope)
            return PublishedSummary.render(
                PublishedSummary.week(
                    series[series.count - 1], extras: figures, bySite: coverage.scope.isAll),
                title: "Peer support wait times, week \(w)"
                    + (coverage.named ? ", \(coverage.label)" : "") + " (published figures)",
                trend: false, format: format, session: session)
        }
        guard let out else { return try session.read(make) }
        return try session.write("summary week") { tx in
            let text = try make(tx)
            try tx.logEvent(
                action: "export", entity: nil,
                detail: "summary week \(w) published as \(format.rawValue)")
            try TextFiles.writePrivate(text, to: out, field: "--out")
            return "Wrote the \(w) published summary (\(format.rawValue)) to \(out)."
        }
    }
}
