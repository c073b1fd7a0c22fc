import DICOM
import Foundation

/// PS3.10 §7.1: each file starts with a 128-byte preamble and "DICM", then the File Meta
/// Information, whose Media Storage SOP Class UID (0002,0002) and Media Storage SOP Instance UID
/// (0002,0003) equal the data set's SOP Class UID (0008,0016) and SOP Instance UID (0008,0018).
struct FileMetaRule: CheckRule {
    func check(_ context: CheckContext) -> [CheckFinding] {
        var noMeta: [String] = [], classDiffers: [String] = [], instanceDiffers: [String] = []
        for path in context.instancePaths {
            guard let entry = context.headers[path], let file = entry else { continue }
            if !Self.hasPreamble(context.source.volume, path) { noMeta.append(path); continue }
            let trim = { (s: String?) in (s ?? "").trimmingPadding }
            if trim(file.meta.string(Tag(0x0002, 0x0002))) != trim(file.dataSet.string(.sopClassUID)) { classDiffers.append(path) }
            if trim(file.meta.string(Tag(0x0002, 0x0003))) != trim(file.dataSet.string(.sopInstanceUID)) { instanceDiffers.append(path) }
        }
        var out: [CheckFinding] = []
        if !noMeta.isEmpty {
            out.append(CheckFinding(.error, "noFileMeta",
                                    "\(plural(noMeta.count, "file lacks", "files lack")) the standard DICOM file header (128-byte preamble, \"DICM\" and File Meta Information); some viewers will not open \(noMeta.count == 1 ? "it" : "them").",
                                    clause: "PS3.10 7.1", files: noMeta))
        }
        if !classDiffers.isEmpty {
            out.append(CheckFinding(.error, "metaSOPClassMismatch",
                                    "\(plural(classDiffers.count, "file's", "files'")) header names a different kind of object (Media Storage SOP Class UID) from the image inside.",
                                    clause: "PS3.10 7.1", files: classDiffers))
        }
        if !instanceDiffers.isEmpty {
            out.append(CheckFinding(.error, "metaSOPInstanceMismatch",
                                    "\(plural(instanceDiffers.count, "file's", "files'")) header names a different image (Media Storage SOP Instance UID) from the one inside.",
                                    clause: "PS3.10 7.1", files: instanceDiffers))
        }
        return out
    }

    /// "DICM" at byte 128.
    static func hasPreamble(_ volume: any MediaVolume, _ path: String) -> Bool {
        guard let reader = try? volume.open(path), let b = try? reader.read(upTo: 132), b.count == 132 else { return false }
        return b[128] == 0x44 && b[129] == 0x49 && b[130] == 0x43 && b[131] == 0x4D
    }
}
