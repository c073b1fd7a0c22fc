import CIsoburn
import CCdio

/// Versions of the C libraries the disc builder uses.
public enum MediaLibraries {
    /// libisoburn's xorriso API version, e.g. "1.5.4".
    public static var xorrisoVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, micro: Int32 = 0
        Xorriso__version(&major, &minor, &micro)
        return "\(major).\(minor).\(micro)"
    }
    /// libcdio's version number, e.g. 20100 for 2.1.0.
    public static var libcdioVersionNumber: Int { Int(libcdio_version_num) }
}
