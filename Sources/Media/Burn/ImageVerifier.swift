import Foundation

/// Reads a written image back through the reader `import` uses and checks it before it gets its
/// final name: the file set byte for byte (`MediaVerifier`), and the file system itself —
/// - ISO 9660: Level 1 names and depth, no Rock Ridge (PS3.12 Annex F);
/// - UDF: the revision asked for (PS3.12 Annex X: 2.50/2.60 on BD), and with a bridge, an ISO 9660
///   tree whose every file is a UDF file's own extent (ECMA-119 §9.1.3), so both trees hold the
///   same bytes without reading them twice.
struct ImageVerifier {
    var fileSystem: MediaFileSystem
    var bridge: Bool

    func verify(_ image: String, staged: FileSetStager.Result, progress: BurnProgressHandler?,
                cancel: MediaCancellation) throws -> [String] {
        if let revision = fileSystem.udfRevision { return try verifyUDF(image, revision: revision, staged: staged, progress: progress, cancel: cancel) }
        let volume: ISOVolume
        do { volume = try ISOVolume(imagePath: image) } catch { throw BurnError.cannotRead(path: image, reason: "\(error)") }
        var problems = MediaVerifier().verify(volume, staged: staged, expectVolumeID: true, progress: progress, cancel: cancel)
        if !volume.isLevel1 { problems += volume.level1Problems.map { "not ISO 9660 Level 1: \($0)" } }
        if volume.hasRockRidge { problems.append("the image has Rock Ridge records; PS3.12 Annex F wants plain ISO 9660") }
        return problems
    }

    private func verifyUDF(_ image: String, revision: UInt16, staged: FileSetStager.Result, progress: BurnProgressHandler?,
                           cancel: MediaCancellation) throws -> [String] {
        let volume: UDFVolume
        do { volume = try UDFVolume(imagePath: image) } catch { throw BurnError.cannotRead(path: image, reason: "\(error)") }
        var problems = MediaVerifier().verify(volume, staged: staged, expectVolumeID: true, progress: progress, cancel: cancel)
        if volume.revision != revision {
            problems.append("the volume reads as UDF \(volume.revision.map(UDFImageOptions.text) ?? "of no revision"), not \(UDFImageOptions.text(revision))")
        }
        let recognition = VolumeRecognition.read(image)
        if recognition.nsr != "NSR03" { problems.append("no NSR03 descriptor in the Volume Recognition Sequence (ECMA-167 3/9.1)") }
        if recognition.hasISO9660 != bridge {
            problems.append(bridge ? "the ISO 9660 bridge is missing" : "an ISO 9660 volume descriptor is present without a bridge")
        }
        guard bridge, recognition.hasISO9660 else { return problems }
        return problems + bridgeProblems(image, udf: volume)
    }

    /// Every file of the bridge is a UDF file (same first block and size), every UDF file is in the
    /// bridge, and a UDF file with a Level 1 name has that name in the bridge.
    private func bridgeProblems(_ image: String, udf: UDFVolume) -> [String] {
        let iso: ISOVolume
        do { iso = try ISOVolume(imagePath: image) } catch { return ["the ISO 9660 bridge cannot be read: \(error)"] }
        var problems: [String] = []
        if !iso.isLevel1 { problems += iso.level1Problems.map { "ISO 9660 bridge not Level 1: \($0)" } }
        let udfFiles = ((try? udf.entries()) ?? []).filter { !$0.isDirectory }
        let isoFiles = ((try? iso.entries()) ?? []).filter { !$0.isDirectory }
        if udfFiles.count != isoFiles.count {
            problems.append("the ISO 9660 bridge lists \(isoFiles.count) files, the UDF tree \(udfFiles.count)")
        }
        struct Key: Hashable { var block: Int64?; var size: Int64 }
        let isoKeys = Dictionary(isoFiles.map { (Key(block: $0.size == 0 ? nil : iso.firstBlock(of: $0.path), size: $0.size), $0.path) },
                                 uniquingKeysWith: { a, _ in a })
        for f in udfFiles {
            let key = Key(block: f.size == 0 ? nil : udf.firstBlock(of: f.path), size: f.size)
            guard let isoPath = isoKeys[key] else {
                problems.append("\(f.path): not in the ISO 9660 bridge at block \(key.block.map(String.init) ?? "-") with \(f.size) bytes")
                continue
            }
            let level1 = f.path.split(separator: "/").enumerated().allSatisfy { i, part in
                i == f.path.split(separator: "/").count - 1 ? ISO9660Names.fileNameProblem(String(part)) == nil
                    : ISO9660Names.directoryNameProblem(String(part)) == nil
            }
            if level1, f.size > 0, isoPath != f.path { problems.append("\(f.path): named \(isoPath) in the ISO 9660 bridge") }
        }
        return problems
    }
}
