import DICOM
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes synthetic but realistic CT or MR studies of the Shepp–Logan head phantom.
///
/// Layout under the output directory (all names eight characters, so they also work as
/// PS3.10 File ID components once `fileExtension` is ""):
///
///     DIR/PAT00001/STU00001/SER00001/IMG00001.dcm
///         PATnnnnn  one folder per patient     (1 … patients)
///         STUnnnnn  one per study of that patient
///         SERnnnnn  one per series of that study
///         IMGnnnnn  one file per image; the number is the Instance Number
///
/// Every file is a complete CT Image or MR Image (PS3.3 A.3, A.4) with Patient, General Study,
/// Patient Study, General Series, Frame of Reference, General Equipment, General Image,
/// Image Plane, Image Pixel, CT/MR Image, VOI LUT and SOP Common modules. All series of a study
/// share one Frame of Reference and the same slice positions, so each phantom slice is computed
/// once per study and position (per contrast, for MR) and reused for every series.
///
/// Determinism: everything — names, dates, UIDs, phantom variation, noise — comes from the seed,
/// so the same options and seed give byte-identical files. UIDs are `2.25` UIDs derived from the
/// seed and the file's place in the hierarchy (`UIDGenerator.derivedUID`): write with the same
/// seed twice and you get the same UIDs, which is what reproducible tests want and what a PACS
/// must not be sent twice.
public struct StudyGenerator: Sendable {
    public let options: SynthesisOptions
    /// The seed in use (the options' one, or a random one).
    public let seed: UInt64

    public init(options: SynthesisOptions) throws {
        try options.validate()
        self.options = options
        var g = SystemRandomNumberGenerator()
        self.seed = options.seed ?? g.next()
    }

    /// The path of a file below the output directory, e.g. "PAT00001/STU00002/SER00001/IMG00017.dcm".
    /// Indices are 0-based; the names count from 1.
    public static func relativePath(patient: Int, study: Int, series: Int, image: Int, fileExtension: String = ".dcm") -> String {
        "PAT\(pad5(patient + 1))/STU\(pad5(study + 1))/SER\(pad5(series + 1))/IMG\(pad5(image + 1))\(fileExtension)"
    }

    // MARK: In memory

    /// One image as a data set (indices 0-based), without writing anything: the same data set
    /// `write` would put in that file.
    public func makeDataSet(patient: Int, study: Int, series: Int, image: Int) throws -> DataSet {
        let s = try plan(patient: patient, study: study)
        let template = try s.seriesTemplate(series)
        let pixels = s.pixelBytes(position: image, variant: s.contrastVariant(series: series))
        return try s.instance(template: template, series: series, image: image, pixels: pixels)
    }

    /// One image as a file ready for `Part10Writer`.
    public func makeFile(patient: Int, study: Int, series: Int, image: Int) throws -> DICOMFile {
        DICOMFile(dataSet: try makeDataSet(patient: patient, study: study, series: series, image: image),
                  transferSyntax: options.transferSyntax)
    }

    // MARK: Writing

    /// Writes every file under `directory` (created if needed; existing files of the same names
    /// are replaced). `progress` is called after each file, from worker threads.
    @discardableResult
    public func write(to directory: String, progress: (@Sendable (SynthesisProgress) -> Void)? = nil) throws -> SynthesisSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        let o = options
        let state = RunState(total: o.totalFiles)
        let workers = max(1, o.concurrency ?? ProcessInfo.processInfo.activeProcessorCount)
        let root = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        var studyUIDs: [String] = []

        for p in 0 ..< o.patients {
            for st in 0 ..< o.studiesPerPatient {
                let s = try plan(patient: p, study: st)
                studyUIDs.append(s.studyUID)
                let templates = try (0 ..< o.seriesPerStudy).map { try s.seriesTemplate($0) }
                for se in 0 ..< o.seriesPerStudy {
                    let dir = root + "/" + Self.relativePath(patient: p, study: st, series: se, image: 0, fileExtension: "")
                        .split(separator: "/").dropLast().joined(separator: "/")
                    do {
                        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                    } catch {
                        throw SynthesisError.cannotCreateDirectory(path: dir, reason: "\(error.localizedDescription)")
                    }
                }
                let variants = Array(Set((0 ..< o.seriesPerStudy).map { s.contrastVariant(series: $0) })).sorted()
                // One pass over the study's files, position by position: the first worker to need a
                // slice computes it, the other series of that position reuse it, and it is dropped
                // once they all have (so only about one slice per worker is alive at a time).
                let slices = SliceCache(count: o.imagesPerSeries * variants.count,
                                        usesPerSlot: (0 ..< variants.count).map { v in
                                            (0 ..< o.seriesPerStudy).filter { s.contrastVariant(series: $0) == variants[v] }.count
                                        })
                let jobs = JobCounter(total: o.imagesPerSeries * o.seriesPerStudy)
                runWorkers(workers) {
                    while let k = jobs.next(), !state.failed {
                        let image = k / o.seriesPerStudy
                        let series = k % o.seriesPerStudy
                        let path = root + "/" + Self.relativePath(patient: p, study: st, series: series, image: image,
                                                                  fileExtension: o.fileExtension)
                        do {
                            let v = variants.firstIndex(of: s.contrastVariant(series: series))!
                            let slot = image * variants.count + v
                            let pixels = slices.get(slot) {
                                s.pixelBytes(position: image, variant: variants[v])
                            }
                            let ds = try s.instance(template: templates[series], series: series, image: image, pixels: pixels)
                            slices.release(slot)
                            let file = DICOMFile(dataSet: ds, transferSyntax: o.transferSyntax)
                            try Part10Writer.write(file, to: path)
                            var info = stat()
                            let size = stat(path, &info) == 0 ? UInt64(info.st_size) : 0
                            let snapshot = state.add(bytes: size)
                            progress?(snapshot)
                        } catch {
                            state.fail(SynthesisError.writeFailed(path: path, reason: "\(error)"))
                        }
                    }
                }
                if let e = state.error { throw e }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let done = state.snapshot
        return SynthesisSummary(files: done.filesWritten, bytes: done.bytesWritten, seconds: seconds,
                                seed: seed, studyInstanceUIDs: studyUIDs)
    }

    // MARK: Planning

    func plan(patient: Int, study: Int) throws -> StudyPlan {
        try StudyPlan(options: options, seed: seed, patient: patient, study: study)
    }
}

/// Runs `body` on `workers` threads at once (on the calling thread alone when 1).
private func runWorkers(_ workers: Int, _ body: @escaping @Sendable () -> Void) {
    if workers == 1 { body(); return }
    DispatchQueue.concurrentPerform(iterations: workers) { _ in body() }
}

/// Hands out job indices 0, 1, 2 … to whichever worker asks next.
private final class JobCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let total: Int
    init(total: Int) { self.total = total }
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard nextIndex < total else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }
}

/// Pixel data shared by the series of one position: computed once, on first use, by the worker
/// that needs it (others wait on that slot's lock), and freed after its last use.
private final class SliceCache: @unchecked Sendable {
    private let values: UnsafeMutableBufferPointer<[UInt8]?>
    private let remaining: UnsafeMutableBufferPointer<Int>
    private let locks: [NSLock]

    init(count: Int, usesPerSlot: [Int]) {
        values = .allocate(capacity: count)
        values.initialize(repeating: nil)
        remaining = .allocate(capacity: count)
        for i in 0 ..< count { remaining[i] = usesPerSlot[i % usesPerSlot.count] }
        locks = (0 ..< count).map { _ in NSLock() }
    }

    deinit {
        values.deinitialize().deallocate()   // frees any slice left after an error
        remaining.deallocate()
    }

    func get(_ slot: Int, _ make: () -> [UInt8]) -> [UInt8] {
        locks[slot].lock(); defer { locks[slot].unlock() }
        if let v = values[slot] { return v }
        let v = make()
        values[slot] = v
        return v
    }

    func release(_ slot: Int) {
        locks[slot].lock(); defer { locks[slot].unlock() }
        remaining[slot] -= 1
        if remaining[slot] == 0 { values[slot] = nil }
    }
}

/// Counters and the first error of a run, shared by the workers.
private final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    private var files = 0
    private var bytes: UInt64 = 0
    private let total: Int
    private var firstError: Error?
    init(total: Int) { self.total = total }

    func add(bytes n: UInt64) -> SynthesisProgress {
        lock.lock(); defer { lock.unlock() }
        files += 1; bytes += n
        return SynthesisProgress(filesWritten: files, totalFiles: total, bytesWritten: bytes, fileBytes: n)
    }
    func fail(_ e: Error) { lock.lock(); if firstError == nil { firstError = e }; lock.unlock() }
    var failed: Bool { lock.lock(); defer { lock.unlock() }; return firstError != nil }
    var error: Error? { lock.lock(); defer { lock.unlock() }; return firstError }
    var snapshot: SynthesisProgress {
        lock.lock(); defer { lock.unlock() }
        return SynthesisProgress(filesWritten: files, totalFiles: total, bytesWritten: bytes, fileBytes: 0)
    }
}

func pad5(_ n: Int) -> String {
    let s = String(n)
    return s.count >= 5 ? s : String(repeating: "0", count: 5 - s.count) + s
}

// MARK: - One study

/// Everything about one study that its files share: patient, dates, UIDs, geometry, phantom.
struct StudyPlan: Sendable {
    let options: SynthesisOptions
    let seed: UInt64
    let patientIndex: Int
    let studyIndex: Int
    let patient: SyntheticPatient
    let texts: SyntheticTexts
    let studyUID: String
    let frameOfReferenceUID: String
    let studyDate: CivilDate
    let studySeconds: Int          // seconds after midnight
    let accession: String
    let studyID: String
    let phantom: SheppLogan
    let contrasts: [PhantomContrast]
    let noise: NoiseField?
    let pixelSpacing: Double
    let sliceSpacing: Double
    let originX: Double, originY: Double
    let firstZ: Double

    /// Prefix shared by every derived UID of this run.
    static let uidBase = Implementation.classUID

    init(options o: SynthesisOptions, seed: UInt64, patient p: Int, study st: Int) throws {
        options = o; self.seed = seed; patientIndex = p; studyIndex = st
        patient = SyntheticPatient(seed: seed, index: p, characterSet: o.characterSet, style: o.nameStyle)
        texts = SyntheticTexts(characterSet: o.characterSet, style: o.nameStyle, modality: o.modality)
        let studySeed = SplitMix64.mix(seed, UInt64(p), UInt64(st), 0x5354)
        var rng = SplitMix64(seed: studySeed)
        let salt = "lightbox-synth/\(seed)/P\(p + 1)/S\(st + 1)"
        studyUID = UIDGenerator.derivedUID(from: Self.uidBase, salt: salt)
        frameOfReferenceUID = UIDGenerator.derivedUID(from: Self.uidBase, salt: salt + "/FoR")
        // Studies of one patient a few months apart, in 2019–2025, in working hours.
        let base = CivilDate(year: 2019, month: 1, day: 1).days + rng.int(0 ... 1800)
        studyDate = CivilDate(days: base + st * rng.int(40 ... 200))
        studySeconds = rng.int(8 * 3600 ... 17 * 3600)
        accession = "A" + String(rng.int(100_000_000 ... 999_999_999))
        studyID = String(1000 + rng.int(0 ... 8999))
        phantom = SheppLogan(variation: studySeed)
        switch o.modality {
        case .ct: contrasts = [PhantomContrast.ct.varied(seed: studySeed)]
        case .mr: contrasts = [PhantomContrast.mr, PhantomContrast.mrT1, PhantomContrast.mrFLAIR].map { $0.varied(seed: studySeed) }
        }
        noise = o.noise ? NoiseField(sigma: o.modality == .ct ? 5 : 15, seed: studySeed) : nil
        // Field of view: a head CT reconstructs 250 mm, a head MR 230 mm.
        let fov = o.modality == .ct ? 250.0 : 230.0
        pixelSpacing = fov / Double(max(o.rows, o.columns))
        originX = -Double(o.columns - 1) / 2 * pixelSpacing
        originY = -Double(o.rows - 1) / 2 * pixelSpacing
        // Cover up to 170 mm of the head with a usual slice spacing.
        let n = Double(o.imagesPerSeries)
        let candidates = o.modality == .ct ? [5, 2.5, 1.25, 0.625] : [5, 4, 3, 2, 1.5, 1]
        sliceSpacing = candidates.first { $0 * n <= 170 } ?? (170 / n * 1000).rounded(.down) / 1000
        firstZ = -(n - 1) / 2 * sliceSpacing
    }

    func contrastVariant(series: Int) -> Int { series % contrasts.count }

    func z(position: Int) -> Double { firstZ + Double(position) * sliceSpacing }

    /// The stored pixel values of a slice as little-endian bytes (CT: HU + 1024 as signed 16 bit;
    /// MR: unsigned 12 bit in 16).
    func pixelBytes(position: Int, variant: Int) -> [UInt8] {
        phantom.pixelData(z: z(position: position), rows: options.rows, columns: options.columns,
                          pixelSpacing: pixelSpacing, originX: originX, originY: originY,
                          contrast: contrasts[variant], noise: noise,
                          noiseSeed: SplitMix64.mix(seed, UInt64(patientIndex), UInt64(studyIndex), UInt64(position), UInt64(variant)),
                          offset: options.modality == .ct ? 1024 : 0)
    }

    // MARK: Data sets

    /// Attributes shared by every image of a series.
    func seriesTemplate(_ series: Int) throws -> DataSet {
        let o = options
        var ds = DataSet()
        if let cs = o.characterSet.specificCharacterSet { try ds.set(.specificCharacterSet, .CS, cs) }
        let isCT = o.modality == .ct
        let seriesSeconds = studySeconds + 60 + series * 150
        let seriesInfo = texts.series(series)

        // SOP Common (C.12.1)
        try ds.set(.sopClassUID, .UI, isCT ? UIDs.ctImageStorage : UIDs.mrImageStorage)
        try ds.set(.instanceCreationDate, .DA, studyDate.da)
        try ds.set(.instanceCreationTime, .TM, tm(seriesSeconds + 300))
        // Patient (C.7.1.1)
        try ds.set(.patientName, .PN, patient.name)
        try ds.set(.patientID, .LO, patient.id)
        try ds.set(.patientBirthDate, .DA, patient.birthDate.da)
        try ds.set(.patientSex, .CS, patient.sex)
        try ds.set(.patientComments, .LT, texts.patientComment)
        // General Study (C.7.2.1)
        try ds.set(.studyInstanceUID, .UI, studyUID)
        try ds.set(.studyDate, .DA, studyDate.da)
        try ds.set(.studyTime, .TM, tm(studySeconds))
        try ds.set(.referringPhysicianName, .PN, texts.referringPhysician)
        try ds.set(.studyID, .SH, studyID)
        try ds.set(.accessionNumber, .SH, accession)
        try ds.set(.studyDescription, .LO, texts.studyDescription)
        // Patient Study (C.7.2.2)
        try ds.set(.patientAge, .AS, patient.age(on: studyDate))
        try ds.set(.patientSize, .DS, formatDS(patient.heightMetres))
        try ds.set(.patientWeight, .DS, formatDS(patient.weightKg))
        // General Series (C.7.3.1)
        try ds.set(.modality, .CS, o.modality.rawValue)
        try ds.set(.seriesInstanceUID, .UI, seriesUID(series))
        try ds.set(.seriesNumber, .IS, String(series + 1))
        try ds.set(.seriesDate, .DA, studyDate.da)
        try ds.set(.seriesTime, .TM, tm(seriesSeconds))
        try ds.set(.seriesDescription, .LO, seriesInfo.description)
        try ds.set(.protocolName, .LO, texts.protocolName)
        try ds.set(.operatorsName, .PN, texts.operatorName)
        try ds.set(.bodyPartExamined, .CS, "HEAD")
        try ds.set(.patientPosition, .CS, "HFS")
        // Frame of Reference (C.7.4.1)
        try ds.set(.frameOfReferenceUID, .UI, frameOfReferenceUID)
        try ds.set(.positionReferenceIndicator, .LO, "")
        // General Equipment (C.7.5.1)
        try ds.set(.manufacturer, .LO, "Lightbox Synthetic")
        try ds.set(.institutionName, .LO, texts.institution)
        try ds.set(.stationName, .SH, isCT ? "LBCT01" : "LBMR01")
        try ds.set(.institutionalDepartmentName, .LO, texts.department)
        try ds.set(.manufacturerModelName, .LO, isCT ? "Phantom CT" : "Phantom MR")
        try ds.set(.deviceSerialNumber, .LO, "SLP-0001")
        try ds.set(.softwareVersions, .LO, "Lightbox \(Implementation.versionName)")
        // General Image (C.7.6.1) and Image Plane (C.7.6.2): per-image values are set in `instance`.
        try ds.set(.imageType, .CS, isCT ? "ORIGINAL\\PRIMARY\\AXIAL" : "ORIGINAL\\PRIMARY\\OTHER")
        try ds.set(.acquisitionNumber, .IS, "1")
        try ds.set(.acquisitionDate, .DA, studyDate.da)
        try ds.set(.contentDate, .DA, studyDate.da)
        try ds.set(.patientOrientation, .CS, "L\\P")
        try ds.set(.burnedInAnnotation, .CS, "NO")
        try ds.set(.lossyImageCompression, .CS, "00")
        try ds.set(.pixelSpacing, .DS, formatDS(pixelSpacing) + "\\" + formatDS(pixelSpacing))
        try ds.set(.imageOrientationPatient, .DS, "1\\0\\0\\0\\1\\0")
        try ds.set(.sliceThickness, .DS, formatDS(sliceSpacing))
        // Image Pixel (C.7.6.3)
        ds.set(.samplesPerPixel, uint16: 1)
        try ds.set(.photometricInterpretation, .CS, "MONOCHROME2")
        ds.set(.rows, uint16: UInt16(o.rows))
        ds.set(.columns, uint16: UInt16(o.columns))
        ds.set(.bitsAllocated, uint16: 16)
        if isCT {
            ds.set(.bitsStored, uint16: 16)
            ds.set(.highBit, uint16: 15)
            ds.set(.pixelRepresentation, uint16: 1)
            // CT Image (C.8.2.1)
            try ds.set(.rescaleIntercept, .DS, "-1024")
            try ds.set(.rescaleSlope, .DS, "1")
            try ds.set(.rescaleType, .LO, "HU")
            try ds.set(.kvp, .DS, "120")
            try ds.set(.dataCollectionDiameter, .DS, "500")
            try ds.set(.reconstructionDiameter, .DS, formatDS(pixelSpacing * Double(max(o.rows, o.columns))))
            try ds.set(.distanceSourceToDetector, .DS, "1040")
            try ds.set(.distanceSourceToPatient, .DS, "570")
            try ds.set(.gantryDetectorTilt, .DS, "0")
            try ds.set(.tableHeight, .DS, "150")
            try ds.set(.rotationDirection, .CS, "CW")
            try ds.set(.exposureTime, .IS, "1000")
            try ds.set(.xRayTubeCurrent, .IS, "300")
            try ds.set(.exposure, .IS, "300")
            try ds.set(.filterType, .SH, "HEAD")
            try ds.set(.generatorPower, .IS, "36")
            try ds.set(.focalSpots, .DS, "0.7")
            try ds.set(.convolutionKernel, .SH, seriesInfo.kernel)
            try ds.set(.spacingBetweenSlices, .DS, formatDS(sliceSpacing))
        } else {
            ds.set(.bitsStored, uint16: 12)
            ds.set(.highBit, uint16: 11)
            ds.set(.pixelRepresentation, uint16: 0)
            // MR Image (C.8.3.1)
            let mr = seriesInfo.mr
            try ds.set(.scanningSequence, .CS, mr.scanningSequence)
            try ds.set(.sequenceVariant, .CS, mr.sequenceVariant)
            try ds.set(.scanOptions, .CS, "")
            try ds.set(.mrAcquisitionType, .CS, "2D")
            try ds.set(.sequenceName, .SH, mr.sequenceName)
            try ds.set(.angioFlag, .CS, "N")
            try ds.set(.repetitionTime, .DS, mr.tr)
            try ds.set(.echoTime, .DS, mr.te)
            if let ti = mr.ti { try ds.set(Tag(0x0018, 0x0082), .DS, ti) }   // Inversion Time
            try ds.set(.numberOfAverages, .DS, "1")
            try ds.set(.imagingFrequency, .DS, "63.87")
            try ds.set(.imagedNucleus, .SH, "1H")
            try ds.set(.echoNumbers, .IS, "1")
            try ds.set(.magneticFieldStrength, .DS, "1.5")
            try ds.set(.spacingBetweenSlices, .DS, formatDS(sliceSpacing))
            try ds.set(.echoTrainLength, .IS, mr.echoTrainLength)
            try ds.set(.pixelBandwidth, .DS, "190")
            try ds.set(.receiveCoilName, .SH, "HEAD 8CH")
            try ds.set(.transmitCoilName, .SH, "BODY")
            try ds.set(.inPlanePhaseEncodingDirection, .CS, "ROW")
            try ds.set(.flipAngle, .DS, mr.flipAngle)
        }
        // VOI LUT (C.11.2)
        try ds.set(.windowCenter, .DS, seriesInfo.windowCenter)
        try ds.set(.windowWidth, .DS, seriesInfo.windowWidth)
        try ds.set(.windowCenterWidthExplanation, .LO, seriesInfo.windowExplanation)
        return ds
    }

    func seriesUID(_ series: Int) -> String {
        UIDGenerator.derivedUID(from: Self.uidBase, salt: "lightbox-synth/\(seed)/P\(patientIndex + 1)/S\(studyIndex + 1)/SE\(series + 1)")
    }

    func sopInstanceUID(series: Int, image: Int) -> String {
        UIDGenerator.derivedUID(from: Self.uidBase,
                                salt: "lightbox-synth/\(seed)/P\(patientIndex + 1)/S\(studyIndex + 1)/SE\(series + 1)/I\(image + 1)")
    }

    /// The template plus the per-image attributes and pixel data.
    func instance(template: DataSet, series: Int, image: Int, pixels: [UInt8]) throws -> DataSet {
        var ds = template
        let z = self.z(position: image)
        // Half a second per image after the series started.
        let seconds = Double(studySeconds + 60 + series * 150) + 20 + Double(image) * 0.5
        try ds.set(.sopInstanceUID, .UI, sopInstanceUID(series: series, image: image))
        try ds.set(.instanceNumber, .IS, String(image + 1))
        try ds.set(.acquisitionTime, .TM, tm(seconds))
        try ds.set(.contentTime, .TM, tm(seconds + 30))
        try ds.set(.imagePositionPatient, .DS, formatDS(originX) + "\\" + formatDS(originY) + "\\" + formatDS(z))
        try ds.set(.sliceLocation, .DS, formatDS(z))
        ds.insert(DataElement(tag: .pixelData, vr: .OW, value: .bytes(pixels)))
        return ds
    }
}

// MARK: - Values

/// A proleptic Gregorian date (days since 1970-01-01; Hinnant's civil-from-days algorithm).
struct CivilDate: Sendable, Equatable {
    let year: Int, month: Int, day: Int

    init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    init(days z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    var days: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// DA: YYYYMMDD.
    var da: String { String(year) + two(month) + two(day) }
}

private func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

/// TM: HHMMSS, or HHMMSS.FFF when there is a fraction.
func tm(_ seconds: Int) -> String { tm(Double(seconds)) }
func tm(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded(.down))
    let s = whole % 86_400
    var out = two(s / 3600) + two(s / 60 % 60) + two(s % 60)
    let millis = Int(((seconds - Double(whole)) * 1000).rounded())
    if millis > 0 { out += "." + String(1000 + min(millis, 999)).dropFirst() }
    return out
}

/// A decimal string of at most 16 characters (PS3.5 Table 6.2-1 DS), without needless zeros.
func formatDS(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
    var s = String(format: "%.6f", v)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    if s == "-0" { s = "0" }
    if s.count > 16 { s = String(format: "%.9g", v) }
    return s
}
