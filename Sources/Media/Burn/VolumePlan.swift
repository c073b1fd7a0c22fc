import DICOM

/// One medium's worth of a burn: a complete file set with its own DICOMDIR (PS3.10 §8.1), a
/// File-set ID and the instances planned for it.
public struct VolumePlan: Sendable {
    /// 1-based.
    public var number: Int
    public var count: Int
    /// File-set ID (0004,1130) and, on ISO 9660, the Volume Identifier (PS3.12 Annex F).
    public var fileSetID: String
    public var instances: [PlannedInstance]
    /// The sum of the instances' estimates.
    public var estimatedBytes: Int64 { instances.reduce(0) { $0 + $1.estimatedBytes } }
    /// The file set as the DICOMDIR describes it (target transfer syntaxes).
    public var fileSet: FileSet { FileSet(instances: instances.map(\.onMedium)) }
}

/// Why a burn cannot be split into volumes.
public enum VolumeSplitError: Error, CustomStringConvertible, Equatable {
    case instanceTooLarge(path: String, bytes: Int64, capacity: Int64)
    public var description: String {
        switch self {
        case .instanceTooLarge(let p, let b, let c):
            return "\(p): needs about \(b / 1_000_000) MB on the medium, more than one volume holds (\(c / 1_000_000) MB); choose a larger medium (e.g. --profile STD-GEN-DVD-JPEG or STD-GEN-BD-JPEG) or --usb"
        }
    }
}

/// Splits planned instances into volumes that fit a medium, at study boundaries where a study
/// fits, else at series boundaries, and inside a series only when one series alone exceeds a
/// volume (each volume stays a complete file set with its own DICOMDIR).
public struct VolumeSplitter: Sendable {
    /// Usable bytes per volume for DICOM files, after the reserve for DICOMDIR, web content and
    /// the file system.
    public var capacity: Int64

    /// `mediumBytes`: the medium's capacity (the profile's, or `--capacity`). A reserve of 2 % plus
    /// 8 MB is kept for the DICOMDIR, PDI content and ISO 9660 structures.
    /// Bytes the on-disc viewer adds per byte of native pixel data (`ViewerMode.estimatedShare`).
    public var viewerShare: Double

    public init(mediumBytes: Int64, viewerShare: Double = 0) {
        capacity = max(1, mediumBytes - mediumBytes / 50 - 8_000_000)
        self.viewerShare = viewerShare
    }

    /// An instance's bytes on the volume: its file and its share of the viewer's data.
    func bytes(_ i: PlannedInstance) -> Int64 {
        i.estimatedBytes + Int64(Double(i.source.storage.nativePixelBytes) * viewerShare)
    }

    public func split(_ planned: [PlannedInstance], fileSetID base: String) throws -> [VolumePlan] {
        // Units in file-set order: patient → study → series → instance, as FileIDGenerator sorts.
        let fileSet = FileSet(instances: planned.map(\.source))
        let byUID = Dictionary(planned.map { ($0.sopInstanceUID, $0) }, uniquingKeysWith: { a, _ in a })
        var volumes: [[PlannedInstance]] = [[]]
        var used: Int64 = 0
        func place(_ unit: [PlannedInstance]) {
            let size = unit.reduce(0) { $0 + bytes($1) }
            if used + size > capacity && !volumes[volumes.count - 1].isEmpty { volumes.append([]); used = 0 }
            volumes[volumes.count - 1] += unit
            used += size
        }
        for patient in fileSet.sortedPatients {
            for study in patient.sortedStudies {
                let studyUnit = study.sortedSeries.flatMap { $0.sortedInstances.compactMap { byUID[$0.sopInstanceUID] } }
                if studyUnit.reduce(0, { $0 + bytes($1) }) <= capacity { place(studyUnit); continue }
                for series in study.sortedSeries {
                    let unit = series.sortedInstances.compactMap { byUID[$0.sopInstanceUID] }
                    if unit.reduce(0, { $0 + bytes($1) }) <= capacity { place(unit); continue }
                    for instance in unit {
                        guard bytes(instance) <= capacity else {
                            throw VolumeSplitError.instanceTooLarge(path: instance.source.path, bytes: bytes(instance), capacity: capacity)
                        }
                        place([instance])
                    }
                }
            }
        }
        let count = volumes.count
        return volumes.enumerated().map { n, instances in
            VolumePlan(number: n + 1, count: count, fileSetID: Self.fileSetID(base, volume: n + 1, of: count), instances: instances)
        }
    }

    /// The base ID for one volume, or `BASE_n` (truncated to fit 16 characters) for several.
    public static func fileSetID(_ base: String, volume: Int, of count: Int) -> String {
        guard count > 1 else { return base }
        let suffix = "_\(volume)"
        return String(base.prefix(16 - suffix.count)) + suffix
    }
}
