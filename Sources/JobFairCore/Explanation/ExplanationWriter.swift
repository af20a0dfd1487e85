/// Writes each seeker's explanation (in English, education levels by their Chinese names)
/// from the final state of deferred acceptance: the held place, the positions' rankings, and
/// for every choice above the held one why it did not take the seeker (not ranked, with the
/// reason; or full of applicants it ranks higher, from its admitted set). Nothing is
/// re-guessed: each statement is read from the state the matcher ended in.
public enum ExplanationWriter {
    public static func explain(_ ranked: RankedFair, _ result: MatchingResult) -> [SeekerExplanation] {
        (0..<ranked.seekerIDs.count).map { explain(seeker: $0, ranked, result) }
    }

    public static func explain(seeker: Int, _ ranked: RankedFair, _ result: MatchingResult) -> SeekerExplanation {
        let problem = ranked.problem
        let firstEdge = Int(problem.choiceOffsets[seeker])
        let lastEdge = Int(problem.choiceOffsets[seeker + 1])
        let heldPosition = Int(result.positionOfSeeker[seeker])
        let heldEdge = heldPosition == Int(MatchingResult.unmatched) ? nil : Int(result.heldEdgeOfSeeker[seeker])

        var outcomes: [ChoiceOutcome] = []
        var sentences: [String] = []
        for edge in firstEdge..<lastEdge {
            let position = Int(problem.choicePositions[edge])
            let positionID = ranked.positionIDs[position]
            let number = edge - firstEdge + 1
            if let heldEdge, edge > heldEdge {
                outcomes.append(.notNeeded(positionID: positionID))
                continue
            }
            if edge == heldEdge {
                outcomes.append(.matched(positionID: positionID))
                continue
            }
            if let reason = ranked.notRankedReasons[edge] {
                outcomes.append(.notRanked(positionID: positionID, reason: reason))
                sentences.append("Your \(ordinal(number)) choice, \(name(ranked, position)), did not rank you: \(describe(reason)).")
                continue
            }
            let places = Int(problem.capacities[position])
            if places == 0 {
                outcomes.append(.alreadyFilled(positionID: positionID))
                sentences.append("Your \(ordinal(number)) choice, \(name(ranked, position)), had no place left this round: hires after an earlier round filled them.")
                continue
            }
            let yourPlace = Int(ranked.placeInRanking[edge]) + 1
            let rankedCount = ranked.rankedSeekers(ofPosition: position).count
            guard let worstKey = result.worstAdmittedKey(ofPosition: position),
                  Int(result.admittedCounts[position]) == places,
                  worstKey < MatchingResult.orderKey(rank: problem.edgeRanks[edge], seeker: Int32(seeker)),
                  let worstEdge = ranked.edge(seeker: Int(worstKey & 0xFFFF_FFFF), position: position)
            else {
                // Unreachable for a stable result; said plainly rather than invented.
                sentences.append("Your \(ordinal(number)) choice, \(name(ranked, position)), ranked you \(ordinal(yourPlace)) but did not take you (the round is inconsistent; report it).")
                continue
            }
            let lastAdmittedPlace = Int(ranked.placeInRanking[worstEdge]) + 1
            outcomes.append(.filledByHigherRanked(positionID: positionID, places: places, yourPlace: yourPlace, lastAdmittedPlace: lastAdmittedPlace, rankedCount: rankedCount))
            let placesText = places == 1 ? "its only place" : "its \(places) places"
            sentences.append("Your \(ordinal(number)) choice, \(name(ranked, position)), filled \(placesText) with applicants it ranks higher (you were \(ordinal(yourPlace)) of \(rankedCount); the last place went to its \(ordinal(lastAdmittedPlace))).")
        }

        let headline: String
        if let heldEdge {
            let number = heldEdge - firstEdge + 1
            headline = "Matched to your \(ordinal(number)) choice, \(name(ranked, heldPosition))."
        } else if lastEdge == firstEdge {
            headline = "Not matched: you listed no positions."
        } else if lastEdge - firstEdge == 1 {
            headline = "Not matched to your only choice."
        } else {
            headline = "Not matched to any of your \(lastEdge - firstEdge) choices."
        }
        return SeekerExplanation(
            seekerID: ranked.seekerIDs[seeker],
            positionID: heldEdge.map { _ in ranked.positionIDs[heldPosition] },
            choiceNumber: heldEdge.map { $0 - firstEdge + 1 },
            outcomes: outcomes,
            text: ([headline] + sentences).joined(separator: " ")
        )
    }

    static func name(_ ranked: RankedFair, _ position: Int) -> String {
        let record = ranked.position(position)
        let enterprise = ranked.instance.enterprises.first { $0.id == record.enterpriseID }?.name ?? "enterprise \(record.enterpriseID)"
        return "\(record.title) at \(enterprise)"
    }

    public static func describe(_ reason: NotRankedReason) -> String {
        switch reason {
        case let .education(required, actual):
            "it requires \(required.chineseName) (you: \(actual.chineseName))"
        case let .experience(requiredYears, actualYears):
            "it requires \(requiredYears) \(requiredYears == 1 ? "year" : "years") of experience (you: \(actualYears))"
        case let .certificate(missing):
            "it requires the certificate \(missing), which you do not have"
        case .leftOutByEmployer:
            "the enterprise ranked its applicants itself and did not include you"
        }
    }

    public static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }
}
