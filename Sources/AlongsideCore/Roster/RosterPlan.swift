import Foundation

/// `roster import`, stage 2: the files' draft checked against the database, and the changes
/// worked out.
extension RosterFiles {
    // MARK: - Stage 2: against the database

    /// Checks the draft against what is stored and works out the changes: a mentor the
    /// database holds is updated (columns the file lacks keep their stored values), a shift
    /// must name a mentor in the file or the database and overlap none stored (one stored
    /// exactly is skipped). Returns every error of both stages, or the plan.
    ///
    /// - Parameters:
    ///   - draft: what `read` returned (its errors are carried over).
    ///   - existingMentors: every stored mentor.
    ///   - existingShifts: the stored shifts overlapping `draft.shiftSpan` (more are fine).
    ///   - today: the site-local date, for DBS recheck warnings.
    public static func plan(
        _ draft: RosterDraft, existingMentors: [Mentor], existingShifts: [Shift],
        today: LocalDate
    ) -> Result<RosterPlan, RosterRejection> {
        var errors = draft.errors
        var plan = RosterPlan()
        var stored: [String: Mentor] = [:]
        for m in existingMentors { stored[m.id.lowercased()] = m }

        for row in draft.mentors {
            let key = row.mentor.id.lowercased()
            var m = row.mentor
            if let before = stored[key] {
                m = merge(row.mentor, onto: before, columns: draft.mentorColumns)
                if m == before {
                    plan.unchangedMentors.append(m)
                } else {
                    plan.updatedMentors.append((before, m))
                }
            } else {
                plan.newMentors.append(m)
            }
            if m.status != .retired, m.dbsOverdue(on: today), let due = m.dbsRecheckDue {
                plan.warnings.append(
                    "\(draft.mentorsFile):\(row.line): \(m.id)'s DBS recheck was due \(due): "
                        + "stored, but never offered until the date is updated")
            }
        }

        if let shiftsFile = draft.shiftsFile {
            var storedShifts: [String: [TimeSpan]] = [:]
            for s in existingShifts {
                storedShifts[s.mentorID.lowercased(), default: []].append(s.span)
            }
            let knownIDs = (Array(draft.mentorIDsInFile.values) + existingMentors.map(\.id))
                .sorted()
            for row in draft.shifts {
                let key = row.shift.mentorID.lowercased()
                guard let id = stored[key]?.id ?? draft.mentorIDsInFile[key] else {
                    errors.append(
                        RosterFileError(
                            file: shiftsFile, line: row.line,
                            message: "mentor_id: no mentor '\(row.shift.mentorID)' in "
                                + "\(draft.mentorsFile) or on the roster"
                                + Suggestion.didYouMean(row.shift.mentorID, in: knownIDs)))
                    continue
                }
                let span = row.shift.span
                let clashes = (storedShifts[key] ?? []).filter { $0.overlaps(span) }
                if clashes == [span] {
                    plan.shiftsAlreadyStored += 1
                    continue
                }
                if let clash = clashes.first(where: { $0 != span }) ?? clashes.first {
                    errors.append(
                        RosterFileError(
                            file: shiftsFile, line: row.line,
                            message: "overlaps \(id)'s shift already on the roster, "
                                + "\(describe(clash, draft.calendar))"
                                + "; change the times in the file (a mentor's shifts may not "
                                + "overlap)"))
                    continue
                }
                plan.shifts.append(Shift(mentorID: id, span: span))
            }
            sortErrors(&errors, draft: draft)
        }
        if !draft.notes.isEmpty { plan.warnings = draft.notes + plan.warnings }
        return errors.isEmpty ? .success(plan) : .failure(RosterRejection(errors: errors))
    }
}
