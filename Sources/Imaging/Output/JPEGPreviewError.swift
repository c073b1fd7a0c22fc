/// Why a preview JPEG (IHE PDI web content, thumbnails) could not be made.
public enum JPEGPreviewError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Quality outside 1…100.
    case invalidQuality(Int)
    /// Width or height is zero, negative, or above JPEG's 65,535-pixel limit (ITU-T T.81 §B.2.2).
    case invalidSize(width: Int, height: Int)
    /// The pixel buffer holds fewer samples than width × height × channels.
    case bufferTooShort(expected: Int, actual: Int)
    /// TurboJPEG could not start or failed while compressing; `reason` is its own message.
    case encoderFailed(reason: String)
    /// The file could not be written or renamed into place.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidQuality(let q):
            return "JPEG quality \(q) is out of range; use 1…100 (90 is a good default for previews)"
        case .invalidSize(let w, let h):
            return "cannot encode a \(w)×\(h) image as JPEG; each side must be 1…65535 pixels"
        case .bufferTooShort(let e, let a):
            return "the image has \(a) samples but its size needs \(e); the rendered frame is inconsistent"
        case .encoderFailed(let r):
            return "TurboJPEG failed to compress the preview: \(r)"
        case .cannotWrite(let p, let r):
            return "\(p): cannot write the JPEG preview: \(r); check that the folder exists and is writable"
        }
    }
}
