import CCairo

/// Why a page, film or label could not be composed. One error type for the `Graphics` layer;
/// each case says what to do about it.
public enum GraphicsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A Cairo call failed; `status` is Cairo's own message (`cairo_status_to_string`).
    case cairo(operation: String, status: String)
    /// No installed font covers these characters. `scripts` names their Unicode scripts and
    /// `packages` the Debian packages that would add fonts for them.
    case noFontCovers(characters: [UInt32], scripts: [String], packages: [String], text: String)
    /// fontconfig could not be initialised, or a configuration file in the fonts folder is invalid.
    case fontConfiguration(reason: String)
    /// `LIGHTBOX_FONTS` names a folder that does not exist.
    case fontsFolderNotFound(path: String)
    /// A page or surface size that Cairo cannot make (zero, negative, or too many pixels).
    case invalidSize(widthMM: Double, heightMM: Double, reason: String)
    /// An image buffer with fewer bytes than width × height × channels.
    case imageBufferTooShort(expected: Int, actual: Int)
    /// The output file could not be written or renamed into place.
    case cannotWrite(path: String, reason: String)
    /// No `Layouts/` folder holds this layout file.
    case layoutNotFound(file: String, searched: [String])
    /// A document or page was used after it was finished.
    case alreadyFinished(String)

    public var description: String {
        switch self {
        case .cairo(let op, let s):
            return "Cairo failed in \(op): \(s)"
        case .noFontCovers(let chars, let scripts, let packages, let text):
            let list = chars.map { String(format: "U+%04X", $0) }.joined(separator: ", ")
            let hint = packages.isEmpty ? "remove these characters from the text"
                : "install a font for them (Debian: apt-get install \(packages.joined(separator: " "))) or put one in Lightbox's Fonts folder"
            return "no installed font covers \(list) (\(scripts.joined(separator: ", "))) in \"\(text)\"; \(hint)"
        case .fontConfiguration(let r):
            return "fontconfig: \(r)"
        case .fontsFolderNotFound(let p):
            return "LIGHTBOX_FONTS is \(p), which is not a folder; point it at Lightbox's Fonts folder or unset it"
        case .invalidSize(let w, let h, let r):
            return "cannot make a \(w) × \(h) mm surface: \(r)"
        case .imageBufferTooShort(let e, let a):
            return "image buffer has \(a) bytes but its size needs \(e); the image is inconsistent"
        case .cannotWrite(let p, let r):
            return "\(p): cannot write: \(r); check that the folder exists, is writable and has space"
        case .layoutNotFound(let f, let s):
            return "cannot find the layout \(f); set LIGHTBOX_LAYOUTS to Lightbox's Layouts folder. Looked in: \(s.joined(separator: ", "))"
        case .alreadyFinished(let what):
            return "\(what) is already finished; make a new one"
        }
    }

    /// Throws `.cairo` when `status` is not CAIRO_STATUS_SUCCESS.
    static func check(_ status: cairo_status_t, _ operation: String) throws {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        throw GraphicsError.cairo(operation: operation, status: String(cString: cairo_status_to_string(status)))
    }
}
