import DICOM
import Foundation
import Imaging

/// The on-disc viewer (issue 20): IHE_PDI/VIEWER.HTM with its script and style (templates in
/// `Media/pdi/viewer/`, plain HTML/CSS/JS written here), and its data as script files —
/// IHE_PDI/VIEWER/STUDIES.JS (patients, studies, series, thumbnails) and one S0000001.JS … per
/// series with every frame — because a page opened from file:// may load scripts but not fetch
/// files or read pixels of images (facts.md). The frames are the imaging core's output (every
/// transfer syntax decoded, the Modality LUT applied), coded losslessly by `ViewerFrameCodec`; the
/// page never parses DICOM. Names are 8.3 upper case, as on CD.
public struct ViewerWriter: Sendable {
    public var mode: ViewerMode
    /// Instances decoded at once per series (bounds memory: their coded frames wait for writing).
    static let chunk = 32

    public init(mode: ViewerMode) { self.mode = mode }

    public struct Result: Sendable {
        /// Files written, relative to the root.
        public var files: [String]
        /// Bytes of those files.
        public var bytes: Int64
        /// Instances left out of the viewer, as "FILEID: reason".
        public var warnings: [String]
    }

    /// Writes the viewer into `root` (whose DICOM files and IHE_PDI/ are in place).
    public func write(_ contents: DiscContents, root: String, progress: (@Sendable (Int, Int) -> Void)? = nil,
                      isCancelled: @Sendable () -> Bool = { false }) throws -> Result {
        guard mode != .off else { return Result(files: [], bytes: 0, warnings: []) }
        let folder = root + "/IHE_PDI/VIEWER"
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw PDIError.cannotWrite(path: folder, reason: error.localizedDescription)
        }
        var files: [String] = []
        var warnings: [String] = []
        let templates = try MediaData.folder().appendingPathComponent("pdi/viewer")
        for (name, target) in [("VIEWER.HTM", "IHE_PDI/VIEWER.HTM"), ("VIEWER.JS", "IHE_PDI/VIEWER/VIEWER.JS"), ("VIEWER.CSS", "IHE_PDI/VIEWER/VIEWER.CSS")] {
            let source = templates.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: source.path) else {
                throw PDIError.templateUnreadable(path: source.path, reason: "missing")
            }
            try PDIFiles.write(Array(data), to: root + "/" + target)
            files.append(target)
        }

        let total = contents.instanceCount
        let done = ProgressCounter()
        var seriesNumber = 0
        var index: [[String: Any]] = []
        for p in contents.patients {
            var studies: [[String: Any]] = []
            for s in p.studies {
                var seriesList: [[String: Any]] = []
                for series in s.series {
                    if isCancelled() { throw CancellationError() }
                    let ids = series.fileIDs.indices.filter { series.hasPixels[$0] }.map { series.fileIDs[$0] }
                    guard !ids.isEmpty else { continue }
                    seriesNumber += 1
                    let key = String(format: "S%07d", seriesNumber)
                    let (entry, left) = try writeSeries(key: key, series: series, fileIDs: ids, root: root, folder: folder,
                                                        progress: { progress?(done.add().items, total) }, isCancelled: isCancelled)
                    warnings += left
                    if let entry {
                        seriesList.append(entry)
                        files.append("IHE_PDI/VIEWER/\(key).JS")
                    }
                }
                studies.append(["uid": s.studyInstanceUID, "date": s.dateDA, "time": s.time, "description": s.description,
                                "accession": s.accessionNumber, "series": seriesList])
            }
            index.append(["name": p.name, "displayName": p.name, "id": p.id, "birthDate": p.birthDateDA, "sex": p.sex, "studies": studies])
        }
        let json = try JSONSerialization.data(withJSONObject: ["version": 1, "codec": "rice1", "mode": mode.rawValue, "patients": index], options: [.sortedKeys, .withoutEscapingSlashes])
        try PDIFiles.write(Array("LIGHTBOX_VIEWER.index(".utf8) + Array(json) + Array(");\n".utf8), to: folder + "/STUDIES.JS")
        files.append("IHE_PDI/VIEWER/STUDIES.JS")
        let bytes = files.reduce(Int64(0)) { sum, f in
            sum + ((try? FileManager.default.attributesOfItem(atPath: root + "/" + f)[.size] as? Int64) ?? 0)
        }
        return Result(files: files, bytes: bytes, warnings: warnings)
    }

    /// Codes one series' instances (in chunks, on every core) into `folder/KEY.JS`; its entry in
    /// STUDIES.JS, nil when no instance could be read.
    private func writeSeries(key: String, series: DiscContents.Series, fileIDs: [FileID], root: String, folder: String,
                             progress: @Sendable () -> Void, isCancelled: @Sendable () -> Bool) throws -> ([String: Any]?, [String]) {
        let path = folder + "/\(key).JS"
        let presets = ViewerPreset.standard(for: series.modality)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw PDIError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        var first: ViewerInstanceFrames?
        var warnings: [String] = []
        var frames = 0
        var minimum = Int32.max, maximum = Int32.min
        var thumbnailSource: String?
        func put(_ s: String) throws {
            do { try handle.write(contentsOf: Data(s.utf8)) } catch { throw PDIError.cannotWrite(path: path, reason: "\(error)") }
        }
        try put("LIGHTBOX_VIEWER.series(\"\(key)\",{\"frames\":[")
        let mode = self.mode, modality = series.modality
        for start in stride(from: 0, to: fileIDs.count, by: Self.chunk) {
            if isCancelled() { throw CancellationError() }
            let ids = Array(fileIDs[start..<min(fileIDs.count, start + Self.chunk)])
            let slots = ConcurrentResults<Swift.Result<ViewerInstanceFrames, Error>>(ids.count)
            DispatchQueue.concurrentPerform(iterations: ids.count) { i in
                slots.set(i, Swift.Result { try ViewerInstanceFrames(path: root + "/" + ids[i].path, mode: mode, presets: presets, modality: modality) })
                progress()
            }
            for i in ids.indices {
                switch slots.get(i)! {
                case .failure(let error):
                    warnings.append("\(ids[i].path): not in the viewer: \(error)")
                case .success(let f):
                    if first == nil { first = f; thumbnailSource = root + "/" + ids[i].path }
                    minimum = min(minimum, f.minimum); maximum = max(maximum, f.maximum)
                    for coded in f.frames {
                        var entry = "{\"instance\":\(f.instanceNumber),\"rows\":\(f.rows),\"columns\":\(f.columns),"
                        entry += mode == .light && f.samples == .gray8
                            ? "\"presets\":[" + coded.map { c in
                                "{\"center\":\(c.window?.center ?? 0),\"width\":\(c.window?.width ?? 0),\"codec\":\"jpeg\",\"data\":\"\(c.data)\"}"
                            }.joined(separator: ",") + "]}"
                            : "\"data\":\"\(coded[0].data)\"}"
                        try put((frames == 0 ? "" : ",\n") + entry)
                        frames += 1
                    }
                }
            }
        }
        guard let first else { return (nil, warnings) }
        let isCT = modality.uppercased() == "CT"
        var meta: [String: Any] = [
            "version": 1, "codec": "rice1", "modality": modality, "rows": first.rows, "columns": first.columns,
            "samples": first.samples.rawValue, "photometric": first.photometric,
            "unit": isCT && first.samples != .rgb8 ? "HU" : "", "light": mode == .light && first.samples == .gray8,
            // The series' own window is "window" (the page's Default); light frames hold it first, then these.
            "presets": presets.map { ["name": $0.name, "center": $0.center, "width": $0.width] },
        ]
        meta["rescale"] = first.rescale.map { ["slope": $0[0], "intercept": $0[1]] } ?? NSNull()
        meta["pixelSpacing"] = first.pixelSpacing ?? NSNull()
        meta["spacingKind"] = first.spacingKind ?? NSNull()
        meta["cineRate"] = first.cineRate ?? NSNull()
        if first.samples == .int, minimum <= maximum { meta["range"] = [minimum, maximum] }
        let window = first.window ?? (minimum <= maximum ? ViewerPreset(name: "Full range", center: (Double(minimum) + Double(maximum)) / 2,
                                                                          width: Double(maximum) - Double(minimum) + 1) : nil)
        meta["window"] = window.map { ["center": $0.center, "width": $0.width] } ?? NSNull()
        let json = try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys, .withoutEscapingSlashes])
        // The frames array is open: close it and add the other keys of the object.
        try put("]," + String(decoding: json.dropFirst(), as: UTF8.self) + ");\n")

        var entry: [String: Any] = ["file": "\(key).JS", "key": key, "uid": series.seriesInstanceUID, "number": Int(series.number) ?? 0, "modality": modality,
                                    "description": series.description, "frames": frames, "rows": first.rows, "columns": first.columns]
        if let thumbnailSource, let thumb = try? Self.thumbnail(thumbnailSource) {
            entry["thumbnail"] = thumb.data; entry["thumbnailRows"] = thumb.rows; entry["thumbnailColumns"] = thumb.columns
        }
        return (entry, warnings)
    }

    /// A grey thumbnail of the first frame at its default window, at most 64 pixels a side, coded
    /// as one gray8 plane.
    static func thumbnail(_ path: String) throws -> (data: String, rows: Int, columns: Int) {
        let file = try Part10Reader.read(path: path)
        let image = Resampler.thumbnail(try Renderer.render(file: file, frame: 0, voi: .automatic, format: RenderFormat.gray8), maxSide: 64)
        var gray: [Int32]
        switch image.pixels {
        case .gray8(let g): gray = g.map(Int32.init)
        case .rgb8(let c): gray = stride(from: 0, to: c.count, by: 3).map { (Int32(c[$0]) * 299 + Int32(c[$0 + 1]) * 587 + Int32(c[$0 + 2]) * 114) / 1000 }
        case .gray16(let g, let bits): gray = g.map { Int32($0 >> UInt16(max(0, bits - 8))) }
        }
        let coded = gray.withUnsafeBufferPointer { ViewerFrameCodec.encode($0, rows: image.height, columns: image.width, planes: 1) }
        return (Data(coded).base64EncodedString(), image.height, image.width)
    }
}
