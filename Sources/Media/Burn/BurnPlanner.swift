import DICOM
import Foundation

/// Decides, for each scanned instance, how it goes onto a medium of an application profile
/// (PS3.11 §6, Annex D): copied byte for byte, rewritten with a proper Part 10 header, or
/// transcoded to a transfer syntax the profile allows. Lossy pixel data is never re-encoded
/// lossily: it is decompressed, and the report says so.
public struct BurnPlanner: Sendable {
    /// Optional compression of native images where the profile allows it.
    public enum Compression: String, Sendable, CaseIterable {
        /// Keep allowed syntaxes as they are; decompress the others to Explicit VR LE.
        case none
        /// Also encode native images as JPEG Lossless SV1 (.70) when the profile allows it
        /// (STD-GEN-…-JPEG): about half the size, bit for bit the same pixels.
        case jpegLossless = "jpeg-lossless"
    }

    public var profile: ApplicationProfile
    public var compression: Compression

    public init(profile: ApplicationProfile, compression: Compression = .none) {
        self.profile = profile; self.compression = compression
    }

    public struct Result: Sendable {
        public var planned: [PlannedInstance]
        public var rejections: [FileSetError]
    }

    public func plan(_ fileSet: FileSet) -> Result {
        var planned: [PlannedInstance] = [], rejections: [FileSetError] = []
        for instance in fileSet.instances {
            switch plan(instance) {
            case .success(let p): planned.append(p)
            case .failure(let e): rejections.append(e)
            }
        }
        return Result(planned: planned, rejections: rejections)
    }

    /// The plan for one instance, or why it cannot go on this medium.
    public func plan(_ i: ScannedInstance) -> Swift.Result<PlannedInstance, FileSetError> {
        guard profile.allows(sopClass: i.sopClassUID) else {
            return .failure(.sopClassNotAllowed(path: i.path, uid: i.sopClassUID, profile: profile.id))
        }
        let source: TransferSyntax? = TransferSyntax.isKnown(i.transferSyntaxUID) ? TransferSyntax.forUID(i.transferSyntaxUID) : nil
        let explicitLE = TransferSyntax.explicitVRLittleEndian.uid
        let hasPixels = i.storage.nativePixelBytes > 0
        let header: Int64 = 2048

        func make(_ action: InstanceAction, _ target: String, _ bytes: Int64, _ note: String? = nil) -> PlannedInstance {
            PlannedInstance(source: i, action: action, targetTransferSyntaxUID: target, estimatedBytes: bytes, note: note)
        }

        if profile.allows(transferSyntax: i.transferSyntaxUID) {
            if compression == .jpegLossless, hasPixels, source?.isEncapsulated == false,
               profile.allows(transferSyntax: TransferSyntax.jpegLosslessSV1.uid) {
                return .success(make(.transcode, TransferSyntax.jpegLosslessSV1.uid, i.storage.nativePixelBytes / 2 + header))
            }
            if i.storage.oddLengthValues > 0 {
                return .success(make(.rewrite, i.transferSyntaxUID, i.storage.fileSize + Int64(i.storage.oddLengthValues) + 256,
                                     "\(i.storage.oddLengthValues) value(s) of odd length padded to even length (PS3.5 §7.1.1); values otherwise unchanged"))
            }
            if i.storage.hasConformantFileMeta { return .success(make(.copy, i.transferSyntaxUID, i.storage.fileSize)) }
            return .success(make(.rewrite, i.transferSyntaxUID, i.storage.fileSize + 256,
                                 "rewritten with a conformant Part 10 header (PS3.10 §7.1); data set unchanged"))
        }
        guard let source else {
            return .failure(.transferSyntaxNotAllowed(path: i.path, uid: i.transferSyntaxUID, profile: profile.id))
        }
        if source.isVideo {
            // Video is never decoded; it goes on media whose profile allows its syntax only.
            return .failure(.transferSyntaxNotAllowed(path: i.path, uid: i.transferSyntaxUID, profile: profile.id))
        }
        guard profile.allows(transferSyntax: explicitLE) else {
            return .failure(.transferSyntaxNotAllowed(path: i.path, uid: i.transferSyntaxUID, profile: profile.id))
        }
        if !source.isEncapsulated || !hasPixels {
            // Native (or no pixel data): a new encoding of the same values.
            return .success(make(.rewrite, explicitLE, i.storage.fileSize + i.storage.fileSize / 8 + 256,
                                 "rewritten from \(source.name) to Explicit VR Little Endian; values unchanged"))
        }
        if compression == .jpegLossless, !source.isLossy, profile.allows(transferSyntax: TransferSyntax.jpegLosslessSV1.uid) {
            return .success(make(.transcode, TransferSyntax.jpegLosslessSV1.uid, i.storage.nativePixelBytes / 2 + header,
                                 "transcoded from \(source.name) to JPEG Lossless SV1; pixels unchanged"))
        }
        let note = source.isLossy
            ? "lossy source (\(source.name)) decompressed to Explicit VR Little Endian, not re-encoded; Lossy Image Compression (0028,2110) stays 01"
            : "decompressed from \(source.name) to Explicit VR Little Endian; pixels unchanged"
        return .success(make(.transcode, explicitLE, i.storage.nativePixelBytes + i.storage.fileSize / 4 + header, note))
    }
}
