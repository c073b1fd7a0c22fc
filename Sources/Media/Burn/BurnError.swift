/// Why a burn stopped. Each case names the file or folder and says what to do.
public enum BurnError: Error, CustomStringConvertible, Equatable {
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case outputFolderMissing(path: String)
    case outputExists(path: String)
    case noSpace(path: String, needed: Int64, available: Int64)
    case nothingToBurn(Int)
    case dicomdir(reason: String)
    case verificationFailed(volume: String, problems: [String])
    case volumeTooLarge(volume: Int, bytes: Int64, capacity: Int64)
    case cancelled
    /// The file system asked for is not one the profile allows (PS3.12), or the output needs an
    /// image and the profile has none.
    case fileSystemNotAllowed(profile: String, asked: String, allowed: [String])

    public var description: String {
        switch self {
        case .cannotRead(let p, let r): return "cannot read \(p): \(r)"
        case .cannotWrite(let p, let r): return "cannot write \(p): \(r)"
        case .outputFolderMissing(let p): return "the folder for \(p) does not exist; create it or choose another output path"
        case .outputExists(let p): return "\(p) already exists; remove it or choose another name (Lightbox never overwrites a finished disc image)"
        case .noSpace(let p, let n, let a):
            return "not enough space for \(p): needs about \(n / 1_000_000) MB, \(a / 1_000_000) MB free; free some space or write elsewhere"
        case .nothingToBurn(let rejected):
            return "nothing to burn: no input file could be put on the medium (\(rejected) rejected, see above)"
        case .dicomdir(let r): return "cannot build the DICOMDIR: \(r)"
        case .verificationFailed(let v, let problems):
            return "verification of \(v) failed; the output was not kept:\n  " + problems.prefix(20).joined(separator: "\n  ")
                + (problems.count > 20 ? "\n  … and \(problems.count - 20) more" : "")
        case .volumeTooLarge(let v, let b, let c):
            return "volume \(v) holds \(b / 1_000_000) MB, more than the medium's \(c / 1_000_000) MB; use --capacity to give a smaller size per volume"
        case .cancelled: return "cancelled; nothing was left under the output name"
        case .fileSystemNotAllowed(let p, let a, let allowed):
            return allowed.isEmpty ? "\(p) has no disc file system; choose a CD, DVD or BD profile for \(a)"
                : "\(p) does not allow \(a) on its medium (PS3.12); it allows \(allowed.joined(separator: ", "))"
        }
    }
}
