/// An independent check of a many-to-one matching, sharing no code with the matcher: plain
/// dictionaries, one pass over every (seeker, listed position) pair.
///
/// A pair (s, p) blocks if s listed p above their match (or is unmatched), p ranks s, and p
/// has a free place or admitted someone it ranks below s.
enum BlockingPairChecker {
    struct Report {
        var blockingPairs: [(seeker: Int, position: Int)] = []
        /// Assignments the instance does not allow: over capacity, unlisted or unranked pairs.
        var infeasible: [String] = []
    }

    static func check(_ instance: PlainInstance, assignment: [Int: Int]) -> Report {
        var report = Report()
        var placeOf: [Int: [Int: Int]] = [:]
        for (positionKey, position) in instance.positions {
            var places: [Int: Int] = [:]
            for (place, seeker) in position.ranking.enumerated() { places[seeker] = place }
            placeOf[Int(positionKey)!] = places
        }
        var admitted: [Int: [Int]] = [:]
        for (seeker, position) in assignment { admitted[position, default: []].append(seeker) }

        for (position, seekers) in admitted {
            let capacity = instance.positions[String(position)]?.capacity ?? 0
            if seekers.count > capacity { report.infeasible.append("position \(position) holds \(seekers.count) > \(capacity)") }
            for seeker in seekers {
                if placeOf[position]?[seeker] == nil { report.infeasible.append("position \(position) does not rank seeker \(seeker)") }
                if !(instance.seekers[String(seeker)] ?? []).contains(position) { report.infeasible.append("seeker \(seeker) did not list \(position)") }
            }
        }

        for (seekerKey, choices) in instance.seekers {
            let seeker = Int(seekerKey)!
            for position in choices {
                if position == assignment[seeker] { break }
                guard let seekerPlace = placeOf[position]?[seeker] else { continue }
                let holders = admitted[position] ?? []
                let capacity = instance.positions[String(position)]!.capacity
                let wouldTake = holders.count < capacity || holders.contains { placeOf[position]![$0]! > seekerPlace }
                if wouldTake { report.blockingPairs.append((seeker, position)) }
            }
        }
        return report
    }
}
