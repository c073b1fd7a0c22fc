/// A transfer syntax: how a data set is encoded (PS3.5 §10, Annex A).
///
/// Only the encoding facts live here (VR mode, byte order, deflate, encapsulation); the codecs
/// that turn encapsulated pixel data into pixels are registered in `Imaging`.
public struct TransferSyntax: Hashable, Sendable, CustomStringConvertible {
    public let uid: String
    public let isExplicitVR: Bool
    public let isBigEndian: Bool
    /// Deflated Explicit VR Little Endian (PS3.5 §A.5): the data set after the meta header is raw DEFLATE.
    public let isDeflated: Bool
    /// Pixel data is encapsulated in fragments (PS3.5 §A.4).
    public let isEncapsulated: Bool
    /// MPEG-2, H.264, HEVC: recognised and passed through, never decoded (PS3.5 §A.4.5–A.4.12).
    public let isVideo: Bool
    public let isLossy: Bool

    public init(uid: String, isExplicitVR: Bool = true, isBigEndian: Bool = false, isDeflated: Bool = false,
                isEncapsulated: Bool = true, isVideo: Bool = false, isLossy: Bool = false) {
        self.uid = uid; self.isExplicitVR = isExplicitVR; self.isBigEndian = isBigEndian
        self.isDeflated = isDeflated; self.isEncapsulated = isEncapsulated; self.isVideo = isVideo
        self.isLossy = isLossy
    }

    public var name: String { UIDRegistry.name(for: uid) ?? "Unknown Transfer Syntax" }
    public var description: String { "\(name) (\(uid))" }

    public static let implicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2", isExplicitVR: false, isEncapsulated: false)
    public static let explicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1", isEncapsulated: false)
    public static let encapsulatedUncompressedExplicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1.98")
    public static let deflatedExplicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1.99", isDeflated: true, isEncapsulated: false)
    public static let explicitVRBigEndian = TransferSyntax(uid: "1.2.840.10008.1.2.2", isBigEndian: true, isEncapsulated: false)
    public static let jpegBaseline = TransferSyntax(uid: "1.2.840.10008.1.2.4.50", isLossy: true)
    public static let jpegExtended = TransferSyntax(uid: "1.2.840.10008.1.2.4.51", isLossy: true)
    public static let jpegLossless = TransferSyntax(uid: "1.2.840.10008.1.2.4.57")
    public static let jpegLosslessSV1 = TransferSyntax(uid: "1.2.840.10008.1.2.4.70")
    public static let jpegLSLossless = TransferSyntax(uid: "1.2.840.10008.1.2.4.80")
    public static let jpegLSNearLossless = TransferSyntax(uid: "1.2.840.10008.1.2.4.81", isLossy: true)
    public static let jpeg2000Lossless = TransferSyntax(uid: "1.2.840.10008.1.2.4.90")
    public static let jpeg2000 = TransferSyntax(uid: "1.2.840.10008.1.2.4.91", isLossy: true)
    public static let rleLossless = TransferSyntax(uid: "1.2.840.10008.1.2.5")

    /// Every transfer syntax Lightbox knows by UID. Others are treated as encapsulated Explicit VR LE,
    /// which PS3.5 §10 requires of every transfer syntax not listed in Annex A.1–A.3.
    public static let known: [TransferSyntax] = {
        var list: [TransferSyntax] = [
            implicitVRLittleEndian, explicitVRLittleEndian, encapsulatedUncompressedExplicitVRLittleEndian,
            deflatedExplicitVRLittleEndian, explicitVRBigEndian,
            jpegBaseline, jpegExtended, jpegLossless, jpegLosslessSV1,
            jpegLSLossless, jpegLSNearLossless, jpeg2000Lossless, jpeg2000, rleLossless,
            TransferSyntax(uid: "1.2.840.10008.1.2.4.52", isLossy: true), // retired JPEG processes
            TransferSyntax(uid: "1.2.840.10008.1.2.4.53", isLossy: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.54", isLossy: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.55", isLossy: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.56", isLossy: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.58"), TransferSyntax(uid: "1.2.840.10008.1.2.4.59", isLossy: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.60", isLossy: true), TransferSyntax(uid: "1.2.840.10008.1.2.4.61", isLossy: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.62"), TransferSyntax(uid: "1.2.840.10008.1.2.4.63", isLossy: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.64", isLossy: true), TransferSyntax(uid: "1.2.840.10008.1.2.4.65"),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.66"),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.92"), TransferSyntax(uid: "1.2.840.10008.1.2.4.93", isLossy: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.201"), TransferSyntax(uid: "1.2.840.10008.1.2.4.202"),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.203", isLossy: true),
            TransferSyntax(uid: "1.2.840.10008.1.2.4.94"), TransferSyntax(uid: "1.2.840.10008.1.2.4.95"), // JPIP
        ]
        // Video: MPEG-2, MPEG-4 AVC/H.264, HEVC/H.265 (PS3.5 §A.4.5–A.4.12).
        for suffix in ["100", "100.1", "101", "101.1", "102", "102.1", "103", "103.1", "104", "104.1",
                       "105", "105.1", "106", "106.1", "107", "108"] {
            list.append(TransferSyntax(uid: "1.2.840.10008.1.2.4." + suffix, isVideo: true, isLossy: true))
        }
        return list
    }()

    private static let byUID: [String: TransferSyntax] = Dictionary(known.map { ($0.uid, $0) }, uniquingKeysWith: { a, _ in a })

    /// Looks up a transfer syntax; unknown UIDs become encapsulated Explicit VR Little Endian (PS3.5 §10).
    public static func forUID(_ uid: String) -> TransferSyntax {
        byUID[uid] ?? TransferSyntax(uid: uid)
    }
    public static func isKnown(_ uid: String) -> Bool { byUID[uid] != nil }
}
