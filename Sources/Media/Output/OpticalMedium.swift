/// An optical drive as xorriso's `-devices` lists it.
public struct OpticalDriveInfo: Sendable, Equatable, CustomStringConvertible {
    /// Device address for `OpticalDrive`, e.g. "/dev/sr0".
    public var device: String
    public var vendor: String
    public var product: String
    public var description: String { "\(device) (\(vendor) \(product))" }

    /// Parses `-devices` result lines: `0  -dev '/dev/sr0' rwrw-- :  'HL-DT-ST' 'DVDRAM GH24NSD1'`.
    public static func parse(devicesOutput lines: [String]) -> [OpticalDriveInfo] {
        lines.compactMap { line in
            let quoted = line.split(separator: "'", omittingEmptySubsequences: false)
            // 0:"0  -dev " 1:device 2:" rwrw-- :  " 3:vendor 4:" " 5:product
            guard line.contains("-dev '"), quoted.count >= 6 else { return nil }
            return OpticalDriveInfo(device: String(quoted[1]), vendor: String(quoted[3]).trimmingCharacters(in: .whitespaces),
                                    product: String(quoted[5]).trimmingCharacters(in: .whitespaces))
        }
    }
}

/// The disc in a drive as xorriso's `-toc` and `-tell_media_space` describe it (libburn profiles:
/// "CD-R", "DVD+RW", "BD-R sequential recording", "stdio file"…).
public struct OpticalMedium: Sendable, Equatable {
    public enum State: String, Sendable {
        case blank, appendable, closed, absent, unknown
    }

    public var profile: String
    public var state: State
    /// Rewritable in place (DVD+RW, DVD-RAM, BD-RE, stdio files): can be overwritten without blanking.
    public var overwriteable: Bool
    /// Writable bytes left (`-tell_media_space`, 2048-byte blocks).
    public var freeBytes: Int64

    public init(profile: String, state: State, overwriteable: Bool, freeBytes: Int64) {
        self.profile = profile
        self.state = state
        self.overwriteable = overwriteable
        self.freeBytes = freeBytes
    }

    /// Parses the result lines of `-toc -tell_media_space`:
    /// `Media current: stdio file, overwriteable`, `Media status : is blank` (or `is written , is
    /// appendable`, `is written , is closed`, `is not present`), `Media space  : 32510282s`.
    public static func parse(tocOutput lines: [String]) -> OpticalMedium {
        var m = OpticalMedium(profile: "", state: .unknown, overwriteable: false, freeBytes: 0)
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "Media current":
                let parts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                m.profile = parts.first ?? ""
                m.overwriteable = parts.dropFirst().contains("overwriteable")
                if value.contains("is not present") || value == "none" { m.state = .absent }
            case "Media status":
                if value.contains("not present") { m.state = .absent }
                else if value.contains("blank") { m.state = .blank }
                else if value.contains("appendable") { m.state = .appendable }
                else if value.contains("closed") { m.state = .closed }
            case "Media space":
                if let blocks = Int64(value.trimmingCharacters(in: CharacterSet(charactersIn: "s "))) { m.freeBytes = blocks * 2048 }
            default: break
            }
        }
        return m
    }

    /// Whether an image of `bytes` may be burned onto this disc as a new file set: a disc must be
    /// present, blank unless overwriteable (a file set takes a disc of its own, PS3.12 Annex F/P),
    /// and large enough.
    public func checkBurn(of bytes: Int64, device: String) throws(OpticalDriveError) {
        switch state {
        case .absent: throw .noMedium(device: device)
        case .blank: break
        case .appendable, .closed, .unknown:
            if !overwriteable { throw .mediumNotBlank(device: device, state: "\(profile), \(state.rawValue)") }
        }
        if freeBytes < bytes { throw .mediumTooSmall(device: device, needed: bytes, free: freeBytes) }
    }
}

import Foundation
