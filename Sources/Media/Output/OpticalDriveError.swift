/// Why a disc could not be listed, inspected, burned or verified. Each case says what to do.
public enum OpticalDriveError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No CD/DVD/BD drive is attached (or none is accessible to this user).
    case noOpticalDrive
    /// The drive holds no disc.
    case noMedium(device: String)
    /// A write-once disc that already holds data (closed or with sessions): a file set needs a
    /// disc of its own.
    case mediumNotBlank(device: String, state: String)
    /// The disc has less free space than the image.
    case mediumTooSmall(device: String, needed: Int64, free: Int64)
    /// The image file to burn is missing.
    case imageMissing(path: String)
    /// xorriso/libburn reported a failure; its messages.
    case xorriso(operation: String, messages: [String])
    /// After burning, the disc does not read back as the image.
    case verificationFailed(device: String, reason: String)
    case cancelled(device: String)

    public var description: String {
        switch self {
        case .noOpticalDrive: return "no optical drive found; attach a CD/DVD/BD writer (and check access to /dev/sr*), or write an image with -o or a USB stick with --usb"
        case .noMedium(let d): return "\(d): no disc in the drive; insert a blank disc"
        case .mediumNotBlank(let d, let s): return "\(d): the disc is not blank (\(s)); insert a blank disc (or blank a rewritable one)"
        case .mediumTooSmall(let d, let needed, let free):
            return "\(d): the disc has \(DiscImageError.mib(free)) free but the image needs \(DiscImageError.mib(needed)); use a larger disc (DVD, BD) or let burn split the content"
        case .imageMissing(let p): return "\(p): no such image file"
        case .xorriso(let op, let m): return "\(op) failed: \(m.joined(separator: "; "))"
        case .verificationFailed(let d, let r): return "\(d): verification after burning failed: \(r); the disc is not usable, burn another"
        case .cancelled(let d): return "\(d): cancelled before burning started"
        }
    }
}
