import Foundation

/// The Volume Recognition Sequence of an image (ECMA-167 2/8.3, ECMA-119 §8): 2048-byte volume
/// structure descriptors from byte 32768, each with a 5-byte Standard Identifier at byte 1 —
/// "CD001" (ISO 9660), "BEA01" … "NSR02"/"NSR03" … "TEA01" (UDF's Extended Area). An NSR
/// descriptor says the image holds an ECMA-167 (UDF) volume; a genisoimage `-udf` image holds both.
public struct VolumeRecognition: Sendable, Equatable {
    /// An ISO 9660 volume descriptor ("CD001") is present.
    public var hasISO9660: Bool
    /// An NSR descriptor inside a BEA01…TEA01 extended area: "NSR02" (ECMA-167 2nd edition,
    /// UDF 1.02/1.50) or "NSR03" (3rd edition, UDF 2.00 and later); nil when absent.
    public var nsr: String?

    public var hasUDF: Bool { nsr != nil }

    /// Descriptors looked at before giving up (the sequence is short; 64 covers many ISO 9660
    /// supplementary descriptors before the extended area).
    static let maximumDescriptors = 64

    /// Reads the sequence from the image at `path`; all false when the file is shorter or unreadable.
    public static func read(_ path: String) -> VolumeRecognition {
        var result = VolumeRecognition(hasISO9660: false, nsr: nil)
        guard let handle = FileHandle(forReadingAtPath: path) else { return result }
        defer { try? handle.close() }
        var inExtendedArea = false
        for index in 0..<maximumDescriptors {
            guard (try? handle.seek(toOffset: UInt64(32768 + index * 2048))) != nil,
                  let data = try? handle.read(upToCount: 2048), data.count == 2048 else { break }
            let id = String(decoding: data[data.startIndex + 1..<data.startIndex + 6], as: UTF8.self)
            switch id {
            case "CD001": result.hasISO9660 = true
            case "BEA01": inExtendedArea = true
            case "NSR02", "NSR03": if inExtendedArea { result.nsr = id }
            case "TEA01": inExtendedArea = false
            case "BOOT2", "CDW02": break
            default:
                // A descriptor of no known kind ends the sequence (ECMA-167 2/8.3.1).
                return result
            }
        }
        return result
    }
}
