import PortProtocol

/// The gross-tonnage bands of table 1 (入港船舶): <500, 500–1k, 1k–3k, 3k–6k, 6k–10k, 10k–30k, ≥30k; ships under 5 GT
/// are not surveyed.
enum GrossTonnageBands {
    /// The smallest ship the survey counts.
    static let minimum: Int64 = 5

    static func band(_ grossTonnage: Int64) -> Cyberport_Stats_V1_GrossTonnageBand {
        switch grossTonnage {
        case ..<500: return .under500
        case ..<1_000: return .grossTonnageBand500To1000
        case ..<3_000: return .grossTonnageBand1000To3000
        case ..<6_000: return .grossTonnageBand3000To6000
        case ..<10_000: return .grossTonnageBand6000To10000
        case ..<30_000: return .grossTonnageBand10000To30000
        default: return .grossTonnageBand30000AndOver
        }
    }
}

/// The survey's conversion of cargo quantities into freight tons (港湾調査 品種換算), in thousandths of a freight ton
/// with integer arithmetic (rounded half up), so that sums are exact:
/// general cargo max(1,000 kg, 1.133 m³) = 1 t; bulk liquids 1 m³ = 1 t; logs 0.835 m³ = 1 t; 4 drums = 1 t;
/// 40 oil cans = 1 t; sand 6 m³ = 10 t; gravel 6 m³ = 13 t; crushed stone 6 m³ = 9.6 t; stone 1 m³ = 2.7 t.
enum FreightTons {
    /// The kinds of quantity, as stored (the oneof case numbers of CargoLine.quantity).
    enum Kind: Int64, Sendable {
        case weightAndVolume = 5, bulkLiquid, logs, drums, oilCans, sand, gravel, crushedStone, stone, freightTons
    }

    /// Thousandths of a freight ton for `amount` (litres, kg, pieces) of `kind`; `volumeLitres` only for general
    /// cargo. Values are non-negative and bounded by the caller.
    static func milli(_ kind: Kind, amount: Int64, volumeLitres: Int64 = 0) -> Int64 {
        switch kind {
        case .weightAndVolume: return max(amount, divide(volumeLitres * 1000, 1133))
        case .bulkLiquid: return amount
        case .logs: return divide(amount * 1000, 835)
        case .drums: return amount * 250
        case .oilCans: return amount * 25
        case .sand: return divide(amount * 10, 6)
        case .gravel: return divide(amount * 13, 6)
        case .crushedStone: return divide(amount * 96, 60)
        case .stone: return divide(amount * 27, 10)
        case .freightTons: return amount
        }
    }

    /// numerator / denominator rounded half up (both non-negative).
    static func divide(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        (numerator * 2 + denominator) / (denominator * 2)
    }
}

/// How member deterioration grades (劣化度 a–d) roll up into a facility's performance grade (性能低下度 A–D): the worst
/// grade over the primary members, upper-cased; secondary members (付属物等) count at most as c. No graded member → no
/// grade. (Proto: inspections.proto.)
enum GradeRollup {
    static func performanceGrade(_ members: [Cyberport_Stats_V1_MemberGrade]) -> Cyberport_Stats_V1_PerformanceGrade {
        var worst: Int32?
        for member in members where member.grade.rawValue >= 1 && member.grade.rawValue <= 4 {
            // a = 1 (worst) … d = 4; a secondary member's a or b counts as c (3).
            let effective = member.secondary ? max(member.grade.rawValue, 3) : member.grade.rawValue
            worst = min(worst ?? effective, effective)
        }
        return worst.map { Cyberport_Stats_V1_PerformanceGrade(rawValue: $0) } ?? .unspecified
    }
}
